"""classifiers.layers against numerical gradients, hand-computed values, the linear classifiers' losses
and, where installed, PyTorch."""
import math

import numpy as np
import pytest

from classifiers.layers import (affine_backward, affine_forward, affine_relu_backward, affine_relu_forward,
                                relu_backward, relu_forward, softmax_loss, svm_loss)
from classifiers.linear_svm import svm_loss_vectorized
from classifiers.softmax import softmax_loss_vectorized
from gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error


def rng(seed=0):
    return np.random.default_rng(seed)


def test_affine_forward_flattens_each_example():
    # CS231n's check (two_layer_net.ipynb): these inputs give these outputs
    x = np.linspace(-0.1, 0.5, num=2 * 120).reshape(2, 4, 5, 6)
    w = np.linspace(-0.2, 0.3, num=3 * 120).reshape(120, 3)
    b = np.linspace(-0.3, 0.1, num=3)
    out, _ = affine_forward(x, w, b)
    expected = [[1.49834967, 1.70660132, 1.91485297], [3.25553199, 3.5141327, 3.77273342]]
    assert rel_error(out, np.array(expected)) < 1e-8
    np.testing.assert_allclose(out, x.reshape(2, -1) @ w + b, rtol=1e-15)


@pytest.mark.parametrize("shape", [(10, 2, 3), (7, 6), (1, 6), (4, 1, 2, 3)])
def test_affine_backward_matches_numerical_gradients_in_the_inputs_shapes(shape):
    r = rng(len(shape))
    x, w, b = r.standard_normal(shape), r.standard_normal((6, 5)), r.standard_normal(5)
    dout = r.standard_normal((shape[0], 5))
    dx, dw, db = affine_backward(dout, affine_forward(x, w, b)[1])
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: affine_forward(v, w, b)[0], x, dout)) < 1e-8
    assert rel_error(dw, eval_numerical_gradient_array(lambda v: affine_forward(x, v, b)[0], w, dout)) < 1e-8
    assert rel_error(db, eval_numerical_gradient_array(lambda v: affine_forward(x, w, v)[0], b, dout)) < 1e-8


def test_relu_forward_values_and_input_kept():
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    before = x.copy()
    out, cache = relu_forward(x)
    np.testing.assert_array_equal(out, np.where(x > 0, x, 0))
    np.testing.assert_array_equal(x, before)
    assert out is not x and cache is x


def test_relu_backward_matches_numerical_gradient():
    x, dout = rng(1).standard_normal((10, 10)), rng(2).standard_normal((10, 10))
    dx = relu_backward(dout, relu_forward(x)[1])
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: relu_forward(v)[0], x, dout)) < 1e-10


def test_relu_backward_passes_the_gradient_only_where_the_input_is_positive():
    x = np.array([[-2.0, -0.0, 0.0, 1e-300, 3.0]])
    dout = np.array([[5.0, 6.0, 7.0, 8.0, 9.0]])
    np.testing.assert_array_equal(relu_backward(dout, x), [[0, 0, 0, 8.0, 9.0]])


def test_affine_relu_sandwich_matches_numerical_gradients():
    r = rng(3)
    x, w, b, dout = r.standard_normal((2, 3, 4)), r.standard_normal((12, 10)), r.standard_normal(10), \
        r.standard_normal((2, 10))
    out, cache = affine_relu_forward(x, w, b)
    np.testing.assert_array_equal(out, np.maximum(affine_forward(x, w, b)[0], 0))
    dx, dw, db = affine_relu_backward(dout, cache)
    for value, arg in ((dx, 0), (dw, 1), (db, 2)):
        args = [x, w, b]

        def f(v, arg=arg):
            return affine_relu_forward(*[v if i == arg else a for i, a in enumerate(args)])[0]
        assert rel_error(value, eval_numerical_gradient_array(f, args[arg], dout)) < 1e-8


@pytest.mark.parametrize("loss_fn", [softmax_loss, svm_loss])
def test_loss_layers_match_numerical_gradients(loss_fn):
    x, y = 0.001 * rng(4).standard_normal((50, 10)), rng(5).integers(10, size=50)
    loss, dx = loss_fn(x, y)
    assert dx.shape == x.shape and np.ndim(loss) == 0
    assert rel_error(dx, eval_numerical_gradient(lambda v: loss_fn(v, y)[0], x, verbose=False)) < 1e-7


def test_loss_layers_at_zero_scores():
    y = np.arange(6) % 4
    assert softmax_loss(np.zeros((6, 4)), y)[0] == pytest.approx(math.log(4), rel=1e-15)
    assert svm_loss(np.zeros((6, 4)), y)[0] == pytest.approx(3.0, rel=1e-15)     # C - 1 margins of 1


@pytest.mark.parametrize("layer, linear", [(softmax_loss, softmax_loss_vectorized), (svm_loss, svm_loss_vectorized)],
                         ids=["softmax", "svm"])
def test_loss_layers_are_the_linear_classifiers_losses_on_the_scores(layer, linear):
    r = rng(6)
    W, X, y = r.standard_normal((7, 5)), r.standard_normal((30, 7)), r.integers(5, size=30)
    loss, dscores = layer(X @ W, y)
    loss_linear, dW = linear(W, X, y, 0.0)
    assert loss == pytest.approx(loss_linear, rel=1e-12)
    np.testing.assert_allclose(X.T @ dscores, dW, rtol=1e-10, atol=1e-12)


def test_softmax_loss_is_stable_for_large_scores():
    x, y = rng(7).standard_normal((5, 3)), np.array([0, 1, 2, 0, 1])
    loss, dx = softmax_loss(x, y)
    loss_big, dx_big = softmax_loss(x + 1000.0, y)
    assert np.isfinite(loss_big) and loss_big == pytest.approx(loss, rel=1e-10)
    np.testing.assert_allclose(dx_big, dx, atol=1e-12)


@pytest.mark.parametrize("fn", [softmax_loss, svm_loss])
def test_loss_layers_keep_float32_and_leave_inputs_alone(fn):
    x, y = rng(8).standard_normal((6, 4)).astype(np.float32), np.array([0, 1, 2, 3, 0, 1])
    before = x.copy()
    loss, dx = fn(x, y)
    assert dx.dtype == np.float32 and np.asarray(loss).dtype == np.float32
    np.testing.assert_array_equal(x, before)
    loss64, dx64 = fn(x.astype(np.float64), y)
    assert loss == pytest.approx(loss64, rel=1e-6)


@pytest.mark.oracle
def test_layers_match_pytorch(torch):
    r = rng(9)
    x, w, b = r.standard_normal((8, 2, 3)), r.standard_normal((6, 5)), r.standard_normal(5)
    y = r.integers(5, size=8)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    scores = torch.relu(tx.reshape(8, -1) @ tw + tb)
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y))
    loss.backward()
    hidden, cache = affine_relu_forward(x, w, b)
    value, dscores = softmax_loss(hidden, y)
    dx, dw, db = affine_relu_backward(dscores, cache)
    assert value == pytest.approx(loss.item(), rel=1e-12)
    for mine, theirs in ((dx, tx), (dw, tw), (db, tb)):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)
    margin = torch.nn.functional.multi_margin_loss(torch.tensor(hidden), torch.tensor(y), reduction="sum") / 8
    assert svm_loss(hidden, y)[0] == pytest.approx(margin.item() * hidden.shape[1], rel=1e-12)
