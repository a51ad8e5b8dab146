"""Solver: CS231n's training loop, its bookkeeping, options and checks, on small problems."""
import re

import numpy as np
import pytest

from classifiers.linear_classifier import TrainingDiverged, TrainingDivergedWarning
from classifiers.fc_net import TwoLayerNet
from classifiers.solver import Solver


def blobs(n=300, d=6, c=3, seed=0):
    """Three separated Gaussian blobs, split into train (first 2/3) and validation."""
    rng = np.random.default_rng(seed)
    y = rng.integers(c, size=n)
    X = rng.standard_normal((n, d)) + 3 * np.eye(c, d)[y]
    k = 2 * n // 3
    return {"X_train": X[:k], "y_train": y[:k], "X_val": X[k:], "y_val": y[k:]}


def solver(data=None, **options):
    model = TwoLayerNet(6, 10, 3, weight_scale=0.1, seed=0)
    settings = dict(optim_config={"learning_rate": 0.1}, batch_size=20, num_epochs=4, verbose=False, seed=0)
    settings.update(options)
    return Solver(model, blobs() if data is None else data, **settings)


def test_train_learns_and_keeps_its_histories():
    s = solver()
    s.train()
    assert len(s.loss_history) == 4 * (200 // 20)
    assert np.mean(s.loss_history[-10:]) < 0.5 * np.mean(s.loss_history[:3])
    assert len(s.train_acc_history) == len(s.val_acc_history) == 5          # at the start and every epoch's end
    assert s.best_val_acc == max(s.val_acc_history) > 0.9 and s.epoch == 4


def test_the_best_validation_parameters_are_kept():
    s = solver(optim_config={"learning_rate": 0.5}, num_epochs=6)
    seen = []
    original = s._check_epoch

    def record():
        original()
        seen.append(({k: v.copy() for k, v in s.model.params.items()}, s.val_acc_history[-1]))
    s._check_epoch = record
    s.train()
    best_params, best_acc = max(seen, key=lambda item: item[1])            # the first of the best
    assert s.best_val_acc == best_acc
    assert all(np.array_equal(s.model.params[k], best_params[k]) for k in best_params)
    assert s.check_accuracy(s.X_val, s.y_val) == best_acc


def test_learning_rate_decays_after_every_epoch():
    s = solver(lr_decay=0.5, num_epochs=3)
    s.train()
    assert all(c["learning_rate"] == pytest.approx(0.1 * 0.5 ** 3) for c in s.optim_configs.values())


def test_minibatches_are_drawn_with_replacement_from_numpys_global_state():
    s = solver(seed=None, batch_size=7, num_epochs=1)
    batches = []
    loss = s.model.loss
    s.model.loss = lambda X, y=None: batches.append((X, y)) or loss(X, y) if y is not None else loss(X)
    np.random.seed(3)
    s.train()
    expected = np.random.RandomState(3).choice(200, 7)
    X, y = batches[0]
    np.testing.assert_array_equal(X, s.X_train[expected])
    np.testing.assert_array_equal(y, s.y_train[expected])
    assert {len(b[1]) for b in batches} == {7} and len(batches) == 200 // 7


def test_seeded_and_global_runs_repeat():
    runs = [solver(seed=1) for _ in range(2)]
    for s in runs:
        s.train()
    assert runs[0].loss_history == runs[1].loss_history
    a, b = solver(seed=None), solver(seed=None)
    for s in (a, b):
        np.random.seed(7)
        s.train()
    assert a.loss_history == b.loss_history


@pytest.mark.parametrize("rule, rate", [("sgd", 0.1), ("sgd_momentum", 0.02), ("rmsprop", 1e-2), ("adam", 1e-2)])
def test_update_rules_by_name(rule, rate):
    s = solver(update_rule=rule, optim_config={"learning_rate": rate})
    s.train()
    assert s.best_val_acc > 0.8


def test_an_update_rule_may_be_a_function():
    calls = []

    def halve(w, dw, config):
        calls.append(config)
        return w * 0.5, config
    s = solver(update_rule=halve, optim_config={"learning_rate": 1.0}, num_epochs=1)
    w0 = s.model.params["W1"].copy()
    s.train()
    assert len(calls) == 4 * 10
    assert s.model.params["W1"] is not w0


def test_checkpoints_are_npz_without_pickles(tmp_path):
    s = solver(checkpoint_name=str(tmp_path / "run"), num_epochs=2)
    s.train()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run_epoch_0.npz", "run_epoch_1.npz", "run_epoch_2.npz"]
    with np.load(tmp_path / "run_epoch_2.npz", allow_pickle=False) as f:
        assert int(f["epoch"]) == 2 and f["params/W1"].shape == (6, 10)
        assert len(f["loss_history"]) == 20 and len(f["val_acc_history"]) == 3


def test_verbose_prints_cs231ns_lines(capsys):
    solver(verbose=True, print_every=5, num_epochs=1).train()
    out = capsys.readouterr().out
    assert out.startswith("(Iteration 1 / 10) loss: ")
    assert re.search(r"^\(Epoch 1 / 1\) train acc: \d\.\d{6}; val_acc: \d\.\d{6}$", out, re.M)


def test_divergence_warns_stops_and_keeps_the_best_parameters():
    s = solver(optim_config={"learning_rate": 1e30}, num_epochs=3)
    with pytest.warns(TrainingDivergedWarning, match=r"training diverged at iteration \d+ of 30"):
        s.train()
    assert all(np.isfinite(v).all() for v in s.model.params.values())
    assert len(s.loss_history) < 30
    with pytest.raises(TrainingDiverged):
        solver(optim_config={"learning_rate": 1e30}, on_diverge="raise").train()


@pytest.mark.parametrize("options, error, message", [
    (dict(update_rule="sgdd"), ValueError, r"update_rule must be one of 'sgd', 'sgd_momentum'"),
    (dict(batch_size=0), ValueError, r"batch_size must be a positive integer"),
    (dict(num_epochs=1.5), TypeError, r"num_epochs must be a positive integer"),
    (dict(lr_decay=1.5), ValueError, r"lr_decay must be in \(0, 1\]"),
    (dict(optim_config={"learning_rate": -1}), ValueError, r"optim_config\['learning_rate'\] must be a positive"),
    (dict(data={"X_train": np.zeros((4, 6))}), ValueError, r"data lacks y_train, X_val, y_val"),
    (dict(data={**blobs(), "y_train": np.zeros(3, int)}), ValueError, r"data\['y_train'\] must have one label"),
    (dict(data={**blobs(), "X_val": np.zeros((100, 5))}), ValueError, r"must hold examples of the same shape"),
    (dict(data={**blobs(), "X_train": np.full((200, 6), np.nan)}), ValueError, r"data\['X_train'\] contains NaN"),
    (dict(on_diverge="ignore"), ValueError, r"on_diverge must be one of 'warn', 'raise'"),
])
def test_bad_settings_are_named(options, error, message):
    with pytest.raises(error, match=message):
        solver(**options)


def test_unknown_options_and_models_are_refused():
    with pytest.raises(TypeError, match="learning_rate"):
        Solver(TwoLayerNet(6, 4, 3), blobs(), learning_rate=1e-3)
    with pytest.raises(TypeError, match=r"model must have a dict `params` and a method `loss"):
        Solver(object(), blobs())
