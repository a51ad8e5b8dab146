"""The training recipe's units, and recipe.train wiring each of them: every option is pinned here."""
import io
import warnings

import numpy as np
import pytest

import cifar10_data
from classifiers.linear_classifier import LinearSVM, Softmax, TrainingDiverged, TrainingDivergedWarning
from softmax_cifar10 import recipe
from classifiers.linear_svm import svm_loss_vectorized
from classifiers.softmax import softmax_loss_fast, softmax_loss_vectorized


def separable(n=300, d=5, c=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((c, d)) * 10
    y = rng.integers(0, c, n)
    return np.hstack([centers[y] + rng.standard_normal((n, d)), np.ones((n, 1))]), y


class Recorder:
    """A loss function (softmax_loss_vectorized) that records the W and batch of every call."""

    def __init__(self):
        self.Ws, self.batches, self.grads = [], [], []

    def __call__(self, W, X, y, reg):
        loss, grad = softmax_loss_vectorized(W, X, y, reg)
        self.Ws.append(W.copy())
        self.batches.append(X.copy())
        self.grads.append(grad)
        return loss, grad


def run(**kwargs):
    X, y = separable()
    rec = Recorder()
    clf = Softmax()
    history = recipe.train(clf, X, y, kwargs.pop("learning_rate", 1e-2), 1e-3, kwargs.pop("num_iters", 40),
                           kwargs.pop("batch_size", 30), loss=rec, seed=kwargs.pop("seed", 1), **kwargs)
    return clf, history, rec


# ---------------------------------------------------------------- the same steps as LinearClassifier.train

@pytest.mark.parametrize("cls,loss", [(Softmax, softmax_loss_vectorized), (LinearSVM, svm_loss_vectorized)])
def test_every_extra_off_gives_linear_classifier_trains_weights(cls, loss):
    X, y = separable()
    a, b = cls(), cls()
    hist = recipe.train(a, X, y, 1e-2, 1e-3, 60, 32, loss=loss, seed=4)
    assert hist["loss"] == b.train(X, y, 1e-2, 1e-3, 60, 32, seed=4)
    np.testing.assert_array_equal(a.W, b.W)
    np.random.seed(9)                                         # and with numpy's global state
    recipe.train(a := cls(), X, y, 1e-2, 1e-3, 60, 32, loss=loss)
    np.random.seed(9)
    b = cls()
    b.train(X, y, 1e-2, 1e-3, 60, 32)
    np.testing.assert_array_equal(a.W, b.W)


def test_the_default_kernel_is_the_fast_loss():
    X, y = separable()
    fast, plain = Softmax(), Softmax()
    recipe.train(fast, X, y, 1e-2, 1e-3, 30, 32, seed=2)
    recipe.train(plain, X, y, 1e-2, 1e-3, 30, 32, seed=2, loss=softmax_loss_vectorized)
    np.testing.assert_allclose(fast.W, plain.W, rtol=1e-10)
    assert recipe.train.__kwdefaults__["loss"] is softmax_loss_fast


# ---------------------------------------------------------------- optimizer step and schedule

def test_momentum_step_against_the_formula():
    rng = np.random.default_rng(0)
    W0, grads = rng.standard_normal((3, 2)), rng.standard_normal((4, 3, 2))
    opt, W, v = recipe.MomentumSGD(0.9), W0, np.zeros_like(W0)
    ref = W0
    for g in grads:
        W = opt.step(W, g, 0.1)
        v = 0.9 * v - 0.1 * g
        ref = ref + v
    np.testing.assert_allclose(W, ref, rtol=1e-14)
    np.testing.assert_array_equal(recipe.MomentumSGD(0.0).step(W0, grads[0], 0.1), W0 - 0.1 * grads[0])


def test_train_steps_with_momentum():
    clf, _, rec = run(momentum=0.8)
    W = rec.Ws + [clf.W]
    for t in range(1, len(rec.grads)):       # W_{t+1} - W_t = mu (W_t - W_{t-1}) - lr g_t
        np.testing.assert_allclose(W[t + 1] - W[t], 0.8 * (W[t] - W[t - 1]) - 1e-2 * rec.grads[t],
                                   rtol=1e-9, atol=1e-15)


def test_learning_rate_schedule():
    assert [recipe.learning_rate_at(it, 1.0, 0.5, 3) for it in range(7)] == [1, 1, 1, .5, .5, .5, .25]
    assert recipe.learning_rate_at(100, 0.1) == 0.1


@pytest.mark.parametrize("decay_every,expected_every", [(4, 4), (None, 10)])    # default: one epoch, 300 // 30
def test_train_decays_the_learning_rate(decay_every, expected_every):
    clf, _, rec = run(lr_decay=0.5, decay_every=decay_every)
    W = rec.Ws + [clf.W]
    for t, g in enumerate(rec.grads):
        np.testing.assert_allclose(W[t + 1] - W[t], -1e-2 * 0.5 ** (t // expected_every) * g, rtol=1e-9,
                                   atol=1e-18)


# ---------------------------------------------------------------- sampling

def test_epoch_shuffling_sees_every_example_once_per_epoch():
    X, y = separable()
    _, _, rec = run(replace=False)
    rows = {tuple(row): i for i, row in enumerate(X)}
    seen = np.array([[rows[tuple(r)] for r in batch] for batch in rec.batches])   # (40, 30) row indices
    for epoch in range(4):                                                       # 10 batches per epoch
        assert sorted(seen[epoch * 10:(epoch + 1) * 10].ravel()) == list(range(300))
    assert not np.array_equal(seen[:10], seen[10:20])                           # a new order every epoch


def test_sampling_with_replacement_repeats_examples():
    batches = recipe.minibatches(np.random.default_rng(0), 50, 40)
    drawn = np.concatenate([next(batches) for _ in range(5)])
    assert drawn.shape == (200,) and len(np.unique(drawn)) < 50
    walk = recipe.minibatches(np.random.default_rng(0), 50, 20, replace=False)
    assert [len(next(walk)) for _ in range(3)] == [20, 20, 20]                  # 2 per epoch, remainder dropped


# ---------------------------------------------------------------- mirror augmentation

def test_mirror_gradient_is_the_augmented_gradient():
    # At mirror-symmetric W, the mean loss over a batch and its mirror images has gradient (g + g[m]) / 2.
    rng = np.random.default_rng(3)
    m = cifar10_data.mirror_permutation()
    X = rng.standard_normal((20, 3073))
    y = rng.integers(0, 10, 20)
    W = recipe.symmetrize(rng.standard_normal((3073, 10)) * 1e-3, m)
    _, g = softmax_loss_vectorized(W, X, y, 0.1)
    _, g_aug = softmax_loss_vectorized(W, np.vstack([X, X[:, m]]), np.concatenate([y, y]), 0.1)
    np.testing.assert_allclose(recipe.mirror_gradient(g, m), g_aug, rtol=1e-10, atol=1e-15)


def test_train_with_mirror_starts_symmetric_and_stays_so():
    rng = np.random.default_rng(3)
    m = cifar10_data.mirror_permutation()
    X, y = rng.standard_normal((20, 3073)), rng.integers(0, 10, 20)
    clf = Softmax(rng.standard_normal((3073, 10)) * 1e-3)          # not symmetric to begin with
    recipe.train(clf, X, y, 1e-3, 0.1, 20, 10, seed=0, mirror=m)
    np.testing.assert_array_equal(clf.W, clf.W[m])


def test_mirror_must_be_an_involution():
    X, y = separable()
    with pytest.raises(ValueError, match="mirror must be a permutation.*its own inverse"):
        recipe.train(Softmax(), X, y, mirror=np.roll(np.arange(6), 1))


# ---------------------------------------------------------------- averaging

def test_tail_average_keeps_the_mean_of_the_last_iterates():
    last, _, rec = run()                                   # the same run without averaging gives the iterates
    averaged, _, _ = run(average=7)
    iterates = rec.Ws[1:] + [last.W]                       # W after steps 1 .. 40
    np.testing.assert_allclose(averaged.W, np.mean(iterates[-7:], axis=0), rtol=1e-12)
    avg = recipe.TailAverage(start=2)
    for it in range(4):
        avg.add(it, np.full(2, float(it)))
    np.testing.assert_array_equal(avg.result(np.zeros(2)), [2.5, 2.5])
    assert recipe.TailAverage(start=5).result(last.W) is last.W


# ---------------------------------------------------------------- validation and early stopping

def test_validation_accuracy_is_recorded_every_eval_every_and_at_the_end():
    X, y = separable()
    clf, history, rec = run(num_iters=45, X_val=X[:50], y_val=y[:50], eval_every=20)
    assert [it for it, _ in history["val_acc"]] == [20, 40, 45]
    W_at_20 = rec.Ws[20]                                    # the weights after 20 steps
    assert history["val_acc"][0][1] == np.mean(np.argmax(X[:50] @ W_at_20, axis=1) == y[:50])


def test_early_stopping_keeps_the_best_weights_not_the_last():
    X, y = separable()
    rng = np.random.default_rng(5)
    y_noise = rng.integers(0, 3, 300)                       # labels the model cannot learn: accuracy wanders
    clf, history, rec = run(num_iters=2000, X_val=X, y_val=y_noise, eval_every=1, patience=5, learning_rate=1e-1)
    accs = [acc for _, acc in history["val_acc"]]
    best = int(np.argmax(accs))                             # the first best evaluation
    assert history["iterations"] < 2000 and len(accs) == best + 6     # stopped 5 evaluations after the best
    W_best = rec.Ws[best + 1]                               # evaluation k follows step k: weights passed next
    np.testing.assert_array_equal(clf.W, W_best)
    assert not np.array_equal(clf.W, rec.Ws[-1])
    stopper = recipe.EarlyStopping(patience=2)
    assert [stopper.update(a, a) for a in (0.5, 0.4, 0.6, 0.6, 0.5)] == [False, False, False, False, True]
    assert stopper.best_W == 0.6


def test_validation_defaults_to_once_per_epoch():
    X, y = separable()
    _, history, _ = run(num_iters=35, X_val=X, y_val=y)                  # 300 // 30 = 10 iterations per epoch
    assert [it for it, _ in history["val_acc"]] == [10, 20, 30, 35]
    assert history["epochs"] == 3.5


def test_without_patience_validation_never_stops_training():
    X, y = separable()
    _, history, _ = run(num_iters=60, X_val=X, y_val=np.zeros(300, int), eval_every=1)
    assert history["iterations"] == 60


# ---------------------------------------------------------------- progress bar and divergence

def test_progress_bar_shows_the_loss():
    out = io.StringIO()
    run(num_iters=45, progress={"file": out, "mininterval": 0})
    assert "45/45" in out.getvalue() and "loss=" in out.getvalue()
    assert isinstance(recipe.progress_bar(False, 10), type(recipe.progress_bar(None, 10)))


def test_divergence_warns_with_both_learning_rates_and_keeps_the_last_finite_weights():
    X, y = separable()
    clf = Softmax()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = recipe.train(clf, X * 1e3, y, 1e30, 1e-5, 500, 30, seed=0, lr_decay=0.9, decay_every=1,
                               loss=softmax_loss_vectorized)
    assert [w.category for w in caught] == [TrainingDivergedWarning]
    it = history["iterations"] + 1
    assert f"diverged at iteration {it} of 500" in str(caught[0].message)
    assert f"learning_rate=1e+30 (in force: {1e30 * 0.9 ** (it - 1):g})" in str(caught[0].message)
    assert np.isfinite(clf.W).all()
    with pytest.raises(TrainingDiverged, match="diverged at iteration"):
        recipe.train(Softmax(), X * 1e3, y, 1e30, 1e-5, 500, 30, seed=0, on_diverge="raise")


def test_divergence_keeps_the_weights_of_the_last_finite_loss():
    rec = Recorder()
    X, y = separable()
    clf = Softmax()
    with pytest.warns(TrainingDivergedWarning):
        history = recipe.train(clf, X * 1e3, y, 1e30, 1e-5, 500, 30, seed=0, loss=rec, momentum=0.5, average=400)
    assert len(rec.Ws) == history["iterations"] + 1
    np.testing.assert_array_equal(clf.W, rec.Ws[-2])


def test_train_rejects_bad_data():
    X, y = separable(n=20)
    clf = Softmax()
    with pytest.raises(ValueError, match="X contains NaN"):
        recipe.train(clf, np.where(X > 5, np.nan, X), y)
    assert clf.W is None                                    # checked before anything changed
    with pytest.raises(ValueError, match="empty training set"):
        recipe.train(Softmax(), X[:0], y[:0])
    with pytest.raises(ValueError, match=r"y_val must hold labels in \[0, 3\)"):
        recipe.train(Softmax(), X, y % 3, X_val=X, y_val=np.full(20, 3))


@pytest.mark.parametrize("kwargs,exc,pattern", [
    ({"learning_rate": 0}, ValueError, "learning_rate must be a positive number, got 0"),
    ({"num_iters": 1.5}, TypeError, "num_iters must be a positive integer"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
    ({"momentum": 1.0}, ValueError, r"momentum must be in \[0, 1\)"),
    ({"lr_decay": 1.5}, ValueError, r"lr_decay must be in \(0, 1\]"),
    ({"lr_decay": 0}, ValueError, r"lr_decay must be in \(0, 1\]"),
    ({"patience": 3}, ValueError, "patience .* needs validation data"),
    ({"X_val": np.zeros((2, 6))}, ValueError, "pass both X_val and y_val"),
    ({"X_val": np.zeros((2, 4)), "y_val": [0, 1]}, ValueError, "X_val must have 6 columns"),
    ({"average": -1}, ValueError, "average must be an integer >= 0"),
    ({"decay_every": 0}, ValueError, "decay_every must be a positive integer"),
    ({"eval_every": -2}, ValueError, "eval_every must be a positive integer"),
    ({"mirror": np.zeros(6, int)}, ValueError, "mirror must be a permutation"),
    ({"on_diverge": "stop"}, ValueError, "on_diverge must be one of"),
], ids=lambda v: str(v)[:30])
def test_train_rejects_bad_options(kwargs, exc, pattern):
    X, y = separable(n=20)
    clf = Softmax()
    with pytest.raises(exc, match=pattern):
        recipe.train(clf, X, y, **kwargs)
    assert clf.W is None
