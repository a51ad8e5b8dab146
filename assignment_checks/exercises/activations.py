"""softmax and log_softmax of classifiers/activations.py: values along any dim, stability, and their gradients."""
import numpy as np

from ..framework import Case, Exercise, Failed, Property, require, close, differ

PATH = "classifiers/activations.py"
MISTAKES = {
    "wrongaxis": "normalised over the wrong axis: the max and the sum run along another axis than dim",
    "logofsoftmax": "computed as np.log(softmax(x)): a probability that underflows to 0 has log -inf",
    "gradnosum": "the gradient leaves out the sum along dim: every output depends on every input of its slice",
    "gradsign": "the gradient has the wrong sign",
}


def activation_cases(rng, public, log):
    """Three dims (the last negative); inputs near 800..1200 and the same rows without their constant
    (which changes neither function); for log_softmax, rows spread by about 800, where a probability
    underflows to 0 but its log is finite; and an upstream gradient for the backward pass."""
    out = [Case("dim1", {"x": rng.standard_normal((6, 5)) * 3}, {"dim": 1}),
           Case("dim0", {"x": rng.standard_normal((4, 7, 3)) * 3}, {"dim": 0}),
           Case("dimneg", {"x": rng.standard_normal((3, 4, 5)) * 3}, {"dim": -1})]
    base = rng.standard_normal((6, 5)) * 3
    out.append(Case("large", {"x": base + rng.uniform(800, 1200, (6, 1))}, {"dim": 1}))
    out.append(Case("unshifted", {"x": base}, {"dim": 1}))
    if log:
        spread = rng.standard_normal((6, 5)) * 3
        spread[:, 0] -= rng.uniform(750, 900, 6)       # no overflow even without the max shift
        out.append(Case("spread", {"x": spread}, {"dim": 1}))
    for dim, shape in ((1, (4, 6)), (0, (5, 3, 2))):
        out.append(Case(f"grad{dim}", {"x": rng.standard_normal(shape) * 2, "g": rng.standard_normal(shape)},
                        {"dim": dim, "grad": True}))
    return out


def call_with(function):
    def call(module, case):
        fn = getattr(module, function)
        x, dim = case.inputs["x"].copy(), case.options["dim"]
        if not case.options.get("grad"):
            return {"y": fn(x, dim)}
        result = fn(x, dim, return_grad=True, grad_output=case.inputs["g"].copy())
        if isinstance(result, tuple) and len(result) == 2:
            return {"y": result[0], "dx": result[1]}
        return {"returned": result}
    return call


def values_along_dim(ctx):
    """The function along dim = 1, 0 and -1."""
    for name in ("dim1", "dim0", "dimneg"):
        x, dim = ctx.inputs(name)["x"], ctx.cases[name].options["dim"]
        got, want = ctx.array(name, "y"), ctx.want(name, "y")
        if close(got, want):
            continue
        require(got.shape == want.shape, f"with input of shape {x.shape} and dim = {dim}, expected the input's "
                                       f"shape, got {got.shape}")
        labels = ctx.name_mistake(name, "y", got)
        require(not labels, labels and f"likely {ctx.exercise.explain(labels)} (input of shape {x.shape}, dim = {dim})")
        raise Failed(f"with input of shape {x.shape} and dim = {dim}: {differ('y', want, got)}")
    return "right along dim = 1, 0 and -1"


def stability(ctx):
    """Finite with inputs near 800..1200, and equal to the submission's own result on the same rows
    without their constant (right, or a known mistake, which the values test charges: ``vouched_by``)."""
    x = ctx.inputs("large")["x"]
    got = ctx.array("large", "y")
    require(np.all(np.isfinite(got)), f"overflow: with inputs as large as {x.max():.0f} the result holds nan or inf; "
                                    f"np.exp overflows above about 709, and the inputs of a slice can all be "
                                    f"shifted by the same constant without changing the result")
    base = ctx.array("unshifted", "y")
    require(close(got, base, atol=1e-6), f"adding a constant (up to {x.max():.0f}) to every input of a row must not "
                                       f"change the result: {differ('y', base, got, 'without the shift', 'with it')}")
    return f"finite, and unchanged by shifting the inputs by as much as {x.max():.0f}"


def underflow(ctx):
    """Finite where a probability underflows to 0: not np.log(softmax(x))."""
    got, want = ctx.array("spread", "y"), ctx.want("spread", "y")
    if close(got, want):
        return f"finite down to {want.min():.0f}"
    with np.errstate(under="ignore", divide="ignore"):
        naive = np.log(np.exp(want))          # log(softmax(x)): the probabilities that underflow give -inf
    if got.shape == want.shape and np.isneginf(got).any() and np.array_equal(np.isneginf(got), np.isneginf(naive)):
        raise Failed(f"likely {MISTAKES['logofsoftmax']} (about exp({want.min():.0f}) here)")
    raise Failed(f"rows spread by about 800: {differ('y', want, got)}")


def gradient(ctx):
    """dx for a random upstream gradient g, along dim = 1 and 0."""
    for name in ("grad1", "grad0"):
        got = ctx.array(name, "dx")
        want = ctx.want(name, "dx")
        if close(got, want):
            continue
        require(close(ctx.array(name, "y"), ctx.want(name, "y")),
              "with return_grad=True the output itself is wrong, and the gradient with it: see values along dim")
        labels = ctx.name_mistake(name, "dx", got)
        what = f"likely {ctx.exercise.explain(labels)}" if labels else "it matches no known mistake"
        raise Failed(f"wrong gradient with return_grad=True (input of shape {ctx.inputs(name)['x'].shape}, "
                     f"dim = {ctx.cases[name].options['dim']}): {what}; {differ('dx', want, got)}")
    return "right along dim = 1 and 0"


def activation(function, log):
    props = [Property("values along dim", 1, values_along_dim),
             Property("stability with large inputs", 1, stability, vouched_by=("unshifted",))]
    if log:
        props.append(Property("no underflow to -inf", 1, underflow))
    props.append(Property("gradient", 1, gradient))
    return Exercise(name=f"losses.{function}", path=PATH, function=function, call=call_with(function),
                    cases=lambda rng, public: activation_cases(rng, public, log), properties=props,
                    mistakes=MISTAKES, cs231n=False)


#: where the student meets these exercises: assignment_checks.exercises.EXERCISES is ordered by the steps
STEP = 40

EXERCISES = [activation("softmax", log=False), activation("log_softmax", log=True)]

# BEGIN SOLUTION
# ---------------------------------------------------------------- the answers (never released)

#: the ways the backward passes of softmax and log_softmax are written (tests/test_derivations.py)
FORMULAS = [
    r"\by\s*\*\s*\(\s*g\s*-\s*s\s*\)",                     # softmax: dx = y * (g - s)
    r"\bg\s*-\s*(np\.)?exp\(\s*y\s*\)\s*\*",               # log_softmax: dx = g - exp(y) * s
    r"\bp_?\[?\w*(, \w+)?\]?\s*\*\s*sum_k\s*a",            # p_c * sum_k a_k - a_c
]


def _along(x, dim, max_dim, log):
    shifted = x - x.max(axis=max_dim, keepdims=True)
    total = np.exp(shifted).sum(axis=dim, keepdims=True)
    return shifted - np.log(total) if log else np.exp(shifted) / total


def activation_answers(log, case):
    x, dim = case.inputs["x"], case.options["dim"] % case.inputs["x"].ndim
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        right = _along(x, dim, dim, log)
        out = {"y": [((), right)] + [(("wrongaxis",), _along(x, axis, m, log)) for axis in range(x.ndim)
                                     if axis != dim for m in (axis, dim)]}
    if case.options.get("grad"):
        g = case.inputs["g"]
        total = g.sum(axis=dim, keepdims=True) if log else (g * right).sum(axis=dim, keepdims=True)
        dx = g - np.exp(right) * total if log else right * (g - total)
        nosum = g - np.exp(right) * g if log else right * g
        out["dx"] = [((), dx), (("gradsign",), -dx), (("gradnosum",), nosum)]
    return out


import functools  # noqa: E402

for _exercise, _log in zip(EXERCISES, (False, True)):
    _exercise.answers = functools.partial(activation_answers, _log)
# END SOLUTION
