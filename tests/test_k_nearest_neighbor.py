"""KNearestNeighbor: the three distance versions against a straightforward reference and each other,
predict_labels' votes and ties, predict, and the messages for bad input."""
import numpy as np
import pytest

from classifiers.k_nearest_neighbor import KNearestNeighbor

VERSIONS = ("compute_distances_two_loops", "compute_distances_one_loop", "compute_distances_no_loops")


def reference(X, T):
    """dists[i, j] = ||X[i] - T[j]|| by np.linalg.norm, pair by pair."""
    return np.array([[np.linalg.norm(x - t) for t in T] for x in X])


def trained(X_train, y_train=None):
    model = KNearestNeighbor()
    model.train(X_train, np.arange(len(X_train)) % 3 if y_train is None else y_train)
    return model


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_each_version_equals_the_reference(version, dtype):
    rng = np.random.default_rng(0)
    X, T = rng.standard_normal((7, 5)).astype(dtype), rng.standard_normal((11, 5)).astype(dtype)
    dists = getattr(trained(T), version)(X)
    assert dists.shape == (7, 11)
    np.testing.assert_allclose(dists, reference(X.astype(np.float64), T.astype(np.float64)),
                               rtol=1e-4 if dtype == np.float32 else 1e-10)


def test_the_versions_agree_on_pixel_like_data():
    rng = np.random.default_rng(1)
    X, T = rng.uniform(0, 255, (20, 3072)), rng.uniform(0, 255, (30, 3072))
    model = trained(T)
    two, one, none = (getattr(model, v)(X) for v in VERSIONS)
    assert np.linalg.norm(two - one) == 0            # the same arithmetic, row by row
    assert np.linalg.norm(two - none) < 1e-6         # CS231n's notebook asks for < 0.001


def test_a_test_point_equal_to_a_training_point_is_at_distance_0_not_nan():
    """Mean-subtracted pixels: the vectorized version's rounding can go below 0 for equal rows."""
    rng = np.random.default_rng(2)
    T = rng.standard_normal((40, 3072)) * 60 + 120
    X = T[:25].copy()
    for version in VERSIONS:
        dists = getattr(trained(T), version)(X)
        assert np.all(np.isfinite(dists)), version
        assert np.abs(np.diag(dists[:, :25])).max() < 1e-3, version


def test_predict_labels_nearest_with_k_1():
    model = trained(np.zeros((4, 1)), np.array([3, 1, 2, 0]))
    dists = np.array([[5.0, 1.0, 3.0, 4.0], [0.5, 2.0, 3.0, 4.0]])
    assert model.predict_labels(dists, k=1).tolist() == [1, 3]


def test_predict_labels_majority_of_the_k_nearest():
    model = trained(np.zeros((5, 1)), np.array([4, 2, 2, 4, 4]))
    dists = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])         # nearest: 4; the three nearest: 4, 2, 2
    assert model.predict_labels(dists, k=1).tolist() == [4]
    assert model.predict_labels(dists, k=3).tolist() == [2]
    assert model.predict_labels(dists, k=5).tolist() == [4]


def test_predict_labels_breaks_ties_toward_the_smaller_label():
    model = trained(np.zeros((4, 1)), np.array([7, 3, 7, 3]))
    dists = np.array([[1.0, 2.0, 3.0, 4.0],                # 7 nearest, 7 and 3 tied
                      [2.0, 1.0, 3.0, 4.0]])               # 3 nearest
    assert model.predict_labels(dists, k=4).tolist() == [3, 3]
    assert model.predict_labels(dists, k=2).tolist() == [3, 3]


def test_predict_labels_returns_one_label_per_test_point_of_the_labels_dtype():
    model = trained(np.zeros((6, 2)), np.array([0, 1, 2, 0, 1, 2]))
    y = model.predict_labels(np.random.default_rng(3).uniform(size=(9, 6)), k=3)
    assert y.shape == (9,) and y.dtype == model.y_train.dtype


@pytest.mark.parametrize("num_loops", [0, 1, 2])
def test_predict_on_separated_clusters(num_loops):
    rng = np.random.default_rng(4)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    y = np.repeat(np.arange(3), 10)
    X_train = centres[y] + rng.standard_normal((30, 2))
    y_test = np.array([2, 0, 1, 1])
    X_test = centres[y_test] + 0.1 * rng.standard_normal((4, 2))
    model = trained(X_train, y)
    assert model.predict(X_test, k=5, num_loops=num_loops).tolist() == y_test.tolist()


def test_train_and_predict_leave_their_inputs_as_they_were():
    rng = np.random.default_rng(5)
    X_train, y, X = rng.standard_normal((8, 3)), np.arange(8) % 2, rng.standard_normal((4, 3))
    copies = X_train.copy(), y.copy(), X.copy()
    model = trained(X_train, y)
    for num_loops in (0, 1, 2):
        model.predict(X, k=3, num_loops=num_loops)
    for before, after in zip(copies, (X_train, y, X)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((3, 2), np.uint8), [0, 1, 0], TypeError, "X must be a floating-point array"),
    (np.zeros(3), [0, 1, 0], ValueError, "X must be 2-dimensional"),
    (np.zeros((0, 2)), [], ValueError, "X is empty"),
    (np.zeros((3, 2)), [0, 1], ValueError, "one label per row of X: expected length 3, got 2"),
    (np.zeros((3, 2)), [0.0, 1.0, 0.0], TypeError, "y must hold integer class labels"),
    (np.zeros((3, 2)), [0, -1, 0], ValueError, "got label -1"),
])
def test_train_names_what_is_wrong(X, y, error, match):
    with pytest.raises(error, match=match):
        KNearestNeighbor().train(X, np.array(y))


@pytest.mark.parametrize("X, kwargs, error, match", [
    (np.zeros((2, 3)), {}, ValueError, r"X has 3 features per row but the training data has 2"),
    (np.zeros((2, 2), int), {}, TypeError, "X must be a floating-point array"),
    (np.zeros((2, 2)), {"k": 0}, ValueError, "k must be a positive integer, got 0"),
    (np.zeros((2, 2)), {"k": 2.0}, TypeError, "k must be a positive integer, got float"),
    (np.zeros((2, 2)), {"k": 5}, ValueError, "k must be at most the number of training points, 4, got 5"),
    (np.zeros((2, 2)), {"num_loops": 3}, ValueError, "num_loops must be one of 0, 1, 2, got 3"),
])
def test_predict_names_what_is_wrong(X, kwargs, error, match):
    model = trained(np.zeros((4, 2)))
    with pytest.raises(error, match=match):
        model.predict(X, **kwargs)


def test_predict_before_train_says_so():
    with pytest.raises(ValueError, match=r"not trained: call train\(X, y\) before predict"):
        KNearestNeighbor().predict(np.zeros((2, 2)))
