"""CIFAR-10: download, verify, load safely, split and preprocess.

The official release (https://www.cs.toronto.edu/~kriz/cifar.html) is a tarball
of a folder ``cifar-10-batches-py/`` holding five training batches and one test
batch, each a Python pickle of a dict with ``data`` (10000 x 3072 uint8: the R,
G and B planes of 32 x 32 images), ``labels`` and ``filenames``.

Unpickling can run arbitrary code, so batches are read with a restricted
unpickler that admits only the numpy array reconstruction the format needs.

Typical use, as in the assignment::

    data = get_CIFAR10_data()               # CS231n's: (N, 3, 32, 32), mean image subtracted
    rows = get_linear_classifier_data()     # the linear classifier's: rows, bias column, dev split
    X_train, y_train = rows["X_train"], rows["y_train"]

or, for the raw images::

    Xtr, ytr, Xte, yte = load_CIFAR10("datasets/cifar-10-batches-py")

The data live in ``get_data_home()``: the checkout's ``datasets/`` folder, or for an
installed package $SOFTMAX_DATA or ~/softmax_data. When the full set is absent and
cannot be downloaded, ``load_dataset`` falls back to a bundled sample of real
CIFAR-10 images, ``classifiers/data/cifar10_sample.npz``, installed with the package.
"""
import hashlib
import io
import os
import pickle
import shutil
import socket
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
MD5 = "c58f30108f718f92721af3b95e74349a"
FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
DATA_ENV = "SOFTMAX_DATA"
_CHECKOUT_DATASETS = Path(__file__).resolve().parent / "datasets"
# package data, so that it is installed with the package (pip install . copies no datasets/ folder)
SAMPLE_PATH = Path(__file__).resolve().parent / "classifiers" / "data" / "cifar10_sample.npz"


def get_data_home():
    """The folder where CIFAR-10 is looked for and downloaded: ``<data home>/cifar-10-batches-py``.

    - run from a checkout of the repository: its ``datasets/`` folder (it holds get_datasets.sh);
    - installed (``pip install .``): the folder named by the environment variable
      SOFTMAX_DATA if set, else ``~/softmax_data`` (as scikit-learn's get_data_home).

    The folder is created only when something is downloaded into it.
    """
    if (_CHECKOUT_DATASETS / "get_datasets.sh").is_file():
        return _CHECKOUT_DATASETS
    env = os.environ.get(DATA_ENV)
    return Path(env).expanduser() if env else Path.home() / "softmax_data"


DATASETS_DIR = get_data_home()


class DataError(ValueError):
    """CIFAR-10 files are missing, incomplete, corrupt or unsafe."""


class DownloadError(OSError):
    """The download failed; the message says what to do instead."""


# ============================================================================ safe loading

def _numpy_internals():
    try:  # numpy >= 2 keeps them in numpy._core; pickles may name numpy.core
        from numpy._core.multiarray import _reconstruct
        from numpy._core.numeric import _frombuffer
    except ImportError:  # pragma: no cover - numpy 1.x
        from numpy.core.multiarray import _reconstruct
        from numpy.core.numeric import _frombuffer
    return _reconstruct, _frombuffer


def _latin1_bytes(text, encoding="latin1"):
    """What Python 3 protocol-2 pickles call to make bytes: str -> bytes, nothing else."""
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError("forbidden global _codecs.encode with unexpected arguments")
    return text.encode("latin1")


_reconstruct, _frombuffer = _numpy_internals()
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,     # the official batches
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,          # arrays pickled with protocol 5
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_bytes,                        # bytes in Python 3 protocol-2 pickles
}


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only rebuilds numpy arrays, plain containers, numbers and strings."""

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"forbidden global {module}.{name}") from None


def unpickle_arrays(file):
    """Unpickle one object from an open binary file, admitting only numpy arrays, plain
    containers, numbers and strings (see _RestrictedUnpickler); raises pickle.UnpicklingError
    naming any other global the file asks for."""
    return _RestrictedUnpickler(file, encoding="latin1").load()


def _text(key):
    return key.decode("latin1") if isinstance(key, bytes) else key


def load_pickle(path):
    """Load one CIFAR-10 pickle safely and return its dict with str keys.

    Raises DataError naming the file if it is missing, truncated, not a pickle,
    or asks to build anything other than numpy arrays.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            obj = _RestrictedUnpickler(f, encoding="latin1").load()
    except FileNotFoundError:
        raise DataError(f"missing CIFAR-10 file {path}; download the data again "
                        f"(bash datasets/get_datasets.sh)") from None
    except pickle.UnpicklingError as exc:
        if "forbidden global" in str(exc):
            raise DataError(f"refusing to load {path}: it asks to run {str(exc).split()[-1]}, which a "
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


def _resolve_root(root):
    """The batches folder for ``root``: the folder itself, or its cifar-10-batches-py child."""
    root = Path(root)
    if (root / FOLDER).is_dir() and not (root / TRAIN_BATCHES[0]).exists():
        return root / FOLDER
    return root


def load_CIFAR10(root, dtype=np.float64):
    """Load all of CIFAR-10.

    Inputs:
    - root: the ``cifar-10-batches-py`` folder (or the folder holding it), or
      the bundled sample ``SAMPLE_PATH`` (classifiers/data/cifar10_sample.npz).
    - dtype: the dtype of the images: np.float64 (classic), np.float32 or
      np.uint8 for a lean load (150 MB instead of 1.2 GB for the training set).

    Returns (Xtr, ytr, Xte, yte): Xtr (50000, 32, 32, 3), ytr (50000,),
    Xte (10000, 32, 32, 3), yte (10000,); labels are int64 in 0..9.
    """
    dtype = np.dtype(dtype)
    root = Path(root)
    if root.suffix == ".npz":
        return _load_sample(root, dtype)
    folder = _resolve_root(root)
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
        meta = _resolve_root(root) / "batches.meta"
        if meta.exists():
            names = load_pickle(meta).get("label_names")
            if names is not None and len(names) == 10:
                return tuple(_text(n) for n in names)
    return CLASSES


def _load_sample(path, dtype):
    if not path.exists():
        raise DataError(f"the sample file {path} is missing; the bundled one is restored by `git checkout "
                        f"classifiers/data/{path.name}` in a checkout, or by reinstalling the package")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    except (KeyError, ValueError, OSError) as exc:
        raise DataError(f"{path} is not a CIFAR-10 sample file ({exc})") from None
    return (arrays["x_train"].astype(dtype, copy=False), arrays["y_train"].astype(np.int64),
            arrays["x_test"].astype(dtype, copy=False), arrays["y_test"].astype(np.int64))


def has_full_data(data_dir=None):
    """True when ``data_dir`` (default DATASETS_DIR, see get_data_home) holds all the official batch files."""
    return not missing_files(data_dir)


def missing_files(data_dir=None):
    """The official batch files that ``data_dir`` (default DATASETS_DIR) lacks, in order."""
    folder = _resolve_root(Path(data_dir) if data_dir else DATASETS_DIR)
    return [name for name in TRAIN_BATCHES + (TEST_BATCH,) if not (folder / name).is_file()]


def load_dataset(data_dir=None, download=True, allow_sample=True, dtype=np.uint8, log=print):
    """Load the full CIFAR-10 if possible, else the bundled sample, saying which.

    Looks in ``data_dir`` (default DATASETS_DIR, see get_data_home), downloads there when absent and
    ``download`` is true, and falls back to the sample when that fails and
    ``allow_sample`` is true, logging one notice. A folder holding only some of
    the batch files is an error naming the missing ones (it is not downloaded
    again over them). Returns (Xtr, ytr, Xte, yte, source) with ``source`` a
    one-line description.
    """
    root = Path(data_dir) if data_dir else DATASETS_DIR
    folder, missing = _resolve_root(root), missing_files(root)
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
    return Xtr, ytr, Xte, yte, f"CIFAR-10 from {_resolve_root(root)}"


# ============================================================================ download

def _md5(path, chunk=1 << 20):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def _fetch(url, dest, md5, timeout, progress):
    """Stream ``url`` into ``dest`` (a temporary name), checking the MD5 as it goes."""
    from tqdm.auto import tqdm
    h = hashlib.md5()
    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="CIFAR-10",
                  disable=not progress, mininterval=0.5) as bar:
            for block in iter(lambda: response.read(1 << 16), b""):
                out.write(block)
                h.update(block)
                bar.update(len(block))
    if md5 is not None and h.hexdigest() != md5:
        raise DownloadError(f"checksum mismatch for {url}: got MD5 {h.hexdigest()}, expected {md5}; "
                            f"the download is corrupt and was deleted")


def _offline(exc):
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, (socket.gaierror, ConnectionRefusedError))


def download_CIFAR10(root=DATASETS_DIR, url=URL, md5=MD5, retries=2, timeout=30, progress=True, log=print):
    """Download and extract CIFAR-10 into ``root``/cifar-10-batches-py; return that folder.

    Does nothing when the folder is already complete. Otherwise the tarball is
    streamed to a temporary name with a progress bar, its MD5 checked, renamed
    only when verified, and extracted safely: every member must be a plain file
    or folder that lands inside ``root``. A failed attempt is retried
    ``retries`` times; a machine without network fails at once. Raises
    DownloadError with what to do instead.
    """
    root = Path(root)
    folder = root / FOLDER
    if has_full_data(folder):
        return folder
    root.mkdir(parents=True, exist_ok=True)
    tarball = root / Path(urllib.parse.urlparse(url).path).name
    if not (tarball.exists() and (md5 is None or _md5(tarball) == md5)):
        part = tarball.with_name(tarball.name + ".part")
        for attempt in range(retries + 1):
            try:
                log(f"downloading {url} to {root}")
                _fetch(url, part, md5, timeout, progress)
                os.replace(part, tarball)
                break
            except OSError as exc:                      # URLError, timeouts and DownloadError are all OSErrors
                part.unlink(missing_ok=True)
                last = attempt == retries or _offline(exc)
                if last:
                    if isinstance(exc, DownloadError):
                        raise
                    raise DownloadError(
                        f"could not download CIFAR-10 from {url} ({getattr(exc, 'reason', exc)}). "
                        f"Without network: copy the official {FOLDER}/ folder into {root}, or pass "
                        f"--data-dir pointing at it; the train command can also run on the bundled "
                        f"sample.") from None
                log(f"download failed ({getattr(exc, 'reason', exc)}); retrying")
                time.sleep(min(2 ** attempt, 10))
    extract_tarball(tarball, root)
    tarball.unlink()
    if not has_full_data(folder):
        raise DataError(f"the archive {tarball.name} did not contain a complete {FOLDER}/ folder")
    return folder


def _safe_members(tar, root):
    root = os.path.realpath(root)
    for member in tar.getmembers():
        target = os.path.realpath(os.path.join(root, member.name))
        if os.path.isabs(member.name) or os.path.commonpath([root, target]) != root:
            raise DataError(f"refusing to extract {member.name!r}: it would land outside {root}")
        if not (member.isfile() or member.isdir()):
            raise DataError(f"refusing to extract {member.name!r}: only plain files and folders are expected")
        yield member


def extract_tarball(tarball, root):
    """Extract a .tar.gz into ``root`` safely (see download_CIFAR10); the contents appear atomically."""
    root = Path(root)
    with tempfile.TemporaryDirectory(dir=root, prefix=".extract-") as tmp:
        try:
            with tarfile.open(tarball, "r:*") as tar:
                members = list(_safe_members(tar, tmp))
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(tmp, members=members, filter="data")
                else:  # pragma: no cover - Python without extraction filters
                    tar.extractall(tmp, members=members)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise DataError(f"{tarball} is not a valid archive ({exc}); delete it and download again") from None
        for entry in Path(tmp).iterdir():
            dest = root / entry.name
            if dest.exists():
                shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
            os.replace(entry, dest)


# ============================================================================ preprocessing

class Preprocessor:
    """Turns uint8 images into the float rows a linear classifier reads.

    mode "mean" subtracts the mean image (the classic assignment); mode
    "standardize" also divides each pixel by its standard deviation. Both
    statistics come from the training rows given to ``fit`` only. With
    ``bias`` a column of ones is appended (the bias trick: W's last row is the bias).
    """

    MODES = ("mean", "standardize")

    def __init__(self, mode="mean", bias=True, dtype=np.float64):
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}, got {mode!r}")
        self.mode, self.bias, self.dtype = mode, bool(bias), np.dtype(dtype)
        self.mean = self.scale = None

    def fit(self, X, chunk=5000):
        """Compute the mean (and standard deviation) image of X (N, ...) in float64."""
        X = X.reshape(len(X), int(np.prod(X.shape[1:])))       # -1 cannot be inferred for 0 images
        total = np.zeros(X.shape[1])
        sq = np.zeros(X.shape[1])
        for s in range(0, len(X), chunk):
            block = X[s:s + chunk].astype(np.float64)
            total += block.sum(axis=0)
            sq += np.square(block).sum(axis=0)
        self.mean = total / len(X)
        std = np.sqrt(np.maximum(sq / len(X) - self.mean ** 2, 0))
        self.scale = 1 / np.maximum(std, 1e-8) if self.mode == "standardize" else np.ones_like(std)
        return self

    def transform(self, X, chunk=5000):
        """Preprocessed rows (N, D + bias) of ``dtype``, converted a chunk at a time."""
        if self.mean is None:
            raise ValueError("call fit() before transform()")
        X = X.reshape(len(X), int(np.prod(X.shape[1:])))       # -1 cannot be inferred for 0 images
        d = X.shape[1]
        if d != self.mean.shape[0]:
            raise ValueError(f"images have {d} values each, the preprocessor was fit on {self.mean.shape[0]}")
        out = np.empty((len(X), d + self.bias), self.dtype)
        mean, scale = self.mean.astype(self.dtype), self.scale.astype(self.dtype)
        for s in range(0, len(X), chunk):
            block = out[s:s + chunk, :d]
            np.subtract(X[s:s + chunk], mean, out=block, casting="unsafe")
            if self.mode == "standardize":
                block *= scale
        if self.bias:
            out[:, d] = 1
        return out

    def state(self):
        """The statistics as a dict of arrays, to save with a model."""
        return {"pre_mode": np.array(self.mode), "pre_bias": np.array(self.bias),
                "pre_mean": self.mean, "pre_scale": self.scale}

    @classmethod
    def from_state(cls, state, dtype=np.float32):
        """Rebuild a fitted Preprocessor from ``state()``'s dict."""
        try:
            pre = cls(str(state["pre_mode"]), bool(state["pre_bias"]), dtype)
            pre.mean = np.asarray(state["pre_mean"], np.float64)
            pre.scale = np.asarray(state["pre_scale"], np.float64)
        except KeyError as exc:
            raise ValueError(f"the preprocessing statistics lack {exc}") from None
        if pre.mean.ndim != 1 or pre.mean.shape != pre.scale.shape:
            raise ValueError("the preprocessing statistics have inconsistent shapes "
                             f"{pre.mean.shape} and {pre.scale.shape}")
        return pre


def mirror_permutation(bias=True):
    """Feature indices that flip a flattened (32, 32, 3) image left to right.

    ``row[mirror_permutation()]`` is the mirror image of ``row``; with ``bias``
    the appended bias column stays in place. The permutation is its own inverse.
    """
    perm = np.arange(32 * 32 * 3).reshape(32, 32, 3)[:, ::-1, :].ravel()
    return np.append(perm, perm.size) if bias else perm


def _images_for_splits(cifar10_dir, data, num_training, num_validation, num_test, num_dev=0):
    """The uint8 images (Xtr, ytr, Xte, yte) to split, loaded unless ``data`` has them, with the
    split sizes checked against them."""
    if data is None:
        data = load_CIFAR10(cifar10_dir or DATASETS_DIR / FOLDER, dtype=np.uint8)
    if len(data) != 4:
        raise ValueError(f"data must be the 4 arrays (Xtr, ytr, Xte, yte) that load_CIFAR10 returns, "
                         f"got {len(data)} items")
    Xtr, ytr, Xte, yte = data
    for name, value in (("num_training", num_training), ("num_validation", num_validation),
                        ("num_test", num_test), ("num_dev", num_dev)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    if num_training < 1:
        raise ValueError("num_training must be at least 1")
    if num_training + num_validation > len(ytr):
        raise ValueError(f"num_training + num_validation = {num_training + num_validation} exceeds the "
                         f"{len(ytr)} training images available")
    if num_test > len(yte):
        raise ValueError(f"num_test = {num_test} exceeds the {len(yte)} test images available")
    if num_dev > num_training:
        raise ValueError(f"num_dev = {num_dev} exceeds num_training = {num_training}")
    return Xtr, ytr, Xte, yte


def get_CIFAR10_data(num_training=49000, num_validation=1000, num_test=1000, subtract_mean=True, *,
                     cifar10_dir=None, dtype=np.float64, data=None):
    """Load CIFAR-10 as CS231n's get_CIFAR10_data does: images channels first, mean image subtracted.

    - train: training images [0, num_training)
    - val:   training images [num_training, num_training + num_validation)
    - test:  the first num_test test images

    With ``subtract_mean`` the mean of the training images (computed in float64) is
    subtracted from all three splits. No bias column is added and nothing is flattened:
    this is what CS231n's two-layer network, Solver and assignment 2 expect. The linear
    classifier's flattened rows with a bias column are ``get_linear_classifier_data``.

    Inputs (the first four as in CS231n's, in the same order):
    - num_training, num_validation, num_test: split sizes (defaults 49000, 1000, 1000).
    - subtract_mean: subtract the mean training image (default True).
    - cifar10_dir (keyword-only): the batches folder (default DATASETS_DIR/cifar-10-batches-py)
      or the bundled sample's .npz path.
    - dtype (keyword-only): of the images, np.float64 by default as in CS231n's.
    - data (keyword-only): (Xtr, ytr, Xte, yte) already loaded; then cifar10_dir is not read.

    Returns a dict of arrays: X_train (num_training, 3, 32, 32), y_train (num_training,),
    X_val (num_validation, 3, 32, 32), y_val, X_test (num_test, 3, 32, 32), y_test;
    images of ``dtype`` (C-contiguous), labels int64 in [0, 10).
    """
    Xtr, ytr, Xte, yte = _images_for_splits(cifar10_dir, data, num_training, num_validation, num_test)
    pre = Preprocessor("mean", bias=False, dtype=dtype).fit(Xtr[:num_training])
    if not subtract_mean:
        pre.mean = np.zeros_like(pre.mean)
    val = slice(num_training, num_training + num_validation)
    return {"X_train": _channels_first(pre, Xtr[:num_training]), "y_train": ytr[:num_training],
            "X_val": _channels_first(pre, Xtr[val]), "y_val": ytr[val],
            "X_test": _channels_first(pre, Xte[:num_test]), "y_test": yte[:num_test]}


def _channels_first(pre, images, chunk=5000):
    """``pre.transform`` of (N, 32, 32, 3) images, as a C-contiguous (N, 3, 32, 32) array, a chunk at a time."""
    out = np.empty((len(images), 3, 32, 32), pre.dtype)
    for s in range(0, len(images), chunk):
        out[s:s + chunk] = pre.transform(images[s:s + chunk]).reshape(-1, 32, 32, 3).transpose(0, 3, 1, 2)
    return out


def get_linear_classifier_data(cifar10_dir=None, num_training=49000, num_validation=1000, num_test=1000,
                               num_dev=500, subtract_mean=True, bias_trick=True, standardize=False,
                               dtype=np.float64, seed=None, data=None, *, return_preprocessor=False):
    """Load CIFAR-10 and split it as the linear classifier's notebook does: rows, bias column, dev split.

    - train: training rows [0, num_training)
    - val:   training rows [num_training, num_training + num_validation)
    - test:  the first num_test test images
    - dev:   num_dev training rows chosen at random (seeded), for quick experiments

    Images are flattened to rows of 3072 values, with statistics of the training
    rows only: ``subtract_mean`` subtracts the mean image, ``standardize`` divides
    each pixel by its standard deviation (after subtracting the mean only when
    ``subtract_mean`` is also true), and ``bias_trick`` appends a column of ones.

    Inputs:
    - cifar10_dir: the batches folder (default DATASETS_DIR/cifar-10-batches-py) or
      the bundled sample's .npz path.
    - data: (Xtr, ytr, Xte, yte) already loaded, e.g. by ``load_dataset``; then
      cifar10_dir is not read.
    - return_preprocessor (keyword-only): also return the fitted Preprocessor,
      which applies the same transformation to new images (and is saved with a model).

    Returns a dict with X_train, y_train, X_val, y_val, X_test, y_test, X_dev,
    y_dev, and mean_image (32, 32, 3) float64 (zeros when not subtracting): arrays
    only, as CS231n's notebooks print each value's shape; ``(dict, preprocessor)``
    with return_preprocessor.
    """
    Xtr, ytr, Xte, yte = _images_for_splits(cifar10_dir, data, num_training, num_validation, num_test, num_dev)
    rng = np.random.default_rng(seed)
    dev = rng.choice(num_training, num_dev, replace=False)
    mode = "standardize" if standardize else "mean"
    pre = Preprocessor(mode, bias_trick, dtype).fit(Xtr[:num_training])
    if not subtract_mean:                 # the scale keeps the standard deviation about the true mean
        pre.mean = np.zeros_like(pre.mean)
    val = slice(num_training, num_training + num_validation)
    splits = {
        "X_train": pre.transform(Xtr[:num_training]), "y_train": ytr[:num_training],
        "X_val": pre.transform(Xtr[val]), "y_val": ytr[val],
        "X_test": pre.transform(Xte[:num_test]), "y_test": yte[:num_test],
        "X_dev": pre.transform(Xtr[dev]), "y_dev": ytr[dev],
        "mean_image": pre.mean.reshape(32, 32, 3),
    }
    return (splits, pre) if return_preprocessor else splits
