"""Regression tests for the wrong answers and crashes found by trying the library as an adversary (issue 8).

Each test pins one report: the input that went wrong, and the answer computed by hand (or by the
naive loops of tests/reference.py).
"""

import re
import warnings
from fractions import Fraction

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from pooling_lib import (
    adaptive_bins,
    adaptive_pool,
    blur_pool,
    blur_pool_backward,
    global_pool,
    lp_pool,
    max_mask,
    max_unpool2d,
    output_size,
    pool,
    unpool_avg,
    unpool_max,
    unpooling,
    unpoolingAvg,
    windows,
)


# ------------------------------------------------ 1. position codes too small for a one-row window
def test_one_row_window_with_padding_on_a_wide_input():
    # windows start at columns -1, 1, 3, ..., 299; all cells tie at 0, the first real one wins
    out, idx = pool(np.zeros((1, 300)), (1, 2), padding=(0, 1), return_indices=True)
    assert_array_equal(out, np.zeros((1, 151)))
    assert_array_equal(idx, np.r_[0, np.arange(1, 300, 2)][None])


def test_one_row_window_in_max_mask():
    mask = max_mask(np.zeros((1, 300)), (1, 2), padding=(0, 1))
    assert mask.shape == (1, 151, 1, 2)
    assert_array_equal(mask[0, 0, 0], [0, 1])       # window 0 = (padding, cell 0)
    assert_array_equal(mask[0, 1:, 0, 0], np.ones(150))   # the others: their first cell


def test_one_row_window_with_ceil_mode():
    out, idx = pool(np.zeros((1, 301)), (1, 2), ceil_mode=True, return_indices=True)
    assert out.shape == (1, 151)
    assert_array_equal(idx, np.arange(0, 301, 2)[None])


def test_one_row_window_over_a_thousand_columns_with_channels():
    x = np.zeros((2, 1000, 1))
    out, idx = pool(x, (1, 3), return_indices=True)
    assert out.shape == (2, 333, 1)
    assert_array_equal(idx[..., 0], np.stack([np.arange(0, 999, 3), 1000 + np.arange(0, 999, 3)]))


def test_one_column_window_on_a_tall_input():
    out, idx = pool(np.zeros((300, 1)), (2, 1), padding=(1, 0), return_indices=True)
    assert_array_equal(idx[:, 0], np.r_[0, np.arange(1, 300, 2)])


# ------------------------------------------------ 2. lp_pool for large p
@pytest.mark.parametrize("dtype, p", [(np.float32, 150), (np.float64, 1075), (np.float64, 1e6)])
def test_lp_pool_of_one_cell_is_that_cell_for_any_p(dtype, p):
    out = lp_pool(np.array([[1.0]], dtype), p, 1)
    assert out.dtype == dtype
    assert_array_equal(out, [[1.0]])


def test_lp_pool_never_exceeds_the_only_cell():
    assert_array_equal(lp_pool(np.array([[3.0]], np.float32), 360, 1), [[3.0]])


def test_lp_pool_near_the_top_of_float32():
    out = lp_pool(np.full((1, 1), 1.71e38, np.float32), 1, 1)
    assert_array_equal(out, np.full((1, 1), 1.71e38, np.float32))
    out = lp_pool(np.full((1, 1), 1.71e38, np.float32), 2, 1)
    assert_array_equal(out, np.full((1, 1), 1.71e38, np.float32))


@settings(max_examples=300, deadline=None, database=None)
@given(st.sampled_from([np.float16, np.float32, np.float64]),
       st.lists(st.floats(0, 1e300, allow_subnormal=True), min_size=4, max_size=4),
       st.one_of(st.floats(0.01, 10), st.floats(10, 1e4), st.integers(1, 2000).map(float)))
def test_lp_pool_stays_between_the_maximum_and_k_root_p_times_it(dtype, values, p):
    finfo = np.finfo(dtype)
    x = np.clip(np.array(values), 0, finfo.max).astype(dtype).reshape(2, 2)
    top = x.astype(np.float64).max()
    out = lp_pool(x, p, 2)[0, 0]
    assert out >= x.max()  # exactly: never below the largest cell
    bound = float(top) * 4 ** (1 / p) * (1 + 4 * float(finfo.eps))  # a Python float: inf, no warning
    if bound > float(finfo.max):
        assert out >= x.max()  # may round up to inf: the true value is past the dtype's range
    else:
        assert float(out) <= bound


# ------------------------------------------------ 3. non-native byte order
def test_big_endian_mean_pool():
    out = pool(np.ones((4, 4), ">f8"), 2, method="mean")
    assert_array_equal(out, np.ones((2, 2)))


def test_big_endian_adaptive_and_global_pool():
    x = np.arange(16.0).reshape(4, 4).astype(">f8")
    assert_array_equal(adaptive_pool(x, 2, method="mean"), [[2.5, 4.5], [10.5, 12.5]])
    assert global_pool(x, method="mean") == 7.5
    assert_array_equal(pool(x, 2), [[5, 7], [13, 15]])


def test_big_endian_float16_is_summed_in_float32():
    # in float16, 2048 + 1 + 1 stays 2048; in float32 it is 2050, so the mean is float16(2050 / 3)
    x = np.array([[2048, 1, 1]], dtype=">f2")
    out = pool(x, (1, 3), method="mean")
    assert out.dtype == np.float16
    assert_array_equal(out, np.array([[2050 / 3]], np.float16))
    assert_array_equal(out, pool(x.astype("<f2"), (1, 3), method="mean"))


def test_big_endian_gradients():
    g = np.array([[4.0]], ">f8")
    assert_array_equal(unpool_avg(g, (2, 2), 2), np.ones((2, 2)))
    assert_array_equal(unpool_max(g, np.array([[3]], ">i8"), (2, 2)), [[0, 0], [0, 4]])


# ------------------------------------------------ 4. no warnings on valid input
def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


def test_no_warning_for_inf_minus_inf_in_an_adaptive_bin():
    x = np.array([[np.inf, -np.inf]])
    assert np.isnan(_quiet(adaptive_pool, x, 1, method="mean")[0, 0])
    assert np.isnan(_quiet(global_pool, x, method="mean"))
    assert np.isnan(_quiet(pool, x, (1, 2), method="mean")[0, 0])


def test_no_warning_for_float32_sums_that_overflow():
    x = np.full((2, 2), 3e38, np.float32)
    assert_array_equal(_quiet(pool, x, 2, method="mean"), [[np.inf]])
    assert_array_equal(_quiet(adaptive_pool, x, 1, method="mean"), [[np.inf]])
    assert _quiet(global_pool, x, method="mean") == np.inf
    assert_array_equal(_quiet(unpool_avg, np.full((1, 1), np.inf, np.float32), (2, 2), 2), np.full((2, 2), np.inf))


def test_no_warning_when_lp_pool_overflows_float16():
    out = _quiet(lp_pool, np.full((2, 2), 60000, np.float16), 1, 2)
    assert out.dtype == np.float16
    assert_array_equal(out, [[np.inf]])


def test_no_warning_when_inf_and_minus_inf_land_on_one_cell():
    out = _quiet(unpool_max, np.array([[np.inf, -np.inf]]), np.array([[0, 0]]), (1, 2))
    assert np.isnan(out[0, 0]) and out[0, 1] == 0
    out = _quiet(unpool_avg, np.array([[np.inf, -np.inf]]), (1, 3), (1, 2), 1)
    assert np.isnan(out[0, 1])


# ------------------------------------------------ 5. the value of a tie between 0.0 and -0.0
def test_zero_then_minus_zero_gives_the_first_zero_and_its_index():
    out, idx = pool(np.array([[0.0, -0.0]]), (1, 2), return_indices=True)
    assert idx[0, 0] == 0
    assert not np.signbit(out[0, 0])


def test_minus_zero_then_zero_gives_minus_zero_and_its_index():
    out, idx = pool(np.array([[-0.0, 0.0]]), (1, 2), return_indices=True)
    assert idx[0, 0] == 0
    assert np.signbit(out[0, 0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_signed_zeros_value_is_always_the_cell_its_index_names(dtype):
    rng = np.random.default_rng(5)
    x = np.where(rng.random((2, 9, 9, 3)) < 0.5, 0.0, -0.0).astype(dtype)
    out, idx = pool(x, 3, stride=2, padding=1, return_indices=True)
    cells = np.take_along_axis(x.reshape(2, 81, 3), idx.reshape(2, -1, 3), axis=1).reshape(out.shape)
    assert_array_equal(np.signbit(out), np.signbit(cells))
    assert_array_equal(idx, reference.max_pool(x, 3, 2, 1)[1])


# ------------------------------------------------ 6. unclear or missing errors
def test_a_0d_integer_array_is_an_integer_window():
    x = np.arange(16).reshape(4, 4)
    assert_array_equal(pool(x, np.array(2)), pool(x, 2))
    assert_array_equal(pool(x, np.array(3), stride=np.array(1)), pool(x, 3, stride=1))


def test_adaptive_pool_takes_an_integer_array_pair():
    x = np.arange(16).reshape(4, 4)
    assert_array_equal(adaptive_pool(x, np.array([2, 2])), adaptive_pool(x, (2, 2)))


def test_unpooling_without_ori_shape_names_it():
    out, pos = pool(np.arange(16.0).reshape(4, 4), 2), max_mask(np.arange(16.0).reshape(4, 4), 2)
    with pytest.raises(TypeError, match=r"ori_shape must be a tuple of integers, got None"):
        unpooling(out, pos, None, 2)
    with pytest.raises(TypeError, match=r"ori_shape must be a tuple of integers, got None"):
        unpoolingAvg(out, 2, None)


def test_masked_arrays_are_refused_naming_x():
    x = np.ma.masked_array(np.arange(16.0).reshape(4, 4), mask=np.eye(4, dtype=bool))
    with pytest.raises(TypeError, match=r"x must be a plain ndarray, got a masked array"):
        pool(x, 2)
    with pytest.raises(TypeError, match=r"x must be a plain ndarray, got a masked array"):
        adaptive_pool(x, 2)


def test_unpool_max_refuses_an_input_shape_too_small_for_grad():
    message = ("input_shape must be a shape that pools to grad's spatial size (4, 4); no pooling "
               "makes an axis longer than the input plus one, got (1, 1)")
    with pytest.raises(ValueError, match=re.escape(message)):
        unpool_max(np.ones((4, 4)), np.zeros((4, 4), int), (1, 1))


def test_unpool_max_accepts_the_largest_possible_grad():
    # f=2, stride 1, padding 1 turns a 1 x 1 input into 2 x 2 windows: the input plus one
    out, idx = pool(np.ones((1, 1)), 2, stride=1, padding=1, return_indices=True)
    assert out.shape == (2, 2)
    assert_array_equal(unpool_max(np.ones((2, 2)), idx, (1, 1)), [[4.0]])


@pytest.mark.parametrize("call", [
    lambda: pool(None, 2),
    lambda: adaptive_pool(None, 2),
    lambda: unpool_max(None, np.zeros((1, 1), int), (2, 2)),
])
def test_none_is_reported_as_none(call):
    with pytest.raises(TypeError, match=r"must be a numeric array, got None"):
        call()


@pytest.mark.parametrize("f, text", [
    ([1, [2, 3]], "[1, [2, 3]]"),
    (np.array(2.0), "array(2.)"),
    (np.array([[2, 2]]), "array([[2, 2]])"),
])
def test_window_arguments_that_are_not_an_integer_or_a_pair_are_named(f, text):
    with pytest.raises(TypeError, match=re.escape(f"f must be an integer or a pair of integers, got {text}")):
        pool(np.arange(16.0).reshape(4, 4), f)


# ------------------------------------------------ an empty batch, or no channels
# The tiny-input max path reshaped its result with -1, which numpy cannot infer for a size-0
# array ("cannot reshape array of size 0"); the block kernel then reduced an empty array to test
# for NaN ("zero-size array to reduction operation maximum"). PyTorch pools an empty batch to an
# empty batch; so does every function here, with the output shape of a non-empty one.
EMPTY_CALLS = {
    "max": lambda x: pool(x, 2),
    "max+indices": lambda x: pool(x, 2, return_indices=True),
    "max, padding": lambda x: pool(x, 3, 2, padding=1),
    "max+indices, padding": lambda x: pool(x, 3, 2, padding=1, return_indices=True),
    "max, dilation": lambda x: pool(x, 2, 1, dilation=2),
    "mean": lambda x: pool(x, 2, method="mean"),
    "mean, same": lambda x: pool(x, 2, padding="same", method="mean"),
    "max_mask": lambda x: max_mask(x, 2),
    "adaptive max": lambda x: adaptive_pool(x, 3, method="max"),
    "adaptive mean": lambda x: adaptive_pool(x, 3, method="mean"),
    "global": lambda x: global_pool(x),
    "lp": lambda x: lp_pool(x, 2, 2),
    "blur max": lambda x: blur_pool(x),
    "blur mean": lambda x: blur_pool(x, method="mean"),
}


def _pooled_shape(shape, ho, wo):
    return (shape[0], ho, wo, shape[3]) if len(shape) == 4 else (ho, wo, shape[2])


@pytest.mark.parametrize("shape", [(0, 4, 4, 2), (0, 64, 64, 8), (2, 4, 4, 0), (4, 4, 0)])
@pytest.mark.parametrize("name", list(EMPTY_CALLS))
def test_empty_batch_or_no_channels_pools_to_an_empty_result(shape, name):
    # (0, 64, 64, 8) is past the tiny-input size: the block kernels run on it
    x = np.ones(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = EMPTY_CALLS[name](x)
    results = got if isinstance(got, tuple) else (got,)
    h, w = shape[-3], shape[-2]
    expected = {
        "max, padding": _pooled_shape(shape, (h + 2 - 3) // 2 + 1, (w + 2 - 3) // 2 + 1),
        "max+indices, padding": _pooled_shape(shape, (h + 2 - 3) // 2 + 1, (w + 2 - 3) // 2 + 1),
        "max, dilation": _pooled_shape(shape, h - 2, w - 2),
        "max_mask": (shape[:1] + (h // 2, w // 2, 2, 2) + shape[3:] if len(shape) == 4
                     else (h // 2, w // 2, 2, 2) + shape[2:]),
        "adaptive max": _pooled_shape(shape, 3, 3),
        "adaptive mean": _pooled_shape(shape, 3, 3),
        "global": shape[:1] + shape[3:] if len(shape) == 4 else shape[2:],
    }.get(name, _pooled_shape(shape, h // 2, w // 2))
    for result in results:
        assert result.shape == expected
        assert result.size == 0


@pytest.mark.parametrize("shape", [(0, 4, 4, 2), (0, 64, 64, 8), (2, 4, 4, 0), (4, 4, 0)])
def test_empty_batch_or_no_channels_unpools_to_zeros_of_the_input_shape(shape):
    out, idx = pool(np.ones(shape), 2, return_indices=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [unpool_max(out, idx, shape), unpool_avg(out, shape, 2), max_unpool2d(out, idx, 2),
                   blur_pool_backward(np.ones(blur_pool(np.ones(shape)).shape), np.ones(shape))]
    for result in results:
        assert result.shape == shape


# ------------------------------------------------ a NaN in one sample, the other samples' indices
# numpy 2.4's isnan leaves elements of a strided bool out= unwritten; the NaN search wrote into a
# strided slice of a scratch buffer, so stale Trues from earlier comparisons marked windows of
# other samples as NaN windows (their index became that of a "last NaN" they do not hold), and
# the signed-zero fix then read their values from those wrong cells.
def test_a_nan_in_one_sample_leaves_the_other_samples_indices_alone():
    x = np.zeros((64, 4, 4, 1))
    x[:, 3, 3, 0] = 1.0
    x[0, 0, 0, 0] = np.nan
    out, idx = pool(x, 4, return_indices=True)
    assert_array_equal(idx.reshape(-1), np.r_[0, np.full(63, 15)])
    assert_array_equal(out.reshape(-1)[1:], np.ones(63))
    assert np.isnan(out.reshape(-1)[0])


def test_a_nan_in_one_sample_leaves_the_other_samples_values_alone():
    x = np.full((64, 4, 4, 1), -5.0)
    x[:, 3, 3, 0] = 0.0
    x[0, 0, 0, 0] = np.nan
    out, idx = pool(x, 4, return_indices=True)
    assert_array_equal(out.reshape(-1)[1:], np.zeros(63))  # the zero at (3, 3), not a -5
    assert_array_equal(idx.reshape(-1)[1:], np.full(63, 15))


@pytest.mark.parametrize("shape, f, stride, padding", [
    ((16, 3, 3, 1), 3, 3, 1),  # one window per sample, padding: the edge path
    ((40, 4, 4, 2), 4, 4, 0),  # global maximum, two channels
    ((40, 5, 5, 1), 3, 2, 0),  # 2 x 2 windows, separable
    ((24, 6, 1, 3), (3, 1), (3, 1), 0),  # one column
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_in_a_few_samples_matches_the_reference(shape, f, stride, padding, dtype):
    rng = np.random.default_rng(5)
    x = rng.integers(-2, 3, size=shape).astype(dtype)  # ties and zeros everywhere
    x[[0, 7, shape[0] - 1], 0, 0, 0] = np.nan
    out, idx = pool(x, f, stride, padding=padding, return_indices=True)
    ref_out, ref_idx = reference.max_pool(x, f, stride, padding)
    assert_array_equal(idx, ref_idx)
    assert_array_equal(out, ref_out)


# ------------------------------------------------ warnings from blur pooling and float16 divisors
def test_no_warning_for_inf_minus_inf_in_blur_pool_and_its_gradient():
    x = np.zeros((4, 4))
    x[0, 0], x[0, 1] = np.inf, -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = blur_pool(x, 1, 2)  # filter [1 3 3 1] / 8 along rows, then columns: inf - inf
        grad = blur_pool_backward(np.array([[np.inf, -np.inf], [0.0, 0.0]]), np.arange(16.0).reshape(4, 4))
    assert np.isnan(out[0, 0]) and out[0, 1] == -np.inf
    assert np.isnan(grad[1:, 1:]).all()


def test_no_warning_for_a_divisor_past_float16s_range():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = unpool_avg(np.ones((1, 1), np.float16), (2, 2), 2, divisor_override=70000)
    assert_array_equal(got, np.zeros((2, 2), np.float16))  # 1 / inf in float16, as PyTorch


# ------------------------------------------------ huge integer arguments: an error naming them
# They raised OverflowError from numpy (2**63 does not fit in int64), ran for minutes (max_unpool2d
# tried every length in an interval of 2 * stride) or gave wrong bins (n * out overflowed int64).
@pytest.mark.parametrize("call, name, value", [
    (lambda: pool(np.zeros((4, 4)), 2, 2**63), "stride", 2**63),
    (lambda: pool(np.zeros((4, 4)), 2, 2**31, method="mean"), "stride", 2**31),
    (lambda: pool(np.zeros((4, 4)), 1, 1, dilation=2**63), "dilation", 2**63),
    (lambda: pool(np.zeros((4, 4)), 2**70, padding="same"), "f", 2**70),
    (lambda: pool(np.zeros((4, 4)), 2, padding=2**40), "padding", 2**40),
    (lambda: windows(np.zeros((4, 4)), 2, 2**62), "stride", 2**62),
    (lambda: output_size(4, 1, dilation=2**63), "dilation", 2**63),
    (lambda: output_size(2**70, 2, 1, padding=1, dilation=3), "n", 2**70),
    (lambda: adaptive_bins(2**63, 2), "n", 2**63),
    (lambda: adaptive_bins(10**18, 10), "n", 10**18),
    (lambda: adaptive_pool(np.zeros((4, 4)), 2**40), "output_size", 2**40),
    (lambda: unpool_avg(np.zeros((2, 2)), (4, 4), 2, 2**63), "stride", 2**63),
    (lambda: max_unpool2d(np.ones((1, 1)), np.zeros((1, 1), int), 2, 2**70), "stride", 2**70),
])
def test_a_huge_integer_argument_is_named(call, name, value):
    with pytest.raises(ValueError, match=re.escape(f"{name} must be at most 2147483647, got {value}")):
        call()


@pytest.mark.parametrize("value", [10**400, -(2**31)])
def test_a_huge_divisor_override_is_named(value):
    with pytest.raises(ValueError, match=re.escape(f"divisor_override must be at most 2147483647 in size, "
                                                   f"got {value}")):
        pool(np.zeros((4, 4)), 2, method="mean", divisor_override=value)


def test_the_largest_accepted_stride_still_pools():
    assert_array_equal(pool(np.arange(16.0).reshape(4, 4), 2, 2**31 - 1), [[5.0]])


# ------------------------------------------------ lp_pool: odd p, cancelling cells
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("p", [3, 5, 7])
@pytest.mark.parametrize("row", [[-3, 2, 3, -2], [-3, -2, 3, 2], [2, -3, -2, 3], [-0.3, 0.2, 0.3, -0.2]])
def test_lp_pool_of_cells_that_cancel_is_exactly_zero(dtype, p, row):
    # sum x**p = 0 for each of these windows; it gave 1.1e-05 (p = 3) or NaN, by summation order
    assert_array_equal(lp_pool(np.array([row], dtype), p, (1, 4)), np.zeros((1, 1), dtype))


def test_lp_pool_of_random_windows_and_their_negatives_is_exactly_zero():
    rng = np.random.default_rng(3)
    half = rng.standard_normal((50, 2, 3)).astype(np.float32)
    x = np.concatenate([half, -half[:, ::-1]], axis=1)  # (50, 4, 3): every row a, b, -b, -a
    assert_array_equal(lp_pool(x, 3, (1, 4)), np.zeros((50, 1, 3), np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [2, 4, 6, 10])
def test_lp_pool_with_an_even_p_is_that_of_abs_x_to_the_bit(dtype, p):
    # numpy's power of an array is not symmetric: (-a) ** 4 and a ** 4 could differ in the last bit
    x = np.random.default_rng(4).standard_normal((32, 32, 3)).astype(dtype)
    assert_array_equal(lp_pool(x, p, 2), lp_pool(np.abs(x), p, 2))


# ------------------------------------------------ windows far larger than the input
@pytest.mark.parametrize("shape, f, stride, padding, axis, limit, reach", [
    ((6, 6), 10**6, 1, "same", "row", 8192, 10**6 + 5),
    ((6, 6), 2**31 - 1, 1, "same", "row", 8192, 2**31 + 4),
    ((6, 6), 20000, None, 10000, "row", 8192, 20000),
    ((1, 1), (1, 2**22), 1, "same", "column", 8192, 2**22),  # took 10 s and 1.5 GB (a view per offset)
    ((4, 3000), (1, 13000), 1, "same", "column", 12000, 15999),
])
def test_a_window_far_larger_than_the_input_is_refused_naming_it(shape, f, stride, padding, axis, limit, reach):
    # the padded copy had 10**12 cells (MemoryError), or the loop over 2**31 offsets never ended
    n = shape[0] if axis == "row" else shape[1]
    message = (f"f and padding must reach at most max(4 * {n}, 8192) = {limit} padded cells along the {axis} "
               f"axis (the library pads a copy in memory and takes the window's offsets one by one; PyTorch "
               f"needs neither): f={f!r}, padding={padding!r}, dilation=1 reach {reach}")
    with pytest.raises(ValueError, match=re.escape(message)):
        pool(np.zeros(shape), f, stride, padding=padding)


def test_a_window_larger_than_the_input_within_the_limit_still_pools():
    x = np.arange(36.0).reshape(6, 6)
    assert_array_equal(pool(x, 2000, padding=1000), [[35.0]])
    assert_array_equal(pool(x, 13, 1, padding="same"), np.full((6, 6), 35.0))  # every window: all of x
    big = np.zeros((1, 9000))
    assert pool(big, (1, 3), 1, padding=(0, 1)).shape == (1, 9000)  # a long input keeps its padding


# ------------------------------------------------ found by the second adversarial probe
def test_max_unpool2d_with_narrow_integer_indices():
    # index * channels was computed in uint8 (200 * 2 wrapped to 144): values landed in row 4, not 12
    values = np.array([[[1.0, 2.0]]])
    indices = np.array([[[200, 200]]], dtype=np.uint8)
    got = max_unpool2d(values, indices, 16, output_size=(16, 16))
    expected = np.zeros((16, 16, 2))
    expected[12, 8] = [1.0, 2.0]
    assert_array_equal(got, expected)


@pytest.mark.parametrize("call", [
    lambda: unpool_avg(np.ones((1, 1), np.float16), (300, 300), 300),  # one divisor of 90000
    lambda: unpool_avg(np.ones((2, 2), np.float16), (400, 400), 257, 200, ceil_mode=True),  # several
])
def test_no_warning_for_a_window_area_past_float16s_range(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = call()
    assert np.isfinite(got).all()


@pytest.mark.parametrize("p, expected", [(Fraction(1, 2), 16.0), (2**70, 1.0)])
def test_lp_pool_takes_any_real_p(p, expected):
    assert_array_equal(lp_pool(np.ones((4, 4)), p, 2), np.full((2, 2), expected))


def test_lp_pool_names_a_p_too_big_for_a_float():
    with pytest.raises(ValueError, match=re.escape("p must be finite, got 1" + "0" * 400)):
        lp_pool(np.ones((2, 2)), 10**400, 2)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix itself warns
@pytest.mark.parametrize("call", [
    lambda m: pool(m, 2),
    lambda m: pool(m, 2, return_indices=True)[1],
    lambda m: max_mask(m, 2).sum(axis=(2, 3)),
    lambda m: adaptive_pool(m, 2),
    lambda m: lp_pool(m, 1, 2),
])
def test_a_numpy_matrix_is_pooled_as_a_plain_array(call):
    plain = np.arange(16.0).reshape(4, 4)
    got = call(np.matrix(plain))
    assert type(got) is np.ndarray
    assert_array_equal(got, call(plain))


def test_adaptive_pool_refuses_far_more_bins_than_cells():
    with pytest.raises(ValueError, match=re.escape("output_size must be at most max(4 * 1, 8192) = 8192 along "
                                                   "the row axis, got (1000000, 1)")):
        adaptive_pool(np.ones((1, 1)), (10**6, 1))
    assert adaptive_pool(np.ones((1, 1)), (8192, 1)).shape == (8192, 1)
