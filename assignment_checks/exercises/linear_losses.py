"""The loss functions (W, X, y, reg) -> (loss, dW): softmax and multiclass SVM, naive and vectorized.

The cases are chosen so that the known mistakes give different answers: N > 1 (a sum
against a mean), C > max(y) + 1 (the class count taken from the labels), a reg that is
neither 0.5 nor 1 (the conventions), D != C (a transposed gradient), scores past exp's
range (overflow). reg = 0 where a case tests something else, so a regularization mistake
costs only the regularization tests.
"""
import numpy as np

from ..framework import Case, Exercise, Failed, Property, require, close, differ, show
from ..speed import Speed
from ..values import describe


MISTAKES = {
    "log10": "log10 is used instead of the natural log",
    "wrongclass": "the wrong class is indexed: scores[:, y] takes every label for every example, "
                  "not one correct class per example",
    "maxy": "the class count comes from max(y) + 1 instead of W.shape[1]: the classes above the "
            "largest label in the batch are left out",
    "onehot": "the one-hot term is missing from the gradient: the correct class's score enters each "
              "example's loss a second way, on its own; differentiate with respect to it separately "
              "(column y[i] of dW)",
    "sign": "the gradient has the wrong sign",
    "countcorrect": "the correct class is counted as a margin (j == y[i] is not skipped): each example adds delta",
    "sum": "the data loss is summed over the examples instead of averaged: divide by N",
    "gradsum": "the gradient is not divided by N",
    "precedence": "operator precedence: `loss /= N + reg * ...` divides by (N + reg * ...), "
                  "not by N before the regularization is added",
    "gradprecedence": "operator precedence: dW is divided by N plus the regularization's gradient, "
                      "not by N before the regularization's gradient is added",
    "missing": "the regularization term reg * np.sum(W * W) is missing from the loss",
    "gradmissing": "the gradient lacks the regularization term's gradient",
    "half": "the 0.5 * reg * np.sum(W * W) convention is used; this assignment defines "
            "reg * np.sum(W * W), and its gradient follows from that",
    "gradhalf": "the regularization's gradient is half what it should be (the 0.5 * reg convention's); "
                "differentiate this assignment's regularization, reg * np.sum(W * W)",
    "factor": "the reg factor is dropped: np.sum(W * W) is added without multiplying by reg",
    "gradfactor": "the reg factor is dropped from the regularization's gradient",
    "overN": "the regularization is divided by N; only the data loss is an average",
    "sumsquared": "the regularization squares the sum of W's entries, np.sum(W) ** 2, instead of summing their "
                  "squares",
    "gradsumsquared": "the regularization's gradient is the same in every entry, the gradient of "
                      "reg * np.sum(W) ** 2: in reg * np.sum(W * W) each entry of W has a square of its own",
    "gradoverN": "the gradient's regularization is divided by N; only the data term is an average",
    "zeros": "the gradient is all zeros: dW is never written (or is overwritten)",
    "transposed": "the gradient is transposed: dW must have W's shape (D, C), not (C, D)",
}


# ---------------------------------------------------------------- cases

def _problem(rng, n, d, c, scale=0.5, top=None, dtype=np.float64):
    W = (rng.standard_normal((d, c)) * scale).astype(dtype)
    X = rng.standard_normal((n, d)).astype(dtype)
    y = rng.integers(0, c if top is None else top, n)
    return W, X, y


def _inputs(W, X, y, reg):
    return {"W": W, "X": X, "y": y, "reg": np.float64(reg)}


def _large(rng, n, d, c):
    """Every score of a row near 800..1200 (the bias trick's column of X times a row of W of ones),
    so exp overflows unless the row maximum is subtracted; and the same problem with that row of W
    at 0, every score of a row shifted back by its own constant, which changes neither the softmax
    nor the SVM's margins, so neither the loss nor dW (reg = 0)."""
    W, X, y = _problem(rng, n, d, c)
    X[:, -1] = rng.uniform(800, 1200, n)
    W[-1, :] = 1.0
    unshifted = W.copy()
    unshifted[-1, :] = 0.0
    return _inputs(W, X, y, 0.0), _inputs(unshifted, X, y, 0.0)


def loss_cases(rng, public, vectorized):
    """The cases of one loss function; the public ones are smaller (every mistake's answer is stored)."""
    reg = round(float(rng.uniform(0.21, 0.45)), 3)
    # D != C everywhere, so a transposed dW is told from a right one
    main, regp, large, modify, f32, n1 = (((12, 6, 5), (10, 7, 5), (8, 6, 5), (9, 7, 5), (10, 6, 5), (1, 5, 7))
                                          if public else ((40, 20, 10), (30, 15, 10), (20, 12, 10), (25, 12, 10),
                                                          (30, 20, 10), (1, 8, 7)))
    # tiny: printable, one decimal per entry, the top class absent from y
    W, X, y = rng.integers(-9, 10, (2, 4)) / 10, rng.integers(-9, 10, (3, 2)) / 10, rng.integers(0, 3, 3)
    shifted, unshifted = _large(rng, *large)
    W32, X32, y32 = _problem(rng, *f32, dtype=np.float32)
    regW, regX, regy = _problem(rng, *regp)
    Wn, Xn, _ = _problem(rng, *n1)
    cases = [Case("tiny", _inputs(W, X, y, 0.0)),
             Case("tiny_reg", _inputs(W, X, y, reg)),
             Case("main", _inputs(*_problem(rng, *main, top=main[2] - 1), 0.0)),
             Case("reg0", _inputs(regW, regX, regy, 0.0)),
             Case("reg", _inputs(regW, regX, regy, reg)),
             Case("large", shifted),
             Case("unshifted", unshifted),
             Case("modify", _inputs(*_problem(rng, *modify), reg), {"return_inputs": True}),
             # its one label is the top class, so a class count from max(y) + 1 is right here, not zeros
             Case("n1", _inputs(Wn, Xn, np.array([n1[2] - 1]), 0.0)),
             Case("c3", _inputs(*_problem(rng, 15, 6, 3), 0.0)),
             Case("f32", _inputs(W32, X32, y32, 0.0)),
             Case("f64", _inputs(W32.astype(np.float64), X32.astype(np.float64), y32, 0.0))]
    if vectorized:
        # many short rows, where a loop over the examples shows most
        cases.append(Case("speed_rows", _inputs(*_problem(rng, 10000, 8, 10), reg), {"timed": True}))
    return cases


def baseline(case):
    """Work of a loss's size that computes no loss: the two products with X and a pass over the scores."""
    p = case.inputs
    scores = np.tanh(p["X"] @ p["W"])
    return p["X"].T @ scores


# ---------------------------------------------------------------- the call

def call_with(function):
    """call(module, case): the student's (loss, dW) on copies of the inputs (and the inputs after the
    call, when the case asks)."""
    def call(module, case):
        p = case.inputs
        args = (p["W"].copy(), p["X"].copy(), p["y"].copy(), float(p["reg"]))
        result = getattr(module, function)(*args)
        out = {"loss": result[0], "dW": result[1]} if isinstance(result, tuple) and len(result) == 2 \
            else {"returned": result}
        if case.options.get("return_inputs"):
            out.update(W_after=args[0], X_after=args[1], y_after=args[2])
        return out
    return call


# ---------------------------------------------------------------- reading the results

def loss_and_grad(ctx, name, scalar=True):
    """(loss as a float, dW) of a case. A loss array of N values (per example) is averaged, and one of
    a single value is read, so that only the shapes test charges them."""
    out = ctx.result(name)
    if "returned" in out:
        raise Failed(f"the function must return a tuple (loss, dW); it returned {describe(out['returned'])}")
    loss, dW = ctx.value(name, "loss"), ctx.value(name, "dW")
    n = len(ctx.inputs(name)["y"])
    if np.ndim(loss) and np.size(loss) == n and scalar:
        loss = np.mean(loss)
    elif np.ndim(loss) and np.size(loss) == 1:
        loss = np.ravel(loss)[0]
    elif np.ndim(loss):
        raise Failed(f"the loss must be a scalar; it has shape {np.shape(loss)}")
    if not isinstance(dW, np.ndarray):
        raise Failed(f"dW must be an array of W's shape {ctx.inputs(name)['W'].shape}; it is a number")
    return float(loss), dW


def name_loss(ctx, name, got):
    return ctx.name_mistake(name, "loss", float(got))


def name_gradient(ctx, name, got):
    """The mistakes a gradient shows: also an all-zero or a transposed one."""
    W = ctx.inputs(name)["W"]
    got = np.asarray(got, np.float64)
    if got.shape == W.shape and not got.any():
        return ("zeros",)
    if got.shape == W.shape[::-1] and W.shape[0] != W.shape[1]:
        inner = ctx.name_mistake(name, "dW", got.T)
        return ("transposed",) + (inner or ())
    return ctx.name_mistake(name, "dW", got)


def example(ctx, name, what, expected, got):
    """A concrete counterexample: the tiny cases are printed whole, the others by their shapes."""
    p = ctx.inputs(name)
    if name.startswith("tiny"):
        where = f"W = {show(p['W'])}, X = {show(p['X'])}, y = {p['y'].tolist()}, reg = {float(p['reg']):g}"
    else:
        (n, d), c = p["X"].shape, p["W"].shape[1]
        where = f"N = {n}, D = {d}, C = {c}, reg = {float(p['reg']):g}"
    return f"For example, with {where}: expected {what} {show(expected)}, got {show(got)}."


# ---------------------------------------------------------------- the properties

def loss_value(ctx):
    for name in ("tiny", "main"):
        loss, _ = loss_and_grad(ctx, name)
        want = ctx.want(name, "loss")
        if not close(loss, want):
            raise Failed(f"wrong loss: {ctx.named(name_loss(ctx, name, loss))}. {example(ctx, name, 'loss', want, loss)}")
    return "right"


def gradient(ctx):
    for name in ("tiny", "main"):
        _, dW = loss_and_grad(ctx, name)
        want = ctx.want(name, "dW")
        if not close(dW, want):
            labels = name_gradient(ctx, name, dW)
            raise Failed(f"wrong gradient: {ctx.named(labels)}. {example(ctx, name, 'dW', want, dW)}")
    return "right"


def _reg_terms(ctx, with_reg, without):
    """The regularization's part of the loss and of dW, L(reg) - L(0) on the same data, and the terms
    they must be, the same differences of the expected values (the check computes no gradient)."""
    (loss, dW), (loss0, dW0) = loss_and_grad(ctx, with_reg), loss_and_grad(ctx, without)
    grad_term = dW - dW0 if dW.shape == dW0.shape else dW
    want = ctx.want(with_reg, "loss") - ctx.want(without, "loss")
    return loss - loss0, grad_term, want, ctx.want(with_reg, "dW") - ctx.want(without, "dW")


def _unpaired(half_in_loss):
    said = ("the loss uses the 0.5 * reg convention but its gradient follows reg * np.sum(W * W)" if half_in_loss else
            "the gradient follows the 0.5 * reg convention but the loss adds reg * np.sum(W * W)")
    return f"{said}: a loss and its gradient must follow the same convention"


def regularization_loss(ctx):
    """The loss's regularization, L(reg) - L(0) on the same data, against reg * sum(W**2) (with the
    instructor's option, 0.5 * reg * sum(W**2) too, if the gradient follows the same convention)."""
    half = ctx.options.get("accept_half_reg", False)
    for with_reg, without in (("tiny_reg", "tiny"), ("reg", "reg0")):
        term, grad_term, want, want_grad = _reg_terms(ctx, with_reg, without)
        if close(term, want):
            continue
        if half and close(term, 0.5 * want):
            require(close(grad_term, 0.5 * want_grad), _unpaired(half_in_loss=True))
            continue
        got = loss_and_grad(ctx, with_reg)[0]
        labels = name_loss(ctx, with_reg, got)
        why = ctx.named(labels) if labels != () else "the loss without regularization is not the same call's"
        raise Failed(f"the regularization adds {term:.6g} to the loss, expected reg * np.sum(W * W) = {want:.6g}: "
                     f"{why}. {example(ctx, with_reg, 'loss', ctx.want(with_reg, 'loss'), got)}")
    return "right" + (" (the 0.5 * reg convention is accepted)" if half else "")


def regularization_gradient(ctx):
    half = ctx.options.get("accept_half_reg", False)
    for with_reg, without in (("tiny_reg", "tiny"), ("reg", "reg0")):
        term, grad_term, want, want_grad = _reg_terms(ctx, with_reg, without)
        if close(grad_term, want_grad) or close(grad_term.T, want_grad):    # transposed: the gradient test's
            continue
        if half and close(grad_term, 0.5 * want_grad):
            require(close(term, 0.5 * want), _unpaired(half_in_loss=False))
            continue
        dW = loss_and_grad(ctx, with_reg)[1]
        labels = name_gradient(ctx, with_reg, dW)
        why = (ctx.named(labels) if labels != () else
               f"dW is right with reg > 0 but not at reg = 0 on the same data ({differ('dW', ctx.want(without, 'dW'), loss_and_grad(ctx, without)[1])})")
        raise Failed(f"the regularization's gradient is wrong (expected the gradient of reg * np.sum(W * W)): {why}. "
                     f"{example(ctx, with_reg, 'dW', ctx.want(with_reg, 'dW'), dW)}")
    return "right"


def credible(ctx, name):
    """Failed unless a case's loss and dW (where its answers hold dW) are right or a known mistake, which
    the value tests charge: what vouches for a property about form (a per-example loss is averaged, an
    all-zero or transposed dW is a known mistake)."""
    loss, dW = loss_and_grad(ctx, name)
    if name_loss(ctx, name, loss) is None:
        raise Failed(f"on an ordinary problem the loss matches neither the right answer nor a known mistake "
                     f"({differ('loss', ctx.want(name, 'loss'), loss)})")
    if ctx.answers(name, "dW") is not None and name_gradient(ctx, name, dW) is None:
        raise Failed(f"on an ordinary problem dW matches neither the right answer nor a known mistake "
                     f"({differ('dW', ctx.want(name, 'dW'), dW)})")


def stability(ctx):
    """Finite and unchanged when every score of a row is shifted by a large constant (reg = 0): the
    submission is compared with itself on the unshifted scores, so a mistake the value tests already
    charge does not cost this test too."""
    p = ctx.inputs("large")
    biggest = float(np.abs(p["X"] @ p["W"]).max())
    try:
        loss, dW = loss_and_grad(ctx, "large")
    except Failed as exc:
        raise Failed(f"with scores as large as {biggest:.0f} the call failed: {exc}") from None
    require(np.isfinite(loss) and np.all(np.isfinite(dW)),
          f"overflow: with scores as large as {biggest:.0f} the loss came back {loss}: np.exp overflows above "
          f"about 709; every score of a row can be shifted by the same constant without changing the softmax")
    try:
        base_loss, base_dW = loss_and_grad(ctx, "unshifted")
    except Failed as exc:
        raise Failed(f"the call failed on the same problem with ordinary scores: {exc}") from None
    require(close(loss, base_loss), f"adding a constant (up to {biggest:.0f}) to every score of a row must leave the "
                                  f"loss unchanged: {differ('loss', base_loss, loss, 'without the shift', 'with it')}")
    require(close(dW, base_dW, atol=1e-6), f"adding a constant (up to {biggest:.0f}) to every score of a row must "
                                         f"leave dW unchanged: {differ('dW', base_dW, dW, 'without the shift', 'with it')}")
    return "finite, and unchanged by shifting the scores by as much as %.0f" % biggest


def inputs_unmodified(ctx):
    loss_and_grad(ctx, "modify")        # a call that returned nothing usable is not credited
    changed = []
    for name, before in ctx.inputs("modify").items():
        if name == "reg":
            continue
        try:
            after = ctx.value("modify", f"{name}_after")
        except Failed:
            after = None
        if not isinstance(after, np.ndarray) or after.shape != before.shape or not np.array_equal(after, before):
            changed.append(name)
    require(not changed, f"the call modified its input{'s' if len(changed) > 1 else ''} {', '.join(changed)} in place "
                       f"(e.g. X -= ... or an in-place operation on a view); compute on copies or new arrays")
    return "W, X and y are left as they were"


def shapes(ctx):
    p = ctx.inputs("main")
    loss_and_grad(ctx, "main")
    loss, dW = ctx.value("main", "loss"), ctx.value("main", "dW")
    n = len(p["y"])
    if np.ndim(loss) and np.size(loss) == 1:
        raise Failed(f"the loss is an array of shape {np.shape(loss)} holding one number, not a scalar: return "
                     f"the number itself")
    if np.ndim(loss):
        mean = " (its mean is the right loss)" if np.size(loss) == n and close(np.mean(loss), ctx.want("main", "loss")) else ""
        raise Failed(f"the loss is an array of shape {np.shape(loss)}, a per-example loss array, instead of a "
                     f"scalar{mean}: average it over the examples")
    hint = " (transposed?)" if np.shape(dW) == p["W"].shape[::-1] else ""
    require(np.shape(dW) == p["W"].shape, f"dW must have W's shape {p['W'].shape}, got {np.shape(dW)}{hint}")
    return "a scalar loss and dW of W's shape"


def _charged(ctx, name, quantity):
    """The known mistake in the loss or dW of a case, when it is the same as on the main case (the value
    tests charge that one already), else None."""
    labels = []
    for case in (name, "main"):
        loss, dW = loss_and_grad(ctx, case)
        labels.append(name_loss(ctx, case, loss) if quantity == "loss" else name_gradient(ctx, case, dW))
    return labels[0] if labels[0] and labels[0] == labels[1] else None


def small_cases(ctx):
    """Right with N = 1 and with C = 3 and 7; a known mistake the loss value or gradient test already
    charges (the same one on the main case) is not charged again."""
    charged = []
    for name, what in (("n1", "N = 1 with C = 7"), ("c3", "C = 3")):
        loss, dW = loss_and_grad(ctx, name)
        for quantity, got in (("loss", loss), ("dW", dW)):
            want = ctx.want(name, quantity)
            if close(got, want):
                continue
            labels = _charged(ctx, name, quantity)
            if labels:
                charged.append(ctx.exercise.explain(labels))
                continue
            labels = name_loss(ctx, name, got) if quantity == "loss" else name_gradient(ctx, name, got)
            raise Failed(f"wrong {quantity} with {what}: {ctx.named(labels)}. {differ(quantity, want, got)}.")
    note = f" (apart from the mistake another test charges: {'; '.join(dict.fromkeys(charged))})" if charged else ""
    return "right with N = 1 and with C = 3 and 7" + note


def float32(ctx):
    """float32 input gives a finite result agreeing with the submission's own float64 result."""
    try:
        loss, dW = loss_and_grad(ctx, "f32")
    except Failed as exc:
        raise Failed(f"float32 input failed: {exc}") from None
    require(dW.dtype.kind == "f", f"with float32 W and X, dW must be a floating-point array; it is {dW.dtype}")
    try:
        loss64, dW64 = loss_and_grad(ctx, "f64")
    except Failed as exc:
        raise Failed(f"the call failed on the same values in float64: {exc}") from None
    for quantity, got, want in (("loss", loss, loss64), ("dW", dW, dW64)):
        require(close(got, want, rtol=1e-3, atol=1e-5), f"the float32 result differs from your own float64 result "
                                                      f"on the same values: {differ(quantity, want, got, 'in float64', 'in float32')}")
    # CS231n's own template starts from dW = np.zeros(W.shape), float64: said, not charged
    kept = "float32 out" if dW.dtype == np.float32 else f"dW came back {dW.dtype} (np.zeros_like(W) keeps float32)"
    return f"float32 input: {kept}, agreeing with your float64 result"


#: the timed case, and the most processor time a vectorized loss may take on it, in baselines. On many
#: short rows a Python loop over the examples costs 46 to 70 baselines in the grader and whole-array code
#: 2.0 to 3.2 (the student's check, in one process: 270 to 290 and 7.6 to 8.2), idle or beside 4 spinning
#: processes; by the wall clock, a busy machine brought the loop down to 4.8 and whole-array code up to 8.8.
#: (At the dev-set size, N = 500 and D = 3073, the two were 10 and 1.2 by the wall clock on an idle machine.)
SPEED = Speed(limits={"speed_rows": 25.0}, workloads={"speed_rows": "on N = 10000 short rows (D = 8)"},
              shapes={"dW": "W"})
speed = SPEED.judge


PROPERTIES = [Property("loss value", 2, loss_value),
              Property("gradient", 2, gradient),
              Property("regularization in the loss", 1, regularization_loss),
              Property("regularization in the gradient", 1, regularization_gradient),
              Property("stability with large scores", 1, stability, vouched_by=("unshifted",)),
              Property("inputs unmodified", 1, inputs_unmodified, vouched_by=("modify",)),
              Property("scalar loss and dW of W's shape", 1, shapes, vouched_by=("main",)),
              Property("N = 1 and C other than 10", 1, small_cases),
              Property("float32 input", 1, float32, vouched_by=("f64",))]


def loss_exercise(function, path, vectorized):
    return Exercise(name=function, path=path, function=function, call=call_with(function),
                    family=function.rsplit("_", 1)[0] + " (naive and vectorized)",
                    cases=lambda rng, public: loss_cases(rng, public, vectorized),
                    properties=PROPERTIES + ([SPEED.property()] if vectorized else []),
                    mistakes=MISTAKES, baseline=baseline if vectorized else None, credible=credible)


#: where the student meets these exercises: assignment_checks.exercises.EXERCISES is ordered by the steps
STEP = 10

EXERCISES = [loss_exercise("softmax_loss_naive", "classifiers/softmax.py", vectorized=False),
             loss_exercise("softmax_loss_vectorized", "classifiers/softmax.py", vectorized=True),
             loss_exercise("svm_loss_naive", "classifiers/linear_svm.py", vectorized=False),
             loss_exercise("svm_loss_vectorized", "classifiers/linear_svm.py", vectorized=True)]

# BEGIN SOLUTION
# ---------------------------------------------------------------- the answers (never released)

#: the ways the results a student derives for these exercises are written (the softmax and SVM gradients,
#: the regularization's): the student edition states none of them, tests/test_derivations.py greps it
FORMULAS = [
    r"\bp_?\{?[kj]\}?\s*-\s*(\[|1\b|\\mathbb|\\delta)",            # p_k - [k = y_i], p_k - 1[k = y]
    r"\bp\[\w+\]\s*-\s*\[?\s*\w+\s*==", r"\[\s*j\s*==\s*y\[i\]\s*\]",     # p[j] - [j == y[i]]
    r"\bone_hot\(\s*y\s*\)", r"\bdscores\b",
    r"\bp\s*-\s*(\\text\{\s*)?one[-_ ]?hot",                       # p - onehot(y)
    r"softmax\W*\s*(-|minus)\s*\W*one[-_ ]?hot",                   # softmax - one_hot
    r"\[\s*(np\.arange|range)\(\s*\w+\s*\)\s*,\s*y\w*\s*\]\s*-=\s*1",   # dscores[range(N), y] -= 1
    r"\(\s*p\s*-\s*[\w.\[\]()]+\s*\)\s*/\s*(N\b|n\b|len\(|\d)",   # (p - y) / N
    r"\bX\.T\s*(@|\.dot\()(?!\s*residual\b)", r"np\.dot\(\s*X\.T\s*,",      # X.T @ dscores (the train
    #                                                      check's least-squares loss is not the assignment's)
    r"-\s*1 times X\[i\]", r"(adds|add)\s+X\[i\]\s+to\s+column",
    r"(count|number) of (the )?positive margins", r"\bmargins?\s*>\s*0",   # the SVM's counts
    r"\b2\s*\*\s*reg\s*\*\s*W", r"\bdW\s*\+=\s*reg\s*\*", r"\breg\s*\*\s*W\d?\b(?!\s*\*)",
    r"\b2\s*\*\s*W\b(?!\s*\*)",                                    # the regularization's gradient
]

# A variant is one choice in each of three places where submissions go wrong: the data term (right,
# log10, the wrong class indexed, the class count from max(y) + 1, the one-hot term missing, the
# gradient's sign, or in the SVM the correct class counted as a margin); the normalisation (a mean,
# a sum, or `loss /= N + reg * ...`); the regularization (reg * sum(W**2), missing, 0.5 * reg,
# sum(W**2) without reg, or divided by N) and, in the gradient, the matching 2 * reg * W terms.

LOSS_DATA = {"softmax": ("", "log10", "wrongclass", "maxy"), "svm": ("", "countcorrect", "maxy")}
GRAD_DATA = {"softmax": ("", "onehot", "wrongclass", "maxy", "sign"), "svm": ("", "onehot", "maxy", "sign")}


def _softmax_terms(W, X, y, variant):
    """Summed (not averaged) data loss and gradient of one data variant."""
    C = W.shape[1]
    k = int(y.max()) + 1 if variant == "maxy" else C
    S = (X @ W)[:, :k]
    S = S - S.max(axis=1, keepdims=True)
    logP = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    P = np.exp(logP)
    rows = np.arange(len(y))
    M = np.zeros_like(P)
    if variant == "wrongclass":
        loss = -logP.sum(axis=0)[y].sum()          # -logP[:, y].sum(), without its (N, N) array
        M[:, np.unique(y)] = 1
    else:
        loss = -logP[rows, y].sum() / (np.log(10) if variant == "log10" else 1)
        M[rows, y] = 1
    if variant == "onehot":
        M[:] = 0
    G = np.zeros(W.shape)
    G[:, :k] = X.T @ (P - M)
    return loss, -G if variant == "sign" else G


def _svm_terms(W, X, y, variant, delta=1.0):
    C = W.shape[1]
    k = int(y.max()) + 1 if variant == "maxy" else C
    S = (X @ W)[:, :k]
    rows = np.arange(len(y))
    margins = S - S[rows, y][:, None] + delta
    if variant != "countcorrect":
        margins[rows, y] = 0
    margins = np.maximum(margins, 0)
    active = (margins > 0).astype(float)
    active[rows, y] = 0
    dscores = active.copy()
    if variant != "onehot":
        dscores[rows, y] = -active.sum(axis=1)
    G = np.zeros(W.shape)
    G[:, :k] = X.T @ dscores
    return margins.sum(), -G if variant == "sign" else G


TERMS = {"softmax": _softmax_terms, "svm": _svm_terms}


def loss_variants(kind, W, X, y, reg):
    """[(labels, loss)] for every combination; labels () is the right answer."""
    W, X = np.asarray(W, np.float64), np.asarray(X, np.float64)
    N, R = len(y), np.sum(W * W)
    regs = {"": reg * R, "missing": 0.0, "half": 0.5 * reg * R, "factor": R, "overN": reg * R / N,
            "sumsquared": reg * np.sum(W) ** 2}
    out = []
    for data in LOSS_DATA[kind]:
        total = TERMS[kind](W, X, y, data)[0]
        for (norm, value), (r, term) in itertools.product((("", total / N), ("sum", total)), regs.items()):
            out.append((tuple(x for x in (data, norm, r) if x), value + term))
        out.append((tuple(x for x in (data, "precedence") if x), total / (N + reg * R)))
        out.append((tuple(x for x in (data, "precedence", "half") if x), total / (N + 0.5 * reg * R)))
    return out


def gradient_variants(kind, W, X, y, reg):
    """[(labels, dW)] for every combination; labels () is the right answer."""
    W, X = np.asarray(W, np.float64), np.asarray(X, np.float64)
    N = len(y)
    regs = {"": 2 * reg * W, "gradmissing": 0 * W, "gradhalf": reg * W, "gradfactor": 2 * W,
            "gradoverN": 2 * reg * W / N, "gradsumsquared": 2 * reg * np.sum(W) * np.ones_like(W)}
    out = []
    for data in GRAD_DATA[kind]:
        G = TERMS[kind](W, X, y, data)[1]
        for (norm, value), (r, term) in itertools.product((("", G / N), ("gradsum", G)), regs.items()):
            out.append((tuple(x for x in (data, norm, r) if x), value + term))
        out.append((tuple(x for x in (data, "gradprecedence") if x), G / (N + 2 * reg * W)))
    return out


#: cases judged against the submission itself: no answers needed
SELF_JUDGED = ("large", "f32")


def loss_answers(kind, case):
    p = case.inputs
    args = (kind, p["W"], p["X"], p["y"], float(p["reg"]))
    if case.name in SELF_JUDGED:
        return {}
    if case.options.get("timed") or case.options.get("return_inputs"):
        # only its loss vouches for the speed or the inputs test (every loss is a few numbers to store)
        return {"loss": loss_variants(*args)}
    return {"loss": loss_variants(*args), "dW": gradient_variants(*args)}


import functools  # noqa: E402
import itertools  # noqa: E402

for _exercise in EXERCISES:
    _exercise.answers = functools.partial(loss_answers, "softmax" if "softmax" in _exercise.name else "svm")
# END SOLUTION
