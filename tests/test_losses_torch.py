"""classifiers.losses against torch.nn.functional: values and gradients, every option and shape.

Each case is generated from its own seed and checked alone: loss and input
gradient must agree to 1e-10 (float64) or 1e-5 (float32 input or output), relative to the
largest magnitude of PyTorch's result. The upstream gradient is random, so
gradients of reduction "none" are checked in every direction.
"""
import itertools

import numpy as np
import pytest

from classifiers import losses as L

pytestmark = [pytest.mark.oracle, pytest.mark.filterwarnings("ignore:reduction. .mean. divides:UserWarning")]

SHAPES = {"(C,)": (), "(N,C)": (6,), "(N,C,d1)": (3, 5), "(N,C,d1,d2)": (2, 3, 2)}
C = 4


def _cases():
    cases = []
    for seed, shape, weight, ignore, red, eps, dtype, kind in itertools.product(
            (0, 1), SHAPES, (False, True), ("default", "class 1", "none"), ("mean", "sum", "none"),
            (0.0, 0.3), ("float64", "float32"), ("index", "prob")):
        if kind == "prob" and ignore != "default":
            continue
        cases.append(("cross_entropy", dict(seed=seed, shape=shape, weight=weight, ignore=ignore,
                                            reduction=red, eps=eps, dtype=dtype, kind=kind)))
    for shape, weight, ignore, red, dtype in itertools.product(
            SHAPES, (False, True), ("default", "class 1", "none"), ("mean", "sum", "none"), ("float64", "float32")):
        cases.append(("nll_loss", dict(seed=2, shape=shape, weight=weight, ignore=ignore, reduction=red, dtype=dtype)))
    for seed, shape, weight, red, dtype in itertools.product(
            (3, 4), ((5,), (3, 4), (2, 3, 2)), (False, True), ("mean", "sum", "none"), ("float64", "float32")):
        cases.append(("binary_cross_entropy", dict(seed=seed, shape=shape, weight=weight, reduction=red, dtype=dtype)))
        for pos in (False, True):
            cases.append(("binary_cross_entropy_with_logits",
                          dict(seed=seed, shape=shape, weight=weight, pos_weight=pos, reduction=red, dtype=dtype)))
    for seed, shape, red, log_target, dtype in itertools.product(
            (5, 6), ((5,), (3, 4), (2, 3, 2)), ("mean", "sum", "none", "batchmean"), (False, True),
            ("float64", "float32")):
        cases.append(("kl_div", dict(seed=seed, shape=shape, reduction=red, log_target=log_target, dtype=dtype)))
    for name, dim, dtype, cast in itertools.product(("softmax", "log_softmax"), (0, 1, -1), ("float64", "float32"),
                                                    (None, "float64", "float32")):
        cases.append((name, dict(seed=7, shape=(3, 4, 5), dim=dim, dtype=dtype, cast=cast)))
    return cases


CASES = _cases()


def test_enough_cases():
    assert len(CASES) >= 1000


def _make(name, p, torch):
    rng = np.random.default_rng(p["seed"])
    dt = np.dtype(p["dtype"])
    kwargs, tkwargs = {}, {}
    if name in ("cross_entropy", "nll_loss"):
        rest = SHAPES[p["shape"]]
        xshape = (C,) if not rest else (rest[0], C) + rest[1:]
        tshape = () if not rest else (rest[0],) + rest[1:]
        x = rng.standard_normal(xshape) * 3
        if name == "nll_loss":
            x = np.log(np.exp(x) / np.exp(x).sum(axis=0 if not rest else 1, keepdims=True))
        if p.get("kind") == "prob":
            t = rng.dirichlet(np.ones(C), size=int(np.prod(tshape, dtype=int))).reshape(tshape + (C,))
            t = np.moveaxis(t, -1, 0 if not rest else 1).astype(dt)
            tt = torch.tensor(t)
        else:
            t = rng.integers(0, C, tshape)
            if p["ignore"] != "none":
                ign = -100 if p["ignore"] == "default" else 1
                t = np.where(rng.random(tshape) < 0.25, ign, t) if p["ignore"] == "default" else t
                if p["ignore"] == "class 1":
                    kwargs["ignore_index"] = tkwargs["ignore_index"] = 1
            tt = torch.tensor(t)
        if p["weight"]:
            w = (rng.random(C) + 0.2).astype(dt)
            kwargs["weight"], tkwargs["weight"] = w, torch.tensor(w)
        if name == "cross_entropy":
            kwargs["label_smoothing"] = tkwargs["label_smoothing"] = p["eps"]
    elif name == "binary_cross_entropy":
        x = rng.random(p["shape"])
        x.flat[0] = 0.0                           # exercise the log clamp
        t = rng.random(p["shape"]).astype(dt)
        tt = torch.tensor(t)
        if p["weight"]:
            w = rng.random(p["shape"][-1:]).astype(dt)
            kwargs["weight"], tkwargs["weight"] = w, torch.tensor(w)
    elif name == "binary_cross_entropy_with_logits":
        x = rng.standard_normal(p["shape"]) * 5
        x.flat[0] = 50.0
        t = rng.random(p["shape"]).astype(dt)
        tt = torch.tensor(t)
        if p["weight"]:
            w = rng.random(p["shape"][-1:]).astype(dt)
            kwargs["weight"], tkwargs["weight"] = w, torch.tensor(w)
        if p["pos_weight"]:
            pw = (rng.random(p["shape"][-1:]) * 3).astype(dt)
            kwargs["pos_weight"], tkwargs["pos_weight"] = pw, torch.tensor(pw)
    elif name == "kl_div":
        x = np.log(rng.dirichlet(np.ones(p["shape"][-1]), size=p["shape"][:-1]))
        t = rng.dirichlet(np.ones(p["shape"][-1]), size=p["shape"][:-1])
        t.flat[0] = 0.0                           # 0 * log 0 counts as 0
        if p["log_target"]:
            t = np.log(t + 1e-30)
            kwargs["log_target"] = tkwargs["log_target"] = True
        t = t.astype(dt)
        tt = torch.tensor(t)
    else:
        x = rng.standard_normal(p["shape"]) * 10
        kwargs["dim"] = tkwargs["dim"] = p["dim"]
        if p["cast"]:                             # computed in another dtype than the input's
            kwargs["dtype"], tkwargs["dtype"] = np.dtype(p["cast"]), getattr(torch, p["cast"])
        t = tt = None
    if "reduction" in p:
        kwargs["reduction"] = tkwargs["reduction"] = p["reduction"]
    return x.astype(dt), t, tt, kwargs, tkwargs


@pytest.mark.parametrize("name,params", CASES,
                         ids=[f"{n}-{i}-" + "-".join(f"{v}" for v in p.values()) for i, (n, p) in enumerate(CASES)])
def test_matches_pytorch(torch, name, params):
    import torch.nn.functional as F
    x, t, tt, kwargs, tkwargs = _make(name, params, torch)
    xt = torch.tensor(x, requires_grad=True)
    args, targs = ((x,), (xt,)) if t is None else ((x, t), (xt, tt))
    ref = getattr(F, name)(*targs, **tkwargs)
    rng = np.random.default_rng(99)
    g = rng.standard_normal(tuple(ref.shape)).astype(x.dtype)
    ref.backward(torch.tensor(g))
    out, grad = getattr(L, name)(*args, **kwargs, return_grad=True, grad_output=g)
    ref_out, ref_grad = ref.detach().numpy(), xt.grad.numpy()
    tol = 1e-10 if x.dtype == ref_out.dtype == np.float64 else 1e-5     # float32 anywhere: float32's tolerance
    assert np.asarray(out).shape == ref_out.shape
    assert np.asarray(out).dtype == ref_out.dtype and grad.dtype == ref_grad.dtype
    np.testing.assert_allclose(out, ref_out, rtol=tol, atol=tol * _scale(ref_out), equal_nan=True)
    np.testing.assert_allclose(grad, ref_grad, rtol=tol, atol=tol * _scale(ref_grad))


def _scale(a):
    """The largest finite magnitude in a (at least 1): absolute tolerances are relative to it."""
    finite = np.abs(a[np.isfinite(a)])
    return max(1.0, float(finite.max())) if finite.size else 1.0


@pytest.mark.parametrize("eps", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_all_ignored_and_minus_inf_like_pytorch(torch, eps, weighted):
    import torch.nn.functional as F
    x = np.array([[0.5, -np.inf, 1.0], [-np.inf, 2.0, 0.0], [1.0, 2.0, 3.0]])
    w = np.array([1.0, 2.0, 0.5]) if weighted else None
    for target in (np.array([0, 1, -100]), np.array([-100, -100, -100])):
        xt = torch.tensor(x, requires_grad=True)
        ref = F.cross_entropy(xt, torch.tensor(target), weight=None if w is None else torch.tensor(w),
                              label_smoothing=eps)
        ref.backward()
        out, grad = L.cross_entropy(x, target, weight=w, label_smoothing=eps, return_grad=True)
        np.testing.assert_allclose(out, ref.item(), rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-12, atol=1e-15, equal_nan=True)


EMPTY = [(name, shape, dim) for name in ("softmax", "log_softmax")
         for shape, dims in (((0,), (0,)), ((3, 0), (0, 1)), ((0, 4), (0, 1)), ((2, 0, 3), (0, 1, 2)))
         for dim in dims]


@pytest.mark.parametrize("name,shape,dim", EMPTY)
def test_softmax_of_an_empty_input_like_pytorch(torch, name, shape, dim):
    import torch.nn.functional as F
    x = np.zeros(shape)
    xt = torch.tensor(x, requires_grad=True)
    ref = getattr(F, name)(xt, dim)
    ref.sum().backward()
    out, grad = getattr(L, name)(x, dim, return_grad=True)
    assert out.shape == tuple(ref.shape) and grad.shape == tuple(xt.grad.shape)
    assert out.dtype == np.float64 and grad.dtype == np.float64


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kind", ["index", "prob", "index weighted", "index smoothed", "(0, C, 2) index",
                                  "(0, 0) index", "(0, 0) prob", "(0, 0, 3) index"])
def test_class_losses_of_an_empty_batch_like_pytorch(torch, kind, reduction):
    """An empty batch (N = 0, even with C = 0): the mean is 0 / 0 = nan, the gradient empty."""
    import torch.nn.functional as F
    shape = {"(0, C, 2)": (0, 4, 2), "(0, 0)": (0, 0), "(0, 0, 3)": (0, 0, 3)}.get(kind.rsplit(" ", 1)[0], (0, 4))
    x = np.zeros(shape)
    t = np.zeros(x.shape, np.float64) if kind.endswith("prob") else np.zeros((0,) + x.shape[2:], np.int64)
    kwargs = {"reduction": reduction}
    tkwargs = dict(kwargs)
    if kind == "index weighted":
        kwargs["weight"], tkwargs["weight"] = np.ones(4), torch.ones(4, dtype=torch.float64)
    if kind == "index smoothed":
        kwargs["label_smoothing"] = tkwargs["label_smoothing"] = 0.2
    for name in ("cross_entropy",) if kind.endswith("prob") or "smoothed" in kind else ("cross_entropy", "nll_loss"):
        xt = torch.tensor(x, requires_grad=True)
        ref = getattr(F, name)(xt, torch.tensor(t), **tkwargs)
        ref.sum().backward()
        out, grad = getattr(L, name)(x, t, **kwargs, return_grad=True)
        assert np.shape(out) == tuple(ref.shape) and grad.shape == tuple(xt.grad.shape)
        np.testing.assert_array_equal(out, ref.detach().numpy())      # nan for "mean", as in PyTorch


@pytest.mark.parametrize("ignore_index", [-100, -1, 0, 1, 3])
def test_probability_targets_refuse_ignore_index_like_pytorch(torch, ignore_index):
    import torch.nn.functional as F
    rng = np.random.default_rng(8)
    x, t = rng.standard_normal((3, 4)), rng.dirichlet(np.ones(4), size=3)
    try:
        ref = F.cross_entropy(torch.tensor(x), torch.tensor(t), ignore_index=ignore_index).item()
    except RuntimeError as exc:
        assert "ignore_index is not supported" in str(exc)
        with pytest.raises(ValueError, match=rf"ignore_index is not supported with probability targets.*"
                                             rf"got ignore_index={ignore_index}"):
            L.cross_entropy(x, t, ignore_index=ignore_index)
    else:
        assert L.cross_entropy(x, t, ignore_index=ignore_index) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("name", L.__all__)
def test_arguments_land_where_pytorch_puts_them(torch, name):
    """Our positional parameters are PyTorch's first ones, in order; the rest are keyword-only
    and each is a PyTorch parameter with the same default."""
    import inspect
    import torch.nn.functional as F
    ours = inspect.signature(getattr(L, name)).parameters.values()
    theirs = list(inspect.signature(getattr(F, name)).parameters.values())
    positional = [p.name for p in ours if p.kind == p.POSITIONAL_OR_KEYWORD]
    assert positional == [p.name for p in theirs[:len(positional)]]
    defaults = {p.name: p.default for p in theirs}
    for p in ours:
        if p.kind == p.KEYWORD_ONLY and p.name not in ("return_grad", "grad_output"):
            assert p.name in defaults
            if p.name != "dtype":                       # torch's dtype default None is ours too
                assert p.default == defaults[p.name], p.name
            else:
                assert p.default is None and defaults[p.name] is None
