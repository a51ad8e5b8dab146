import math
import warnings

import numpy as np
import pytest

from classifiers.softmax import softmax_loss_fast, softmax_loss_naive, softmax_loss_vectorized
from gradient_check import grad_check_sparse
from conftest import random_problem

FAST = [softmax_loss_vectorized, softmax_loss_fast]
ALL = [softmax_loss_naive] + FAST


def assert_rel(a, b, tol):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert np.max(np.abs(a - b)) <= tol * max(np.max(np.abs(b)), 1e-300)


@pytest.mark.parametrize("n,d,c", [(1, 7, 3), (13, 5, 2), (40, 20, 10), (9, 6, 1000), (257, 33, 10)],
                         ids=["N=1", "C=2", "C=10", "C=1000", "several-blocks"])
@pytest.mark.parametrize("reg", [0.0, 0.3], ids=["reg0", "reg0.3"])
@pytest.mark.parametrize("fn", FAST, ids=lambda f: f.__name__)
def test_vectorized_matches_naive(fn, n, d, c, reg):
    W, X, y = random_problem(n, d, c, seed=n * 31 + c)
    loss_n, dW_n = softmax_loss_naive(W, X, y, reg)
    loss_v, dW_v = fn(W, X, y, reg) if fn is softmax_loss_vectorized else fn(W, X, y, reg, block_rows=16)
    assert_rel(loss_v, loss_n, 1e-12)
    assert_rel(dW_v, dW_n, 1e-12)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("c", [2, 10, 1000])
def test_zero_weights_give_log_c(fn, c):
    W = np.zeros((6, c))
    X = np.random.default_rng(0).standard_normal((5, 6))
    loss, _ = fn(W, X, np.arange(5) % c, 0.0)
    assert loss == pytest.approx(math.log(c), rel=1e-15, abs=0)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_small_random_weights_give_about_log_10(fn):
    W, X, y = random_problem(200, 3073, 10, seed=1, scale=1e-4)
    loss, _ = fn(W, X, y, 0.0)
    assert abs(loss - (-math.log(0.1))) < 0.1


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_stable_for_huge_scores(fn):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 4))
    W = rng.standard_normal((4, 5))
    W *= 1e4 / np.abs(X @ W).max()             # scores up to 1e4 in magnitude
    y = rng.integers(0, 5, 30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dW = fn(W, X, y, 1e-3)
    assert np.isfinite(loss) and np.isfinite(dW).all()
    assert loss > 100                            # far from the minimum: a large, finite loss


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_float32_stays_float32(fn):
    W, X, y = random_problem(20, 8, 4, seed=3, dtype=np.float32)
    loss, dW = fn(W, X, y, 0.1)
    assert loss.dtype == np.float32 and dW.dtype == np.float32
    ref_loss, ref_dW = softmax_loss_naive(W.astype(np.float64), X.astype(np.float64), y, 0.1)
    assert_rel(loss, ref_loss, 1e-5)
    assert_rel(dW, ref_dW, 1e-5)


@pytest.mark.parametrize("reg", [0.0, 5e1], ids=["reg0", "reg50"])
def test_gradient_check_dev_size(reg):
    W, X, y = random_problem(500, 3073, 10, seed=4, scale=1e-4)
    _, grad = softmax_loss_vectorized(W, X, y, reg)
    errors = grad_check_sparse(lambda w: softmax_loss_vectorized(w, X, y, reg)[0], W, grad, num_checks=10, seed=0,
                               verbose=False)
    assert errors.shape == (10,)
    assert errors.max() < 1e-7


def test_regularization_convention():
    W, X, y = random_problem(10, 5, 3, seed=5)
    l0, g0 = softmax_loss_vectorized(W, X, y, 0.0)
    l1, g1 = softmax_loss_vectorized(W, X, y, 0.7)
    assert l1 - l0 == pytest.approx(0.7 * np.sum(W * W), rel=1e-12)
    np.testing.assert_allclose(g1 - g0, 2 * 0.7 * W, rtol=1e-12)


BAD_INPUTS = [
    ("W 1-D", lambda W, X, y: (W[:, 0], X, y, 0.1), ValueError, r"W must be 2-dimensional.*shape \(5,\)"),
    ("X 3-D", lambda W, X, y: (W, X[None], y, 0.1), ValueError, r"X must be 2-dimensional.*shape \(1, 4, 5\)"),
    ("D mismatch", lambda W, X, y: (W, X[:, :4], y, 0.1), ValueError, r"feature dimension D.*\(4, 4\).*\(5, 3\)"),
    ("len(y) != N", lambda W, X, y: (W, X, y[:3], 0.1), ValueError, r"expected length 4, got 3"),
    ("float labels", lambda W, X, y: (W, X, y.astype(float), 0.1), TypeError, r"y must hold integer.*float64"),
    ("label too big", lambda W, X, y: (W, X, np.array([0, 1, 3, 2]), 0.1), ValueError, r"labels in \[0, 3\).*got label 3"),
    ("negative label", lambda W, X, y: (W, X, np.array([0, -1, 2, 2]), 0.1), ValueError, r"got label -1"),
    ("negative reg", lambda W, X, y: (W, X, y, -1.0), ValueError, r"reg must be a finite number >= 0, got -1.0"),
    ("reg not a number", lambda W, X, y: (W, X, y, "0.1"), TypeError, r"reg must be a real number"),
    ("NaN in X", lambda W, X, y: (W, np.where(np.eye(4, 5, dtype=bool), np.nan, X), y, 0.1), ValueError, r"X contains NaN or infinity"),
    ("inf in W", lambda W, X, y: (np.where(np.eye(5, 3, dtype=bool), np.inf, W), X, y, 0.1), ValueError, r"W contains NaN or infinity"),
    ("empty batch", lambda W, X, y: (W, X[:0], y[:0], 0.1), ValueError, r"empty batch"),
    ("integer X", lambda W, X, y: (W, X.astype(int), y, 0.1), TypeError, r"X must be a floating-point array"),
]


@pytest.mark.parametrize("fn", ALL + ["svm_naive", "svm_vectorized"], ids=lambda f: getattr(f, "__name__", f))
@pytest.mark.parametrize("case", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gets_a_clear_error(fn, case):
    from classifiers import linear_svm
    fn = {"svm_naive": linear_svm.svm_loss_naive, "svm_vectorized": linear_svm.svm_loss_vectorized}.get(fn, fn)
    _, make, exc, pattern = case
    W, X, y = random_problem(4, 5, 3, seed=6)
    with pytest.raises(exc, match=pattern):
        fn(*make(W, X, np.array([0, 1, 2, 1])))


def test_fast_rejects_bad_block_rows():
    W, X, y = random_problem(4, 5, 3, seed=6)
    with pytest.raises(ValueError, match="block_rows must be a positive integer, got 0"):
        softmax_loss_fast(W, X, y, 0.0, block_rows=0)


def test_fast_returns_a_nonfinite_loss_without_warning_when_finite_scores_overflow():
    # the training recipe reports this as divergence; NaN or inf inputs still get the clear error above
    W = np.full((3, 2), 1e300)
    X = np.full((2, 3), 1e10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, _ = softmax_loss_fast(W, X, np.array([0, 1]), 0.0)
    assert not np.isfinite(loss)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_inputs_are_never_modified(fn):
    W, X, y = random_problem(30, 7, 4, seed=11)
    copies = W.copy(), X.copy(), y.copy()
    fn(W, X, y, 0.5)
    for before, after in zip(copies, (W, X, y)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_equals_vectorized_with_its_default_blocks(dtype):
    W, X, y = random_problem(3000, 3073, 10, seed=12, dtype=dtype, scale=1e-3)   # several 4 MiB blocks
    loss_f, dW_f = softmax_loss_fast(W, X, y, 0.1)
    loss_v, dW_v = softmax_loss_vectorized(W, X, y, 0.1)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert loss_f.dtype == loss_v.dtype == dtype
    assert_rel(loss_f, loss_v, tol)
    assert_rel(dW_f, dW_v, tol)
