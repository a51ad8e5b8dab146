"""The two-layer network's training recipe: the fused loss equals TwoLayerNet.loss, and each unit of
train (shuffling, mirroring, schedule, averaging, divergence) does what it says, observed from outside."""
import numpy as np
import pytest

from classifiers.linear_classifier import TrainingDiverged, TrainingDivergedWarning
from softmax_cifar10 import net_recipe
from classifiers.fc_net import FullyConnectedNet, TwoLayerNet
from softmax_cifar10.net_recipe import mirror_half, two_layer_loss_fast


def images(n=120, seed=0, c=3):
    """n tiny images (n, 1, 3, 2) in c classes: class k brightens row k (a mirror image keeps its class)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(c, size=n)
    X = rng.standard_normal((n, 1, 3, 2)) * 0.3
    X[np.arange(n), 0, y, :] += 2.0
    return X, y


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
@pytest.mark.parametrize("reg", [0.0, 0.4])
@pytest.mark.parametrize("shape", [(9, 12), (9, 3, 2, 2)], ids=["rows", "images"])
def test_fast_loss_equals_the_models_loss(dtype, tol, reg, shape):
    model = TwoLayerNet(12, 7, 5, weight_scale=0.8, reg=reg, seed=1, dtype=dtype)
    X = np.random.default_rng(2).standard_normal(shape).astype(dtype)
    y = np.arange(9) % 5
    loss, grads = model.loss(X, y)
    fast_loss, fast_grads = two_layer_loss_fast(model, X, y)
    assert np.asarray(fast_loss).dtype == dtype and fast_loss == pytest.approx(loss, rel=tol)
    assert sorted(fast_grads) == sorted(grads)
    for k in grads:
        assert fast_grads[k].dtype == dtype and fast_grads[k].shape == grads[k].shape
        np.testing.assert_allclose(fast_grads[k], grads[k], rtol=tol * 10, atol=tol * 10 * np.abs(grads[k]).max())


def test_fast_loss_is_stable_and_leaves_its_inputs_alone():
    model = TwoLayerNet(4, 3, 2, weight_scale=1.0, seed=0)
    model.params["b2"] = np.array([1000.0, 0.0])
    X, y = np.random.default_rng(0).standard_normal((5, 4)), np.array([0, 1, 1, 0, 1])
    before = X.copy(), {k: v.copy() for k, v in model.params.items()}
    loss, _ = two_layer_loss_fast(model, X, y)
    assert np.isfinite(loss) and loss == pytest.approx(model.loss(X, y)[0], rel=1e-12)
    np.testing.assert_array_equal(X, before[0])
    assert all(np.array_equal(model.params[k], before[1][k]) for k in model.params)


def test_the_default_loss_is_the_fast_kernel_for_two_layers_and_the_models_own_for_more():
    """Before, the two-layer kernel was the default for every model: a three-layer FullyConnectedNet trained
    its W2 as the class scores' weights and never its W3."""
    X, y = np.random.default_rng(0).standard_normal((6, 5)), np.array([0, 1, 2, 0, 1, 2])
    two = TwoLayerNet(5, 4, 3, weight_scale=0.5, reg=0.1, seed=0)
    fast, own = net_recipe.default_loss(two, X, y), two_layer_loss_fast(two, X, y)
    assert fast[0] == own[0] and all(np.array_equal(fast[1][k], own[1][k]) for k in own[1])
    deep = FullyConnectedNet([4, 4], input_dim=5, num_classes=3, weight_scale=0.5, reg=0.1, dtype=np.float64, seed=0)
    loss, grads = net_recipe.default_loss(deep, X, y)
    expected, expected_grads = deep.loss(X, y)
    assert loss == expected and sorted(grads) == sorted(deep.params)
    assert all(np.array_equal(grads[k], expected_grads[k]) for k in grads)


def test_mirror_half_flips_about_half_of_the_images_in_place():
    X = np.random.default_rng(0).standard_normal((2000, 3, 2, 4))
    out = mirror_half(X.copy(), np.random.default_rng(1))
    flipped = np.all(out == X[..., ::-1], axis=(1, 2, 3))
    kept = np.all(out == X, axis=(1, 2, 3))
    assert np.all(flipped | kept) and 900 < flipped.sum() < 1100
    batch = X.copy()
    assert mirror_half(batch, np.random.default_rng(1)) is batch
    last = mirror_half(X.transpose(0, 2, 3, 1).copy(), np.random.default_rng(1), layout="channels_last")
    np.testing.assert_array_equal(last, out.transpose(0, 2, 3, 1))     # the same images flipped, channels last


def recording_loss(seen):
    def loss(model, X, y):
        seen.append((X.copy(), y.copy()))
        return model.loss(X, y)
    return loss


def test_every_example_once_per_epoch():
    X, y = images(120)
    model = TwoLayerNet(6, 5, 3, weight_scale=0.1, seed=0)
    seen = []
    net_recipe.train(model, X, y, 0.1, num_epochs=2, batch_size=30, loss=recording_loss(seen), seed=0)
    assert len(seen) == 8
    for epoch in (seen[:4], seen[4:]):
        rows = np.concatenate([b[0].reshape(len(b[0]), -1) for b in epoch])
        assert sorted(map(tuple, rows)) == sorted(map(tuple, X.reshape(120, -1)))
    assert not np.array_equal(seen[0][0], seen[4][0])                # a fresh shuffle each epoch


@pytest.mark.parametrize("layout, width", [("channels_first", -1), ("channels_last", -2)])
def test_mirror_trains_on_flipped_images_with_their_labels(layout, width):
    X, y = images(120)
    if layout == "channels_last":
        X = X.transpose(0, 2, 3, 1).copy()
    seen = []
    net_recipe.train(TwoLayerNet(6, 5, 3, seed=0), X, y, 0.1, num_epochs=1, batch_size=120, mirror=True,
                     layout=layout, loss=recording_loss(seen), seed=0)
    (batch, labels), = seen
    originals = {tuple(x.ravel()): label for x, label in zip(X, y)}
    flips = {tuple(np.flip(x, axis=width).ravel()): label for x, label in zip(X, y)}
    kinds = [tuple(x.ravel()) in flips for x in batch]
    assert 30 < sum(kinds) < 90
    for x, label, flipped in zip(batch, labels, kinds):
        assert (flips if flipped else originals)[tuple(x.ravel())] == label


def constant_gradient(model, X, y):
    """A loss whose gradient is 1 everywhere: plain sgd then moves each parameter by -learning_rate."""
    return 0.0, {k: np.ones_like(v) for k, v in model.params.items()}


def test_the_learning_rate_decays_after_every_epoch():
    X, y = images(40)
    model = TwoLayerNet(6, 5, 3, seed=0)
    start = model.params["b2"].copy()
    trajectory = []

    def loss(model, X, y):
        trajectory.append(model.params["b2"][0])
        return constant_gradient(model, X, y)
    net_recipe.train(model, X, y, 0.1, num_epochs=3, batch_size=20, update_rule="sgd", lr_decay=0.5, loss=loss)
    steps = -np.diff(trajectory + [model.params["b2"][0]])
    np.testing.assert_allclose(steps, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025], rtol=1e-12)
    assert model.params["b2"][0] == pytest.approx(start[0] - 0.35)


def test_average_epochs_keeps_the_mean_of_the_last_iterates():
    X, y = images(40)
    model = TwoLayerNet(6, 5, 3, seed=0)
    net_recipe.train(model, X, y, 0.1, num_epochs=4, batch_size=20, update_rule="sgd", average_epochs=1,
                     loss=constant_gradient)
    # the iterates after steps 7 and 8 are -0.7 and -0.8: their mean is -0.75
    np.testing.assert_allclose(model.params["b1"], -0.75, rtol=1e-12)


def test_momentum_is_passed_to_sgd_momentum():
    X, y = images(40)
    model = TwoLayerNet(6, 5, 3, seed=0)
    net_recipe.train(model, X, y, 0.1, num_epochs=1, batch_size=20, momentum=0.5, loss=constant_gradient)
    np.testing.assert_allclose(model.params["b1"], -0.1 - (0.5 * 0.1 + 0.1), rtol=1e-12)


def test_train_learns_and_records_its_history():
    X, y = images(300)
    model = TwoLayerNet(6, 16, 3, weight_scale=0.3, reg=1e-3, seed=0)
    history = net_recipe.train(model, X[:200], y[:200], 0.1, num_epochs=5, batch_size=20, lr_decay=0.9,
                               mirror=True, average_epochs=2, X_val=X[200:], y_val=y[200:], seed=0)
    assert history["iterations"] == 50 and history["epochs"] == 5.0 and len(history["loss"]) == 50
    assert [it for it, _ in history["val_acc"]] == [10, 20, 30, 40, 50]
    assert len(history["seconds"]) == 5 and np.all(np.diff(history["seconds"]) > 0)
    assert net_recipe.accuracy(model, X[200:], y[200:]) > 0.9
    again = TwoLayerNet(6, 16, 3, weight_scale=0.3, reg=1e-3, seed=0)
    net_recipe.train(again, X[:200], y[:200], 0.1, num_epochs=5, batch_size=20, lr_decay=0.9, mirror=True,
                     average_epochs=2, seed=0)
    assert all(np.array_equal(model.params[k], again.params[k]) for k in model.params)


def test_divergence_warns_and_keeps_the_parameters_of_the_last_finite_loss():
    X, y = images(40)
    model = TwoLayerNet(6, 5, 3, weight_scale=0.1, seed=0)
    seen = []

    def loss(model, X, y):
        seen.append(dict(model.params))
        return (np.inf, None) if len(seen) == 3 else model.loss(X, y)
    with pytest.warns(TrainingDivergedWarning, match="training diverged at iteration 3 of 4"):
        history = net_recipe.train(model, X, y, 0.1, num_epochs=2, batch_size=20, loss=loss)
    assert history["iterations"] == 2
    assert all(model.params[k] is seen[1][k] for k in model.params)
    seen.clear()
    with pytest.raises(TrainingDiverged, match="training diverged at iteration 3 of 4"):
        net_recipe.train(TwoLayerNet(6, 5, 3, seed=0), X, y, 0.1, num_epochs=2, batch_size=20, loss=loss,
                         on_diverge="raise")


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(X=np.zeros((10, 7))), ValueError, r"X must hold N >= 1 examples of 6 values each"),
    (dict(mirror=True, X=np.zeros((10, 6))), ValueError, r"mirror flips images: X must be \(N, C, H, W\)"),
    (dict(mirror=True, layout="nchw"), ValueError, r"layout must be one of 'channels_first', 'channels_last'"),
    (dict(y=np.full(40, 3)), ValueError, r"y must hold labels in \[0, 3\)"),
    (dict(update_rule="sgdd"), ValueError, r"update_rule must be one of 'sgd', 'sgd_momentum'"),
    (dict(average_epochs=3), ValueError, r"average_epochs must be at most num_epochs"),
    (dict(lr_decay=0), ValueError, r"lr_decay must be in \(0, 1\]"),
    (dict(X_val=np.zeros((5, 1, 3, 2))), ValueError, r"pass both X_val and y_val"),
    (dict(learning_rate=0), ValueError, r"learning_rate must be a positive number"),
])
def test_bad_input_is_named(kwargs, error, message):
    X, y = images(40)
    args = dict(X=X, y=y, learning_rate=0.1, num_epochs=2)
    args.update(kwargs)
    if "X" in kwargs and "y" not in kwargs:
        args["y"] = y[:len(args["X"])]
    with pytest.raises(error, match=message):
        net_recipe.train(TwoLayerNet(6, 5, 3), **args)


def test_seconds_leave_out_the_time_spent_scoring(monkeypatch):
    clock = {"now": 0.0}

    def perf_counter():
        clock["now"] += 1.0                      # every reading of the clock: one second of training
        return clock["now"]

    def slow_accuracy(model, X, y):
        clock["now"] += 100.0                    # scoring takes 100 seconds
        return 0.5
    monkeypatch.setattr(net_recipe.time, "perf_counter", perf_counter)
    monkeypatch.setattr(net_recipe, "accuracy", slow_accuracy)
    X, y = images(40)
    history = net_recipe.train(TwoLayerNet(6, 5, 3, seed=0), X, y, 0.1, num_epochs=3, batch_size=20,
                               X_val=X, y_val=y)
    assert np.all(np.diff(history["seconds"]) < 100) and history["seconds"][0] < 100
