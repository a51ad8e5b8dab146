"""Loading CIFAR-10 safely: one batch, the whole set, the bundled sample, or whichever is there.

Batches are read with the repository's restricted unpickler (softmax_safeguards/safe_pickle.py),
so a file that asks to build anything but numpy arrays is refused, never run.
"""
import pickle
from pathlib import Path

import numpy as np

from softmax_safeguards.safe_pickle import forbidden_global, unpickle_arrays

from . import layout
from .download import download_CIFAR10
from .layout import (CLASSES, FOLDER, SAMPLE_PATH, TEST_BATCH, TRAIN_BATCHES, DataError, DownloadError,
                     has_full_data, missing_files, resolve_root)


def _text(key):
    """A Python 2 pickle's str, read as bytes or latin-1 text, as str."""
    return key.decode("latin1") if isinstance(key, bytes) else key


def load_pickle(path):
    """Load one CIFAR-10 pickle safely and return its dict with str keys.

    Raises DataError naming the file if it is missing, truncated, not a pickle,
    or asks to build anything other than numpy arrays.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            obj = unpickle_arrays(f)
    except FileNotFoundError:
        raise DataError(f"missing CIFAR-10 file {path}; download the data again "
                        f"(bash datasets/get_datasets.sh)") from None
    except pickle.UnpicklingError as exc:
        if forbidden_global(exc):
            raise DataError(f"refusing to load {path}: it asks to run {forbidden_global(exc)}, which a "
                            f"CIFAR-10 batch never does; the file may be malicious") from None
        raise DataError(f"{path} is truncated or corrupt ({exc}); download it again") from None
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, MemoryError) as exc:
        raise DataError(f"{path} is truncated or corrupt ({type(exc).__name__}: {exc}); "
                        f"download it again") from None
    if not isinstance(obj, dict):
        raise DataError(f"{path} does not hold a CIFAR-10 batch (a dict), it holds a {type(obj).__name__}")
    return {_text(k): v for k, v in obj.items()}


def load_CIFAR10_batch(path):
    """Load one batch file: returns (X, y), X uint8 (N, 32, 32, 3), y int64 (N,)."""
    batch = load_pickle(path)
    if "data" not in batch or "labels" not in batch:
        raise DataError(f"{path} is not a CIFAR-10 batch: it has keys {sorted(batch)}, "
                        f"expected 'data' and 'labels'")
    data, labels = batch["data"], np.asarray(batch["labels"])
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        desc = f"shape {data.shape} and dtype {data.dtype}" if isinstance(data, np.ndarray) else type(data).__name__
        raise DataError(f"{path}: 'data' must be a uint8 array (N, 3072), got {desc}")
    if labels.shape != (data.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"{path}: 'labels' must hold {data.shape[0]} integers, got shape {labels.shape} "
                        f"and dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{path}: labels must be in 0..9, got values from {labels.min()} to {labels.max()}")
    X = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)      # (N, 32, 32, 3) view, channels last
    return X, labels.astype(np.int64)


def load_CIFAR10(root, dtype=np.float64):
    """Load all of CIFAR-10.

    Inputs:
    - root: the ``cifar-10-batches-py`` folder (or the folder holding it), or
      the bundled sample ``SAMPLE_PATH`` (cifar10_data/data/cifar10_sample.npz).
    - dtype: the dtype of the images: np.float64 (classic), np.float32 or
      np.uint8 for a lean load (150 MB instead of 1.2 GB for the training set).

    Returns (Xtr, ytr, Xte, yte): Xtr (50000, 32, 32, 3), ytr (50000,),
    Xte (10000, 32, 32, 3), yte (10000,); labels are int64 in 0..9.
    """
    dtype = np.dtype(dtype)
    root = Path(root)
    if root.suffix == ".npz":
        return _load_sample(root, dtype)
    folder = resolve_root(root)
    if not folder.is_dir():
        raise DataError(f"CIFAR-10 folder {folder} does not exist; download it with "
                        f"`bash datasets/get_datasets.sh` (or `python -m classifiers download`), "
                        f"or point --data-dir at a folder holding {FOLDER}/")
    # one batch at a time straight into the output, so at most one uint8 batch is alive
    Xtr, labels, start = None, [], 0
    for name in TRAIN_BATCHES:
        X, y = load_CIFAR10_batch(folder / name)
        if Xtr is None:
            Xtr = np.empty((len(X) * len(TRAIN_BATCHES), 32, 32, 3), dtype)
        if start + len(X) > len(Xtr) or (name == TRAIN_BATCHES[-1] and start + len(X) != len(Xtr)):
            raise DataError(f"{folder / name} holds {len(X)} images but {TRAIN_BATCHES[0]} holds "
                            f"{len(Xtr) // len(TRAIN_BATCHES)}; the training batches must be of equal size")
        Xtr[start:start + len(X)] = X                            # converts to dtype while copying
        labels.append(y)
        start += len(X)
        del X
    ytr = np.concatenate(labels)
    Xb, yte = load_CIFAR10_batch(folder / TEST_BATCH)
    Xte = Xb.astype(dtype)
    return Xtr, ytr, Xte, yte


def class_names(root=None):
    """The ten class names, read from batches.meta when ``root`` has it."""
    if root is not None:
        meta = resolve_root(root) / "batches.meta"
        if meta.exists():
            names = load_pickle(meta).get("label_names")
            if names is not None and len(names) == 10:
                return tuple(_text(n) for n in names)
    return CLASSES


def _load_sample(path, dtype):
    if not path.exists():
        raise DataError(f"the sample file {path} is missing; the bundled one is restored by `git checkout "
                        f"cifar10_data/data/{path.name}` in a checkout, or by reinstalling the package")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    except (KeyError, ValueError, OSError) as exc:
        raise DataError(f"{path} is not a CIFAR-10 sample file ({exc})") from None
    return (arrays["x_train"].astype(dtype, copy=False), arrays["y_train"].astype(np.int64),
            arrays["x_test"].astype(dtype, copy=False), arrays["y_test"].astype(np.int64))


def load_dataset(data_dir=None, download=True, allow_sample=True, dtype=np.uint8, log=print):
    """Load the full CIFAR-10 if possible, else the bundled sample, saying which.

    Looks in ``data_dir`` (default DATASETS_DIR, see get_data_home), downloads there when absent and
    ``download`` is true, and falls back to the sample when that fails and
    ``allow_sample`` is true, logging one notice. A folder holding only some of
    the batch files is an error naming the missing ones (it is not downloaded
    again over them). Returns (Xtr, ytr, Xte, yte, source) with ``source`` a
    one-line description.
    """
    root = Path(data_dir) if data_dir else layout.DATASETS_DIR
    folder, missing = resolve_root(root), missing_files(root)
    if missing and len(missing) < len(TRAIN_BATCHES) + 1:
        raise DataError(f"CIFAR-10 in {folder} is incomplete: {', '.join(missing)} missing; restore them, "
                        f"or delete the folder and download it again (bash datasets/get_datasets.sh)")
    if missing:
        failure = "not downloaded: --no-download"
        if download:
            said = []   # when falling back, one notice replaces the download's own lines
            try:  # data_dir may name the batches folder itself or the folder that holds it
                download_CIFAR10(root.parent if root.name == FOLDER else root,
                                 log=said.append if allow_sample else log)
            except DownloadError as exc:
                failure = str(exc).split(". ")[0]            # "could not download ... (why)"
        if not has_full_data(root):
            if not allow_sample:
                raise DataError(f"no CIFAR-10 data in {folder} (expected {', '.join(missing)}; {failure}); "
                                f"copy the official {FOLDER}/ folder there or download it with "
                                f"`bash datasets/get_datasets.sh --data-dir {root}`")
            Xtr, ytr, Xte, yte = load_CIFAR10(SAMPLE_PATH, dtype)
            source = (f"bundled sample {SAMPLE_PATH.name} ({len(ytr)} training and {len(yte)} test images), "
                      f"because the full CIFAR-10 is not in {folder} ({failure})")
            log(f"notice: using the {source}")
            return Xtr, ytr, Xte, yte, source
    Xtr, ytr, Xte, yte = load_CIFAR10(root, dtype)
    return Xtr, ytr, Xte, yte, f"CIFAR-10 from {resolve_root(root)}"
