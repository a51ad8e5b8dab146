"""softmax and log_softmax along any axis, with their gradients: the functions of the exercises
softmax and log_softmax (assignment_checks/exercises/activations.py).

They have the arguments of their ``torch.nn.functional`` namesakes (``input, dim`` positional,
``dtype`` keyword-only) and the gradient convention of classifiers/losses.py, where the
cross-entropy family builds on them: ``return_grad=True`` returns ``(output, grad_input)``,
grad_input the gradient of sum(grad_output * output) with respect to the input.
"""
import numbers

import numpy as np

from softmax_safeguards.validation import InvalidTypeError, InvalidValueError

__all__ = ["softmax", "log_softmax"]


def softmax(input, dim, *, dtype=None, return_grad=False, grad_output=None):
    """Softmax along axis ``dim``: exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j.

    Subtracting the max changes nothing mathematically (it cancels) but keeps
    every exponent <= 0, so exp never overflows, whatever the logits' size.

    Inputs:
    - input: float array of any shape (an integer array too when ``dtype`` is given).
    - dim: the axis to normalise over.
    - dtype (keyword-only): if given, the input is cast to it before the operation,
      as in PyTorch (useful to compute in float64 from float32 logits); the
      gradient keeps the input's own dtype.

    Returns y of the input's shape (an empty array for an empty input, as PyTorch);
    with ``return_grad``, (y, dx), dx the gradient of sum(grad_output * y) with respect
    to the input.
    """
    x, in_dtype = _cast(input, dtype, return_grad)
    dim = _dim(dim, x)
    with np.errstate(invalid="ignore"):  # all -inf or +inf slices give NaN, as in PyTorch
        # TODO: y = the softmax of x along axis dim, finite for any finite x
        # (_max(x, dim) is the max along dim with the axis kept, so that it broadcasts).
        # BEGIN SOLUTION
        shifted = x - _max(x, dim)
        e = np.exp(shifted)
        y = e / e.sum(axis=dim, keepdims=True)
        # END SOLUTION
    if not return_grad:
        return y
    g = np.ones_like(y) if grad_output is None else _same_shape("grad_output", grad_output, y.shape, y.dtype)
    # TODO: return y and dx, the gradient of sum(g * y) with respect to x (g: the
    # upstream gradient), in in_dtype. Derive it first: it is a function of y and g only.
    # Hint: dx = y * (g - s), with s the sum of g * y along dim.
    # BEGIN SOLUTION
    # d y_i / d x_j = y_i ([i == j] - y_j), so dx_j = sum_i g_i y_i ([i == j] - y_j) = y_j (g_j - sum_i g_i y_i)
    return y, (y * (g - (g * y).sum(axis=dim, keepdims=True))).astype(in_dtype, copy=False)
    # END SOLUTION


def log_softmax(input, dim, *, dtype=None, return_grad=False, grad_output=None):
    """Log-softmax along axis ``dim``: x_i - m - log(sum_j exp(x_j - m)), m = max_j x_j.

    Computed directly (log-sum-exp), never as log(softmax(x)): a probability that
    underflows to 0 would give log(0) = -inf, while x_i - logsumexp(x) stays finite.

    Inputs and returns as ``softmax`` (``dtype`` is keyword-only, cast before the operation).
    """
    x, in_dtype = _cast(input, dtype, return_grad)
    dim = _dim(dim, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        # TODO: y = the log-softmax of x along axis dim, finite wherever the
        # probability is only too small for floating point: mind what log(0) gives.
        # BEGIN SOLUTION
        shifted = x - _max(x, dim)
        y = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        # END SOLUTION
    if not return_grad:
        return y
    g = np.ones_like(y) if grad_output is None else _same_shape("grad_output", grad_output, y.shape, y.dtype)
    with np.errstate(invalid="ignore"):
        # TODO: return y and dx, the gradient of sum(g * y) with respect to x, in in_dtype.
        # Hint: dx = g - exp(y) * s, with s the sum of g along dim.
        # BEGIN SOLUTION
        # d y_i / d x_j = [i == j] - softmax(x)_j, so dx_j = g_j - exp(y_j) * sum_i g_i
        return y, (g - np.exp(y) * g.sum(axis=dim, keepdims=True)).astype(in_dtype, copy=False)
        # END SOLUTION


def _cast(input, dtype, return_grad):
    """The input cast to ``dtype`` (when given) and the dtype its gradient must have."""
    if dtype is None:
        x = _input("input", input, 0)
        return x, x.dtype
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise InvalidTypeError(f"dtype must be a floating-point dtype such as np.float64, got {dtype!r}") from None
    if not np.issubdtype(dtype, np.floating):
        raise InvalidTypeError(f"dtype must be a floating-point dtype such as np.float64, got {dtype}")
    x = np.asarray(input)
    if return_grad and not np.issubdtype(x.dtype, np.floating):
        raise InvalidTypeError(f"the gradient needs a floating-point input, got dtype {x.dtype}")
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise InvalidTypeError(f"input must be a numeric array, got dtype {x.dtype}")
    return x.astype(dtype), x.dtype


def _max(x, dim):
    """The max along ``dim``, kept as an axis; an empty input has nothing to shift (numpy's max would raise)."""
    return x.max(axis=dim, keepdims=True) if x.size else np.zeros((), x.dtype)


def _dim(dim, x):
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise InvalidTypeError(f"dim must be an integer axis, got {dim!r}")
    nd = max(x.ndim, 1)
    if not -nd <= dim < nd:
        raise InvalidValueError(f"dim {dim} is out of range for an input of shape {x.shape}")
    return dim % nd if x.ndim else None


# ----------------------------------------------------------------------------- checks

def _input(name, x, min_ndim=0):
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise InvalidTypeError(f"{name} must be a floating-point array, got dtype {x.dtype}")
    if x.ndim < min_ndim:
        raise InvalidValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {x.shape}")
    return x


def _same_shape(name, t, input_shape, dtype):
    t = np.asarray(t)
    if t.shape != input_shape:
        raise InvalidValueError(f"{name} must have the same shape as input {input_shape}, got shape {t.shape}")
    if not np.issubdtype(t.dtype, np.floating):
        raise InvalidTypeError(f"{name} must be a floating-point array, got dtype {t.dtype}")
    return t.astype(dtype, copy=False)
