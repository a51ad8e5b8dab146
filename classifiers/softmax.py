"""Softmax (multinomial logistic regression) loss and gradient for a linear classifier.

The loss functions of this module share one signature and one contract:

Inputs:
- W: array (D, C) of weights, floating point.
- X: array (N, D) of a minibatch of data, floating point, N >= 1.
- y: array (N,) of integer labels; y[i] = c means X[i] has label c, 0 <= c < C.
- reg: float >= 0, the regularization strength.

Returns a tuple of:
- loss: a scalar of the result dtype,
      loss = (1/N) * sum_i -log softmax(X[i] @ W)[y[i]] + reg * sum(W**2)
- dW: the gradient d loss / d W, an array of W's shape, the regularization
  term's included.
  # Hint: the regularization term contributes 2 * reg * W.

float32 inputs give float32 outputs, and the inputs are never modified. Every
score is shifted by its row's maximum before exponentiating, so any finite
scores give a finite loss.

- softmax_loss_naive: explicit loops, the derivation written as code.
- softmax_loss_vectorized: the same without Python loops; plain numpy.
"""
import numpy as np

from softmax_safeguards.validation import check_linear_problem
# BEGIN SOLUTION
from softmax_safeguards.validation import check_finite, check_positive
# END SOLUTION


def softmax_loss_naive(W, X, y, reg):
    """Softmax loss and gradient with explicit loops (see the module docstring)."""
    W, X, y, reg = check_linear_problem(W, X, y, reg)
    dtype = np.result_type(W, X)
    num_train, num_classes = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype)
    # TODO: compute the softmax loss and its gradient with explicit loops over the
    # examples: the loss of the module docstring in loss, its gradient with respect
    # to W in dW. Work the gradient out on paper first, for one example and one
    # class. exp() of a large score overflows: the loss must stay finite for any
    # finite scores. Both are averages over the N examples, and don't forget the
    # regularization, in the loss and in its gradient.
    # Hint: for example i with probabilities p = softmax(X[i] @ W), the derivative of
    # Hint: its loss with respect to its score for class j is p[j] - [j == y[i]].
    # BEGIN SOLUTION
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
    # END SOLUTION
    return dtype.type(loss), dW


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss and gradient without Python loops (see the module docstring)."""
    W, X, y, reg = check_linear_problem(W, X, y, reg)
    # TODO: the same loss and gradient as softmax_loss_naive, without any Python loop:
    # whole-array operations on the (N, C) scores of all the examples at once. Keep it
    # as stable as the naive version, and return the loss in the scores' dtype
    # (scores.dtype.type(loss)) so that float32 stays float32.
    # Hint: gather each example's derivatives with respect to its scores into an
    # Hint: (N, C) array; one matrix product with X then gives all of dW.
    # BEGIN SOLUTION
    # With scores S = X @ W and P = softmax(S) row by row, the mean loss is
    # mean_i -log P[i, y_i]; its gradient with respect to S is (P - one_hot(y)) / N,
    # and the chain rule through S = X @ W gives dW = X.T @ (P - one_hot(y)) / N.
    num_train = X.shape[0]
    rows = np.arange(num_train)
    scores = X @ W                                            # (N, C)
    scores = scores - scores.max(axis=1, keepdims=True)       # shift: exp() cannot overflow
    exp_scores = np.exp(scores)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    # -log P[i, y_i] from the shifted scores, as P[i, y_i] itself may underflow to 0
    loss = np.mean(np.log(exp_scores.sum(axis=1)) - scores[rows, y])
    loss += reg * np.sum(W * W)
    dscores = probs
    dscores[rows, y] -= 1                                     # P - one_hot(y)
    dW = X.T @ dscores / num_train + 2 * reg * W
    return scores.dtype.type(loss), dW
    # END SOLUTION


# BEGIN SOLUTION
def softmax_loss_fast(W, X, y, reg, block_rows=None):
    """Softmax loss and gradient computed over blocks of rows, equal to the other two (tested).

    The package's training recipe uses it: the vectorized computation over blocks
    of rows, so each block of X is still in cache when its gradient contribution
    is computed.
    ``block_rows`` rows of X are processed at a time (default: about 4 MiB of X),
    so a block read for the scores is still in cache when its contribution to
    the gradient, block.T @ dscores, is computed. Unlike the other two, it does
    not read X for NaN or infinity first, but only when the loss comes out
    non-finite: then a NaN or infinity in W or X raises the usual ValueError,
    and scores that overflowed from finite inputs give the non-finite loss
    (without a numpy warning), which the training recipe reports as divergence.
    """
    W, X, y, reg = check_linear_problem(W, X, y, reg, finite=False)
    n, d = X.shape
    dtype = np.result_type(W, X)
    if block_rows is None:
        block_rows = max(16, (4 << 20) // (d * dtype.itemsize))
    block_rows = check_positive(block_rows, "block_rows", integer=True)
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
    if not np.isfinite(loss):
        check_finite(W, "W")
        check_finite(X, "X")
    return dtype.type(loss), dW
# END SOLUTION
