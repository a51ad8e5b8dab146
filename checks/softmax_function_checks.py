"""Checks of softmax and log_softmax in classifiers/losses.py (the cross-entropy notebook's exercises)."""
import numpy as np

from .framework import check, exercise
from .problems import expected, function, logits, numerical_gradient, rel_error

PATH = "classifiers/losses.py"


def forward(name, x, dim):
    out = np.asarray(function("classifiers.losses", name)(x, dim))
    check(out.shape == x.shape, f"{name} must return an array of the input's shape {x.shape}, got {out.shape}")
    return out


def gradient(name, x, dim):
    """The student's gradient for a random upstream g, and the numerical one of sum(g * f(x))."""
    fn = function("classifiers.losses", name)
    g = np.random.default_rng(11).standard_normal(x.shape)
    out = fn(x, dim, return_grad=True, grad_output=g)
    check(isinstance(out, tuple) and len(out) == 2,
          f"{name}(x, dim, return_grad=True) must return a tuple (output, grad_input)")
    num = numerical_gradient(lambda z: np.sum(g * fn(z, dim)), x.copy())
    return np.asarray(out[1]), num


def softmax_exercise():
    x = logits()
    p = forward("softmax", x, 1)
    check(np.allclose(p.sum(axis=1), 1), f"each row of softmax(x, 1) must sum to 1; yours sum to {p.sum(axis=1)}")
    check(np.allclose(forward("softmax", x, 0).sum(axis=0), 1),
          "softmax(x, 0) must sum to 1 down each column: normalise along the axis dim, not a fixed one")
    yield "probabilities sum to 1 along dim"
    check(rel_error(p, expected("softmax_probabilities")) < 1e-8,
          "softmax differs from the expected probabilities on the public logits: p_k = exp(x_k) / sum_j exp(x_j)")
    yield "equals the expected probabilities"
    with np.errstate(all="ignore"):
        big = forward("softmax", np.array([[1000.0, 0.0]]), 1)
    check(np.isfinite(big).all(), f"softmax([1000, 0]) gives {big}: exp(1000) overflows; subtract the largest "
                                  f"logit first (it cancels out)")
    yield "finite for large logits"
    grad, num = gradient("softmax", x, 1)
    check(rel_error(grad, num) < 1e-6, f"softmax's gradient differs from the numerical one (relative error "
                                       f"{rel_error(grad, num):.1e}): with y = softmax(x), dx = y * (g - sum(g * y))")
    yield "gradient equals the numerical gradient"


def log_softmax_exercise():
    x = logits()
    out = forward("log_softmax", x, 1)
    check(rel_error(out, expected("log_softmax")) < 1e-8, "log_softmax differs from the expected values on the "
                                                          "public logits: log p_k = x_k - log(sum_j exp(x_j))")
    yield "equals the expected log-probabilities"
    with np.errstate(all="ignore"):
        big = forward("log_softmax", np.array([[1000.0, 0.0]]), 1)
    check(np.allclose(big, [[0.0, -1000.0]]), f"log_softmax([1000, 0]) gives {big}, expected [0, -1000]: compute "
                                              f"x - m - log(sum(exp(x - m))) with m the max, not log(softmax(x))")
    yield "exact for large logits"
    grad, num = gradient("log_softmax", x, 1)
    check(rel_error(grad, num) < 1e-6, f"log_softmax's gradient differs from the numerical one (relative error "
                                       f"{rel_error(grad, num):.1e}): dx = g - exp(y) * sum(g)")
    yield "gradient equals the numerical gradient"


exercise("softmax", PATH)(softmax_exercise)
exercise("log_softmax", PATH)(log_softmax_exercise)
