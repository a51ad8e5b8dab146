"""The speed test's reference: plain vectorized numpy losses, timed on the same inputs as a submission.

Trusted code: it runs in a sandboxed child of its own (``sandbox.run_cases``'s ``reference``),
never in a process that imports a submission, and is timed there on the grader's clock exactly
as the submitted function is.
"""
import numpy as np


def softmax_loss(W, X, y, reg):
    """Mean cross-entropy of softmax(X @ W) + reg * sum(W**2), and its gradient."""
    n = X.shape[0]
    S = X @ W
    S -= S.max(axis=1, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean() + reg * np.sum(W * W)
    P[np.arange(n), y] -= 1
    return loss, X.T @ P / n + 2 * reg * W


def svm_loss(W, X, y, reg):
    """Mean multiclass hinge loss (margin 1) + reg * sum(W**2), and its gradient."""
    n = X.shape[0]
    S = X @ W
    M = np.maximum(0, S - S[np.arange(n), y][:, None] + 1)
    M[np.arange(n), y] = 0
    loss = M.sum() / n + reg * np.sum(W * W)
    D = (M > 0).astype(S.dtype)
    D[np.arange(n), y] = -D.sum(axis=1)
    return loss, X.T @ D / n + 2 * reg * W
