"""Tie policies of the max-pooling backward pass (pooling_lib.ties)."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pooling_lib import pool, unpool_max
from pooling_lib.ties import TIE_POLICIES, unpool_max_ties


# ------------------------------------------------------------ naive reference
def naive_tie_backward(grad, x, f, s, policy, p=0, ceil_mode=False):
    """Loop over windows of a 2-D input: find the tied maxima among real cells, hand the gradient on."""
    h, w = x.shape
    out = pool(x, f, s, padding=p, ceil_mode=ceil_mode)  # only its shape is used
    result = np.zeros((h, w))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            cells = [(r, c) for r in range(i * s - p, i * s - p + f) for c in range(j * s - p, j * s - p + f)
                     if 0 <= r < h and 0 <= c < w]
            values = [x[r, c] for r, c in cells]
            if any(np.isnan(v) for v in values):
                ties = [rc for rc, v in zip(cells, values) if np.isnan(v)]
            else:
                top = max(values)
                ties = [rc for rc, v in zip(cells, values) if v == top]
            if policy == "first":
                targets, share = ties[:1], 1.0
            elif policy == "last":
                targets, share = ties[-1:], 1.0
            elif policy == "all":
                targets, share = ties, 1.0
            else:
                targets, share = ties, 1.0 / len(ties)
            for r, c in targets:
                result[r, c] += grad[i, j] * share
    return result


@st.composite
def tie_cases(draw):
    h = draw(st.integers(1, 7))
    w = draw(st.integers(1, 7))
    f = draw(st.integers(1, 4))
    s = draw(st.integers(1, 4))
    p = draw(st.integers(0, f // 2))
    ceil_mode = draw(st.booleans())
    assume(f <= h + 2 * p and f <= w + 2 * p)
    values = draw(st.lists(st.integers(-2, 2), min_size=h * w, max_size=h * w))
    x = np.array(values, dtype=float).reshape(h, w)
    return x, f, s, p, ceil_mode


@settings(deadline=None)  # the naive loops are slow on purpose; the profile sets the count
@given(tie_cases(), st.sampled_from(TIE_POLICIES))
def test_every_policy_matches_the_naive_loop(case, policy):
    x, f, s, p, ceil_mode = case
    out = pool(x, f, s, padding=p, ceil_mode=ceil_mode)
    grad = np.arange(1.0, out.size + 1).reshape(out.shape)
    got = unpool_max_ties(grad, x, f, s, policy=policy, padding=p, ceil_mode=ceil_mode)
    np.testing.assert_allclose(got, naive_tie_backward(grad, x, f, s, policy, p, ceil_mode), rtol=1e-12)


@settings(deadline=None)  # the naive loops are slow on purpose; the profile sets the count
@given(tie_cases())
def test_first_is_exactly_unpool_max(case):
    x, f, s, p, ceil_mode = case
    out, idx = pool(x, f, s, padding=p, ceil_mode=ceil_mode, return_indices=True)
    grad = np.arange(1.0, out.size + 1).reshape(out.shape)
    got = unpool_max_ties(grad, x, f, s, policy="first", padding=p, ceil_mode=ceil_mode)
    np.testing.assert_array_equal(got, unpool_max(grad, idx, x.shape))


@settings(deadline=None)  # the naive loops are slow on purpose; the profile sets the count
@given(tie_cases())
def test_mass_is_conserved_except_for_all(case):
    x, f, s, p, ceil_mode = case
    out = pool(x, f, s, padding=p, ceil_mode=ceil_mode)
    grad = np.ones(out.shape)
    for policy in ("first", "last", "split"):
        got = unpool_max_ties(grad, x, f, s, policy=policy, padding=p, ceil_mode=ceil_mode)
        assert got.sum() == pytest.approx(grad.sum())
    every = unpool_max_ties(grad, x, f, s, policy="all", padding=p, ceil_mode=ceil_mode)
    ties = naive_tie_backward(grad, x, f, s, "all", p, ceil_mode).sum() - grad.sum()
    assert every.sum() == pytest.approx(grad.sum() + ties)


def test_all_breaks_conservation_on_a_plateau():
    x = np.zeros((4, 4))
    grad = np.ones((2, 2))
    assert unpool_max_ties(grad, x, 2, policy="all").sum() == 16.0  # 4 windows x 4 tied cells
    assert unpool_max_ties(grad, x, 2, policy="split").sum() == 4.0
    assert unpool_max_ties(grad, x, 2, policy="last").sum() == 4.0


def test_without_ties_every_policy_agrees():
    x = np.array([[3., 1., 4., 1.], [5., 9., 2., 6.], [8., 7., 0., 10.], [11., 13., 12., 14.]])
    grad = np.array([[1., 2.], [3., 4.]])
    first = unpool_max_ties(grad, x, 3, 1, policy="first")
    for policy in TIE_POLICIES:
        np.testing.assert_array_equal(unpool_max_ties(grad, x, 3, 1, policy=policy), first)


def test_hand_computed_policies_with_overlap():
    # 3x3 plateau, 2x2 windows, stride 1: four windows, each with 4 tied cells
    x = np.zeros((3, 3))
    grad = np.ones((2, 2))
    np.testing.assert_array_equal(unpool_max_ties(grad, x, 2, 1, policy="first"),
                                  [[1, 1, 0], [1, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(unpool_max_ties(grad, x, 2, 1, policy="last"),
                                  [[0, 0, 0], [0, 1, 1], [0, 1, 1]])
    np.testing.assert_array_equal(unpool_max_ties(grad, x, 2, 1, policy="all"),
                                  [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    np.testing.assert_array_equal(unpool_max_ties(grad, x, 2, 1, policy="split"),
                                  [[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]])


def test_padding_cells_never_take_a_share():
    # padding 1 around a 2x2 plateau, 3x3 windows, stride 1: every window sees all 4 real cells
    x = np.zeros((2, 2))
    grad = np.ones((2, 2))
    np.testing.assert_array_equal(unpool_max_ties(grad, x, 3, 1, policy="split", padding=1),
                                  np.ones((2, 2)))


def test_nan_windows_send_their_gradient_to_the_nan_cells():
    x = np.array([[np.nan, 1., 2., 2.], [np.nan, 0., 1., 0.]])
    grad = np.array([[10., 20.]])
    np.testing.assert_array_equal(unpool_max_ties(grad, x, 2, policy="split"),
                                  [[5, 0, 10, 10], [5, 0, 0, 0]])
    np.testing.assert_array_equal(unpool_max_ties(grad, x, 2, policy="last"),
                                  [[0, 0, 0, 20], [10, 0, 0, 0]])


def test_channels_and_batches_are_independent():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(2, 5, 5, 3)).astype(float)
    grad = rng.random((2, 2, 2, 3))
    for policy in TIE_POLICIES:
        got = unpool_max_ties(grad, x, 2, 2, policy=policy)
        assert got.shape == x.shape
        for m in range(2):
            for c in range(3):
                np.testing.assert_allclose(got[m, :, :, c],
                                           naive_tie_backward(grad[m, :, :, c], x[m, :, :, c], 2, 2, policy))
        np.testing.assert_allclose(unpool_max_ties(grad[0], x[0], 2, policy=policy), got[0])


def test_integer_inputs_and_gradients():
    x = np.array([[1, 1], [0, 1]], dtype=np.int32)
    got = unpool_max_ties(np.array([[6]]), x, 2, policy="split")
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, [[2, 2], [0, 2]])


def test_float32_gradient_keeps_its_dtype():
    got = unpool_max_ties(np.ones((1, 1), np.float32), np.zeros((2, 2)), 2, policy="split")
    assert got.dtype == np.float32


def test_inputs_are_not_modified():
    x = np.zeros((4, 4))
    grad = np.ones((2, 2))
    for policy in TIE_POLICIES:
        unpool_max_ties(grad, x, 2, policy=policy)
    np.testing.assert_array_equal(x, 0)
    np.testing.assert_array_equal(grad, 1)


# ------------------------------------------------------------ validation
def test_unknown_policy():
    with pytest.raises(ValueError, match=r"policy must be one of .*, got 'mean'"):
        unpool_max_ties(np.ones((2, 2)), np.zeros((4, 4)), 2, policy="mean")


def test_grad_must_fit_the_pooled_output():
    message = r"grad must have the shape of the pooled output \(2, 2\), got shape \(3, 3\)"
    with pytest.raises(ValueError, match=message):
        unpool_max_ties(np.ones((3, 3)), np.zeros((4, 4)), 2)


def test_ceil_mode_must_be_a_bool():
    with pytest.raises(TypeError, match="ceil_mode must be True or False, got 'no'"):
        unpool_max_ties(np.ones((2, 2)), np.zeros((4, 4)), 2, ceil_mode="no")


def test_x_must_be_numeric():
    with pytest.raises(TypeError, match="x must have an integer or floating-point dtype, got dtype <U1"):
        unpool_max_ties(np.ones((2, 2)), np.full((4, 4), "a"), 2)


def test_grad_must_be_numeric():
    message = "grad must have an integer or floating-point dtype, got dtype object"
    with pytest.raises(TypeError, match=message):
        unpool_max_ties(np.array([[None, 1], [1, 1]], dtype=object), np.zeros((4, 4)), 2)


def test_window_arguments_are_checked_by_pool():
    with pytest.raises(ValueError, match="padding must be at most half the window"):
        unpool_max_ties(np.ones((2, 2)), np.zeros((4, 4)), 2, padding=2)
