"""Multiclass SVM (hinge) loss and gradient for a linear classifier, for comparison with softmax.

Both functions share the softmax loss's signature and conventions:

Inputs:
- W: array (D, C) of weights, floating point.
- X: array (N, D) of a minibatch of data, floating point, N >= 1.
- y: array (N,) of integer labels in [0, C).
- reg: float >= 0, the regularization strength.
- delta: keyword-only, the margin, 1 by default (any delta > 0 is equivalent up to
  the scale of W; delta = 0 makes every margin sit on the hinge's kink at W = 0).

Returns a tuple of:
- loss: a scalar of the result dtype,
      loss = (1/N) * sum_i sum_{j != y_i} max(0, s_ij - s_iy_i + delta) + reg * sum(W**2),
  where s_i = X[i] @ W;
- dW: the gradient d loss / d W (a subgradient at the hinge's kink, where a
  margin is exactly 0 and counts as inactive), including 2 * reg * W.
"""
import numpy as np

from . import _checks

DELTA = 1.0


def svm_loss_naive(W, X, y, reg, *, delta=DELTA):
    """Multiclass SVM loss and gradient with explicit loops (see the module docstring)."""
    W, X, y, reg = _checks.linear_problem(W, X, y, reg, check_finite=True)
    delta = _checks.nonnegative("delta", delta)
    dtype = np.result_type(W, X)
    num_train, num_classes = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype)
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + delta
            if margin > 0:
                loss += margin
                # the margin grows with s_j and shrinks with s_y
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return dtype.type(loss), dW


def svm_loss_vectorized(W, X, y, reg, *, delta=DELTA):
    """Multiclass SVM loss and gradient without Python loops (see the module docstring)."""
    W, X, y, reg = _checks.linear_problem(W, X, y, reg)
    delta = _checks.nonnegative("delta", delta)
    with np.errstate(over="ignore", invalid="ignore"):      # an overflow is diagnosed just below
        scores = X @ W                                        # (N, C)
    _checks.scores_finite(scores, W, X)
    return _svm_loss_unchecked(W, X, y, reg, scores, delta)


def _svm_loss_unchecked(W, X, y, reg, scores=None, delta=DELTA):
    """The kernel of svm_loss_vectorized, for callers that checked their inputs."""
    n = X.shape[0]
    rows = np.arange(n)
    if scores is None:
        scores = X @ W
    margins = scores - scores[rows, y][:, None] + delta      # (N, C)
    margins[rows, y] = 0
    np.maximum(margins, 0, out=margins)
    loss = margins.sum() / n + reg * np.sum(W * W)
    # each active margin adds X[i] to its column and subtracts it from the true class's
    dscores = (margins > 0).astype(scores.dtype)
    dscores[rows, y] = -dscores.sum(axis=1)
    dW = X.T @ dscores / n + 2 * reg * W
    return scores.dtype.type(loss), dW
