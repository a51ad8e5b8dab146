"""The Solver: minibatch training of a model with an update rule of ``optim.py`` (CS231n 2025's API).

A Solver trains any model with this interface:

- model.params: a dict mapping parameter names to arrays;
- model.loss(X, y=None): the scores (N, C) of a batch X when y is None, else a
  tuple (loss, grads), grads a dict with the keys of model.params.

Example::

    solver = Solver(model, data, update_rule="sgd", optim_config={"learning_rate": 1e-3},
                    lr_decay=0.95, num_epochs=5, batch_size=200, print_every=100)
    solver.train()

``data`` holds X_train, y_train, X_val, y_val. After ``train()``, model.params
holds the parameters with the best validation accuracy seen (checked at every
epoch's end), and the solver holds ``loss_history`` (one loss per iteration),
``train_acc_history`` and ``val_acc_history`` (one accuracy per check),
``best_val_acc`` and ``best_params``.

The package's training recipe (epoch-wise shuffling, mirror augmentation,
averaging, a faster loss) is ``softmax_cifar10.net_recipe``, beside this plain loop.
"""
import os
import warnings

import numpy as np

from softmax_safeguards.atomic_write import atomic_write

from . import optim
from .linear_classifier import ON_DIVERGE, TrainingDiverged, TrainingDivergedWarning
from softmax_safeguards.validation import (InvalidTypeError, InvalidValueError, check_array, check_choice,
                                           check_finite, check_interval, check_labels, check_positive)


class Solver:
    """Trains a model by minibatch stochastic gradient descent; see the module docstring."""

    def __init__(self, model, data, *, update_rule="sgd", optim_config=None, lr_decay=1.0, batch_size=100,
                 num_epochs=10, num_train_samples=1000, num_val_samples=None, checkpoint_name=None,
                 print_every=10, verbose=True, seed=None, on_diverge="warn"):
        """Construct a new Solver.

        Inputs:
        - model: a model with ``params`` and ``loss`` (see the module docstring).
        - data: a dict with X_train (N_train, d_1, ..., d_k), y_train (N_train,),
          X_val (N_val, d_1, ..., d_k) and y_val (N_val,).
        Keyword-only:
        - update_rule: the name of an update rule of optim.py ("sgd" (default),
          "sgd_momentum", "rmsprop", "adam") or a function with their interface.
        - optim_config: dict of the rule's hyperparameters (all rules take a
          "learning_rate"); each parameter gets its own copy.
        - lr_decay: after each epoch the learning rate is multiplied by it (default 1.0).
        - batch_size: examples per step, drawn with replacement (default 100).
        - num_epochs: epochs to train (default 10); an epoch is N_train // batch_size steps.
        - num_train_samples: training examples drawn to check the training accuracy
          (default 1000; None: all of them).
        - num_val_samples: validation examples drawn for its accuracy (default None: all).
        - checkpoint_name: if not None, save a checkpoint after every epoch to
          "<checkpoint_name>_epoch_<k>.npz" (the parameters, settings and histories;
          no pickle).
        - print_every: print the loss every print_every iterations (default 10).
        - verbose: print the progress (default True).
        - seed: seed of a numpy Generator for the minibatches and the accuracy samples;
          None draws from numpy's global state (np.random.seed makes a run repeatable).
        - on_diverge: when the loss becomes NaN or infinite, "warn" (default: a
          TrainingDivergedWarning, and training stops with the best parameters so far)
          or "raise" (TrainingDiverged).
        """
        self.model = model
        self.X_train, self.y_train, self.X_val, self.y_val = _check_data(model, data)
        self.update_rule = _check_update_rule(update_rule)
        self.optim_config = dict(optim_config or {})
        self.lr_decay = check_interval(lr_decay, "lr_decay", 0, 1, closed="right")
        self.batch_size = check_positive(batch_size, "batch_size", integer=True)
        self.num_epochs = check_positive(num_epochs, "num_epochs", integer=True)
        self.num_train_samples = None if num_train_samples is None else check_positive(
            num_train_samples, "num_train_samples", integer=True)
        self.num_val_samples = None if num_val_samples is None else check_positive(
            num_val_samples, "num_val_samples", integer=True)
        if checkpoint_name is not None and not isinstance(checkpoint_name, (str, os.PathLike)):
            raise InvalidTypeError(f"checkpoint_name must be a path or None, got {type(checkpoint_name).__name__}")
        self.checkpoint_name = checkpoint_name
        self.print_every = check_positive(print_every, "print_every", integer=True)
        self.verbose = verbose
        self.on_diverge = check_choice(on_diverge, "on_diverge", ON_DIVERGE)
        if "learning_rate" in self.optim_config:
            check_positive(self.optim_config["learning_rate"], "optim_config['learning_rate']")
        self.rng = np.random if seed is None else np.random.default_rng(seed)
        self._reset()

    def _reset(self):
        """Set up the bookkeeping of a training run; train() calls it, not you."""
        self.epoch = 0
        self.best_val_acc = 0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.optim_configs = {p: dict(self.optim_config) for p in self.model.params}

    def _step(self):
        """One gradient update on a minibatch drawn with replacement; returns the loss."""
        batch = self.rng.choice(self.X_train.shape[0], self.batch_size)
        loss, grads = self.model.loss(self.X_train[batch], self.y_train[batch])
        if not np.isfinite(loss):
            return loss
        self.loss_history.append(loss)
        for p, w in self.model.params.items():
            next_w, self.optim_configs[p] = self.update_rule(w, grads[p], self.optim_configs[p])
            self.model.params[p] = next_w
        return loss

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        """The fraction of examples of X the model classifies right.

        Inputs:
        - X: array (N, d_1, ..., d_k) of examples; y: array (N,) of their labels.
        - num_samples: if not None and less than N, check a random subset of that many.
        - batch_size: examples scored at a time, so memory stays small.

        Returns the accuracy, a float in [0, 1].
        """
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            mask = self.rng.choice(N, num_samples)
            X, y, N = X[mask], y[mask], num_samples
        y_pred = [np.argmax(self.model.loss(X[s:s + batch_size]), axis=1) for s in range(0, N, batch_size)]
        return float(np.mean(np.concatenate(y_pred) == y))

    def train(self):
        """Run the optimization: num_epochs epochs of minibatch steps (see the module docstring)."""
        self._reset()
        num_train = self.X_train.shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch
        try:
            for t in range(num_iterations):
                with np.errstate(over="ignore", invalid="ignore"):     # a divergence is reported just below
                    loss = self._step()
                if not np.isfinite(loss):
                    self._report_divergence(t, num_iterations, loss)
                    break
                if self.verbose and t % self.print_every == 0:
                    print("(Iteration %d / %d) loss: %f" % (t + 1, num_iterations, self.loss_history[-1]))
                epoch_end = (t + 1) % iterations_per_epoch == 0
                if epoch_end:
                    self.epoch += 1
                    for config in self.optim_configs.values():
                        if "learning_rate" in config:
                            config["learning_rate"] *= self.lr_decay
                if t == 0 or t == num_iterations - 1 or epoch_end:
                    self._check_epoch()
        finally:                                # also when stopped: the best parameters seen, as CS231n's Solver
            if self.best_params:
                self.model.params = self.best_params

    def _report_divergence(self, t, num_iterations, loss):
        """Warn (on_diverge="warn") or raise TrainingDiverged about a non-finite loss at iteration t."""
        rate = next(iter(self.optim_configs.values()), {}).get("learning_rate", float("nan"))
        kept = "the parameters of its best validation accuracy" if self.best_params else "its parameters"
        message = (f"training diverged at iteration {t + 1} of {num_iterations}: the loss became {loss} with "
                   f"learning_rate={rate:g} in force; the run stopped and kept {kept}; lower the learning rate")
        if self.on_diverge == "raise":
            raise TrainingDiverged(message)
        warnings.warn(message, TrainingDivergedWarning, stacklevel=3)

    def _check_epoch(self):
        """Record the training and validation accuracy, keep the best parameters, save a checkpoint."""
        train_acc = self.check_accuracy(self.X_train, self.y_train, num_samples=self.num_train_samples)
        val_acc = self.check_accuracy(self.X_val, self.y_val, num_samples=self.num_val_samples)
        self.train_acc_history.append(train_acc)
        self.val_acc_history.append(val_acc)
        self._save_checkpoint()
        if self.verbose:
            print("(Epoch %d / %d) train acc: %f; val_acc: %f" % (self.epoch, self.num_epochs, train_acc, val_acc))
        if val_acc > self.best_val_acc or not self.best_params:
            self.best_val_acc = val_acc
            self.best_params = {k: v.copy() for k, v in self.model.params.items()}

    def _save_checkpoint(self):
        """Save the parameters, settings and histories to <checkpoint_name>_epoch_<epoch>.npz (when named)."""
        if self.checkpoint_name is None:
            return
        path = f"{os.fspath(self.checkpoint_name)}_epoch_{self.epoch}.npz"
        arrays = {f"params/{k}": v for k, v in self.model.params.items()}
        arrays.update(epoch=self.epoch, lr_decay=self.lr_decay, batch_size=self.batch_size,
                      update_rule=getattr(self.update_rule, "__name__", "custom"),
                      loss_history=np.array(self.loss_history, dtype=np.float64),
                      train_acc_history=np.array(self.train_acc_history),
                      val_acc_history=np.array(self.val_acc_history))
        if self.verbose:
            print('Saving checkpoint to "%s"' % path)
        with atomic_write(path) as f:
            np.savez(f, **arrays)


def _check_update_rule(update_rule):
    """An update rule given by name (one of optim.UPDATE_RULES) or as a function."""
    if callable(update_rule):
        return update_rule
    if not isinstance(update_rule, str) or update_rule not in optim.UPDATE_RULES:
        raise InvalidValueError(f"update_rule must be one of {', '.join(map(repr, optim.UPDATE_RULES))} or a "
                                f"function (w, dw, config) -> (next_w, config), got {update_rule!r}")
    return optim.UPDATE_RULES[update_rule]


def _check_data(model, data):
    """Check the model's interface and the data dict; returns X_train, y_train, X_val, y_val."""
    if not isinstance(getattr(model, "params", None), dict) or not callable(getattr(model, "loss", None)):
        raise InvalidTypeError(f"model must have a dict `params` and a method `loss(X, y=None)`, got a "
                               f"{type(model).__name__}")
    if not isinstance(data, dict):
        raise InvalidTypeError(f"data must be a dict with X_train, y_train, X_val and y_val, got a "
                               f"{type(data).__name__}")
    missing = [k for k in ("X_train", "y_train", "X_val", "y_val") if k not in data]
    if missing:
        raise InvalidValueError(f"data lacks {', '.join(missing)}: it must hold X_train, y_train, X_val and y_val")
    checked = []
    for split in ("train", "val"):
        X = np.asarray(data[f"X_{split}"])
        X = check_finite(check_array(X, f"data['X_{split}']", X.ndim), f"data['X_{split}']")
        if X.ndim < 2 or X.shape[0] == 0:
            raise InvalidValueError(f"data['X_{split}'] must hold N >= 1 examples (N, d_1, ..., d_k), got shape "
                                    f"{X.shape}")
        y = np.asarray(data[f"y_{split}"])
        y = check_labels(y, f"data['y_{split}']", X.shape[0], int(y.max()) + 1 if y.size and
                         np.issubdtype(y.dtype, np.integer) else 1)
        checked += [X, y]
    if checked[0].shape[1:] != checked[2].shape[1:]:
        raise InvalidValueError(f"data['X_train'] and data['X_val'] must hold examples of the same shape, got "
                                f"{checked[0].shape[1:]} and {checked[2].shape[1:]}")
    return checked
