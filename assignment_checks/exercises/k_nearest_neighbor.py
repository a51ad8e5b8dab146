"""CS231n's k-nearest-neighbour classifier (classifiers/k_nearest_neighbor.py): the distance matrix in its
three versions (two loops, one loop, none) and predict_labels.

The three distance versions share their cases and answers. num_test != num_train everywhere, so a
transposed matrix is told apart; a case holds test points equal to training points, where rounding
can make a distance NaN. predict_labels gets distance matrices built so that k = 1, a clear majority
of the k nearest and a tie between two labels are judged apart, each by a property of its own.
"""
import numpy as np

from ..framework import Case, Exercise, Failed, Property, close, credible, differ, require, show
from ..speed import Speed

PATH = "classifiers/k_nearest_neighbor.py"
CLASS = "KNearestNeighbor"

MISTAKES = {
    # the distances
    "squared": "the squared distances are returned: the square root is missing",
    "transposed": "the matrix is transposed: dists must have shape (num_test, num_train), one row per test point",
    "l1": "the L1 distance (a sum of absolute differences) is computed instead of the L2 (Euclidean) one",
    "unsquared": "the differences are summed without being squared",
    "nan": "where a test point equals a training point, rounding leaves the squared distance a tiny number below "
           "0, whose square root is NaN: a squared distance is never negative",
    # predict_labels
    "farthest": "the farthest training points are taken instead of the nearest: np.argsort puts the smallest "
                "distance first",
    "axis0": "the nearest are looked for along the wrong axis: the ith test point's distances are the row "
             "dists[i], one per training point",
    "indices": "the indices of the nearest training points are used instead of their labels (self.y_train[...])",
    "kignored": "k is ignored: the label of the nearest training point alone is returned",
    "larger": "a tie between labels goes to the larger label; it must go to the smaller one",
    "first": "a tie between labels goes to the label of the nearer training point; it must go to the smaller label",
}


# ---------------------------------------------------------------- the distances

def _points(rng, n, d, scale=1.0, offset=0.0):
    return rng.standard_normal((n, d)) * scale + offset


def distance_cases(rng, public, timed=None):
    """tiny (printable), main, duplicates (test points equal to training points, pixel-like values with
    fractions, as after subtracting a mean image) and, for a vectorized version, its timed case:
    ``timed`` "rows" (many test points, few training points) or "train" (the other way round)."""
    tiny_X, tiny_T = rng.integers(-9, 10, (3, 2)) / 10, rng.integers(-9, 10, (4, 2)) / 10
    n, m, d = (6, 9, 5) if public else (17, 23, 12)
    dn, dm, dd, copies = (16, 20, 300, 12) if public else (30, 40, 3072, 20)
    T = _points(rng, dm, dd, 60.0, 120.0)
    X = _points(rng, dn, dd, 60.0, 120.0)
    X[rng.choice(dn, copies, replace=False)] = T[rng.choice(dm, copies, replace=False)]
    cases = [Case("tiny", _inputs(rng, tiny_X, tiny_T)),
             Case("main", _inputs(rng, _points(rng, n, d), _points(rng, m, d))),
             Case("duplicates", _inputs(rng, X, T))]
    if timed is not None:
        (n, m), d = SPEED_SIZES[timed], 3
        cases.append(Case(f"speed_{timed}", _inputs(rng, _points(rng, n, d), _points(rng, m, d)), {"timed": True}))
    return cases


def _inputs(rng, X, X_train):
    return {"X": X, "X_train": X_train, "y_train": rng.integers(0, 10, len(X_train))}


def call_distances(method):
    """call(module, case): the student's distance matrix, with the classifier trained on the case's
    training points; of a timed case, its top-left corner and its sum (what is compared)."""
    def call(module, case):
        p = case.inputs
        model = getattr(module, CLASS)()
        model.train(p["X_train"].copy(), p["y_train"].copy())
        dists = getattr(model, method)(p["X"].copy())
        if case.options.get("timed"):
            dists = np.asarray(dists)
            return {"corner": dists[:3, :5], "total": float(np.sum(dists))}
        return {"dists": dists}
    return call


def baseline(case):
    """Work of a distance matrix's size that computes no distance: a pass over each input and two over an
    array of the matrix's shape."""
    p = case.inputs
    return np.tanh(np.full((len(p["X"]), len(p["X_train"])), p["X"].sum() + p["X_train"].sum()))


def distances(ctx):
    """The distance matrix of the tiny and main cases, right, or naming the known mistake."""
    for name in ("tiny", "main"):
        got, want = ctx.array(name, "dists"), ctx.want(name, "dists")
        if close(got, want):
            continue
        p = ctx.inputs(name)
        labels = _named(ctx, name, got)
        where = (f"X_train = {show(p['X_train'])}, X = {show(p['X'])}" if name == "tiny" else
                 f"num_test = {len(p['X'])}, num_train = {len(p['X_train'])}, D = {p['X'].shape[1]}")
        gap = (f"expected dists {show(want)}, got {show(got)}" if name == "tiny" and got.size <= 30
               else differ("dists", want, got))
        raise Failed(f"wrong distances: {ctx.named(labels)}. For example, with {where}: {gap}.")
    return "right, of shape (num_test, num_train)"


def _named(ctx, name, got):
    """The labels of the known mistake the distances ``got`` of case ``name`` show, () when right, else None."""
    labels = ctx.name_mistake(name, "dists", got)
    if labels is None and np.isnan(got).any():
        labels = _rooted_unsquared(ctx, name, got)
    return labels


def _rooted_unsquared(ctx, name, got):
    """("unsquared",) when ``got`` is the square root of the known unsquared sums, NaN where they are
    negative; else None."""
    unsquared = dict(ctx.answers(name, "dists") or ()).get(("unsquared",))
    if unsquared is None:
        return None
    with np.errstate(invalid="ignore"):
        rooted = np.sqrt(np.asarray(unsquared, np.float64))
    nan = np.isnan(rooted)
    same = got.shape == nan.shape and np.array_equal(np.isnan(got), nan) and close(got[~nan], rooted[~nan])
    return ("unsquared",) if same else None


def distance_credible(ctx, name):
    """Failed unless the case's distances are right or a known mistake (the square root of the unsquared
    sums, NaN where they are negative, included): what vouches for the duplicates and speed tests."""
    if "dists" in ctx.answer_keys(name):
        if _named(ctx, name, ctx.array(name, "dists")) is not None:
            return
    credible(ctx, name)


def duplicates(ctx):
    """No NaN, and distance 0, where a test point equals a training point (a transposed matrix, which
    the distances test charges, is read transposed; NaN that follows from a mistake it charges is not
    charged again)."""
    p = ctx.inputs("duplicates")
    got = ctx.array("duplicates", "dists")
    same = np.all(p["X"][:, None, :] == p["X_train"][None, :, :], axis=2)      # the pairs of equal points
    if got.shape == same.shape[::-1] and got.shape != same.shape:
        got = got.T
    require(got.shape == same.shape, f"dists must have shape (num_test, num_train) = {same.shape}, got {got.shape}")
    nans = int(np.isnan(got).sum())
    charged = _named(ctx, "main", ctx.array("main", "dists"))      # a mistake the distances test charges
    if nans and charged:
        return f"not judged apart from the mistake the distances test charges: {ctx.exercise.explain(charged)}"
    require(not nans, f"{nans} of the distances are NaN with {same.sum()} test points equal to training points "
                      f"(values near 120, D = {p['X'].shape[1]}): likely {MISTAKES['nan']}")
    require(np.all(np.isfinite(got)), "some distances are infinite")
    worst = float(np.abs(got[same]).max())
    largest = float(np.sqrt((p["X"] ** 2).sum(axis=1)).max())
    require(worst <= 1e-5 * largest, f"a test point equal to a training point must be at distance 0 from it; "
                                     f"got {worst:.4g}")
    return f"no NaN, and {int(same.sum())} pairs of equal points at distance 0 (within {worst:.1g})"


#: the timed cases: (num_test, num_train) of the no-loop version's (a loop over the test points shows most)
#: and of the one-loop version's (a loop over the training points shows most); D = 3. In the grader, on a
#: shared and loaded machine, a loop over the test points took 88 to 108 baselines and whole-array code 1.4 to
#: 1.6; on the one-loop case, two loops took 277 to 335 and one loop 2.4 to 2.8 (the student's check: 170
#: and 471 for the loops).
SPEED_SIZES = {"rows": (20000, 4), "train": (8, 10000)}
SPEEDS = {
    "compute_distances_no_loops": Speed(
        limits={"speed_rows": 25.0}, workloads={"speed_rows": "on 20000 test points and 4 training points (D = 3)"},
        loop_over="the number of test points", name="speed (no loop over test points)"),
    "compute_distances_one_loop": Speed(
        limits={"speed_train": 25.0}, workloads={"speed_train": "on 8 test points and 10000 training points (D = 3)"},
        loop_over="the number of training points", name="speed (no loop over training points)"),
}


def distance_exercise(method, timed=None):
    properties = [Property("distances", 2, distances),
                  Property("no NaN where a test point equals a training point", 1, duplicates,
                           vouched_by=("main",))]
    if method in SPEEDS:
        properties.append(SPEEDS[method].property())
    return Exercise(name=f"{CLASS}.{method}", path=PATH, function=f"{CLASS}.{method}",
                    call=call_distances(method), family=f"{CLASS} distances (two loops, one loop, no loops)",
                    cases=lambda rng, public: distance_cases(rng, public, timed), properties=properties,
                    mistakes=MISTAKES, baseline=baseline if timed else None, credible=distance_credible)


# ---------------------------------------------------------------- predict_labels

def _nearest_labels(rng, num_test, y_train, counts):
    """Distances (num_test, num_train) whose sum(counts) nearest training points of each row hold
    len(counts) labels, counts[k] points each (3, 1, 1: a clear majority; 2, 2, 1: a tie), in random
    order but on every other row with a point of the last label nearest (its label is then neither the
    vote nor a tied label)."""
    dists = rng.uniform(10, 20, (num_test, len(y_train)))
    for i in range(num_test):
        labels = rng.choice(np.unique(y_train), len(counts), replace=False)
        chosen = rng.permutation(np.concatenate([rng.choice(np.flatnonzero(y_train == label), count, replace=False)
                                                 for label, count in zip(labels, counts)]))
        if i % 2:
            chosen = np.concatenate([chosen[y_train[chosen] == labels[-1]][:1], chosen[y_train[chosen] != labels[-1]]])
        dists[i, chosen] = np.sort(rng.uniform(1, 9, len(chosen)))
    return dists


def label_cases(rng, public):
    """k = 1 on random distances; k = 5 with a clear majority; k = 5 with a tie of two labels. Fewer test
    points than training points, labels 0..5 and 30 training points (indices are told from labels)."""
    num_test, y_train = (12, rng.permutation(np.repeat(np.arange(6), 5)))
    return [Case("k1", {"dists": rng.uniform(1, 20, (num_test, 30)), "y_train": y_train}, {"k": 1}),
            Case("vote", {"dists": _nearest_labels(rng, num_test, y_train, (3, 1, 1)), "y_train": y_train}, {"k": 5}),
            Case("ties", {"dists": _nearest_labels(rng, num_test, y_train, (2, 2, 1)), "y_train": y_train}, {"k": 5})]


def call_labels(module, case):
    p = case.inputs
    model = getattr(module, CLASS)()
    model.train(np.zeros((len(p["y_train"]), 1)), p["y_train"].copy())
    return {"predicted": model.predict_labels(p["dists"].copy(), k=case.options["k"])}


def _labels(a):
    """The first 8 labels, as integers where they are whole: [0 1 3 2]."""
    a = np.ravel(np.asarray(a, np.float64))[:8]
    return "[" + " ".join(f"{v:.0f}" if np.isfinite(v) and v == round(v) else f"{v:g}" for v in a) + "]"


def _charged(ctx, name, got, others):
    """The known mistake of another case among ``others`` whose answer on case ``name`` is ``got`` (another
    test charges it), or None."""
    for other in others:
        labels = ctx.name_mistake(other, "predicted", ctx.value(other, "predicted"))
        if labels and any(found == labels and close(got, value) for found, value in ctx.answers(name, "predicted")):
            return labels
    return None


def labels_judge(name, what, others=()):
    def judge(ctx):
        got, want = ctx.value(name, "predicted"), ctx.want(name, "predicted")
        if np.shape(got) == want.shape and close(got, want):
            return what
        k, num_test = ctx.cases[name].options["k"], len(want)
        require(np.shape(got) == want.shape, f"predict_labels must return one label per test point, shape "
                                           f"{want.shape}; got shape {np.shape(got)} (k = {k})")
        charged = _charged(ctx, name, got, others)
        if charged:
            return f"{what} (apart from the mistake another test charges: {ctx.exercise.explain(charged)})"
        labels = ctx.name_mistake(name, "predicted", got)
        likely = f" Likely {ctx.exercise.explain(labels)}." if labels else ""
        raise Failed(f"with k = {k}: expected labels {_labels(want)}, got {_labels(got)} (the first 8 of "
                     f"{num_test} test points).{likely}")
    return judge


LABEL_PROPERTIES = [
    Property("the nearest neighbour's label (k = 1)", 1, labels_judge("k1", "right with k = 1")),
    Property("the most common label of the k nearest", 1,
             labels_judge("vote", "right with k = 5 and a clear majority", ("k1",))),
    Property("ties broken toward the smaller label", 1,
             labels_judge("ties", "right with k = 5 and a tie of two labels", ("k1", "vote"))),
]

#: where the student meets these exercises: assignment_checks.exercises.EXERCISES is ordered by the steps
STEP = 5

EXERCISES = [
    distance_exercise("compute_distances_two_loops"),
    Exercise(name=f"{CLASS}.predict_labels", path=PATH, function=f"{CLASS}.predict_labels", call=call_labels,
             cases=label_cases, properties=LABEL_PROPERTIES, mistakes=MISTAKES),
    distance_exercise("compute_distances_one_loop", timed="train"),
    distance_exercise("compute_distances_no_loops", timed="rows"),
]

# BEGIN SOLUTION
# ---------------------------------------------------------------- the answers (never released)

#: the ways the vectorized distance is written (tests/test_derivations.py): the squared difference
#: expanded into the two squared norms and the cross term
FORMULAS = [
    r"\^\s*\{?2\}?\s*\+\s*[^=\n]{0,24}?\^\s*\{?2\}?\s*-\s*2",                 # ||x||^2 + ||t||^2 - 2 x.t
    r"\b\w\^\{?2\}?\s*-\s*2\s*\w\w?\s*\+\s*\w\^",                              # a^2 - 2ab + b^2
    r"\(\s*\w\s*-\s*\w\s*\)\s*\^\s*\{?2\}?\s*=",                                # (x - t)^2 = ...
    r"\*\*\s*2\b[^\n]{0,80}-\s*2\s*\*",                                        # sum(X**2) + ... - 2 * ...
    r"-\s*2\s*\*?\s*(np\.(dot|matmul)\(\s*X|X\s*(@|\.dot\()|\\?(x|\w+)\s*[.·]\s*(t|y|b)\b|x\^T|x_i\s*\\cdot)",
    r"\bcross[- ]terms?\b",
    r"\b(matrix multiplication|matrix product)\s+and\s+two\s+broadcast",
]


def _distance_variants(X, T):
    """{labels: matrix}: the L2 distances and each known mistake's."""
    diff = np.asarray(X, np.float64)[:, None, :] - np.asarray(T, np.float64)[None, :, :]
    squared = (diff ** 2).sum(axis=2)
    return {(): np.sqrt(squared), ("squared",): squared, ("l1",): np.abs(diff).sum(axis=2),
            ("unsquared",): diff.sum(axis=2)}


def distance_answers(case):
    p = case.inputs
    if case.name == "duplicates":
        return {}                                  # judged against the inputs: zero where the points are equal
    found = []
    for labels, dists in _distance_variants(p["X"], p["X_train"]).items():
        found += [(labels, dists), (("transposed",) + labels, dists.T)]
    if case.options.get("timed"):
        return {"corner": [(labels, d[:3, :5]) for labels, d in found],
                "total": [(labels, float(d.sum())) for labels, d in found]}
    return {"dists": found}


def _vote(labels, larger=False, first=False):
    """The most common of ``labels`` (the nearest first): a tie to the smaller, the larger, or the first met."""
    counts = np.bincount(labels)
    best = np.flatnonzero(counts == counts.max())
    if first:
        return next(label for label in labels if label in best)
    return best[-1] if larger else best[0]


def label_answers(case):
    p, k = case.inputs, case.options["k"]
    dists, y = p["dists"], p["y_train"]
    order = np.argsort(dists, axis=1, kind="stable")
    wrong_axis = np.argsort(dists, axis=0, kind="stable")
    rows = range(len(dists))
    variants = [((), [_vote(y[order[i, :k]]) for i in rows]),
                (("farthest",), [_vote(y[order[i, ::-1][:k]]) for i in rows]),
                (("axis0",), [_vote(y[wrong_axis[:k, i]]) for i in rows]),
                (("indices",), [_vote(order[i, :k]) for i in rows]),
                (("indices",), list(order[:, 0])),
                (("larger",), [_vote(y[order[i, :k]], larger=True) for i in rows]),
                (("first",), [_vote(y[order[i, :k]], first=True) for i in rows]),
                (("kignored",), list(y[order[:, 0]]))]
    return {"predicted": [(labels, np.array(values, np.float64)) for labels, values in variants]}


for _exercise in EXERCISES:
    _exercise.answers = label_answers if _exercise.name.endswith("predict_labels") else distance_answers
# END SOLUTION
