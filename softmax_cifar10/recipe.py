"""The package's training recipe: small units around the core SGD step, and ``train`` using them.

``LinearClassifier.train`` is CS231n's plain loop. The recipe adds, each as its
own unit, what lifts a linear softmax classifier on CIFAR-10 from about 0.38 to
about 0.41 test accuracy on CIFAR-10:

- ``MomentumSGD``: the optimizer step, SGD with momentum (``optim.sgd_momentum``).
- ``learning_rate_at``: the schedule, lr * decay ** (it // every).
- ``minibatches``: minibatches drawn with replacement, or epoch by epoch from a
  fresh shuffle (every example once per epoch).
- ``symmetrize`` and ``mirror_gradient``: mirror augmentation at no extra cost.
- ``TailAverage``: the mean of the last iterates (Polyak-Ruppert averaging).
- ``EarlyStopping``: validation accuracy, stopping and keeping the best weights.
- the loss, ``default_loss`` unless told (any function of the same signature works);
- ``progress_bar``: a tqdm bar when asked.

With every extra off and the same seed, ``train`` takes the same steps as
``LinearClassifier.train`` and ends with the same weights (tested).
"""
import contextlib

import numpy as np

from classifiers import optim
from classifiers.linear_classifier import ON_DIVERGE, report_divergence
# default_loss: softmax_loss_vectorized, or an equal and faster kernel where the package has one
from classifiers.softmax import softmax_loss_vectorized as default_loss
# BEGIN SOLUTION
from classifiers.softmax import softmax_loss_fast as default_loss  # noqa: F811  (the blocked kernel)
# END SOLUTION
from softmax_safeguards.validation import (InvalidValueError, check_array, check_choice, check_finite,
                                           check_interval, check_labels, check_nonnegative, check_positive)


class MomentumSGD:
    """One SGD step with momentum mu in [0, 1): the update rule ``optim.sgd_momentum`` (the one
    exercise that writes it), its velocity kept here between steps.

    With mu = 0 the step is plain SGD, W - lr * dW, computed exactly as in
    LinearClassifier.train.
    """

    def __init__(self, momentum=0.0):
        self.momentum = momentum
        self.config = {"momentum": momentum}

    def step(self, W, grad, learning_rate):
        if not self.momentum:
            return W - learning_rate * grad
        self.config["learning_rate"] = learning_rate
        W, self.config = optim.sgd_momentum(W, grad, self.config)
        return W


def learning_rate_at(it, learning_rate, decay=1.0, every=1):
    """The learning rate in force at iteration ``it`` (from 0): learning_rate * decay ** (it // every)."""
    return learning_rate * decay ** (it // every)


def minibatches(rng, num_train, batch_size, replace=True):
    """Endless minibatch indices (arrays of batch_size ints in [0, num_train)).

    With ``replace``, each batch is drawn with replacement (CS231n's sampling;
    ``rng.choice`` as in LinearClassifier.train). Without, every epoch walks
    through a new permutation, so each example is seen once per epoch (a final
    partial batch is dropped).
    """
    if replace:
        while True:
            yield rng.choice(num_train, batch_size)
    batch_size = min(batch_size, num_train)
    while True:
        order = rng.permutation(num_train)
        for start in range(0, num_train - batch_size + 1, batch_size):
            yield order[start:start + batch_size]


def symmetrize(W, mirror):
    """The mirror-symmetric part of W, (W + W[mirror]) / 2."""
    return 0.5 * (W + W[mirror])


def mirror_gradient(grad, mirror):
    """The gradient of the mirror-augmented loss at a mirror-symmetric W: (g + g[mirror]) / 2.

    A mirror (for images, ``cifar10_data.mirror_permutation()``, a left-right flip)
    is a feature permutation that is its own inverse. Since mirror(x) @ W ==
    x @ W[mirror], the loss over every example and its mirror image is
    (L(W) + L(W[mirror])) / 2, whose gradient at symmetric W is (g + g[mirror]) / 2:
    exact augmentation for the cost of permuting D * C numbers.
    """
    return 0.5 * (grad + grad[mirror])


class TailAverage:
    """The mean of the iterates W from iteration ``start`` on (Polyak-Ruppert averaging).

    It lands closer to the minimum than the noisy last iterate. ``result(W)``
    returns W itself when nothing was averaged.
    """

    def __init__(self, start):
        self.start, self.total, self.count = start, None, 0

    def add(self, it, W):
        if it >= self.start:
            if self.total is None:
                self.total = W.astype(np.float64)              # a copy: the sum below is in place
            else:
                self.total += W
            self.count += 1

    def result(self, W):
        return W if self.count == 0 else (self.total / self.count).astype(W.dtype)


class EarlyStopping:
    """Tracks validation accuracy; says stop after ``patience`` evaluations without a better one.

    ``best_W`` holds the weights of the best accuracy seen; ``patience=None``
    never stops.
    """

    def __init__(self, patience=None):
        self.patience, self.best_acc, self.best_W, self.since_best = patience, -1.0, None, 0

    def update(self, acc, W):
        """Record one evaluation; returns True when training should stop."""
        if acc > self.best_acc:
            self.best_acc, self.best_W, self.since_best = acc, W, 0
            return False
        self.since_best += 1
        return self.patience is not None and self.since_best >= self.patience


def progress_bar(progress, total):
    """A tqdm bar (a context manager) when ``progress`` is true or a dict of tqdm options, else a null context."""
    if not progress:
        return contextlib.nullcontext()
    from tqdm.auto import tqdm
    options = {"total": total, "unit": "it", "leave": False, "mininterval": 0.2}
    if isinstance(progress, dict):
        options.update(progress)
    return tqdm(**options)


def train(classifier, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, *,
          loss=default_loss, seed=None, momentum=0.0, lr_decay=1.0, decay_every=None, replace=True,
          mirror=None, average=0, X_val=None, y_val=None, eval_every=None, patience=None, progress=False,
          on_diverge="warn"):
    """Train ``classifier`` (its W: initialized on first use as in LinearClassifier.train) with the recipe.

    Inputs (the first six as in LinearClassifier.train), then keyword-only:
    - loss: a function (W, X, y, reg) -> (loss, dW); default default_loss.
    - seed: seed of a numpy Generator; None draws from numpy's global state.
    - momentum: mu in [0, 1) (MomentumSGD).
    - lr_decay, decay_every: the rate is multiplied by lr_decay in (0, 1] every
      decay_every iterations (default: once per epoch, N // batch_size iterations).
    - replace: minibatches drawn with replacement; False shuffles every epoch.
    - mirror: a feature permutation that is its own inverse, for mirror
      augmentation; W starts symmetrized and stays mirror-symmetric.
    - average: keep the mean of the iterates of the last ``average`` iterations.
    - X_val, y_val, eval_every: validation accuracy every eval_every iterations
      (default: once per epoch) and at the end, recorded as (iteration, accuracy).
    - patience: stop after this many evaluations without a better accuracy and
      keep the best weights seen (needs validation data).
    - progress: a tqdm progress bar (True, or a dict of tqdm options).
    - on_diverge: "warn" or "raise" on a NaN or infinite loss, as in
      LinearClassifier.train; the weights of the last finite loss are kept.

    Returns the history, a dict: "loss" (one minibatch loss per iteration),
    "val_acc" ((iteration, accuracy) pairs), "iterations", "epochs".
    """
    X, y, X_val, y_val, num_classes = _check_data(classifier, X, y, X_val, y_val)
    num_train, dim = X.shape
    mirror, iters_per_epoch, decay_every, eval_every = _check_options(locals())
    rng = np.random if seed is None else np.random.default_rng(seed)
    if classifier.W is None:
        classifier.W = (0.001 * rng.standard_normal((dim, num_classes))).astype(X.dtype)
    W = classifier.W if mirror is None else symmetrize(classifier.W, mirror)
    optimizer, averager, stopper = MomentumSGD(momentum), TailAverage(num_iters - average), EarlyStopping(patience)
    history = {"loss": [], "val_acc": []}
    last_finite = W
    with progress_bar(progress, num_iters) as bar, np.errstate(over="ignore", invalid="ignore"):
        for it, batch in zip(range(num_iters), minibatches(rng, num_train, batch_size, replace)):
            rate = learning_rate_at(it, learning_rate, lr_decay, decay_every)
            value, grad = loss(W, X[batch], y[batch], reg)
            if not np.isfinite(value):
                classifier.W = last_finite
                report_divergence(on_diverge, it, num_iters, value, learning_rate, rate)
                return _finish(history, iters_per_epoch)
            last_finite = W
            history["loss"].append(float(value))
            W = optimizer.step(W, grad if mirror is None else mirror_gradient(grad, mirror), rate)
            averager.add(it, W)
            stop = False
            if X_val is not None and ((it + 1) % eval_every == 0 or it + 1 == num_iters):
                classifier.W = W
                history["val_acc"].append((it + 1, float(np.mean(classifier.predict(X_val) == y_val))))
                stop = stopper.update(history["val_acc"][-1][1], W)
            if bar is not None:
                _show_progress(bar, it, iters_per_epoch, value, history["val_acc"], stop)
            if stop:
                break
    classifier.W = stopper.best_W if patience is not None else averager.result(W)
    return _finish(history, iters_per_epoch)


def _finish(history, iters_per_epoch):
    history["iterations"] = len(history["loss"])
    history["epochs"] = len(history["loss"]) / iters_per_epoch
    return history


def _show_progress(bar, it, iters_per_epoch, loss, val_history, stop):
    bar.update(1)
    if it % 20 == 0 or stop:
        post = {"epoch": it // iters_per_epoch + 1, "loss": f"{loss:.3f}"}
        if val_history:
            post["val_acc"] = f"{val_history[-1][1]:.3f}"
        bar.set_postfix(post, refresh=False)


def _check_data(classifier, X, y, X_val, y_val):
    """Check the data arguments of train; returns them with the class count C."""
    X = check_finite(check_array(X, "X", 2), "X")
    if X.shape[0] == 0:
        raise InvalidValueError("X is an empty training set (0 rows)")
    if classifier.W is not None and classifier.W.shape[0] != X.shape[1]:
        raise InvalidValueError(f"X has {X.shape[1]} features but the classifier's W has shape "
                                f"{classifier.W.shape}; use a new classifier for data of another dimension")
    y = np.asarray(y)
    if classifier.W is not None:
        num_classes = classifier.W.shape[1]
    else:
        num_classes = int(y.max()) + 1 if y.size and np.issubdtype(y.dtype, np.integer) else 1
    y = check_labels(y, "y", X.shape[0], num_classes)
    if (X_val is None) != (y_val is None):
        raise InvalidValueError("pass both X_val and y_val, or neither")
    if X_val is not None:
        X_val = check_array(X_val, "X_val", 2)
        if X_val.shape[1] != X.shape[1]:
            raise InvalidValueError(f"X_val must have {X.shape[1]} columns like X, got shape {X_val.shape}")
        y_val = check_labels(y_val, "y_val", X_val.shape[0], num_classes)
    return X, y, X_val, y_val, num_classes


def _check_options(args):
    """Check train's other options (``args``: its locals after _check_data).

    Returns the mirror permutation as an array (or None), the iterations per
    epoch, and decay_every and eval_every with their defaults filled in.
    """
    check_positive(args["learning_rate"], "learning_rate")
    check_nonnegative(args["reg"], "reg")
    check_positive(args["num_iters"], "num_iters", integer=True)
    check_positive(args["batch_size"], "batch_size", integer=True)
    check_interval(args["momentum"], "momentum", 0, 1, closed="left")
    check_interval(args["lr_decay"], "lr_decay", 0, 1, closed="right")
    check_choice(args["on_diverge"], "on_diverge", ON_DIVERGE)
    average = args["average"]
    if isinstance(average, bool) or not isinstance(average, (int, np.integer)) or average < 0:
        raise InvalidValueError(f"average must be an integer >= 0 (a number of final iterations), got {average!r}")
    if args["patience"] is not None:
        if args["X_val"] is None:
            raise InvalidValueError("patience (early stopping) needs validation data X_val and y_val")
        check_positive(args["patience"], "patience", integer=True)
    mirror, dim = args["mirror"], args["dim"]
    if mirror is not None:
        mirror = np.asarray(mirror)
        if (mirror.shape != (dim,) or not np.issubdtype(mirror.dtype, np.integer)
                or not np.array_equal(np.sort(mirror), np.arange(dim))
                or not np.array_equal(mirror[mirror], np.arange(dim))):
            raise InvalidValueError(f"mirror must be a permutation of the {dim} feature indices that is its "
                                    f"own inverse (mirror[mirror] == arange(D)), got shape {mirror.shape}")
    per_epoch = max(args["num_train"] // args["batch_size"], 1)
    decay_every, eval_every = args["decay_every"], args["eval_every"]
    return (mirror, per_epoch,
            per_epoch if decay_every is None else check_positive(decay_every, "decay_every", integer=True),
            per_epoch if eval_every is None else check_positive(eval_every, "eval_every", integer=True))

