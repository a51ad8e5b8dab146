"""Numerical gradients by centered differences, for checking analytic gradients.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)

has error O(h**2) from truncation plus about eps * |f| / h from rounding, so
h = 1e-5 in float64 gives roughly 1e-10 absolute accuracy on well-scaled
problems. Every probe changes one entry of x in place and puts the original
value back afterwards, also when f raises: x is left exactly as it was.

As in CS231n, ``eval_numerical_gradient`` prints every entry's gradient and
``grad_check_sparse`` prints one line per probed entry unless given
``verbose=False``; both also return their numbers.
"""
import numpy as np

from softmax_safeguards.validation import InvalidTypeError, InvalidValueError, check_positive


def rel_error(x, y):
    """Largest relative error max |x - y| / max(1e-8, |x| + |y|), elementwise.

    Defined when both are zero (the error is then 0): the floor of 1e-8 in the
    denominator stops a division by zero, and makes differences between tiny
    numbers count as absolute errors.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise InvalidValueError(f"rel_error needs two arrays of the same shape, got {x.shape} and {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _probe(f, x, ix, h):
    """f(x) with x[ix] + h and with x[ix] - h; x[ix] restored exactly."""
    old = x[ix]
    try:
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
    finally:
        x[ix] = old
    return fxph, fxmh


def _centered_differences(f, x, h):
    """Yield (index, f(x + h e_i), f(x - h e_i)) for every entry i of x."""
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        yield (ix,) + _probe(f, x, ix, h)
        it.iternext()


def _check_x(x):
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise InvalidTypeError(f"x must be a floating-point numpy array that f reads, got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    """Numerical gradient of a scalar function f at x, every entry of x probed.

    Inputs:
    - f: a function of one argument (the array x, modified in place) returning a scalar.
    - x: a floating-point array, the point at which to evaluate the gradient.
    - verbose: print each entry's index and gradient (CS231n's default: True).
    - h: the step of the centered difference.

    Returns an array of x's shape (float64).
    """
    _check_x(x)
    grad = np.zeros(x.shape)
    for ix, fxph, fxmh in _centered_differences(f, x, h):
        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Numerical gradient of sum(f(x) * df) for an array-valued f: the backward pass of f.

    Inputs:
    - f: a function of x returning an array.
    - x: a floating-point array.
    - df: the upstream gradient, an array of f(x)'s shape.
    - h: the step of the centered difference.

    Returns an array of x's shape (float64).
    """
    _check_x(x)
    grad = np.zeros(x.shape)
    copy_of_f = lambda z: np.array(f(z), dtype=np.float64, copy=True)  # noqa: E731 - f may return a view of z
    for ix, pos, neg in _centered_differences(copy_of_f, x, h):
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
    return grad


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=None, verbose=True):
    """Compare an analytic gradient with numerical ones at ``num_checks`` random entries.

    Inputs:
    - f: a function of x returning a scalar.
    - x: a floating-point array.
    - analytic_grad: the gradient to check, an array of x's shape.
    - num_checks: how many entries to probe (drawn with replacement, as in CS231n).
    - h: the step of the centered difference.
    - seed: seed of a numpy Generator choosing the entries; None draws them from
      numpy's global state (so np.random.seed makes a check repeatable).
    - verbose: print CS231n's line per entry (the default),
      "numerical: %f analytic: %f, relative error: %e".

    Returns an array (num_checks,) of relative errors |n - a| / max(1e-8, |n| + |a|).
    """
    _check_x(x)
    analytic_grad = np.asarray(analytic_grad)
    if analytic_grad.shape != x.shape:
        raise InvalidValueError(f"analytic_grad must have x's shape {x.shape}, got {analytic_grad.shape}")
    num_checks = check_positive(num_checks, "num_checks", integer=True)
    draw = np.random.randint if seed is None else np.random.default_rng(seed).integers   # an int in [0, m)
    errors = np.empty(num_checks)
    for k in range(num_checks):
        ix = tuple(int(draw(m)) for m in x.shape)
        fxph, fxmh = _probe(f, x, ix, h)
        grad_numerical = (fxph - fxmh) / (2 * h)
        grad_analytic = analytic_grad[ix]
        errors[k] = rel_error(grad_numerical, grad_analytic)
        if verbose:
            print("numerical: %f analytic: %f, relative error: %e" % (grad_numerical, grad_analytic, errors[k]))
    return errors
