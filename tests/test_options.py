"""PyTorch's and TensorFlow's pooling options: dilation, padding='valid'/'same', divisor_override,
count_include_pad=None, and the ceil_mode rule as window_count.

Hand-computed arrays first, then random cases against the naive loops of tests/reference.py, then
finite differences for the gradients (unpool_max with dilated indices, unpool_avg with 'same' and
divisor_override).
"""

import re

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import reference
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import pooling_lib
from pooling_lib import (
    WindowCount,
    max_mask,
    output_size,
    pool,
    same_padding,
    tf_output_size,
    unpool_avg,
    unpool_max,
    window_count,
)

PROPERTY = settings(max_examples=400, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
X = np.arange(16).reshape(4, 4)
X25 = np.arange(25).reshape(5, 5)


# ------------------------------------------------------------------ dilation, by hand
def test_dilation_reads_every_other_cell():
    # window (i, j) reads rows i, i + 2 and columns j, j + 2: its maximum is x[i + 2, j + 2]
    out, idx = pool(X, 2, stride=1, dilation=2, return_indices=True)
    assert_array_equal(out, [[10, 11], [14, 15]])
    assert_array_equal(idx, [[10, 11], [14, 15]])


def test_dilation_with_padding_skips_the_padding_taps():
    # rows read: {-1, 1}, {1, 3}, {3, 5}; real rows {1}, {1, 3}, {3}; the same for columns
    out, idx = pool(X25, 2, stride=2, padding=1, dilation=2, return_indices=True)
    expected = 5 * np.array([1, 3, 3])[:, None] + np.array([1, 3, 3])
    assert_array_equal(out, expected)
    assert_array_equal(idx, expected)  # x[r, c] = 5 r + c = its flat index


def test_dilation_pair_and_output_size():
    out = pool(X25, (2, 3), stride=1, dilation=(3, 2))
    # rows read r, r + 3 (r < 2); columns c, c + 2, c + 4 (c < 1): max is x[r + 3, 4]
    assert_array_equal(out, [[19], [24]])
    assert output_size(5, 2, 1, dilation=3) == 2
    assert output_size(5, 3, 1, dilation=2) == 1


def test_dilated_max_mask_has_one_entry_per_tap_read():
    mask = max_mask(X, 2, stride=1, dilation=2)
    assert mask.shape == (2, 2, 2, 2)
    assert_array_equal(mask[0, 0], [[0, 0], [0, 1]])
    assert_array_equal(mask, reference.max_mask(X, 2, 1, dilation=2))


def test_dilated_indices_unpool_to_the_gradient():
    _, idx = pool(X, 2, stride=1, dilation=2, return_indices=True)
    expected = np.zeros((4, 4))
    expected[2:, 2:] = 1
    assert_array_equal(unpool_max(np.ones((2, 2)), idx, X.shape), expected)


def test_dilation_with_ceil_mode():
    # n = 5, f = 2, d = 2: (5 - 2 - 1) / 2 = 1 -> floor 2 windows, ceil 2; with stride 3: floor 1, ceil 2
    assert output_size(5, 2, 3, dilation=2) == 1
    assert output_size(5, 2, 3, ceil_mode=True, dilation=2) == 2
    out, idx = pool(np.arange(5.0)[None], (1, 2), (1, 3), ceil_mode=True, dilation=(1, 2), return_indices=True)
    assert_array_equal(out, [[2.0, 3.0]])  # windows read columns {0, 2} and {3, 5}: 5 is past the input
    assert_array_equal(idx, [[2, 3]])


def test_mean_with_dilation_is_refused():
    with pytest.raises(ValueError, match=re.escape("dilation must be 1 with method='mean' "
                                                   "(average pooling has none), got 2")):
        pool(X, 2, method="mean", dilation=2)


def test_a_window_of_padding_only_is_refused_naming_it():
    # one column, padding 1, window taps at columns -1 and 1: both padding
    with pytest.raises(ValueError, match=r"dilation must leave every window a real cell: along the "
                                         r"column axis window 0 .* holds only padding with f=2, dilation=2"):
        pool(np.ones((1, 1)), (1, 2), padding=(0, 1), dilation=(1, 2))


def test_a_dilated_window_longer_than_the_padded_input_is_refused():
    with pytest.raises(ValueError, match=r"f must fit in the padded input along the row axis with "
                                         r"dilation 2 .*reaches 2 \* \(3 - 1\) \+ 1 = 5 cells.*got 3"):
        pool(X, 3, dilation=2)


@pytest.mark.parametrize("value, error, text", [
    (0, ValueError, "dilation must be a positive integer, got 0"),
    (-1, ValueError, "dilation must be a positive integer, got -1"),
    ((1, 0), ValueError, "dilation must be a positive integer, got 0"),
    (1.5, TypeError, "dilation must be an integer or a pair of integers, got 1.5"),
    (True, TypeError, "dilation must be an integer or a pair of integers, got True"),
])
def test_bad_dilation(value, error, text):
    with pytest.raises(error, match=re.escape(text)):
        pool(X, 2, dilation=value)


# ------------------------------------------------------------------ 'valid' and 'same', by hand
def test_valid_is_no_padding():
    assert_array_equal(pool(X, 3, 1, padding="valid"), pool(X, 3, 1))
    assert output_size(4, 3, 2, padding="valid") == 1


def test_same_max_puts_the_odd_padding_cell_at_the_end():
    # n = 3, f = 2, s = 1: ceil(3 / 1) = 3 windows, 1 padding cell, after the input
    out, idx = pool(np.array([[1, 2, 3]]), (1, 2), 1, padding="same", return_indices=True)
    assert_array_equal(out, [[2, 3, 3]])
    assert_array_equal(idx, [[1, 2, 2]])
    assert same_padding(3, 2, 1) == (0, 1)


def test_same_max_never_picks_a_padding_cell():
    x = -np.arange(16.0).reshape(4, 4)
    out, idx = pool(x, 3, 1, padding="same", return_indices=True)
    assert_array_equal(out, pool(x, 3, 1, padding=1))  # same_padding(4, 3, 1) = (1, 1)
    assert idx.min() >= 0 and idx.max() < 16


def test_same_mean_divides_by_real_cells_only():
    # f = 3, s = 2 on 4: 2 windows, padding (0, 1): windows rows/cols [0, 3) and [2, 4) (+1 padding)
    assert_array_equal(pool(X, 3, 2, method="mean", padding="same"), [[5.0, 6.5], [11.0, 12.5]])


def test_same_mean_with_count_include_pad_counts_the_padding():
    assert_allclose(pool(X, 3, 2, method="mean", padding="same", count_include_pad=True),
                    [[5.0, 39 / 9], [66 / 9, 50 / 9]])


def test_count_include_pad_none_is_pytorchs_true_for_integer_padding():
    assert_array_equal(pool(X, 3, 2, method="mean", padding=1),
                       pool(X, 3, 2, method="mean", padding=1, count_include_pad=True))
    assert_array_equal(pool(X, 3, 2, method="mean", padding="same"),
                       pool(X, 3, 2, method="mean", padding="same", count_include_pad=False))


def test_same_output_sizes():
    assert [output_size(n, 3, 2, padding="same") for n in range(1, 8)] == [1, 1, 2, 2, 3, 3, 4]
    assert pool(np.ones((5, 7)), 3, 2, padding="same").shape == (3, 4)
    assert tf_output_size(5, 3, 2, "same") == 3
    assert same_padding(5, 3, 2) == (1, 1)


def test_same_unpool_avg_spreads_over_real_cells():
    grad = np.array([[6.0]])
    # n = 2, f = 3, s = 2: one window, padding (0, 1), 2 x 2 real cells: each gets 6 / 4
    assert_array_equal(unpool_avg(grad, (2, 2), 3, 2, padding="same"), np.full((2, 2), 1.5))
    assert_array_equal(unpool_avg(grad, (2, 2), 3, 2, padding="same", count_include_pad=True),
                       np.full((2, 2), 6 / 9))


def test_same_with_ceil_mode_is_refused():
    message = "ceil_mode must be False with padding='same' (it already keeps ceil(n / stride) windows), got True"
    with pytest.raises(ValueError, match=re.escape(message)):
        pool(X, 2, padding="same", ceil_mode=True)
    with pytest.raises(ValueError, match=re.escape(message)):
        output_size(4, 2, padding="same", ceil_mode=True)
    with pytest.raises(ValueError, match=re.escape(message)):
        unpool_avg(np.ones((2, 2)), (4, 4), 2, padding="same", ceil_mode=True)


@pytest.mark.parametrize("value", ["SAME", "full", ""])
def test_unknown_padding_string(value):
    message = f"padding must be an integer, a pair of integers, 'valid' or 'same', got {value!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        pool(X, 2, padding=value)
    with pytest.raises(ValueError, match=re.escape(message)):
        output_size(4, 2, padding=value)


# ------------------------------------------------------------------ divisor_override, by hand
def test_divisor_override_divides_every_window_by_it():
    # window sums [[10, 18], [42, 50]]
    assert_array_equal(pool(X, 2, method="mean", divisor_override=2), [[5.0, 9.0], [21.0, 25.0]])
    assert_array_equal(pool(X, 3, 2, method="mean", padding=1, divisor_override=1),
                       [[10.0, 24.0], [51.0, 90.0]])  # the real cells' sums


def test_divisor_override_in_unpool_avg():
    assert_array_equal(unpool_avg(np.array([[8.0]]), (2, 2), 2, divisor_override=4), np.full((2, 2), 2.0))
    assert_array_equal(unpool_avg(np.array([[8.0]]), (2, 2), 2, divisor_override=-2), np.full((2, 2), -4.0))


def test_divisor_override_needs_mean():
    with pytest.raises(ValueError, match=re.escape("divisor_override needs method='mean', got method='max'")):
        pool(X, 2, divisor_override=2)


@pytest.mark.parametrize("value, error, text", [(0, ValueError, "must not be zero, got 0"),
                                                (1.5, TypeError, "must be an integer or None, got 1.5"),
                                                (True, TypeError, "must be an integer or None, got True")])
def test_bad_divisor_override(value, error, text):
    with pytest.raises(error, match=re.escape(f"divisor_override {text}")):
        pool(X, 2, method="mean", divisor_override=value)
    with pytest.raises(error, match=re.escape(f"divisor_override {text}")):
        unpool_avg(np.ones((2, 2)), (4, 4), 2, divisor_override=value)


# ------------------------------------------------------------------ the ceil_mode rule, once
def test_window_count_tells_the_dropped_window():
    assert window_count(6, 4, 4, padding=2, ceil_mode=True) == WindowCount(3, 2)
    assert window_count(5, 2, ceil_mode=True) == WindowCount(3, 3)
    assert window_count(5, 2) == WindowCount(2, 2)
    assert window_count(5, 2, padding="same") == WindowCount(3, 3)


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2), st.booleans(),
       st.integers(1, 3))
def test_window_count_and_output_size_match_the_reference(n, f, s, p, ceil_mode, d):
    assume(p <= f // 2 and d * (f - 1) + 1 <= n + 2 * p)
    size = reference.output_size(n, f, s, p, ceil_mode, d)
    taps = [[i * s - p + k * d for k in range(f)] for i in range(size)]
    if any(all(not 0 <= t < n for t in window) for window in taps):
        with pytest.raises(ValueError, match="holds only padding"):
            window_count(n, f, s, p, ceil_mode, d)
        return
    counted, size = window_count(n, f, s, p, ceil_mode, d)
    assert size == output_size(n, f, s, p, ceil_mode, d) == reference.output_size(n, f, s, p, ceil_mode, d)
    assert counted - size in (0, 1)
    if counted > size:  # the dropped window would start past the input
        assert (counted - 1) * s - p >= n


# ------------------------------------------------------------------ the whole API at the top level
def test_every_public_pooling_function_is_at_the_top_level():
    for name in ["pool", "max_mask", "unpool_max", "unpool_avg", "windows", "output_size", "window_count",
                 "adaptive_pool", "global_pool", "lp_pool", "adaptive_bins", "tf_output_size",
                 "same_padding", "max_unpool2d", "blur_pool"]:
        assert callable(getattr(pooling_lib, name)), name
        assert name in pooling_lib.__all__


def test_method_is_accepted_as_a_keyword_everywhere():
    from pooling_lib import adaptive_pool, blur_pool, global_pool, poolingOverlap
    x = np.arange(36.0).reshape(6, 6)
    assert pool(x, 2, method="mean").shape == (3, 3)
    assert adaptive_pool(x, 2, method="mean").shape == (2, 2)
    assert global_pool(x, method="mean") == 17.5
    assert poolingOverlap(x, 2, method="mean").shape == (3, 3)
    assert blur_pool(x, 2, 2, method="mean").shape == (3, 3)


# ------------------------------------------------------------------ random cases against the reference
@st.composite
def dilated_cases(draw):
    fh, fw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, fh // 2)), draw(st.integers(0, fw // 2))
    ceil_mode = draw(st.booleans())
    h = draw(st.integers(max(1, dh * (fh - 1) + 1 - 2 * ph), 9))
    w = draw(st.integers(max(1, dw * (fw - 1) + 1 - 2 * pw), 9))
    shape = draw(st.sampled_from([(h, w), (h, w, 2), (2, h, w, 1)]))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int8, np.uint8]))
    if np.dtype(dtype).kind == "f":
        elements = st.one_of(st.integers(-2, 2).map(float), st.sampled_from([np.nan, np.inf, -np.inf, -0.0]))
    else:
        elements = st.integers(0, 3)
    x = draw(hnp.arrays(dtype, shape, elements=elements))
    return x, (fh, fw), (sh, sw), (ph, pw), ceil_mode, (dh, dw)


@PROPERTY
@given(dilated_cases())
def test_dilated_max_pool_matches_the_reference(case):
    x, f, s, p, ceil_mode, d = case
    x_copy = x.copy()
    try:
        expected, expected_idx = reference.max_pool(x, f, s, p, ceil_mode, d)
    except ValueError:  # a window of padding only: the library must refuse it too
        with pytest.raises(ValueError, match="holds only padding"):
            pool(x, f, s, padding=p, ceil_mode=ceil_mode, dilation=d)
        return
    out, idx = pool(x, f, s, padding=p, ceil_mode=ceil_mode, dilation=d, return_indices=True)
    assert_array_equal(out, expected)
    assert_array_equal(idx, expected_idx)
    assert out.dtype == x.dtype
    assert_array_equal(pool(x, f, s, padding=p, ceil_mode=ceil_mode, dilation=d), expected)
    assert_array_equal(max_mask(x, f, s, padding=p, ceil_mode=ceil_mode, dilation=d),
                       reference.max_mask(x, f, s, p, ceil_mode, d))
    assert_array_equal(x, x_copy)


@st.composite
def tf_cases(draw):
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding = draw(st.sampled_from(["same", "valid"]))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    if padding == "valid":
        assume(fh <= h and fw <= w)
    shape = draw(st.sampled_from([(h, w), (h, w, 2), (2, h, w, 1)]))
    x = draw(hnp.arrays(np.float64, shape, elements=st.integers(-3, 3).map(float)))
    count_include_pad = draw(st.sampled_from([None, True, False]))
    override = draw(st.sampled_from([None, None, 1, 3, -2]))
    return x, (fh, fw), (sh, sw), padding, count_include_pad, override


@PROPERTY
@given(tf_cases())
def test_valid_and_same_match_the_reference(case):
    x, f, s, padding, cip, override = case
    out, idx = pool(x, f, s, padding=padding, return_indices=True)
    expected, expected_idx = reference.max_pool(x, f, s, padding)
    assert_array_equal(out, expected)
    assert_array_equal(idx, expected_idx)
    mean = pool(x, f, s, method="mean", padding=padding, count_include_pad=cip, divisor_override=override)
    assert_allclose(mean, reference.mean_pool(x, f, s, padding, False, cip, override), rtol=1e-12, atol=1e-12)
    grad = np.arange(1.0, out.size + 1).reshape(out.shape)
    assert_allclose(unpool_avg(grad, x.shape, f, s, padding=padding, count_include_pad=cip,
                               divisor_override=override),
                    reference.unpool_avg(grad, x.shape, f, s, padding, False, cip, override),
                    rtol=1e-12, atol=1e-12)


@PROPERTY
@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 1), st.booleans(), st.sampled_from([1, 2, 5, -3]),
       st.integers(2, 7), st.integers(2, 7))
def test_divisor_override_with_integer_padding_matches_the_reference(f, s, p, ceil_mode, override, h, w):
    assume(p <= f // 2 and f <= h + 2 * p and f <= w + 2 * p)
    x = np.arange(h * w, dtype=np.float64).reshape(h, w) % 5
    out = pool(x, f, s, method="mean", padding=p, ceil_mode=ceil_mode, divisor_override=override)
    assert_allclose(out, reference.mean_pool(x, f, s, p, ceil_mode, None, override), rtol=1e-12)
    grad = np.ones(out.shape)
    assert_allclose(unpool_avg(grad, x.shape, f, s, padding=p, ceil_mode=ceil_mode, divisor_override=override),
                    reference.unpool_avg(grad, x.shape, f, s, p, ceil_mode, None, override), rtol=1e-12)


# ------------------------------------------------------------------ finite differences
def tie_free(shape, seed):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) + rng.uniform(-0.25, 0.25, n)).reshape(shape)


@pytest.mark.parametrize("shape, f, s, p, ceil_mode, d", [
    ((7, 7), 2, 1, 0, False, 2),
    ((7, 8), 3, 2, 1, True, 2),
    ((6, 6, 2), (2, 3), (1, 2), (1, 1), False, (3, 2)),
    ((2, 9, 5, 1), 2, 3, 1, True, (2, 1)),
])
def test_dilated_max_gradient_is_unpool_max(shape, f, s, p, ceil_mode, d):
    x = tie_free(shape, 1)
    out, idx = pool(x, f, s, padding=p, ceil_mode=ceil_mode, dilation=d, return_indices=True)
    g = np.random.default_rng(2).normal(size=out.shape)
    numeric = reference.finite_differences(
        lambda a: float(np.sum(g * reference.max_pool(a, f, s, p, ceil_mode, d)[0])), x)
    assert_allclose(unpool_max(g, idx, x.shape), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shape, f, s, padding, cip, override", [
    ((5, 5), 3, 2, "same", None, None),
    ((4, 7), (2, 3), 1, "same", True, None),
    ((6, 5, 2), 2, 3, "same", False, None),
    ((5, 6), 3, 2, "valid", None, None),
    ((5, 5), 3, 2, 1, None, 4),
    ((5, 5), 2, 1, "same", None, -3),
])
def test_mean_gradient_is_unpool_avg(shape, f, s, padding, cip, override):
    x = tie_free(shape, 3)
    out = pool(x, f, s, method="mean", padding=padding, count_include_pad=cip, divisor_override=override)
    g = np.random.default_rng(4).normal(size=out.shape)
    numeric = reference.finite_differences(
        lambda a: float(np.sum(g * reference.mean_pool(a, f, s, padding, False, cip, override))), x)
    result = unpool_avg(g, x.shape, f, s, padding=padding, count_include_pad=cip, divisor_override=override)
    assert_allclose(result, numeric, rtol=1e-6, atol=1e-8)


# ------------------------------------------------------------------ remembered geometries
def test_a_remembered_geometry_still_tells_true_from_one():
    # geometries of plain arguments are cached; True == 1 must not hit the cache entry of 1
    assert pool(X, 1, stride=1).shape == (4, 4)
    with pytest.raises(TypeError, match=re.escape("f must be an integer or a pair of integers, got True")):
        pool(X, True, stride=1)
    with pytest.raises(TypeError, match=re.escape("ceil_mode must be True or False, got 0")):
        pool(X, 2, ceil_mode=0)
    assert pool(X, (2, 2), ceil_mode=False).shape == (2, 2)
    with pytest.raises(TypeError, match=re.escape("f must be an integer or a pair of integers, got (True, 2)")):
        pool(X, (True, 2))
