"""max_unpool2d (PyTorch's F.max_unpool2d): hand-computed arrays, a naive loop from the definition,
and one test per error branch.

The definition, as PyTorch's MaxUnpool2d documents it: the result is zeros of size
``(ho - 1) * stride - 2 * padding + f`` per axis (or ``output_size``), and each pooled value is
written at its flat index ``row * w + col``. Where several values name one cell, this library keeps
the last in row-major order (PyTorch leaves it undefined).
"""

import re

import numpy as np
import pytest
import reference
from numpy.testing import assert_array_equal

from pooling_lib import pool, unpool_max
from pooling_lib.max_unpool import _sizes_pooling_to, max_unpool2d

BAD_INPUT = (ValueError, TypeError)


def naive_max_unpool2d(x, indices, f, stride=None, padding=0, output_size=None):
    """Plain loops: start from zeros, visit pooled positions in row-major order, write each value."""
    fh, fw, sh, sw, ph, pw = reference._params(f, stride, padding)
    xb = reference._as_batch(np.asarray(x))
    ib = reference._as_batch(np.asarray(indices))
    m, ho, wo, c = xb.shape
    if output_size is None:
        h, w = (ho - 1) * sh - 2 * ph + fh, (wo - 1) * sw - 2 * pw + fw
    else:
        h, w = output_size[1:3] if len(output_size) == 4 else output_size[:2]
    out = np.zeros((m, h, w, c), dtype=xb.dtype)
    for sample in range(m):
        for ch in range(c):
            for i in range(ho):
                for j in range(wo):
                    row, col = divmod(int(ib[sample, i, j, ch]), w)
                    out[sample, row, col, ch] = xb[sample, i, j, ch]
    return reference._from_batch(out, np.ndim(x))


def mentions(name, value):
    """Regex: the message names the argument and shows the value received (any order)."""
    text = re.escape(value if isinstance(value, str) else repr(value))
    return rf"(?s)^(?=.*\b{re.escape(name)}\b)(?=.*(?<!\w){text}(?!\w))"


# ------------------------------------------------------------------------ hand-computed arrays
X = np.array([[1., 2., 3., 4.],
              [5., 6., 7., 8.],
              [9., 0., 0., 3.],
              [0., 4., 2., 1.]])


def test_tiling_windows_put_each_maximum_back():
    out, idx = pool(X, 2, return_indices=True)
    assert_array_equal(max_unpool2d(out, idx, 2), [[0, 0, 0, 0],
                                                   [0, 6, 0, 8],
                                                   [9, 0, 0, 3],
                                                   [0, 0, 0, 0]])


def test_overlapping_windows_write_once_where_the_gradient_adds():
    z = np.array([[0., 1., 0.], [1., 9., 1.], [0., 1., 0.]])
    out, idx = pool(z, 2, stride=1, return_indices=True)
    assert_array_equal(idx, [[4, 4], [4, 4]])
    assert_array_equal(max_unpool2d(out, idx, 2, stride=1), [[0, 0, 0], [0, 9, 0], [0, 0, 0]])
    assert unpool_max(out, idx, z.shape)[1, 1] == 36


def test_last_value_in_row_major_order_wins():
    idx = np.array([[4, 4], [4, 0]])
    got = max_unpool2d(np.array([[1., 2.], [3., 4.]]), idx, 2, stride=1)
    assert_array_equal(got, [[4, 0, 0], [0, 3, 0], [0, 0, 0]])


def test_output_size_restores_dropped_edge():
    y = np.arange(25.).reshape(5, 5)
    out, idx = pool(y, 2, return_indices=True)
    expected = np.zeros((5, 5))
    expected[1, 1], expected[1, 3], expected[3, 1], expected[3, 3] = 6, 8, 16, 18
    assert_array_equal(max_unpool2d(out, idx, 2, output_size=(5, 5)), expected)
    assert_array_equal(max_unpool2d(out, idx, 2, output_size=[5, 5]), expected)
    assert_array_equal(max_unpool2d(out, idx, 2, output_size=np.array([5, 5])), expected)


def test_padding_shrinks_the_default_size():
    # pool(4x4, f=3, stride=2, padding=1) gives 2x2; the default size is (2-1)*2 - 2 + 3 = 3
    out, idx = pool(X, 3, stride=2, padding=1, return_indices=True)
    assert_array_equal(out, [[6, 8], [9, 8]])
    assert_array_equal(idx, [[5, 7], [8, 7]])
    got = max_unpool2d(out, idx, 3, stride=2, padding=1, output_size=(4, 4))
    assert_array_equal(got, [[0, 0, 0, 0], [0, 6, 0, 8], [9, 0, 0, 0], [0, 0, 0, 0]])
    # in the default 3x3 plane index 8 is the last cell, so it is accepted there
    assert max_unpool2d(np.ones((2, 2)), [[0, 1], [2, 3]], 3, stride=2, padding=1).shape == (3, 3)


def test_layouts_and_full_output_size():
    x = np.arange(2 * 2 * 2 * 3, dtype=np.float32).reshape(2, 2, 2, 3)
    idx = np.zeros(x.shape, dtype=np.int64)
    idx[:, 1, 1] = 15  # bottom-right cell of a 4x4 plane
    got = max_unpool2d(x, idx, 2)
    assert got.shape == (2, 4, 4, 3) and got.dtype == np.float32
    assert_array_equal(got[:, 3, 3], x[:, 1, 1])
    assert_array_equal(got[:, 0, 0], x[:, 1, 0])  # indices 0: the last of (0,0), (0,1), (1,0) wins
    assert np.count_nonzero(got[:, 1:3]) == 0
    assert max_unpool2d(x, idx, 2, output_size=(2, 5, 4, 3)).shape == (2, 5, 4, 3)
    assert max_unpool2d(x[0], idx[0], 2, output_size=(4, 5, 3)).shape == (4, 5, 3)


def test_dtype_is_kept_and_values_are_not_converted():
    x = np.array([[7, -3]], dtype=np.int16)
    got = max_unpool2d(x, [[1, 2]], (1, 2))
    assert got.dtype == np.int16
    assert_array_equal(got, [[0, 7, -3, 0]])
    big = max_unpool2d(np.array([[2.5]], dtype=">f8"), [[3]], 2)
    assert big.dtype == np.float64
    assert_array_equal(big, [[0, 0], [0, 2.5]])


def test_nan_is_written_as_is():
    got = max_unpool2d(np.array([[np.nan]]), [[1]], 2)
    assert np.isnan(got[0, 1]) and np.count_nonzero(np.isnan(got)) == 1


def test_input_is_not_modified():
    x = np.arange(4.).reshape(2, 2)
    idx = np.array([[0, 3], [8, 15]])
    x0, idx0 = x.copy(), idx.copy()
    max_unpool2d(x, idx, 2)
    assert_array_equal(x, x0)
    assert_array_equal(idx, idx0)


def test_empty_batch():
    got = max_unpool2d(np.zeros((0, 2, 2, 3)), np.zeros((0, 2, 2, 3), dtype=int), 2)
    assert got.shape == (0, 4, 4, 3)


# ------------------------------------------------------------------------ naive loop
CASES = [
    # shape, f, stride, padding, ceil_mode
    ((6, 6), 2, 2, 0, False),
    ((7, 5), 3, 2, 1, False),
    ((7, 5), 3, 2, 1, True),
    ((5, 8, 2), (2, 3), (1, 2), (1, 0), False),
    ((3, 6, 7, 2), 3, 1, 1, False),
    ((2, 9, 4, 3), (3, 2), (3, 1), 0, True),
    ((2, 5, 5, 1), 2, 3, 0, True),
]


@pytest.mark.parametrize("shape, f, stride, padding, ceil_mode", CASES)
@pytest.mark.parametrize("given_size", [False, True])
def test_matches_naive_loop(shape, f, stride, padding, ceil_mode, given_size):
    rng = np.random.default_rng(len(shape) + sum(shape))
    x = rng.integers(0, 4, size=shape).astype(np.float64)  # ties: overlapping windows share maxima
    _, idx = reference.max_pool(x, f, stride, padding, ceil_mode)
    values = rng.standard_normal(idx.shape)  # different values: which write wins shows
    spatial = shape[1:3] if len(shape) == 4 else shape[:2]
    size = spatial if given_size else None
    if not given_size:
        fh, fw, sh, sw, ph, pw = reference._params(f, stride, padding)
        ho, wo = idx.shape[1:3] if len(shape) == 4 else idx.shape[:2]
        h = (ho - 1) * sh - 2 * ph + fh
        w = (wo - 1) * sw - 2 * pw + fw
        if idx.max() >= h * w or h < 1 or w < 1:  # indices outside the default plane: need the size
            size = spatial
    got = max_unpool2d(values, idx, f, stride, padding=padding, output_size=size)
    assert_array_equal(got, naive_max_unpool2d(values, idx, f, stride, padding, size))


def test_random_indices_match_naive_loop():
    rng = np.random.default_rng(5)
    values = rng.standard_normal((3, 4, 4, 2))
    idx = rng.integers(0, 64, size=values.shape)  # many collisions
    got = max_unpool2d(values, idx, 2)
    assert_array_equal(got, naive_max_unpool2d(values, idx, 2))


# ------------------------------------------------------------------------ errors, one per branch
ONES = np.ones((2, 2))
ZEROS = np.zeros((2, 2), dtype=np.int64)


def test_x_must_be_numeric():
    with pytest.raises(TypeError, match=r"\bx\b"):
        max_unpool2d([["a", "b"]], [[0, 1]], 2)


def test_x_must_have_2_to_4_dimensions():
    with pytest.raises(ValueError, match=r"\bx\b.*5 dimensions"):
        max_unpool2d(np.ones((1, 1, 1, 1, 1)), np.zeros((1, 1, 1, 1, 1), int), 2)


def test_indices_must_be_integers():
    with pytest.raises(TypeError, match=mentions("indices", "float64")):
        max_unpool2d(ONES, np.zeros((2, 2)), 2)


def test_indices_must_have_the_shape_of_x():
    with pytest.raises(ValueError, match=mentions("indices", "(2, 3)")):
        max_unpool2d(ONES, np.zeros((2, 3), int), 2)


@pytest.mark.parametrize("kw, name, value, error", [
    ({"f": 0}, "f", 0, ValueError),
    ({"f": 2.0}, "f", 2.0, TypeError),
    ({"f": 2, "stride": 0}, "stride", 0, ValueError),
    ({"f": 2, "stride": (1, 2, 3)}, "stride", (1, 2, 3), TypeError),
    ({"f": 2, "padding": -1}, "padding", -1, ValueError),
    ({"f": 2, "padding": "1"}, "padding", "1", TypeError),
])
def test_window_arguments_are_checked(kw, name, value, error):
    with pytest.raises(error, match=mentions(name, value)):
        max_unpool2d(ONES, ZEROS, **kw)


def test_padding_at_most_half_the_window():
    with pytest.raises(ValueError, match=mentions("padding", 2)):
        max_unpool2d(ONES, ZEROS, 3, padding=2)


def test_default_size_must_be_positive():
    # f=2, padding=1, one window: (1 - 1) * 2 - 2 + 2 = 0 rows
    with pytest.raises(ValueError, match=mentions("output_size", "None")):
        max_unpool2d(np.ones((1, 1)), np.zeros((1, 1), int), 2, padding=1)
    assert max_unpool2d(np.ones((1, 1)), np.zeros((1, 1), int), 2, padding=1,
                        output_size=(1, 1)).shape == (1, 1)


def test_output_size_must_be_a_tuple():
    with pytest.raises(TypeError, match=mentions("output_size", 4)):
        max_unpool2d(ONES, ZEROS, 2, output_size=4)


def test_output_size_entries_must_be_integers():
    with pytest.raises(TypeError, match=mentions("output_size", 4.0)):
        max_unpool2d(ONES, ZEROS, 2, output_size=(4.0, 4))


def test_output_size_entries_must_be_positive():
    with pytest.raises(ValueError, match=mentions("output_size", 0)):
        max_unpool2d(ONES, ZEROS, 2, output_size=(0, 4))


def test_output_size_length():
    with pytest.raises(ValueError, match=mentions("output_size", (4, 4, 1))):
        max_unpool2d(ONES, ZEROS, 2, output_size=(4, 4, 1))


def test_output_size_channels_must_match():
    with pytest.raises(ValueError, match=mentions("output_size", (4, 4, 2))):
        max_unpool2d(np.ones((2, 2, 3)), np.zeros((2, 2, 3), int), 2, output_size=(4, 4, 2))


def test_output_size_samples_must_match():
    with pytest.raises(ValueError, match=mentions("output_size", (2, 4, 4, 1))):
        max_unpool2d(np.ones((1, 2, 2, 1)), np.zeros((1, 2, 2, 1), int), 2, output_size=(2, 4, 4, 1))


@pytest.mark.parametrize("size", [(2, 4), (4, 6), (6, 4)])
def test_output_size_must_pool_to_x(size):
    # f=2, stride=2, 2 windows: default 4; sizes 4, 5 pool to 2 windows, and 3 with ceil_mode
    with pytest.raises(ValueError, match=mentions("output_size", size)) as info:
        max_unpool2d(ONES, ZEROS, 2, output_size=size)
    assert "sizes 3 to 5" in str(info.value)
    for ok in [(3, 3), (5, 5), (3, 5)]:
        assert max_unpool2d(ONES, ZEROS, 2, output_size=ok).shape == ok


def test_output_size_ceil_mode_drop_rule():
    # f=2, stride=3: 2 windows; PyTorch's interval (2, 8) holds 3, but 3 cells pool to 1 window in both
    # modes (ceil_mode's second window would start at 3, past the input, and is dropped)
    with pytest.raises(ValueError, match=mentions("output_size", (3, 5))) as info:
        max_unpool2d(ONES, ZEROS, 2, stride=3, output_size=(3, 5))
    assert "sizes 4 to 7" in str(info.value)
    assert max_unpool2d(ONES, ZEROS, 2, stride=3, output_size=(4, 7)).shape == (4, 7)


def _sizes_by_trying_each(n_out, f, s, p):
    """Every length in PyTorch's interval (default - s, default + s) that pools to n_out windows,
    in either mode, by the naive output-size rule (tests/reference.py), one length at a time."""
    default = (n_out - 1) * s - 2 * p + f
    sizes = []
    for n in range(max(1, default - s + 1), default + s):
        if n + 2 * p < f:
            continue
        if n_out in {reference.output_size(n, f, s, p, ceil_mode) for ceil_mode in (False, True)}:
            sizes.append(n)
    return sizes


@pytest.mark.parametrize("n_out", [1, 2, 3, 5])
@pytest.mark.parametrize("f, s", [(1, 1), (2, 1), (2, 2), (3, 2), (2, 3), (3, 5), (5, 2)])
def test_allowed_output_sizes_are_the_lengths_that_pool_to_x(n_out, f, s):
    for p in range(f // 2 + 1):
        runs = _sizes_pooling_to(n_out, f, s, p)
        found = [n for first, last in runs for n in range(first, last + 1)]
        assert found == _sizes_by_trying_each(n_out, f, s, p), (n_out, f, s, p)


def test_a_huge_stride_is_checked_at_once():
    # the allowed sizes were found by trying every length in an interval of 2 * stride
    # (one window of 2 cells: any length from 2 to 2 + stride - 1 pools to it)
    got = max_unpool2d(np.ones((1, 1)), np.zeros((1, 1), int), 2, 2**31 - 1, output_size=(6, 6))
    expected = np.zeros((6, 6))
    expected[0, 0] = 1
    assert_array_equal(got, expected)
    with pytest.raises(ValueError, match=re.escape("(sizes 2 to 2147483648 do), got (1, 6)")):
        max_unpool2d(np.ones((1, 1)), np.zeros((1, 1), int), 2, 2**31 - 1, output_size=(1, 6))


@pytest.mark.parametrize("bad", [-1, 16])
def test_indices_must_lie_in_the_result(bad):
    idx = np.array([[0, 1], [2, bad]])
    with pytest.raises(ValueError, match=mentions("indices", bad)):
        max_unpool2d(ONES, idx, 2)


def test_index_fits_only_with_output_size():
    idx = np.array([[0, 1], [2, 20]])  # outside 4x4, inside 5x5
    with pytest.raises(ValueError, match=mentions("indices", 20)):
        max_unpool2d(ONES, idx, 2)
    assert max_unpool2d(ONES, idx, 2, output_size=(5, 5))[4, 0] == 1


def test_blocks_of_samples_give_the_same_result(monkeypatch):
    import pooling_lib.max_unpool as module

    rng = np.random.default_rng(6)
    values = rng.standard_normal((5, 3, 3, 2))
    idx = rng.integers(0, 36, size=values.shape)
    expected = naive_max_unpool2d(values, idx, 2)
    monkeypatch.setattr(module, "_BLOCK_ELEMENTS", 40)  # one sample per block
    assert_array_equal(max_unpool2d(values, idx, 2), expected)
