import numpy as np
import pytest

from classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized
from gradient_check import grad_check_sparse
from conftest import random_problem


@pytest.mark.parametrize("n,d,c", [(1, 7, 3), (13, 5, 2), (40, 20, 10), (9, 6, 1000)],
                         ids=["N=1", "C=2", "C=10", "C=1000"])
@pytest.mark.parametrize("reg", [0.0, 0.3], ids=["reg0", "reg0.3"])
def test_vectorized_matches_naive(n, d, c, reg):
    W, X, y = random_problem(n, d, c, seed=n + c)
    loss_n, dW_n = svm_loss_naive(W, X, y, reg)
    loss_v, dW_v = svm_loss_vectorized(W, X, y, reg)
    assert loss_v == pytest.approx(loss_n, rel=1e-12)
    np.testing.assert_allclose(dW_v, dW_n, rtol=1e-12, atol=1e-14)


def test_zero_weights_give_c_minus_1():
    X = np.random.default_rng(0).standard_normal((6, 4))
    loss, _ = svm_loss_vectorized(np.zeros((4, 10)), X, np.arange(6), 0.0)
    assert loss == 9.0                          # every wrong class has margin exactly delta = 1


def test_hand_computed_example():
    # scores [3.2, 5.1, -1.7] with the true class 0: margins 2.9 and 0 -> loss 2.9
    W = np.array([[3.2, 5.1, -1.7]])
    loss, dW = svm_loss_naive(W, np.array([[1.0]]), np.array([0]), 0.0)
    assert loss == pytest.approx(2.9)
    np.testing.assert_allclose(dW, [[-1.0, 1.0, 0.0]])


def test_gradient_check():
    W, X, y = random_problem(100, 50, 10, seed=1, scale=1e-2)
    _, grad = svm_loss_vectorized(W, X, y, 1.0)
    errors = grad_check_sparse(lambda w: svm_loss_vectorized(w, X, y, 1.0)[0], W, grad, 10, seed=0, verbose=False)
    assert errors.max() < 1e-7


def test_float32_stays_float32():
    W, X, y = random_problem(20, 8, 4, seed=3, dtype=np.float32)
    loss, dW = svm_loss_vectorized(W, X, y, 0.1)
    assert loss.dtype == np.float32 and dW.dtype == np.float32


@pytest.mark.parametrize("delta", [0.0, 0.5, 2.0])
def test_delta_option_matches_naive(delta):
    W, X, y = random_problem(30, 8, 5, seed=9)
    loss_n, dW_n = svm_loss_naive(W, X, y, 0.1, delta=delta)
    loss_v, dW_v = svm_loss_vectorized(W, X, y, 0.1, delta=delta)
    assert loss_v == pytest.approx(loss_n, rel=1e-12)
    np.testing.assert_allclose(dW_v, dW_n, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="delta must be a finite number >= 0"):
        svm_loss_vectorized(W, X, y, 0.1, delta=-1.0)


@pytest.mark.parametrize("fn", [svm_loss_naive, svm_loss_vectorized], ids=lambda f: f.__name__)
def test_inputs_are_never_modified_and_float32_is_kept(fn):
    W, X, y = random_problem(30, 7, 4, seed=11, dtype=np.float32)
    copies = W.copy(), X.copy(), y.copy()
    loss, dW = fn(W, X, y, 0.5)
    for before, after in zip(copies, (W, X, y)):
        np.testing.assert_array_equal(before, after)
    assert loss.dtype == dW.dtype == np.float32
