"""A linear classifier trained by minibatch stochastic gradient descent.

``Softmax`` and ``LinearSVM`` differ only in their loss. ``train`` keeps the
CS231n signature and behaviour (W = 0.001 * randn on first use, minibatches
drawn with replacement, plain SGD steps); the options after ``verbose`` are
keyword-only and default to that classic behaviour.
"""
import contextlib
import os
import tempfile
import zipfile

import numpy as np

from . import _checks
from .linear_svm import _svm_loss_unchecked, svm_loss_vectorized
from .softmax import _softmax_loss_blocked, softmax_loss_vectorized

FORMAT = "softmax-assignment/linear-classifier"
FORMAT_VERSION = 1


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during training; the weights were kept from before."""


class LinearClassifier:
    """Base class: W (D, C) maps a row x (D,) to class scores x @ W (C,)."""

    #: the public, input-checking loss function (W, X, y, reg) -> (loss, dW)
    loss_function = None
    #: the same computation without input checks, for the training loop
    _kernel = None

    def __init__(self, W=None):
        self.W = None if W is None else _checks.float_array("W", W, 2)
        self.history = {}
        self.extras = {}

    # ------------------------------------------------------------------ training

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False, *,
              seed=None, momentum=0.0, lr_decay=1.0, decay_every=None, replace=True,
              mirror=None, average=0, X_val=None, y_val=None, eval_every=None, patience=None,
              num_classes=None, progress=False):
        """Train this classifier with minibatch stochastic gradient descent.

        Inputs:
        - X: array (N, D) of training data, float32 or float64 (W gets X's dtype).
        - y: array (N,) of integer labels in [0, C).
        - learning_rate: step size of the updates.
        - reg: regularization strength (the loss adds reg * sum(W**2)).
        - num_iters: number of SGD steps.
        - batch_size: number of examples per step.
        - verbose: print the loss every 100 iterations.

        Keyword-only options (the defaults give classic CS231n SGD):
        - seed: seed for the initial W and the minibatches (numpy default_rng).
        - momentum: mu in [0, 1) of the update v = mu * v - lr * dW; W += v.
        - lr_decay: the learning rate is multiplied by this every ``decay_every``
          iterations (default: once per epoch, N / batch_size iterations).
        - replace: draw minibatches with replacement (classic); False shuffles
          the data every epoch and walks through it.
        - mirror: data augmentation by a feature permutation that maps an example
          to its mirror image (for images, ``data_utils.mirror_permutation()``
          flips them left to right); it must be its own inverse. Training then
          minimizes the loss over every example and its mirror image. Since
          mirror(x) @ W == x @ W[mirror], that loss is (L(W) + L(W[mirror])) / 2;
          it is unchanged by W -> W[mirror] and strictly convex, so its minimum is
          mirror-symmetric. W is made symmetric, W = (W + W[mirror]) / 2, and
          each step uses the augmented gradient at symmetric W, (g + g[mirror]) / 2:
          exact augmentation for the cost of permuting D * C numbers per step.
          The recorded losses are those of the unmirrored minibatches.
        - average: average the weights of the last ``average`` iterations and
          keep that average (Polyak-Ruppert tail averaging), which lands closer
          to the minimum than the noisy last iterate; 0 keeps the last iterate.
        - X_val, y_val: validation data; its accuracy is recorded every
          ``eval_every`` iterations (default: once per epoch) in
          ``self.history["val_acc"]`` as (iteration, accuracy) pairs.
        - patience: with validation data, stop after this many evaluations
          without a better accuracy and keep the best weights seen.
        - num_classes: C, when y does not contain the largest label.
        - progress: show a tqdm progress bar (True, or a dict of tqdm options).

        Returns the list of the minibatch losses, one per iteration. Raises
        TrainingDiverged, naming the iteration, if the loss becomes NaN or
        infinite; W is then left at the last weights with a finite loss.
        """
        X = _checks.float_array("X", X, 2)
        if X.shape[0] == 0:
            raise ValueError("X is an empty training set (0 rows)")
        learning_rate = _checks.positive("learning_rate", learning_rate)
        reg = _checks.nonnegative("reg", reg)
        num_iters = _checks.positive("num_iters", num_iters, integer=True)
        batch_size = _checks.positive("batch_size", batch_size, integer=True)
        momentum = _checks.nonnegative("momentum", momentum)
        if momentum >= 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        lr_decay = _checks.positive("lr_decay", lr_decay)
        if lr_decay > 1:
            raise ValueError(f"lr_decay must be in (0, 1], got {lr_decay!r}")
        num_train, dim = X.shape
        if self.W is not None:
            if self.W.shape[0] != dim:
                raise ValueError(f"X has {dim} features but the classifier's W has shape {self.W.shape}; "
                                 f"use a new classifier for data of another dimension")
            num_classes = self.W.shape[1]                # a trained classifier keeps its classes
        elif num_classes is None:
            y_arr = np.asarray(y)
            num_classes = int(y_arr.max()) + 1 if y_arr.size and np.issubdtype(y_arr.dtype, np.integer) else 2
        num_classes = _checks.positive("num_classes", num_classes, integer=True)
        y = _checks.labels("y", y, num_train, num_classes)
        _checks.finite("X", X)
        validating = X_val is not None or y_val is not None
        if validating:
            if X_val is None or y_val is None:
                raise ValueError("pass both X_val and y_val, or neither")
            X_val = _checks.float_array("X_val", X_val, 2)
            if X_val.shape[1] != dim:
                raise ValueError(f"X_val must have {dim} columns like X, got shape {X_val.shape}")
            y_val = _checks.labels("y_val", y_val, X_val.shape[0], num_classes)
        if patience is not None:
            if not validating:
                raise ValueError("patience (early stopping) needs validation data X_val and y_val")
            patience = _checks.positive("patience", patience, integer=True)
        iters_per_epoch = max(num_train // batch_size, 1)
        decay_every = iters_per_epoch if decay_every is None else _checks.positive(
            "decay_every", decay_every, integer=True)
        eval_every = iters_per_epoch if eval_every is None else _checks.positive(
            "eval_every", eval_every, integer=True)
        if mirror is not None:
            mirror = np.asarray(mirror)
            if (mirror.shape != (dim,) or not np.issubdtype(mirror.dtype, np.integer)
                    or not np.array_equal(np.sort(mirror), np.arange(dim))
                    or not np.array_equal(mirror[mirror], np.arange(dim))):
                raise ValueError(f"mirror must be a permutation of the {dim} feature indices that is its "
                                 f"own inverse (mirror[mirror] == arange(D)), got shape {mirror.shape}")
        if isinstance(average, bool) or not isinstance(average, (int, np.integer)) or average < 0:
            raise ValueError(f"average must be an integer >= 0 (a number of final iterations), got {average!r}")

        # every argument is checked: only now does the call change the classifier
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = (0.001 * rng.standard_normal((dim, num_classes))).astype(X.dtype)
        average_from = num_iters - average
        W_sum, averaged = None, 0

        W = self.W
        if mirror is not None:
            W = 0.5 * (W + W[mirror])
        velocity = np.zeros_like(W)
        loss_history, val_history = [], []
        best, since_best = (-1.0, W), 0
        batches = _minibatches(rng, num_train, batch_size, replace)
        # overflow in a diverging run is detected through the loss and reported, not warned about
        with _progress_bar(progress, num_iters) as bar, np.errstate(over="ignore", invalid="ignore"):
            try:
                for it, idx in zip(range(num_iters), batches):
                    loss, grad = self._step_loss(W, X[idx], y[idx], reg, mirror)
                    if not np.isfinite(loss):
                        raise TrainingDiverged(
                            f"training diverged at iteration {it + 1} of {num_iters}: the loss became {loss} "
                            f"with learning_rate={learning_rate:g}; lower the learning rate (try "
                            f"{learning_rate / 10:g}). The weights were kept from the last finite loss.")
                    self.W = W                          # the last weights with a finite loss
                    loss_history.append(float(loss))
                    if momentum:
                        velocity = momentum * velocity - learning_rate * grad
                        W = W + velocity
                    else:
                        W = W - learning_rate * grad
                    if it >= average_from:
                        W_sum = W.astype(np.float64) if W_sum is None else W_sum + W
                        averaged += 1
                    if verbose and it % 100 == 0:
                        print(f"iteration {it} / {num_iters}: loss {loss:f}")
                    if (it + 1) % decay_every == 0:
                        learning_rate *= lr_decay
                    stop = False
                    if validating and ((it + 1) % eval_every == 0 or it + 1 == num_iters):
                        acc = float(np.mean(_argmax_scores(X_val, W) == y_val))
                        val_history.append((it + 1, acc))
                        if acc > best[0]:
                            best, since_best = (acc, W), 0
                        else:
                            since_best += 1
                            stop = patience is not None and since_best >= patience
                    if bar is not None:
                        bar.update(1)
                        if it % 20 == 0 or stop:
                            post = {"epoch": it // iters_per_epoch + 1, "loss": f"{loss:.3f}"}
                            if val_history:
                                post["val_acc"] = f"{val_history[-1][1]:.3f}"
                            bar.set_postfix(post, refresh=False)
                    if stop:
                        break
                if averaged:
                    W = (W_sum / averaged).astype(W.dtype)
                # the final step's weights have not been checked by a loss; check them cheaply
                self.W = W if np.isfinite(W).all() else self.W
                if patience is not None and best[0] >= 0:
                    self.W = best[1]
            finally:
                self.history = {"loss": loss_history, "val_acc": val_history, "iterations": len(loss_history),
                                "epochs": len(loss_history) / iters_per_epoch}
        return loss_history

    def _step_loss(self, W, Xb, yb, reg, mirror):
        """Minibatch loss and gradient; with ``mirror``, the gradient of the mirror-augmented loss."""
        loss, grad = self._kernel(W, Xb, yb, reg)
        if mirror is not None:
            # For mirror-symmetric W the augmented loss (L(W) + L(W[mirror])) / 2 has gradient
            # (g + g[mirror]) / 2: the mirrored batch costs nothing to add.
            grad = 0.5 * (grad + grad[mirror])
        return loss, grad

    # ------------------------------------------------------------------ inference

    def _features(self, X):
        if self.W is None:
            raise ValueError("this classifier has no weights yet: call train() or load() first")
        X = _checks.float_array("X", X, 2)
        if X.shape[1] != self.W.shape[0]:
            raise ValueError(f"X must have {self.W.shape[0]} columns (the classifier's D), got shape {X.shape}")
        return X

    def predict(self, X):
        """Predicted labels, an int array (N,), for data X (N, D): argmax_c (X @ W)[:, c]."""
        return _argmax_scores(self._features(X), self.W)

    def scores(self, X):
        """Class scores X @ W, an array (N, C)."""
        return self._features(X) @ self.W

    def loss(self, X_batch, y_batch, reg):
        """Loss and gradient (loss, dW) of this classifier's W on a minibatch (checked inputs)."""
        if self.W is None:
            raise ValueError("this classifier has no weights yet: call train() or load() first")
        return type(self).loss_function(self.W, X_batch, y_batch, reg)

    # ------------------------------------------------------------------ persistence

    def save(self, path, **extras):
        """Save W (and named ``extras``: arrays, numbers or strings) to an .npz file at ``path``.

        The file is written under a temporary name in the same folder and renamed
        into place only when complete, so an existing file is never left half written.
        """
        if self.W is None:
            raise ValueError("this classifier has no weights to save: call train() first")
        path = os.fspath(path)
        folder = os.path.dirname(os.path.abspath(path))
        arrays = {"format": np.array(FORMAT), "version": np.array(FORMAT_VERSION),
                  "kind": np.array(type(self).__name__), "W": self.W}
        for name, value in extras.items():
            value = np.asarray(value)
            if value.dtype == object:
                raise TypeError(f"extra {name!r} must be an array of numbers or strings, not objects")
            arrays["extra/" + name] = value
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return path

    @classmethod
    def load(cls, path):
        """Load a classifier saved by ``save``; returns a new instance of the saved kind.

        ``LinearClassifier.load`` accepts any kind; ``Softmax.load`` only a Softmax
        file, and so on. Raises ValueError naming the file if it is not one of ours,
        of the wrong kind or malformed.
        """
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no model file at {path}")
        try:
            with np.load(path, allow_pickle=False) as data:
                contents = {k: data[k] for k in data.files}
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
            raise ValueError(f"{path} is not a model file saved by LinearClassifier.save ({exc})") from None
        if str(contents.get("format", "")) != FORMAT or "W" not in contents or "kind" not in contents:
            raise ValueError(f"{path} is not a model file saved by LinearClassifier.save "
                             f"(it has entries {sorted(contents)})")
        if int(contents["version"]) > FORMAT_VERSION:
            raise ValueError(f"{path} was saved by a newer version (format {int(contents['version'])}); upgrade")
        kind = str(contents["kind"])
        kinds = {k.__name__: k for k in (Softmax, LinearSVM)}
        if kind not in kinds:
            raise ValueError(f"{path} holds an unknown classifier kind {kind!r}")
        if cls is not LinearClassifier and kinds[kind] is not cls:
            raise ValueError(f"{path} holds a {kind} classifier, not a {cls.__name__}; "
                             f"load it with {kind}.load or LinearClassifier.load")
        W = contents["W"]
        if W.ndim != 2 or not np.issubdtype(W.dtype, np.floating) or min(W.shape) < 1:
            raise ValueError(f"{path} holds weights of the wrong shape or type: W has shape {W.shape} "
                             f"and dtype {W.dtype}, expected a 2-D float array (D, C)")
        if not np.isfinite(W).all():
            raise ValueError(f"{path} holds weights with NaN or infinity")
        model = kinds[kind](W)
        model.extras = {k[len("extra/"):]: v for k, v in contents.items() if k.startswith("extra/")}
        return model


class Softmax(LinearClassifier):
    """A linear classifier with the softmax (cross-entropy) loss."""

    loss_function = staticmethod(softmax_loss_vectorized)
    _kernel = staticmethod(_softmax_loss_blocked)

    def predict_proba(self, X):
        """Class probabilities softmax(X @ W), an array (N, C) whose rows sum to 1."""
        S = self.scores(X)
        S = S - S.max(axis=1, keepdims=True)
        np.exp(S, out=S)
        return S / S.sum(axis=1, keepdims=True)


class LinearSVM(LinearClassifier):
    """A linear classifier with the multiclass SVM (hinge) loss."""

    loss_function = staticmethod(svm_loss_vectorized)
    _kernel = staticmethod(_svm_loss_unchecked)


def _argmax_scores(X, W, block_rows=8192):
    """argmax of X @ W per row, computed in blocks so no (N, C) temporary is large."""
    out = np.empty(X.shape[0], dtype=np.intp)
    for start in range(0, X.shape[0], block_rows):
        out[start:start + block_rows] = np.argmax(X[start:start + block_rows] @ W, axis=1)
    return out


def _minibatches(rng, num_train, batch_size, replace):
    """Endless minibatch indices: drawn with replacement, or walking through a new shuffle every epoch."""
    if replace:
        while True:
            yield rng.integers(0, num_train, batch_size)
    batch_size = min(batch_size, num_train)
    while True:
        order = rng.permutation(num_train)
        for start in range(0, num_train - batch_size + 1, batch_size):
            yield order[start:start + batch_size]


def _progress_bar(progress, total):
    """A tqdm bar (a context manager), or a null context yielding None when not asked for."""
    if not progress:
        return contextlib.nullcontext()
    from tqdm.auto import tqdm
    options = {"total": total, "unit": "it", "leave": False, "mininterval": 0.2}
    if isinstance(progress, dict):
        options.update(progress)
    return tqdm(**options)
