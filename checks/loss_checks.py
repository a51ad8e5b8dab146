"""Checks of the loss functions (W, X, y, reg) -> (loss, dW): softmax and SVM, naive and vectorized."""
import time

import numpy as np

from .framework import check, exercise
from .problems import REG, expected, function, numerical_gradient, problem, rel_error

GRAD_TOL = 1e-6
HINTS = {
    "softmax": "d loss_i / d s_j = p_j - [j == y_i] (p = softmax of the scores), and column j of dW "
               "gathers that times X[i]",
    "svm": "each positive margin adds X[i] to column j of dW and subtracts it from column y[i]",
}


def call(fn, W, X, y, reg):
    """The student's (loss, dW) on copies of the inputs, checked for shape and finiteness; loss as a float."""
    out = fn(W.copy(), X.copy(), y.copy(), reg)
    check(isinstance(out, tuple) and len(out) == 2,
          f"return a tuple (loss, dW), got {type(out).__name__}")
    loss, dW = out
    check(np.ndim(loss) == 0, f"the loss must be one number, got an array of shape {np.shape(loss)}")
    dW = np.asarray(dW)
    check(dW.shape == W.shape, f"dW must have the shape of W {W.shape}, got {dW.shape}")
    check(np.isfinite(loss) and np.isfinite(dW).all(),
          f"the loss ({float(loss)}) or dW holds NaN or inf on a small problem with small scores")
    return float(loss), dW


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(b))


def loss_at_zero(loss, kind, n, c):
    """At W = 0: softmax gives every class 1/C, so log C; every SVM margin is 1, so C - 1."""
    want, why = ((np.log(c), f"every class has probability 1/C, so the loss is log C = {np.log(c):.6f}")
                 if kind == "softmax" else (c - 1.0, f"every margin is 0 - 0 + 1, so the loss is C - 1 = {c - 1}"))
    if close(loss, want * n):
        check(False, f"with W = 0 your loss is {loss:.6f}, N = {n} times too large: the loss is the mean "
                     f"over the examples, divide the sum by N")
    if kind == "softmax" and close(loss, np.log10(c)):
        check(False, f"with W = 0 your loss is {loss:.6f} = log10(C): use np.log, the natural logarithm; "
                     f"the loss is log C = {np.log(c):.6f}")
    if kind == "svm" and close(loss, c):
        check(False, f"with W = 0 your loss is {loss:.6f} = C: skip the correct class (j == y[i]) in the sum")
    check(close(loss, want), f"with W = 0 {why}; yours is {loss:.6f}")


def data_loss(loss, want, n, kind):
    if close(loss, want * n):
        check(False, f"your loss is {loss:.6f}, N = {n} times the expected {want:.6f}: divide by N")
    if close(loss, -want):
        check(False, f"your loss is {loss:.6f}, the expected {want:.6f} with the wrong sign: the loss is "
                     f"-log of the correct class's probability")
    check(close(loss, want), f"on the public problem (reg = 0) your loss is {loss:.6f}, expected {want:.6f}: "
                             f"recompute it by hand for one example; {HINTS[kind]}")


def reg_loss(extra, W):
    want = REG * np.sum(W * W)
    r = round(extra / want, 3) + 0.0
    hint = {0.5: " (no 1/2 in this assignment's convention)", 0.0: " (it is missing)",
            2.0: " (the factor 2 belongs in the gradient, not in the loss)"}
    said = hint.get(r, "")
    check(abs(extra / want - 1) < 1e-6, f"the regularization adds {r:.3g} * reg * sum(W**2) to your loss{said}; "
                             f"it must add exactly reg * sum(W**2)")


def data_gradient(dW, num, n, kind):
    err = rel_error(dW, num)
    if err <= GRAD_TOL:
        return
    check(np.abs(dW).max() > 0, "your gradient is all zeros; the numerical gradient is not: fill dW")
    for r, why in ((n, f"N = {n} times the numerical one: divide dW by N"),
                   (1.0 / n, f"1/N = 1/{n} of the numerical one: divide by N once, not twice"),
                   (-1.0, "the numerical one with the wrong sign")):
        if rel_error(dW, r * num) < GRAD_TOL:
            check(False, f"with reg = 0 your gradient is {why}")
    check(False, f"with reg = 0 your gradient differs from the numerical gradient (relative error {err:.1e}, "
                 f"should be below {GRAD_TOL:g}): {HINTS[kind]}")


def reg_gradient(dW_reg, W):
    """The regularization part of the gradient must be 2 * reg * W."""
    want = 2 * REG * W
    if rel_error(dW_reg, want) <= GRAD_TOL:
        return
    r = round(float(np.sum(dW_reg * want) / np.sum(want * want)), 3) + 0.0   # + 0.0: no '-0'
    check(False, f"your gradient is {r:.3g}x the numerical one on the regularization term: "
                 f"d/dW of reg * sum(W**2) is 2 * reg * W")


def large_scores(W, X, bias=1000.0):
    """A problem whose scores are all about ``bias``: X gets a column of ones, W a row of ``bias``.

    exp(1000) overflows, but the gaps between a row's scores stay small, so after
    the max shift every probability is far from underflow and -log(p[y]) is finite.
    """
    ones = np.ones((X.shape[0], 1))
    return np.hstack([X, ones]), np.vstack([W, np.full((1, W.shape[1]), bias)])


def loss_properties(module, name, kind):
    """The properties every loss function has; yields each one's name once it holds."""
    fn = function(module, name)
    W, X, y = problem()
    n, c = X.shape[0], W.shape[1]
    loss, _ = call(fn, np.zeros_like(W), X, y, 0.0)
    loss_at_zero(loss, kind, n, c)
    yield "loss at W = 0 is " + ("log C" if kind == "softmax" else "C - 1")
    loss0, dW0 = call(fn, W, X, y, 0.0)
    data_loss(loss0, expected(kind)["loss_reg0"], n, kind)
    yield "loss equals the expected value on the public problem"
    loss1, dW1 = call(fn, W, X, y, REG)
    reg_loss(loss1 - loss0, W)
    yield "the loss adds reg * sum(W**2)"
    data_gradient(dW0, numerical_gradient(lambda w: fn(w, X.copy(), y.copy(), 0.0)[0], W.copy()), n, kind)
    yield "gradient equals the numerical gradient"
    reg_gradient(dW1 - dW0, W)
    yield "gradient of the regularization is 2 * reg * W"
    copies = [a.copy() for a in (W, X, y)]
    fn(W, X, y, REG)
    changed = [k for k, a, b in zip("WXy", (W, X, y), copies) if not np.array_equal(a, b)]
    check(not changed, f"your function changed its input {', '.join(changed)}: work on a copy "
                       f"(x = x - m, not x -= m, on an array you were given)")
    yield "inputs left unmodified"
    Xb, Wb = large_scores(W, X)
    with np.errstate(all="ignore"):
        loss, dW = fn(Wb, Xb, y, 0.0)
    check(np.isfinite(loss) and np.isfinite(dW).all(),
          f"with scores as large as {np.abs(Xb @ Wb).max():.0f} your loss is {loss}: exp overflows; subtract "
          f"each row's largest score before exp (it cancels out of the probabilities)")
    yield "finite loss for large scores"


def agrees_with(module, name, other):
    """The vectorized and naive versions agree on a random problem (skipped if naive is not written)."""
    W, X, y = problem(n=20, d=7, c=5, seed=7)
    try:
        ref = function(module, other)(W, X, y, REG)
    except NotImplementedError:
        return f"skipped: agreement with {other} ({other} is not written yet)"
    loss, dW = call(function(module, name), W, X, y, REG)
    check(close(loss, float(ref[0]), 1e-8) and rel_error(dW, ref[1]) < 1e-8,
          f"{name} and {other} disagree: loss {loss:.8f} vs {float(ref[0]):.8f}, "
          f"gradient relative difference {rel_error(dW, ref[1]):.1e}")
    return f"agrees with {other}"


def faster_than(module, name, other, at_least=5.0):
    """The vectorized version is at least ``at_least`` times faster than the naive one."""
    W, X, y = problem(n=1000, d=50, c=10, seed=3, scale=0.001)

    def best_of(fn, times=3):
        seconds = []
        for _ in range(times):
            start = time.perf_counter()
            fn(W, X, y, REG)
            seconds.append(time.perf_counter() - start)
        return min(seconds)
    try:
        slow = best_of(function(module, other), 1)
    except NotImplementedError:
        return f"skipped: speed against {other} ({other} is not written yet)"
    fast = best_of(function(module, name))
    speedup = slow / max(fast, 1e-9)
    check(speedup >= at_least, f"{name} is only {speedup:.1f}x faster than {other} on N = 1000 examples "
                               f"(expected at least {at_least:g}x): vectorized code has no Python loop over "
                               f"examples or classes; compute every score at once with X @ W")
    return f"{speedup:.0f}x faster than {other}"


def _naive(module, name, kind):
    def run():
        yield from loss_properties(module, name, kind)
    return run


def _vectorized(module, name, other, kind):
    def run():
        yield from loss_properties(module, name, kind)
        yield agrees_with(module, name, other)
        yield faster_than(module, name, other)
    return run


exercise("softmax_loss_naive", "classifiers/softmax.py")(
    _naive("classifiers.softmax", "softmax_loss_naive", "softmax"))
exercise("softmax_loss_vectorized", "classifiers/softmax.py")(
    _vectorized("classifiers.softmax", "softmax_loss_vectorized", "softmax_loss_naive", "softmax"))
exercise("svm_loss_naive", "classifiers/linear_svm.py")(
    _naive("classifiers.linear_svm", "svm_loss_naive", "svm"))
exercise("svm_loss_vectorized", "classifiers/linear_svm.py")(
    _vectorized("classifiers.linear_svm", "svm_loss_vectorized", "svm_loss_naive", "svm"))
