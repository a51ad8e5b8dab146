"""Input validation: the one vocabulary of checks used by every public entry point.

Each ``check_*`` function returns the value it checked (converted where that is
harmless, e.g. a list to an array) or raises an error whose message names the
argument, says what was expected and what was received, so a student sees the
mistake at the call they wrote rather than a numpy traceback from deep inside.

The errors are the package's own (``ClassifierError`` and its subclasses), which
also subclass the built-in ``ValueError``, ``TypeError`` or ``FileNotFoundError``
that callers expect. The command line prints a ``ClassifierError`` as one line;
any other exception is a bug and keeps its traceback.
"""
import numbers

import numpy as np


class ClassifierError(Exception):
    """Base of the errors this package raises on purpose, about input or data the user gave."""


class InvalidValueError(ClassifierError, ValueError):
    """An argument has the right type but a wrong value, shape or content."""


class InvalidTypeError(ClassifierError, TypeError):
    """An argument has the wrong type."""


class MissingFileError(ClassifierError, FileNotFoundError):
    """A file the user named does not exist."""


class DataError(ClassifierError, ValueError):
    """CIFAR-10 files are missing, incomplete, corrupt or unsafe (raised by cifar10_data)."""


class DownloadError(ClassifierError, OSError):
    """The download failed; the message says what to do instead (raised by cifar10_data)."""


def describe(a):
    """Short description of an array for error messages: its shape and dtype."""
    return f"shape {a.shape} and dtype {a.dtype}"


def floating(a, name):
    """Return ``a`` as a floating ndarray (no copy if it already is one); TypeError naming ``name`` otherwise."""
    if not isinstance(a, np.ndarray):
        try:
            a = np.asarray(a)
        except Exception as exc:  # ragged lists and the like
            raise InvalidTypeError(f"{name} must be an array of numbers; could not convert it: {exc}") from None
    if not np.issubdtype(a.dtype, np.floating):
        raise InvalidTypeError(
            f"{name} must be a floating-point array (float32 or float64), got {describe(a)}; "
            f"convert it with {name}.astype(np.float32) or np.float64")
    return a


def check_array(a, name, ndim):
    """Return ``a`` as a floating ndarray of ``ndim`` dimensions (no copy if it already is one)."""
    a = floating(a, name)
    if a.ndim != ndim:
        raise InvalidValueError(f"{name} must be {ndim}-dimensional, got {describe(a)}")
    return a


def check_labels(y, name, n, num_classes):
    """Return ``y`` as an integer array of length ``n`` with values in [0, num_classes)."""
    if not isinstance(y, np.ndarray):
        y = np.asarray(y)
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise InvalidTypeError(f"{name} must hold integer class labels, got dtype {y.dtype}; "
                               f"convert with {name}.astype(int) if the values are whole numbers")
    if y.ndim != 1:
        raise InvalidValueError(f"{name} must be 1-dimensional (one label per row of X), got shape {y.shape}")
    if y.shape[0] != n:
        raise InvalidValueError(f"{name} must have one label per row of X: expected length {n}, "
                                f"got {y.shape[0]}")
    if n:
        lo, hi = y.min(), y.max()
        if lo < 0 or hi >= num_classes:
            raise InvalidValueError(f"{name} must hold labels in [0, {num_classes}) for {num_classes} "
                                    f"classes, got label {lo if lo < 0 else hi}")
    return y


def check_nonnegative(value, name, integer=False):
    """Return ``value`` checked to be a finite number >= 0: a float, or an int when ``integer``."""
    if integer:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise InvalidTypeError(f"{name} must be an integer >= 0, got {type(value).__name__} {value!r}")
        if value < 0:
            raise InvalidValueError(f"{name} must be an integer >= 0, got {value!r}")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(f"{name} must be a real number >= 0, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise InvalidValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def check_positive(value, name, integer=False):
    """Return ``value`` checked to be a finite number > 0 (an int when ``integer``)."""
    kind = numbers.Integral if integer else numbers.Real
    what = "a positive integer" if integer else "a positive number"
    if isinstance(value, bool) or not isinstance(value, kind):
        raise InvalidTypeError(f"{name} must be {what}, got {type(value).__name__} {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise InvalidValueError(f"{name} must be {what}, got {value!r}")
    return int(value) if integer else float(value)


def check_interval(value, name, low, high, closed="left"):
    """Return ``value`` as a float in the interval [low, high) ("left") or (low, high] ("right")."""
    value = check_nonnegative(value, name) if low >= 0 else float(value)
    inside = low <= value < high if closed == "left" else low < value <= high
    if not inside:
        shown = f"[{low:g}, {high:g})" if closed == "left" else f"({low:g}, {high:g}]"
        raise InvalidValueError(f"{name} must be in {shown}, got {value!r}")
    return value


def check_choice(value, name, choices):
    """Return ``value`` checked to be one of ``choices``."""
    if value not in choices:
        raise InvalidValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_finite(a, name):
    """Return ``a``, checking it holds no NaN or infinity."""
    if not np.isfinite(a).all():
        bad = np.argwhere(~np.isfinite(a))[0]
        raise InvalidValueError(f"{name} contains NaN or infinity (first at index "
                                f"{tuple(int(i) for i in bad)}); clean the data or lower the learning rate")
    return a


def check_linear_problem(W, X, y, reg, finite=True):
    """Check the ``(W, X, y, reg)`` arguments of a linear classifier's loss.

    Shapes: W (D, C), X (N, D) with N >= 1, y (N,) with labels in [0, C), reg >= 0.
    With ``finite`` (the default) W and X must hold no NaN or infinity; that
    costs one read of X, which the blocked fast loss skips.
    Returns the arrays, possibly converted from array-likes, and reg as a float.
    """
    W = check_array(W, "W", 2)
    X = check_array(X, "X", 2)
    if X.shape[0] == 0:
        raise InvalidValueError("X is an empty batch (0 rows); pass at least one example")
    if X.shape[1] != W.shape[0]:
        raise InvalidValueError(f"X and W disagree on the feature dimension D: X has shape {X.shape} "
                                f"(D = {X.shape[1]}) but W has shape {W.shape} (D = {W.shape[0]})")
    if W.shape[1] == 0:
        raise InvalidValueError(f"W must have at least one class column, got shape {W.shape}")
    y = check_labels(y, "y", X.shape[0], W.shape[1])
    reg = check_nonnegative(reg, "reg")
    if finite:
        check_finite(W, "W")
        check_finite(X, "X")
    return W, X, y, reg


def check_batch(X, name, dim):
    """Return ``X`` checked to be a floating array (N, d_1, ..., d_k), N >= 1, of ``dim`` values per example.

    The examples may be rows (N, dim) or images (N, 3, 32, 32): a network flattens
    each to ``d_1 * ... * d_k`` values, which must equal ``dim``. No copy is made.
    """
    X = floating(X, name)
    if X.ndim < 2 or X.shape[0] == 0 or int(np.prod(X.shape[1:])) != dim:
        raise InvalidValueError(f"{name} must hold N >= 1 examples of {dim} values each, (N, {dim}) or any "
                                f"(N, d_1, ..., d_k) with d_1 * ... * d_k = {dim}, got {describe(X)}")
    return X


def check_float_dtype(dtype, name):
    """Return ``dtype`` as np.dtype float32 or float64 (given as a type, a dtype or its name)."""
    try:
        value = np.dtype(dtype)
    except TypeError:
        value = None
    if value is None or value.name not in ("float32", "float64"):
        raise InvalidValueError(f"{name} must be np.float32 or np.float64, got {dtype!r}")
    return value
