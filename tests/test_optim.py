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
