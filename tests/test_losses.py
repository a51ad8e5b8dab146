"""classifiers.losses: hand-computed values, edge cases and error messages (no PyTorch needed)."""
import math
import warnings

import numpy as np
import pytest

from classifiers import losses as L
from classifiers.softmax import softmax_loss_vectorized
from softmax_safeguards.validation import ClassifierError
from gradient_check import eval_numerical_gradient_array, rel_error

LOG = math.log


def test_softmax_and_log_softmax_values():
    x = np.array([1.0, 2.0, 3.0])
    e = np.exp(x)
    np.testing.assert_allclose(L.softmax(x, 0), e / e.sum(), rtol=1e-15)
    np.testing.assert_allclose(L.log_softmax(x, 0), x - LOG(e.sum()), rtol=1e-15)
    np.testing.assert_allclose(L.softmax(np.array([[0.0, LOG(3.0)]]), 1), [[0.25, 0.75]], rtol=1e-15)


def test_cross_entropy_hand_computed():
    # logits [0, log 3]: p = [1/4, 3/4]
    x = np.array([[0.0, LOG(3.0)], [0.0, LOG(3.0)]])
    t = np.array([1, 0])
    assert L.cross_entropy(x, t, reduction="none") == pytest.approx([-LOG(0.75), -LOG(0.25)])
    assert L.cross_entropy(x, t) == pytest.approx((-LOG(0.75) - LOG(0.25)) / 2)
    assert L.cross_entropy(x, t, reduction="sum") == pytest.approx(-LOG(0.75) - LOG(0.25))
    w = np.array([1.0, 3.0])                   # the weighted mean divides by 3 + 1, not by 2
    assert L.cross_entropy(x, t, weight=w) == pytest.approx((-3 * LOG(0.75) - LOG(0.25)) / 4)
    assert L.cross_entropy(x, np.array([1, -100])) == pytest.approx(-LOG(0.75))


def test_gradient_is_softmax_minus_one_hot():
    # the notebook's example: a correct class with probability 0.7 gets -0.3, the others their probabilities
    p = np.array([0.7, 0.2, 0.1])
    loss, grad = L.cross_entropy(np.log(p)[None], np.array([0]), return_grad=True)
    assert loss == pytest.approx(-LOG(0.7))
    np.testing.assert_allclose(grad, [[-0.3, 0.2, 0.1]], rtol=1e-12)


def test_label_smoothing_hand_computed():
    x = np.log(np.array([[0.5, 0.25, 0.25]]))
    eps = 0.3                                  # target mix: 0.7 * one_hot + 0.1 each
    expected = -(0.8 * LOG(0.5) + 0.1 * LOG(0.25) + 0.1 * LOG(0.25))
    assert L.cross_entropy(x, np.array([0]), label_smoothing=eps) == pytest.approx(expected)
    soft = np.array([[1.0, 0.0, 0.0]])
    assert L.cross_entropy(x, soft, label_smoothing=eps) == pytest.approx(expected)


def test_probability_targets_mean_divides_by_rows():
    x = np.zeros((2, 4, 3))                    # uniform: -log p = log 4 everywhere
    t = np.full((2, 4, 3), 0.25)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    assert L.cross_entropy(x, t) == pytest.approx(LOG(4))
    assert L.cross_entropy(x, t, weight=w) == pytest.approx(LOG(4) * 0.25 * w.sum())   # weights not in divisor


def test_segmentation_shape():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 3, 4))      # (N, C, H, W)
    t = rng.integers(0, 5, (2, 3, 4))
    per_pixel = L.cross_entropy(x, t, reduction="none")
    assert per_pixel.shape == (2, 3, 4)
    flat = L.cross_entropy(np.moveaxis(x, 1, -1).reshape(-1, 5), t.reshape(-1), reduction="none")
    np.testing.assert_allclose(per_pixel.reshape(-1), flat, rtol=1e-14)


def test_unbatched_input():
    x = np.array([0.0, LOG(3.0)])
    assert L.cross_entropy(x, np.array(1)) == pytest.approx(-LOG(0.75))
    assert L.nll_loss(np.log([0.25, 0.75]), np.array(0)) == pytest.approx(-LOG(0.25))


def test_all_ignored_mean_is_nan_and_gradient_zero():
    loss, grad = L.cross_entropy(np.zeros((3, 4)), np.full(3, -100), return_grad=True)
    assert math.isnan(loss)
    assert np.array_equal(grad, np.zeros((3, 4)))


def test_minus_inf_logits():
    x = np.array([[0.0, -np.inf, 0.0], [-np.inf] * 3])
    loss = L.cross_entropy(x, np.array([0, 1]), reduction="none")
    assert loss[0] == pytest.approx(LOG(2)) and math.isnan(loss[1])
    assert L.cross_entropy(x[:1], np.array([1])) == np.inf
    assert L.cross_entropy(x[:1], np.array([0]), label_smoothing=0.1) == np.inf


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", [((0,), 0), ((3, 0), 1), ((3, 0), 0), ((0, 4), 1), ((2, 0, 3), 2)])
def test_softmax_over_an_empty_input_is_empty(name, shape, dim):
    out, grad = getattr(L, name)(np.zeros(shape, np.float32), dim, return_grad=True)
    assert out.shape == grad.shape == shape and out.dtype == grad.dtype == np.float32


def test_empty_batch_mean_is_nan_sum_is_zero():
    for c in (4, 0):                                     # even with no classes: 0 / 0
        assert math.isnan(L.cross_entropy(np.zeros((0, c)), np.zeros(0, int)))
        assert L.cross_entropy(np.zeros((0, c)), np.zeros(0, int), reduction="sum") == 0
        assert L.cross_entropy(np.zeros((0, c)), np.zeros(0, int), reduction="none").shape == (0,)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_dtype_casts_the_input_before_the_operation(name):
    fn = getattr(L, name)
    x = np.random.default_rng(3).standard_normal((4, 5)).astype(np.float32) * 30
    out, grad = fn(x, 1, dtype=np.float64, return_grad=True, grad_output=np.ones((4, 5)))
    assert out.dtype == np.float64 and grad.dtype == np.float32        # the gradient flows back through the cast
    np.testing.assert_array_equal(out, fn(x.astype(np.float64), 1))
    np.testing.assert_array_equal(grad, fn(x.astype(np.float64), 1, return_grad=True)[1].astype(np.float32))
    assert fn(x.astype(np.float64), 1, dtype="float32").dtype == np.float32
    np.testing.assert_array_equal(fn(np.arange(5), 0, dtype=np.float64), fn(np.arange(5.0), 0))


@pytest.mark.parametrize("call", [
    lambda: L.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), None, -100),
    lambda: L.nll_loss(np.zeros((2, 3)), np.array([0, 1]), None, -100),
    lambda: L.binary_cross_entropy(np.full(2, 0.5), np.ones(2), None, "sum"),
    lambda: L.binary_cross_entropy_with_logits(np.zeros(2), np.ones(2), None, "sum"),
    lambda: L.kl_div(np.zeros(2), np.zeros(2), "sum"),
    lambda: L.softmax(np.zeros(2), 0, 3),
], ids=["cross_entropy", "nll_loss", "bce", "bce_with_logits", "kl_div", "softmax"])
def test_arguments_after_weight_are_keyword_only(call):
    # PyTorch has size_average (or _stacklevel) in the next slot: a positional value would mean something else
    with pytest.raises(TypeError, match="positional argument"):
        call()


@pytest.mark.parametrize("fn,args", [
    (L.cross_entropy, (np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0]]), np.array([1, 0]))),
    (L.log_softmax, (np.array([[1e4, -1e4, 0.0]]), 1)),
    (L.softmax, (np.array([[1e4, -1e4, 0.0]]), 1)),
    (L.binary_cross_entropy_with_logits, (np.array([1e4, -1e4]), np.array([0.0, 1.0]))),
], ids=["cross_entropy", "log_softmax", "softmax", "bce_with_logits"])
def test_stable_for_huge_logits(fn, args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, grad = fn(*args, return_grad=True)
    assert np.isfinite(out).all() and np.isfinite(grad).all()


def test_binary_losses_hand_computed():
    assert L.binary_cross_entropy(np.array([0.8, 0.4]), np.array([1.0, 0.0])) == pytest.approx(
        -(LOG(0.8) + LOG(0.6)) / 2)
    assert L.binary_cross_entropy(np.array([0.0]), np.array([1.0])) == pytest.approx(100.0)   # log clamped at -100
    z = np.array([0.0, 2.0])
    sig = 1 / (1 + np.exp(-z))
    loss, grad = L.binary_cross_entropy_with_logits(z, np.array([1.0, 0.0]), reduction="none", return_grad=True)
    np.testing.assert_allclose(loss, [-LOG(0.5), -LOG(1 - sig[1])], rtol=1e-14)
    np.testing.assert_allclose(grad, sig - [1.0, 0.0], rtol=1e-14)
    assert L.binary_cross_entropy_with_logits(np.array([0.0]), np.array([1.0]), pos_weight=np.array([3.0])) \
        == pytest.approx(3 * LOG(2))


def test_kl_div_hand_computed_and_entropy_identity():
    p = np.array([[0.5, 0.5]])
    q = np.array([[0.25, 0.75]])
    kl = 0.5 * LOG(0.5 / 0.25) + 0.5 * LOG(0.5 / 0.75)
    assert L.kl_div(np.log(q), p, reduction="batchmean") == pytest.approx(kl)
    assert L.kl_div(np.log(q), p, reduction="mean") == pytest.approx(kl / 2)
    assert L.kl_div(np.log(q), np.log(p), reduction="sum", log_target=True) == pytest.approx(kl)
    # cross-entropy with soft targets = entropy(p) + KL(p || q)
    entropy = -np.sum(p * np.log(p))
    assert L.cross_entropy(np.log(q), p) == pytest.approx(entropy + kl)


@pytest.mark.parametrize("name,fn", [
    ("cross_entropy", lambda x, t: L.cross_entropy(x, t, weight=np.array([1.0, 2, 3, 4]), ignore_index=2,
                                                   label_smoothing=0.2, reduction="none", return_grad=True,
                                                   grad_output=np.arange(1.0, 6.0))),
    ("nll_loss", lambda x, t: L.nll_loss(x, t, reduction="sum", return_grad=True)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_gradient_matches_numerical(name, fn):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 4))
    t = np.array([0, 2, 3, 1, 2])
    _, grad = fn(x, t)
    g_out = np.arange(1.0, 6.0) if name == "cross_entropy" else 1.0
    num = eval_numerical_gradient_array(lambda z: fn(z, t)[0], x, g_out)
    assert rel_error(grad, num) < 1e-8


def test_softmax_loss_is_cross_entropy_on_scores():
    rng = np.random.default_rng(2)
    W, X, y = rng.standard_normal((6, 4)), rng.standard_normal((9, 6)), rng.integers(0, 4, 9)
    loss, dW = softmax_loss_vectorized(W, X, y, 0.0)
    ce, dscores = L.cross_entropy(X @ W, y, return_grad=True)
    assert loss == pytest.approx(ce, rel=1e-14)
    np.testing.assert_allclose(dW, X.T @ dscores, rtol=1e-13)


BAD = [
    ("target out of range", lambda: L.cross_entropy(np.zeros((2, 3)), np.array([0, 3])), ValueError,
     r"class index 3, out of range for C = 3"),
    ("negative target", lambda: L.nll_loss(np.zeros((2, 3)), np.array([0, -1])), ValueError, "class index -1"),
    ("float target wrong shape", lambda: L.cross_entropy(np.zeros((2, 3)), np.zeros((2, 2))), ValueError,
     r"target must have the same shape as input \(2, 3\), got shape \(2, 2\)"),
    ("weight wrong length", lambda: L.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), weight=np.ones(2)),
     ValueError, r"weight must be a 1-D array with one entry per class \(length C = 3\), got shape \(2,\)"),
    ("label_smoothing > 1", lambda: L.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), label_smoothing=1.5),
     ValueError, r"label_smoothing must be a number in \[0, 1\], got 1.5"),
    ("label_smoothing < 0", lambda: L.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), label_smoothing=-0.1),
     ValueError, "label_smoothing must be a number in"),
    ("unknown reduction", lambda: L.nll_loss(np.zeros((2, 3)), np.array([0, 1]), reduction="avg"), ValueError,
     "reduction must be one of 'none', 'mean', 'sum', got 'avg'"),
    ("batchmean not for nll", lambda: L.nll_loss(np.zeros((2, 3)), np.array([0, 1]), reduction="batchmean"),
     ValueError, "reduction must be one of"),
    ("batch size mismatch", lambda: L.cross_entropy(np.zeros((4, 3)), np.array([0, 1])), ValueError,
     r"batch size mismatch: input has 4 rows .* target has 2"),
    ("segmentation target shape", lambda: L.cross_entropy(np.zeros((2, 3, 4, 4)), np.zeros((2, 4, 5), int)),
     ValueError, r"target must have shape \(2, 4, 4\)"),
    ("integer input", lambda: L.cross_entropy(np.zeros((2, 3), int), np.array([0, 1])), TypeError,
     "input must be a floating-point array"),
    ("bool target", lambda: L.cross_entropy(np.zeros((2, 3)), np.array([True, False])), TypeError,
     "target must hold integer class indices"),
    ("bce input outside [0, 1]", lambda: L.binary_cross_entropy(np.array([1.5]), np.array([1.0])), ValueError,
     r"probabilities in \[0, 1\]"),
    ("bce target shape", lambda: L.binary_cross_entropy(np.array([0.5, 0.5]), np.array([1.0])), ValueError,
     "target must have the same shape as input"),
    ("bce logits target shape", lambda: L.binary_cross_entropy_with_logits(np.zeros(3), np.zeros(2)), ValueError,
     "target must have the same shape"),
    ("pos_weight not broadcastable", lambda: L.binary_cross_entropy_with_logits(np.zeros((2, 3)), np.zeros((2, 3)),
                                                                               pos_weight=np.ones(2)),
     ValueError, r"pos_weight of shape \(2,\) cannot be broadcast"),
    ("kl reduction", lambda: L.kl_div(np.zeros(2), np.zeros(2), reduction="batch"), ValueError,
     "'batchmean'"),
    ("softmax dim", lambda: L.softmax(np.zeros((2, 3)), 2), ValueError, r"dim 2 is out of range"),
    ("softmax integer dtype", lambda: L.softmax(np.zeros((2, 3)), 1, dtype=np.int64), TypeError,
     "dtype must be a floating-point dtype such as np.float64, got int64"),
    ("gradient of an integer input", lambda: L.log_softmax(np.arange(3), 0, dtype=np.float64, return_grad=True),
     TypeError, "the gradient needs a floating-point input, got dtype int64"),
    ("probability targets with ignore_index", lambda: L.cross_entropy(np.zeros((2, 3)), np.full((2, 3), 1 / 3),
                                                                       ignore_index=1),
     ValueError, "ignore_index is not supported with probability targets .* got ignore_index=1"),
    ("grad_output shape", lambda: L.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), reduction="none",
                                                  return_grad=True, grad_output=np.ones(3)),
     ValueError, r"grad_output must have the output's shape \(2,\)"),
]


@pytest.mark.parametrize("call,exc,pattern", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_error(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as raised:
        call()
    assert isinstance(raised.value, ClassifierError)      # raised through validation.py: the CLI's one-line errors
