"""The seed post's names (poolingOverlap, asStride, unpooling, unpoolingAvg) with its bugs fixed.

Signatures are the post's; behaviour is the post's intent: pad=True keeps the partial windows at
the bottom/right edge, where the missing cells never win a maximum and do not count in a mean;
one position per window; overlapping windows add up; unpoolingAvg divides by f * f; no squeeze.
Every expected array is worked out by hand (or is the post's own printed output).
"""

import inspect

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from pooling_lib import asStride, poolingOverlap, unpooling, unpoolingAvg

nan = np.nan
X = np.arange(16).reshape(4, 4)  # X[r, c] = 4r + c
Y = np.arange(25).reshape(5, 5)  # Y[r, c] = 5r + c


def post_example():
    np.random.seed(100)
    mat = np.random.randint(0, 20, [6, 6])
    assert_array_equal(mat, [[8, 3, 7, 15, 16, 10],
                             [2, 2, 2, 14, 2, 17],
                             [16, 15, 4, 11, 16, 9],
                             [2, 12, 4, 1, 13, 19],
                             [4, 4, 3, 7, 17, 15],
                             [1, 14, 7, 16, 2, 9]])
    return mat


@pytest.mark.parametrize("fn, params", [
    (poolingOverlap, [("mat", inspect.Parameter.empty), ("f", inspect.Parameter.empty), ("stride", None),
                      ("method", "max"), ("pad", False), ("return_max_pos", False)]),
    (asStride, [("arr", inspect.Parameter.empty), ("sub_shape", inspect.Parameter.empty),
                ("stride", inspect.Parameter.empty)]),
    (unpooling, [("mat", inspect.Parameter.empty), ("pos", inspect.Parameter.empty),
                 ("ori_shape", inspect.Parameter.empty), ("stride", inspect.Parameter.empty)]),
    (unpoolingAvg, [("mat", inspect.Parameter.empty), ("f", inspect.Parameter.empty),
                    ("ori_shape", inspect.Parameter.empty)]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_signatures_are_the_posts(fn, params):
    sig = inspect.signature(fn)
    assert [(p.name, p.default) for p in sig.parameters.values()] == params
    assert all(p.kind == p.POSITIONAL_OR_KEYWORD for p in sig.parameters.values())
    assert fn.__doc__ and "Examples" in fn.__doc__


def test_the_posts_example_gives_the_posts_output():
    mat = post_example()
    po, pos = poolingOverlap(mat, 3, stride=3, pad=False, return_max_pos=True)
    assert_array_equal(po, [[16, 17], [14, 19]])
    assert po.shape == (2, 2)
    assert np.issubdtype(po.dtype, np.integer)
    assert pos.shape == (2, 2, 3, 3)
    assert_array_equal(pos[0, 0], [[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    assert_array_equal(pos[0, 1], [[0, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert_array_equal(pos[1, 0], [[0, 0, 0], [0, 0, 0], [0, 1, 0]])
    assert_array_equal(pos[1, 1], [[0, 0, 1], [0, 0, 0], [0, 0, 0]])
    unpo = unpooling(po, pos, mat.shape, 3)
    assert unpo.shape == (6, 6)
    assert_array_equal(unpo, [[0., 0., 0., 0., 0., 0.],
                              [0., 0., 0., 0., 0., 17.],
                              [16., 0., 0., 0., 0., 0.],
                              [0., 0., 0., 0., 0., 19.],
                              [0., 0., 0., 0., 0., 0.],
                              [0., 14., 0., 0., 0., 0.]])
    assert_array_equal(poolingOverlap(mat, 3), [[16, 17], [14, 19]])  # stride defaults to f


def test_mean_pooling():
    assert_array_equal(poolingOverlap(X, 2, method="mean"), [[2.5, 4.5], [10.5, 12.5]])
    assert_array_equal(poolingOverlap(X, 3, stride=1, method="mean"), [[5, 6], [9, 10]])


def test_overlapping_max_pooling():
    assert_array_equal(poolingOverlap(X, 3, stride=1), [[10, 11], [14, 15]])
    assert_array_equal(poolingOverlap(X, 2, 1), [[5, 6, 7], [9, 10, 11], [13, 14, 15]])


def test_without_pad_the_cells_past_the_last_full_window_are_left_out():
    assert_array_equal(poolingOverlap(Y, 2), [[6, 8], [16, 18]])
    assert_array_equal(poolingOverlap(Y, 2, method="mean"), [[3, 5], [13, 15]])


def test_pad_keeps_the_partial_windows():
    # Y is 5x5, f = 2: windows cover rows/cols {0,1}, {2,3} and the partial {4}
    assert_array_equal(poolingOverlap(Y, 2, pad=True), [[6, 8, 9], [16, 18, 19], [21, 23, 24]])
    # a mean divides by the real cells only: {0,1}x{4} -> (4 + 9) / 2, {4}x{4} -> 24 / 1
    assert_array_equal(poolingOverlap(Y, 2, method="mean", pad=True),
                       [[3, 5, 6.5], [13, 15, 16.5], [20.5, 22.5, 24]])
    # X is 4x4, f = 3, stride 2: rows/cols {0,1,2} and {2,3}
    assert_array_equal(poolingOverlap(X, 3, stride=2, pad=True), [[10, 11], [14, 15]])
    assert_array_equal(poolingOverlap(X, 3, stride=2, method="mean", pad=True), [[5, 6.5], [11, 12.5]])


def test_pad_adds_no_window_made_only_of_padding():
    out = poolingOverlap(np.arange(36).reshape(6, 6), 3, stride=3, pad=True)
    assert out.shape == (2, 2)
    assert_array_equal(out, [[14, 17], [32, 35]])
    out, pos = poolingOverlap(post_example(), 3, stride=3, pad=True, return_max_pos=True)
    assert_array_equal(out, [[16, 17], [14, 19]])
    assert pos.shape == (2, 2, 3, 3)


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.float32])
def test_pad_never_lets_padding_win(dtype):
    neg = (-1 - Y).astype(dtype)  # all negative
    out = poolingOverlap(neg, 2, pad=True)
    assert_array_equal(out, [[-1, -3, -5], [-11, -13, -15], [-21, -23, -25]])
    assert out.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pad_does_not_truncate_floats(dtype):
    frac = (Y / 8 - 10).astype(dtype)  # non-integer and negative values (the post padded with int 0)
    assert poolingOverlap(frac, 2, pad=True).dtype == dtype
    assert_array_equal(poolingOverlap(frac, 2, pad=True)[:, 2], np.array([9, 19, 24]) / 8 - 10)
    assert_array_equal(poolingOverlap(frac, 2, method="mean", pad=True)[2], np.array([20.5, 22.5, 24]) / 8 - 10)


def test_pad_masks_and_unpooling():
    out, pos = poolingOverlap(Y, 2, pad=True, return_max_pos=True)
    assert_array_equal(out, [[6, 8, 9], [16, 18, 19], [21, 23, 24]])
    assert pos.shape == (3, 3, 2, 2)
    assert_array_equal(pos.sum(axis=(2, 3)), np.ones((3, 3)))
    assert_array_equal(pos[0, 2], [[0, 0], [1, 0]])  # Y[1, 4] = 9; the column past the input is empty
    assert_array_equal(pos[2, 2], [[1, 0], [0, 0]])  # Y[4, 4] = 24, the only real cell
    back = unpooling(np.ones((3, 3)), pos, Y.shape, 2)
    expected = np.zeros((5, 5))
    expected[1, [1, 3, 4]] = expected[3, [1, 3, 4]] = expected[4, [1, 3, 4]] = 1
    assert_array_equal(back, expected)


def test_one_position_per_window_on_ties():
    zeros = np.zeros((4, 4))
    out, pos = poolingOverlap(zeros, 2, return_max_pos=True)
    assert_array_equal(out, np.zeros((2, 2)))
    assert_array_equal(pos, np.broadcast_to([[1, 0], [0, 0]], (2, 2, 2, 2)))
    back = unpooling(np.ones((2, 2)), pos, zeros.shape, 2)
    assert_array_equal(back, [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])


def test_unpooling_adds_overlapping_windows():
    x = np.zeros((3, 3))
    x[1, 1] = 1.0
    out, pos = poolingOverlap(x, 2, stride=1, return_max_pos=True)
    assert_array_equal(out, np.ones((2, 2)))
    back = unpooling(np.ones((2, 2)), pos, x.shape, 1)
    assert_array_equal(back, [[0, 0, 0], [0, 4, 0], [0, 0, 0]])


def test_unpooling_avg_divides_by_f_squared():
    assert_array_equal(unpoolingAvg(np.array([[4.0, 8.0], [12.0, 16.0]]), 2, (4, 4)),
                       [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    assert_array_equal(unpoolingAvg(np.full((2, 2), 9.0), 3, (6, 6)), np.ones((6, 6)))
    # the post's case: cells past the last full window get nothing
    assert_array_equal(unpoolingAvg(np.array([[4.0, 8.0], [12.0, 16.0]]), 2, (5, 5)),
                       [[1, 1, 2, 2, 0], [1, 1, 2, 2, 0], [3, 3, 4, 4, 0], [3, 3, 4, 4, 0], [0, 0, 0, 0, 0]])


def test_unpooling_avg_of_pad_true_partial_windows_divides_by_their_real_cells():
    # the gradient of poolingOverlap(Y, 2, method="mean", pad=True): the partial windows hold
    # 2 (edge) and 1 (corner) real cells
    grad = np.array([[4.0, 4.0, 2.0], [4.0, 4.0, 2.0], [2.0, 2.0, 1.0]])
    assert_array_equal(unpoolingAvg(grad, 2, (5, 5)), np.ones((5, 5)))


def test_unpooling_avg_is_the_gradient_of_mean_pooling():
    rng = np.random.default_rng(0)
    for shape, pad in [((6, 6), False), ((5, 7), False), ((5, 7), True), ((7, 5, 2), True)]:
        x = rng.standard_normal(shape)
        g = rng.standard_normal(poolingOverlap(x, 2, method="mean", pad=pad).shape)
        numeric = np.zeros_like(x)
        for k in range(x.size):
            plus, minus = x.copy(), x.copy()
            plus.flat[k] += 1e-3
            minus.flat[k] -= 1e-3
            numeric.flat[k] = (np.sum(g * poolingOverlap(plus, 2, method="mean", pad=pad))
                               - np.sum(g * poolingOverlap(minus, 2, method="mean", pad=pad))) / 2e-3
        analytic = unpoolingAvg(g, 2, shape)
        assert np.max(np.abs(analytic - numeric)) < 1e-6 * np.max(np.abs(numeric))


def test_no_squeeze():
    x = np.arange(16.0).reshape(4, 4, 1)
    out, pos = poolingOverlap(x, 2, return_max_pos=True)
    assert out.shape == (2, 2, 1)
    assert pos.shape == (2, 2, 2, 2, 1)
    back = unpooling(out, pos, x.shape, 2)
    assert back.shape == (4, 4, 1)
    assert_array_equal(back[..., 0], [[0, 0, 0, 0], [0, 5, 0, 7], [0, 0, 0, 0], [0, 13, 0, 15]])
    assert poolingOverlap(np.zeros((2, 2)), 2).shape == (1, 1)
    assert poolingOverlap(np.zeros((1, 2, 2, 1)), 2).shape == (1, 1, 1, 1)
    assert unpoolingAvg(np.ones((1, 1)), 2, (2, 2)).shape == (2, 2)


def test_nan_propagates():
    x = np.arange(16.0).reshape(4, 4)
    x[0, 0] = nan
    x[2:, 2:] = nan
    out, pos = poolingOverlap(x, 2, return_max_pos=True)
    assert_array_equal(out, [[nan, 7], [13, nan]])
    assert_array_equal(pos.sum(axis=(2, 3)), np.ones((2, 2)))
    assert_array_equal(pos[0, 0], [[1, 0], [0, 0]])
    assert_array_equal(pos[1, 1], [[0, 0], [0, 1]])  # the last NaN, as the index of pool()
    assert_array_equal(poolingOverlap(x, 2, method="mean"), [[nan, 4.5], [10.5, nan]])


def test_three_and_four_dimensional_arrays():
    x3 = np.stack([X, -X], axis=-1)
    out, pos = poolingOverlap(x3, 2, return_max_pos=True)
    assert_array_equal(out[..., 0], [[5, 7], [13, 15]])
    assert_array_equal(out[..., 1], [[0, -2], [-8, -10]])
    assert pos.shape == (2, 2, 2, 2, 2)
    assert_array_equal(pos[1, 1, ..., 1], [[1, 0], [0, 0]])
    x4 = np.stack([x3, x3 * 10])
    out4, pos4 = poolingOverlap(x4, 2, return_max_pos=True)
    assert out4.shape == (2, 2, 2, 2)
    assert pos4.shape == (2, 2, 2, 2, 2, 2)
    assert_array_equal(out4[1, ..., 0], [[50, 70], [130, 150]])
    back = unpooling(np.ones((2, 2, 2, 2)), pos4, x4.shape, 2)
    assert back.shape == x4.shape
    assert_array_equal(back[1, ..., 1], [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])
    avg = unpoolingAvg(np.full((2, 2, 2, 2), 4.0), 2, x4.shape)
    assert_array_equal(avg, np.ones(x4.shape))


def test_asstride_is_the_windows_view():
    v = asStride(X, (2, 2), 2)
    assert v.shape == (2, 2, 2, 2)
    assert_array_equal(v[1, 0], [[8, 9], [12, 13]])
    assert not v.flags.writeable
    assert np.shares_memory(v, X)
    v1 = asStride(X, (3, 3), 1)
    assert_array_equal(v1, reference.windows(X, 3, 1))
    x4 = np.arange(2 * 5 * 5 * 3).reshape(2, 5, 5, 3)
    v4 = asStride(x4, (2, 2), 2)
    assert v4.shape == (2, 2, 2, 2, 2, 3)
    assert_array_equal(v4, reference.windows(x4, 2, 2))


def test_unpooling_rejects_a_mask_that_does_not_fit():
    out, pos = poolingOverlap(X, 2, return_max_pos=True)
    with pytest.raises((ValueError, TypeError), match="pos"):
        unpooling(out, pos[:1], X.shape, 2)
    with pytest.raises((ValueError, TypeError), match="pos"):
        unpooling(out, pos[..., None], X.shape, 2)


@st.composite
def post_cases(draw):
    f = draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.integers(1, 4)))
    h, w = draw(st.integers(f, 8)), draw(st.integers(f, 8))
    shape = draw(st.sampled_from([(h, w), (h, w, 2), (2, h, w, 1)]))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.uint8]))
    x = draw(hnp.arrays(dtype, shape, elements=st.integers(0, 3)))  # ties everywhere
    return x, f, stride, draw(st.booleans())


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(post_cases())
def test_wrappers_match_the_reference(case):
    # pad=True is ceil_mode without padding; the post's stride is an int, None meaning f
    x, f, stride, pad = case
    s = f if stride is None else stride
    po, pos = poolingOverlap(x, f, stride, "max", pad, True)
    ref_out, ref_idx = reference.max_pool(x, f, s, 0, pad)
    assert_array_equal(po, ref_out)
    assert po.dtype == x.dtype
    assert_array_equal(pos, reference.max_mask(x, f, s, 0, pad))
    mean = poolingOverlap(x, f, stride, "mean", pad)
    np.testing.assert_allclose(mean, reference.mean_pool(x, f, s, 0, pad), rtol=1e-6)
    grad = np.arange(1.0, po.size + 1).reshape(po.shape)
    assert_array_equal(unpooling(grad, pos, x.shape, s), reference.unpool_max(grad, ref_idx, x.shape))


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(post_cases(), st.booleans())
def test_unpooling_avg_matches_the_reference(case, pass_stride):
    # the post's unpoolingAvg assumes stride == f; which windows exist follows from mat's shape
    x, f, _, pad = case
    po = poolingOverlap(x, f, f if pass_stride else None, "mean", pad)
    grad = np.arange(1.0, po.size + 1).reshape(po.shape)
    expected = reference.unpool_avg(grad, x.shape, f, f, 0, pad)  # pad=True: ceil_mode, no padding
    np.testing.assert_allclose(unpoolingAvg(grad, f, x.shape), expected, rtol=1e-12)
