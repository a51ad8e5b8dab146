import os
import warnings

import numpy as np
import pytest

from classifiers.linear_classifier import LinearClassifier, LinearSVM, Softmax, TrainingDiverged, TrainingDivergedWarning
from classifiers.linear_svm import svm_loss_vectorized
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


def test_without_seed_numpys_global_seed_makes_training_repeatable():
    X, y = separable()
    runs = []
    for global_seed in (3, 3, 4):
        np.random.seed(global_seed)
        clf = Softmax()
        clf.train(X, y, num_iters=20)
        runs.append(clf.W)
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], runs[2])


def test_train_is_cs231n_sgd():
    # the reference: CS231n's loop written out, with the same Generator draws
    X, y = separable(n=120)
    rng = np.random.default_rng(5)
    W = 0.001 * rng.standard_normal((6, 3))
    losses = []
    for _ in range(30):
        idx = rng.choice(120, 25)
        loss, grad = softmax_loss_vectorized(W, X[idx], y[idx], 1e-3)
        losses.append(loss)
        W = W - 1e-2 * grad
    clf = Softmax()
    history = clf.train(X, y, 1e-2, 1e-3, 30, 25, seed=5)
    assert history == losses
    np.testing.assert_array_equal(clf.W, W)


def test_a_subclass_that_overrides_loss_trains_with_it():
    class Pull(LinearClassifier):
        """Loss sum((W - T)**2): SGD pulls W to T; the calls are recorded."""
        calls = []

        def loss(self, X_batch, y_batch, reg):
            self.calls.append((X_batch.shape, y_batch.shape, reg))
            return float(np.sum((self.W - 1.0) ** 2)), 2 * (self.W - 1.0)

    X, y = separable(n=40)
    clf = Pull()
    history = clf.train(X, y, learning_rate=0.1, reg=0.5, num_iters=50, batch_size=8, seed=0)
    assert Pull.calls == [((8, 6), (8,), 0.5)] * 50
    np.testing.assert_allclose(clf.W, 1.0, atol=1e-4)
    assert history[0] == pytest.approx(18.0, rel=1e-2)              # 18 entries of W near 0, pulled to 1
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 3\)"):
        clf.train(X, np.full(40, 5))                      # checked by train, as this loss checks nothing
    assert len(Pull.calls) == 50


def test_the_base_class_says_that_loss_must_be_overridden():
    X, y = separable(n=20)
    clf = LinearClassifier()
    with pytest.raises(NotImplementedError, match="subclass must override.*loss.*use Softmax or LinearSVM"):
        clf.train(X, y)
    assert clf.W is None
    with pytest.raises(NotImplementedError, match="use Softmax or LinearSVM"):
        LinearClassifier(np.zeros((6, 3))).loss(X, y, 0.0)


def test_verbose_prints_cs231n_progress_lines(capsys):
    X, y = separable(n=50)
    Softmax().train(X, y, num_iters=250, seed=0, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["iteration 0 / 250", "iteration 100 / 250",
                                                      "iteration 200 / 250"]
    assert all(line.split(": loss ")[1].replace(".", "").isdigit() for line in lines)
    Softmax().train(X, y, num_iters=250, seed=0)
    assert capsys.readouterr().out == ""


def diverging_run(clf, **kwargs):
    X, y = separable()
    return clf.train(X * 1e3, y, learning_rate=1e30, num_iters=500, seed=0, **kwargs)


@pytest.mark.parametrize("cls", [Softmax, LinearSVM], ids=lambda c: c.__name__)
def test_divergence_warns_once_stops_and_keeps_the_last_finite_weights(cls):
    X, y = separable()
    clf = cls()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = diverging_run(clf)
    assert [w.category for w in caught] == [TrainingDivergedWarning]      # no numpy warning either
    message = str(caught[0].message)
    stopped = len(history) + 1
    assert f"diverged at iteration {stopped} of 500" in message
    assert "learning_rate=1e+30 (in force: 1e+30)" in message and "lower the learning rate" in message
    assert stopped < 500 and np.isfinite(history).all()
    assert np.isfinite(clf.W).all()


def test_a_search_loop_survives_a_diverging_rate_under_the_projects_warning_filter():
    # setup.cfg turns RuntimeWarnings into errors; the divergence warning is a UserWarning
    X, y = separable()
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", TrainingDivergedWarning)
        for lr in (1e-2, 1e30):
            clf = LinearSVM()
            clf.train(X * 1e3, y, learning_rate=lr, num_iters=200, seed=0)
            results[lr] = np.mean(clf.predict(X * 1e3) == y)
    assert set(results) == {1e-2, 1e30} and results[1e-2] == 1.0


def test_divergence_raises_with_on_diverge_raise():
    clf = Softmax()
    with pytest.raises(TrainingDiverged, match=r"diverged at iteration \d+ of 500.*lower the learning rate"):
        diverging_run(clf, on_diverge="raise")
    assert clf.W is not None and np.isfinite(clf.W).all()


def test_kept_weights_are_those_of_the_last_finite_loss():
    class Recording(Softmax):
        seen = []

        def loss(self, X_batch, y_batch, reg):
            self.seen.append(self.W.copy())
            return super().loss(X_batch, y_batch, reg)

    clf = Recording()
    with pytest.warns(TrainingDivergedWarning):
        history = diverging_run(clf)
    assert len(Recording.seen) == len(history) + 1       # the last call gave the non-finite loss
    assert np.array_equal(clf.W, Recording.seen[-2]) and not np.array_equal(clf.W, Recording.seen[-1])


def test_a_students_in_place_update_keeps_the_last_finite_weights_too():
    """CS231n's own update, self.W -= learning_rate * grad, in place of the solution's: divergence still rolls back."""
    import inspect
    import textwrap
    from classifiers import linear_classifier
    source = textwrap.dedent(inspect.getsource(LinearClassifier.train))
    solution = "self.W = self.W - learning_rate * grad"
    assert solution in source
    scope = dict(vars(linear_classifier))
    exec(source.replace(solution, "self.W -= learning_rate * grad"), scope)

    class InPlace(Softmax):
        train = scope["train"]
        seen = []

        def loss(self, X_batch, y_batch, reg):
            self.seen.append(self.W.copy())
            return super().loss(X_batch, y_batch, reg)

    clf = InPlace()
    with pytest.warns(TrainingDivergedWarning):
        history = diverging_run(clf)
    assert len(InPlace.seen) == len(history) + 1
    assert np.array_equal(clf.W, InPlace.seen[-2]) and np.isfinite(clf.W).all()


@pytest.mark.parametrize("kwargs,exc,pattern", [
    ({"learning_rate": 0}, ValueError, "learning_rate must be a positive number, got 0"),
    ({"learning_rate": -1e-3}, ValueError, "learning_rate must be a positive number"),
    ({"reg": -1}, ValueError, "reg must be a finite number >= 0"),
    ({"num_iters": 1.5}, TypeError, "num_iters must be a positive integer"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
    ({"on_diverge": "ignore"}, ValueError, "on_diverge must be one of 'warn', 'raise', got 'ignore'"),
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
    clf.train(X[y == 0], y[y == 0], num_iters=1)              # a trained classifier keeps its classes
    assert clf.W.shape == (6, 3)
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 3\)"):
        clf.train(X, np.full(20, 3))
    with pytest.raises(ValueError, match="X has 3 features but the classifier's W has shape"):
        clf.train(X[:, :3], y)


def test_predict_is_the_argmax_of_the_scores_and_needs_weights():
    with pytest.raises(ValueError, match=r"no weights yet: call train\(\) or load\(\) first"):
        Softmax().predict(np.zeros((2, 3)))
    rng = np.random.default_rng(8)
    W, X = rng.standard_normal((7, 5)), rng.standard_normal((40, 7))
    clf = LinearSVM(W)
    np.testing.assert_array_equal(clf.predict(X), np.argmax(X @ W, axis=1))
    with pytest.raises(ValueError, match=r"X must have 7 columns"):
        clf.predict(np.zeros((2, 4)))


def test_predict_proba_is_the_softmax_of_the_scores():
    rng = np.random.default_rng(9)
    W, X = rng.standard_normal((7, 5)) * 3, rng.standard_normal((40, 7))
    S = X @ W
    expected = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)        # scores are small: no shift needed here
    clf = Softmax(W)
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-12)
    np.testing.assert_array_equal(clf.predict_proba(X).argmax(axis=1), clf.predict(X))
    huge = Softmax(W * 1e4).predict_proba(X)                              # the shift keeps it finite
    assert np.isfinite(huge).all() and np.allclose(huge.sum(axis=1), 1)


def test_loss_is_the_classifiers_loss_at_its_weights():
    rng = np.random.default_rng(10)
    W, X, y = rng.standard_normal((4, 3)), rng.standard_normal((9, 4)), rng.integers(0, 3, 9)
    for cls, fn in ((Softmax, softmax_loss_vectorized), (LinearSVM, svm_loss_vectorized)):
        loss, dW = cls(W).loss(X, y, 0.2)
        ref_loss, ref_dW = fn(W, X, y, 0.2)
        assert loss == ref_loss and np.array_equal(dW, ref_dW)


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
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask          # as a plain np.save would create it
    assert np.array_equal(loaded.predict(X.astype(np.float32)), clf.predict(X.astype(np.float32)))


def test_load_rejects_wrong_kind_shape_and_foreign_files(tmp_path):
    svm = LinearSVM(np.zeros((4, 3)))
    svm.save(tmp_path / "svm.npz")
    with pytest.raises(ValueError, match="holds a LinearSVM model, not a Softmax; load it with LinearSVM.load"):
        Softmax.load(tmp_path / "svm.npz")
    np.savez(tmp_path / "flat.npz", format=np.array("softmax-assignment/linear-classifier"),
             version=np.array(1), kind=np.array("Softmax"), W=np.zeros(5))
    with pytest.raises(ValueError, match=r"wrong shape or type: W has shape \(5,\)"):
        Softmax.load(tmp_path / "flat.npz")
    np.savez(tmp_path / "other.npz", weights=np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"not a model file saved by this package \(it has entries \['weights'\]\)"):
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


class _RemovesFile:
    """Unpickling this would delete a file: a stand-in for code a malicious pickle runs."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        import os
        return os.remove, (str(self.path),)


def test_load_reads_the_cs231n_template_format_and_save_writes_it(tmp_path):
    W = np.random.default_rng(11).standard_normal((3073, 10)).astype(np.float32)
    np.save(tmp_path / "softmax.npy", {"W": W})              # what the 2025 template's save writes
    clf = Softmax.load(tmp_path / "softmax.npy")
    assert type(clf) is Softmax and clf.W.dtype == np.float32 and np.array_equal(clf.W, W)
    assert type(LinearSVM.load(tmp_path / "softmax.npy")) is LinearSVM
    clf.save(tmp_path / "ours.npy")                          # and what the template's load reads
    assert np.array_equal(np.load(tmp_path / "ours.npy", allow_pickle=True).item()["W"], W)
    np.save(tmp_path / "bare.npy", W)                        # a bare array of weights works too
    assert np.array_equal(Softmax.load(tmp_path / "bare.npy").W, W)
    with pytest.raises(ValueError, match=r"holds only the parameters \['W'\]; save extras"):
        clf.save(tmp_path / "extras.npy", note="x")


def test_load_of_a_template_file_never_runs_code(tmp_path):
    sentinel = tmp_path / "sentinel"
    sentinel.write_text("still here")
    np.save(tmp_path / "evil.npy", np.array([_RemovesFile(sentinel)], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not a model file saved by this package.*forbidden global"):
        Softmax.load(tmp_path / "evil.npy")
    assert sentinel.read_text() == "still here"
    np.save(tmp_path / "list.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=r"np.save of a dict \{'W': W\}, found a ndarray"):
        Softmax.load(tmp_path / "list.npy")
    np.save(tmp_path / "nan.npy", {"W": np.full((3, 2), np.nan)})
    with pytest.raises(ValueError, match="holds weights with NaN or infinity"):
        Softmax.load(tmp_path / "nan.npy")
    np.save(tmp_path / "ints.npy", {"W": np.zeros((3, 2), int)})
    with pytest.raises(ValueError, match="wrong shape or type"):
        Softmax.load(tmp_path / "ints.npy")
