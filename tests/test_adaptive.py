"""global_pool, adaptive_pool, adaptive_bins and lp_pool against naive loops written from the definitions."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pooling_lib import pool
from pooling_lib.adaptive import adaptive_bins, adaptive_pool, global_pool, lp_pool


# ---------------------------------------------------------------- naive references
def as_batch(x):
    """(h, w) / (h, w, c) / (m, h, w, c) -> (m, h, w, c), written independently of the library."""
    if x.ndim == 2:
        return x.reshape(1, x.shape[0], x.shape[1], 1)
    if x.ndim == 3:
        return x.reshape(1, *x.shape)
    return x


def from_batch(out, ndim):
    if ndim == 2:
        return out[0, :, :, 0]
    if ndim == 3:
        return out[0]
    return out


def naive_bins(n, out):
    """Bin i covers floor(i * n / out) .. ceil((i + 1) * n / out), in exact fractions."""
    return [(math.floor(Fraction(i * n, out)), math.ceil(Fraction((i + 1) * n, out))) for i in range(out)]


def naive_adaptive(x, oh, ow, method):
    xb = as_batch(x)
    m, h, w, c = xb.shape
    rows, cols = naive_bins(h, oh), naive_bins(w, ow)
    dtype = x.dtype if method == "max" or x.dtype.kind == "f" else np.float64
    out = np.zeros((m, oh, ow, c), dtype=dtype)
    for n in range(m):
        for i, (r0, r1) in enumerate(rows):
            for j, (c0, c1) in enumerate(cols):
                for ch in range(c):
                    cells = [xb[n, r, q, ch] for r in range(r0, r1) for q in range(c0, c1)]
                    if method == "max":
                        out[n, i, j, ch] = np.nan if any(np.isnan(v) for v in cells) else max(cells)
                    else:
                        out[n, i, j, ch] = sum(float(v) for v in cells) / len(cells)
    return from_batch(out, x.ndim)


def naive_lp(x, p, f, s):
    xb = as_batch(x)
    m, h, w, c = xb.shape
    ho, wo = (h - f) // s + 1, (w - f) // s + 1
    out = np.zeros((m, ho, wo, c))
    with np.errstate(invalid="ignore"):
        for n in range(m):
            for i in range(ho):
                for j in range(wo):
                    for ch in range(c):
                        total = np.float64(0.0)
                        for r in range(i * s, i * s + f):
                            for q in range(j * s, j * s + f):
                                total += np.float64(xb[n, r, q, ch]) ** p
                        out[n, i, j, ch] = total ** (1.0 / p)
    return from_batch(out, x.ndim)


# ---------------------------------------------------------------- hand-computed arrays
def test_bins_hand_computed():
    assert adaptive_bins(5, 3) == [(0, 2), (1, 4), (3, 5)]
    assert adaptive_bins(10, 4) == [(0, 3), (2, 5), (5, 8), (7, 10)]
    assert adaptive_bins(3, 5) == [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]
    assert adaptive_bins(6, 3) == [(0, 2), (2, 4), (4, 6)]
    assert adaptive_bins(7, 1) == [(0, 7)]
    assert adaptive_bins(4, 4) == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_adaptive_pool_hand_computed():
    x = np.arange(25).reshape(5, 5)
    np.testing.assert_array_equal(adaptive_pool(x, 3), [[6, 8, 9], [16, 18, 19], [21, 23, 24]])
    np.testing.assert_array_equal(
        adaptive_pool(x, 3, method="mean"), [[3.0, 4.5, 6.0], [10.5, 12.0, 13.5], [18.0, 19.5, 21.0]])
    np.testing.assert_array_equal(adaptive_pool(x, (1, 2)), [[22, 24]])
    np.testing.assert_array_equal(adaptive_pool(x, (None, 1), method="mean"), [[2.0], [7.0], [12.0], [17.0], [22.0]])


def test_adaptive_pool_larger_output_repeats_cells():
    x = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(adaptive_pool(x, 3), [[1, 2, 2], [3, 4, 4], [3, 4, 4]])
    np.testing.assert_array_equal(adaptive_pool(x, 3, "mean"), [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]])


def test_global_pool_hand_computed():
    x = np.arange(16).reshape(4, 4)
    assert global_pool(x) == 15
    assert global_pool(x, "mean") == 7.5
    batch = np.stack([np.stack([x, -x], axis=-1), np.stack([2 * x, x - 20], axis=-1)])
    np.testing.assert_array_equal(global_pool(batch), [[15, 0], [30, -5]])
    np.testing.assert_array_equal(global_pool(batch, "mean"), [[7.5, -7.5], [15.0, -12.5]])
    assert global_pool(batch, keepdims=True).shape == (2, 1, 1, 2)
    assert global_pool(batch[0], keepdims=True).shape == (1, 1, 2)
    np.testing.assert_array_equal(global_pool(x, keepdims=True), [[15]])


def test_lp_pool_hand_computed():
    x = np.arange(16).reshape(4, 4)
    np.testing.assert_array_equal(lp_pool(x, 1, 2), [[10, 18], [42, 50]])
    np.testing.assert_allclose(lp_pool(np.array([[3, 4], [0, 0]]), 2, 2), [[5.0]])
    np.testing.assert_allclose(lp_pool(np.array([[3, 0, 4]]), 2, (1, 2), stride=1), [[3.0, 4.0]])
    np.testing.assert_allclose(lp_pool(np.array([[1.0, 1.0], [1.0, 1.0]]), 4, 2), [[np.sqrt(2.0)]])
    np.testing.assert_array_equal(lp_pool(np.zeros((2, 2)), 3, 2), [[0.0]])


def test_lp_pool_sign_caveat():
    # p = 1 is the plain sum, negatives included
    np.testing.assert_array_equal(lp_pool(np.array([[-3.0, 1.0]]), 1, (1, 2)), [[-2.0]])
    # even p: the result of abs(x)
    np.testing.assert_allclose(lp_pool(np.array([[-3.0, 4.0]]), 2, (1, 2)), [[5.0]])
    # odd p with a negative sum of cubes: not real -> NaN; a positive sum is fine
    assert np.isnan(lp_pool(np.array([[-2.0, 1.0]]), 3, (1, 2))).all()
    np.testing.assert_allclose(lp_pool(np.array([[2.0, -1.0]]), 3, (1, 2)), [[7.0 ** (1 / 3)]])
    # non-integer p with any negative cell -> NaN
    assert np.isnan(lp_pool(np.array([[-1.0, 5.0]]), 2.5, (1, 2))).all()


def test_lp_pool_large_p_does_not_overflow():
    x = np.array([[1e300, 1e300], [0.0, 0.0]])
    np.testing.assert_allclose(lp_pool(x, 8, 2), [[1e300 * 2 ** (1 / 8)]])
    x32 = np.array([[1000.0, 999.0], [1.0, 2.0]], dtype=np.float32)
    out = lp_pool(x32, 100, 2)
    assert out.dtype == np.float32
    assert np.isfinite(out).all() and 1000 <= out[0, 0] <= 1000 * 4 ** (1 / 100)


def test_lp_pool_infinities_and_nan():
    np.testing.assert_array_equal(lp_pool(np.array([[np.inf, 1.0]]), 2, (1, 2)), [[np.inf]])
    np.testing.assert_array_equal(lp_pool(np.array([[-np.inf, 1.0]]), 2, (1, 2)), [[np.inf]])
    assert np.isnan(lp_pool(np.array([[-np.inf, 1.0]]), 1.5, (1, 2))).all()
    assert np.isnan(lp_pool(np.array([[-np.inf, 1.0]]), 3, (1, 2))).all()
    np.testing.assert_array_equal(lp_pool(np.array([[-np.inf, 1.0]]), 1, (1, 2)), [[-np.inf]])
    np.testing.assert_array_equal(lp_pool(np.array([[np.inf, -1.0]]), 3, (1, 2)), [[np.inf]])
    out = lp_pool(np.array([[np.nan, 1.0, 2.0, 3.0]]), 2, (1, 2))
    assert np.isnan(out[0, 0]) and out[0, 1] == pytest.approx(np.sqrt(13))


def test_nan_propagates():
    x = np.arange(16.0).reshape(4, 4)
    x[0, 0] = np.nan
    out = adaptive_pool(x, 2)
    assert np.isnan(out[0, 0]) and not np.isnan(out[1:, :]).any() and not np.isnan(out[0, 1])
    assert np.isnan(adaptive_pool(x, 2, "mean")[0, 0])
    assert np.isnan(global_pool(x)) and np.isnan(global_pool(x, "mean"))


# ---------------------------------------------------------------- dtypes
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtypes_are_kept(dtype):
    x = np.arange(36, dtype=dtype).reshape(6, 6) / 4
    assert adaptive_pool(x, 4).dtype == dtype
    assert adaptive_pool(x, 4, "mean").dtype == dtype
    assert global_pool(x).dtype == dtype
    assert global_pool(x, "mean").dtype == dtype
    assert lp_pool(x, 2, 3).dtype == dtype
    np.testing.assert_allclose(adaptive_pool(x, 4, "mean"), naive_adaptive(x, 4, 4, "mean"),
                               rtol=2e-3 if dtype == np.float16 else 1e-6)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.int64])
def test_integer_dtypes(dtype):
    x = np.arange(36).reshape(6, 6).astype(dtype)
    assert adaptive_pool(x, 4).dtype == dtype
    assert global_pool(x).dtype == dtype
    assert adaptive_pool(x, 4, "mean").dtype == np.float64
    assert global_pool(x, "mean").dtype == np.float64
    assert lp_pool(x, 2, 3).dtype == np.float64


def test_int8_minimum_does_not_wrap_in_lp_pool():
    x = np.array([[-128, 0]], dtype=np.int8)
    np.testing.assert_allclose(lp_pool(x, 2, (1, 2)), [[128.0]])


# ---------------------------------------------------------------- properties
@st.composite
def arrays_and_sizes(draw, allow_nan=True):
    ndim = draw(st.sampled_from([2, 3, 4]))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    shape = {2: (h, w), 3: (h, w, draw(st.integers(1, 3))),
             4: (draw(st.integers(1, 3)), h, w, draw(st.integers(1, 3)))}[ndim]
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int32, np.int16]))
    # small integer values: lots of ties
    x = draw(hnp.arrays(dtype, shape, elements=st.integers(-5, 5)))
    if allow_nan and dtype in (np.float64, np.float32) and draw(st.booleans()):
        nan_at = draw(st.lists(st.tuples(*[st.integers(0, n - 1) for n in shape]), max_size=3))
        for idx in nan_at:
            x[idx] = np.nan
    oh, ow = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    return x, oh, ow


@settings(max_examples=400, deadline=None)
@given(arrays_and_sizes(), st.sampled_from(["max", "mean"]))
def test_adaptive_pool_matches_naive(case, method):
    x, oh, ow = case
    before = x.copy()
    out = adaptive_pool(x, (oh, ow), method=method)
    expected = naive_adaptive(x, oh, ow, method)
    assert out.dtype == expected.dtype
    if method == "max":
        np.testing.assert_array_equal(out, expected)
    else:
        tol = 1e-5 if x.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)
    np.testing.assert_array_equal(x, before)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60))
def test_bins_match_the_definition_and_cover_the_axis(n, out):
    bins = adaptive_bins(n, out)
    assert bins == naive_bins(n, out)
    starts, stops = zip(*bins)
    assert starts[0] == 0 and stops[-1] == n
    assert all(a < b for a, b in bins)                     # never empty
    assert list(starts) == sorted(starts) and list(stops) == sorted(stops)
    assert all(stops[i] >= starts[i + 1] for i in range(out - 1))   # no gaps: every cell is used
    assert max(b - a for a, b in bins) <= -(-n // out) + 1


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 4), st.sampled_from(["max", "mean"]))
def test_divisible_sizes_are_ordinary_pooling(oh, ow, k, method):
    rng = np.random.default_rng(oh * 100 + ow * 10 + k)
    x = rng.normal(size=(2, oh * k, ow * (k + 1), 3))
    np.testing.assert_allclose(adaptive_pool(x, (oh, ow), method), pool(x, (k, k + 1), method=method),
                               rtol=1e-12, atol=1e-15)


@settings(max_examples=200, deadline=None)
@given(arrays_and_sizes(), st.sampled_from(["max", "mean"]))
def test_global_pool_is_adaptive_pool_to_one(case, method):
    x, _, _ = case
    out = global_pool(x, method)
    one = adaptive_pool(x, 1, method)
    np.testing.assert_array_equal(global_pool(x, method, keepdims=True), one)
    np.testing.assert_array_equal(out, one.reshape(np.shape(out)))
    expected_shape = () if x.ndim == 2 else (x.shape[-1],) if x.ndim == 3 else (x.shape[0], x.shape[3])
    assert np.shape(out) == expected_shape


@st.composite
def lp_cases(draw, nonnegative=False):
    ndim = draw(st.sampled_from([2, 3, 4]))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    shape = {2: (h, w), 3: (h, w, 2), 4: (2, h, w, 2)}[ndim]
    lo = 0 if nonnegative else -300
    # values on a 0.01 grid: ties and zeros, and no underflow in the naive powers
    x = draw(hnp.arrays(np.float64, shape, elements=st.integers(lo, 300).map(lambda k: k / 100)))
    f = draw(st.integers(1, min(h, w)))
    s = draw(st.integers(1, 3))
    p = draw(st.sampled_from([0.5, 1, 1.5, 2, 3, 4, 7.5, 16]))
    return x, p, f, s


@settings(max_examples=400, deadline=None)
@given(lp_cases())
def test_lp_pool_matches_naive(case):
    x, p, f, s = case
    before = x.copy()
    out = lp_pool(x, p, f, stride=s)
    expected = naive_lp(x, p, f, s)
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(x, before)


@settings(max_examples=300, deadline=None)
@given(lp_cases(nonnegative=True))
def test_lp_pool_lies_between_max_and_scaled_max_and_falls_with_p(case):
    x, p, f, s = case
    k = f * f
    top = pool(x, f, s)
    out = lp_pool(x, p, f, stride=s)
    assert np.all(out >= top * (1 - 1e-12))
    assert np.all(out <= top * k ** (1 / p) * (1 + 1e-12))
    np.testing.assert_allclose(lp_pool(x, 1, f, stride=s), pool(x, f, s, method="mean") * k,
                               rtol=1e-12, atol=1e-300)
    assert np.all(lp_pool(x, 2 * p, f, stride=s) <= out * (1 + 1e-12))   # the p-norm falls as p grows


def test_large_p_tends_to_max():
    x = np.random.default_rng(0).random((6, 6, 2))
    gaps = [np.abs(lp_pool(x, p, 3) - pool(x, 3)).max() for p in (1, 4, 16, 64, 256)]
    assert all(a > b for a, b in itertools.pairwise(gaps))
    assert gaps[-1] < 1e-2


# ---------------------------------------------------------------- validation (one test per branch)
X = np.arange(16.0).reshape(4, 4)


def test_bins_n_not_an_integer():
    with pytest.raises(TypeError, match="n must be an integer, got 4.0"):
        adaptive_bins(4.0, 2)


def test_bins_n_not_positive():
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        adaptive_bins(0, 2)


def test_bins_out_not_an_integer():
    with pytest.raises(TypeError, match="out must be an integer, got '2'"):
        adaptive_bins(4, "2")


def test_bins_out_not_positive():
    with pytest.raises(ValueError, match="out must be a positive integer, got -1"):
        adaptive_bins(4, -1)


@pytest.mark.parametrize("func", [lambda x: adaptive_pool(x, 2), global_pool, lambda x: lp_pool(x, 2, 2)],
                         ids=["adaptive_pool", "global_pool", "lp_pool"])
def test_x_with_wrong_dimensions(func):
    with pytest.raises(ValueError, match=r"x must have 2, 3 or 4 dimensions .*got 1 dimensions with shape \(4,\)"):
        func(np.arange(4.0))


@pytest.mark.parametrize("func", [lambda x: adaptive_pool(x, 2), global_pool, lambda x: lp_pool(x, 2, 2)],
                         ids=["adaptive_pool", "global_pool", "lp_pool"])
def test_x_with_non_numeric_dtype(func):
    with pytest.raises(TypeError, match="x must have an integer or floating-point dtype, got dtype <U1"):
        func(np.array([["a", "b"], ["c", "d"]]))


@pytest.mark.parametrize("func", [lambda m: adaptive_pool(X, 2, method=m), lambda m: global_pool(X, m)],
                         ids=["adaptive_pool", "global_pool"])
def test_unknown_method(func):
    with pytest.raises(ValueError, match="method must be 'max' or 'mean', got 'median'"):
        func("median")


def test_output_size_of_the_wrong_type():
    with pytest.raises(TypeError, match=r"output_size must be an integer or a pair \(rows, cols\), got 2.0"):
        adaptive_pool(X, 2.0)


def test_output_size_with_three_entries():
    with pytest.raises(TypeError, match=r"output_size must be an integer or a pair \(rows, cols\), got \(1, 2, 3\)"):
        adaptive_pool(X, (1, 2, 3))


def test_output_size_none_alone():
    with pytest.raises(TypeError, match="output_size must be an integer or a pair .*, got None"):
        adaptive_pool(X, None)


def test_output_size_entry_not_an_integer():
    with pytest.raises(TypeError, match="output_size must be an integer, got 1.5"):
        adaptive_pool(X, (1.5, None))


def test_output_size_not_positive():
    with pytest.raises(ValueError, match="output_size must be a positive integer, got 0"):
        adaptive_pool(X, (2, 0))


def test_keepdims_not_a_bool():
    with pytest.raises(TypeError, match="keepdims must be True or False, got 1"):
        global_pool(X, keepdims=1)


def test_p_not_a_number():
    with pytest.raises(TypeError, match="p must be a real number, got '2'"):
        lp_pool(X, "2", 2)


def test_p_bool():
    with pytest.raises(TypeError, match="p must be a real number, got True"):
        lp_pool(X, True, 2)


def test_p_infinite():
    with pytest.raises(ValueError, match="p must be finite, got inf"):
        lp_pool(X, float("inf"), 2)


def test_p_not_positive():
    with pytest.raises(ValueError, match="p must be positive, got 0"):
        lp_pool(X, 0, 2)


def test_lp_window_not_positive():
    with pytest.raises(ValueError, match="f must be a positive integer, got 0"):
        lp_pool(X, 2, 0)


def test_lp_window_larger_than_input():
    with pytest.raises(ValueError, match="f must fit in the padded input along the row axis .*, got 5"):
        lp_pool(X, 2, 5)


def test_lp_stride_not_an_integer():
    with pytest.raises(TypeError, match="stride must be an integer or a pair of integers, got 1.5"):
        lp_pool(X, 2, 2, stride=1.5)
