"""Public inputs of the checks, their expected values, and the helpers the checks share.

The inputs are small seeded problems anyone can regenerate; ``expected.json``
holds the solution's results on them (the grader uses fresh inputs instead).
"""
import importlib
import json
from pathlib import Path

import numpy as np

SEED = 231
REG = 0.1


def expected(key):
    """The solution's values for the public inputs, from expected.json (written by the instructor)."""
    values = json.loads((Path(__file__).resolve().parent / "expected.json").read_text())
    return values[key]


def problem(n=8, d=5, c=4, seed=SEED, scale=0.1):
    """A public linear classification problem (W (d, c), X (n, d), y (n,)), float64."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d, c)) * scale
    X = rng.standard_normal((n, d))
    y = rng.integers(0, c, n)
    return W, X, y


def logits(seed=SEED):
    """Public logits (3, 4) for the softmax functions of classifiers/losses.py."""
    return np.random.default_rng(seed).standard_normal((3, 4)) * 2


def function(module, name):
    """The student's function ``name`` of ``module``, looked up at call time."""
    return getattr(importlib.import_module(module), name)


def numerical_gradient(f, x, h=1e-5):
    """Centered differences (f(x + h) - f(x - h)) / 2h of a scalar f at every entry of x."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = float(f(x))
        x[ix] = old - h
        minus = float(f(x))
        x[ix] = old
        grad[ix] = (plus - minus) / (2 * h)
    return grad


def rel_error(a, b):
    """max |a - b| / max(1e-8, |a| + |b|), the measure of gradient checks."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def ratio(a, b):
    """The number r that makes r * b closest to a (least squares), or nan when b is 0."""
    a, b = np.ravel(np.asarray(a, np.float64)), np.ravel(np.asarray(b, np.float64))
    bb = float(b @ b)
    return float(a @ b) / bb if bb else float("nan")


def describe_ratio(r):
    """'2x', '0.5x', '-1x': a ratio as a student reads it."""
    return f"{r:.3g}x"
