"""From uint8 images to what a model reads: preprocessing, the mirror permutation, the splits.

``get_CIFAR10_data`` is CS231n's (images (N, 3, 32, 32), mean image subtracted);
``get_linear_classifier_data`` gives the linear classifier's rows, with a bias column
and a dev split. Both take their statistics from the training images only.
"""
import numpy as np

from softmax_safeguards.validation import (InvalidValueError, check_choice, check_nonnegative,
                                           check_positive)

from . import layout
from .layout import FOLDER
from .loading import load_CIFAR10


class Preprocessor:
    """Turns uint8 images into the float rows a linear classifier reads.

    mode "mean" subtracts the mean image (the classic assignment); mode
    "standardize" also divides each pixel by its standard deviation. Both
    statistics come from the training rows given to ``fit`` only. Mode "raw"
    keeps the pixel values (mean 0, scale 1): kNN's rows, uint8 with ``dtype=np.uint8``. With
    ``bias`` a column of ones is appended (the bias trick: W's last row is the bias).
    """

    MODES = ("mean", "standardize", "raw")

    def __init__(self, mode="mean", bias=True, dtype=np.float64):
        check_choice(mode, "mode", self.MODES)
        self.mode, self.bias, self.dtype = mode, bool(bias), np.dtype(dtype)
        self.mean = self.scale = None

    def fit(self, X, chunk=5000):
        """Compute the mean (and standard deviation) image of X (N, ...) in float64."""
        X = X.reshape(len(X), int(np.prod(X.shape[1:])))       # -1 cannot be inferred for 0 images
        if self.mode == "raw":
            self.mean, self.scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
            return self
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
            raise InvalidValueError("call fit() before transform()")
        X = X.reshape(len(X), int(np.prod(X.shape[1:])))       # -1 cannot be inferred for 0 images
        d = X.shape[1]
        if d != self.mean.shape[0]:
            raise InvalidValueError(f"images have {d} values each, the preprocessor was fit on {self.mean.shape[0]}")
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
            raise InvalidValueError(f"the preprocessing statistics lack {exc}") from None
        if pre.mean.ndim != 1 or pre.mean.shape != pre.scale.shape:
            raise InvalidValueError("the preprocessing statistics have inconsistent shapes "
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
        data = load_CIFAR10(cifar10_dir or layout.DATASETS_DIR / FOLDER, dtype=np.uint8)
    if len(data) != 4:
        raise InvalidValueError(f"data must be the 4 arrays (Xtr, ytr, Xte, yte) that load_CIFAR10 returns, "
                                f"got {len(data)} items")
    Xtr, ytr, Xte, yte = data
    check_positive(num_training, "num_training", integer=True)
    for name, value in (("num_validation", num_validation), ("num_test", num_test), ("num_dev", num_dev)):
        check_nonnegative(value, name, integer=True)
    if num_training + num_validation > len(ytr):
        raise InvalidValueError(f"num_training + num_validation = {num_training + num_validation} exceeds the "
                                f"{len(ytr)} training images available")
    if num_test > len(yte):
        raise InvalidValueError(f"num_test = {num_test} exceeds the {len(yte)} test images available")
    if num_dev > num_training:
        raise InvalidValueError(f"num_dev = {num_dev} exceeds num_training = {num_training}")
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
