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
  margin is exactly 0 and counts as inactive), the regularization term's included.
  # Hint: the regularization term contributes 2 * reg * W.
"""
import numpy as np

from softmax_safeguards.validation import check_linear_problem, check_nonnegative

DELTA = 1.0


def svm_loss_naive(W, X, y, reg, *, delta=DELTA):
    """Multiclass SVM loss and gradient with explicit loops (see the module docstring)."""
    W, X, y, reg = check_linear_problem(W, X, y, reg)
    delta = check_nonnegative(delta, "delta")
    dtype = np.result_type(W, X)
    num_train, num_classes = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype)
    # TODO: compute the multiclass SVM loss and its (sub)gradient with explicit loops
    # over the examples and classes: the loss of the module docstring in loss, its
    # gradient with respect to W in dW. Work out, for one example, which columns of W
    # each margin depends on, and what a margin that is not positive contributes.
    # Both are averages over the N examples; don't forget the regularization.
    # Hint: a positive margin j of example i adds X[i] to column j of dW and
    # Hint: subtracts it from column y[i].
    # BEGIN SOLUTION
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
    # END SOLUTION
    return dtype.type(loss), dW


def svm_loss_vectorized(W, X, y, reg, *, delta=DELTA):
    """Multiclass SVM loss and gradient without Python loops (see the module docstring)."""
    W, X, y, reg = check_linear_problem(W, X, y, reg)
    delta = check_nonnegative(delta, "delta")
    # TODO: the same loss and gradient as svm_loss_naive, without any Python loop:
    # whole-array operations on the (N, C) scores. Return (scores.dtype.type(loss), dW).
    # Hint: an (N, C) array saying how each score enters the loss (the count of times,
    # Hint: with its sign) gives dW in one matrix product with X.
    # BEGIN SOLUTION
    # With scores S = X @ W, the margins are M = max(0, S - S[i, y_i] + delta)
    # outside the true class. Each active margin (M > 0) adds X[i] to its column of
    # dW and subtracts it from the true class's column, so with A = [M > 0] and
    # A[i, y_i] = -(number of active margins in row i), dW = X.T @ A / N.
    num_train = X.shape[0]
    rows = np.arange(num_train)
    scores = X @ W                                            # (N, C)
    margins = np.maximum(0, scores - scores[rows, y][:, None] + delta)
    margins[rows, y] = 0                                      # the true class has no margin
    loss = margins.sum() / num_train + reg * np.sum(W * W)
    dscores = (margins > 0).astype(scores.dtype)
    dscores[rows, y] = -dscores.sum(axis=1)
    dW = X.T @ dscores / num_train + 2 * reg * W
    return scores.dtype.type(loss), dW
    # END SOLUTION
