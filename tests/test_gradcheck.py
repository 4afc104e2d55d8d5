"""The finite-difference helper (pooling_lib.gradcheck)."""

import numpy as np
import pytest

from pooling_lib import pool, unpool_avg, unpool_max
from pooling_lib.gradcheck import numerical_gradient


# ------------------------------------------------------------ finite differences
def test_numerical_gradient_of_a_smooth_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    got = numerical_gradient(lambda a: a ** 2, x, g)
    np.testing.assert_allclose(got, 2 * x * g, rtol=1e-7)
    for side in ("forward", "backward"):
        np.testing.assert_allclose(numerical_gradient(lambda a: a ** 2, x, g, side=side, eps=1e-7),
                                   2 * x * g, rtol=1e-5)


def test_numerical_gradient_checks_max_and_mean_unpooling():
    rng = np.random.default_rng(1)
    x = rng.permutation(36).reshape(6, 6) / 7.0  # no ties
    g = rng.random((2, 2))
    _, idx = pool(x, 3, 2, return_indices=True)
    num = numerical_gradient(lambda a: pool(a, 3, 2), x, g)
    ana = unpool_max(g, idx, x.shape)
    assert np.abs(num - ana).max() / np.abs(ana).max() < 1e-6
    num = numerical_gradient(lambda a: pool(a, 3, 2, method="mean", padding=1), x, np.ones((3, 3)))
    ana = unpool_avg(np.ones((3, 3)), x.shape, 3, 2, padding=1)
    assert np.abs(num - ana).max() / np.abs(ana).max() < 1e-6


def test_one_sided_differences_disagree_at_a_tie():
    x = np.zeros((2, 2))
    def f(a):
        return pool(a, 2)

    np.testing.assert_allclose(numerical_gradient(f, x, side="forward"), np.ones((2, 2)))
    np.testing.assert_allclose(numerical_gradient(f, x, side="backward"), np.zeros((2, 2)))
    np.testing.assert_allclose(numerical_gradient(f, x), np.full((2, 2), 0.5))


def test_numerical_gradient_leaves_x_alone():
    x = np.arange(4.0).reshape(2, 2)
    numerical_gradient(lambda a: a * 3, x)
    np.testing.assert_array_equal(x, np.arange(4.0).reshape(2, 2))


def test_numerical_gradient_default_weights_are_ones():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(numerical_gradient(lambda a: a.sum(axis=0), x), np.ones((2, 3)))


def test_func_must_be_callable():
    with pytest.raises(TypeError, match="func must be callable, got 3"):
        numerical_gradient(3, np.zeros(2))


def test_side_must_be_known():
    with pytest.raises(ValueError, match="side must be 'central', 'forward' or 'backward', got 'left'"):
        numerical_gradient(np.sin, np.zeros(2), side="left")


def test_eps_must_be_a_number():
    with pytest.raises(TypeError, match="eps must be a number, got '1e-6'"):
        numerical_gradient(np.sin, np.zeros(2), eps="1e-6")


def test_eps_must_be_positive():
    with pytest.raises(ValueError, match="eps must be positive, got 0.0"):
        numerical_gradient(np.sin, np.zeros(2), eps=0.0)


def test_numerical_x_must_be_numeric():
    with pytest.raises(TypeError, match="x must have an integer or floating-point dtype, got dtype <U1"):
        numerical_gradient(np.sin, np.array(["a"]))


def test_numerical_grad_must_fit_func_x():
    with pytest.raises(ValueError, match=r"grad must have the shape of func\(x\) \(2,\), got shape \(3,\)"):
        numerical_gradient(np.sin, np.zeros(2), np.ones(3))


def test_numerical_grad_must_be_numeric():
    with pytest.raises(TypeError, match="grad must have an integer or floating-point dtype, got dtype <U1"):
        numerical_gradient(np.sin, np.zeros(2), np.array(["a", "b"]))
