"""The main job: train a model on CIFAR-10, search its hyperparameters, save the best model
with everything needed to use it into a run folder, and evaluate it.

The command line (``python -m classifiers``) is a thin layer over this module. What
differs between models (``--model``: the linear softmax classifier, the default, or the
two-layer network) is in softmax_cifar10/models.py, their default recipes included; the search
and its workers are softmax_cifar10/search.py; the saved model is softmax_cifar10/model_file.py.

The linear classifier's default recipe, and why:
- pixels standardized per feature with training statistics (the classic recipe
  only subtracts the mean image), float32 data;
- SGD with momentum 0.9, batches of 200 drawn by epoch-wise shuffling, the
  learning rate multiplied by 0.7 after every epoch, 6 epochs;
- mirror augmentation: every image also counts flipped left to right, at no
  extra cost (see ``recipe.mirror_gradient``);
- the weights of the last 3 epochs averaged;
- a 3 x 3 grid of learning rate x regularization, each trained in full and
  scored on the validation split; the best is kept.
"""
import contextlib
import dataclasses
import itertools
import json
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import cifar10_data
from softmax_safeguards.atomic_write import write_text

from .model_file import CifarModel, load_images, model_file  # noqa: F401  (the saved model, for the CLI)
from . import knn
from .models import KINDS, describe
from .search import SearchInterrupted, search, summary_table as _summary_table
from softmax_safeguards.validation import ClassifierError, InvalidValueError, check_choice, check_positive

RUNS_DIR = Path("runs")


@dataclasses.dataclass
class TrainConfig:
    """Settings of a training run; the defaults are the package's recommended recipe."""

    model: str = "softmax"
    data_dir: str = None
    download: bool = True
    sample: bool = False
    out: str = None
    seed: int = 0
    preprocess: str = "standardize"
    dtype: str = "float32"
    learning_rates: tuple = None    # None: the model's default (softmax_cifar10/models.py), as for the next three
    regs: tuple = None
    epochs: float = None
    num_iters: int = None
    batch_size: int = 200
    momentum: float = 0.9
    lr_decay: float = None
    average_epochs: float = None    # None: the last 3 epochs, or all of them when fewer
    mirror: bool = True
    replace: bool = False
    hidden_dim: int = None          # the two-layer network's hidden units; None: its default
    k_choices: tuple = None         # kNN's k to cross-validate; None: its default (CS231n's)
    num_folds: int = 5              # kNN's cross-validation folds
    memory_mb: float = knn.DEFAULT_MEMORY_MB    # kNN's memory budget for its distance blocks
    num_validation: int = 1000
    progress: bool = True
    jobs: int = None

    def __post_init__(self):
        """Fill the recipe fields left at None with the model's defaults (``defaults`` of its kind)."""
        for field, value in getattr(KINDS.get(self.model), "defaults", {}).items():
            if getattr(self, field) is None:
                setattr(self, field, value)

    def check(self):
        """Raise ValueError for settings that contradict each other, before any data is loaded."""
        check_choice(self.model, "model (--model)", tuple(KINDS))
        if self.hidden_dim is not None and "hidden_dim" not in KINDS[self.model].defaults:
            raise InvalidValueError(f"hidden_dim (--hidden-dim) is the two-layer network's; --model {self.model} "
                                    f"has no hidden layer")
        if self.hidden_dim is not None:
            check_positive(self.hidden_dim, "hidden_dim (--hidden-dim)", integer=True)
        self._check_knn()
        if self.replace and self.model != "softmax":
            raise InvalidValueError(f"replace (--classic) is the linear classifier's classic sampling; --model "
                                    f"{self.model} draws every example once per epoch")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise InvalidValueError(f"seed (--seed) must be an integer >= 0, got {self.seed!r}")
        if self.jobs is not None and (isinstance(self.jobs, bool) or not isinstance(self.jobs, (int, np.integer))
                                      or self.jobs < 1):
            raise InvalidValueError(f"jobs (--jobs) must be a positive integer or None (one per core), "
                                    f"got {self.jobs!r}")
        if self.sample and self.data_dir is not None:
            raise InvalidValueError("sample (--sample) trains on the bundled sample and data_dir (--data-dir) "
                                    "names the full data set: pass one of them")
        if self.num_iters is None and self.average_epochs is not None and self.average_epochs > self.epochs:
            raise InvalidValueError(f"average_epochs (--average-epochs) must be at most epochs (--epochs), got "
                                    f"{self.average_epochs:g} > {self.epochs:g}")

    def _check_knn(self):
        """kNN's settings are its own, and the other models' recipe is not kNN's."""
        knn_model = self.model == "knn"
        if self.k_choices is not None and not knn_model:
            raise InvalidValueError(f"k_choices (--k) are kNN's; --model {self.model} has no neighbours")
        if not knn_model:
            return
        given = [flag for field, flag in (("learning_rates", "--lr"), ("regs", "--reg"), ("epochs", "--epochs"),
                                          ("num_iters", "--num-iters"), ("lr_decay", "--lr-decay"),
                                          ("average_epochs", "--average-epochs"), ("replace", "--classic"))
                 if getattr(self, field)]
        if given:
            raise InvalidValueError(f"{', '.join(given)}: --model knn trains nothing, it chooses k by "
                                    f"cross-validation (--k, --folds)")
        if not self.k_choices:
            raise InvalidValueError("k_choices (--k) must name at least one k")
        for k in self.k_choices:
            check_positive(k, "k in k_choices (--k)", integer=True)
        check_positive(self.num_folds, "num_folds (--folds)", integer=True)
        if self.num_folds < 2:
            raise InvalidValueError(f"num_folds (--folds) must be at least 2, got {self.num_folds}")
        check_positive(self.memory_mb, "memory_mb (--memory-mb)")


#: The classic assignment recipe: mean image subtracted, plain SGD, fixed step, no extras.
CLASSIC = dict(preprocess="mean", learning_rates=(1e-7,), regs=(2.5e4,), num_iters=1500, momentum=0.0,
               lr_decay=1.0, average_epochs=0.0, mirror=False, replace=True)


class OutputError(ClassifierError, ValueError):
    """The output folder cannot be created or written, or holds an earlier run."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during the search; ``message`` says what was saved where."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# ============================================================================ the job

def prepare_output(out):
    """Create the output folder and check it can be written; returns (folder, created).

    The default, runs/<timestamp>, is a new folder for every run: mkdir either
    creates it or fails, so two runs started in the same second get
    runs/<timestamp> and runs/<timestamp>-2. A given ``out`` may exist but may
    not hold an earlier run's model or results: a run never overwrites another.
    """
    try:
        if out is None:
            RUNS_DIR.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            for n in itertools.count(1):
                folder = RUNS_DIR / (stamp if n == 1 else f"{stamp}-{n}")
                try:
                    folder.mkdir()
                    break
                except FileExistsError:
                    continue
            created = True
        else:
            folder = Path(out)
            earlier = [name for name in ("model.npz", "results.json") if (folder / name).exists()]
            if earlier:
                raise OutputError(f"the output folder {folder} holds an earlier run ({', '.join(earlier)}); "
                                  f"a run never overwrites another: pick a new --out or delete that folder")
            created = not folder.exists()
            folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to the output folder {folder}: {exc.strerror or exc}") from None
    return folder, created


def load_images_for(config, log=print):
    """The uint8 images (Xtr, ytr, Xte, yte) the job trains on, their class names and a description."""
    if config.sample:
        images = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
        source = (f"bundled sample {cifar10_data.SAMPLE_PATH.name} ({len(images[1])} training and "
                  f"{len(images[3])} test images), as asked (--sample)")
        log(f"notice: using the {source}")
        return images, cifar10_data.CLASSES, source
    explicit = config.data_dir is not None
    try:
        *images, source = cifar10_data.load_dataset(
            config.data_dir, download=config.download, allow_sample=not explicit, dtype=np.uint8, log=log)
    except cifar10_data.DataError as exc:
        if not explicit:
            raise
        raise cifar10_data.DataError(f"{exc}; or train on the bundled sample (--sample instead of "
                                   f"--data-dir)") from None
    return tuple(images), cifar10_data.class_names(config.data_dir or cifar10_data.DATASETS_DIR), source


def load_splits(config, log=print):
    """Load the data and return the model's splits, the preprocessor, the class names and a description."""
    images, names, source = load_images_for(config, log)
    data, pre = KINDS[config.model].prepare(config, images)
    return data, pre, tuple(names), source


def _accuracy(clf, X, y):
    return float(np.mean(clf.predict(X) == y))


def train(config=None, log=print):
    """Run the whole job; returns the results dict that is also written to results.json.

    Writes into the output folder (see ``prepare_output``): model.npz (saved as
    soon as a configuration beats the previous best, so an interruption loses
    nothing), results.json, loss.png, weights.png, confusion.png and, when more
    than one configuration was trained, search.png. The search runs
    ``config.jobs`` configurations at once (see ``search``). Raises Interrupted
    on Ctrl-C, after saving what it has; a failed run leaves no empty folder.
    """
    config = config or TrainConfig()
    config.check()
    KINDS[config.model].check_written()
    start = time.perf_counter()
    out, created = prepare_output(config.out)
    try:
        return _train_into(out, config, start, log)
    except BaseException:
        if created and not any(out.iterdir()):      # a failed run leaves no empty folder behind
            out.rmdir()
            if config.out is None:
                with contextlib.suppress(OSError):  # nor an empty runs/ (rmdir refuses a full one)
                    out.parent.rmdir()
        raise


def _train_into(out, config, start, log):
    kind = KINDS[config.model]
    data, pre, names, source = load_splits(config, log)
    load_seconds = time.perf_counter() - start
    options = kind.options(config, data)
    sample = source.startswith("bundled sample")
    validation = (f"validation {data['X_val'].shape}" if "X_val" in data
                  else f"{config.num_folds}-fold cross-validation")
    log(f"data: {'' if sample else source + '; '}train {data['X_train'].shape}, {validation}, test "
        f"{len(data['y_test'])} images, {pre.mode} preprocessing, {data['X_train'].dtype}")
    results = {"config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in dataclasses.asdict(config).items()},
               "data": source, "output": str(out), "num_iters": options.get("num_iters"), "search": [],
               "interrupted": False}

    def save(row, model):
        hyper = {name: row[name] for name in kind.hyperparameters}
        CifarModel(model, pre, names, kind.settings(config, hyper, options)).save(out / "model.npz")

    select = getattr(kind, "search", None) or (lambda *args: search(kind, *args))
    try:
        rows, best, results["jobs"] = select(data, options, kind.grid(config), config.seed, config.jobs,
                                             config.progress, save, log)
    except SearchInterrupted as stop:
        raise _interrupted(stop, kind, results, out) from None
    search_seconds = time.perf_counter() - start - load_seconds
    row, model, history = best["row"], best["model"], best["history"]
    with threadpool_limits(1):      # as the workers score: a product's rounding depends on the BLAS threads
        # kNN's training accuracy would classify the training set by itself (at k = 1, itself): not measured
        train_acc = None if "X_val" not in data else _accuracy(model, data["X_train"], data["y_train"])
        results.update(search=rows, best=row, val_acc=row["val_acc"], train_acc=train_acc)
        pred = model.predict(data["X_test"])
    results["test_acc"] = float(np.mean(pred == data["y_test"]))
    results["seconds"] = {"load": load_seconds, "search": search_seconds, "best_config": row["seconds"]}
    note = (f"trained on the bundled sample ({len(data['y_train']):,} images): a demonstration, not a result"
            if sample else None)
    _save_figures(out, kind, options, model, history, row, rows, data["y_test"], pred, names, note)
    results["seconds"]["total"] = time.perf_counter() - start
    results["files"] = sorted({p.name for p in out.iterdir()} | {"results.json"})
    _write_json(out / "results.json", results)
    return results


def _interrupted(stop, kind, results, out):
    """Ctrl-C during the search: write what finished to results.json, and say what was saved where."""
    results["search"] = [r for r in stop.rows if r is not None]
    if stop.best is None:
        return Interrupted("interrupted before any configuration finished; nothing was saved")
    results.update(interrupted=True, best=stop.best["row"])
    _write_json(out / "results.json", results)
    row = stop.best["row"]
    return Interrupted(f"interrupted: the best model so far ({describe(kind, row).replace(' ', ', ')}, validation "
                       f"accuracy {row['val_acc']:.4f}) is saved in {out / 'model.npz'}")


def _save_figures(out, kind, options, model, history, row, rows, y_test, pred, names, note=None):
    from . import plots
    plots.confusion_figure(y_test, pred, names).savefig(out / "confusion.png", dpi=100)
    if hasattr(kind, "figures"):
        for name, figure in kind.figures(model, history, row, rows, names, note).items():
            figure.savefig(out / name, dpi=100)
        return
    title = f"best run: {describe(kind, row).replace(' ', ', ')}"
    iters_per_epoch = history["iterations"] / history["epochs"] if history.get("epochs") else None
    plots.loss_curve(history["loss"], history["val_acc"], final_acc=row["val_acc"], note=note, title=title,
                     kept=kind.kept_weights(options), iters_per_epoch=iters_per_epoch).savefig(out / "loss.png",
                                                                                              dpi=100)
    kind.weights_figure(model, names, title=f"learned weights, {title}").savefig(out / "weights.png", dpi=100)
    finished = [r for r in rows if np.isfinite(r["val_acc"])]
    if len(finished) > 1:       # a single configuration has no search to show; its accuracy is in the table
        y, x = (list(kind.hyperparameters) + [None])[:2]
        plots.search_heatmap(finished, y, x, chosen=row).savefig(out / "search.png", dpi=100)


def _write_json(path, obj):
    write_text(path, json.dumps(obj, indent=2, default=float, allow_nan=True) + "\n")


def summary_table(results):
    """The search of a run's results as a text table, the best row marked with *."""
    return _summary_table(KINDS[results["config"]["model"]], results["search"], results.get("best"))


def load_test_set(data_dir=None, download=True, log=print):
    """The CIFAR-10 test images (N, 32, 32, 3) uint8 and labels (N,), and a description.

    Reads only the test batch when it is there: a saved model carries its own
    preprocessing, so the training batches are not needed. Otherwise as
    ``cifar10_data.load_dataset`` (download, or the sample's test images).
    """
    root = Path(data_dir) if data_dir else cifar10_data.DATASETS_DIR
    folder = root / cifar10_data.FOLDER if (root / cifar10_data.FOLDER).is_dir() else root
    if (folder / cifar10_data.TEST_BATCH).is_file():
        Xte, yte = cifar10_data.load_CIFAR10_batch(folder / cifar10_data.TEST_BATCH)
        return Xte, yte, f"CIFAR-10 test batch from {folder}"
    _, _, Xte, yte, source = cifar10_data.load_dataset(data_dir, download=download, allow_sample=data_dir is None,
                                                      dtype=np.uint8, log=log)
    return Xte, yte, source


def evaluate(model_path, data_dir=None, download=True, log=print):
    """Test accuracy of a saved model (its model.npz or run folder) on the CIFAR-10 test set.

    Uses the sample's test images when the full set is absent and no data_dir is given.
    """
    model = CifarModel.load(model_path)
    Xte, yte, source = load_test_set(data_dir, download, log)
    pred = model.predict(Xte)
    per_class = {name: float(np.mean(pred[yte == c] == c)) for c, name in enumerate(model.class_names)}
    return {"test_acc": float(np.mean(pred == yte)), "num_test": int(len(yte)), "data": source,
            "per_class": per_class}
