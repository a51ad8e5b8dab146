"""The package's training recipe for the two-layer network: small units beside the plain ``Solver``.

``Solver`` is CS231n's loop (minibatches drawn with replacement, an update rule,
a learning rate decayed per epoch). The recipe, each part its own unit, most of
them shared with the linear classifier's recipe (``softmax_cifar10.recipe``):

- ``recipe.minibatches``: every example once per epoch, from a fresh shuffle;
- ``mirror_half``: mirror augmentation, a random half of each batch flipped left to right;
- the update rules of ``optim.py`` (sgd_momentum by default) with the learning rate
  of ``recipe.learning_rate_at`` (multiplied by ``lr_decay`` after every epoch);
- ``recipe.TailAverage``: the parameters averaged over the last epochs;
- the loss, ``default_loss`` unless told: the model's own ``loss``, or an equal and
  faster kernel where the package has one;
- ``recipe.progress_bar``: a tqdm bar when asked.

The network's regularization is the model's: TwoLayerNet adds
``0.5 * reg * sum(W**2)`` per weight matrix (CS231n's convention for networks).
"""
import time

import numpy as np

from classifiers import optim
from classifiers.linear_classifier import ON_DIVERGE, report_divergence
from .recipe import TailAverage, learning_rate_at, minibatches, progress_bar
from softmax_safeguards.validation import (InvalidValueError, check_array, check_choice, check_finite,
                                           check_interval, check_labels, check_nonnegative, check_positive)


def model_loss(model, X, y):
    """The model's own loss and gradients: model.loss(X, y)."""
    return model.loss(X, y)


# default_loss: the model's own loss, or an equal and faster kernel where the package has one
default_loss = model_loss


# BEGIN SOLUTION
def two_layer_loss_fast(model, X, y):
    """TwoLayerNet.loss(X, y) without its checks and its unused gradient, equal to it (tested).

    The training recipe uses it. Unlike the layers, it never computes the
    gradient with respect to the input X (the most expensive product a
    layer-by-layer backward pass makes, (N, H) @ (H, D), which no update uses),
    works in place where it can, and computes the regularization term with dot
    products instead of squared copies of the weights. Inputs and outputs as
    TwoLayerNet.loss with labels: X (N, d_1, ..., d_k), y (N,); returns
    (loss, grads). The inputs are not checked (the recipe checks its data once).
    """
    W1, b1, W2, b2 = (model.params[k] for k in ("W1", "b1", "W2", "b2"))
    reg, N = model.reg, X.shape[0]
    rows = np.arange(N)
    X = X.reshape(N, -1)
    hidden = X @ W1
    hidden += b1
    np.maximum(hidden, 0, out=hidden)
    scores = hidden @ W2
    scores += b2
    scores -= scores.max(axis=1, keepdims=True)
    correct = scores[rows, y].sum()                    # taken before exp: exp(s_y) may underflow to 0
    np.exp(scores, out=scores)
    sums = scores.sum(axis=1)
    w1, w2 = W1.ravel(), W2.ravel()
    loss = (np.log(sums).sum() - correct) / N + 0.5 * reg * (np.dot(w1, w1) + np.dot(w2, w2))
    scores /= sums[:, None]
    scores[rows, y] -= 1
    scores /= N                                        # d loss / d scores
    grads = {"W2": hidden.T @ scores, "b2": scores.sum(axis=0)}
    dhidden = scores @ W2.T
    dhidden *= hidden > 0
    grads["W1"], grads["b1"] = X.T @ dhidden, dhidden.sum(axis=0)
    if reg:
        grads["W1"] += reg * W1
        grads["W2"] += reg * W2
    return W1.dtype.type(loss), grads


def default_loss(model, X, y):  # noqa: F811
    """The fused kernel for a two-layer network (W1, b1, W2, b2: TwoLayerNet, or a FullyConnectedNet with
    one hidden layer), the model's own loss for any other (a deeper FullyConnectedNet)."""
    if sorted(model.params) == ["W1", "W2", "b1", "b2"]:
        return two_layer_loss_fast(model, X, y)
    return model.loss(X, y)
# END SOLUTION


#: where an image's width runs in a batch of images, for each layout
WIDTH_AXIS = {"channels_first": -1, "channels_last": -2}


def mirror_half(X, rng, layout="channels_first"):
    """Flip a random half (on average) of the images of a batch left to right, in place.

    Inputs:
    - X: array of images, modified in place: (N, C, H, W) for layout "channels_first"
      (CS231n's, the default) or (N, H, W, C) for "channels_last".
    - rng: numpy's global random state or a Generator: each image is flipped with
      probability 1/2.
    - layout: "channels_first" or "channels_last".

    Returns X. Training on batches flipped this way is training on the data set
    augmented with every image's mirror image.
    """
    flip = rng.random(X.shape[0]) < 0.5
    X[flip] = np.flip(X[flip], axis=WIDTH_AXIS[layout])
    return X


def train(model, X, y, learning_rate=1e-2, num_epochs=10, batch_size=200, *, update_rule="sgd_momentum",
          momentum=0.9, lr_decay=1.0, mirror=False, layout="channels_first", average_epochs=0, X_val=None,
          y_val=None, loss=default_loss, seed=None, progress=False, on_diverge="warn"):
    """Train ``model`` (a TwoLayerNet, or any model with params and loss) with the recipe.

    Inputs:
    - model: its params are updated in place of the dict's values; its reg is used as is.
    - X: array (N, d_1, ..., d_k) of training examples, floating point; with
      ``mirror``, images in the given layout. y: array (N,) of their labels.
    - learning_rate: the first epoch's learning rate (default 1e-2).
    - num_epochs: passes over the data (default 10), each N // batch_size steps of
      batch_size examples (default 200) from a fresh shuffle.
    Keyword-only:
    - update_rule: a name of optim.UPDATE_RULES (default "sgd_momentum").
    - momentum: for sgd_momentum (default 0.9).
    - lr_decay: the learning rate is multiplied by it after every epoch, in (0, 1].
    - mirror: flip a random half of every batch left to right (mirror_half).
    - layout: of the images, for mirror: "channels_first" (N, C, H, W), CS231n's and
      the default, or "channels_last" (N, H, W, C).
    - average_epochs: keep the mean of the parameters over this many final epochs
      (0: the last parameters).
    - X_val, y_val: validation data, scored at every epoch's end into the history.
    - loss: a function (model, X, y) -> (loss, grads); default default_loss.
    - seed: seed of a numpy Generator for the shuffles and flips; None draws from
      numpy's global state.
    - progress: a tqdm progress bar (True, or a dict of tqdm options).
    - on_diverge: "warn" (default) or "raise" on a NaN or infinite loss; the
      parameters of the last finite loss are kept.

    Returns the history, a dict: "loss" (one minibatch loss per step), "val_acc"
    ((iteration, accuracy) pairs, one per epoch), "seconds" (the training time when
    each accuracy was taken, the time spent scoring left out), "iterations", "epochs".
    """
    X, y, X_val, y_val = _check_data(model, X, y, X_val, y_val, layout if mirror else None)
    rule, per_epoch, num_iters, average = _check_options(locals(), X.shape[0])
    rng = np.random if seed is None else np.random.default_rng(seed)
    configs = {p: {"momentum": momentum} if rule is optim.sgd_momentum else {} for p in model.params}
    averagers = {p: TailAverage(num_iters - average) for p in model.params}
    history = {"loss": [], "val_acc": [], "seconds": []}
    last_finite = dict(model.params)
    start = time.perf_counter()
    with progress_bar(progress, num_iters) as bar, np.errstate(over="ignore", invalid="ignore"):
        for it, batch in zip(range(num_iters), minibatches(rng, X.shape[0], batch_size, replace=False)):
            rate = learning_rate_at(it, learning_rate, lr_decay, per_epoch)
            X_batch = mirror_half(X[batch], rng, layout) if mirror else X[batch]
            value, grads = loss(model, X_batch, y[batch])
            if not np.isfinite(value):
                model.params = last_finite
                report_divergence(on_diverge, it, num_iters, value, learning_rate, rate)
                return _finish(history, per_epoch)
            history["loss"].append(float(value))
            last_finite = dict(model.params)          # no copies: the update rules return new arrays
            for p, config in configs.items():
                config["learning_rate"] = rate
                model.params[p], configs[p] = rule(model.params[p], grads[p], config)
                averagers[p].add(it, model.params[p])
            if X_val is not None and ((it + 1) % per_epoch == 0 or it + 1 == num_iters):
                scoring = time.perf_counter()
                history["seconds"].append(scoring - start)
                history["val_acc"].append((it + 1, accuracy(model, X_val, y_val)))
                start += time.perf_counter() - scoring            # the time spent scoring is not training
            if bar is not None:
                _show_progress(bar, it, per_epoch, value, history["val_acc"])
    model.params = {p: averagers[p].result(w) for p, w in model.params.items()}
    return _finish(history, per_epoch)


def _finish(history, per_epoch):
    history["iterations"] = len(history["loss"])
    history["epochs"] = len(history["loss"]) / per_epoch
    return history


def accuracy(model, X, y, batch_size=1000):
    """The fraction of the examples of X (N, ...) that ``model.predict`` gives their label y (N,)."""
    return float(np.mean(model.predict(X, batch_size) == y))


def _show_progress(bar, it, per_epoch, loss, val_history):
    bar.update(1)
    if it % 20 == 0:
        post = {"epoch": it // per_epoch + 1, "loss": f"{loss:.3f}"}
        if val_history:
            post["val_acc"] = f"{val_history[-1][1]:.3f}"
        bar.set_postfix(post, refresh=False)


def _check_data(model, X, y, X_val, y_val, layout):
    """Check train's data against the model (images in ``layout`` unless it is None);
    returns X, y, X_val, y_val."""
    W1, W2 = model.params["W1"], model.params["W2"]
    X = np.asarray(X)
    X = check_finite(check_array(X, "X", max(X.ndim, 2)), "X")
    if X.shape[0] == 0 or int(np.prod(X.shape[1:])) != W1.shape[0]:
        raise InvalidValueError(f"X must hold N >= 1 examples of {W1.shape[0]} values each (the model's "
                                f"input_dim), got shape {X.shape}")
    if layout:
        check_choice(layout, "layout", tuple(WIDTH_AXIS))
        if X.ndim != 4:
            shape = "(N, C, H, W)" if layout == "channels_first" else "(N, H, W, C)"
            raise InvalidValueError(f"mirror flips images: X must be {shape} for layout {layout!r}, got shape "
                                    f"{X.shape}; reshape rows of images, e.g. X.reshape(-1, 3, 32, 32)")
    y = check_labels(y, "y", X.shape[0], W2.shape[1])
    if (X_val is None) != (y_val is None):
        raise InvalidValueError("pass both X_val and y_val, or neither")
    if X_val is not None:
        X_val = check_array(np.asarray(X_val), "X_val", X.ndim)
        if X_val.shape[1:] != X.shape[1:]:
            raise InvalidValueError(f"X_val must hold examples of X's shape {X.shape[1:]}, got shape {X_val.shape}")
        y_val = check_labels(y_val, "y_val", X_val.shape[0], W2.shape[1])
    return X, y, X_val, y_val


def _check_options(args, num_train):
    """Check train's other options; returns the update rule, the iterations per epoch and in all, and the
    number of final iterations averaged."""
    check_positive(args["learning_rate"], "learning_rate")
    num_epochs = check_positive(args["num_epochs"], "num_epochs")
    batch_size = check_positive(args["batch_size"], "batch_size", integer=True)
    check_choice(args["update_rule"], "update_rule", tuple(optim.UPDATE_RULES))
    check_interval(args["momentum"], "momentum", 0, 1, closed="left")
    check_interval(args["lr_decay"], "lr_decay", 0, 1, closed="right")
    check_choice(args["on_diverge"], "on_diverge", ON_DIVERGE)
    average_epochs = check_nonnegative(args["average_epochs"], "average_epochs")
    if average_epochs > num_epochs:
        raise InvalidValueError(f"average_epochs must be at most num_epochs, got {average_epochs:g} > {num_epochs:g}")
    per_epoch = max(num_train // batch_size, 1)
    num_iters = max(1, int(round(num_epochs * per_epoch)))
    return (optim.UPDATE_RULES[args["update_rule"]], per_epoch, num_iters,
            min(int(round(average_epochs * per_epoch)), num_iters))
