"""The graded tests: each turns the values a child returned into (score, feedback).

Everything here runs in the grader's process on decoded numbers and arrays; the expected
values come from this repository's own loss functions (the reference).
"""
import ast

import numpy as np

from classifiers import losses as reference_losses
from classifiers.linear_svm import svm_loss_vectorized
from classifiers.softmax import softmax_loss_vectorized

from . import diagnose
from .sandbox import ResultError, decode

REFERENCE = {"softmax": softmax_loss_vectorized, "svm": svm_loss_vectorized}
RTOL, ATOL = 1e-5, 1e-7


class Failed(Exception):
    """A test failed; the message is its feedback."""


class Results:
    """The outcomes of one function's cases, by case name, with their inputs and expected values."""

    def __init__(self, kind, cases, run):
        self.kind, self.run = kind, run
        self.inputs = {name: inputs for name, _, inputs in cases}
        self.outcomes = {name: outcome for (name, _, _), outcome in zip(cases, run.outcomes)}
        self.dims = {name: options.get("dim") for name, options, _ in cases}

    def expected(self, name):
        p = self.inputs[name]
        return REFERENCE[self.kind](p["W"].astype(np.float64), p["X"].astype(np.float64), p["y"], float(p["reg"]))

    def out(self, name):
        """The decoded result dict of a case, or Failed with the reason it has none."""
        outcome = self.outcomes[name]
        if outcome.error is not None:
            raise Failed(_error_text(outcome.error))
        return outcome.out

    def loss_and_grad(self, name, scalar=True):
        """(loss as a float, dW) of a case; a per-example loss array of length N is averaged."""
        out = self.out(name)
        if "returned" in out:
            try:
                shown = type(decode(out["returned"])).__name__
            except ResultError as exc:
                shown = str(exc)
            raise Failed(f"the function must return a tuple (loss, dW); it returned {shown}")
        try:
            loss, dW = decode(out["loss"]), decode(out["dW"])
        except ResultError as exc:
            raise Failed(f"the function returned {exc}") from None
        except (KeyError, TypeError):
            raise Failed("the result could not be read") from None
        n = len(self.inputs[name]["y"])
        if np.ndim(loss) and np.size(loss) == n and scalar:
            loss = np.mean(loss)
        elif np.ndim(loss) and np.size(loss) == 1:
            loss = np.ravel(loss)[0]
        elif np.ndim(loss):
            raise Failed(f"the loss must be a scalar; it has shape {np.shape(loss)}")
        if not isinstance(dW, np.ndarray):
            raise Failed(f"dW must be an array of W's shape {self.inputs[name]['W'].shape}; it is a number")
        return float(loss), dW


def _error_text(error):
    if "NotImplementedError" in error:
        return f"not written yet ({error})"
    return error


def close(a, b, rtol=RTOL, atol=ATOL):
    return np.shape(a) == np.shape(b) and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol, atol=atol)


def show(a):
    return np.array2string(np.asarray(a, np.float64), precision=4, separator=", ", suppress_small=True,
                           max_line_width=200).replace("\n", "")


def example(results, name, what, expected, got):
    """A concrete counterexample: the tiny cases are printed whole, the others by their shapes."""
    p = results.inputs[name]
    if name.startswith("tiny"):
        where = f"W = {show(p['W'])}, X = {show(p['X'])}, y = {p['y'].tolist()}, reg = {float(p['reg']):g}"
    else:
        (n, d), c = p["X"].shape, p["W"].shape[1]
        where = f"N = {n}, D = {d}, C = {c}, reg = {float(p['reg']):g}"
    return f"For example, with {where}: expected {what} {show(expected)}, got {show(got)}."


def _named(labels):
    if labels is None:
        return "it matches none of the known mistakes; compare your steps with the formula in the docstring"
    return "likely " + diagnose.explain(labels)


# ---------------------------------------------------------------- loss functions

def loss_value(r, names=("tiny", "main")):
    for name in names:
        loss, _ = r.loss_and_grad(name)
        want = r.expected(name)[0]
        if not close(loss, want):
            p = r.inputs[name]
            labels = diagnose.name_loss(r.kind, p["W"], p["X"], p["y"], float(p["reg"]), loss)
            raise Failed(f"wrong loss: {_named(labels)}. {example(r, name, 'loss', want, loss)}")
    return "right"


def gradient(r, names=("tiny", "main")):
    for name in names:
        _, dW = r.loss_and_grad(name)
        want = r.expected(name)[1]
        if not close(dW, want):
            p = r.inputs[name]
            labels = diagnose.name_gradient(r.kind, p["W"], p["X"], p["y"], float(p["reg"]), dW)
            raise Failed(f"wrong gradient: {_named(labels)}. {example(r, name, 'dW', want, dW)}")
    return "right"


def regularization_loss(r, accept_half=False):
    """The loss's reg term, L(reg) - L(0) on the same data, against reg * sum(W**2)."""
    for with_reg, without in (("tiny_reg", "tiny"), ("reg", "reg0")):
        p = r.inputs[with_reg]
        term = r.loss_and_grad(with_reg)[0] - r.loss_and_grad(without)[0]
        want = float(p["reg"]) * np.sum(p["W"] ** 2)
        if close(term, want) or (accept_half and close(term, 0.5 * want)):
            continue
        got = r.loss_and_grad(with_reg)[0]
        labels = diagnose.name_loss(r.kind, p["W"], p["X"], p["y"], float(p["reg"]), got)
        raise Failed(f"the regularization adds {term:.6g} to the loss, expected reg * np.sum(W * W) = "
                     f"{want:.6g}: {_named(labels)}. {example(r, with_reg, 'loss', r.expected(with_reg)[0], got)}")
    return "right" + (" (the 0.5 * reg convention is accepted)" if accept_half else "")


def regularization_gradient(r, accept_half=False):
    for with_reg, without in (("tiny_reg", "tiny"), ("reg", "reg0")):
        p = r.inputs[with_reg]
        dW, dW0 = r.loss_and_grad(with_reg)[1], r.loss_and_grad(without)[1]
        want = 2 * float(p["reg"]) * p["W"]
        if dW.shape == dW0.shape and (close(dW - dW0, want) or (accept_half and close(dW - dW0, want / 2))):
            continue
        labels = diagnose.name_gradient(r.kind, p["W"], p["X"], p["y"], float(p["reg"]), dW)
        raise Failed(f"the regularization's gradient is wrong (expected 2 * reg * W): {_named(labels)}. "
                     f"{example(r, with_reg, 'dW', r.expected(with_reg)[1], dW)}")
    return "right"


def stability(r):
    """Finite and unchanged when every score of a row is shifted by a large constant (reg = 0).

    The submission is compared with itself on the unshifted scores, so a mistake the value tests
    already charge does not cost this test too.
    """
    p = r.inputs["large"]
    biggest = float(np.abs(p["X"] @ p["W"]).max())
    advice = ("np.exp overflows above about 709: subtract each row's maximum score before np.exp "
              "(the softmax is unchanged by the shift)")
    try:
        loss, dW = r.loss_and_grad("large")
    except Failed as exc:
        raise Failed(f"with scores as large as {biggest:.0f} the call failed: {exc}")
    if not (np.isfinite(loss) and np.all(np.isfinite(dW))):
        raise Failed(f"overflow: with scores as large as {biggest:.0f} the loss came back {loss} "
                     f"(expected {r.expected('large')[0]:.6g}); {advice}")
    try:
        base_loss, base_dW = r.loss_and_grad("unshifted")
    except Failed as exc:
        raise Failed(f"the call failed on the same problem with ordinary scores: {exc}")
    _judged(r, "unshifted", "stability")
    if not close(loss, base_loss):
        raise Failed(f"adding a constant (up to {biggest:.0f}) to every score of a row must leave the loss "
                     f"unchanged: {differ('loss', base_loss, loss, 'without the shift', 'with it')}")
    if not close(dW, base_dW, atol=1e-6):
        raise Failed(f"adding a constant (up to {biggest:.0f}) to every score of a row must leave dW "
                     f"unchanged: {differ('dW', base_dW, dW, 'without the shift', 'with it')}")
    return "finite, and unchanged by shifting the scores by as much as %.0f" % biggest


def _judged(r, name, test):
    """Failed unless the case's loss and dW are right or a mistake diagnose names (which the value
    tests charge): a property test credits a function that computes the loss, not a constant."""
    p = r.inputs[name]
    loss, dW = r.loss_and_grad(name)
    args = (r.kind, p["W"], p["X"], p["y"], float(p["reg"]))
    want_loss, want_dW = r.expected(name)
    if diagnose.name_loss(*args, loss) is None:
        raise Failed(f"{test} is not credited: on an ordinary problem the loss matches neither the right "
                     f"answer nor a known mistake ({differ('loss', want_loss, loss)})")
    if diagnose.name_gradient(*args, dW) is None:
        raise Failed(f"{test} is not credited: on an ordinary problem dW matches neither the right "
                     f"answer nor a known mistake ({differ('dW', want_dW, dW)})")


def _digits(a, b):
    """a and b printed with just enough significant digits to tell them apart."""
    for digits in range(6, 18):
        if f"{a:.{digits}g}" != f"{b:.{digits}g}":
            break
    return f"{a:.{digits}g}", f"{b:.{digits}g}"


def differ(what, want, got, want_name="expected", got_name="got"):
    """Where ``got`` differs from ``want``: the value, or dW's shape or most different entry."""
    if what == "loss":
        a, b = _digits(float(want), float(got))
        return f"loss {want_name} {a}, {got_name} {b}"
    if np.shape(want) != np.shape(got):
        return f"dW of shape {np.shape(want)} {want_name}, of shape {np.shape(got)} {got_name}"
    gap = np.abs(np.asarray(got, np.float64) - want)
    gap[~np.isfinite(gap)] = np.inf
    i, j = np.unravel_index(np.argmax(gap), np.shape(want))
    a, b = _digits(float(want[i, j]), float(got[i, j]))
    return f"dW[{i}, {j}] {want_name} {a}, {got_name} {b}"


def inputs_unmodified(r):
    r.loss_and_grad("modify")        # a call that returned nothing usable is not credited
    out = r.out("modify")
    p = r.inputs["modify"]
    changed = []
    for name in ("W", "X", "y"):
        try:
            after = decode(out[f"{name}_after"])
        except (ResultError, KeyError, TypeError):
            after = None
        if not isinstance(after, np.ndarray) or after.shape != p[name].shape or not np.array_equal(after, p[name]):
            changed.append(name)
    if changed:
        raise Failed(f"the call modified its input{'s' if len(changed) > 1 else ''} {', '.join(changed)} in place "
                     f"(e.g. X -= ... or an in-place op on a view); compute on copies or new arrays")
    return "W, X and y are left as they were"


def shapes(r):
    out = r.out("main")
    p = r.inputs["main"]
    try:
        loss = decode(out["loss"])
        dW = decode(out["dW"])
    except (ResultError, KeyError, TypeError) as exc:
        raise Failed(f"the function must return (loss, dW) of numbers and an array: {exc}") from None
    n = len(p["y"])
    if np.ndim(loss):
        extra = ""
        if np.size(loss) == n and close(np.mean(loss), r.expected("main")[0]):
            extra = " (its mean is the right loss)"
        raise Failed(f"the loss is an array of shape {np.shape(loss)}, a per-example loss array, instead of a "
                     f"scalar{extra}: average it over the examples")
    if np.shape(dW) != p["W"].shape:
        hint = " (transposed?)" if np.shape(dW) == p["W"].shape[::-1] else ""
        raise Failed(f"dW must have W's shape {p['W'].shape}, got {np.shape(dW)}{hint}")
    return "a scalar loss and dW of W's shape"


def _charged(r, name, what):
    """The known mistake in ``what`` (loss or gradient) of a case, the same as on the main case, or None:
    the value tests charge that one already."""
    name_it = diagnose.name_loss if what == "loss" else diagnose.name_gradient
    labels = []
    for case in (name, "main"):
        p = r.inputs[case]
        loss, dW = r.loss_and_grad(case, scalar=False)
        labels.append(name_it(r.kind, p["W"], p["X"], p["y"], float(p["reg"]), loss if what == "loss" else dW))
    return labels[0] if labels[0] and labels[0] == labels[1] else None


def small_cases(r):
    """Right with N = 1 and with C = 3 and 7, against the reference; a known mistake the loss value or
    gradient test already charges (the same one on the main case) is not charged again."""
    charged = []
    for name, what in (("n1", "N = 1 with C = 7"), ("c3", "C = 3")):
        loss, dW = r.loss_and_grad(name, scalar=False)
        want_loss, want_dW = r.expected(name)
        p = r.inputs[name]
        for quantity, want, got, ok in (("loss", want_loss, loss, close(loss, want_loss)),
                                        ("dW", want_dW, dW, close(dW, want_dW))):
            if ok:
                continue
            labels = _charged(r, name, "loss" if quantity == "loss" else "gradient")
            if labels:
                charged.append(diagnose.explain(labels))
                continue
            name_it = diagnose.name_loss if quantity == "loss" else diagnose.name_gradient
            labels = name_it(r.kind, p["W"], p["X"], p["y"], float(p["reg"]), got)
            raise Failed(f"wrong {quantity} with {what}: {_named(labels)}. {differ(quantity, want, got)}.")
    note = f" (apart from the mistake another test charges: {'; '.join(dict.fromkeys(charged))})" if charged else ""
    return "right with N = 1 and with C = 3 and 7" + note


def float32(r):
    """float32 input gives a finite result agreeing with the submission's own float64 result on the same values."""
    try:
        loss, dW = r.loss_and_grad("f32")
    except Failed as exc:
        raise Failed(f"float32 input failed: {exc}")
    if dW.dtype.kind != "f":
        raise Failed(f"with float32 W and X, dW must be a floating-point array; it is {dW.dtype}")
    try:
        loss64, dW64 = r.loss_and_grad("f64")
    except Failed as exc:
        raise Failed(f"the call failed on the same values in float64: {exc}")
    _judged(r, "f64", "float32")
    for quantity, got, want in (("loss", loss, loss64), ("dW", dW, dW64)):
        if not close(got, want, rtol=1e-3, atol=1e-5):
            raise Failed(f"the float32 result differs from your own float64 result on the same values: "
                         f"{differ(quantity, want, got, 'in float64', 'in float32')}")
    # CS231n's own template starts from dW = np.zeros(W.shape), float64: said, not charged
    kept = "float32 out" if dW.dtype == np.float32 else f"dW came back {dW.dtype} (np.zeros_like(W) keeps float32)"
    return f"float32 input: {kept}, agreeing with your float64 result"


def loops_in(source, function):
    """Line numbers of Python loops in ``function``'s body, read from the submitted source."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            return sorted(n.lineno for n in ast.walk(node) if isinstance(n, (ast.For, ast.While)))
    return []


def speed(r, source, function, max_dev_ratio, max_rows_ratio):
    """The fastest timed round of each size against the reference's fastest on the same inputs, both
    timed on the grader's clock in sandboxed children; the round that counts must be right, or a
    mistake diagnose names (which the value tests charge)."""
    ratios = {}
    for size in ("speed_dev", "speed_rows"):
        rounds = [name for name in r.inputs if name.startswith(size + "_")]
        timed = sorted((r.outcomes[name].seconds, name) for name in rounds if r.outcomes[name].seconds is not None)
        if not timed:
            r.out(rounds[0])        # raises Failed with why the timed call did not return
            raise Failed("the timed calls did not return")
        references = [r.outcomes[name].reference_seconds for name in rounds]
        if None in references:
            raise Failed("the reference could not be timed on this machine; the instructor will look at it")
        seconds, fastest = timed[0]
        loss, dW = r.loss_and_grad(fastest)
        want_loss, want_dW = r.expected(fastest)
        if not (close(loss, want_loss) and close(dW, want_dW)):
            _judged(r, fastest, "speed")
        ratios[size] = seconds / max(min(references), 1e-9)
    figures = (f"{ratios['speed_dev']:.1f}x the reference's time at the dev-set size (N = 500, D = 3073) and "
               f"{ratios['speed_rows']:.1f}x on N = 4000 short rows (D = 8)")
    if ratios["speed_dev"] <= max_dev_ratio and ratios["speed_rows"] <= max_rows_ratio:
        return f"vectorized: {figures}"
    lines = loops_in(source, function)
    where = f" (a loop at line {', '.join(map(str, lines))})" if lines else ""
    raise Failed(f"too slow for a vectorized version: {figures}; the time grows with the number of examples "
                 f"as with a Python loop over them{where}: use whole-array operations instead")


# ---------------------------------------------------------------- train and predict

def _train_out(r):
    out = r.out("easy")
    try:
        steps = decode(out["step_losses"])
        sizes = decode(out["batch_sizes"])
    except (ResultError, KeyError, TypeError) as exc:
        raise Failed(f"the training record could not be read: {exc}") from None
    if len(steps) == 0:
        raise Failed("train never called self.loss (the loss function of the classifier)")
    return out, steps, sizes


def train_decreases(r):
    _, steps, _ = _train_out(r)
    first, last = float(np.mean(steps[:3])), float(np.mean(steps[-5:]))
    if not last < 0.5 * first:
        raise Failed(f"on three well separated blobs the loss went from {first:.4f} to {last:.4f} in "
                     f"{len(steps)} steps; expected it to fall below half")
    return f"the loss fell from {first:.4f} to {last:.4f}"


def train_batches(r):
    out, steps, sizes = _train_out(r)
    p = r.inputs["easy"]
    want, iters = int(p["batch_size"]), int(p["num_iters"])
    if len(steps) != iters:
        raise Failed(f"train took {len(steps)} steps, expected num_iters = {iters}")
    wrong = [i for i, s in enumerate(sizes) if s != want]
    if wrong:
        raise Failed(f"step {wrong[0] + 1} used {int(sizes[wrong[0]])} examples, expected batch_size = {want}")
    rows = {row.tobytes(): label for row, label in zip(p["X"], p["y"])}
    for k, (xb, yb) in enumerate(zip(out["step_X_batch"], out["step_y_batch"])):
        xb, yb = decode(xb), decode(yb)
        if xb.shape != (want, p["X"].shape[1]) or yb.shape != (want,):
            raise Failed(f"step {k + 1}: X_batch has shape {xb.shape} and y_batch {yb.shape}")
        for row, label in zip(xb, yb):
            if rows.get(np.asarray(row, p["X"].dtype).tobytes()) != label:
                raise Failed(f"step {k + 1}: a minibatch row is not a row of X with its own label "
                             f"(X_batch and y_batch must be drawn with the same indices)")
    return f"{iters} steps of {want} examples, rows of X with their labels"


def train_learning_rate(r):
    out, steps, _ = _train_out(r)
    lr = float(r.inputs["easy"]["learning_rate"])
    Ws = [decode(w) for w in out["step_W"]] + ([decode(out["final_W"])] if len(steps) <= len(out["step_W"]) else [])
    grads = [decode(g) for g in out["step_grad"]]
    for k in range(min(len(Ws) - 1, len(grads))):
        move, want = Ws[k + 1] - Ws[k], -lr * grads[k]
        if not close(move, want, rtol=1e-6, atol=1e-12):
            ratio = float(np.sum(move * grads[k]) / -np.sum(grads[k] ** 2)) if np.any(grads[k]) else 0.0
            raise Failed(f"step {k + 1} moved W by {ratio:.4g} * (-grad), expected learning_rate = {lr:g} "
                         f"times the gradient (W -= learning_rate * grad)")
    return f"W -= learning_rate * grad at each step"


def train_history(r):
    out, steps, _ = _train_out(r)
    try:
        history = decode(out["history"])
    except ResultError as exc:
        raise Failed(f"train must return the list of losses, one per step; it returned {exc}") from None
    if np.ndim(history) != 1 or len(history) != len(steps) or not close(history, steps, rtol=1e-6):
        raise Failed(f"train must return the loss of every step ({len(steps)} values); "
                     f"it returned {np.size(history)} values that differ")
    return f"{len(steps)} losses returned"


def _labels(a):
    """A few labels as integers: [0 1 3 2]."""
    a = np.ravel(np.asarray(a))[:8]
    if a.dtype.kind == "f" and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        a = a.astype(np.int64)
    return np.array2string(a, separator=" ", max_line_width=200)


PREDICT_MISTAKES = [  # what a wrong predict returned, as a function of the scores
    ("np.argmin(scores, axis=1): the class with the lowest score; use np.argmax",
     lambda s: np.argmin(s, axis=1)),
    ("np.argmax(scores, axis=0): the best example for each class; take the best class for each "
     "example, axis=1", lambda s: np.argmax(s, axis=0)),
    ("np.argmin(scores, axis=0): the worst example for each class; use np.argmax(scores, axis=1)",
     lambda s: np.argmin(s, axis=0)),
]


def predict(r):
    for name, p in r.inputs.items():
        out = r.out(name)
        try:
            got = decode(out["predicted"])
        except (ResultError, KeyError, TypeError) as exc:
            raise Failed(f"predict must return an array of labels: {exc}") from None
        scores = p["X"] @ p["W"]
        want = np.argmax(scores, axis=1)
        if np.shape(got) == want.shape and np.array_equal(got, want):
            continue
        likely = next((f" This is {what}." for what, variant in PREDICT_MISTAKES
                       if np.shape(got) == variant(scores).shape and np.array_equal(got, variant(scores))), "")
        (n, d), c = p["X"].shape, p["W"].shape[1]
        if np.shape(got) != want.shape:
            raise Failed(f"predict must return one label per example, shape {want.shape}; got shape "
                         f"{np.shape(got)} (N = {n} examples, C = {c} classes).{likely}")
        rows = "" if n <= 8 else f" (the first 8 of {n} examples)"
        raise Failed(f"predict must return the argmax over classes of X @ W (axis=1): expected labels "
                     f"{_labels(want)}, got {_labels(got)}{rows}.{likely}")
    return "argmax of X @ W"


# ---------------------------------------------------------------- Softmax.predict_proba, losses.softmax/log_softmax

def _array(r, name, key):
    try:
        got = decode(r.out(name)[key])
    except (ResultError, KeyError, TypeError) as exc:
        raise Failed(f"the function must return an array: {exc}") from None
    if not isinstance(got, np.ndarray):
        raise Failed(f"the function must return an array; it returned {type(got).__name__}")
    return got


def _wrong_axis(reference, x, dim, got):
    """The axis a softmax ``got`` was normalised over instead of ``dim`` (its max taken along
    either), or None."""
    log = reference is reference_losses.log_softmax
    for axis in range(x.ndim):
        if axis == dim % x.ndim:
            continue
        with np.errstate(all="ignore"):
            shifted = x - x.max(axis=dim, keepdims=True)
            total = np.exp(shifted).sum(axis=axis, keepdims=True)
            mixed = shifted - np.log(total) if log else np.exp(shifted) / total
        if close(got, reference(x, axis)) or close(got, mixed):
            return axis
    return None


def _worst(want, got):
    gap = np.abs(np.asarray(got, np.float64) - want)
    gap[~np.isfinite(gap)] = np.inf
    index = np.unravel_index(np.argmax(gap), np.shape(want))
    return f"at index {tuple(int(i) for i in index)} expected {want[index]:.6g}, got {got[index]:.6g}"


def proba_values(r):
    """predict_proba(X) equals softmax(X @ W) along the classes, each row summing to 1."""
    p = r.inputs["main"]
    got = _array(r, "main", "proba")
    scores = p["X"] @ p["W"]
    want = reference_losses.softmax(scores, 1)
    if close(got, want):
        return "rows are probabilities summing to 1, equal to softmax(X @ W)"
    if got.shape != want.shape:
        raise Failed(f"predict_proba must return an array (N, C) = {want.shape}; got shape {got.shape}")
    if _wrong_axis(reference_losses.softmax, scores, 1, got) == 0:
        raise Failed("likely normalised over the wrong axis: the sums (or the max) run over axis 0, the "
                     "examples, instead of axis 1, the classes; use axis=1, keepdims=True. "
                     f"Rows sum to {show(got.sum(axis=1)[:3])}... instead of 1")
    raise Failed(f"predict_proba(X) must be softmax(X @ W) along axis 1: {_worst(want, got)} "
                 f"(N = {want.shape[0]}, C = {want.shape[1]})")


def proba_stability(r):
    """Finite and unchanged when every score of a row is shifted by a large constant: the submission is
    compared with itself on the unshifted scores (right, or normalised over the wrong axis, which the
    values test charges), so one mistake costs one test."""
    p = r.inputs["large"]
    biggest = np.abs(p["X"] @ p["W"]).max()
    got = _array(r, "large", "proba")
    if not np.all(np.isfinite(got)):
        raise Failed(f"overflow: with scores as large as {biggest:.0f} the probabilities hold nan or inf; "
                     f"likely no max shift: subtract each row's maximum score before np.exp "
                     f"(the softmax is unchanged by the shift)")
    q = r.inputs["unshifted"]
    scores = q["X"] @ q["W"]
    base = _array(r, "unshifted", "proba")
    if not (close(base, reference_losses.softmax(scores, 1)) or _wrong_axis(reference_losses.softmax, scores, 1, base)
            is not None):
        raise Failed("stability is not credited: on ordinary scores the result is neither softmax(X @ W) "
                     "nor a known mistake")
    if not close(got, base):
        raise Failed(f"adding a constant (up to {biggest:.0f}) to every score of a row must leave the "
                     f"probabilities unchanged: {_worst(base, got) if got.shape == base.shape else 'the shape changed'}")
    return f"finite, and unchanged by shifting the scores by as much as {biggest:.0f}"


def _activation(r):
    return reference_losses.log_softmax if r.kind == "log_softmax" else reference_losses.softmax


def activation_values(r):
    """The function against the reference along dim = 1, 0 and -1."""
    reference = _activation(r)
    for name in ("dim1", "dim0", "dimneg"):
        x, dim = r.inputs[name]["x"], r.dims[name]
        got = _array(r, name, "y")
        want = reference(x, dim)
        if close(got, want):
            continue
        if got.shape != want.shape:
            raise Failed(f"with input of shape {x.shape} and dim = {dim}, expected the input's shape, got {got.shape}")
        axis = _wrong_axis(reference, x, dim, got)
        if axis is not None:
            raise Failed(f"likely normalised over axis {axis} instead of dim = {dim} (input of shape {x.shape}): "
                         f"take the max and the sum along axis=dim, keepdims=True")
        raise Failed(f"with input of shape {x.shape} and dim = {dim}: {_worst(want, got)}")
    return "right along dim = 1, 0 and -1"


def activation_stability(r):
    """Finite with inputs near 800..1200, and equal to the submission's own result on the same rows
    without their constant (right, or over the wrong axis, which the values test charges)."""
    x = r.inputs["large"]["x"]
    got = _array(r, "large", "y")
    if not np.all(np.isfinite(got)):
        raise Failed(f"overflow: with inputs as large as {x.max():.0f} the result holds nan or inf; likely no max "
                     f"shift: subtract the max along dim before np.exp (it cancels, and keeps every exponent <= 0)")
    x0 = r.inputs["unshifted"]["x"]
    base = _array(r, "unshifted", "y")
    reference = _activation(r)
    if not (close(base, reference(x0, 1)) or _wrong_axis(reference, x0, 1, base) is not None):
        raise Failed("stability is not credited: on ordinary inputs the result is neither right nor a known mistake")
    if not close(got, base, atol=1e-6):
        raise Failed(f"adding a constant (up to {x.max():.0f}) to every input of a row must not change the "
                     f"result: " + (_worst(base, got) if got.shape == base.shape else "the shape changed"))
    return f"finite, and unchanged by shifting the inputs by as much as {x.max():.0f}"


def log_softmax_underflow(r):
    """Finite where the probability underflows to 0: x - logsumexp(x), not np.log(softmax(x))."""
    x = r.inputs["spread"]["x"]
    got = _array(r, "spread", "y")
    want = reference_losses.log_softmax(x, 1)
    if close(got, want):
        return f"finite down to {want.min():.0f}"
    with np.errstate(divide="ignore"):
        naive = np.log(reference_losses.softmax(x, 1))
    if got.shape == want.shape and np.array_equal(np.isneginf(got), np.isneginf(naive)) and np.isneginf(got).any() \
            and np.allclose(got[np.isfinite(naive)], naive[np.isfinite(naive)]):
        raise Failed(f"likely computed as np.log(softmax(x)): a probability of about exp({want.min():.0f}) underflows "
                     f"to 0 and its log is -inf; compute x - m - np.log(np.sum(np.exp(x - m))) with m the max "
                     f"along dim")
    raise Failed(f"rows spread by about 800: " + (_worst(want, got) if got.shape == want.shape
                                                  else f"shape {got.shape}, expected {want.shape}"))
