"""The update rules of classifiers.optim: hand-computed steps, their defaults, and PyTorch's optimizers."""
import numpy as np
import pytest

from classifiers import optim


def test_sgd_takes_one_step_against_the_gradient():
    w, dw = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    next_w, config = optim.sgd(w, dw, {"learning_rate": 0.1})
    np.testing.assert_allclose(next_w, [0.95, -2.4], rtol=1e-15)
    assert optim.sgd(w.copy(), dw)[1] == {"learning_rate": 1e-2}


def test_sgd_momentum_accumulates_a_velocity():
    w, dw = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    w1, config = optim.sgd_momentum(w, dw, {"learning_rate": 0.1, "momentum": 0.5})
    np.testing.assert_allclose(w1, w - 0.1 * dw)                   # v = -lr * dw
    w2, config = optim.sgd_momentum(w1, dw, config)
    np.testing.assert_allclose(config["velocity"], 0.5 * (-0.1 * dw) - 0.1 * dw)
    np.testing.assert_allclose(w2, w1 + config["velocity"])
    _, defaults = optim.sgd_momentum(w, dw)
    assert defaults["learning_rate"] == 1e-2 and defaults["momentum"] == 0.9


def test_rmsprop_and_adam_defaults_and_first_steps():
    w, dw = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    w1, config = optim.rmsprop(w, dw)
    s = 0.01 * dw ** 2
    np.testing.assert_allclose(w1, w - 1e-2 * dw / (np.sqrt(s) + 1e-8))
    assert (config["decay_rate"], config["epsilon"]) == (0.99, 1e-8)
    w1, config = optim.adam(w, dw)
    # at t = 1 the corrected averages are dw and dw**2: the step is learning_rate * sign(dw)
    np.testing.assert_allclose(w1, w - 1e-3 * np.sign(dw), rtol=1e-7)
    assert (config["t"], config["beta1"], config["beta2"]) == (1, 0.9, 0.999)


@pytest.mark.parametrize("rule", ["sgd", "sgd_momentum", "rmsprop", "adam"])
def test_rules_keep_float32(rule):
    w, dw = np.ones(3, np.float32), np.full(3, 0.5, np.float32)
    config = None
    for _ in range(2):
        w, config = optim.UPDATE_RULES[rule](w, dw, config)
    assert w.dtype == np.float32


@pytest.mark.oracle
@pytest.mark.parametrize("rule, make", [
    ("sgd_momentum", lambda torch, p: torch.optim.SGD(p, lr=0.05, momentum=0.8)),
    ("rmsprop", lambda torch, p: torch.optim.RMSprop(p, lr=0.05, alpha=0.9, eps=1e-8)),
    ("adam", lambda torch, p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.95), eps=1e-8)),
])
def test_rules_take_pytorchs_steps(torch, rule, make):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 4))
    config = {"learning_rate": 0.05, "momentum": 0.8, "decay_rate": 0.9, "beta1": 0.8, "beta2": 0.95}
    t = torch.tensor(w.copy(), requires_grad=True)
    opt = make(torch, [t])
    for _ in range(5):
        dw = rng.standard_normal(w.shape)
        w, config = optim.UPDATE_RULES[rule](w, dw, config)
        t.grad = torch.tensor(dw)
        opt.step()
    np.testing.assert_allclose(w, t.detach().numpy(), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- the exercises: several steps, CS231n's figures

def run(rule, w, dws, config):
    """w after each step of ``rule`` (the config passed from call to call) and the last config."""
    ws = []
    for dw in dws:
        w, config = optim.UPDATE_RULES[rule](w, dw, config)
        ws.append(w)
    return np.array(ws), config


def reference(rule, w, dws, lr, a=0.9, b=0.999, eps=1e-8):
    """Each rule written out from its paper's definition, one step per loop, its state in local variables."""
    first, second, ws = np.zeros_like(w), np.zeros_like(w), []
    for t, dw in enumerate(dws, start=1):
        if rule == "sgd_momentum":             # a: momentum
            first = a * first - lr * dw
            w = w + first
        elif rule == "rmsprop":                # a: decay_rate
            second = a * second + (1 - a) * dw * dw
            w = w - lr * dw / (np.sqrt(second) + eps)
        else:                                  # a, b: beta1, beta2
            first, second = a * first + (1 - a) * dw, b * second + (1 - b) * dw * dw
            w = w - lr * (first / (1 - a ** t)) / (np.sqrt(second / (1 - b ** t)) + eps)
        ws.append(w)
    return np.array(ws)


@pytest.mark.parametrize("rule, config, args", [
    ("sgd_momentum", {"learning_rate": 0.05, "momentum": 0.7}, dict(lr=0.05, a=0.7)),
    ("sgd_momentum", None, dict(lr=1e-2, a=0.9)),
    ("rmsprop", {"learning_rate": 0.03, "decay_rate": 0.9, "epsilon": 1e-6}, dict(lr=0.03, a=0.9, eps=1e-6)),
    ("rmsprop", None, dict(lr=1e-2, a=0.99)),
    ("adam", {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6}, dict(lr=0.02, a=0.8, b=0.95, eps=1e-6)),
    ("adam", None, dict(lr=1e-3)),
])
def test_rules_over_several_steps_match_a_written_out_reference(rule, config, args):
    rng = np.random.default_rng(1)
    w, dws = rng.standard_normal((3, 4)), rng.standard_normal((6, 3, 4))
    ws, last = run(rule, w.copy(), dws, config)
    np.testing.assert_allclose(ws, reference(rule, w, dws, **args), rtol=1e-12, atol=1e-14)
    assert last.get("t", 6) == 6


N, D = 4, 5
W0 = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
DW0 = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
STATE0 = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)


def test_cs231n_sgd_momentum_figures():
    """FullyConnectedNets.ipynb (CS231n 2025): corners of expected_next_w and expected_velocity."""
    config = {"learning_rate": 1e-3, "velocity": STATE0.copy()}
    next_w, config = optim.sgd_momentum(W0, DW0, config)
    np.testing.assert_allclose(next_w[[0, 0, 3], [0, 1, 4]], [0.1406, 0.20738947, 1.4096], rtol=1e-7)
    np.testing.assert_allclose(config["velocity"][[0, 0, 3], [0, 1, 4]], [0.5406, 0.55475789, 0.8096], rtol=1e-7)


def test_cs231n_rmsprop_figures():
    config = {"learning_rate": 1e-2, "cache": STATE0.copy()}
    next_w, config = optim.rmsprop(W0, DW0, config)
    np.testing.assert_allclose(next_w[[0, 0, 3], [0, 1, 4]], [-0.39223849, -0.34037513, 0.59576619], rtol=1e-7)
    np.testing.assert_allclose(config["cache"][[0, 0, 3], [0, 1, 4]], [0.5976, 0.6126277, 0.8926], rtol=1e-7)


def test_cs231n_adam_figures():
    """t = 5 given: this step is the sixth, counted before the bias correction uses it."""
    config = {"learning_rate": 1e-2, "m": STATE0.copy(), "v": np.linspace(0.7, 0.5, num=N * D).reshape(N, D), "t": 5}
    next_w, config = optim.adam(W0, DW0, config)
    np.testing.assert_allclose(next_w[[0, 0, 3], [0, 1, 4]], [-0.40094747, -0.34836187, 0.59801459], rtol=1e-7)
    np.testing.assert_allclose(config["v"][[0, 3], [0, 4]], [0.69966, 0.49966], rtol=1e-7)
    np.testing.assert_allclose(config["m"][[0, 3], [0, 4]], [0.48, 0.85], rtol=1e-7)
    assert config["t"] == 6


@pytest.mark.parametrize("rule, state", [("sgd_momentum", "velocity"), ("rmsprop", "cache"), ("adam", "m")])
def test_the_callers_state_array_is_not_changed_in_place(rule, state):
    given = STATE0.copy()
    optim.UPDATE_RULES[rule](W0.copy(), DW0, {state: given})
    np.testing.assert_array_equal(given, STATE0)
