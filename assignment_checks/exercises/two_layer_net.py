"""CS231n's two-layer network: the layers (classifiers/layers.py), TwoLayerNet.loss (classifiers/fc_net.py)
and the sgd update (classifiers/optim.py).

Each layer is called on its own, with the cache its forward pass makes (the template keeps
``cache = (x, w, b)`` and ``cache = x`` outside the student's part), so a mistake in one layer
costs that layer's tests. TwoLayerNet.loss runs on the student's own layers, as the network does.
Its regularization is CS231n's convention for networks, 0.5 * reg * sum(W**2) per weight matrix.
"""
import numpy as np

from ..framework import Case, Exercise, Failed, Property, require, close, differ

LAYERS, NET, OPTIM = "classifiers/layers.py", "classifiers/fc_net.py", "classifiers/optim.py"

MISTAKES = {
    # affine
    "nobias": "the bias b is not added",
    "dxflat": "dx is left flat, (N, D), instead of in the input's shape (N, d_1, ..., d_k)",
    "dwtransposed": "dw is transposed: (M, D) instead of w's shape (D, M)",
    "dbnotsummed": "db is not summed over the examples of the batch: b is added to every row, so its gradient "
                   "gathers every row's",
    "dbmean": "db is averaged over the batch instead of summed: the upstream derivative already carries the 1/N",
    # ReLU
    "passnegative": "the upstream derivative is passed where the input is negative too: the ReLU is flat there",
    "outputvalues": "dx is the upstream derivative times the ReLU's output values: the derivative of max(0, x) "
                    "is not its value",
    "atzero": "the derivative is passed where the input is exactly 0; the convention is 0 there",
    # the losses
    "sum": "the loss is summed over the examples instead of averaged",
    "gradsum": "the gradient is not divided by N",
    "onehot": "the one-hot term is missing from the gradient: the correct class's score has its own term",
    "sign": "the gradient has the wrong sign",
    "log10": "log10 is used instead of the natural log",
    "countcorrect": "the correct class is counted as a margin: each example adds 1",
    # the network's regularization
    "regW1": "the regularization of W1 is missing",
    "regW2": "the regularization of W2 is missing",
    "regbias": "the biases are regularized too; only the weight matrices are",
    "nohalf": "the 0.5 of CS231n's network convention is dropped: the loss adds 0.5 * reg * sum(W**2) for each "
              "weight matrix, and its gradient follows from that",
    "scoresnotdivided": "the gradient of the scores is not divided by N",
    # sgd
    "uphill": "the step goes up the gradient instead of down",
    "nolearningrate": "the step ignores the learning rate",
}


def _rng_array(rng, *shape, scale=1.0):
    return rng.standard_normal(shape) * scale


# ---------------------------------------------------------------- affine_forward and affine_backward

def affine_cases(rng, public):
    """Images (N, d_1, d_2) and rows (N, D), with D != M so that a transposed dw is told apart."""
    out = []
    for name, xshape, M in (("images", (4, 3, 5), 6), ("rows", (5, 7), 3), ("one", (1, 2, 3, 2), 4)):
        D = int(np.prod(xshape[1:]))
        out.append(Case(name, {"x": _rng_array(rng, *xshape), "w": _rng_array(rng, D, M, scale=0.5),
                               "b": _rng_array(rng, M), "dout": _rng_array(rng, xshape[0], M)}))
    return out


def call_affine_forward(module, case):
    p = case.inputs
    x = p["x"].copy()
    out, _ = module.affine_forward(x, p["w"].copy(), p["b"].copy())
    return {"out": out, "x_after": x}


def call_affine_backward(module, case):
    p = case.inputs
    dx, dw, db = module.affine_backward(p["dout"].copy(), (p["x"].copy(), p["w"].copy(), p["b"].copy()))
    return {"dx": dx, "dw": dw, "db": db}


def _named(ctx, name, key, got):
    labels = ctx.name_mistake(name, key, got)
    return f"likely {ctx.exercise.explain(labels)}" if labels else "it matches none of the known mistakes"


def _shape_of(ctx, name):
    return "x of shape {}".format(ctx.inputs(name)["x"].shape)


def judge_outputs(*keys, kept=None, why=""):
    """A judge: each output ``key`` right on every case, or the mistake named; and the input ``kept``
    (returned by the call as "<kept>_after") left as it was, else Failed saying ``why`` it matters."""
    def judge(ctx):
        for name in ctx.cases:
            for key in keys:
                got, want = ctx.value(name, key), ctx.want(name, key)
                if not close(got, want):
                    where = _shape_of(ctx, name) if "x" in ctx.inputs(name) else f"case {name}"
                    raise Failed(f"wrong {key} ({where}): {_named(ctx, name, key, got)}; {differ(key, want, got)}")
            if kept:
                require(np.array_equal(ctx.value(name, f"{kept}_after"), ctx.inputs(name)[kept]),
                      f"{kept} was modified in place: {why}")
        return "right" + (f", {kept} left as it was" if kept else "")
    return judge


# ---------------------------------------------------------------- relu_forward and relu_backward

def relu_cases(rng, public):
    x = _rng_array(rng, 4, 5)
    x[0, :2] = 0.0                       # exact zeros: the derivative is 0 there by convention
    images = _rng_array(rng, 2, 3, 2, 2)
    return [Case("rows", {"x": x, "dout": _rng_array(rng, 4, 5)}),
            Case("images", {"x": images, "dout": _rng_array(rng, 2, 3, 2, 2)})]


def call_relu_forward(module, case):
    x = case.inputs["x"].copy()
    out, _ = module.relu_forward(x)
    return {"out": out, "x_after": x}


def call_relu_backward(module, case):
    dout = case.inputs["dout"].copy()
    dx = module.relu_backward(dout, case.inputs["x"].copy())
    return {"dx": dx, "dout_after": dout}


# ---------------------------------------------------------------- softmax_loss and svm_loss

def score_cases(rng, public):
    """Scores (N, C) with a class no label takes; scores near 1000 (every score of a row shifted by the
    same constant), and the same rows without it."""
    base = _rng_array(rng, 6, 5, scale=2.0)
    return [Case("main", {"x": _rng_array(rng, 8, 5, scale=2.0), "y": rng.integers(0, 4, 8)}),
            Case("large", {"x": base + rng.uniform(800, 1200, (6, 1)), "y": rng.integers(0, 5, 6)}),
            Case("one", {"x": _rng_array(rng, 1, 7), "y": np.array([6])})]


def call_scores_loss(function):
    def call(module, case):
        loss, dx = getattr(module, function)(case.inputs["x"].copy(), case.inputs["y"].copy())
        return {"loss": loss, "dx": dx}
    return call


def loss_of_scores(ctx):
    for name in ("main", "one"):
        got = ctx.value(name, "loss")
        require(np.ndim(got) == 0, f"the loss must be a scalar; it has shape {np.shape(got)}")
        if not close(got, ctx.want(name, "loss")):
            raise Failed(f"wrong loss: {_named(ctx, name, 'loss', got)}; {differ('loss', ctx.want(name, 'loss'), got)}")
    return "right"


def gradient_of_scores(ctx):
    for name in ("main", "one"):
        got, want = ctx.value(name, "dx"), ctx.want(name, "dx")
        if not close(got, want):
            raise Failed(f"wrong dx: {_named(ctx, name, 'dx', got)}; {differ('dx', want, got)}")
    return "right"


def scores_stability(ctx):
    """Finite for scores near 800..1200; credited only where the loss and dx there are right or a known
    mistake (``vouched_by``), which the value tests charge."""
    x = ctx.inputs("large")["x"]
    loss, dx = ctx.value("large", "loss"), ctx.value("large", "dx")
    require(np.isfinite(loss) and np.all(np.isfinite(dx)),
          f"overflow: with scores as large as {x.max():.0f} the loss came back {loss}: np.exp overflows above "
          f"about 709; every score of a row can be shifted by the same constant without changing the softmax")
    return f"finite for scores as large as {x.max():.0f}"


# ---------------------------------------------------------------- TwoLayerNet.loss

def net_cases(rng, public):
    """A small network (D = 6, H = 7, C = 4) on rows and on images (N, 2, 3); reg 0 and not."""
    reg = round(float(rng.uniform(0.3, 0.9)), 3)
    params = {"W1": _rng_array(rng, 6, 7, scale=0.5), "b1": _rng_array(rng, 7, scale=0.3),
              "W2": _rng_array(rng, 7, 4, scale=0.5), "b2": _rng_array(rng, 4, scale=0.3)}
    X, y = _rng_array(rng, 5, 6), rng.integers(0, 4, 5)
    return [Case("scores", {"X": X, **params, "reg": np.float64(0.0)}),
            Case("reg0", {"X": X, "y": y, **params, "reg": np.float64(0.0)}),
            Case("reg", {"X": X, "y": y, **params, "reg": np.float64(reg)}),
            Case("images", {"X": X.reshape(5, 2, 3), "y": y, **params, "reg": np.float64(reg)})]


def call_net_loss(module, case):
    p = case.inputs
    W1, W2 = p["W1"], p["W2"]
    net = module.TwoLayerNet(W1.shape[0], W1.shape[1], W2.shape[1], reg=float(p["reg"]))
    net.params = {k: p[k].copy() for k in ("W1", "b1", "W2", "b2")}
    if "y" not in p:
        return {"scores": net.loss(p["X"].copy())}
    loss, grads = net.loss(p["X"].copy(), p["y"].copy())
    return {"loss": loss, **{f"d{k}": grads.get(k) for k in ("W1", "b1", "W2", "b2")}}


def net_scores(ctx):
    got, want = ctx.value("scores", "scores"), ctx.want("scores", "scores")
    if not close(got, want):
        raise Failed(f"wrong scores with y=None: {differ('scores', want, got)}")
    return "right"


def net_loss(ctx):
    for name in ("reg0", "reg", "images"):
        got = ctx.value(name, "loss")
        require(np.ndim(got) == 0, f"the loss must be a scalar; it has shape {np.shape(got)}")
        if not close(got, ctx.want(name, "loss")):
            raise Failed(f"wrong loss (reg = {float(ctx.inputs(name)['reg']):g}, X of shape "
                         f"{ctx.inputs(name)['X'].shape}): {_named(ctx, name, 'loss', got)}; "
                         f"{differ('loss', ctx.want(name, 'loss'), got)}")
    return "right, with and without regularization, on rows and on images"


def net_gradients(ctx):
    for name in ("reg0", "reg", "images"):
        for key in ("dW1", "db1", "dW2", "db2"):
            got, want = ctx.value(name, key), ctx.want(name, key)
            if not close(got, want):
                raise Failed(f"wrong grads['{key[1:]}'] (reg = {float(ctx.inputs(name)['reg']):g}): "
                             f"{_named(ctx, name, key, got)}; {differ(key, want, got)}")
    return "right for W1, b1, W2 and b2"


# ---------------------------------------------------------------- sgd

def sgd_cases(rng, public):
    return [Case("step", {"w": _rng_array(rng, 4, 3), "dw": _rng_array(rng, 4, 3),
                          "learning_rate": np.float64(round(float(rng.uniform(0.02, 0.2)), 3))})]


def call_sgd(module, case):
    p = case.inputs
    w, config = module.sgd(p["w"].copy(), p["dw"].copy(), {"learning_rate": float(p["learning_rate"])})
    return {"w": w, "learning_rate": config.get("learning_rate") if isinstance(config, dict) else None}


def sgd_step(ctx):
    got, want = ctx.value("step", "w"), ctx.want("step", "w")
    if not close(got, want):
        raise Failed(f"wrong step: {_named(ctx, 'step', 'w', got)}; {differ('w', want, got)}")
    return "w - learning_rate * dw"


def _layer(function, path, call, cases, properties, mistakes=MISTAKES):
    return Exercise(name=function, path=path, function=function, call=call, cases=cases, properties=properties,
                    mistakes=mistakes)


#: where the student meets these exercises: assignment_checks.exercises.EXERCISES is ordered by the steps
STEP = 60

EXERCISES = [
    _layer("affine_forward", LAYERS, call_affine_forward, affine_cases,
           [Property("out on rows and images", 1, judge_outputs(
               "out", kept="x", why="the backward pass needs it as the forward pass received it"))]),
    _layer("affine_backward", LAYERS, call_affine_backward, affine_cases,
           [Property("dx", 1, judge_outputs("dx")), Property("dw", 1, judge_outputs("dw")),
            Property("db", 1, judge_outputs("db"))]),
    _layer("relu_forward", LAYERS, call_relu_forward, relu_cases, [Property("out", 1, judge_outputs(
        "out", kept="x", why="the backward pass needs the input as it was (np.maximum(x, 0, out=x)?)"))]),
    _layer("relu_backward", LAYERS, call_relu_backward, relu_cases, [Property("dx", 1, judge_outputs(
        "dx", kept="dout", why="work on a copy, the upstream derivative may be needed elsewhere"))]),
    _layer("softmax_loss", LAYERS, call_scores_loss("softmax_loss"), score_cases,
           [Property("loss", 1, loss_of_scores), Property("dx", 1, gradient_of_scores),
            Property("stability with large scores", 1, scores_stability, vouched_by=("large",))]),
    _layer("svm_loss", LAYERS, call_scores_loss("svm_loss"), score_cases,
           [Property("loss", 1, loss_of_scores), Property("dx", 1, gradient_of_scores)]),
    _layer("TwoLayerNet.loss", NET, call_net_loss, net_cases,
           [Property("scores", 1, net_scores), Property("loss with regularization", 1, net_loss),
            Property("gradients", 2, net_gradients)]),
    _layer("sgd", OPTIM, call_sgd, sgd_cases, [Property("one step", 1, sgd_step)]),
]

# BEGIN SOLUTION
# ---------------------------------------------------------------- the answers (never released)

#: the ways the backward passes a student derives here are written (affine, ReLU, the network's
#: backpropagation and its regularization): the student edition states none of them (tests/test_derivations.py)
FORMULAS = [
    r"\bdout\s*(@|\.dot\()\s*w\d?\.T", r"np\.dot\(\s*dout\s*,\s*w\d?\.T",          # dx = dout @ w.T
    r"\bx\w*\.T\s*(@|\.dot\()\s*d(out|scores)", r"np\.dot\(\s*x\w*\.T\s*,\s*d(out|scores)",   # dw = x.T @ dout
    r"\bdout\.sum\(\s*(axis\s*=\s*)?0", r"np\.sum\(\s*dout\s*,\s*(axis\s*=\s*)?0",  # db = dout.sum(axis=0)
    r"\bdout\s*\*\s*\(?\s*x\s*>\s*0", r"np\.where\(\s*x\s*>\s*0\s*,\s*dout",       # dout * (x > 0)
    r"\bdout\[\s*x\s*<=?\s*0\s*\]\s*=\s*0", r"\bdout\b[^.\n]{0,20}\bwhere\s+x\s*>\s*0",
    r"\bd(scores|h\w*)\s*(@|\.dot\()\s*W2\.T", r"\breg\s*\*\s*W\d?\b(?!\s*\*)",
    r"derivative\s+through\s+where\s+the\s+(input|unit)\s+(was|is)\s+(positive|active)",   # the same in words
    r"times where the unit is active", r"x\s*>\s*0,\s*not\s*x\s*>=\s*0", r"(carries|is)\s*\$\\lambda\s*W\$",
]


def affine_answers(case):
    p = case.inputs
    x, w, b, dout = p["x"], p["w"], p["b"], p["dout"]
    rows = x.reshape(x.shape[0], -1)
    dx = dout @ w.T
    return {"out": [((), rows @ w + b), (("nobias",), rows @ w)],
            "dx": [((), dx.reshape(x.shape)), (("dxflat",), dx)],
            "dw": [((), rows.T @ dout), (("dwtransposed",), dout.T @ rows)],
            "db": [((), dout.sum(axis=0)), (("dbnotsummed",), dout), (("dbmean",), dout.mean(axis=0))]}


def relu_answers(case):
    x, dout = case.inputs["x"], case.inputs["dout"]
    return {"out": [((), np.maximum(x, 0))],
            "dx": [((), dout * (x > 0)), (("passnegative",), dout), (("outputvalues",), dout * np.maximum(x, 0)),
                   (("atzero",), dout * (x >= 0))]}


def _softmax_parts(x, y):
    shifted = x - x.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(len(y)), y]), p


def softmax_answers(case):
    x, y = case.inputs["x"], case.inputs["y"]
    n = len(y)
    losses, p = _softmax_parts(x, y)
    onehot = np.eye(x.shape[1])[y]
    return {"loss": [((), losses.mean()), (("sum",), losses.sum()), (("log10",), losses.mean() / np.log(10))],
            "dx": [((), (p - onehot) / n), (("gradsum",), p - onehot), (("onehot",), p / n),
                   (("sign",), (onehot - p) / n)]}


def svm_answers(case):
    x, y = case.inputs["x"], case.inputs["y"]
    n, rows = len(y), np.arange(len(y))
    margins = np.maximum(0, x - x[rows, y][:, None] + 1)
    with_correct = margins.copy()
    margins[rows, y] = 0
    active = (margins > 0).astype(float)
    dx = active.copy()
    dx[rows, y] = -active.sum(axis=1)
    return {"loss": [((), margins.sum() / n), (("sum",), margins.sum()), (("countcorrect",), with_correct.sum() / n)],
            "dx": [((), dx / n), (("gradsum",), dx), (("onehot",), active / n), (("sign",), -dx / n)]}


def net_answers(case):
    """The scores, the loss and the gradients, right and with each regularization or scaling mistake."""
    p = case.inputs
    X, W1, b1, W2, b2, reg = p["X"].reshape(len(p["X"]), -1), p["W1"], p["b1"], p["W2"], p["b2"], float(p["reg"])
    a = X @ W1 + b1
    h = np.maximum(a, 0)
    scores = h @ W2 + b2
    if "y" not in p:
        return {"scores": [((), scores)]}
    losses, prob = _softmax_parts(scores, p["y"])
    dscores = (prob - np.eye(scores.shape[1])[p["y"]]) / len(p["y"])
    out = {"loss": [], "dW1": [], "db1": [], "dW2": [], "db2": []}
    for labels, ds, r1, r2, rb, scale in (((), dscores, 1, 1, 0, 0.5), (("regW1",), dscores, 0, 1, 0, 0.5),
                                          (("regW2",), dscores, 1, 0, 0, 0.5), (("regbias",), dscores, 1, 1, 1, 0.5),
                                          (("nohalf",), dscores, 1, 1, 0, 1.0),
                                          (("scoresnotdivided",), dscores * len(p["y"]), 1, 1, 0, 0.5)):
        dh = ds @ W2.T * (a > 0)
        out["loss"].append((labels, losses.mean() + scale * reg * (r1 * np.sum(W1 ** 2) + r2 * np.sum(W2 ** 2)
                                                                     + rb * (np.sum(b1 ** 2) + np.sum(b2 ** 2)))))
        for key, value in (("dW1", X.T @ dh + 2 * scale * reg * r1 * W1), ("db1", dh.sum(axis=0) + 2 * scale * reg * rb * b1),
                           ("dW2", h.T @ ds + 2 * scale * reg * r2 * W2), ("db2", ds.sum(axis=0) + 2 * scale * reg * rb * b2)):
            out[key].append((labels, value))
    return out


def sgd_answers(case):
    w, dw, lr = case.inputs["w"], case.inputs["dw"], float(case.inputs["learning_rate"])
    return {"w": [((), w - lr * dw), (("uphill",), w + lr * dw), (("nolearningrate",), w - dw)]}


for _exercise, _answers in zip(EXERCISES, (affine_answers, affine_answers, relu_answers, relu_answers,
                                           softmax_answers, svm_answers, net_answers, sgd_answers)):
    _exercise.answers = _answers
# END SOLUTION
