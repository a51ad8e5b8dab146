"""Cross-entropy and friends in numpy, with PyTorch's semantics and hand-derived gradients.

Each function has the name, arguments, defaults and normalisation rules of its
``torch.nn.functional`` namesake, so the two can be read side by side (softmax and log_softmax,
the student's, are written in classifiers/activations.py and imported here):

    softmax, log_softmax, nll_loss, cross_entropy,
    binary_cross_entropy, binary_cross_entropy_with_logits, kl_div

Positional arguments are the ones PyTorch takes positionally in the same slots:
``input, dim`` for softmax and log_softmax, ``input, target, weight`` for the losses
(``input, target`` for kl_div). Every other argument is keyword-only (``dtype``,
``ignore_index``, ``reduction``, ``label_smoothing``, ``pos_weight``, ``log_target``),
because PyTorch puts its deprecated ``size_average``/``reduce`` (or ``_stacklevel``)
in the slots that follow: a positional call would mean different things in the two.

Gradients, one convention for all:
Every function takes two more keyword-only arguments:

``return_grad`` (default False)
    When True the function returns ``(output, grad_input)`` instead of ``output``.
``grad_output`` (default: ones)
    The upstream gradient dL/d(output) for some downstream scalar L. It has the
    shape of the output: a scalar for reduction "mean"/"sum"/"batchmean", an
    array of the unreduced loss's shape for reduction "none", an array of the
    input's shape for softmax/log_softmax.

``grad_input`` is then dL/d(input) = sum over outputs of grad_output * d output / d input,
exactly what ``output.backward(grad_output)`` leaves in ``input.grad`` in PyTorch.

The central formula: with p = softmax(x) along the class axis, every loss of the
cross-entropy family has the form ``loss = -sum_c a_c * log p_c`` (a_c >= 0
coefficients that do not depend on x: a one-hot target, soft targets, class
weights, label smoothing), and one gradient of that form serves them all
(notebooks/cross_entropy.ipynb derives it for a one-hot target).
# Hint:     d loss / d x_c = p_c * sum_k a_k - a_c,
# Hint: which for a one-hot target is the familiar ``softmax - one_hot``.

Shapes:
Class-dimension inputs (nll_loss, cross_entropy) are (C,), (N, C) or
(N, C, d1, ..., dK); the class axis is 0 for (C,) and 1 otherwise. Class-index
targets have the input's shape without the class axis: (), (N,) or
(N, d1, ..., dK). Probability targets have the input's shape.
"""
import numbers

import numpy as np

from softmax_safeguards.validation import InvalidTypeError, InvalidValueError, check_choice

from .activations import _input, _same_shape, log_softmax, softmax  # softmax, log_softmax: re-exported

__all__ = ["softmax", "log_softmax", "nll_loss", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div"]

_REDUCTIONS = ("none", "mean", "sum")
_BCE_EPS = np.float32(1e-12)  # PyTorch clamps with the float constant 1e-12f, also for float64


# ----------------------------------------------------------------------------- checks

def _reduction(reduction, allowed=_REDUCTIONS):
    return check_choice(reduction, "reduction", allowed)


def _weight(weight, num_classes, dtype):
    if weight is None:
        return None
    w = np.asarray(weight)
    if not np.issubdtype(w.dtype, np.floating) and not np.issubdtype(w.dtype, np.integer):
        raise InvalidTypeError(f"weight must be a numeric array of length C = {num_classes}, got dtype {w.dtype}")
    if w.ndim != 1 or w.shape[0] != num_classes:
        raise InvalidValueError(f"weight must be a 1-D array with one entry per class (length C = {num_classes}), "
                                f"got shape {w.shape}")
    return w.astype(dtype, copy=False)


def _broadcastable(name, w, shape, dtype):
    if w is None:
        return None
    w = np.asarray(w)
    try:
        np.broadcast_shapes(w.shape, shape)
    except ValueError:
        raise InvalidValueError(f"{name} of shape {w.shape} cannot be broadcast to the input's shape {shape}") from None
    if not (np.issubdtype(w.dtype, np.floating) or np.issubdtype(w.dtype, np.integer)):
        raise InvalidTypeError(f"{name} must be numeric, got dtype {w.dtype}")
    return w.astype(dtype, copy=False)


def _class_axis(x):
    """The class axis of a (C,), (N, C) or (N, C, d1, ..., dK) input."""
    return 0 if x.ndim == 1 else 1


def _index_target(target, x, ignore_index):
    """Check a class-index target against input x; return it and the mask of ignored entries."""
    t = np.asarray(target)
    if t.dtype == bool or not np.issubdtype(t.dtype, np.integer):
        raise InvalidTypeError(f"target must hold integer class indices (or be a float array of class "
                               f"probabilities with the input's shape {x.shape}), got dtype {t.dtype} "
                               f"and shape {t.shape}")
    axis = _class_axis(x)
    expected = x.shape[:axis] + x.shape[axis + 1:]
    if t.shape != expected:
        if x.ndim >= 2 and t.ndim >= 1 and t.shape[0] != x.shape[0]:
            raise InvalidValueError(f"batch size mismatch: input has {x.shape[0]} rows (shape {x.shape}) "
                                    f"but target has {t.shape[0]} (shape {t.shape})")
        raise InvalidValueError(f"target must have shape {expected} for input of shape {x.shape} "
                                f"(the input's shape without the class axis), got {t.shape}")
    _integer_ignore_index(ignore_index)
    ignored = t == ignore_index
    c = x.shape[axis]
    bad = ~ignored & ((t < 0) | (t >= c))
    if bad.any():
        raise InvalidValueError(f"target holds class index {t[bad].flat[0]}, out of range for C = {c} classes "
                                f"(valid: 0 to {c - 1}, or ignore_index = {ignore_index})")
    return t, ignored


def _integer_ignore_index(ignore_index):
    if not isinstance(ignore_index, numbers.Integral) or isinstance(ignore_index, bool):
        raise InvalidTypeError(f"ignore_index must be an integer, got {ignore_index!r}")


def _no_ignore_index(ignore_index):
    """Probability targets have no class index to ignore: only PyTorch's negative 'unset' values pass."""
    _integer_ignore_index(ignore_index)
    if ignore_index >= 0:
        raise InvalidValueError(f"ignore_index is not supported with probability targets (a float target of the "
                                f"input's shape), got ignore_index={ignore_index}; leave it at its default -100 or "
                                f"pass integer class indices")


def _target_terms(logp, t, ignored, weight):
    """The NLL of class-index targets on log-probabilities ``logp`` (..., C), the class axis last.

    Returns the per-element losses -weight[t] * logp[t] (0 where ignored), the
    divisor of reduction "mean", sum of weight[t] over the non-ignored elements,
    and the gradient coefficients a (..., C): weight[t] at the target class, else 0.
    """
    safe = np.where(ignored, 0, t)
    wt = np.where(ignored, 0, 1 if weight is None else weight[safe]).astype(logp.dtype)
    picked = np.take_along_axis(logp, safe[..., None], -1)[..., 0]
    with np.errstate(invalid="ignore"):          # a NaN picked from an ignored element is masked out
        elem = np.where(ignored, 0, -wt * picked).astype(logp.dtype)
    coef = np.zeros(logp.shape, logp.dtype)
    np.put_along_axis(coef, safe[..., None], wt[..., None], -1)
    return elem, wt.sum(), coef


def _times_upstream(coef, g, ignored=None):
    """Coefficients (..., C) times the per-element upstream gradient g (...).

    Ignored elements stay 0 even when g is infinite (the 0 / 0 of an all-ignored mean).
    """
    with np.errstate(invalid="ignore"):
        a = coef * np.asarray(g)[..., None]
    return a if ignored is None else np.where(ignored[..., None], 0, a)


def _upstream(grad_output, reduction, loss_shape, dtype):
    """The upstream gradient as an array broadcastable to the unreduced loss."""
    if grad_output is None:
        return np.ones((), dtype)
    g = np.asarray(grad_output, dtype=dtype)
    want = loss_shape if reduction == "none" else ()
    if g.shape != want:
        raise InvalidValueError(f"grad_output must have the output's shape {want} for reduction={reduction!r}, "
                                f"got shape {g.shape}")
    return g


def _finish(elem, reduction, norm, dtype):
    """Reduce an unreduced loss; ``norm`` is the divisor of reduction 'mean'."""
    if reduction == "none":
        return elem.astype(dtype, copy=False)
    total = elem.sum(dtype=dtype)
    if reduction == "sum":
        return dtype.type(total)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 is NaN, as in PyTorch
        return dtype.type(total / norm)


def _elementwise(x, elem, weight, reduction, norm, return_grad, grad_output, local_grad):
    """Weight and reduce an elementwise loss and, if asked, apply the chain rule.

    ``local_grad()`` gives d elem / d x before the weight; it is called only
    when the gradient is wanted.
    """
    if weight is not None:
        elem = elem * weight
    elem = np.broadcast_to(elem, x.shape).astype(x.dtype, copy=False)
    out = _finish(elem, "mean" if reduction == "batchmean" else reduction, norm, x.dtype)
    if not return_grad:
        return out
    g = _scale(_upstream(grad_output, reduction, x.shape, x.dtype), reduction, norm)
    grad = local_grad() * g
    if weight is not None:
        grad = grad * weight
    return out, np.broadcast_to(grad, x.shape).astype(x.dtype)


def _scale(g, reduction, norm):
    """d reduced / d element, times the upstream gradient."""
    if reduction in ("mean", "batchmean"):
        with np.errstate(invalid="ignore", divide="ignore"):
            return g / norm
    return g


# ----------------------------------------------------------------------------- class losses

def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean",
             return_grad=False, grad_output=None):
    """Negative log-likelihood of class-index targets given log-probabilities.

    Per element: loss_i = -weight[t_i] * input[i, t_i], and 0 where t_i == ignore_index.
    Reduction "mean" divides the sum by sum_i weight[t_i] over the non-ignored
    elements (not by their count), so a mean over only ignored targets is NaN;
    "sum" adds; "none" returns the per-element losses with the target's shape.

    Inputs:
    - input: float array (C,), (N, C) or (N, C, d1, ..., dK) of log-probabilities.
    - target: int array (), (N,) or (N, d1, ..., dK) with values in [0, C) or ignore_index.
    - weight: optional float array (C,), a rescaling weight per class.

    Arguments after ``weight`` are keyword-only, as PyTorch's next slot is size_average.

    Gradient: d loss_i / d input[i, c] = -weight[t_i] if c == t_i else 0.
    """
    x = _input("input", input, 1)
    reduction = _reduction(reduction)
    t, ignored = _index_target(target, x, ignore_index)
    axis = _class_axis(x)
    w = _weight(weight, x.shape[axis], x.dtype)
    elem, norm, coef = _target_terms(np.moveaxis(x, axis, -1), t, ignored, w)
    out = _finish(elem, reduction, norm, x.dtype)
    if not return_grad:
        return out
    g = _scale(_upstream(grad_output, reduction, elem.shape, x.dtype), reduction, norm)
    return out, np.moveaxis(-_times_upstream(coef, g, ignored), -1, axis)


def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0, return_grad=False, grad_output=None):
    """Cross-entropy between logits and class-index or class-probability targets.

    Class-index targets (an integer array): cross_entropy = nll_loss(log_softmax(input)),
    with label smoothing eps mixing in a uniform target:

        loss_i = (1 - eps) * nll_i + (eps / C) * s_i,   s_i = -sum_c weight[c] * log p[i, c]

    s_i is 0 where t_i is ignored. Reduction "mean" divides both terms by the
    summed weights of the non-ignored targets (by their count when there is no
    weight).

    Probability targets (a float array of the input's shape): the target is
    first smoothed, q = (1 - eps) * target + eps / C, then

        loss_i = -sum_c weight[c] * q[i, c] * log p[i, c],

    and reduction "mean" divides by the number of elements over the class
    axis (input.size / C), ignoring the weights. ``ignore_index`` must then keep
    a negative value (the default -100): PyTorch refuses any other, and so do we.

    Arguments after ``weight`` are keyword-only, as PyTorch's next slot is size_average.

    Gradient (see the module docstring): a[i, c], the coefficient of -log p[i, c] in
    loss_i, gives d loss_i / d input[i, c].
    # Hint: d loss_i / d input[i, c] = p[i, c] * sum_k a[i, k] - a[i, c].
    """
    x = _input("input", input, 1)
    reduction = _reduction(reduction)
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real) \
            or not 0.0 <= label_smoothing <= 1.0:
        raise InvalidValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    axis = _class_axis(x)
    c = x.shape[axis]
    w = _weight(weight, c, x.dtype)
    eps = float(label_smoothing)
    logp = np.moveaxis(log_softmax(x, axis), axis, -1)        # (..., C)
    wc = np.ones(c, x.dtype) if w is None else w
    soft = np.issubdtype(np.asarray(target).dtype, np.floating)
    with np.errstate(invalid="ignore"):  # 0 * -inf is NaN, as in PyTorch
        if soft:
            _no_ignore_index(ignore_index)
            q = np.moveaxis(_same_shape("target", target, x.shape, x.dtype), axis, -1)
            if eps > 0:
                q = q * (1 - eps) + eps / c
            coef = q * wc                                      # a[i, c]
            elem = -(coef * logp).sum(-1)
            norm = elem.size
        else:
            t, ignored = _index_target(target, x, ignore_index)
            elem, norm, coef = _target_terms(logp, t, ignored, w)
            if eps > 0:
                smooth = np.where(ignored, 0, -(logp * wc).sum(-1))
                elem = (1 - eps) * elem + (eps / c) * smooth
                coef = (1 - eps) * coef + np.where(ignored[..., None], 0, (eps / c) * wc)
        elem = elem.astype(x.dtype, copy=False)
    out = _finish(elem, reduction, norm, x.dtype)
    if not return_grad:
        return out
    g = _scale(_upstream(grad_output, reduction, elem.shape, x.dtype), reduction, norm)
    a = _times_upstream(coef, g, None if soft else ignored)
    with np.errstate(invalid="ignore"):
        grad = np.exp(logp) * a.sum(-1, keepdims=True) - a
    return out, np.moveaxis(grad.astype(x.dtype, copy=False), -1, axis)


# ----------------------------------------------------------------------------- binary losses

def binary_cross_entropy(input, target, weight=None, *, reduction="mean",
                         return_grad=False, grad_output=None):
    """Binary cross-entropy between probabilities ``input`` in [0, 1] and ``target``.

    loss_i = -weight_i * (t_i * log(x_i) + (1 - t_i) * log(1 - x_i)), each log
    clamped to >= -100 as in PyTorch so that x = 0 or 1 gives a finite loss.
    "mean" divides by the number of elements. ``weight`` broadcasts to the input.

    Arguments after ``weight`` are keyword-only, as PyTorch's next slot is size_average.

    Gradient: d loss_i / d x_i = weight_i * (x_i - t_i) / max(x_i * (1 - x_i), eps), with
    eps = float32(1e-12) as in PyTorch.
    """
    x = _input("input", input, 0)
    reduction = _reduction(reduction)
    t = _same_shape("target", target, x.shape, x.dtype)
    if np.isnan(x).any() or (x < 0).any() or (x > 1).any():
        raise InvalidValueError("input of binary_cross_entropy must hold probabilities in [0, 1]; "
                                "for raw scores use binary_cross_entropy_with_logits")
    w = _broadcastable("weight", weight, x.shape, x.dtype)
    with np.errstate(divide="ignore"):
        log_x = np.maximum(np.log(x), -100)
        log_1mx = np.maximum(np.log1p(-x), -100)
    elem = -(t * log_x + (1 - t) * log_1mx)
    return _elementwise(x, elem, w, reduction, x.size, return_grad, grad_output,
                        lambda: (x - t) / np.maximum(x * (1 - x), _BCE_EPS.astype(x.dtype)))


def binary_cross_entropy_with_logits(input, target, weight=None, *, reduction="mean",
                                     pos_weight=None, return_grad=False, grad_output=None):
    """Binary cross-entropy on logits, fused with the sigmoid for stability.

    With l = 1 + (pos_weight - 1) * t (l = 1 without pos_weight),

        loss_i = weight_i * ((1 - t_i) * x_i - l_i * log sigmoid(x_i)),
        log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)),

    which never exponentiates a positive number. ``pos_weight`` broadcasts
    along the last axis (one entry per class in multi-label problems).

    Arguments after ``weight`` are keyword-only, as PyTorch's next slot is size_average.

    Gradient: d loss_i / d x_i = weight_i * ((1 - t_i) - l_i * sigmoid(-x_i)),
    which is sigmoid(x_i) - t_i without pos_weight.
    """
    x = _input("input", input, 0)
    reduction = _reduction(reduction)
    t = _same_shape("target", target, x.shape, x.dtype)
    w = _broadcastable("weight", weight, x.shape, x.dtype)
    pw = _broadcastable("pos_weight", pos_weight, x.shape, x.dtype)
    lw = 1 if pw is None else 1 + (pw - 1) * t
    soft = np.log1p(np.exp(-np.abs(x)))
    log_sig = np.minimum(x, 0) - soft
    elem = (1 - t) * x - lw * log_sig
    # sigmoid(-x) = exp(min(-x, 0) - log1p(exp(-|x|))), with no overflow
    return _elementwise(x, elem, w, reduction, x.size, return_grad, grad_output,
                        lambda: (1 - t) - lw * np.exp(np.minimum(-x, 0) - soft))


# ----------------------------------------------------------------------------- divergence

def kl_div(input, target, *, reduction="mean", log_target=False, return_grad=False, grad_output=None):
    """Kullback-Leibler divergence KL(target || exp(input)), ``input`` being log-probabilities.

    Per element: t * (log t - x), taken as 0 where t == 0; with ``log_target``
    the target is given as log t and the element is exp(log t) * (log t - x).
    Reductions: "mean" divides by the number of elements (PyTorch's default, which
    is not the KL divergence of a batch), "batchmean" divides by input.shape[0]
    and is the true mean KL per example, "sum" and "none".

    Arguments after ``target`` are keyword-only, as PyTorch's next slot is size_average.

    Gradient: d element / d x = -t (or -exp(log t) with ``log_target``).
    """
    x = _input("input", input, 0)
    reduction = _reduction(reduction, _REDUCTIONS + ("batchmean",))
    t = _same_shape("target", target, x.shape, x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        if log_target:
            p = np.exp(t)
            elem = p * (t - x)
        else:
            p = t
            elem = np.where(t == 0, 0, t * np.log(t)) - t * x
    norm = (x.shape[0] if x.ndim else 1) if reduction == "batchmean" else x.size
    return _elementwise(x, elem, None, reduction, norm, return_grad, grad_output, lambda: -p)
