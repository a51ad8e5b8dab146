import re

import numpy as np
import pytest

from gradient_check import (eval_numerical_gradient, eval_numerical_gradient_array, grad_check_sparse,
                            rel_error)


def test_rel_error_defined_at_zero():
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0


def test_rel_error_values():
    assert rel_error(1.0, 1.0) == 0.0
    assert rel_error(1.0, 3.0) == pytest.approx(0.5)
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 4.2)
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_of_quadratic():
    A = np.random.default_rng(0).standard_normal((4, 4))
    x = np.random.default_rng(1).standard_normal(4)
    grad = eval_numerical_gradient(lambda v: float(v @ A @ v), x, verbose=False)
    assert rel_error(grad, (A + A.T) @ x) < 1e-8


def test_numerical_gradient_array():
    x = np.random.default_rng(2).standard_normal((3, 2))
    df = np.random.default_rng(3).standard_normal((3, 2))
    grad = eval_numerical_gradient_array(np.tanh, x, df)
    assert rel_error(grad, df * (1 - np.tanh(x) ** 2)) < 1e-8


def test_x_restored_exactly_also_when_f_raises():
    x = np.random.default_rng(4).standard_normal((3, 3))
    before = x.copy()
    eval_numerical_gradient(lambda v: float(np.sum(v ** 3)), x, verbose=False)
    assert np.array_equal(x, before)
    calls = []

    def fails_second_time(v):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError, match="boom"):
        eval_numerical_gradient(fails_second_time, x, verbose=False)
    assert np.array_equal(x, before)


def test_grad_check_sparse_prints_cs231n_lines_by_default_and_returns_the_errors(capsys):
    x = np.random.default_rng(5).standard_normal((5, 3))
    f = lambda v: float(np.sum(np.sin(v)))  # noqa: E731
    errors = grad_check_sparse(f, x, np.cos(x), num_checks=7, seed=1)
    assert errors.shape == (7,) and errors.max() < 1e-8
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7
    pattern = r"numerical: (-?\d+\.\d{6}) analytic: (-?\d+\.\d{6}), relative error: (\d\.\d{6}e[-+]\d\d)"
    for line, error in zip(lines, errors):
        match = re.fullmatch(pattern, line)
        assert match, line
        assert float(match.group(3)) == pytest.approx(error, rel=1e-6)
    wrong = grad_check_sparse(f, x, np.cos(x) + 1, num_checks=3, seed=1, verbose=False)
    assert capsys.readouterr().out == ""
    assert wrong.min() > 0.1


def test_eval_numerical_gradient_prints_each_entry_by_default(capsys):
    x = np.array([1.0, 2.0])
    eval_numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["(0,)", "(1,)"]
    assert [float(line.split()[1]) for line in lines] == pytest.approx([2.0, 4.0])
    eval_numerical_gradient(lambda v: float(np.sum(v ** 2)), x, verbose=False)
    assert capsys.readouterr().out == ""


def test_grad_check_sparse_without_seed_follows_numpys_global_seed():
    x = np.random.default_rng(7).standard_normal((40, 40))
    f = lambda v: float(np.sum(v ** 3))  # noqa: E731
    runs = []
    for _ in range(2):
        np.random.seed(5)
        runs.append(grad_check_sparse(f, x, 3 * x ** 2 + x, num_checks=5, verbose=False))
    np.random.seed(6)
    other = grad_check_sparse(f, x, 3 * x ** 2 + x, num_checks=5, verbose=False)
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], other)


def test_grad_check_sparse_is_repeatable_with_seed():
    x = np.random.default_rng(6).standard_normal((50, 50))
    f = lambda v: float(np.sum(v ** 2))  # noqa: E731
    a = grad_check_sparse(f, x, 2 * x + 1e-3 * x ** 2, seed=3, verbose=False)
    b = grad_check_sparse(f, x, 2 * x + 1e-3 * x ** 2, seed=3, verbose=False)
    c = grad_check_sparse(f, x, 2 * x + 1e-3 * x ** 2, seed=4, verbose=False)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_bad_arguments():
    with pytest.raises(TypeError, match="x must be a floating-point numpy array"):
        eval_numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"analytic_grad must have x's shape \(2,\)"):
        grad_check_sparse(lambda v: 0.0, np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="num_checks must be a positive integer"):
        grad_check_sparse(lambda v: 0.0, np.zeros(2), np.zeros(2), num_checks=0)
