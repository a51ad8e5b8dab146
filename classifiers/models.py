"""The models the main job trains: ``python -m classifiers train --model NAME``.

A model kind says what differs from one model to another; everything else is shared:
loading the data, the parallel search with its progress bar, the run folder, the plots,
``evaluate`` and ``predict``. To add a model, write a class with the members of
``SoftmaxKind`` and add an instance to ``KINDS``:

- ``name``: the --model value; ``classifier``: the class of the trained model, with
  ``predict(X)``, ``predict_proba(X)``, ``save(path, **extras)`` and a class method
  ``load(path)`` (classifiers/persistence.py), and ``FORMAT``, the name its files carry;
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
"""
import numpy as np

import data_utils

from . import plots, recipe
from .linear_classifier import FORMAT, Softmax
from .validation import InvalidValueError


class SoftmaxKind:
    """The linear softmax classifier trained with the package's recipe (classifiers/recipe.py)."""

    name = "softmax"
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
        return data_utils.get_linear_classifier_data(
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
                    mirror=data_utils.mirror_permutation() if config.mirror else None)

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


#: the models `train --model` accepts, by name; the first is the default
KINDS = {kind.name: kind for kind in (SoftmaxKind(),)}


def describe(kind, row):
    """A search row's hyperparameters in a few characters: "lr=0.001 reg=0.01"."""
    return " ".join(f"{short}={row[name]:g}" for name, short in kind.hyperparameters.items())
