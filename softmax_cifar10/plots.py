"""Figures for training runs and notebooks. Each function returns a matplotlib Figure.

Figures are built with ``matplotlib.figure.Figure`` directly, not pyplot, so
they work under any backend (a headless command line, a notebook) and never
open windows.
"""
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle


def loss_curve(loss_history, val_acc=None, title="Training loss", final_acc=None, note=None, kept=None,
               iters_per_epoch=None):
    """The minibatch loss per iteration (log scale), and validation accuracy in a second panel if given.

    Inputs:
    - loss_history: list of minibatch losses, one per iteration.
    - val_acc: optional list of (iteration, accuracy) pairs, measured on the weights of that iteration.
    - final_acc: optional validation accuracy of the weights kept at the end, drawn as a dashed line.
    - kept: optional description of those weights, e.g. "the average of the last 585 iterations'
      weights": an average differs from every single iterate, so its line need not match the last point.
    - iters_per_epoch: optional; the validation panel then gets an epoch axis on top.
    - note: optional line under the title, e.g. that the run used the bundled sample.

    The loss axis is logarithmic: a run that starts at a loss of hundreds (the classic
    recipe's large regularization) and ends near 2 stays readable all the way. A running
    mean over about a fiftieth of the run (at least 10 iterations when the run has 40 or
    more) shows the trend under the minibatch noise.
    """
    fig = Figure(figsize=(7, 6.5 if val_acc else 4), layout="constrained")
    axes = fig.subplots(2 if val_acc else 1, 1, sharex=True, squeeze=False)[:, 0]
    _plot_loss(axes[0], loss_history)
    fig.suptitle(title if note is None else f"{title}\n{note}")
    if val_acc:
        _plot_validation(axes[1], val_acc, final_acc, kept, iters_per_epoch)
    axes[-1].set_xlabel("iteration (minibatch step)")
    return fig


def _plot_loss(ax, loss_history):
    its = np.arange(1, len(loss_history) + 1)
    window = max(len(loss_history) // 50, min(10, len(loss_history) // 4))
    ax.plot(its, loss_history, lw=0.5 if window > 1 else 1, color="tab:blue", alpha=0.5 if window > 1 else 1,
            label="minibatch loss")
    if window > 1:  # the running mean shows the trend under the minibatch noise
        smooth = np.convolve(loss_history, np.ones(window) / window, mode="valid")
        ax.plot(its[(window - 1) // 2:][:len(smooth)], smooth, lw=1.5, color="tab:blue",
                label=f"mean of {window} iterations")
    ax.set_yscale("log")
    plain = ticker.LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5))
    ax.yaxis.set_major_formatter(plain)     # 2, 3, 100, 1e+03 rather than 2 x 10^0
    ax.yaxis.set_minor_formatter(plain)
    ax.set_ylabel("loss (log scale)")
    ax.legend(loc="upper right")


def _plot_validation(ax, val_acc, final_acc, kept, iters_per_epoch):
    steps, accs = zip(*val_acc)
    ax.plot(steps, accs, "o-", color="tab:orange",
            label="current weights, at the end of each epoch" if iters_per_epoch else "current weights")
    if final_acc is not None:
        ax.axhline(final_acc, color="tab:green", ls="--",
                   label=f"kept weights ({kept}): {final_acc:.4f}" if kept else f"kept weights: {final_acc:.4f}")
        ax.set_title("validation accuracy: the kept weights are what the run scores and saves"
                     + ("\nan average of the weights, they need not match the last point" if kept and "average" in kept
                        else ""), fontsize=9)
    if iters_per_epoch:
        epochs = ax.secondary_xaxis("top", functions=(lambda it: it / iters_per_epoch,
                                                      lambda epoch: epoch * iters_per_epoch))
        epochs.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.legend(loc="lower right", fontsize=9)


def weight_templates(W, class_names, title=None):
    """The learned weights of each class shown as a 32x32 color image (bias row dropped).

    Each template is rescaled to 0..255 over the range of all templates, as in
    the assignment, so their contrasts can be compared. ``title`` (optional) goes above the grid.
    """
    C = W.shape[1]
    w = W[:32 * 32 * 3].reshape(32, 32, 3, C)
    lo, hi = w.min(), w.max()
    images = 255.0 * (w - lo) / max(hi - lo, 1e-12)
    fig = Figure(figsize=(1.6 * min(C, 5), 1.9 * ((C + 4) // 5)), layout="constrained")
    for c in range(C):
        ax = fig.add_subplot((C + 4) // 5, min(C, 5), c + 1)
        ax.imshow(images[:, :, :, c].astype(np.uint8))
        ax.set_title(class_names[c], fontsize=9)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    return fig


def first_layer_weights(W1, layout="channels_last", title=None):
    """A network's first-layer weights W1 (3072, H): each hidden unit's weights shown as a 32x32 colour image.

    ``layout`` is how an example's 3072 values were ordered: "channels_last", rows of
    (32, 32, 3) images (the command line's), or "channels_first", CS231n's (3, 32, 32).
    Each unit is rescaled to its own range (``vis_utils.visualize_grid``), in a square
    grid. ``title`` (optional) goes above it.
    """
    from classifiers.vis_utils import visualize_grid
    H = W1.shape[1]
    if layout == "channels_first":
        images = W1.T.reshape(H, 3, 32, 32).transpose(0, 2, 3, 1)
    else:
        images = W1.T.reshape(H, 32, 32, 3)
    grid = visualize_grid(images, padding=2)
    side = min(12.0, 2.0 + 0.45 * np.ceil(np.sqrt(H)))
    fig = Figure(figsize=(side, side + (0.4 if title else 0)), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(grid.astype(np.uint8))
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig


def search_heatmap(results, y="learning_rate", x="reg", chosen=None):
    """Validation accuracy over the grid of two hyperparameters (rows ``y``, columns ``x``).

    ``results`` is a list of dicts holding the hyperparameters and val_acc; with ``x``
    None the grid has one column (a search over ``y`` alone). ``chosen`` (optional), the
    row of the configuration kept, is outlined and named in the title.
    """
    ys = sorted({r[y] for r in results})
    xs = sorted({r[x] for r in results}) if x else [None]
    grid = np.full((len(ys), len(xs)), np.nan)
    for r in results:
        grid[ys.index(r[y]), xs.index(r[x] if x else None)] = r["val_acc"]
    fig = Figure(figsize=(1.4 * len(xs) + 2.5, 0.8 * len(ys) + 1.8), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(grid, cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs] if x else [""])
    ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
    ax.set_xlabel(_AXIS_NAMES.get(x, x or ""))
    ax.set_ylabel(_AXIS_NAMES.get(y, y))
    ax.set_title("validation accuracy")
    if chosen is not None:
        i, j = ys.index(chosen[y]), xs.index(chosen[x] if x else None)
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", lw=3))
        named = ", ".join(f"{_SHORT_NAMES.get(k, k)}={chosen[k]:g}" for k in (y, x) if k)
        ax.set_title(f"validation accuracy\noutlined: the configuration kept ({named})")
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isfinite(grid[i, j]):
                r, g, b, _ = im.cmap(im.norm(grid[i, j]))
                dark_cell = 0.299 * r + 0.587 * g + 0.114 * b < 0.5      # perceived brightness of the colour
                ax.text(j, i, f"{grid[i, j]:.3f}", ha="center", va="center", color="w" if dark_cell else "k",
                        fontsize=9)
    fig.colorbar(im, ax=ax, label="validation accuracy")
    return fig


def cross_validation_curve(k_choices, accuracies, chosen=None, note=None):
    """kNN's cross-validation: each fold's accuracy (dots) and their mean +- standard deviation over k.

    Inputs: k_choices (m,); accuracies (num_folds, m), fold f's accuracy for each k;
    chosen: the k kept, marked; note: optional line under the title. The k axis is
    logarithmic (CS231n's choices run from 1 to 100).
    """
    accuracies = np.asarray(accuracies)
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for fold in accuracies:
        ax.scatter(k_choices, fold, color="0.6", s=12)
    ax.errorbar(k_choices, accuracies.mean(axis=0), yerr=accuracies.std(axis=0), marker="o",
                label=f"mean +- std over {len(accuracies)} folds")
    if chosen is not None:
        ax.axvline(chosen, color="red", ls="--", label=f"k kept: {chosen}")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(ticker.ScalarFormatter())
    ax.set_xticks(k_choices)
    ax.set_xlabel("k")
    ax.set_ylabel("cross-validation accuracy")
    ax.set_title("kNN: cross-validation accuracy over k" + (f"\n{note}" if note else ""))
    ax.legend()
    return fig


_AXIS_NAMES = {"learning_rate": "learning rate", "reg": "regularization strength"}
_SHORT_NAMES = {"learning_rate": "lr"}


def confusion_matrix(y_true, y_pred, num_classes):
    """Counts (num_classes, num_classes): row = true class, column = predicted class."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def confusion_figure(y_true, y_pred, class_names):
    """The confusion matrix as an image, each row normalised to the fraction of its true class."""
    counts = confusion_matrix(y_true, y_pred, len(class_names))
    frac = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig = Figure(figsize=(7, 6), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(frac, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right")
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"test confusion matrix, rows normalised: each row sums to 1\n"
                 f"(accuracy {np.trace(counts) / max(counts.sum(), 1):.3f} on {counts.sum():,} images)")
    for i in range(len(class_names)):
        for j in range(len(class_names)):
            ax.text(j, i, f"{frac[i, j]:.2f}", ha="center", va="center", fontsize=7,
                    color="w" if frac[i, j] > 0.5 else "k")
    fig.colorbar(im, ax=ax, label="fraction of the true class (row) predicted as the column")
    return fig


def sample_images(X, y, class_names, per_class=7, seed=0):
    """A grid of ``per_class`` random training images (uint8 (N, 32, 32, 3)) for each class."""
    rng = np.random.default_rng(seed)
    C = len(class_names)
    fig = Figure(figsize=(C * 1.0, per_class * 1.0), layout="constrained")
    for c in range(C):
        idx = rng.choice(np.flatnonzero(y == c), per_class, replace=False)
        for i, k in enumerate(idx):
            ax = fig.add_subplot(per_class, C, i * C + c + 1)
            ax.imshow(X[k].astype(np.uint8))
            ax.axis("off")
            if i == 0:
                ax.set_title(class_names[c], fontsize=8)
    return fig
