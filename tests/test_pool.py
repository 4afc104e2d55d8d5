"""Hand-computed exact arrays for pool, windows, max_mask, unpool_max and unpool_avg.

Every expected array below was worked out by hand (x = np.arange(16).reshape(4, 4) holds
x[r, c] = 4 * r + c, so a value is also its own flat index). Each defect listed in the seed
post's KNOWN-DEFECTS.md has a test here showing that pooling_lib does not have it.
Where a table is checked against ``pooling_lib``, the naive reference is checked against the
same table, so the reference used by the property tests is itself pinned to hand-made values.
"""

import warnings

import numpy as np
import pytest
import reference
from numpy.testing import assert_array_equal

from pooling_lib import max_mask, pool, unpool_avg, unpool_max, windows

nan = np.nan
X = np.arange(16).reshape(4, 4)


def lib_max(x, f, stride=None, padding=0, ceil_mode=False):
    return pool(x, f, stride, method="max", padding=padding, ceil_mode=ceil_mode, return_indices=True)


def ref_max(x, f, stride=None, padding=0, ceil_mode=False):
    return reference.max_pool(x, f, stride, padding, ceil_mode)


def lib_mean(x, f, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return pool(x, f, stride, method="mean", padding=padding, ceil_mode=ceil_mode,
                count_include_pad=count_include_pad)


def ref_mean(x, f, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return reference.mean_pool(x, f, stride, padding, ceil_mode, count_include_pad)


MAX_IMPLS = pytest.mark.parametrize("max_pool", [lib_max, ref_max], ids=["pooling_lib", "reference"])
MEAN_IMPLS = pytest.mark.parametrize("mean_pool", [lib_mean, ref_mean], ids=["pooling_lib", "reference"])
UNPOOL_MAX_IMPLS = pytest.mark.parametrize("unpool", [unpool_max, reference.unpool_max],
                                           ids=["pooling_lib", "reference"])


def lib_unpool_avg(grad, input_shape, f, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return unpool_avg(grad, input_shape, f, stride, padding=padding, ceil_mode=ceil_mode,
                      count_include_pad=count_include_pad)


UNPOOL_AVG_IMPLS = pytest.mark.parametrize("unpool", [lib_unpool_avg, reference.unpool_avg],
                                           ids=["pooling_lib", "reference"])

# (f, stride, padding, ceil_mode, expected max of X; since X[r, c] == 4r + c, also its indices)
MAX_TABLE = [
    (2, None, 0, False, [[5, 7], [13, 15]]),
    (2, 1, 0, False, [[5, 6, 7], [9, 10, 11], [13, 14, 15]]),
    (3, 1, 0, False, [[10, 11], [14, 15]]),
    (3, 2, 0, False, [[10]]),
    (3, 2, 0, True, [[10, 11], [14, 15]]),  # rows/cols {0,1,2} and {2,3}
    (3, 2, 1, False, [[5, 7], [13, 15]]),  # rows/cols {0,1} and {1,2,3}
    (3, 2, 1, True, [[5, 7, 7], [13, 15, 15], [13, 15, 15]]),  # plus {3}
    (3, 3, 0, True, [[10, 11], [14, 15]]),
    ((1, 2), None, 0, False, [[1, 3], [5, 7], [9, 11], [13, 15]]),
    ((2, 1), (2, 1), 0, False, [[4, 5, 6, 7], [12, 13, 14, 15]]),
    (2, 2, (1, 0), False, [[1, 3], [9, 11], [13, 15]]),  # rows {0}, {1,2}, {3}
    ((2, 3), (1, 2), (1, 1), False, [[1, 3], [5, 7], [9, 11], [13, 15], [13, 15]]),
    (4, None, 0, False, [[15]]),
    (1, None, 0, False, X.tolist()),
]


@MAX_IMPLS
@pytest.mark.parametrize("f, stride, padding, ceil_mode, expected", MAX_TABLE)
def test_max_pool_hand_computed(max_pool, f, stride, padding, ceil_mode, expected):
    out, idx = max_pool(X, f, stride, padding, ceil_mode)
    assert_array_equal(out, expected)
    assert out.dtype == X.dtype
    assert_array_equal(idx, expected)
    assert np.issubdtype(idx.dtype, np.integer)


def test_return_indices_false_returns_only_the_array():
    out = pool(X, 2)
    assert isinstance(out, np.ndarray)
    assert_array_equal(out, [[5, 7], [13, 15]])


def test_indices_are_flat_positions_in_the_unpadded_plane_of_a_non_square_input():
    x = np.array([[0, 9, 1, 2, 3],
                  [4, 5, 6, 7, 8],
                  [1, 1, 1, 1, 20]])  # w = 5
    out, idx = pool(x, 2, padding=1, return_indices=True)
    # rows {0}, {1, 2}; cols {0}, {1, 2}, {3, 4}
    assert_array_equal(out, [[0, 9, 3], [4, 6, 20]])
    assert_array_equal(idx, [[0, 1, 4], [5, 7, 14]])


# (f, stride, padding, ceil_mode, count_include_pad, expected mean of X)
MEAN_TABLE = [
    (2, None, 0, False, True, [[2.5, 4.5], [10.5, 12.5]]),
    (3, 1, 0, False, True, [[5, 6], [9, 10]]),
    (3, 2, 1, False, True, [[10 / 9, 24 / 9], [51 / 9, 10]]),
    (3, 2, 1, False, False, [[2.5, 4], [8.5, 10]]),
    # ceil_mode without padding: the part of the last window past the input is never counted
    (3, 2, 0, True, True, [[5, 6.5], [11, 12.5]]),
    (3, 2, 0, True, False, [[5, 6.5], [11, 12.5]]),
    # ceil_mode with padding: the last window covers row 3 and one padding row, and
    # nothing of the part hanging past the padding -> divisor 2 * 3, 3 * 2 or 2 * 2.
    (3, 2, 1, True, True, [[10 / 9, 24 / 9, 10 / 6],
                           [51 / 9, 10, 33 / 6],
                           [25 / 6, 42 / 6, 15 / 4]]),
    (3, 2, 1, True, False, [[2.5, 4, 5], [8.5, 10, 11], [12.5, 14, 15]]),
    ((1, 2), None, 0, False, True, [[0.5, 2.5], [4.5, 6.5], [8.5, 10.5], [12.5, 14.5]]),
    # rows {0}, {1,2}, {3} (each with one padding row or none), cols {0,1}, {2,3}
    (2, 2, (1, 0), False, True, [[0.25, 1.25], [6.5, 8.5], [6.25, 7.25]]),
    (2, 2, (1, 0), False, False, [[0.5, 2.5], [6.5, 8.5], [12.5, 14.5]]),
]


@MEAN_IMPLS
@pytest.mark.parametrize("f, stride, padding, ceil_mode, count_include_pad, expected", MEAN_TABLE)
def test_mean_pool_hand_computed(mean_pool, f, stride, padding, ceil_mode, count_include_pad, expected):
    out = mean_pool(X, f, stride, padding, ceil_mode, count_include_pad)
    np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0)
    assert out.dtype == np.float64  # integer mean -> float64


def test_channels_and_samples_are_pooled_independently():
    x3 = np.stack([X, -X, 10 * X], axis=-1)  # (4, 4, 3)
    out, idx = pool(x3, 2, return_indices=True)
    assert out.shape == idx.shape == (2, 2, 3)
    assert_array_equal(out[..., 0], [[5, 7], [13, 15]])
    assert_array_equal(out[..., 1], [[0, -2], [-8, -10]])
    assert_array_equal(out[..., 2], [[50, 70], [130, 150]])
    assert_array_equal(idx[..., 0], [[5, 7], [13, 15]])
    assert_array_equal(idx[..., 1], [[0, 2], [8, 10]])
    assert_array_equal(idx[..., 2], [[5, 7], [13, 15]])

    x4 = np.stack([x3, x3[::-1, ::-1] + 100])  # (2, 4, 4, 3); the second sample is flipped
    out4, idx4 = pool(x4, 2, return_indices=True)
    assert out4.shape == idx4.shape == (2, 2, 2, 3)
    assert_array_equal(out4[0], out)
    assert_array_equal(idx4[0], idx)
    # flipped X: [[15 14 13 12] [11 10 9 8] ...]: maxima 15, 13, 7, 5 at (0,0), (0,2), (2,0), (2,2)
    assert_array_equal(out4[1, ..., 0], [[115, 113], [107, 105]])
    assert_array_equal(idx4[1, ..., 0], [[0, 2], [8, 10]])
    assert_array_equal(out4[1, ..., 1], [[90, 92], [98, 100]])
    assert_array_equal(idx4[1, ..., 1], [[5, 7], [13, 15]])

    mean4 = pool(x4, 2, method="mean")
    assert_array_equal(mean4[0, ..., 0], [[2.5, 4.5], [10.5, 12.5]])
    assert_array_equal(mean4[0, ..., 1], [[-2.5, -4.5], [-10.5, -12.5]])
    assert_array_equal(mean4[1, ..., 0], [[112.5, 110.5], [104.5, 102.5]])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtypes_are_kept(dtype):
    x = (X / 4).astype(dtype)
    out, idx = pool(x, 2, return_indices=True)
    assert out.dtype == dtype
    assert_array_equal(out, np.array([[5, 7], [13, 15]]) / 4)
    assert_array_equal(idx, [[5, 7], [13, 15]])
    mean = pool(x, 2, method="mean")
    assert mean.dtype == dtype
    assert_array_equal(mean, np.array([[2.5, 4.5], [10.5, 12.5]]) / 4)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint64])
def test_integer_max_stays_integer_and_integer_mean_is_float64(dtype):
    x = X.astype(dtype)
    out = pool(x, 2)
    assert out.dtype == dtype
    assert_array_equal(out, [[5, 7], [13, 15]])
    mean = pool(x, 2, method="mean")
    assert mean.dtype == np.float64
    assert_array_equal(mean, [[2.5, 4.5], [10.5, 12.5]])


def test_integer_mean_does_not_overflow_the_input_dtype():
    x = np.array([[100, 120], [127, 101]], dtype=np.int8)
    assert_array_equal(pool(x, 2, method="mean"), [[112.0]])
    u = np.full((3, 3), 255, dtype=np.uint8)
    assert_array_equal(pool(u, 3, method="mean"), [[255.0]])


def test_float16_mean_does_not_overflow():
    # 60000 is exactly representable in float16, a sum of four of them is not.
    x = np.full((2, 2), 60000, dtype=np.float16)
    out = pool(x, 2, method="mean")
    assert out.dtype == np.float16
    assert_array_equal(out, [[60000]])


# ----------------------------------------------------------------------------------------------
# windows
# ----------------------------------------------------------------------------------------------


def test_windows_layout_and_values():
    v = windows(X, 2)
    assert v.shape == (2, 2, 2, 2)
    assert_array_equal(v[0, 1], [[2, 3], [6, 7]])
    assert_array_equal(v[1, 0], [[8, 9], [12, 13]])
    v3 = windows(X, 3, stride=1)
    assert v3.shape == (2, 2, 3, 3)
    assert_array_equal(v3[1, 1], [[5, 6, 7], [9, 10, 11], [13, 14, 15]])
    vr = windows(X, (1, 3), stride=(2, 1))
    assert vr.shape == (2, 2, 1, 3)
    assert_array_equal(vr[1, 1], [[9, 10, 11]])


def test_windows_of_3d_and_4d_arrays_put_channels_last():
    x3 = np.stack([X, -X], axis=-1)
    v3 = windows(x3, 2)
    assert v3.shape == (2, 2, 2, 2, 2)
    assert_array_equal(v3[0, 1, ..., 0], [[2, 3], [6, 7]])
    assert_array_equal(v3[0, 1, ..., 1], [[-2, -3], [-6, -7]])
    x4 = np.stack([x3, x3 + 100])
    v4 = windows(x4, 2, stride=1)
    assert v4.shape == (2, 3, 3, 2, 2, 2)
    assert_array_equal(v4[1, 2, 0, ..., 0], [[108, 109], [112, 113]])


def test_windows_is_a_read_only_view():
    x = X.astype(float)
    v = windows(x, 2)
    assert np.shares_memory(v, x)
    assert not v.flags.writeable
    with pytest.raises(ValueError):
        v[0, 0, 0, 0] = 99.0
    assert_array_equal(x, X)


# ----------------------------------------------------------------------------------------------
# max_mask
# ----------------------------------------------------------------------------------------------


def test_max_mask_hand_computed():
    mask = max_mask(X, 2)
    assert mask.shape == (2, 2, 2, 2)
    assert_array_equal(mask, np.broadcast_to([[0, 0], [0, 1]], (2, 2, 2, 2)))
    assert set(np.unique(mask)) <= {0, 1}


def test_max_mask_with_padding_and_ceil_mode_covers_the_padding_cells():
    # f=3, s=2, padding=1, ceil_mode: windows start at -1, 1, 3 along each axis.
    mask = max_mask(X, 3, stride=2, padding=1, ceil_mode=True)
    assert mask.shape == (3, 3, 3, 3)
    # window (0, 0) covers padded rows/cols -1..1; its maximum X[1, 1] = 5 is at (2, 2)
    assert_array_equal(mask[0, 0], [[0, 0, 0], [0, 0, 0], [0, 0, 1]])
    # window (2, 2) covers rows/cols 3..5; its only real cell X[3, 3] is at (0, 0)
    assert_array_equal(mask[2, 2], [[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    # window (1, 2): rows 1..3, cols 3..5; the maximum X[3, 3] = 15 is at (2, 0)
    assert_array_equal(mask[1, 2], [[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    assert_array_equal(mask.sum(axis=(2, 3)), np.ones((3, 3)))


def test_max_mask_of_3d_and_4d_arrays():
    x3 = np.stack([X, -X], axis=-1)
    mask = max_mask(x3, 2)
    assert mask.shape == (2, 2, 2, 2, 2)
    assert_array_equal(mask[1, 0, ..., 0], [[0, 0], [0, 1]])
    assert_array_equal(mask[1, 0, ..., 1], [[1, 0], [0, 0]])
    mask4 = max_mask(np.stack([x3, x3]), 2)
    assert mask4.shape == (2, 2, 2, 2, 2, 2)
    assert_array_equal(mask4[1], mask)


# ----------------------------------------------------------------------------------------------
# unpool_max and unpool_avg
# ----------------------------------------------------------------------------------------------


@UNPOOL_MAX_IMPLS
def test_unpool_max_puts_values_back_at_the_indices(unpool):
    grad = np.array([[1.0, 2.0], [3.0, 4.0]])
    result = unpool(grad, np.array([[5, 7], [13, 15]]), (4, 4))
    expected = np.zeros((4, 4))
    expected[1, 1], expected[1, 3], expected[3, 1], expected[3, 3] = 1, 2, 3, 4
    assert_array_equal(result, expected)
    assert np.issubdtype(result.dtype, np.floating)


def test_unpool_max_adds_every_collision_exactly():
    # random flat positions in a 4x4 plane: many values land on one cell, in every channel
    rng = np.random.default_rng(5)
    grad = rng.integers(-4, 5, (2, 3, 3, 7)).astype(np.float32)
    idx = rng.integers(0, 16, grad.shape)  # many collisions
    expected = reference.unpool_max(grad, idx, (2, 4, 4, 7))
    assert_array_equal(unpool_max(grad, idx, (2, 4, 4, 7)), expected)
    # hand-computed: three values land on cell (1, 2) of every channel, one on cell (0, 0)
    grad = np.array([[[3.0] * 7, [-4.0] * 7], [[2.0] * 7, [5.0] * 7]])  # (2, 2, 7)
    idx = np.array([[[6] * 7, [6] * 7], [[6] * 7, [0] * 7]])
    expected = np.zeros((4, 4, 7))
    expected[1, 2] = 1.0  # 3 - 4 + 2
    expected[0, 0] = 5.0
    assert_array_equal(unpool_max(grad, idx, (4, 4, 7)), expected)


@UNPOOL_MAX_IMPLS
def test_unpool_max_3d_and_4d(unpool):
    grad = np.array([[[1.0, 10.0]]])  # (1, 1, 2)
    idx = np.array([[[3, 0]]])
    assert_array_equal(unpool(grad, idx, (2, 2, 2)),
                       [[[0, 10], [0, 0]], [[0, 0], [1, 0]]])
    grad4 = np.array([[[[1.0]]], [[[2.0]]]])  # (2, 1, 1, 1)
    idx4 = np.array([[[[5]]], [[[0]]]])
    expected = np.zeros((2, 2, 3, 1))
    expected[0, 1, 2, 0] = 1.0
    expected[1, 0, 0, 0] = 2.0
    assert_array_equal(unpool(grad4, idx4, (2, 2, 3, 1)), expected)


@UNPOOL_AVG_IMPLS
def test_unpool_avg_divides_by_the_window_size(unpool):
    grad = np.array([[4.0, 8.0], [12.0, 16.0]])
    assert_array_equal(unpool(grad, (4, 4), 2),
                       [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])


@UNPOOL_AVG_IMPLS
def test_unpool_avg_with_overlapping_windows_adds_the_shares(unpool):
    # stride 1 < f = 2 on a 3x3 input: the centre is in all four windows
    assert_array_equal(unpool(np.ones((2, 2)), (3, 3), 2, 1),
                       [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])


@UNPOOL_AVG_IMPLS
def test_unpool_avg_with_gapped_windows_leaves_uncovered_cells_at_zero(unpool):
    # f = 2, stride = 3 on 5x5: windows cover rows/cols {0, 1} and {3, 4}
    result = unpool(np.array([[4.0, 8.0], [12.0, 16.0]]), (5, 5), 2, 3)
    assert_array_equal(result, [[1, 1, 0, 2, 2],
                                [1, 1, 0, 2, 2],
                                [0, 0, 0, 0, 0],
                                [3, 3, 0, 4, 4],
                                [3, 3, 0, 4, 4]])


@UNPOOL_AVG_IMPLS
def test_unpool_avg_with_padding_and_ceil_mode_uses_each_windows_divisor(unpool):
    # 4x4, f=3, s=2, padding=1, ceil_mode: along each axis windows cover {0,1} (size 3),
    # {1,2,3} (size 3) and {3} (size 2: one padding cell, nothing past it).
    g = np.array([[9.0, 18.0, 6.0], [9.0, 18.0, 6.0], [6.0, 12.0, 4.0]])
    with_pad = unpool(g, (4, 4), 3, 2, 1, True, True)
    # divisors: [[9, 9, 6], [9, 9, 6], [6, 6, 4]] -> shares [[1, 2, 1], [1, 2, 1], [1, 2, 1]]
    assert_array_equal(with_pad, [[1, 3, 2, 3],
                                  [2, 6, 4, 6],
                                  [1, 3, 2, 3],
                                  [2, 6, 4, 6]])
    no_pad = unpool(g, (4, 4), 3, 2, 1, True, False)
    # divisors = real cells: [[4, 6, 2], [6, 9, 3], [2, 3, 1]]
    # -> shares [[2.25, 3, 3], [1.5, 2, 2], [3, 4, 4]]
    assert_array_equal(no_pad, [[2.25, 5.25, 3, 6],
                                [3.75, 8.75, 5, 10],
                                [1.5, 3.5, 2, 4],
                                [4.5, 10.5, 6, 12]])


# ----------------------------------------------------------------------------------------------
# KNOWN-DEFECTS.md, one by one
# ----------------------------------------------------------------------------------------------


def test_defect1_ties_name_exactly_one_position_per_window_the_first_in_row_major_order():
    zeros = np.zeros((4, 4))
    out, idx = pool(zeros, 2, return_indices=True)
    assert_array_equal(out, np.zeros((2, 2)))
    assert_array_equal(idx, [[0, 2], [8, 10]])
    mask = max_mask(zeros, 2)
    assert_array_equal(mask.sum(axis=(2, 3)), np.ones((2, 2)))
    assert_array_equal(mask, np.broadcast_to([[1, 0], [0, 0]], (2, 2, 2, 2)))
    back = unpool_max(np.ones((2, 2)), idx, zeros.shape)
    assert back.sum() == 4  # the post sent the gradient back 16 times
    assert_array_equal(back, [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])


@MAX_IMPLS
def test_defect1_a_later_tie_does_not_win(max_pool):
    x = np.array([[1, 3, 3],
                  [3, 0, 2],
                  [2, 3, 1]])
    out, idx = max_pool(x, 2, 1)
    assert_array_equal(out, [[3, 3], [3, 3]])
    assert_array_equal(idx, [[1, 1], [3, 7]])


def test_defect2_overlapping_windows_add_their_gradients():
    x = np.zeros((3, 3))
    x[1, 1] = 1.0
    out, idx = pool(x, 2, stride=1, return_indices=True)
    assert_array_equal(out, np.ones((2, 2)))
    assert_array_equal(idx, np.full((2, 2), 4))
    back = unpool_max(np.ones((2, 2)), idx, x.shape)
    assert_array_equal(back, [[0, 0, 0], [0, 4, 0], [0, 0, 0]])


def test_defect3_average_unpooling_divides_by_f_squared_and_allows_any_stride():
    assert_array_equal(unpool_avg(np.ones((2, 2)), (4, 4), 2), np.full((4, 4), 0.25))
    assert_array_equal(unpool_avg(np.full((2, 2), 9.0), (6, 6), 3), np.ones((6, 6)))
    assert_array_equal(unpool_avg(np.ones((2, 2)), (3, 3), 2, stride=1),
                       [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])


def test_defect4_ceil_mode_adds_no_window_made_only_of_padding():
    out = pool(np.zeros((6, 6)), 3, stride=3, ceil_mode=True)
    assert out.shape == (2, 2)
    mean = pool(np.ones((6, 6)), 3, stride=3, ceil_mode=True, method="mean")
    assert_array_equal(mean, np.ones((2, 2)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8])
def test_defect4_all_negative_windows_with_padding_do_not_pool_to_zero(dtype):
    x = (-1 - X).astype(dtype)  # x[r, c] = -1 - 4r - c
    out, idx = pool(x, 2, stride=2, padding=1, return_indices=True)
    # rows/cols {0}, {1, 2}, {3}: the maximum is at the smallest row and column
    assert_array_equal(out, [[-1, -2, -4], [-5, -6, -8], [-13, -14, -16]])
    assert out.dtype == dtype
    assert_array_equal(idx, [[0, 1, 3], [4, 5, 7], [12, 13, 15]])
    ceil = pool(x, 3, stride=3, ceil_mode=True)
    assert_array_equal(ceil, [[-1, -4], [-13, -16]])


def test_defect4_padding_never_wins_even_against_the_dtype_minimum():
    x = np.full((3, 3), -128, dtype=np.int8)
    out, idx = pool(x, 2, padding=1, return_indices=True)
    assert_array_equal(out, np.full((2, 2), -128))
    # rows/cols {0} and {1, 2}: every index is the window's first real cell
    assert_array_equal(idx, [[0, 1], [3, 4]])
    mask = max_mask(x, 2, padding=1)
    assert_array_equal(mask[0, 0], [[0, 0], [0, 1]])
    assert_array_equal(mask[1, 1], [[1, 0], [0, 0]])

    ninf = np.full((3, 3), -np.inf)
    out, idx = pool(ninf, 2, padding=1, return_indices=True)
    assert_array_equal(out, np.full((2, 2), -np.inf))
    assert_array_equal(idx, [[0, 1], [3, 4]])


def test_defect4_floats_are_not_truncated_by_padding():
    x = np.array([[0.5, 0.25], [0.125, -0.5]])
    out = pool(x, 2, padding=1)  # each window holds a single real cell
    assert_array_equal(out, x)
    assert out.dtype == np.float64
    mean = pool(x, 2, padding=1, method="mean", count_include_pad=False)
    assert_array_equal(mean, x)


def test_defect5_no_axis_is_squeezed():
    assert pool(np.zeros((4, 4, 1)), 2).shape == (2, 2, 1)
    assert pool(np.zeros((2, 2)), 2).shape == (1, 1)
    assert pool(np.zeros((1, 4, 4, 1)), 2, method="mean").shape == (1, 2, 2, 1)
    x = np.arange(16.0).reshape(4, 4, 1)
    out, idx = pool(x, 2, return_indices=True)
    assert out.shape == idx.shape == (2, 2, 1)
    assert max_mask(x, 2).shape == (2, 2, 2, 2, 1)
    back = unpool_max(np.ones((2, 2, 1)), idx, x.shape)
    assert back.shape == (4, 4, 1)
    assert_array_equal(back[..., 0], [[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]])
    one, one_idx = pool(np.array([[1.0, 4.0], [3.0, 2.0]]), 2, return_indices=True)
    assert one.shape == one_idx.shape == (1, 1)
    assert_array_equal(one, [[4.0]])
    assert_array_equal(one_idx, [[1]])
    assert unpool_avg(np.ones((1, 1)), (2, 2), 2).shape == (2, 2)


@MAX_IMPLS
def test_defect6_nan_propagates_and_the_last_nan_is_the_index(max_pool):
    x = X.astype(float)
    x[1, 1] = nan  # window (0, 0): one NaN
    x[2, 2] = x[3, 2] = nan  # window (1, 1): two NaNs, the last one is (3, 2)
    x[2, 1] = -np.inf
    x[0:2, 2:4] = nan  # window (0, 1): all NaN
    out, idx = max_pool(x, 2)
    assert_array_equal(out, [[nan, nan], [13, nan]])
    assert_array_equal(idx, [[5, 7], [13, 14]])


def test_defect6_nan_in_masks_means_and_without_warnings():
    x = X.astype(float)
    x[0:2, 2:4] = nan  # an all-NaN window
    x[3, 0] = nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the post's nanmax warned on an all-NaN window
        out = pool(x, 2)
        mask = max_mask(x, 2)
        mean = pool(x, 2, method="mean")
    assert_array_equal(out, [[5, nan], [nan, 15]])
    assert_array_equal(mask.sum(axis=(2, 3)), np.ones((2, 2)))  # the post's mask was empty there
    assert_array_equal(mask[0, 1], [[0, 0], [0, 1]])
    assert_array_equal(mask[1, 0], [[0, 0], [1, 0]])
    assert_array_equal(mean, [[2.5, nan], [nan, 12.5]])


def test_defect6_nan_float32_and_float16_keep_their_dtype():
    for dtype in (np.float16, np.float32):
        x = np.array([[1, nan], [2, 3]], dtype=dtype)
        out, idx = pool(x, 2, return_indices=True)
        assert out.dtype == dtype
        assert np.isnan(out[0, 0])
        assert idx[0, 0] == 1


def post_example():
    np.random.seed(100)
    mat = np.random.randint(0, 20, [6, 6])
    # the post's printed matrix: if numpy's legacy generator ever changed, say so here
    assert_array_equal(mat, [[8, 3, 7, 15, 16, 10],
                             [2, 2, 2, 14, 2, 17],
                             [16, 15, 4, 11, 16, 9],
                             [2, 12, 4, 1, 13, 19],
                             [4, 4, 3, 7, 17, 15],
                             [1, 14, 7, 16, 2, 9]])
    return mat


def test_defect8_the_posts_example():
    mat = post_example()
    out, idx = pool(mat, 3, stride=3, return_indices=True)
    assert_array_equal(out, [[16, 17], [14, 19]])
    assert_array_equal(idx, [[12, 11], [31, 23]])
    mask = max_mask(mat, 3, stride=3)
    assert mask.shape == (2, 2, 3, 3)
    assert_array_equal(mask[0, 0], [[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    assert_array_equal(mask[0, 1], [[0, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert_array_equal(mask[1, 0], [[0, 0, 0], [0, 0, 0], [0, 1, 0]])
    assert_array_equal(mask[1, 1], [[0, 0, 1], [0, 0, 0], [0, 0, 0]])
    back = unpool_max(out, idx, mat.shape)
    assert_array_equal(back, [[0, 0, 0, 0, 0, 0],
                              [0, 0, 0, 0, 0, 17],
                              [16, 0, 0, 0, 0, 0],
                              [0, 0, 0, 0, 0, 19],
                              [0, 0, 0, 0, 0, 0],
                              [0, 14, 0, 0, 0, 0]])


def test_mean_of_plus_and_minus_inf_is_nan_without_warning():
    import warnings

    x = np.array([[np.inf, -np.inf], [1.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = pool(x, 2, method="mean")
    assert out.shape == (1, 1) and np.isnan(out[0, 0])
