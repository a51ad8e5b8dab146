"""TwoLayerNet and FullyConnectedNet: CS231n's own checks (values from two_layer_net.ipynb), numerical gradients, the
regularization convention, input checks and, where installed, PyTorch."""
import numpy as np
import pytest

from classifiers.fc_net import FullyConnectedNet, TwoLayerNet
from gradient_check import eval_numerical_gradient, rel_error


def cs231n_net():
    """The network and batch of CS231n's TwoLayerNet check: N, D, H, C = 3, 5, 50, 7, fixed weights."""
    N, D, H, C = 3, 5, 50, 7
    model = TwoLayerNet(input_dim=D, hidden_dim=H, num_classes=C, weight_scale=1e-3)
    model.params["W1"] = np.linspace(-0.7, 0.3, num=D * H).reshape(D, H)
    model.params["b1"] = np.linspace(-0.1, 0.9, num=H)
    model.params["W2"] = np.linspace(-0.3, 0.4, num=H * C).reshape(H, C)
    model.params["b2"] = np.linspace(-0.9, 0.1, num=C)
    X = np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T
    return model, X, np.asarray([0, 5, 1])


def test_initialization_draws_from_numpys_global_state():
    np.random.seed(231)
    model = TwoLayerNet(input_dim=5, hidden_dim=50, num_classes=7, weight_scale=1e-3)
    assert {k: v.shape for k, v in model.params.items()} == {"W1": (5, 50), "b1": (50,), "W2": (50, 7), "b2": (7,)}
    assert abs(model.params["W1"].std() - 1e-3) < 1e-4 and abs(model.params["W2"].std() - 1e-3) < 1e-4
    assert not model.params["b1"].any() and not model.params["b2"].any()
    np.random.seed(231)
    again = TwoLayerNet(input_dim=5, hidden_dim=50, num_classes=7, weight_scale=1e-3)
    assert all(np.array_equal(model.params[k], again.params[k]) for k in model.params)


def test_seed_and_dtype():
    a, b = (TwoLayerNet(6, 4, 3, weight_scale=0.1, seed=5, dtype=np.float32) for _ in range(2))
    assert all(a.params[k].dtype == np.float32 and np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["W1"], TwoLayerNet(6, 4, 3, weight_scale=0.1, seed=6).params["W1"])


def test_cs231n_scores_and_losses():
    model, X, y = cs231n_net()
    expected = [[11.53165108, 12.2917344, 13.05181771, 13.81190102, 14.57198434, 15.33206765, 16.09215096],
                [12.05769098, 12.74614105, 13.43459113, 14.1230412, 14.81149128, 15.49994135, 16.18839143],
                [12.58373087, 13.20054771, 13.81736455, 14.43418138, 15.05099822, 15.66781506, 16.2846319]]
    assert np.abs(model.loss(X) - np.array(expected)).sum() < 1e-6
    assert abs(model.loss(X, y)[0] - 3.4702243556) < 1e-10
    model.reg = 1.0
    # holds with 0.5 * reg * sum(W**2) per weight matrix only (CS231n's convention for networks)
    assert abs(model.loss(X, y)[0] - 26.5948426952) < 1e-10


def test_regularization_is_half_reg_times_the_squared_weights_not_the_biases():
    model, X, y = cs231n_net()
    loss0, grads0 = model.loss(X, y)
    model.reg = 0.3
    loss, grads = model.loss(X, y)
    W1, W2 = model.params["W1"], model.params["W2"]
    assert loss - loss0 == pytest.approx(0.5 * 0.3 * (np.sum(W1 ** 2) + np.sum(W2 ** 2)), rel=1e-12)
    np.testing.assert_allclose(grads["W1"] - grads0["W1"], 0.3 * W1, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads["W2"] - grads0["W2"], 0.3 * W2, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(grads["b1"], grads0["b1"])
    np.testing.assert_array_equal(grads["b2"], grads0["b2"])


@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_gradients_match_numerical_gradients(reg):
    model, X, y = cs231n_net()
    model.reg = reg
    _, grads = model.loss(X, y)
    assert sorted(grads) == ["W1", "W2", "b1", "b2"]
    for name in grads:
        numerical = eval_numerical_gradient(lambda _: model.loss(X, y)[0], model.params[name], verbose=False)
        assert rel_error(numerical, grads[name]) < 1e-6, name


def test_images_and_rows_give_the_same_result():
    model = TwoLayerNet(3 * 4 * 4, 6, 5, weight_scale=0.3, reg=0.1, seed=0)
    X, y = np.random.default_rng(1).standard_normal((7, 3, 4, 4)), np.arange(7) % 5
    loss_img, grads_img = model.loss(X, y)
    loss_rows, grads_rows = model.loss(X.reshape(7, -1), y)
    assert loss_img == loss_rows and all(np.array_equal(grads_img[k], grads_rows[k]) for k in grads_img)
    np.testing.assert_array_equal(model.predict(X), np.argmax(model.loss(X), axis=1))


def test_float32_stays_float32():
    model = TwoLayerNet(8, 6, 3, weight_scale=0.3, reg=0.1, seed=0, dtype=np.float32)
    X = np.random.default_rng(1).standard_normal((5, 8)).astype(np.float32)
    loss, grads = model.loss(X, np.arange(5) % 3)
    assert np.asarray(loss).dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.loss(np.zeros((2, 7))), ValueError, r"X must hold N >= 1 examples of 8 values each"),
    (lambda m: m.loss(np.zeros((0, 8))), ValueError, r"X must hold N >= 1 examples"),
    (lambda m: m.loss(np.zeros((2, 8), dtype=np.int64)), TypeError, r"X must be a floating-point array"),
    (lambda m: m.loss(np.zeros((2, 8)), np.array([0, 3])), ValueError, r"y must hold labels in \[0, 3\)"),
    (lambda m: m.loss(np.zeros((2, 8)), np.array([0])), ValueError, r"y must have one label per row of X"),
    (lambda m: TwoLayerNet(8, 0, 3), ValueError, r"hidden_dim must be a positive integer, got 0"),
    (lambda m: TwoLayerNet(8.5, 2, 3), TypeError, r"input_dim must be a positive integer"),
    (lambda m: TwoLayerNet(8, 2, 3, reg=-1), ValueError, r"reg must be a finite number >= 0"),
    (lambda m: TwoLayerNet(8, 2, 3, weight_scale=-1e-3), ValueError, r"weight_scale must be a finite number >= 0"),
    (lambda m: TwoLayerNet(8, 2, 3, dtype=np.int32), ValueError, r"dtype must be np.float32 or np.float64"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call(TwoLayerNet(8, 4, 3))


@pytest.mark.oracle
def test_matches_pytorch(torch):
    model = TwoLayerNet(12, 9, 4, weight_scale=0.5, reg=0.2, seed=3)
    X, y = np.random.default_rng(4).standard_normal((6, 3, 2, 2)), np.array([0, 1, 2, 3, 0, 1])
    t = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    scores = torch.relu(torch.tensor(X).reshape(6, -1) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y)) + 0.1 * (t["W1"].square().sum() +
                                                                               t["W2"].square().sum())
    loss.backward()
    value, grads = model.loss(X, y)
    assert value == pytest.approx(loss.item(), rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("suffix", [".npz", ".npy"])
def test_save_and_load_round_trip(tmp_path, suffix):
    model = TwoLayerNet(6, 4, 3, weight_scale=0.2, seed=1, dtype=np.float32)
    path = model.save(tmp_path / f"net{suffix}")
    loaded = TwoLayerNet.load(path)
    assert all(loaded.params[k].dtype == np.float32 and np.array_equal(loaded.params[k], model.params[k])
               for k in model.params)
    X = np.random.default_rng(0).standard_normal((5, 6)).astype(np.float32)
    np.testing.assert_array_equal(loaded.loss(X), model.loss(X))


def test_npy_files_are_cs231ns_format(tmp_path):
    model = TwoLayerNet(6, 4, 3, weight_scale=0.2, seed=1)
    model.save(tmp_path / "best_two_layer_net.npy")
    params = np.load(tmp_path / "best_two_layer_net.npy", allow_pickle=True).item()     # what CS231n's load does
    assert sorted(params) == ["W1", "W2", "b1", "b2"] and np.array_equal(params["W1"], model.params["W1"])
    np.save(tmp_path / "theirs.npy", {k: v * 2 for k, v in model.params.items()})        # CS231n's save
    np.testing.assert_array_equal(TwoLayerNet.load(tmp_path / "theirs.npy").params["W2"], 2 * model.params["W2"])


def test_extras_are_kept_and_other_files_refused(tmp_path):
    from classifiers.linear_classifier import Softmax
    model = TwoLayerNet(6, 4, 3, seed=1)
    loaded = TwoLayerNet.load(model.save(tmp_path / "net.npz", mean=np.arange(3.0), note="hi"))
    assert np.array_equal(loaded.extras["mean"], np.arange(3.0)) and str(loaded.extras["note"]) == "hi"
    Softmax(np.zeros((6, 3))).save(tmp_path / "linear.npz")
    with pytest.raises(ValueError, match=r"linear.npz is not a model file saved by this package"):
        TwoLayerNet.load(tmp_path / "linear.npz")
    np.save(tmp_path / "odd.npy", {"W1": np.ones((6, 4)), "b1": np.ones(5), "W2": np.ones((4, 3)), "b2": np.ones(3)})
    with pytest.raises(ValueError, match=r"its parameters do not fit together: W1 \(6, 4\), b1 \(5,\)"):
        TwoLayerNet.load(tmp_path / "odd.npy")
    with pytest.raises(FileNotFoundError, match="no model file at"):
        TwoLayerNet.load(tmp_path / "missing.npz")


def test_predict_proba_is_the_softmax_of_the_scores():
    model = TwoLayerNet(6, 4, 3, weight_scale=0.5, seed=1)
    X = np.random.default_rng(0).standard_normal((5, 6))
    scores = model.loss(X)
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-12)


# ---------------------------------------------------------------- FullyConnectedNet

def fc_net(hidden, reg=0.0, dtype=np.float64, D=7, C=4, scale=0.4):
    """A net with smooth random weights and biases (no ReLU input near its kink), a batch and its labels."""
    model = FullyConnectedNet(hidden, input_dim=D, num_classes=C, reg=reg, weight_scale=scale, dtype=dtype, seed=2)
    rng = np.random.default_rng(3)
    for k in model.params:
        if k.startswith("b"):
            model.params[k] = (0.2 * rng.standard_normal(model.params[k].shape)).astype(dtype)
    return model, rng.standard_normal((5, D)), np.array([0, 3, 1, 2, 3])


def test_fc_initialization_follows_cs231n():
    np.random.seed(231)
    model = FullyConnectedNet([30, 20], input_dim=40, num_classes=10, weight_scale=5e-2)
    assert {k: v.shape for k, v in model.params.items()} == {"W1": (40, 30), "b1": (30,), "W2": (30, 20),
                                                              "b2": (20,), "W3": (20, 10), "b3": (10,)}
    assert all(v.dtype == np.float32 for v in model.params.values()) and model.num_layers == 3
    assert all(abs(model.params[f"W{i}"].std() - 5e-2) < 1e-2 for i in (1, 2, 3))
    assert not any(model.params[f"b{i}"].any() for i in (1, 2, 3))
    np.random.seed(231)
    again = FullyConnectedNet([30, 20], input_dim=40, num_classes=10, weight_scale=5e-2)
    assert all(np.array_equal(model.params[k], again.params[k]) for k in model.params)
    a, b = (FullyConnectedNet([3], input_dim=4, num_classes=2, seed=7) for _ in range(2))
    assert np.array_equal(a.params["W1"], b.params["W1"])


@pytest.mark.parametrize("hidden", [[], [6], [5, 6], [5, 6, 4]], ids=lambda h: f"{len(h) + 1}-layers")
@pytest.mark.parametrize("reg", [0.0, 3.14])
def test_fc_gradients_match_numerical_gradients(hidden, reg):
    model, X, y = fc_net(hidden, reg)
    _, grads = model.loss(X, y)
    assert sorted(grads) == sorted(model.params)
    for name in grads:
        numerical = eval_numerical_gradient(lambda _: model.loss(X, y)[0], model.params[name], verbose=False, h=1e-6)
        assert rel_error(numerical, grads[name]) < 1e-6, name


@pytest.mark.parametrize("hidden", [[], [5, 6]])
def test_fc_float32_agrees_with_float64(hidden):
    model64, X, y = fc_net(hidden, reg=0.5)
    model32 = FullyConnectedNet(hidden, input_dim=7, num_classes=4, reg=0.5, dtype=np.float32)
    model32.params = {k: v.astype(np.float32) for k, v in model64.params.items()}
    loss32, grads32 = model32.loss(X, y)        # float64 X is cast to the network's dtype, as in CS231n
    loss64, grads64 = model64.loss(X, y)
    assert np.asarray(loss32).dtype == np.float32 and model32.loss(X).dtype == np.float32
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for k in grads64:
        assert grads32[k].dtype == np.float32
        np.testing.assert_allclose(grads32[k], grads64[k], rtol=1e-3, atol=1e-5)


def test_fc_regularization_is_half_reg_times_each_weight_matrix_not_the_biases():
    model, X, y = fc_net([5, 6])
    loss0, grads0 = model.loss(X, y)
    model.reg = 0.3
    loss, grads = model.loss(X, y)
    assert loss - loss0 == pytest.approx(0.5 * 0.3 * sum(np.sum(model.params[f"W{i}"] ** 2) for i in (1, 2, 3)),
                                         rel=1e-12)
    for i in (1, 2, 3):
        np.testing.assert_allclose(grads[f"W{i}"] - grads0[f"W{i}"], 0.3 * model.params[f"W{i}"], rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(grads[f"b{i}"], grads0[f"b{i}"])


def test_fc_initial_loss_is_log_c_at_small_weights():
    model = FullyConnectedNet([20, 30], input_dim=15, num_classes=10, weight_scale=1e-3, dtype=np.float64, seed=0)
    loss, _ = model.loss(np.random.default_rng(0).standard_normal((8, 15)), np.arange(8))
    assert loss == pytest.approx(np.log(10), abs=1e-4)


def test_fc_with_one_hidden_layer_is_the_two_layer_net():
    model, X, y = cs231n_net()
    fc = FullyConnectedNet([50], input_dim=5, num_classes=7, dtype=np.float64)
    fc.params = {k: v.copy() for k, v in model.params.items()}
    for reg in (0.0, 1.0):
        model.reg = fc.reg = reg
        (loss, grads), (fc_loss, fc_grads) = model.loss(X, y), fc.loss(X, y)
        assert fc_loss == loss and all(np.array_equal(fc_grads[k], grads[k]) for k in grads)
    np.testing.assert_array_equal(fc.loss(X), model.loss(X))
    np.testing.assert_array_equal(fc.predict(X), model.predict(X))


def test_fc_images_and_rows_give_the_same_result():
    model = FullyConnectedNet([6, 5], input_dim=3 * 4 * 4, num_classes=5, reg=0.1, weight_scale=0.3,
                              dtype=np.float64, seed=0)
    X, y = np.random.default_rng(1).standard_normal((7, 3, 4, 4)), np.arange(7) % 5
    loss_img, grads_img = model.loss(X, y)
    loss_rows, grads_rows = model.loss(X.reshape(7, -1), y)
    assert loss_img == loss_rows and all(np.array_equal(grads_img[k], grads_rows[k]) for k in grads_img)


@pytest.mark.parametrize("call, error, message", [
    (lambda: FullyConnectedNet([4], dropout_keep_ratio=0.5), ValueError,
     r"dropout_keep_ratio must be 1, got 0.5: dropout is part of CS231n's assignment 2"),
    (lambda: FullyConnectedNet([4], normalization="batchnorm"), ValueError,
     r"normalization must be None, got 'batchnorm': batch and layer normalization are part of CS231n's assignment 2"),
    (lambda: FullyConnectedNet(100), TypeError, r"hidden_dims must be a list of ints, got 100"),
    (lambda: FullyConnectedNet("100"), TypeError, r"hidden_dims must be a list of ints, got '100'"),
    (lambda: FullyConnectedNet([4, 0]), ValueError, r"hidden_dims\[1\] must be a positive integer, got 0"),
    (lambda: FullyConnectedNet([4], input_dim=0), ValueError, r"input_dim must be a positive integer"),
    (lambda: FullyConnectedNet([4], reg=-1), ValueError, r"reg must be a finite number >= 0"),
    (lambda: FullyConnectedNet([4], weight_scale=-1), ValueError, r"weight_scale must be a finite number >= 0"),
    (lambda: FullyConnectedNet([4], dtype=np.int32), ValueError, r"dtype must be np.float32 or np.float64"),
    (lambda: FullyConnectedNet([4], input_dim=8).loss(np.zeros((2, 7))), ValueError,
     r"X must hold N >= 1 examples of 8 values each"),
    (lambda: FullyConnectedNet([4], input_dim=8, num_classes=3).loss(np.zeros((2, 8)), np.array([0, 3])),
     ValueError, r"y must hold labels in \[0, 3\)"),
])
def test_fc_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.oracle
def test_fc_matches_pytorch(torch):
    model, X, y = fc_net([5, 6, 4], reg=0.7)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    out = torch.tensor(X)
    for i in (1, 2, 3):
        out = torch.relu(out @ t[f"W{i}"] + t[f"b{i}"])
    scores = out @ t["W4"] + t["b4"]
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y)) + 0.35 * sum(
        t[f"W{i}"].square().sum() for i in (1, 2, 3, 4))
    loss.backward()
    value, grads = model.loss(X, y)
    assert value == pytest.approx(loss.item(), rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("suffix", [".npz", ".npy"])
@pytest.mark.parametrize("hidden", [[], [5, 6]])
def test_fc_save_and_load_round_trip(tmp_path, suffix, hidden):
    model = FullyConnectedNet(hidden, input_dim=7, num_classes=4, weight_scale=0.2, seed=1)
    loaded = FullyConnectedNet.load(model.save(tmp_path / f"net{suffix}"))
    assert loaded.num_layers == len(hidden) + 1 and sorted(loaded.params) == sorted(model.params)
    assert all(loaded.params[k].dtype == np.float32 and np.array_equal(loaded.params[k], model.params[k])
               for k in model.params)
    X = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    np.testing.assert_array_equal(loaded.loss(X), model.loss(X))


def test_fc_load_refuses_what_does_not_fit(tmp_path):
    np.save(tmp_path / "theirs.npy", TwoLayerNet(6, 4, 3, seed=1).params)        # CS231n's save: any depth
    assert FullyConnectedNet.load(tmp_path / "theirs.npy").num_layers == 2
    TwoLayerNet(6, 4, 3, seed=1).save(tmp_path / "two.npz")
    with pytest.raises(ValueError, match=r"two.npz is not a model file saved by this package"):
        FullyConnectedNet.load(tmp_path / "two.npz")
    np.save(tmp_path / "gap.npy", {"W1": np.ones((6, 4)), "b1": np.ones(4), "W2": np.ones((5, 3)), "b2": np.ones(3)})
    with pytest.raises(ValueError, match=r"its parameters do not fit together: W1 \(6, 4\), W2 \(5, 3\)"):
        FullyConnectedNet.load(tmp_path / "gap.npy")
    np.save(tmp_path / "skip.npy", {"W1": np.ones((6, 4)), "b1": np.ones(4), "W3": np.ones((4, 3)), "b3": np.ones(3)})
    with pytest.raises(ValueError, match=r"is not a model file saved by this package"):
        FullyConnectedNet.load(tmp_path / "skip.npy")
    np.save(tmp_path / "norm.npy", {**TwoLayerNet(6, 4, 3).params, "gamma1": np.ones(4)})      # assignment 2's
    with pytest.raises(ValueError, match=r"its parameters do not fit together: .*gamma1"):
        FullyConnectedNet.load(tmp_path / "norm.npy")
    with pytest.raises(FileNotFoundError, match="no model file at"):
        FullyConnectedNet.load(tmp_path / "missing.npz")
