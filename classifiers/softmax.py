"""Softmax (multinomial logistic regression) loss and gradient for a linear classifier.

All three functions share one signature and one contract:

Inputs:
- W: array (D, C) of weights, floating point.
- X: array (N, D) of a minibatch of data, floating point, N >= 1.
- y: array (N,) of integer labels; y[i] = c means X[i] has label c, 0 <= c < C.
- reg: float >= 0, the regularization strength.

Returns a tuple of:
- loss: a scalar of the result dtype,
      loss = (1/N) * sum_i -log softmax(X[i] @ W)[y[i]] + reg * sum(W**2)
- dW: the gradient d loss / d W, an array of W's shape; the regularization
  term contributes 2 * reg * W.

float32 inputs give float32 outputs. Every score is shifted by its row's
maximum before exponentiating, so any finite scores give a finite loss.

- softmax_loss_naive: explicit loops, the derivation written as code.
- softmax_loss_vectorized: no Python loops, built on losses.cross_entropy.
- softmax_loss_fast: the vectorized computation over blocks of rows, so each
  block of X is still in cache when its gradient contribution is computed;
  the trainer uses it. Tests hold all three equal.
"""
import numpy as np

from . import _checks
from .losses import cross_entropy


def softmax_loss_naive(W, X, y, reg):
    """Softmax loss and gradient with explicit loops (see the module docstring)."""
    W, X, y, reg = _checks.linear_problem(W, X, y, reg, check_finite=True)
    dtype = np.result_type(W, X)
    num_train, num_classes = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype)
    for i in range(num_train):
        scores = X[i].dot(W)                         # (C,)
        scores = scores - np.max(scores)             # exp() of a number <= 0 cannot overflow
        exp_scores = np.exp(scores)
        total = np.sum(exp_scores)
        # -log(exp(s_y) / sum_j exp(s_j)) = -s_y + log(sum_j exp(s_j))
        loss += -scores[y[i]] + np.log(total)
        for j in range(num_classes):
            p = exp_scores[j] / total
            # d loss_i / d s_j = p_j - [j == y_i], and d s_j / d W[:, j] = X[i]
            dW[:, j] += (p - (j == y[i])) * X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return dtype.type(loss), dW


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss and gradient without Python loops (see the module docstring).

    scores = X @ W, then ``losses.cross_entropy`` gives the mean loss and its
    gradient with respect to the scores (softmax - one_hot) / N, and the chain
    rule through the matrix product gives dW = X.T @ dscores.
    """
    W, X, y, reg = _checks.linear_problem(W, X, y, reg)
    with np.errstate(over="ignore", invalid="ignore"):      # an overflow is diagnosed just below
        scores = X @ W                                        # (N, C)
    _checks.scores_finite(scores, W, X)
    loss, dscores = cross_entropy(scores, y, return_grad=True)
    loss = loss + reg * np.sum(W * W)
    dW = X.T @ dscores + 2 * reg * W
    return loss.astype(scores.dtype), dW


def softmax_loss_fast(W, X, y, reg, block_rows=None):
    """Softmax loss and gradient computed over blocks of rows (see the module docstring).

    ``block_rows`` rows of X are processed at a time (default: about 4 MiB of X),
    so a block read for the scores is still in cache when its contribution to
    the gradient, block.T @ dscores, is computed.
    """
    W, X, y, reg = _checks.linear_problem(W, X, y, reg)
    if block_rows is not None:
        block_rows = _checks.positive("block_rows", block_rows, integer=True)
    loss, dW = _softmax_loss_blocked(W, X, y, reg, block_rows)
    if not np.isfinite(loss):                # a NaN or inf input makes the loss non-finite
        _checks.explain_nonfinite(W, X)
    return loss, dW


def _softmax_loss_blocked(W, X, y, reg, block_rows=None):
    """The unchecked kernel of softmax_loss_fast, for callers that checked their inputs.

    Returns a NaN or infinite loss (rather than raising) when the scores are not
    finite, which the trainer reports as divergence.
    """
    n, d = X.shape
    dtype = np.result_type(W, X)
    if block_rows is None:
        block_rows = max(16, (4 << 20) // (d * dtype.itemsize))
    dWt = np.zeros((W.shape[1], d), dtype)          # (C, D): a C-contiguous output is the faster layout
    total = 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        for start in range(0, n, block_rows):
            Xb = X[start:start + block_rows]
            yb = y[start:start + block_rows]
            rows = np.arange(len(yb))
            S = Xb @ W                                # (B, C)
            S -= S.max(axis=1, keepdims=True)
            correct = S[rows, yb].sum()               # taken before exp: exp(s_y) may underflow to 0
            np.exp(S, out=S)
            sums = S.sum(axis=1)
            total += np.log(sums).sum() - correct
            S /= sums[:, None]                        # probabilities
            S[rows, yb] -= 1                          # d loss_i / d scores_i (before the 1/N)
            dWt += S.T @ Xb
        dW = dWt.T / n
        dW += 2 * reg * W
        loss = total / n + reg * np.sum(W * W)
    return dtype.type(loss), dW
