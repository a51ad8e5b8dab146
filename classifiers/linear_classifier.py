"""A linear classifier trained by minibatch stochastic gradient descent, as in CS231n.

``LinearClassifier.train`` is the assignment's loop: draw a minibatch, ask
``self.loss`` for the loss and gradient, step, record. ``loss`` is the one
extension point: ``Softmax`` and ``LinearSVM`` differ only in it, and any
subclass that overrides it trains with it. The package's own recipe (momentum,
schedules, averaging, early stopping ...) lives in ``softmax_cifar10.recipe``.
"""
import warnings

import numpy as np

from softmax_safeguards import persistence
from .linear_svm import svm_loss_vectorized
from .softmax import softmax_loss_vectorized
from softmax_safeguards.validation import (ClassifierError, InvalidValueError, check_array, check_choice,
                                           check_finite, check_labels, check_nonnegative, check_positive)

FORMAT = "softmax-assignment/linear-classifier"
ON_DIVERGE = ("warn", "raise")
NO_LOSS = ("LinearClassifier is a base class without a loss: a subclass must override "
           "loss(X_batch, y_batch, reg) -> (loss, dW); use Softmax or LinearSVM")


class TrainingDiverged(ClassifierError, FloatingPointError):
    """The loss became NaN or infinite during training (raised with on_diverge="raise")."""


class TrainingDivergedWarning(UserWarning):
    """The loss became NaN or infinite; that run stopped with the weights of its last finite loss.

    Issued once per diverging run. A UserWarning, not a RuntimeWarning: it is
    not one of numpy's floating-point warnings (those are silenced inside train,
    since the loss itself says what happened), and the test suite's setting
    ``error::RuntimeWarning`` does not turn an expected divergence into an error.
    """


def report_divergence(on_diverge, iteration, num_iters, loss, learning_rate, rate_in_force):
    """Warn (on_diverge="warn") or raise TrainingDiverged ("raise") about a non-finite loss.

    Names the iteration (counted from 1), the learning rate the run was given
    and the one in force when it diverged (they differ under a schedule).
    """
    message = (f"training diverged at iteration {iteration + 1} of {num_iters}: the loss became {loss} "
               f"with learning_rate={learning_rate:g} (in force: {rate_in_force:g}); the run stopped and "
               f"kept the weights of its last finite loss; lower the learning rate (try {learning_rate / 10:g})")
    if on_diverge == "raise":
        raise TrainingDiverged(message)
    warnings.warn(message, TrainingDivergedWarning, stacklevel=3)


class LinearClassifier:
    """Base class: W (D, C) maps a row x (D,) to class scores x @ W (C,)."""

    def __init__(self, W=None):
        self.W = None if W is None else check_array(W, "W", 2)
        self.extras = {}

    # ------------------------------------------------------------------ training

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False, *,
              seed=None, on_diverge="warn"):
        """Train this classifier with minibatch stochastic gradient descent.

        Inputs:
        - X: array (N, D) of training data, float32 or float64 (W gets X's dtype).
        - y: array (N,) of integer labels in [0, C).
        - learning_rate: step size: W <- W - learning_rate * dW.
        - reg: regularization strength (the loss adds reg * sum(W**2)).
        - num_iters: number of steps.
        - batch_size: number of examples per step, drawn with replacement.
        - verbose: print the loss every 100 iterations.
        - seed (keyword-only): seed of a numpy Generator for the initial W and the
          minibatches; None draws from numpy's global state, so np.random.seed(...)
          makes a run repeatable, as the CS231n notebooks expect.
        - on_diverge (keyword-only): when the loss becomes NaN or infinite, "warn"
          (the default: a TrainingDivergedWarning, and the run stops with the
          weights of its last finite loss, so a search loop goes on) or "raise"
          (TrainingDiverged, the weights kept likewise).

        On first use W = 0.001 * randn(D, C), C = max(y) + 1. Returns the list of
        the minibatch losses, one per completed iteration.
        """
        X, y, num_classes = self._check_training(X, y, learning_rate, reg, num_iters, batch_size, on_diverge)
        num_train, dim = X.shape
        rng = np.random if seed is None else np.random.default_rng(seed)
        if self.W is None:
            self.W = (0.001 * rng.standard_normal((dim, num_classes))).astype(X.dtype)
        loss_history = []
        last_finite = self.W
        for it in range(num_iters):
            # TODO: sample a minibatch: batch_size rows of X, drawn at random with
            # replacement, into X_batch (batch_size, D), and their labels into y_batch
            # (batch_size,). Draw with rng (numpy's global random state, or the Generator
            # of the given seed), so that seed and np.random.seed make a run repeatable.
            # BEGIN SOLUTION
            batch = rng.choice(num_train, batch_size)           # with replacement
            X_batch, y_batch = X[batch], y[batch]
            # END SOLUTION
            with np.errstate(over="ignore", invalid="ignore"):   # divergence is reported just below
                loss, grad = self.loss(X_batch, y_batch, reg)
            if not np.isfinite(loss):
                self.W = last_finite
                report_divergence(on_diverge, it, num_iters, loss, learning_rate, learning_rate)
                break
            last_finite = self.W.copy()                         # a copy: the update below may be in place
            loss_history.append(float(loss))
            # TODO: update the weights using the gradient and the learning rate.
            # BEGIN SOLUTION
            self.W = self.W - learning_rate * grad             # a new array: W given by the caller stays as it was
            # END SOLUTION
            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))
        return loss_history

    def _check_training(self, X, y, learning_rate, reg, num_iters, batch_size, on_diverge):
        """Check train's arguments before anything changes; returns X, y and the class count C."""
        if type(self).loss is LinearClassifier.loss:
            raise NotImplementedError(NO_LOSS)
        X = check_finite(check_array(X, "X", 2), "X")
        if X.shape[0] == 0:
            raise InvalidValueError("X is an empty training set (0 rows)")
        check_positive(learning_rate, "learning_rate")
        check_nonnegative(reg, "reg")
        check_positive(num_iters, "num_iters", integer=True)
        check_positive(batch_size, "batch_size", integer=True)
        check_choice(on_diverge, "on_diverge", ON_DIVERGE)
        if self.W is not None and self.W.shape[0] != X.shape[1]:
            raise InvalidValueError(f"X has {X.shape[1]} features but the classifier's W has shape "
                                    f"{self.W.shape}; use a new classifier for data of another dimension")
        y = np.asarray(y)
        if self.W is not None:
            num_classes = self.W.shape[1]                      # a trained classifier keeps its classes
        else:
            num_classes = int(y.max()) + 1 if y.size and np.issubdtype(y.dtype, np.integer) else 1
        return X, check_labels(y, "y", X.shape[0], num_classes), num_classes

    def loss(self, X_batch, y_batch, reg):
        """Loss and gradient of this classifier's W on a minibatch; subclasses override this.

        Inputs:
        - X_batch: array (N, D) of a minibatch of N rows.
        - y_batch: array (N,) of its labels.
        - reg: regularization strength.

        Returns a tuple (loss, dW): the loss as a scalar and its gradient with
        respect to self.W, an array of W's shape.
        """
        raise NotImplementedError(NO_LOSS)

    # ------------------------------------------------------------------ inference

    def _check_features(self, X):
        if self.W is None:
            raise InvalidValueError("this classifier has no weights yet: call train() or load() first")
        X = check_array(X, "X", 2)
        if X.shape[1] != self.W.shape[0]:
            raise InvalidValueError(f"X must have {self.W.shape[0]} columns (the classifier's D), "
                                    f"got shape {X.shape}")
        return X

    def scores(self, X):
        """Class scores X @ W, an array (N, C), for data X (N, D)."""
        return self._check_features(X) @ self.W

    def predict(self, X):
        """Predicted labels, an int array (N,), for data X (N, D): y_pred[i] = argmax_c (X @ W)[i, c]."""
        # TODO: return the class with the highest score for each row (self.scores(X) gives X @ W).
        # BEGIN SOLUTION
        return np.argmax(self.scores(X), axis=1)
        # END SOLUTION

    # ------------------------------------------------------------------ persistence

    def save(self, path, **extras):
        """Save W (and named ``extras``: arrays, numbers or strings) to ``path``; returns the path.

        A path ending in .npz gets this package's format, loadable without unpickling;
        one ending in .npy gets CS231n's 2025 template format, np.save of {'W': W} (no
        extras), which the template's own ``load`` reads. The file is written atomically:
        an existing file is never left half written. See softmax_safeguards/persistence.py.
        """
        if self.W is None:
            raise InvalidValueError("this classifier has no weights to save: call train() first")
        return persistence.save_model(path, FORMAT, type(self).__name__, {"W": self.W}, extras)

    @classmethod
    def load(cls, path):
        """Load a classifier saved by ``save``, or by CS231n's template; returns a new instance.

        An .npz file gives a classifier of the saved kind (``Softmax.load`` accepts only a
        Softmax file; ``LinearClassifier.load`` any kind). An .npy file (CS231n's
        {'W': W}, read without running code, or a bare W) gives one of the class called.
        Unlike the template's ``load(fname)``, which fills in an existing object, this is a
        class method: ``clf = Softmax.load(path)``. Raises ValueError naming the file if
        it is not a model file or is malformed, FileNotFoundError if it does not exist.
        """
        kinds = {k.__name__: k for k in (Softmax, LinearSVM)}
        kind, params, extras = persistence.load_model(path, FORMAT, {"W": 2}, kinds,
                                                      None if cls is LinearClassifier else cls)
        model = (kind or cls)(params["W"])
        model.extras = extras
        return model


class Softmax(LinearClassifier):
    """A linear classifier with the softmax (cross-entropy) loss."""

    def loss(self, X_batch, y_batch, reg):
        if self.W is None:
            raise InvalidValueError("this classifier has no weights yet: call train() or load() first")
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)

    def predict_proba(self, X):
        """Class probabilities softmax(X @ W), an array (N, C) whose rows sum to 1."""
        # TODO: the probabilities of each row of scores (self.scores(X) gives X @ W): each
        # row sums to 1, and stays finite for large scores, as in your loss.
        # BEGIN SOLUTION
        S = self.scores(X)
        S = S - S.max(axis=1, keepdims=True)
        np.exp(S, out=S)
        return S / S.sum(axis=1, keepdims=True)
        # END SOLUTION


class LinearSVM(LinearClassifier):
    """A linear classifier with the multiclass SVM (hinge) loss."""

    def loss(self, X_batch, y_batch, reg):
        if self.W is None:
            raise InvalidValueError("this classifier has no weights yet: call train() or load() first")
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)
