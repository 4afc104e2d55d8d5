"""blur_pool (anti-aliased pooling, Zhang 2019) and its gradient: a naive loop written from the
definition, hand-computed arrays, finite differences and one test per error branch.

The definition (the reference implementation's MaxPool2d(f, stride=1) or AvgPool2d(f, stride=1),
then BlurPool(filt_size, stride)): pool densely; pad the pooled map by (filter_size - 1) // 2 cells
before and filter_size // 2 after, reflecting without repeating the edge cell; correlate with the
outer product of the normalised binomial row; keep rows and columns 0, stride, 2 * stride, ...
"""

import math
import re

import numpy as np
import pytest
import reference
from numpy.testing import assert_allclose, assert_array_equal

from pooling_lib import pool
from pooling_lib.blur import binomial_filter, blur_pool, blur_pool_backward
from pooling_lib.gradcheck import numerical_gradient

PASCAL = {1: [1], 2: [1, 1], 3: [1, 2, 1], 4: [1, 3, 3, 1], 5: [1, 4, 6, 4, 1],
          6: [1, 5, 10, 10, 5, 1], 7: [1, 6, 15, 20, 15, 6, 1]}


def reflect(i, n):
    """Index of the cell that padded position ``i`` (may be < 0 or >= n) copies, edge not repeated."""
    if i < 0:
        return -i
    if i >= n:
        return 2 * (n - 1) - i
    return i


def naive_blur_pool(x, f, stride, filter_size, method):
    """Plain loops over output cells and filter taps, from the definition above."""
    dense = reference.max_pool(x, f, 1)[0] if method == "max" else reference.mean_pool(x, f, 1)
    y = reference._as_batch(dense).astype(np.float64)
    m, h, w, c = y.shape
    sh, sw = reference.pair(stride)
    taps = [t / 2 ** (filter_size - 1) for t in PASCAL[filter_size]]
    before = (filter_size - 1) // 2
    ho, wo = math.ceil(h / sh), math.ceil(w / sw)
    out = np.zeros((m, ho, wo, c))
    for sample in range(m):
        for ch in range(c):
            for i in range(ho):
                for j in range(wo):
                    total = 0.0
                    for a in range(filter_size):
                        for b in range(filter_size):
                            row = reflect(i * sh + a - before, h)
                            col = reflect(j * sw + b - before, w)
                            total += taps[a] * taps[b] * y[sample, row, col, ch]
                    out[sample, i, j, ch] = total
    return reference._from_batch(out, np.ndim(x))


def mentions(name, value):
    """Regex: the message names the argument and shows the value received (any order)."""
    text = re.escape(value if isinstance(value, str) else repr(value))
    return rf"(?s)^(?=.*\b{re.escape(name)}\b)(?=.*(?<!\w){text}(?!\w))"


def tie_free(shape, seed):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) + rng.uniform(-0.25, 0.25, n)).reshape(shape)


# ------------------------------------------------------------------------ the filter
@pytest.mark.parametrize("size", range(1, 8))
def test_binomial_filter_is_pascals_row_normalised(size):
    assert_allclose(binomial_filter(size), np.array(PASCAL[size]) / 2 ** (size - 1), rtol=0, atol=0)


# ------------------------------------------------------------------------ hand-computed arrays
X = np.arange(16.).reshape(4, 4)


def test_default_blur_pool_by_hand():
    # pool(X, 2, 1) = 4i + j + 5 on 3x3; the [1 3 3 1]/8 filter with pads (1, 2) gives
    # (3 y0 + 4 y1 + y2) / 8 and (y0 + 4 y1 + 3 y2) / 8 per axis: offsets 0.75 and 1.25 per step
    assert_array_equal(blur_pool(X), [[8.75, 9.25], [10.75, 11.25]])


def test_two_taps_by_hand():
    # [1 1]/2, padded 0 before and 1 after: row 2 copies row 0, column 2 copies column 0
    x = np.array([[1., 2.], [3., 4.]])
    assert_array_equal(blur_pool(x, 1, 1, filter_size=2), [[2.5, 2.5], [2.5, 2.5]])
    assert_array_equal(blur_pool(x, 1, 2, filter_size=2), [[2.5]])


def test_three_taps_mean_by_hand():
    # mean 2/1 gives 4i + j + 2.5; [1 2 1]/4 keeps the inside and moves an edge cell half a step in
    assert_array_equal(blur_pool(X, 2, 1, filter_size=3, method="mean"),
                       [[5., 5.5, 6.], [7., 7.5, 8.], [9., 9.5, 10.]])


def test_filter_size_one_is_dense_pooling_subsampled():
    x = tie_free((2, 7, 6, 3), 1)
    assert_array_equal(blur_pool(x, 3, 2, filter_size=1), pool(x, 3, 1)[:, ::2, ::2])


def test_constant_input_stays_constant():
    assert_allclose(blur_pool(np.full((9, 8), 3.0), 2, 3, filter_size=7), np.full((3, 3), 3.0))


def test_shift_changes_blur_pool_less_than_pool():
    stripes = np.tile([0., 0., 1., 1.], (8, 4))
    shifted = np.roll(stripes, 1, axis=1)
    assert np.abs(pool(stripes, 2) - pool(shifted, 2)).mean() == 0.5
    assert np.abs(blur_pool(stripes) - blur_pool(shifted)).mean() == 0.0625


def test_nan_propagates():
    x = np.zeros((12, 12))
    x[1, 1] = np.nan
    out = blur_pool(x)
    assert np.isnan(out).any() and not np.isnan(out).all()


def test_dtypes():
    assert blur_pool(np.ones((4, 4), np.float32)).dtype == np.float32
    assert blur_pool(np.ones((4, 4), np.float16)).dtype == np.float32
    assert blur_pool(np.ones((4, 4), np.int32)).dtype == np.float64
    assert_array_equal(blur_pool(X.astype(">f8")), blur_pool(X))
    assert blur_pool(X.astype(">f8")).dtype == np.float64


def test_input_is_not_modified():
    x = tie_free((5, 5, 2), 3)
    x0 = x.copy()
    g = np.ones(blur_pool(x).shape)
    blur_pool_backward(g, x)
    assert_array_equal(x, x0)


# ------------------------------------------------------------------------ naive loop
CASES = [
    # shape, f, stride, filter_size, method
    ((6, 6), 2, 2, 4, "max"),
    ((7, 9), 3, 2, 5, "max"),
    ((5, 8, 2), (1, 2), (2, 3), 3, "mean"),
    ((2, 9, 7, 3), 2, 2, 7, "max"),
    ((2, 6, 5, 1), 1, 1, 2, "mean"),
    ((5, 7), 1, 3, 6, "max"),
]


@pytest.mark.parametrize("shape, f, stride, filter_size, method", CASES)
def test_matches_naive_loop(shape, f, stride, filter_size, method):
    x = tie_free(shape, sum(shape))
    assert_allclose(blur_pool(x, f, stride, filter_size=filter_size, method=method),
                    naive_blur_pool(x, f, stride, filter_size, method), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("filter_size", range(1, 8))
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_every_filter_size_matches_naive_loop(filter_size, stride):
    x = tie_free((1, 9, 10, 2), filter_size + 10 * stride).astype(np.float32)
    assert_allclose(blur_pool(x, 2, stride, filter_size=filter_size),
                    naive_blur_pool(x, 2, stride, filter_size, "max"), rtol=1e-5, atol=1e-4)


def test_smallest_map_reflect_accepts():
    # filter 7 pads 3 after: the pooled map needs 4 rows and columns
    x = tie_free((5, 5), 4)
    assert_allclose(blur_pool(x, 2, 2, filter_size=7), naive_blur_pool(x, 2, 2, 7, "max"), rtol=1e-12)


# ------------------------------------------------------------------------ gradient
GRAD_CASES = [
    ((6, 6), 2, 2, 4, "max"),
    ((7, 8), 3, 2, 3, "max"),
    ((7, 8), 3, (2, 1), 5, "mean"),
    ((6, 5, 2), (2, 1), 3, 2, "max"),
    ((2, 5, 6, 2), 2, 1, 1, "mean"),
    ((1, 8, 8, 1), 2, 2, 7, "max"),
    ((1, 9, 8, 1), 2, 3, 6, "mean"),
]


@pytest.mark.parametrize("shape, f, stride, filter_size, method", GRAD_CASES)
def test_backward_matches_finite_differences(shape, f, stride, filter_size, method):
    x = tie_free(shape, 7 + sum(shape))
    out = blur_pool(x, f, stride, filter_size=filter_size, method=method)
    g = np.random.default_rng(1).standard_normal(out.shape)
    numeric = numerical_gradient(
        lambda a: blur_pool(a, f, stride, filter_size=filter_size, method=method), x, g)
    analytic = blur_pool_backward(g, x, f, stride, filter_size=filter_size, method=method)
    assert analytic.shape == x.shape
    assert np.any(numeric != 0)
    assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)


def test_backward_by_hand():
    # each axis: padded gradient [1 3 4 4 3 1]/8 folds back to [4 8 4]/8; max 2/1 of an increasing
    # array sends each pooled cell to its window's bottom-right cell
    expected = np.zeros((4, 4))
    expected[1:, 1:] = np.outer([0.5, 1, 0.5], [0.5, 1, 0.5])
    assert_array_equal(blur_pool_backward(np.ones((2, 2)), X), expected)


def test_backward_is_the_adjoint_of_the_linear_mean_path():
    # mean pooling then blurring is linear: <g, B x> == <B^T g, x>
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 9, 7, 3))
    g = rng.standard_normal(blur_pool(x, 3, 2, method="mean").shape)
    lhs = np.sum(g * blur_pool(x, 3, 2, method="mean"))
    rhs = np.sum(blur_pool_backward(g, x, 3, 2, method="mean") * x)
    assert math.isclose(lhs, rhs, rel_tol=1e-12)


def test_backward_dtype():
    x = tie_free((6, 6), 0).astype(np.float32)
    assert blur_pool_backward(np.ones((3, 3), np.float32), x).dtype == np.float32
    assert blur_pool_backward(np.ones((3, 3)), x).dtype == np.float64


# ------------------------------------------------------------------------ errors, one per branch
def test_x_must_be_numeric():
    with pytest.raises(TypeError, match=r"\bx\b"):
        blur_pool([["a", "b"], ["c", "d"]])


def test_x_must_have_2_to_4_dimensions():
    with pytest.raises(ValueError, match=r"\bx\b.*1 dimensions"):
        blur_pool(np.ones(5))


def test_method_must_be_max_or_mean():
    with pytest.raises(ValueError, match=mentions("method", "median")):
        blur_pool(X, method="median")


@pytest.mark.parametrize("stride, error", [(0, ValueError), (1.5, TypeError), ((1, 2, 3), TypeError)])
def test_stride_is_checked(stride, error):
    with pytest.raises(error, match=mentions("stride", stride)):
        blur_pool(X, 2, stride)


@pytest.mark.parametrize("f, error", [(0, ValueError), ("2", TypeError)])
def test_f_is_checked(f, error):
    with pytest.raises(error, match=mentions("f", f)):
        blur_pool(X, f)


def test_f_must_fit_in_x():
    with pytest.raises(ValueError, match=mentions("f", 5)):
        blur_pool(X, (5, 1), filter_size=1)


@pytest.mark.parametrize("size, error", [(0, ValueError), (8, ValueError), (4.0, TypeError), (True, TypeError)])
def test_filter_size_is_checked(size, error):
    with pytest.raises(error, match=mentions("filter_size", size)):
        blur_pool(X, filter_size=size)


@pytest.mark.parametrize("shape, f, filter_size, axis", [
    ((4, 8), 2, 7, "rows"),       # pooled 3 rows, filter 7 pads 3 after
    ((8, 2), 2, 2, "columns"),    # pooled 1 column, filter 2 pads 1 after
    ((3, 3), 2, 4, "rows"),       # pooled 2x2, filter 4 pads 2 after
])
def test_pooled_map_too_small_to_reflect(shape, f, filter_size, axis):
    with pytest.raises(ValueError, match=mentions("filter_size", filter_size)) as info:
        blur_pool(np.ones(shape), f, filter_size=filter_size)
    assert axis in str(info.value) and repr(shape) in str(info.value)
    with pytest.raises(ValueError, match=mentions("filter_size", filter_size)):
        blur_pool_backward(np.ones((1, 1)), np.ones(shape), f, filter_size=filter_size)


def test_one_pooled_row_without_padding_is_fine():
    assert blur_pool(np.arange(6.).reshape(2, 3), 2, 1, filter_size=1).shape == (1, 2)


def test_grad_must_have_the_output_shape():
    with pytest.raises(ValueError, match=mentions("grad", (3, 2))):
        blur_pool_backward(np.ones((3, 2)), X)


def test_grad_must_be_numeric():
    with pytest.raises(TypeError, match=r"\bgrad\b"):
        blur_pool_backward([["a", "b"], ["c", "d"]], X)


def test_backward_method_is_checked():
    with pytest.raises(ValueError, match=mentions("method", "min")):
        blur_pool_backward(np.ones((2, 2)), X, method="min")
