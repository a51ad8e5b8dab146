"""Fully connected networks (CS231n 2025's API): TwoLayerNet, affine - ReLU - affine - softmax, and
FullyConnectedNet, {affine - ReLU} x (L - 1) - affine - softmax for any depth L.

Each network is built from the layers of ``layers.py`` and trains with a
``Solver`` (``solver.py``); it implements no gradient descent of its own.
Their regularization follows CS231n's convention for networks,
``0.5 * reg * sum(W**2)`` for each weight matrix (W1, W2 ..., not the biases).
# Hint: so the gradient of each weight matrix carries ``reg * W``.
(The linear classifiers add ``reg * sum(W**2)`` instead.)
"""
import numpy as np

from . import losses
from softmax_safeguards import persistence
from .layers import affine_backward, affine_forward, affine_relu_backward, affine_relu_forward, softmax_loss
from softmax_safeguards.validation import (check_batch, check_float_dtype, check_labels, check_nonnegative,
                                           check_positive)

FORMAT = "softmax-assignment/two-layer-net"
#: the parameters and their number of dimensions, as the model files hold them
PARAMS = {"W1": 2, "b1": 1, "W2": 2, "b2": 1}


class TwoLayerNet:
    """A two-layer fully connected network with a ReLU and a softmax loss.

    With input dimension D, hidden dimension H and C classes, the scores of a
    batch X (N, D) are relu(X @ W1 + b1) @ W2 + b2, an array (N, C).

    The learnable parameters live in the dict ``self.params``: W1 (D, H),
    b1 (H,), W2 (H, C), b2 (C,). ``self.reg`` is the regularization strength.
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0, *,
                 dtype=np.float64, seed=None):
        """Initialize a new network.

        Inputs:
        - input_dim: D, the number of values of one example (default 3 * 32 * 32).
        - hidden_dim: H, the number of hidden units (default 100).
        - num_classes: C, the number of classes (default 10).
        - weight_scale: the standard deviation of the normal distribution (mean 0)
          the weights are drawn from (default 1e-3); the biases start at 0.
        - reg: the regularization strength (default 0): the loss adds
          0.5 * reg * (sum(W1**2) + sum(W2**2)).
        - dtype (keyword-only): the parameters' dtype, np.float64 (default) or np.float32.
        - seed (keyword-only): seed of a numpy Generator for the weights; None draws
          them from numpy's global state, so np.random.seed(...) makes them repeatable
          as CS231n's notebooks expect.
        """
        dims = [check_positive(v, name, integer=True) for v, name in
                ((input_dim, "input_dim"), (hidden_dim, "hidden_dim"), (num_classes, "num_classes"))]
        weight_scale = check_nonnegative(weight_scale, "weight_scale")
        self.reg = check_nonnegative(reg, "reg")
        dtype = check_float_dtype(dtype, "dtype")
        rng = np.random if seed is None else np.random.default_rng(seed)
        D, H, C = dims
        self.params = {
            "W1": (weight_scale * rng.standard_normal((D, H))).astype(dtype),
            "b1": np.zeros(H, dtype),
            "W2": (weight_scale * rng.standard_normal((H, C))).astype(dtype),
            "b2": np.zeros(C, dtype),
        }

    def loss(self, X, y=None):
        """Scores of a batch, or its loss and the gradients of the loss.

        Inputs:
        - X: array (N, d_1, ..., d_k) of N examples, d_1 * ... * d_k = D: rows
          (N, D) or images (N, 3, 32, 32), floating point.
        - y: array (N,) of integer labels in [0, C), or None.

        Returns:
        If y is None, a test-time forward pass:
        - scores: array (N, C), scores[i, c] the score of class c for X[i].

        Otherwise a tuple of:
        - loss: scalar, (1/N) * sum_i -log softmax(scores[i])[y[i]]
          + 0.5 * reg * (sum(W1**2) + sum(W2**2)).
        - grads: dict with the keys of self.params, grads[k] the gradient of the
          loss with respect to self.params[k], in its shape.
        """
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        X = check_batch(X, "X", W1.shape[0])
        if y is not None:
            y = check_labels(y, "y", X.shape[0], W2.shape[1])
        scores = None
        # TODO: the forward pass, affine - relu - affine, with the layers of layers.py
        # (the sandwich affine_relu_forward does the first two). Keep each layer's
        # cache: the backward pass needs them.
        # BEGIN SOLUTION
        hidden, hidden_cache = affine_relu_forward(X, W1, b1)
        scores, scores_cache = affine_forward(hidden, W2, b2)
        # END SOLUTION
        if y is None:
            return scores

        loss, grads = 0, {}
        # TODO: the loss, the data loss of softmax_loss plus the regularization
        # 0.5 * self.reg * sum(W**2) for W1 and for W2 (CS231n's convention for networks,
        # with the 0.5: the official checks hold only with it; the biases are not
        # regularized), and the backward pass through the layers in reverse order,
        # storing in grads[k] the gradient of the whole loss, regularization included,
        # with respect to self.params[k].
        # BEGIN SOLUTION
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dhidden, grads["W2"], grads["b2"] = affine_backward(dscores, scores_cache)
        _, grads["W1"], grads["b1"] = affine_relu_backward(dhidden, hidden_cache)
        grads["W1"] += self.reg * W1
        grads["W2"] += self.reg * W2
        # END SOLUTION
        return loss, grads

    def predict(self, X, batch_size=1000):
        """Predicted labels, an int array (N,): the class of the highest score for each example of X,
        scored ``batch_size`` examples at a time."""
        return np.concatenate([np.argmax(self.loss(X[s:s + batch_size]), axis=1)
                               for s in range(0, X.shape[0], batch_size)])

    def predict_proba(self, X):
        """Class probabilities, an array (N, C) whose rows sum to 1: the softmax of each example's scores."""
        return losses.softmax(self.loss(X), 1)

    # ------------------------------------------------------------------ persistence

    def save(self, path, **extras):
        """Save the parameters (and named ``extras``: arrays, numbers or strings) to ``path``; returns the path.

        A path ending in .npz gets this package's format, read back without unpickling;
        one ending in .npy gets CS231n's 2025 format, np.save of the dict ``params``
        (no extras), which CS231n's own ``load`` reads. ``reg`` is not saved (nor is it
        in CS231n's file): set it again to go on training with regularization. The
        file is written atomically. See softmax_safeguards/persistence.py.
        """
        return persistence.save_model(path, FORMAT, type(self).__name__, self.params, extras)

    @classmethod
    def load(cls, path):
        """Load a network saved by ``save``, or CS231n's .npy of its params; returns a new TwoLayerNet.

        Unlike CS231n's ``load(fname)``, which fills in an existing object, this is a class
        method: ``model = TwoLayerNet.load(path)``; its reg is 0 and ``extras`` holds what
        was saved with it. Raises ValueError naming the file if it is not a model file of
        this kind or its parameters do not fit together, FileNotFoundError if it does not exist.
        """
        _, params, extras = persistence.load_model(path, FORMAT, PARAMS, {cls.__name__: cls})
        (D, H), (C,) = params["W1"].shape, params["b2"].shape
        if params["b1"].shape != (H,) or params["W2"].shape != (H, C):
            raise persistence.not_a_model_file(path, "its parameters do not fit together: " + ", ".join(
                f"{k} {params[k].shape}" for k in PARAMS))
        model = cls(D, H, C, weight_scale=0.0, dtype=params["W1"].dtype)
        model.params, model.extras = params, extras
        return model


FC_FORMAT = "softmax-assignment/fully-connected-net"


class FullyConnectedNet:
    """A fully connected network of any depth with ReLUs and a softmax loss (CS231n 2025's API).

    With L = len(hidden_dims) + 1 layers the architecture is

        {affine - relu} x (L - 1) - affine - softmax

    The learnable parameters live in the dict ``self.params``: for layer i = 1..L,
    Wi (d_{i-1}, d_i) and bi (d_i,), with d_0 = input_dim, d_1..d_{L-1} = hidden_dims
    and d_L = num_classes. Regularization follows CS231n's convention for networks:
    the loss adds 0.5 * reg * sum(Wi**2) for every weight matrix (not the biases).
    Dropout and batch/layer normalization belong to CS231n's assignment 2: only their
    defaults (no dropout, no normalization) are accepted here.
    """

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        """Initialize a new network.

        Inputs:
        - hidden_dims: list of ints, the size of each hidden layer ([] gives a softmax classifier).
        - input_dim: D, the number of values of one example (default 3 * 32 * 32).
        - num_classes: C, the number of classes (default 10).
        - dropout_keep_ratio: must be 1 (no dropout: dropout is CS231n's assignment 2).
        - normalization: must be None (batch/layer normalization are CS231n's assignment 2).
        - reg: the regularization strength (default 0): the loss adds 0.5 * reg * sum(W**2)
          for every weight matrix.
        - weight_scale: the standard deviation of the normal distribution (mean 0) the
          weights are drawn from (default 1e-2); the biases start at 0.
        - dtype: the parameters' dtype, np.float32 (default) or np.float64 (use float64 to
          check gradients numerically); the inputs are cast to it.
        - seed: seed of a numpy Generator for the weights; None draws them from numpy's
          global state (np.random.seed(...) makes them repeatable). CS231n passes it to the
          dropout layers, which this network does not have.
        """
        if dropout_keep_ratio != 1:
            raise ValueError(f"dropout_keep_ratio must be 1, got {dropout_keep_ratio!r}: dropout is part of "
                             f"CS231n's assignment 2, not of this package")
        if normalization is not None:
            raise ValueError(f"normalization must be None, got {normalization!r}: batch and layer normalization "
                             f"are part of CS231n's assignment 2, not of this package")
        if isinstance(hidden_dims, (str, bytes)) or not hasattr(hidden_dims, "__iter__"):
            raise TypeError(f"hidden_dims must be a list of ints, got {hidden_dims!r}")
        dims = [check_positive(v, f"hidden_dims[{i}]", integer=True) for i, v in enumerate(hidden_dims)]
        dims = [check_positive(input_dim, "input_dim", integer=True), *dims,
                check_positive(num_classes, "num_classes", integer=True)]
        weight_scale = check_nonnegative(weight_scale, "weight_scale")
        self.reg = check_nonnegative(reg, "reg")
        self.dtype = check_float_dtype(dtype, "dtype")
        self.num_layers = len(dims) - 1
        self.normalization, self.use_dropout = None, False
        rng = np.random if seed is None else np.random.default_rng(seed)
        self.params = {}
        # TODO: for each layer i = 1..self.num_layers, store self.params[f"W{i}"], the weights from
        # layer i-1's dims[i-1] values to layer i's dims[i], drawn from a normal distribution of mean 0
        # and standard deviation weight_scale (use rng.standard_normal), and self.params[f"b{i}"],
        # its biases, zeros. Every parameter in self.dtype.
        # BEGIN SOLUTION
        for i in range(1, self.num_layers + 1):
            self.params[f"W{i}"] = (weight_scale * rng.standard_normal((dims[i - 1], dims[i]))).astype(self.dtype)
            self.params[f"b{i}"] = np.zeros(dims[i], self.dtype)
        # END SOLUTION

    def loss(self, X, y=None):
        """Scores of a batch, or its loss and the gradients of the loss.

        Inputs:
        - X: array (N, d_1, ..., d_k) of N examples, d_1 * ... * d_k = input_dim, floating
          point; cast to the network's dtype.
        - y: array (N,) of integer labels in [0, C), or None.

        Returns:
        If y is None, a test-time forward pass:
        - scores: array (N, C), scores[i, c] the score of class c for X[i].

        Otherwise a tuple of:
        - loss: scalar, (1/N) * sum_i -log softmax(scores[i])[y[i]]
          + 0.5 * reg * (sum(W1**2) + ... + sum(WL**2)).
        - grads: dict with the keys of self.params, grads[k] the gradient of the loss
          with respect to self.params[k], in its shape.
        """
        L = self.num_layers
        X = check_batch(X, "X", self.params["W1"].shape[0]).astype(self.dtype, copy=False)
        if y is not None:
            y = check_labels(y, "y", X.shape[0], self.params[f"W{L}"].shape[1])
        scores, caches = None, []
        # TODO: the forward pass: L - 1 times affine - relu (affine_relu_forward), then a last affine
        # layer, with the parameters of self.params in order. Keep every layer's cache in caches.
        # BEGIN SOLUTION
        out = X
        for i in range(1, L):
            out, cache = affine_relu_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
            caches.append(cache)
        scores, cache = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
        caches.append(cache)
        # END SOLUTION
        if y is None:
            return scores

        loss, grads = 0.0, {}
        # TODO: the loss, softmax_loss's data loss plus 0.5 * self.reg * sum(W**2) for every weight
        # matrix (CS231n's convention for networks; the biases are not regularized), and the backward
        # pass through the layers in reverse order, storing in grads[k] the gradient of the whole loss,
        # regularization included, with respect to self.params[k].
        # BEGIN SOLUTION
        loss, dout = softmax_loss(scores, y)
        for i in range(1, L + 1):
            W = self.params[f"W{i}"]
            loss += 0.5 * self.reg * np.sum(W * W)
        dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, caches[L - 1])
        for i in range(L - 1, 0, -1):
            dout, grads[f"W{i}"], grads[f"b{i}"] = affine_relu_backward(dout, caches[i - 1])
        for i in range(1, L + 1):
            grads[f"W{i}"] += self.reg * self.params[f"W{i}"]
        # END SOLUTION
        return loss, grads

    def predict(self, X, batch_size=1000):
        """Predicted labels, an int array (N,): the class of the highest score for each example of X,
        scored ``batch_size`` examples at a time."""
        return TwoLayerNet.predict(self, X, batch_size)

    # ------------------------------------------------------------------ persistence

    def save(self, path, **extras):
        """Save the parameters (and named ``extras``) to ``path``, as ``TwoLayerNet.save`` does; returns the path.

        A .npy path gets CS231n's format (np.save of the dict ``params``); any other, this
        package's .npz format. ``reg`` is not saved.
        """
        return persistence.save_model(path, FC_FORMAT, type(self).__name__, self.params, extras)

    @classmethod
    def load(cls, path):
        """Load a network saved by ``save``, or CS231n's .npy of its params; returns a new FullyConnectedNet.

        A class method, as ``TwoLayerNet.load``: its depth and sizes are read from the file, its reg
        is 0 and ``extras`` holds what was saved with it. Raises ValueError naming the file if it is
        not a model file of this kind or its parameters do not fit together, FileNotFoundError if it
        does not exist.
        """
        names = persistence.stored_names(path)
        L = sum(1 for n in names if n.startswith("W"))
        expected = {f"{p}{i}": 2 if p == "W" else 1 for i in range(1, L + 1) for p in "Wb"}
        _, params, extras = persistence.load_model(path, FC_FORMAT, expected, {cls.__name__: cls})
        if L == 0 or set(names) != set(expected) or any(
                params[f"W{i}"].shape[1] != params[f"b{i}"].shape[0] or
                (i > 1 and params[f"W{i - 1}"].shape[1] != params[f"W{i}"].shape[0]) for i in range(1, L + 1)):
            raise persistence.not_a_model_file(path, "its parameters do not fit together: " + ", ".join(
                f"{k} {np.shape(params.get(k))}" for k in sorted(names)))
        hidden = [params[f"W{i}"].shape[1] for i in range(1, L)]
        model = cls(hidden, params["W1"].shape[0], params[f"W{L}"].shape[1], weight_scale=0.0,
                    dtype=params["W1"].dtype)
        model.params, model.extras = params, extras
        return model
