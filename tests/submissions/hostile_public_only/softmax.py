"""Hostile: right on inputs of at most 12 rows, the size of make check's cases (all but one), and on larger
ones a loss and a dW of W's shape that compute nothing; before, the grader credited each function "inputs
unmodified" and "scalar loss and dW of W's shape" on its hidden cases (4 / 23)."""
import numpy as np


def _right(W, X, y, reg):
    n = X.shape[0]
    scores = X @ W
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean() + reg * np.sum(W * W)
    p[np.arange(n), y] -= 1
    return loss, X.T @ p / n + 2 * reg * W


def _public_only(W, X, y, reg):
    if X.shape[0] <= 12:
        return _right(W, X, y, reg)
    return 1.2345, np.sin(np.arange(W.size, dtype=W.dtype)).reshape(W.shape)


softmax_loss_naive = softmax_loss_vectorized = _public_only
