"""The main job: train a linear softmax classifier on CIFAR-10, search its hyperparameters,
save the best model with everything needed to use it, and evaluate it.

The command line (``python -m classifiers``) is a thin layer over this module.

The default recipe, and why:
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
import multiprocessing
import os
import signal
import time
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np

import data_utils
from atomic_write import write_text

from . import recipe
from .linear_classifier import LinearClassifier, Softmax, TrainingDiverged
from .persistence import ModelFileError, not_a_model_file
from .validation import ClassifierError, InvalidValueError

RUNS_DIR = Path("runs")


@dataclasses.dataclass
class TrainConfig:
    """Settings of a training run; the defaults are the package's recommended recipe."""

    data_dir: str = None
    download: bool = True
    sample: bool = False
    out: str = None
    seed: int = 0
    preprocess: str = "standardize"
    dtype: str = "float32"
    learning_rates: tuple = (5e-4, 1e-3, 2e-3)
    regs: tuple = (3e-3, 1e-2, 3e-2)
    epochs: float = 6.0
    num_iters: int = None
    batch_size: int = 200
    momentum: float = 0.9
    lr_decay: float = 0.7
    average_epochs: float = None    # None: the last 3 epochs, or all of them when fewer
    mirror: bool = True
    replace: bool = False
    num_validation: int = 1000
    progress: bool = True
    jobs: int = None

    def check(self):
        """Raise ValueError for settings that contradict each other, before any data is loaded."""
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


# ============================================================================ the saved model

class CifarModel:
    """A trained classifier with its preprocessing and class names: all that prediction needs."""

    def __init__(self, classifier, preprocessor, class_names, hyperparams=None):
        self.classifier = classifier
        self.preprocessor = preprocessor
        self.class_names = tuple(class_names)
        self.hyperparams = dict(hyperparams or {})
        self.chunk = 2000           # images preprocessed at a time, so no float copy of them all is made

    def save(self, path):
        return self.classifier.save(path, **self.preprocessor.state(), class_names=np.array(self.class_names),
                                    hyperparams=json.dumps(self.hyperparams))

    @classmethod
    def load(cls, path):
        """Load a model saved by ``train`` (its model.npz, or the run folder holding it).

        Raises ModelFileError (a ValueError) naming the file if it is not one.
        """
        path = model_file(path)
        clf = LinearClassifier.load(path)
        extras = clf.extras
        if "pre_mean" not in extras or "class_names" not in extras:
            raise ModelFileError(f"{path} holds a {type(clf).__name__} classifier without the preprocessing "
                                 f"statistics and class names that `python -m classifiers train` saves with it")
        try:
            pre = data_utils.Preprocessor.from_state(extras, dtype=clf.W.dtype)
            hyper = json.loads(str(extras["hyperparams"])) if "hyperparams" in extras else {}
        except ValueError as exc:               # json.JSONDecodeError is a ValueError too
            raise InvalidValueError(f"{path} holds malformed preprocessing or settings ({exc})") from None
        if pre.mean.shape[0] + pre.bias != clf.W.shape[0]:
            raise InvalidValueError(f"{path} is inconsistent: W has {clf.W.shape[0]} rows but the preprocessing "
                                    f"gives {pre.mean.shape[0] + pre.bias} features")
        names = [str(n) for n in extras["class_names"]]
        if len(names) != clf.W.shape[1]:
            raise InvalidValueError(f"{path} is inconsistent: {len(names)} class names for {clf.W.shape[1]} classes")
        return cls(clf, pre, names, hyper)

    def predict_proba(self, images):
        """Class probabilities (N, C) for uint8 images (N, 32, 32, 3), any number of them."""
        return self._in_chunks(self.classifier.predict_proba, images)

    def predict(self, images):
        """Predicted labels (N,) for uint8 images (N, 32, 32, 3), any number of them."""
        return self._in_chunks(self.classifier.predict, images)

    def _in_chunks(self, method, images):
        """``method`` of the classifier on the preprocessed images, ``self.chunk`` images at a time."""
        return np.concatenate([method(self.preprocessor.transform(images[s:s + self.chunk]))
                               for s in range(0, len(images), self.chunk)])


def model_file(path):
    """The model.npz that ``path`` names: the file itself, or the one in a run folder.

    Checks that it is an .npz archive, so that an image, a text file or a
    results.json gets a plain message instead of numpy's advice about pickles.
    """
    path = Path(path)
    if path.is_dir():
        if not (path / "model.npz").is_file():
            raise ModelFileError(f"no model.npz in the folder {path}: pass a run folder written by "
                                 f"`python -m classifiers train`, or its model.npz")
        path = path / "model.npz"
    if not path.exists():
        raise ModelFileError(f"no model file at {path}")
    if not zipfile.is_zipfile(path):
        raise not_a_model_file(path, "it is not an .npz archive; pass a run's model.npz or its folder")
    return path


def load_images(paths, errors=None):
    """Read image files as uint8 RGB arrays (N, 32, 32, 3), resizing to 32x32 when needed.

    An unreadable file raises ValueError naming it; when a list ``errors`` is
    given, it gets (path, message) instead and the file is skipped. Returns the
    images of the files read, in order.
    """
    from PIL import Image, UnidentifiedImageError
    images = []
    for path in paths:
        try:
            with Image.open(path) as img:
                img = img.convert("RGB")
                if img.size != (32, 32):
                    img = img.resize((32, 32), Image.Resampling.LANCZOS)
                images.append(np.asarray(img, dtype=np.uint8))
        except (UnidentifiedImageError, OSError) as exc:
            message = (f"no image file at {path}" if isinstance(exc, FileNotFoundError)
                       else f"{path} is not an image Pillow can read ({exc})")
            if errors is None:
                raise InvalidValueError(message) from None
            errors.append((path, message))
    return np.stack(images) if images else np.empty((0, 32, 32, 3), np.uint8)


# ============================================================================ training

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


def load_splits(config, log=print):
    """Load the data and return the preprocessed splits, the preprocessor and a description."""
    dtype = np.dtype(config.dtype)
    if config.sample:
        Xtr, ytr, Xte, yte = data_utils.load_CIFAR10(data_utils.SAMPLE_PATH, dtype=np.uint8)
        source = (f"bundled sample {data_utils.SAMPLE_PATH.name} ({len(ytr)} training and {len(yte)} test "
                  f"images), as asked (--sample)")
        log(f"notice: using the {source}")
        names = data_utils.CLASSES
    else:
        explicit = config.data_dir is not None
        try:
            Xtr, ytr, Xte, yte, source = data_utils.load_dataset(
                config.data_dir, download=config.download, allow_sample=not explicit, dtype=np.uint8, log=log)
        except data_utils.DataError as exc:
            if not explicit:
                raise
            raise data_utils.DataError(f"{exc}; or train on the bundled sample (--sample instead of "
                                       f"--data-dir)") from None
        names = data_utils.class_names(config.data_dir or data_utils.DATASETS_DIR)
    num_val = min(config.num_validation, len(ytr) // 5)
    splits, pre = data_utils.get_linear_classifier_data(
        data=(Xtr, ytr, Xte, yte), num_training=len(ytr) - num_val, num_validation=num_val, num_test=len(yte),
        num_dev=0, standardize=config.preprocess == "standardize", dtype=dtype, return_preprocessor=True)
    return splits, pre, tuple(names), source


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
    check_written()
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


def check_written():
    """Call the loss and predict the job uses on a 1-example problem, before any data is loaded.

    In the student edition an exercise not written yet raises its
    NotImplementedError here, at once, naming the function to write; in the
    solution this costs nothing.
    """
    W, X, y = np.zeros((2, 2)), np.ones((1, 2)), np.zeros(1, dtype=np.int64)
    recipe.default_loss(W, X, y, 0.0)
    Softmax(W).predict(X)


def _train_into(out, config, start, log):
    data, pre, names, source = load_splits(config, log)
    load_seconds = time.perf_counter() - start
    X, y = data["X_train"], data["y_train"]
    iters_per_epoch = max(len(y) // config.batch_size, 1)
    num_iters = config.num_iters or max(1, int(round(config.epochs * iters_per_epoch)))
    if config.average_epochs is None:
        average = min(3 * iters_per_epoch, num_iters)
    else:
        average = int(round(config.average_epochs * iters_per_epoch))
    if average > num_iters:
        raise InvalidValueError(f"average_epochs (--average-epochs) = {config.average_epochs:g} is {average} "
                                f"iterations, more than the {num_iters} trained (--num-iters)")
    sample = source.startswith("bundled sample")
    log(f"data: {'' if sample else source + '; '}train {X.shape}, validation {data['X_val'].shape}, "
        f"test {len(data['y_test'])} images, {config.preprocess} preprocessing, {config.dtype}")
    options = dict(num_iters=num_iters, batch_size=config.batch_size, momentum=config.momentum,
                   lr_decay=config.lr_decay, replace=config.replace, average=average,
                   mirror=data_utils.mirror_permutation() if config.mirror else None)
    results = {"config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in dataclasses.asdict(config).items()},
               "data": source, "output": str(out), "num_iters": num_iters, "search": [], "interrupted": False}
    model_path = out / "model.npz"

    def save(row, W):
        model = CifarModel(Softmax(W), pre, names, _hyper(config, row["learning_rate"], row["reg"], num_iters, average))
        model.save(model_path)

    best = search(data, options, config, results, save, log)
    search_seconds = time.perf_counter() - start - load_seconds
    row, clf, history = best["row"], Softmax(best["W"]), best["history"]
    results["best"] = row
    results["train_acc"] = _accuracy(clf, X, y)
    results["val_acc"] = row["val_acc"]
    pred = clf.predict(data["X_test"])
    results["test_acc"] = float(np.mean(pred == data["y_test"]))
    results["seconds"] = {"load": load_seconds, "search": search_seconds, "best_config": row["seconds"]}
    note = f"trained on the bundled sample ({len(y):,} images): a demonstration, not a result" if sample else None
    _save_figures(out, clf, history, row, results["search"], data["y_test"], pred, names, note)
    results["seconds"]["total"] = time.perf_counter() - start
    results["files"] = sorted({p.name for p in out.iterdir()} | {"results.json"})
    _write_json(out / "results.json", results)
    return results


# ============================================================================ the search

def search(data, options, config, results, save, log=print):
    """Train every (learning rate, regularization) pair of ``config`` and keep the best.

    The configurations train in ``config.jobs`` worker processes (default: one
    per core), each with one BLAS thread: with C = 10 the products gain nothing
    from BLAS threads, while configurations in parallel use every core. Every
    configuration starts from ``config.seed`` (the same initialization and
    minibatches, so the search compares hyperparameters alone), which makes the
    results independent of the order they finish in and of the number of jobs.
    The best so far, by validation accuracy then grid order, is saved with
    ``save(row, W)`` as soon as it arrives, so Ctrl-C loses nothing: it writes
    results.json and raises Interrupted. Fills ``results["search"]`` (grid order)
    and returns the best as a dict with row, W and history.
    """
    grid = [(lr, reg) for lr in config.learning_rates for reg in config.regs]
    jobs = min(config.jobs or _cores(), len(grid))
    results["jobs"] = jobs
    rows, best = [None] * len(grid), None
    _SHARED.update(data=data, options=options)
    try:
        with _search_bar(config.progress, len(grid), jobs) as bar, \
                contextlib.closing(_finished_configurations(grid, config.seed, jobs)) as finished:
            for done, (k, row, W, history) in enumerate(finished, 1):
                rows[k] = row
                with _above(bar):
                    log(_describe(row, done, len(grid)))
                if _better(row, k, best):
                    best = {"k": k, "row": row, "W": W, "history": history}
                    save(row, W)
                if bar is not None:
                    bar.update(1)
                    if best is not None:
                        bar.set_postfix_str(f"best validation accuracy {best['row']['val_acc']:.4f}")
    except KeyboardInterrupt:
        results["search"] = [r for r in rows if r is not None]
        if best is None:
            raise Interrupted("interrupted before any configuration finished; nothing was saved") from None
        results.update(interrupted=True, best=best["row"])
        _write_json(Path(results["output"]) / "results.json", results)
        raise Interrupted(f"interrupted: the best model so far (lr={best['row']['learning_rate']:g}, "
                          f"reg={best['row']['reg']:g}, validation accuracy {best['row']['val_acc']:.4f}) "
                          f"is saved in {Path(results['output']) / 'model.npz'}") from None
    finally:
        _SHARED.clear()
    results["search"] = rows
    if best is None:
        raise TrainingDiverged("every configuration diverged; lower the learning rates (--lr)")
    return best


def _better(row, k, best):
    """Does configuration k beat the best so far? Higher accuracy wins, then the earlier in the grid."""
    if not np.isfinite(row["val_acc"]):
        return False
    return best is None or (row["val_acc"], -k) > (best["row"]["val_acc"], -best["k"])


def _describe(row, done, total):
    head = f"[{done}/{total}] lr={row['learning_rate']:g} reg={row['reg']:g}"
    if "diverged" in row:
        return f"{head} diverged; lower the learning rate"
    return f"{head}: val acc {row['val_acc']:.4f} ({row['seconds']:.1f} s)"


def train_configuration(learning_rate, reg, seed):
    """Train one configuration of the search on the shared data; returns (row, W, history).

    Inputs: the learning rate, the regularization strength and the seed; the data
    and the recipe's options are those the search put in ``_SHARED``.
    Returns plain values: the row of the search table (learning_rate, reg,
    val_acc, final_loss, seconds; val_acc NaN and a ``diverged`` message when the
    loss became non-finite), the weights W (D, C) and the training history.
    """
    data, options = _SHARED["data"], _SHARED["options"]
    clf, start = Softmax(), time.perf_counter()
    row = {"learning_rate": learning_rate, "reg": reg}
    try:
        history = recipe.train(clf, data["X_train"], data["y_train"], learning_rate, reg, seed=seed,
                               X_val=data["X_val"], y_val=data["y_val"], on_diverge="raise", **options)
    except TrainingDiverged as exc:
        row.update(val_acc=float("nan"), diverged=str(exc), seconds=time.perf_counter() - start)
        return row, None, None
    row.update(val_acc=_accuracy(clf, data["X_val"], data["y_val"]), final_loss=history["loss"][-1],
               seconds=time.perf_counter() - start)
    return row, clf.W, history


# What the search trains on: set before the worker processes are forked, so that they share the
# training arrays (copy-on-write, never written) instead of receiving a pickled copy per task.
_SHARED = {}


def _finished_configurations(grid, seed, jobs):
    """Yield (k, row, W, history) for each configuration k of ``grid`` as it finishes."""
    from threadpoolctl import threadpool_limits
    tasks = [(k, lr, reg, seed) for k, (lr, reg) in enumerate(grid)]
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        with threadpool_limits(1):          # as in the workers, so that jobs never change a result
            for task in tasks:
                yield _train_task(task)
        return
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_start_worker) as pool:
        yield from pool.imap_unordered(_train_task, tasks)


def _train_task(task):
    k, lr, reg, seed = task
    return (k, *train_configuration(lr, reg, seed))


def _start_worker():
    from threadpoolctl import threadpool_limits
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's: it keeps the best and stops us
    threadpool_limits(1)                            # one BLAS thread per worker, for this process's life


def _cores():
    """The CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _search_bar(progress, total, jobs):
    """One progress bar for the whole search (a context manager yielding None when not shown)."""
    if not progress:
        return contextlib.nullcontext()
    from tqdm.auto import tqdm
    return tqdm(total=total, unit="config", leave=False, desc=f"search, {jobs} at once")


def _above(bar):
    """Print above the progress bar instead of through it."""
    return bar.external_write_mode() if bar is not None else contextlib.nullcontext()


def _hyper(config, lr, reg, num_iters, average):
    return {"learning_rate": lr, "reg": reg, "num_iters": num_iters, "batch_size": config.batch_size,
            "momentum": config.momentum, "lr_decay": config.lr_decay, "average_iters": average,
            "mirror": config.mirror, "preprocess": config.preprocess, "dtype": config.dtype, "seed": config.seed}


def _save_figures(out, clf, history, row, search, y_test, pred, names, note=None):
    from . import plots
    title = f"best run: lr={row['learning_rate']:g}, reg={row['reg']:g}"
    plots.loss_curve(history["loss"], history["val_acc"], final_acc=row["val_acc"], note=note,
                     title=title).savefig(out / "loss.png", dpi=100)
    plots.weight_templates(clf.W, names).savefig(out / "weights.png", dpi=100)
    finished = [r for r in search if np.isfinite(r["val_acc"])]
    if len(finished) > 1:       # a single configuration has no search to show; its accuracy is in the table
        plots.search_heatmap(finished).savefig(out / "search.png", dpi=100)
    plots.confusion_figure(y_test, pred, names).savefig(out / "confusion.png", dpi=100)


def _write_json(path, obj):
    write_text(path, json.dumps(obj, indent=2, default=float, allow_nan=True) + "\n")


def summary_table(results):
    """The search as a text table, best row marked with *."""
    lines = [f"{'':1} {'learning rate':>13} {'reg':>8} {'val acc':>8} {'seconds':>8}"]
    best = results.get("best")
    for r in results["search"]:
        mark = "*" if r == best else " "
        acc = "diverged" if not np.isfinite(r["val_acc"]) else f"{r['val_acc']:.4f}"
        lines.append(f"{mark:1} {r['learning_rate']:>13g} {r['reg']:>8g} {acc:>8} {r['seconds']:>8.1f}")
    return "\n".join(lines)


def load_test_set(data_dir=None, download=True, log=print):
    """The CIFAR-10 test images (N, 32, 32, 3) uint8 and labels (N,), and a description.

    Reads only the test batch when it is there: a saved model carries its own
    preprocessing, so the training batches are not needed. Otherwise as
    ``data_utils.load_dataset`` (download, or the sample's test images).
    """
    root = Path(data_dir) if data_dir else data_utils.DATASETS_DIR
    folder = root / data_utils.FOLDER if (root / data_utils.FOLDER).is_dir() else root
    if (folder / data_utils.TEST_BATCH).is_file():
        Xte, yte = data_utils.load_CIFAR10_batch(folder / data_utils.TEST_BATCH)
        return Xte, yte, f"CIFAR-10 test batch from {folder}"
    _, _, Xte, yte, source = data_utils.load_dataset(data_dir, download=download, allow_sample=data_dir is None,
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
