"""Layers of a neural network, each a forward and a backward function (CS231n 2025's API).

A forward function takes its inputs and parameters and returns ``(out, cache)``;
the cache holds what its backward function needs. A backward function takes
the upstream derivative ``dout`` (an array of out's shape: d loss / d out) and
the cache, and returns the derivatives of the loss with respect to each input
of the forward function, each in the shape of that input.

The loss layers take class scores and labels and return ``(loss, dx)``: the mean
loss over the N examples and its gradient with respect to the scores. They add
no regularization: a network adds its own, ``0.5 * reg * sum(W**2)`` per weight
matrix (CS231n's convention for networks; the linear classifiers of
``softmax.py`` and ``linear_svm.py`` add ``reg * sum(W**2)``).

The layers check nothing: they are the inner loop of training and are called
with arrays that ``TwoLayerNet.loss`` (``fc_net.py``) has already checked.
float32 inputs give float32 outputs; inputs are never modified.

The sandwich layers ``affine_relu_forward``/``affine_relu_backward`` are here
too (CS231n keeps them in layer_utils.py; ``cs231n.layer_utils`` re-exports them).
"""
import numpy as np


def affine_forward(x, w, b):
    """Forward pass of an affine (fully connected) layer: out = x.reshape(N, D) @ w + b.

    Inputs:
    - x: array (N, d_1, ..., d_k) of N examples; each is flattened to a row of
      D = d_1 * ... * d_k values.
    - w: array (D, M) of weights.
    - b: array (M,) of biases.

    Returns a tuple of:
    - out: array (N, M).
    - cache: (x, w, b).
    """
    out = None
    # TODO: flatten each example of x into a row of D values (keep N: x may hold a
    # single example, or images (N, 3, 32, 32)), then compute the affine map. Do not
    # modify x: the backward pass needs it as it was.
    # BEGIN SOLUTION
    out = x.reshape(x.shape[0], -1) @ w + b
    # END SOLUTION
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Backward pass of an affine layer.

    Inputs:
    - dout: array (N, M), the upstream derivative d loss / d out.
    - cache: (x, w, b) from affine_forward: x (N, d_1, ..., d_k), w (D, M), b (M,).

    Returns a tuple of:
    - dx: array (N, d_1, ..., d_k), d loss / d x, in the shape of x.
    - dw: array (D, M), d loss / d w.
    - db: array (M,), d loss / d b.
    """
    dx, dw, db = None, None, None
    # TODO: the three derivatives of the affine map, each in the shape of what it is
    # the derivative of: dx in the shape of x as the forward pass received it (not
    # flattened), dw in w's shape, db in b's shape (b was added to every row of the
    # batch). Check each against eval_numerical_gradient_array.
    # BEGIN SOLUTION
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    # END SOLUTION
    return dx, dw, db


def relu_forward(x):
    """Forward pass of a rectified linear unit: out = max(x, 0) elementwise.

    Inputs:
    - x: array of any shape.

    Returns a tuple of:
    - out: array of x's shape.
    - cache: x.
    """
    out = None
    # TODO: the elementwise maximum of x and 0, as a new array (x stays as it was).
    # BEGIN SOLUTION
    out = np.maximum(x, 0)
    # END SOLUTION
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Backward pass of a rectified linear unit.

    Inputs:
    - dout: array of any shape, the upstream derivative.
    - cache: x, the input of relu_forward, of dout's shape.

    Returns:
    - dx: array of x's shape, d loss / d x (at x = 0 the derivative of the ReLU is
      taken to be 0).
      # Hint: dx is dout where x > 0, and 0 where x <= 0.
    """
    dx = None
    # TODO: dx, the derivative of max(0, x) times the upstream derivative, elementwise
    # (0 at x = 0). Decide with the input x kept in the cache, not with the output.
    # Hint: pass the upstream derivative through where the unit was active, and 0 elsewhere.
    # BEGIN SOLUTION
    x = cache
    dx = dout * (x > 0)
    # END SOLUTION
    return dx


def softmax_loss(x, y):
    """Softmax (cross-entropy) loss and its gradient for class scores.

    Inputs:
    - x: array (N, C) of class scores: x[i, j] is the score of class j for example i.
    - y: array (N,) of integer labels, 0 <= y[i] < C.

    Returns a tuple of:
    - loss: scalar, (1/N) * sum_i -log softmax(x[i])[y[i]] (no regularization).
    - dx: array (N, C), d loss / d x.
    """
    loss, dx = None, None
    # TODO: the mean softmax loss over the N rows and its gradient with respect to
    # the scores, without Python loops: what softmax_loss_vectorized in softmax.py
    # computed, with the scores given instead of X @ W. Shift each row by its maximum
    # before exponentiating; the loss is a mean over the rows, and so is its gradient.
    # BEGIN SOLUTION
    N = x.shape[0]
    rows = np.arange(N)
    shifted = x - x.max(axis=1, keepdims=True)
    exp_scores = np.exp(shifted)
    sums = exp_scores.sum(axis=1)
    loss = np.mean(np.log(sums) - shifted[rows, y])
    dx = exp_scores / sums[:, None]
    dx[rows, y] -= 1
    dx /= N
    loss = dx.dtype.type(loss)
    # END SOLUTION
    return loss, dx


def svm_loss(x, y):
    """Multiclass SVM (hinge) loss and its gradient for class scores, with margin 1.

    Inputs:
    - x: array (N, C) of class scores.
    - y: array (N,) of integer labels, 0 <= y[i] < C.

    Returns a tuple of:
    - loss: scalar, (1/N) * sum_i sum_{j != y[i]} max(0, x[i, j] - x[i, y[i]] + 1)
      (no regularization).
    - dx: array (N, C), d loss / d x.
    """
    loss, dx = None, None
    # TODO: the mean hinge loss and its gradient with respect to the scores, without
    # Python loops, as svm_loss_vectorized in linear_svm.py. The correct class has no
    # margin with itself: it adds nothing to the loss.
    # BEGIN SOLUTION
    N = x.shape[0]
    rows = np.arange(N)
    margins = np.maximum(0, x - x[rows, y][:, None] + 1)
    margins[rows, y] = 0
    loss = margins.sum() / N
    dx = (margins > 0).astype(x.dtype)
    dx[rows, y] = -dx.sum(axis=1)
    dx /= N
    loss = dx.dtype.type(loss)
    # END SOLUTION
    return loss, dx


def affine_relu_forward(x, w, b):
    """An affine layer followed by a ReLU: out = max(x.reshape(N, D) @ w + b, 0).

    Inputs: x (N, d_1, ..., d_k), w (D, M), b (M,) as for affine_forward.

    Returns a tuple of:
    - out: array (N, M).
    - cache: (affine cache, relu cache) for affine_relu_backward.
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    """Backward pass of affine_relu_forward.

    Inputs:
    - dout: array (N, M), the upstream derivative.
    - cache: the cache of affine_relu_forward.

    Returns (dx, dw, db) in the shapes of x, w and b.
    """
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, fc_cache)
