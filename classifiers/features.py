"""Image features for a linear classifier or a network (CS231n's features.py), in numpy alone.

CS231n hands these out: a histogram of oriented gradients (HOG) of the grey image, which keeps
texture and drops colour, and a histogram of hue, which keeps colour and drops texture.
``extract_features`` stacks them for a set of images.

Each feature has CS231n's per-image function (``hog_feature``, ``color_histogram_hsv``) and a
whole-batch one (``hog_features``, ``color_histograms_hsv``) that gives the same values for N images
at once; ``extract_features`` uses the batch version of every function it recognizes (the two,
also as a ``functools.partial``) and calls any other function once per image. CS231n's definitions
are kept, quirks included, so that features match theirs:
- the grey image weighs blue by 0.144 (the usual weight is 0.114);
- HOG cells are 8 x 8 pixels, the image cut to whole cells; a gradient's orientation is
  ``arctan2(gy, gx + 1e-15)`` in degrees plus 90, binned in 9 bins of 20 degrees over [0, 180):
  orientations outside (0, 180), which arctan2 also gives, count in no bin;
- the hue histogram with ``normalized=False`` holds each bin's count times the bin's width.
"""
import functools

import numpy as np
from tqdm import tqdm

from softmax_safeguards.validation import InvalidTypeError, InvalidValueError, check_positive, describe

ORIENTATIONS = 9         # HOG's orientation bins, over [0, 180) degrees
CELL = 8                 # HOG's cells: CELL x CELL pixels
GRAY_WEIGHTS = np.array([0.299, 0.587, 0.144])     # CS231n's (sic: 0.144, not 0.114)


def rgb2gray(rgb):
    """Grey levels of RGB images: the weighted sum of the first three channels, CS231n's weights.

    Inputs:
    - rgb: array (..., C), C >= 3: one image (H, W, C) or a batch (N, H, W, C).

    Returns an array (...) of float64: 0.299 R + 0.587 G + 0.144 B.
    """
    return np.dot(rgb[..., :3], GRAY_WEIGHTS)


def _images(imgs, name, ndim, channels=None):
    """``imgs`` checked to be a real array of ``ndim`` dimensions (N >= 1 first when ndim is 4), with
    ``channels`` channels last ("3+" for at least three)."""
    imgs = np.asarray(imgs)
    if imgs.dtype == bool or not (np.issubdtype(imgs.dtype, np.integer) or np.issubdtype(imgs.dtype, np.floating)):
        raise InvalidTypeError(f"{name} must be an array of pixel values (integers or floats), got {describe(imgs)}")
    shape = {4: "(N, H, W, C), N >= 1", 3: "(H, W, C)", 2: "(H, W)"}[ndim]
    c = imgs.shape[-1] if imgs.ndim else 0
    if (imgs.ndim != ndim or (ndim == 4 and imgs.shape[0] == 0)
            or (channels == 3 and c != 3) or (channels == "3+" and c < 3)):
        want = {None: "", 3: " with C = 3 (RGB)", "3+": " with C >= 3 (RGB first)"}[channels]
        raise InvalidValueError(f"{name} must be images {shape}{want}, got {describe(imgs)}")
    return imgs


def hog_features(imgs):
    """HOG features of N images at once: ``hog_feature`` of each, stacked.

    Inputs:
    - imgs: array (N, H, W, C) of RGB images (C >= 3, the first three used), or (N, H, W) of grey
      images, H and W >= 8.

    Returns an array (N, (W // 8) * (H // 8) * 9) of float64: for each cell of 8 x 8 pixels (cells
    ordered by column, then row) and each of 9 orientation bins, the sum of the gradient magnitudes of
    the cell's pixels whose orientation falls in the bin, divided by 64.
    """
    imgs = np.asarray(imgs)
    gray = rgb2gray(_images(imgs, "imgs", 4, "3+")) if imgs.ndim == 4 else _images(imgs, "imgs", 3).astype(float)
    n, h, w = gray.shape
    if h < CELL or w < CELL:
        raise InvalidValueError(f"imgs must be at least {CELL} x {CELL} pixels (one HOG cell), got {h} x {w}")
    gx, gy = np.zeros(gray.shape), np.zeros(gray.shape)
    gx[:, :, :-1] = np.diff(gray, axis=2)             # the last column and the last row get no gradient
    gy[:, :-1, :] = np.diff(gray, axis=1)
    magnitude = np.sqrt(gx ** 2 + gy ** 2)
    degrees = np.arctan2(gy, gx + 1e-15) * (180 / np.pi) + 90
    edges = 180 / ORIENTATIONS * np.arange(ORIENTATIONS + 1)
    bins = np.searchsorted(edges, degrees, side="right") - 1          # edges[k] <= degrees < edges[k + 1]
    counted = (degrees > 0) & (bins < ORIENTATIONS)
    rows, cols = h // CELL, w // CELL
    r, c = np.arange(h) // CELL, np.arange(w) // CELL
    cell = c[None, :] * rows + r[:, None]                              # (H, W): column-major cell index
    counted &= (r[:, None] < rows) & (c[None, :] < cols)               # pixels past the last whole cell
    index = (np.arange(n)[:, None, None] * (rows * cols) + cell) * ORIENTATIONS + bins
    sums = np.bincount(index[counted], weights=magnitude[counted], minlength=n * rows * cols * ORIENTATIONS)
    return sums.reshape(n, -1) / CELL ** 2


def hog_feature(im):
    """Histogram of oriented gradients (HOG) of one image (Dalal and Triggs, CVPR 2005; CS231n's).

    Inputs:
    - im: an RGB image (H, W, C), C >= 3, or a grey image (H, W); H and W >= 8.

    Returns an array ((W // 8) * (H // 8) * 9,) of float64: see ``hog_features``.
    """
    im = np.asarray(im)
    return hog_features(_images(im, "im", 3, "3+")[None] if im.ndim == 3 else _images(im, "im", 2)[None])[0]


def _histogram_options(nbin, xmin, xmax):
    nbin = check_positive(nbin, "nbin", integer=True)
    for name, value in (("xmin", xmin), ("xmax", xmax)):
        if isinstance(value, bool) or not np.isscalar(value) or not np.isfinite(value):
            raise InvalidValueError(f"{name} must be a finite number, got {value!r}")
    if not 0 <= xmin < xmax:
        raise InvalidValueError(f"xmin and xmax must satisfy 0 <= xmin < xmax, got xmin={xmin!r}, xmax={xmax!r}")
    return nbin


def hue(imgs, xmax=255):
    """The hue of each pixel, in [0, 1) (matplotlib's rgb_to_hsv, computed in float64).

    Inputs:
    - imgs: array (..., 3) of RGB values in [0, xmax].
    - xmax: the largest pixel value (default 255).

    Returns an array (...) of float64; grey pixels (R = G = B) have hue 0.
    """
    rgb = np.asarray(imgs, dtype=np.float64) / xmax
    if rgb.size and (rgb.min() < 0 or rgb.max() > 1):
        raise InvalidValueError(f"pixel values must be in [0, xmax] = [0, {xmax}], got values from "
                                f"{rgb.min() * xmax:g} to {rgb.max() * xmax:g}")
    r, g, b = np.ascontiguousarray(np.moveaxis(rgb, -1, 0))          # planes: 3 to 4 times faster than strides
    top = np.maximum(np.maximum(r, g), b)
    delta = top - np.minimum(np.minimum(r, g), b)
    spread = np.where(delta > 0, delta, 1.0)        # grey pixels: any divisor, their hue is set to 0
    h = np.where(b == top, 4.0 + (r - g) / spread, np.where(g == top, 2.0 + (b - r) / spread, (g - b) / spread))
    return (np.where(delta > 0, h, 0.0) / 6.0) % 1.0


def color_histograms_hsv(imgs, nbin=10, xmin=0, xmax=255, normalized=True):
    """Hue histograms of N images at once: ``color_histogram_hsv`` of each, stacked (one bincount).

    Inputs:
    - imgs: array (N, H, W, 3) of RGB images, values in [0, xmax].
    - nbin, xmin, xmax, normalized: as ``color_histogram_hsv``.

    Returns an array (N, nbin) of float64.
    """
    imgs = _images(imgs, "imgs", 4, 3)
    nbin = _histogram_options(nbin, xmin, xmax)
    values = hue(imgs, xmax).reshape(len(imgs), -1) * xmax
    edges = np.linspace(xmin, xmax, nbin + 1)
    bins = np.searchsorted(edges, values, side="right") - 1          # edges[k] <= value < edges[k + 1]
    inside = (bins >= 0) & (bins < nbin)
    index = (np.arange(len(imgs))[:, None] * nbin + bins)[inside]
    counts = np.bincount(index, minlength=len(imgs) * nbin).reshape(len(imgs), nbin).astype(np.float64)
    if not normalized:
        return counts * np.diff(edges)
    with np.errstate(invalid="ignore", divide="ignore"):              # no hue in [xmin, xmax]: NaN, as numpy's
        return counts / counts.sum(axis=1, keepdims=True)


def color_histogram_hsv(im, nbin=10, xmin=0, xmax=255, normalized=True):
    """Histogram of the hue of an RGB image (CS231n's colour feature).

    Inputs:
    - im: array (H, W, 3) of an RGB image, values in [0, xmax].
    - nbin: the number of bins, of equal width over [xmin, xmax] (default 10).
    - xmin, xmax: the range of the histogram, 0 <= xmin < xmax (default 0 and 255); hues are scaled
      to [0, xmax).
    - normalized: True (default) for the fraction of the pixels in each bin (the bins sum to 1);
      False for each bin's count times the bin's width (CS231n's definition).

    Returns an array (nbin,) of float64.
    """
    return color_histograms_hsv(_images(im, "im", 3, 3)[None], nbin, xmin, xmax, normalized)[0]


#: the per-image functions whose batch version extract_features calls instead
BATCHED = {hog_feature: hog_features, color_histogram_hsv: color_histograms_hsv}


def batched(fn):
    """The batch version of a feature function (also of a functools.partial of one), or None."""
    if isinstance(fn, functools.partial) and fn.func in BATCHED:
        return functools.partial(BATCHED[fn.func], *fn.args, **fn.keywords)
    return BATCHED.get(fn)


def _chunk_features(chunk, feature_fns):
    """[(n, F_i) array] of each feature function on the images ``chunk``."""
    out = []
    for fn in feature_fns:
        batch = batched(fn)
        feats = batch(chunk) if batch is not None else np.array([np.asarray(fn(im)) for im in chunk])
        if feats.ndim != 2:
            raise InvalidValueError(f"feature function {getattr(fn, '__name__', fn)!r} must return a "
                                    f"one-dimensional array per image, got shape {feats.shape[1:]}")
        out.append(feats)
    return out


def extract_features(imgs, feature_fns, verbose=False, chunk_size=1000):
    """Every feature function on every image, the features of each image concatenated in a row.

    Inputs:
    - imgs: array (N, H, W, C) of N >= 1 images.
    - feature_fns: a list of k functions, each taking one image (H, W, C) and returning an array
      (F_i,); ``hog_feature`` and ``color_histogram_hsv`` (or a functools.partial of either) run on a
      chunk of images at once, any other function once per image.
    - verbose: show a progress bar (tqdm).
    - chunk_size: images per chunk (default 1000): memory beyond the result is bounded by a chunk's.

    Returns an array (N, F_1 + ... + F_k) of float64.
    """
    imgs = _images(imgs, "imgs", 4)
    if callable(feature_fns) or not feature_fns or not all(callable(fn) for fn in feature_fns):
        raise InvalidValueError(f"feature_fns must be a non-empty list of functions, got {feature_fns!r}")
    chunk_size = check_positive(chunk_size, "chunk_size", integer=True)
    out, dims = None, None
    with tqdm(total=len(imgs), unit="image", desc="features", disable=not verbose) as bar:
        for start in range(0, len(imgs), chunk_size):
            feats = _chunk_features(imgs[start:start + chunk_size], feature_fns)
            if out is None:
                dims = [f.shape[1] for f in feats]
                out = np.empty((len(imgs), sum(dims)))
            elif [f.shape[1] for f in feats] != dims:
                raise InvalidValueError(f"the feature functions returned {[f.shape[1] for f in feats]} values "
                                        f"per image for images from {start}, {dims} before")
            out[start:start + chunk_size] = np.hstack(feats)
            bar.update(len(feats[0]))
    return out
