"""LinearClassifier.train (its minibatch and its step), LinearClassifier.predict and Softmax.predict_proba.

train runs with its ``loss`` replaced by a recording one, a least-squares loss (nothing here
computes the softmax): the record shows every minibatch, W before each step and the gradient
it was given, so the judges see what the loop did.
"""
import numpy as np

from ..framework import Case, Exercise, Failed, Property, require, close, differ, show

PATH = "classifiers/linear_classifier.py"
KEPT_STEPS = 5          # steps whose W, minibatch and gradient are returned whole


# ---------------------------------------------------------------- train

def train_cases(rng, public):
    """An easy problem: three well separated blobs in 5 dimensions."""
    centers = rng.standard_normal((3, 5)) * 4
    y = rng.integers(0, 3, 300)
    X = centers[y] + rng.standard_normal((300, 5))
    inputs = {"X": X, "y": y, "seed": np.int64(rng.integers(2 ** 31)), "learning_rate": np.float64(0.01),
              "reg": np.float64(1e-3), "num_iters": np.int64(60), "batch_size": np.int64(17)}
    return [Case("easy", inputs)]


def least_squares(W, X, y, reg):
    """0.5 * mean_i ||X[i] @ W - onehot(y[i])||^2 + reg * sum(|W|), and its gradient (an L1 penalty, so
    that nothing here states the gradient of the assignment's reg * sum(W**2))."""
    residual = X @ W - np.eye(W.shape[1])[y]
    n = len(y)
    return 0.5 * np.sum(residual ** 2) / n + reg * np.sum(np.abs(W)), X.T @ residual / n + reg * np.sign(W)


def call_train(module, case):
    p = case.inputs
    steps = []

    class Recorded(module.LinearClassifier):
        def loss(self, X_batch, y_batch, reg):      # CS231n's extension point: train calls it each step
            loss, grad = least_squares(self.W, X_batch, y_batch, reg)
            steps.append((np.array(self.W, copy=True), np.array(X_batch, copy=True),
                          np.array(y_batch, copy=True), loss, grad))
            return loss, grad

    np.random.seed(int(p["seed"]))
    model = Recorded()
    history = model.train(p["X"].copy(), p["y"].copy(), learning_rate=float(p["learning_rate"]),
                          reg=float(p["reg"]), num_iters=int(p["num_iters"]),
                          batch_size=int(p["batch_size"]), verbose=False)
    out = {"history": history, "final_W": getattr(model, "W", None),
           "step_losses": np.array([float(step[3]) for step in steps]),
           "batch_sizes": np.array([step[1].shape[0] for step in steps])}
    for k, (W, X_batch, y_batch, _, grad) in enumerate(steps[:KEPT_STEPS]):
        out.update({f"W_{k}": W, f"X_batch_{k}": X_batch, f"y_batch_{k}": y_batch, f"grad_{k}": grad})
    return out


def _steps(ctx):
    steps = ctx.value("easy", "step_losses")
    require(len(steps) > 0, "train never called self.loss (the loss function of the classifier)")
    return steps


def train_decreases(ctx):
    steps = _steps(ctx)
    first, last = float(np.mean(steps[:3])), float(np.mean(steps[-5:]))
    # below three quarters, not half: a step ten times too small (a fixed 1e-3) still lands near half, and
    # that mistake is the learning rate's property to charge, whatever the blobs the submission's seed draws
    require(last < 0.75 * first, f"on three well separated blobs the loss went from {first:.4f} to {last:.4f} in "
                               f"{len(steps)} steps; expected it to fall below three quarters of that")
    return f"the loss fell from {first:.4f} to {last:.4f}"


def train_batches(ctx):
    steps, sizes = _steps(ctx), ctx.value("easy", "batch_sizes")
    p = ctx.inputs("easy")
    want, iters = int(p["batch_size"]), int(p["num_iters"])
    require(len(steps) == iters, f"train took {len(steps)} steps, expected num_iters = {iters}")
    wrong = [i for i, s in enumerate(sizes) if s != want]
    require(not wrong, wrong and f"step {wrong[0] + 1} used {int(sizes[wrong[0]])} examples, expected batch_size = {want}")
    rows = {row.tobytes(): label for row, label in zip(p["X"], p["y"])}
    batches = []
    for k in range(min(KEPT_STEPS, iters)):
        xb, yb = ctx.value("easy", f"X_batch_{k}"), ctx.value("easy", f"y_batch_{k}")
        require(xb.shape == (want, p["X"].shape[1]) and yb.shape == (want,),
              f"step {k + 1}: X_batch has shape {xb.shape} and y_batch {yb.shape}")
        for row, label in zip(xb, yb):
            require(rows.get(np.asarray(row, p["X"].dtype).tobytes()) == label,
                  f"step {k + 1}: a minibatch row is not a row of X with its own label "
                  f"(X_batch and y_batch must be drawn with the same indices)")
        batches.append(xb.tobytes())
    require(len(set(batches)) > 1, f"the first {len(batches)} steps all used the same minibatch: a new random "
                                 f"minibatch is drawn at every step, or training sees only batch_size examples")
    return f"{iters} steps, each on a new random minibatch of {want} rows of X with their labels"


def train_learning_rate(ctx):
    steps = _steps(ctx)
    lr = float(ctx.inputs("easy")["learning_rate"])
    kept = min(KEPT_STEPS, len(steps))
    Ws = [ctx.value("easy", f"W_{k}") for k in range(kept)]
    if len(steps) <= KEPT_STEPS:
        Ws.append(ctx.value("easy", "final_W"))
    for k in range(min(len(Ws) - 1, kept)):
        grad = ctx.value("easy", f"grad_{k}")
        move, want = Ws[k + 1] - Ws[k], -lr * grad
        if not close(move, want, rtol=1e-6, atol=1e-12):
            ratio = float(np.sum(move * grad) / -np.sum(grad ** 2)) if np.any(grad) else 0.0
            raise Failed(f"step {k + 1} moved W by {ratio:.4g} * (-grad), expected learning_rate = {lr:g} "
                         f"times the gradient")
    return "W -= learning_rate * grad at each step"


def train_history(ctx):
    steps = _steps(ctx)
    try:
        history = ctx.value("easy", "history")
    except Failed as exc:
        raise Failed(f"train must return the list of losses, one per step; {exc}") from None
    require(np.ndim(history) == 1 and len(history) == len(steps) and close(history, steps, rtol=1e-6),
          f"train must return the loss of every step ({len(steps)} values); it returned {np.size(history)} "
          f"values that differ")
    return f"{len(steps)} losses returned"


# ---------------------------------------------------------------- predict

PREDICT_MISTAKES = {
    "argmin": "the class with the lowest score is returned (an argmin), not the one with the highest",
    "axis0": "the best is taken over axis 0, the examples, which gives the best example for each class "
             "instead of the best class for each example",
}


def predict_cases(rng, public):
    out = []
    for n, d, c in ((50, 6, 4), (1, 9, 10)):
        W, X = rng.standard_normal((d, c)) * 0.5, rng.standard_normal((n, d))
        out.append(Case(f"predict_{c}", {"W": W, "X": X}))
    return out


def call_predict(module, case):
    model = module.LinearClassifier()
    model.W = case.inputs["W"].copy()
    return {"predicted": model.predict(case.inputs["X"].copy())}


def _labels(a):
    """A few labels as integers: [0 1 3 2]."""
    a = np.ravel(np.asarray(a))[:8]
    if a.dtype.kind == "f" and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        a = a.astype(np.int64)
    return np.array2string(a, separator=" ", max_line_width=200)


def predict(ctx):
    for name, p in ctx.cases.items():
        got = ctx.value(name, "predicted")
        want = ctx.want(name, "predicted")
        if np.shape(got) == want.shape and np.array_equal(got, want):
            continue
        labels = ctx.name_mistake(name, "predicted", got)
        likely = f" Likely {ctx.exercise.explain(labels)}." if labels else ""
        n, c = p.inputs["X"].shape[0], p.inputs["W"].shape[1]
        require(np.shape(got) == want.shape, f"predict must return one label per example, shape {want.shape}; "
                                           f"got shape {np.shape(got)} (N = {n} examples, C = {c} classes).{likely}")
        rows = "" if n <= 8 else f" (the first 8 of {n} examples)"
        raise Failed(f"predict must return, for each example, the class with the highest score in X @ W: "
                     f"expected labels {_labels(want)}, got {_labels(got)}{rows}.{likely}")
    return "argmax of X @ W"


# ---------------------------------------------------------------- predict_proba

PROBA_MISTAKES = {
    "axis0": "normalised over the wrong axis: the sums (or the max) run over axis 0, the examples, "
             "instead of axis 1, the classes",
}


def proba_cases(rng, public):
    """Ordinary scores, scores near 800..1200 (every score of a row shifted by the same constant,
    through the bias trick's column, so the probabilities stay ordinary), and the same without the shift."""
    W, X = rng.standard_normal((6, 5)) * 0.5, rng.standard_normal((30, 6))
    Wl, Xl = rng.standard_normal((6, 5)) * 0.5, rng.standard_normal((20, 6))
    Xl[:, -1] = rng.uniform(800, 1200, 20)
    Wl[-1, :] = 1.0
    unshifted = Wl.copy()
    unshifted[-1, :] = 0.0      # the same probabilities from ordinary scores
    return [Case("main", {"W": W, "X": X}), Case("large", {"W": Wl, "X": Xl}),
            Case("unshifted", {"W": unshifted, "X": Xl})]


def call_proba(module, case):
    model = module.Softmax()
    model.W = case.inputs["W"].copy()
    return {"proba": model.predict_proba(case.inputs["X"].copy())}


def proba_values(ctx):
    """predict_proba(X) equals softmax(X @ W) along the classes, each row summing to 1."""
    got = ctx.array("main", "proba")
    want = ctx.want("main", "proba")
    if close(got, want):
        return "rows are probabilities summing to 1, equal to softmax(X @ W)"
    require(got.shape == want.shape, f"predict_proba must return an array (N, C) = {want.shape}; got shape {got.shape}")
    labels = ctx.name_mistake("main", "proba", got)
    require(not labels, labels and f"likely {ctx.exercise.explain(labels)}. Rows sum to {show(got.sum(axis=1)[:3])}... "
                                 f"instead of 1")
    raise Failed(f"predict_proba(X) must be softmax(X @ W) along axis 1: {differ('proba', want, got)} "
                 f"(N = {want.shape[0]}, C = {want.shape[1]})")


def proba_stability(ctx):
    """Finite, and unchanged when every score of a row is shifted by a large constant: the submission is
    compared with itself on the unshifted scores (right, or a known mistake, which the values test
    charges: ``vouched_by``), so one mistake costs one test."""
    p = ctx.inputs("large")
    biggest = np.abs(p["X"] @ p["W"]).max()
    got = ctx.array("large", "proba")
    require(np.all(np.isfinite(got)), f"overflow: with scores as large as {biggest:.0f} the probabilities hold nan or "
                                    f"inf; np.exp overflows above about 709, and every score of a row can be "
                                    f"shifted by the same constant without changing the softmax")
    base = ctx.array("unshifted", "proba")
    require(close(got, base), f"adding a constant (up to {biggest:.0f}) to every score of a row must leave the "
                            f"probabilities unchanged: {differ('proba', base, got, 'without the shift', 'with it')}")
    return f"finite, and unchanged by shifting the scores by as much as {biggest:.0f}"


#: where the student meets these exercises: assignment_checks.exercises.EXERCISES is ordered by the steps
STEP = 20

EXERCISES = [
    Exercise(name="LinearClassifier.train", path=PATH, function="LinearClassifier.train", call=call_train,
             cases=train_cases,
             properties=[Property("the loss decreases on an easy problem", 1, train_decreases),
                         Property("random minibatches of batch_size examples", 1, train_batches),
                         Property("uses the learning rate", 1, train_learning_rate),
                         Property("returns the loss history", 1, train_history)]),
    Exercise(name="LinearClassifier.predict", path=PATH, function="LinearClassifier.predict", call=call_predict,
             cases=predict_cases, properties=[Property("argmax of the scores", 1, predict)],
             mistakes=PREDICT_MISTAKES),
    Exercise(name="Softmax.predict_proba", path=PATH, function="Softmax.predict_proba", call=call_proba,
             cases=proba_cases, properties=[Property("rows are softmax(X @ W)", 1, proba_values),
                                            Property("stability with large scores", 1, proba_stability,
                                                     vouched_by=("unshifted",))],
             mistakes=PROBA_MISTAKES, cs231n=False),
]

# BEGIN SOLUTION
# ---------------------------------------------------------------- the answers (never released)

#: train's step written as code (tests/test_derivations.py); the rule W <- W - learning_rate * dW is the
#: contract its docstring states, as CS231n's optim.py does, and predict asks for no derivation
FORMULAS = [r"\bself\.W\s*-=?\s*(self\.)?learning_rate\b"]


def predict_answers(case):
    scores = case.inputs["X"] @ case.inputs["W"]
    return {"predicted": [((), np.argmax(scores, axis=1)), (("argmin",), np.argmin(scores, axis=1)),
                          (("axis0",), np.argmax(scores, axis=0)), (("argmin", "axis0"), np.argmin(scores, axis=0))]}


def softmax_along(scores, axis, max_axis=None):
    """exp(s - max) / sum(exp(s - max)) along ``axis``, the max taken along ``max_axis`` (the same by default)."""
    shifted = scores - scores.max(axis=axis if max_axis is None else max_axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def proba_answers(case):
    scores = case.inputs["X"] @ case.inputs["W"]
    return {"proba": [((), softmax_along(scores, 1)), (("axis0",), softmax_along(scores, 0)),
                      (("axis0",), softmax_along(scores, 0, max_axis=1))]}


EXERCISES[1].answers, EXERCISES[2].answers = predict_answers, proba_answers
# END SOLUTION
