"""Input checks shared by the public entry points.

Each check raises ``TypeError`` or ``ValueError`` with a message that names the
argument, says what was expected and what was received, so a student sees the
mistake at the call they wrote rather than a numpy traceback from deep inside.
"""
import numbers

import numpy as np


def _describe(a):
    """Short description of an array for error messages."""
    return f"shape {a.shape} and dtype {a.dtype}"


def float_array(name, a, ndim):
    """Return ``a`` as a floating ndarray of ``ndim`` dimensions (no copy if possible)."""
    if not isinstance(a, np.ndarray):
        try:
            a = np.asarray(a)
        except Exception as exc:  # ragged lists and the like
            raise TypeError(f"{name} must be an array of numbers; could not convert it: {exc}") from None
    if not np.issubdtype(a.dtype, np.floating):
        raise TypeError(
            f"{name} must be a floating-point array (float32 or float64), got {_describe(a)}; "
            f"convert it with {name}.astype(np.float32) or np.float64")
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got {_describe(a)}")
    return a


def labels(name, y, n, num_classes):
    """Return ``y`` as an integer array of length ``n`` with values in [0, num_classes)."""
    if not isinstance(y, np.ndarray):
        y = np.asarray(y)
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class labels, got dtype {y.dtype}; "
                        f"convert with {name}.astype(int) if the values are whole numbers")
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional (one label per row of X), got shape {y.shape}")
    if y.shape[0] != n:
        raise ValueError(f"{name} must have one label per row of X: expected length {n}, got {y.shape[0]}")
    if n:
        lo, hi = y.min(), y.max()
        if lo < 0 or hi >= num_classes:
            bad = lo if lo < 0 else hi
            raise ValueError(f"{name} must hold labels in [0, {num_classes}) for {num_classes} classes, "
                             f"got label {bad}")
    return y


def nonnegative(name, value):
    """Return ``value`` as a float, checking it is a finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def positive(name, value, integer=False):
    """Return ``value`` checked to be a finite number > 0 (an int when ``integer``)."""
    kind = numbers.Integral if integer else numbers.Real
    what = "a positive integer" if integer else "a positive number"
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value) if integer else float(value)


def finite(name, a):
    """Raise ValueError if ``a`` contains NaN or infinity."""
    if not np.isfinite(a).all():
        bad = np.argwhere(~np.isfinite(a))[0]
        raise ValueError(f"{name} contains NaN or infinity (first at index {tuple(int(i) for i in bad)}); "
                         f"clean the data or lower the learning rate")


def linear_problem(W, X, y, reg, check_finite=False):
    """Check the ``(W, X, y, reg)`` arguments of a linear classifier loss.

    Shapes: W (D, C), X (N, D), y (N,) with labels in [0, C), reg >= 0, N >= 1.
    Finiteness of W and X is checked only with ``check_finite``, because it costs
    a full read of X; the vectorized losses check the scores instead (see
    ``scores_finite``).
    Returns the arrays, possibly converted from array-likes, and reg as a float.
    """
    W = float_array("W", W, 2)
    X = float_array("X", X, 2)
    if X.shape[0] == 0:
        raise ValueError("X is an empty batch (0 rows); pass at least one example")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X and W disagree on the feature dimension D: X has shape {X.shape} "
                         f"(D = {X.shape[1]}) but W has shape {W.shape} (D = {W.shape[0]})")
    if W.shape[1] == 0:
        raise ValueError(f"W must have at least one class column, got shape {W.shape}")
    y = labels("y", y, X.shape[0], W.shape[1])
    reg = nonnegative("reg", reg)
    if check_finite:
        finite("W", W)
        finite("X", X)
    return W, X, y, reg


def scores_finite(scores, W, X):
    """Raise a clear ValueError when the scores X @ W are not all finite.

    Any NaN or infinity in X or W makes every score of the rows it touches
    non-finite, so checking the small (N, C) score matrix finds bad inputs
    without another pass over X.
    """
    if not np.isfinite(scores).all():
        explain_nonfinite(W, X)


def explain_nonfinite(W, X):
    """Raise the ValueError for a non-finite result: name W or X, or else say the scores overflowed."""
    finite("W", W)
    finite("X", X)
    raise ValueError("the scores X @ W overflowed to infinity although X and W are finite; "
                     "scale the inputs down or lower the learning rate")
