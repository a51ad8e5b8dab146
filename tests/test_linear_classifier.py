import numpy as np
import pytest

import data_utils
from classifiers import LinearClassifier, LinearSVM, Softmax, TrainingDiverged
from classifiers.softmax import softmax_loss_vectorized


def separable(n=300, d=5, c=3, seed=0):
    """Gaussian blobs far apart, with a bias column: linearly separable."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((c, d)) * 10
    y = rng.integers(0, c, n)
    X = centers[y] + rng.standard_normal((n, d))
    return np.hstack([X, np.ones((n, 1))]), y


@pytest.mark.parametrize("cls", [Softmax, LinearSVM], ids=lambda c: c.__name__)
def test_reaches_full_training_accuracy_on_separable_data(cls):
    X, y = separable()
    clf = cls()
    history = clf.train(X, y, learning_rate=1e-2, reg=1e-5, num_iters=300, batch_size=50, seed=0)
    assert len(history) == 300 and history[-1] < history[0]
    assert np.mean(clf.predict(X) == y) == 1.0


def test_classic_defaults_and_return_value():
    X, y = separable(n=50)
    clf = Softmax()
    history = clf.train(X, y, seed=1)
    assert isinstance(history, list) and len(history) == 100
    assert clf.W.shape == (6, 3) and clf.W.dtype == np.float64


def test_seed_makes_training_repeatable():
    X, y = separable()
    a, b, c = Softmax(), Softmax(), Softmax()
    a.train(X, y, num_iters=20, seed=7)
    b.train(X, y, num_iters=20, seed=7)
    c.train(X, y, num_iters=20, seed=8)
    assert np.array_equal(a.W, b.W) and not np.array_equal(a.W, c.W)


def test_momentum_zero_is_plain_sgd_and_options_work():
    X, y = separable()
    plain, mom0 = Softmax(), Softmax()
    plain.train(X, y, num_iters=30, seed=2)
    mom0.train(X, y, num_iters=30, seed=2, momentum=0.0, lr_decay=1.0)
    assert np.array_equal(plain.W, mom0.W)
    fancy = Softmax()
    fancy.train(X.astype(np.float32), y, 1e-2, 1e-4, 200, 32, seed=2, momentum=0.9, lr_decay=0.9,
                replace=False, average=50, X_val=X[:50].astype(np.float32), y_val=y[:50], eval_every=20)
    assert fancy.W.dtype == np.float32
    assert [it for it, _ in fancy.history["val_acc"]] == list(range(20, 201, 20))
    assert fancy.history["val_acc"][-1][1] == 1.0


def test_early_stopping_keeps_the_best_weights():
    X, y = separable()
    clf = Softmax()
    clf.train(X, y, 1e-2, 0.0, 10_000, 50, seed=0, X_val=X, y_val=y, eval_every=10, patience=3)
    assert clf.history["iterations"] < 10_000
    assert np.mean(clf.predict(X) == y) == max(acc for _, acc in clf.history["val_acc"])


def test_mirror_gradient_is_the_augmented_gradient():
    # At mirror-symmetric W, the mean loss over a batch and its mirror images has gradient (g + g[m]) / 2.
    rng = np.random.default_rng(3)
    m = data_utils.mirror_permutation()
    X = rng.standard_normal((20, 3073))
    y = rng.integers(0, 10, 20)
    W = rng.standard_normal((3073, 10)) * 1e-3
    W = 0.5 * (W + W[m])
    _, g = softmax_loss_vectorized(W, X, y, 0.1)
    _, g_aug = softmax_loss_vectorized(W, np.vstack([X, X[:, m]]), np.concatenate([y, y]), 0.1)
    np.testing.assert_allclose(0.5 * (g + g[m]), g_aug, rtol=1e-10, atol=1e-15)
    clf = Softmax()
    clf.train(X, y, 1e-3, 0.1, 20, 10, seed=0, mirror=m)
    np.testing.assert_array_equal(clf.W, clf.W[m])        # training keeps W symmetric


def test_mirror_must_be_an_involution():
    X, y = separable()
    with pytest.raises(ValueError, match="mirror must be a permutation.*its own inverse"):
        Softmax().train(X, y, mirror=np.roll(np.arange(6), 1))


def test_divergence_names_the_iteration_and_keeps_finite_weights():
    X, y = separable()
    clf = Softmax()
    with pytest.raises(TrainingDiverged, match=r"diverged at iteration \d+ of 500.*lower the learning rate"):
        clf.train(X * 1e3, y, learning_rate=1e30, num_iters=500, seed=0)
    assert clf.W is not None and np.isfinite(clf.W).all()


@pytest.mark.parametrize("kwargs,exc,pattern", [
    ({"learning_rate": 0}, ValueError, "learning_rate must be a positive number, got 0"),
    ({"learning_rate": -1e-3}, ValueError, "learning_rate must be a positive number"),
    ({"reg": -1}, ValueError, "reg must be a finite number >= 0"),
    ({"num_iters": 1.5}, TypeError, "num_iters must be a positive integer"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
    ({"momentum": 1.0}, ValueError, r"momentum must be in \[0, 1\)"),
    ({"lr_decay": 1.5}, ValueError, r"lr_decay must be in \(0, 1\]"),
    ({"patience": 3}, ValueError, "patience .* needs validation data"),
    ({"X_val": np.zeros((2, 6))}, ValueError, "pass both X_val and y_val"),
    ({"X_val": np.zeros((2, 4)), "y_val": [0, 1]}, ValueError, "X_val must have 6 columns"),
    ({"average": -1}, ValueError, "average must be an integer >= 0"),
    ({"decay_every": 0}, ValueError, "decay_every must be a positive integer"),
    ({"eval_every": -2}, ValueError, "eval_every must be a positive integer"),
    ({"mirror": np.zeros(6, int)}, ValueError, "mirror must be a permutation"),
], ids=lambda v: str(v)[:30])
def test_train_rejects_bad_options(kwargs, exc, pattern):
    X, y = separable(n=20)
    clf = Softmax()
    with pytest.raises(exc, match=pattern):
        clf.train(X, y, **kwargs)
    assert clf.W is None                                   # a rejected call leaves the classifier as it was


def test_train_rejects_bad_data():
    X, y = separable(n=20)
    with pytest.raises(ValueError, match="X contains NaN"):
        Softmax().train(np.where(X > 5, np.nan, X), y)
    with pytest.raises(ValueError, match="empty training set"):
        Softmax().train(X[:0], y[:0])
    with pytest.raises(TypeError, match="y must hold integer class labels"):
        Softmax().train(X, y.astype(float))
    clf = Softmax()
    clf.train(X, y, num_iters=1)
    with pytest.raises(ValueError, match="X has 3 features but the classifier's W has shape"):
        clf.train(X[:, :3], y)


def test_predict_and_loss_need_weights_and_matching_columns():
    with pytest.raises(ValueError, match=r"no weights yet: call train\(\) or load\(\) first"):
        Softmax().predict(np.zeros((2, 3)))
    clf = Softmax(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"X must have 3 columns"):
        clf.predict(np.zeros((2, 4)))
    assert clf.predict_proba(np.ones((2, 3))) == pytest.approx(np.full((2, 2), 0.5))
    loss, dW = clf.loss(np.ones((2, 3)), np.array([0, 1]), 0.0)
    assert loss == pytest.approx(np.log(2))


@pytest.mark.parametrize("cls", [Softmax, LinearSVM], ids=lambda c: c.__name__)
def test_save_load_round_trip_exactly(cls, tmp_path):
    X, y = separable()
    clf = cls()
    clf.train(X.astype(np.float32), y, num_iters=10, seed=0)
    path = clf.save(tmp_path / "model.npz", note="hello", mean=np.arange(3.0))
    loaded = cls.load(path)
    assert type(loaded) is cls and loaded.W.dtype == np.float32
    assert np.array_equal(loaded.W, clf.W)
    assert str(loaded.extras["note"]) == "hello" and np.array_equal(loaded.extras["mean"], np.arange(3.0))
    assert type(LinearClassifier.load(path)) is cls
    assert np.array_equal(loaded.predict(X.astype(np.float32)), clf.predict(X.astype(np.float32)))


def test_load_rejects_wrong_kind_shape_and_foreign_files(tmp_path):
    svm = LinearSVM(np.zeros((4, 3)))
    svm.save(tmp_path / "svm.npz")
    with pytest.raises(ValueError, match="holds a LinearSVM classifier, not a Softmax"):
        Softmax.load(tmp_path / "svm.npz")
    np.savez(tmp_path / "flat.npz", format=np.array("softmax-assignment/linear-classifier"),
             version=np.array(1), kind=np.array("Softmax"), W=np.zeros(5))
    with pytest.raises(ValueError, match=r"wrong shape or type: W has shape \(5,\)"):
        Softmax.load(tmp_path / "flat.npz")
    np.savez(tmp_path / "other.npz", weights=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="not a model file saved by LinearClassifier.save"):
        Softmax.load(tmp_path / "other.npz")
    (tmp_path / "junk.npz").write_bytes(b"this is not a zip file")
    with pytest.raises(ValueError, match="not a model file"):
        Softmax.load(tmp_path / "junk.npz")
    with pytest.raises(FileNotFoundError, match="no model file"):
        Softmax.load(tmp_path / "missing.npz")


def test_failed_save_keeps_the_previous_file(tmp_path):
    path = tmp_path / "model.npz"
    Softmax(np.ones((2, 2))).save(path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="must be an array of numbers or strings"):
        Softmax(np.zeros((2, 2))).save(path, bad=[{"a": 1}])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]
