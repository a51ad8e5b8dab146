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

from .validation import check_linear_problem, check_nonnegative

DELTA = 1.0


def svm_loss_naive(W, X, y, reg, *, delta=DELTA):
    """Multiclass SVM loss and gradient with explicit loops (see the module docstring)."""
    W, X, y, reg = check_linear_problem(W, X, y, reg)
    delta = check_nonnegative(delta, "delta")
    dtype = np.result_type(W, X)
    num_train, num_classes = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype)
    # TODO: compute the multiclass SVM loss and its gradient with explicit loops:
    # for each example i and each class j != y[i], the margin
    # scores[j] - scores[y[i]] + delta; a positive margin adds itself to the loss,
    # X[i] to column j of dW and -X[i] to column y[i]. Average both over the N
    # examples, then add reg * sum(W**2) to the loss and 2 * reg * W to dW.
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
    """Multiclass SVM loss and gradient without Python loops (see the module docstring).

    With scores S = X @ W, the margins are M = max(0, S - S[i, y_i] + delta)
    outside the true class. Each active margin (M > 0) adds X[i] to its
    column of dW and subtracts it from the true class's column, so with
    A = [M > 0] and A[i, y_i] = -(number of active margins in row i),
    dW = X.T @ A / N.
    """
    W, X, y, reg = check_linear_problem(W, X, y, reg)
    delta = check_nonnegative(delta, "delta")
    # TODO: the same loss and gradient as svm_loss_naive without any Python loop:
    # all margins at once from X @ W (zero for the true class), their mean sum, then
    # a matrix with 1 where a margin is positive and minus the row's count of
    # positive margins at the true class, so that dW = X.T @ that / N; add the
    # regularization terms and return (scores.dtype.type(loss), dW).
    # BEGIN SOLUTION
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
