"""The main job: train a linear softmax classifier on CIFAR-10, search its hyperparameters,
save the best model with everything needed to use it, and evaluate it.

The command line (``python -m classifiers``) is a thin layer over this module.

The default recipe, and why (figures in the README's results section):
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
import dataclasses
import json
import os
import time
from datetime import datetime
from pathlib import Path

import numpy as np

import data_utils
from . import recipe
from .linear_classifier import LinearClassifier, Softmax, TrainingDiverged
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
    average_epochs: float = 3.0
    mirror: bool = True
    replace: bool = False
    num_validation: int = 1000
    progress: bool = True


#: The classic assignment recipe: mean image subtracted, plain SGD, fixed step, no extras.
CLASSIC = dict(preprocess="mean", learning_rates=(1e-7,), regs=(2.5e4,), num_iters=1500, momentum=0.0,
               lr_decay=1.0, average_epochs=0.0, mirror=False, replace=True)


class OutputError(ClassifierError, ValueError):
    """The output folder cannot be created or written."""


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
        """Load a model saved by ``train``; ValueError naming the file if it is not one."""
        clf = LinearClassifier.load(path)
        extras = clf.extras
        if "pre_mean" not in extras or "class_names" not in extras:
            raise InvalidValueError(f"{path} holds a classifier but not a CIFAR-10 model saved by "
                                    f"`python -m classifiers train` (no preprocessing statistics)")
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


def load_images(paths):
    """Read image files as uint8 RGB arrays (N, 32, 32, 3), resizing to 32x32 when needed."""
    from PIL import Image, UnidentifiedImageError
    images = []
    for path in paths:
        try:
            with Image.open(path) as img:
                img = img.convert("RGB")
                if img.size != (32, 32):
                    img = img.resize((32, 32), Image.Resampling.LANCZOS)
                images.append(np.asarray(img, dtype=np.uint8))
        except FileNotFoundError:
            raise InvalidValueError(f"no image file at {path}") from None
        except (UnidentifiedImageError, OSError) as exc:
            raise InvalidValueError(f"{path} is not an image Pillow can read ({exc})") from None
    return np.stack(images)


# ============================================================================ training

def prepare_output(out):
    """Create the output folder (default runs/<timestamp>) and check it can be written."""
    folder = Path(out) if out else RUNS_DIR / datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to the output folder {folder}: {exc.strerror or exc}") from None
    return folder


def load_splits(config, log=print):
    """Load the data and return the preprocessed splits, the preprocessor and a description."""
    dtype = np.dtype(config.dtype)
    if config.sample:
        Xtr, ytr, Xte, yte = data_utils.load_CIFAR10(data_utils.SAMPLE_PATH, dtype=np.uint8)
        source = f"bundled sample {data_utils.SAMPLE_PATH.name} ({len(ytr)} training and {len(yte)} test images)"
        log(f"notice: using the {source}, as asked (--sample)")
        names = data_utils.CLASSES
    else:
        explicit = config.data_dir is not None
        Xtr, ytr, Xte, yte, source = data_utils.load_dataset(
            config.data_dir, download=config.download, allow_sample=not explicit, dtype=np.uint8, log=log)
        names = data_utils.class_names(config.data_dir or data_utils.DATASETS_DIR)
    num_val = min(config.num_validation, len(ytr) // 5)
    splits, pre = data_utils.get_CIFAR10_data(
        data=(Xtr, ytr, Xte, yte), num_training=len(ytr) - num_val, num_validation=num_val, num_test=len(yte),
        num_dev=0, standardize=config.preprocess == "standardize", dtype=dtype, return_preprocessor=True)
    return splits, pre, tuple(names), source


def _accuracy(clf, X, y):
    return float(np.mean(clf.predict(X) == y))


def train(config=None, log=print):
    """Run the whole job; returns the results dict that is also written to results.json.

    Writes into the output folder: model.npz (saved as soon as a configuration
    beats the previous best, so an interruption loses nothing), results.json,
    loss.png, weights.png, search.png and confusion.png. Raises Interrupted on
    Ctrl-C, after saving what it has.
    """
    config = config or TrainConfig()
    start = time.perf_counter()
    out = prepare_output(config.out)
    data, pre, names, source = load_splits(config, log)
    load_seconds = time.perf_counter() - start
    X, y = data["X_train"], data["y_train"]
    iters_per_epoch = max(len(y) // config.batch_size, 1)
    num_iters = config.num_iters or max(1, int(round(config.epochs * iters_per_epoch)))
    average = int(round(config.average_epochs * iters_per_epoch))
    mirror = data_utils.mirror_permutation() if config.mirror else None
    log(f"data: {source}; train {X.shape}, validation {data['X_val'].shape}, test {len(data['y_test'])} images, "
        f"{config.preprocess} preprocessing, {config.dtype}")
    grid = [(lr, reg) for lr in config.learning_rates for reg in config.regs]
    results = {"config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in dataclasses.asdict(config).items()},
               "data": source, "output": str(out), "num_iters": num_iters, "search": [], "interrupted": False}
    best = None
    model_path = out / "model.npz"
    try:
        for k, (lr, reg) in enumerate(grid, 1):
            clf = Softmax()
            t0 = time.perf_counter()
            row = {"learning_rate": lr, "reg": reg}
            try:
                history = recipe.train(
                    clf, X, y, lr, reg, num_iters, config.batch_size, seed=config.seed, momentum=config.momentum,
                    lr_decay=config.lr_decay, replace=config.replace, mirror=mirror, average=average,
                    X_val=data["X_val"], y_val=data["y_val"], on_diverge="raise",
                    progress={"desc": f"[{k}/{len(grid)}] lr={lr:g} reg={reg:g}", "leave": False,
                              "disable": not config.progress})
                row.update(val_acc=_accuracy(clf, data["X_val"], data["y_val"]),
                           final_loss=history["loss"][-1], seconds=time.perf_counter() - t0)
                log(f"[{k}/{len(grid)}] lr={lr:g} reg={reg:g}: val acc {row['val_acc']:.4f} ({row['seconds']:.1f} s)")
            except TrainingDiverged as exc:
                row.update(val_acc=float("nan"), diverged=str(exc), seconds=time.perf_counter() - t0)
                log(f"[{k}/{len(grid)}] lr={lr:g} reg={reg:g} diverged; lower the learning rate")
            results["search"].append(row)
            if np.isfinite(row["val_acc"]) and (best is None or row["val_acc"] > best[0]["val_acc"]):
                best = (row, clf, history)
                CifarModel(clf, pre, names, _hyper(config, lr, reg, num_iters, average)).save(model_path)
    except KeyboardInterrupt:
        results.update(interrupted=True, best=best and best[0])
        _write_json(out / "results.json", results)
        if best is None:
            raise Interrupted(f"interrupted before any configuration finished; nothing was saved in {out}") from None
        raise Interrupted(f"interrupted: the best model so far (lr={best[0]['learning_rate']:g}, "
                          f"reg={best[0]['reg']:g}, validation accuracy {best[0]['val_acc']:.4f}) "
                          f"is saved in {model_path}") from None
    if best is None:
        raise TrainingDiverged("every configuration diverged; lower the learning rates (--lr)")
    search_seconds = time.perf_counter() - start - load_seconds
    row, clf, history = best
    results["best"] = row
    results["train_acc"] = _accuracy(clf, X, y)
    results["val_acc"] = row["val_acc"]
    pred = clf.predict(data["X_test"])
    results["test_acc"] = float(np.mean(pred == data["y_test"]))
    results["seconds"] = {"load": load_seconds, "search": search_seconds, "best_config": row["seconds"]}
    _save_figures(out, clf, history, row, results["search"], data["y_test"], pred, names)
    results["seconds"]["total"] = time.perf_counter() - start
    results["files"] = sorted({p.name for p in out.iterdir()} | {"results.json"})
    _write_json(out / "results.json", results)
    return results


def _hyper(config, lr, reg, num_iters, average):
    return {"learning_rate": lr, "reg": reg, "num_iters": num_iters, "batch_size": config.batch_size,
            "momentum": config.momentum, "lr_decay": config.lr_decay, "average_iters": average,
            "mirror": config.mirror, "preprocess": config.preprocess, "dtype": config.dtype, "seed": config.seed}


def _save_figures(out, clf, history, row, search, y_test, pred, names):
    from . import plots
    plots.loss_curve(history["loss"], history["val_acc"],
                     title=f"best run: lr={row['learning_rate']:g}, reg={row['reg']:g}").savefig(out / "loss.png", dpi=100)
    plots.weight_templates(clf.W, names).savefig(out / "weights.png", dpi=100)
    plots.search_heatmap([r for r in search if np.isfinite(r["val_acc"])]).savefig(out / "search.png", dpi=100)
    plots.confusion_figure(y_test, pred, names).savefig(out / "confusion.png", dpi=100)


def _write_json(path, obj):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, default=float, allow_nan=True) + "\n")
    os.replace(tmp, path)


def summary_table(results):
    """The search as a text table, best row marked with *."""
    lines = [f"{'':1} {'learning rate':>13} {'reg':>8} {'val acc':>8} {'seconds':>8}"]
    best = results.get("best")
    for r in results["search"]:
        mark = "*" if r == best else " "
        acc = "diverged" if not np.isfinite(r["val_acc"]) else f"{r['val_acc']:.4f}"
        lines.append(f"{mark:1} {r['learning_rate']:>13g} {r['reg']:>8g} {acc:>8} {r['seconds']:>8.1f}")
    return "\n".join(lines)


def evaluate(model_path, data_dir=None, download=True, log=print):
    """Test accuracy of a saved model on the CIFAR-10 test set (the sample's when the full set is absent)."""
    model = CifarModel.load(model_path)
    _, _, Xte, yte, source = data_utils.load_dataset(data_dir, download=download, allow_sample=data_dir is None,
                                                      dtype=np.uint8, log=log)
    pred = model.predict(Xte)
    per_class = {name: float(np.mean(pred[yte == c] == c)) for c, name in enumerate(model.class_names)}
    return {"test_acc": float(np.mean(pred == yte)), "num_test": int(len(yte)), "data": source,
            "per_class": per_class}
