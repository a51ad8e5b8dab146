"""The models the main job trains: ``python -m classifiers train --model NAME``.

A model kind says what differs from one model to another; everything else is shared:
loading the data, the parallel search with its progress bar, the run folder, the plots,
``evaluate`` and ``predict``. To add a model, write a class with the members of
``SoftmaxKind`` and add an instance to ``KINDS``:

- ``name``: the --model value; ``defaults``: the values of TrainConfig's recipe fields
  left at None (learning_rates, regs, epochs, lr_decay, hidden_dim) for this model;
  ``classifier``: the class of the trained model, with
  ``predict(X)``, ``predict_proba(X)``, ``save(path, **extras)`` and a class method
  ``load(path)`` (softmax_safeguards/persistence.py), and ``FORMAT``, the name its files carry;
- ``hyperparameters``: {name in a search row: short label}, e.g. {"learning_rate": "lr"};
- ``check_written()``: call the exercises the model needs on a tiny problem, so that the
  student edition names an unwritten one before any data is loaded;
- ``prepare(config, images)``: (data, preprocessor): the splits X_train, y_train, X_val,
  y_val, X_test, y_test as the model reads them, and the fitted Preprocessor that makes
  them from uint8 images (it is saved with the model, for ``evaluate`` and ``predict``);
- ``options(config, data)``: the settings every configuration shares, checked;
- ``grid(config)``: the configurations to search, a list of {hyperparameter: value};
- ``train(hyper, data, options, seed)``: train one configuration (in a search worker);
  returns (model, history), history {"loss": [...], "val_acc": [(iteration, accuracy)]};
  raises TrainingDiverged when the loss becomes non-finite;
- ``settings(config, hyper, options)``: the dict saved with the model as its hyperparameters;
- ``kept_weights(options)``: what the trained model's weights are, for loss.png's legend
  (e.g. the average of the last iterations' weights), or None;
- ``weights_figure(model, class_names, title)``: the figure saved as weights.png.

A kind whose configurations share their work (kNN: each fold's neighbours serve every k)
instead selects its configuration itself: it defines ``search(data, options, grid, seed,
jobs, progress, save, log)`` with softmax_cifar10/search.py's returns, used in place of
that search, and ``figures(model, history, row, rows, class_names, note)``, {file name:
Figure}, saved in place of loss.png, weights.png and search.png; its train, history and
kept_weights are then not used.
"""
import time

import numpy as np

import cifar10_data

from classifiers import fc_net
from . import blas_kernel, knn, net_recipe, plots, recipe
from classifiers.fc_net import TwoLayerNet
from classifiers.linear_classifier import FORMAT, Softmax
from softmax_safeguards.validation import InvalidValueError


class SoftmaxKind:
    """The linear softmax classifier trained with the package's recipe (softmax_cifar10/recipe.py)."""

    name = "softmax"
    defaults = dict(learning_rates=(5e-4, 1e-3, 2e-3), regs=(3e-3, 1e-2, 3e-2), epochs=6.0, lr_decay=0.7)
    classifier = Softmax
    format = FORMAT
    hyperparameters = {"learning_rate": "lr", "reg": "reg"}

    def check_written(self):
        W, X, y = np.zeros((2, 2)), np.ones((1, 2)), np.zeros(1, dtype=np.int64)
        recipe.default_loss(W, X, y, 0.0)
        Softmax(W).predict(X)

    def prepare(self, config, images):
        Xtr, ytr, Xte, yte = images
        num_val = min(config.num_validation, len(ytr) // 5)
        return cifar10_data.get_linear_classifier_data(
            data=images, num_training=len(ytr) - num_val, num_validation=num_val, num_test=len(yte), num_dev=0,
            standardize=config.preprocess == "standardize", dtype=np.dtype(config.dtype), return_preprocessor=True)

    def options(self, config, data):
        iters_per_epoch = max(len(data["y_train"]) // config.batch_size, 1)
        num_iters = config.num_iters or max(1, int(round(config.epochs * iters_per_epoch)))
        if config.average_epochs is None:
            average = min(3 * iters_per_epoch, num_iters)
        else:
            average = int(round(config.average_epochs * iters_per_epoch))
        if average > num_iters:
            raise InvalidValueError(f"average_epochs (--average-epochs) = {config.average_epochs:g} is {average} "
                                    f"iterations, more than the {num_iters} trained (--num-iters)")
        return dict(num_iters=num_iters, batch_size=config.batch_size, momentum=config.momentum,
                    lr_decay=config.lr_decay, replace=config.replace, average=average,
                    mirror=cifar10_data.mirror_permutation() if config.mirror else None)

    def grid(self, config):
        return [{"learning_rate": lr, "reg": reg} for lr in config.learning_rates for reg in config.regs]

    def train(self, hyper, data, options, seed):
        clf = Softmax()
        history = recipe.train(clf, data["X_train"], data["y_train"], hyper["learning_rate"], hyper["reg"],
                               seed=seed, X_val=data["X_val"], y_val=data["y_val"], on_diverge="raise", **options)
        return clf, history

    def settings(self, config, hyper, options):
        return {**hyper, "num_iters": options["num_iters"], "batch_size": config.batch_size,
                "momentum": config.momentum, "lr_decay": config.lr_decay, "average_iters": options["average"],
                "mirror": config.mirror, "preprocess": config.preprocess, "dtype": config.dtype, "seed": config.seed}

    def kept_weights(self, options):
        if options["average"] > 1:
            return f"the average of the last {options['average']} iterations' weights"
        return "the last iteration's weights"

    def weights_figure(self, model, class_names, title=None):
        return plots.weight_templates(model.W, class_names, title=title)


class TwoLayerKind:
    """The two-layer network (classifiers/fc_net.py) trained with its recipe (softmax_cifar10/net_recipe.py).

    The default recipe, and why (measured on CIFAR-10 with the command line):
    - 500 hidden units, weights drawn with standard deviation 0.025, about sqrt(2 / 3072)
      (He et al.'s scale for the first layer, so its ReLU inputs start near unit variance);
    - pixels standardized per feature with training statistics, float32, as rows of
      channels-last images (the preprocessor's order, so a saved model reads its rows);
    - SGD with momentum 0.9, batches of 200 from an epoch-wise shuffle, the learning rate
      multiplied by 0.8 after every epoch, 10 epochs;
    - a random half of every batch mirrored left to right (net_recipe.mirror_half);
    - the parameters of the last 3 epochs averaged;
    - a 2 x 2 grid of learning rate x regularization (0.5 * reg * sum(W**2) per weight
      matrix, CS231n's convention for networks); 0.08 diverges, so 0.04 is the largest rate.
    """

    name = "two-layer"
    defaults = dict(learning_rates=(2e-2, 4e-2), regs=(1e-3, 3e-3), epochs=10.0, lr_decay=0.8, hidden_dim=500)
    weight_scale = 2.5e-2
    classifier = TwoLayerNet
    format = fc_net.FORMAT
    hyperparameters = {"learning_rate": "lr", "reg": "reg"}

    def check_written(self):
        model = TwoLayerNet(2, 2, 2, weight_scale=1.0, seed=0)
        X, y = np.ones((1, 2)), np.zeros(1, dtype=np.int64)
        net_recipe.default_loss(model, X, y)
        model.predict(X)

    def prepare(self, config, images):
        Xtr, ytr, Xte, yte = images
        num_val = min(config.num_validation, len(ytr) // 5)
        rows, pre = cifar10_data.get_linear_classifier_data(
            data=images, num_training=len(ytr) - num_val, num_validation=num_val, num_test=len(yte), num_dev=0,
            bias_trick=False, standardize=config.preprocess == "standardize", dtype=np.dtype(config.dtype),
            return_preprocessor=True)
        data = {k: rows[k].reshape(-1, 32, 32, 3) if k.startswith("X") else rows[k]
                for k in ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")}
        return data, pre

    def options(self, config, data):
        per_epoch = max(len(data["y_train"]) // config.batch_size, 1)
        epochs = config.num_iters / per_epoch if config.num_iters else config.epochs
        average = min(3.0, epochs) if config.average_epochs is None else config.average_epochs
        if average > epochs:
            raise InvalidValueError(f"average_epochs (--average-epochs) = {average:g} is more than the {epochs:g} "
                                    f"epochs trained (--num-iters)")
        return dict(num_epochs=epochs, batch_size=config.batch_size, momentum=config.momentum,
                    lr_decay=config.lr_decay, mirror=config.mirror, layout="channels_last", average_epochs=average,
                    hidden_dim=config.hidden_dim, dtype=config.dtype)

    def grid(self, config):
        return [{"learning_rate": lr, "reg": reg} for lr in config.learning_rates for reg in config.regs]

    def train(self, hyper, data, options, seed):
        options = dict(options)
        hidden_dim, dtype = options.pop("hidden_dim"), options.pop("dtype")
        X, y = data["X_train"], data["y_train"]
        model = TwoLayerNet(int(np.prod(X.shape[1:])), hidden_dim, len(cifar10_data.CLASSES), self.weight_scale,
                            hyper["reg"], dtype=dtype, seed=seed)
        history = net_recipe.train(model, X, y, hyper["learning_rate"], seed=seed, X_val=data["X_val"],
                                   y_val=data["y_val"], on_diverge="raise", **options)
        return model, history

    def settings(self, config, hyper, options):
        return {**hyper, "hidden_dim": options["hidden_dim"], "weight_scale": self.weight_scale,
                "epochs": options["num_epochs"], "batch_size": config.batch_size, "momentum": config.momentum,
                "lr_decay": config.lr_decay, "average_epochs": options["average_epochs"], "mirror": config.mirror,
                "preprocess": config.preprocess, "dtype": config.dtype, "seed": config.seed}

    def kept_weights(self, options):
        if options["average_epochs"] > 0:
            return f"the average of the last {options['average_epochs']:g} epochs' parameters"
        return "the last iteration's parameters"

    def weights_figure(self, model, class_names, title=None):
        return plots.first_layer_weights(model.params["W1"], layout="channels_last", title=title)


class KnnKind:
    """k-nearest neighbours on raw pixels (softmax_cifar10/knn.py), k chosen by CS231n's cross-validation.

    The training split is all the training images (no validation split): k is chosen by
    ``num_folds``-fold cross-validation on it, each fold's K = max(k_choices) nearest
    candidates computed once for every k; the best mean accuracy wins, the smaller k on a tie.
    Pixels stay uint8 (mode "raw": L2 distances do not change when the mean is subtracted),
    so the distances are exact and the model file stores the training set in 1 byte a pixel.
    """

    name = "knn"
    defaults = dict(k_choices=(1, 3, 5, 8, 10, 12, 15, 20, 50, 100))
    classifier = knn.BlockedKNN
    format = knn.FORMAT
    hyperparameters = {"k": "k"}

    def check_written(self):
        knn.squared_distances(np.zeros((1, 2), np.uint8), np.zeros((1, 2), np.uint8))

    def prepare(self, config, images):
        Xtr, ytr, Xte, yte = images
        pre = cifar10_data.Preprocessor("raw", bias=False, dtype=np.uint8).fit(Xtr[:1])
        # the rows pre.transform gives (raw uint8 pixels, channels last), as views instead of copies
        rows = {"X_train": Xtr.reshape(len(Xtr), -1), "X_test": Xte.reshape(len(Xte), -1)}
        return {**rows, "y_train": ytr, "y_test": yte}, pre

    def options(self, config, data):
        return dict(k_choices=tuple(config.k_choices), num_folds=config.num_folds, memory_mb=config.memory_mb,
                    threads=config.jobs, progress=config.progress)     # checked by knn.cross_validate

    def grid(self, config):
        return [{"k": k} for k in config.k_choices]

    def search(self, data, options, grid, seed=0, jobs=None, progress=True, save=None, log=print):
        start, ks = time.perf_counter(), [row["k"] for row in grid]
        acc = knn.cross_validate(
            data["X_train"], data["y_train"], ks, options["num_folds"], len(cifar10_data.CLASSES),
            options["memory_mb"], options["threads"], progress,
            log=lambda f, a: log(f"fold {f + 1}/{options['num_folds']}: accuracy " + ", ".join(
                f"k={k} {x:.4f}" for k, x in zip(ks, a)) + f" ({time.perf_counter() - start:.1f} s)"))
        seconds = time.perf_counter() - start
        rows = [{"k": k, "val_acc": float(acc[:, j].mean()), "val_std": float(acc[:, j].std()),
                 "fold_acc": acc[:, j].tolist(), "seconds": seconds} for j, k in enumerate(ks)]
        j = int(np.argmax([row["val_acc"] for row in rows]))       # the first best: the smaller k on a tie
        model = knn.BlockedKNN(ks[j], options["memory_mb"], options["threads"], progress)
        model.train(data["X_train"], data["y_train"], len(cifar10_data.CLASSES))
        if save is not None:
            save(rows[j], model)
        best = {"k": j, "row": rows[j], "model": model, "history": {"accuracies": acc.tolist(), "k_choices": ks}}
        return rows, best, options["threads"] or blas_kernel.cores()

    def settings(self, config, hyper, options):
        return {**hyper, "k_choices": list(options["k_choices"]), "num_folds": options["num_folds"],
                "memory_mb": options["memory_mb"], "preprocess": "raw", "dtype": "uint8"}

    def figures(self, model, history, row, rows, class_names, note=None):
        return {"cross_validation.png": plots.cross_validation_curve(
            history["k_choices"], np.array(history["accuracies"]), chosen=row["k"], note=note)}


#: the models `train --model` accepts, by name; the first is the default
KINDS = {kind.name: kind for kind in (SoftmaxKind(), TwoLayerKind(), KnnKind())}


def describe(kind, row):
    """A search row's hyperparameters in a few characters: "lr=0.001 reg=0.01"."""
    return " ".join(f"{short}={row[name]:g}" for name, short in kind.hyperparameters.items())
