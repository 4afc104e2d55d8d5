"""Property tests: pooling_lib against the naive loops of tests/reference.py on random cases.

Random shapes (2-D, 3-D, 4-D), window sizes, strides (overlapping, touching and gapped), padding
up to half the window, ceil_mode, count_include_pad; every supported dtype; integer-valued data
drawn from a tiny range so that ties are everywhere; the dtype's extremes, infinities and NaNs;
and inputs that are Fortran-ordered, reversed or non-contiguous views. The reference is never the
code under test, and the library's own output is never used as an expected value.
"""

from dataclasses import dataclass
from unittest import mock

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from pooling_lib import _kernels, max_mask, pool, unpool_avg, unpool_max, windows

# Explicit settings rather than a profile in tests/conftest.py: with --doctest-modules, a
# tests/conftest.py clashes with tests/browser/conftest.py (both are imported as "conftest").
# 600 examples per test keeps the whole property run at several thousand cases in seconds.
PROPERTY = settings(max_examples=600, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FLOATS = [np.float16, np.float32, np.float64]
INTS = [np.int8, np.int32, np.int64, np.uint8]
DTYPES = FLOATS + INTS


@dataclass(frozen=True)
class Geometry:
    shape: tuple
    f: object
    stride: object
    padding: object
    ceil_mode: bool

    @property
    def out_shape(self):
        fh, fw = reference.pair(self.f)
        sh, sw = (fh, fw) if self.stride is None else reference.pair(self.stride)
        ph, pw = reference.pair(self.padding)
        ho = reference.output_size(self.spatial[0], fh, sh, ph, self.ceil_mode)
        wo = reference.output_size(self.spatial[1], fw, sw, pw, self.ceil_mode)
        if len(self.shape) == 2:
            return (ho, wo)
        if len(self.shape) == 3:
            return (ho, wo, self.shape[2])
        return (self.shape[0], ho, wo, self.shape[3])

    @property
    def spatial(self):
        return self.shape[1:3] if len(self.shape) == 4 else self.shape[:2]


def _int_or_pair(draw, a, b):
    """``a`` as an int when both sides agree (sometimes still as a pair), else ``(a, b)``."""
    if a == b and draw(st.booleans()):
        return a
    return (a, b)


@st.composite
def geometries(draw, padded=True, max_hw=8):
    ndim = draw(st.sampled_from([2, 3, 4]))
    fh = draw(st.integers(1, 4))
    fw = fh if draw(st.booleans()) else draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["none", "int", "pair"]))
    if kind == "none":
        stride = None
    elif kind == "int":
        stride = draw(st.integers(1, 4))
    else:
        stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    if padded:
        ph, pw = draw(st.integers(0, fh // 2)), draw(st.integers(0, fw // 2))
        ceil_mode = draw(st.booleans())
    else:
        ph = pw = 0
        ceil_mode = False
    h = draw(st.integers(max(1, fh - 2 * ph), max_hw))
    w = draw(st.integers(max(1, fw - 2 * pw), max_hw))
    if ndim == 2:
        shape = (h, w)
    elif ndim == 3:
        shape = (h, w, draw(st.integers(1, 3)))
    else:
        shape = (draw(st.integers(1, 2)), h, w, draw(st.integers(1, 3)))
    return Geometry(shape, _int_or_pair(draw, fh, fw), stride, _int_or_pair(draw, ph, pw), ceil_mode)


def elements(dtype, *, nans, extremes):
    """Mostly tiny integers (ties everywhere), plus other values of the dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        finfo = np.finfo(dtype)
        small = st.integers(-3, 3).map(float)
        bound = 1e3 if dtype == np.float16 else 1e6
        anything = st.floats(-bound, bound, width=finfo.bits)
        special = [np.inf, -np.inf, -0.0]
        if nans:
            special.append(np.nan)
        if extremes:
            special += [float(finfo.max), -float(finfo.max), float(finfo.tiny), float(finfo.smallest_subnormal)]
        return st.one_of(small, small, small, anything, st.sampled_from(special))
    iinfo = np.iinfo(dtype)
    small = st.integers(max(iinfo.min, -3), min(iinfo.max, 6 if iinfo.min == 0 else 3))
    anything = st.integers(iinfo.min, iinfo.max)
    if extremes:
        return st.one_of(small, small, small, anything, st.sampled_from([iinfo.min, iinfo.max]))
    return st.one_of(small, small, small, anything)


def relayout(x, layout):
    """The same values as ``x`` in another memory layout."""
    if layout == "F":
        return np.asfortranarray(x)
    if layout == "reversed":
        return np.flip(np.flip(x).copy())  # negative strides
    if layout == "gapped":
        return np.stack([x, np.zeros_like(x)], axis=-1)[..., 0]  # non-contiguous
    return x


@st.composite
def cases(draw, dtypes=DTYPES, padded=True, extremes=True):
    geom = draw(geometries(padded=padded))
    dtype = draw(st.sampled_from(dtypes))
    nans = draw(st.booleans())
    x = draw(hnp.arrays(dtype, geom.shape, elements=elements(dtype, nans=nans, extremes=extremes)))
    x = relayout(x, draw(st.sampled_from(["C", "F", "reversed", "gapped"])))
    return x, geom


def assert_unchanged(x, x_copy):
    assert_array_equal(x, x_copy)
    assert x.dtype == x_copy.dtype


@PROPERTY
@given(cases(), st.sampled_from([0, _kernels._GATHER_MAX_CELLS]))
def test_max_pool_matches_reference(case, gather_max_cells):
    # gather_max_cells=0 sends even tiny inputs through the block kernel that big batches use
    x, g = case
    x_copy = x.copy()
    with mock.patch.object(_kernels, "_GATHER_MAX_CELLS", gather_max_cells):
        out, idx = pool(x, g.f, g.stride, method="max", padding=g.padding, ceil_mode=g.ceil_mode,
                        return_indices=True)
        plain = pool(x, g.f, g.stride, padding=g.padding, ceil_mode=g.ceil_mode)
    ref_out, ref_idx = reference.max_pool(x, g.f, g.stride, g.padding, g.ceil_mode)
    assert out.dtype == x.dtype
    assert out.shape == idx.shape == ref_out.shape == g.out_shape
    assert_array_equal(out, ref_out)  # exact; NaN where the reference has NaN
    assert np.issubdtype(idx.dtype, np.integer)
    assert_array_equal(idx, ref_idx)
    assert_array_equal(plain, ref_out)
    assert_unchanged(x, x_copy)


@PROPERTY
@given(cases())
def test_max_mask_matches_reference(case):
    x, g = case
    x_copy = x.copy()
    mask = max_mask(x, g.f, g.stride, padding=g.padding, ceil_mode=g.ceil_mode)
    expected = reference.max_mask(x, g.f, g.stride, g.padding, g.ceil_mode)
    assert mask.shape == expected.shape
    assert_array_equal(mask, expected)
    window_axes = (2, 3) if x.ndim < 4 else (3, 4)
    assert_array_equal(mask.sum(axis=window_axes), np.ones(g.out_shape))  # one 1 per window
    assert_unchanged(x, x_copy)


def _mean_tolerance(out_dtype, g):
    """Error allowed relative to the mean of |x| over the window."""
    fh, fw = reference.pair(g.f)
    if out_dtype == np.float16:
        return 1e-3  # rounding to float16 alone costs up to 4.9e-4
    return (fh * fw + 2) * np.finfo(out_dtype).eps


def assert_close_to_reference(out, ref, scale, rtol, atol):
    out64 = out.astype(np.float64)
    assert_array_equal(np.isnan(out64), np.isnan(ref), err_msg="NaN positions differ")
    infinite = np.isinf(ref)
    assert_array_equal(out64[infinite], ref[infinite], err_msg="infinite values differ")
    finite = np.isfinite(ref)
    err = np.abs(out64[finite] - ref[finite])
    bound = rtol * scale[finite] + atol
    assert np.all(err <= bound), (
        f"max error {np.max(err - bound, initial=0)} above the bound; got {out}, expected {ref}")


@PROPERTY
@given(cases(extremes=False), st.booleans())
def test_mean_pool_matches_reference(case, count_include_pad):
    x, g = case
    x_copy = x.copy()
    out = pool(x, g.f, g.stride, method="mean", padding=g.padding, ceil_mode=g.ceil_mode,
               count_include_pad=count_include_pad)
    expected_dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    assert out.dtype == expected_dtype
    assert out.shape == g.out_shape
    ref = reference.mean_pool(x, g.f, g.stride, g.padding, g.ceil_mode, count_include_pad)
    scale = reference.mean_pool(np.abs(x.astype(np.float64)), g.f, g.stride, g.padding, g.ceil_mode,
                                count_include_pad)
    assert_close_to_reference(out, ref, scale, _mean_tolerance(expected_dtype, g),
                              np.finfo(expected_dtype).smallest_subnormal)
    assert_unchanged(x, x_copy)


@PROPERTY
@given(cases(dtypes=[np.int64], extremes=True), st.booleans())
def test_integer_mean_with_the_dtypes_extremes(case, count_include_pad):
    x, g = case
    for dtype in INTS:
        xi = np.clip(x, np.iinfo(dtype).min, np.iinfo(dtype).max).astype(dtype)
        out = pool(xi, g.f, g.stride, method="mean", padding=g.padding, ceil_mode=g.ceil_mode,
                   count_include_pad=count_include_pad)
        assert out.dtype == np.float64
        ref = reference.mean_pool(xi, g.f, g.stride, g.padding, g.ceil_mode, count_include_pad)
        scale = reference.mean_pool(np.abs(xi.astype(np.float64)), g.f, g.stride, g.padding,
                                    g.ceil_mode, count_include_pad)
        assert_close_to_reference(out, ref, scale, _mean_tolerance(np.float64, g), 0.0)


@st.composite
def unpool_max_cases(draw):
    geom = draw(geometries())
    gdtype = draw(st.sampled_from([np.float64, np.float32, np.float16, np.int32]))
    # small integers: every sum is exact in every dtype, so the comparison can be exact
    grad = draw(hnp.arrays(gdtype, geom.out_shape, elements=st.integers(-4, 4)))
    h, w = geom.spatial
    idtype = draw(st.sampled_from([np.int64, np.int32, np.intp, np.uint8]))  # h * w <= 64
    if draw(st.booleans()):
        # indices as max pooling of a tie-heavy array produces them
        x = draw(hnp.arrays(np.int8, geom.shape, elements=st.integers(0, 2)))
        indices = reference.max_pool(x, geom.f, geom.stride, geom.padding, geom.ceil_mode)[1]
        indices = indices.astype(idtype)
    else:
        # any valid flat positions: many collisions
        indices = draw(hnp.arrays(idtype, geom.out_shape, elements=st.integers(0, h * w - 1)))
    grad = relayout(grad, draw(st.sampled_from(["C", "F", "reversed", "gapped"])))
    return grad, indices, geom


@PROPERTY
@given(unpool_max_cases())
def test_unpool_max_matches_reference(case):
    grad, indices, g = case
    grad_copy, indices_copy = grad.copy(), indices.copy()
    result = unpool_max(grad, indices, g.shape)
    expected = reference.unpool_max(grad, indices, g.shape)
    assert result.shape == g.shape
    assert np.issubdtype(result.dtype, np.floating)
    if grad.dtype.kind == "f":
        assert result.dtype == grad.dtype
    assert_array_equal(result, expected)
    assert_unchanged(grad, grad_copy)
    assert_unchanged(indices, indices_copy)


@st.composite
def unpool_avg_cases(draw):
    geom = draw(geometries())
    gdtype = draw(st.sampled_from([np.float64, np.float32]))
    values = st.one_of(st.integers(-4, 4).map(float), st.floats(-1e3, 1e3, width=32))
    grad = draw(hnp.arrays(gdtype, geom.out_shape, elements=values))
    grad = relayout(grad, draw(st.sampled_from(["C", "F", "reversed", "gapped"])))
    return grad, geom, draw(st.booleans())


@PROPERTY
@given(unpool_avg_cases())
def test_unpool_avg_matches_reference(case):
    grad, g, count_include_pad = case
    grad_copy = grad.copy()
    result = unpool_avg(grad, g.shape, g.f, g.stride, padding=g.padding, ceil_mode=g.ceil_mode,
                        count_include_pad=count_include_pad)
    expected = reference.unpool_avg(grad, g.shape, g.f, g.stride, g.padding, g.ceil_mode,
                                    count_include_pad)
    scale = reference.unpool_avg(np.abs(grad.astype(np.float64)), g.shape, g.f, g.stride, g.padding,
                                 g.ceil_mode, count_include_pad)
    assert result.shape == g.shape
    assert result.dtype == grad.dtype
    # each cell adds at most ceil(f / s) ** 2 shares, each rounded once
    finfo = np.finfo(grad.dtype)
    assert_close_to_reference(result, expected, scale, 40 * finfo.eps, 40 * finfo.smallest_subnormal)
    assert_unchanged(grad, grad_copy)


@PROPERTY
@given(cases(padded=False))
def test_windows_matches_reference(case):
    x, g = case
    x_copy = x.copy()
    view = windows(x, g.f, g.stride)
    expected = reference.windows(x, g.f, g.stride)
    assert view.shape == expected.shape
    assert view.dtype == x.dtype
    assert_array_equal(view, expected)
    assert not view.flags.writeable
    assert np.shares_memory(view, x)  # a view, not a copy
    assert_unchanged(x, x_copy)


# Big batches: large enough for an implementation to split the work (over threads or chunks);
# checked against the per-position reference, with ties everywhere (values in -3..3).
BIG = [((9, 64, 64, 32), 2, 2, 0, False), ((9, 64, 64, 32), 3, 2, 1, True), ((5, 70, 66, 33), 3, 1, 0, False),
       ((3, 256, 256, 8), (3, 2), (2, 3), (1, 1), True)]


@pytest.mark.parametrize("dtype", [np.float32, np.int8])
@pytest.mark.parametrize("shape, f, stride, padding, ceil_mode", BIG)
def test_big_batches_match_the_per_position_reference(shape, f, stride, padding, ceil_mode, dtype):
    rng = np.random.default_rng(sum(shape))
    x = rng.integers(-3, 4, shape).astype(dtype)
    if dtype == np.int8:
        x = relayout(x, "reversed")  # negative strides
    x_copy = x.copy()
    ref_out, ref_idx, ref_mean = reference.pool_by_positions(x, f, stride, padding, ceil_mode)
    out, idx = pool(x, f, stride, padding=padding, ceil_mode=ceil_mode, return_indices=True)
    assert out.dtype == dtype
    assert_array_equal(out, ref_out)
    assert_array_equal(idx, ref_idx)
    assert_array_equal(max_mask(x, f, stride, padding=padding, ceil_mode=ceil_mode).sum(axis=(3, 4)),
                       np.ones(out.shape))
    mean = pool(x, f, stride, method="mean", padding=padding, ceil_mode=ceil_mode)
    assert mean.dtype == (np.float32 if dtype == np.float32 else np.float64)
    np.testing.assert_allclose(mean, ref_mean, rtol=0, atol=3 * 20 * np.finfo(mean.dtype).eps)
    assert_unchanged(x, x_copy)

    grad = rng.integers(-4, 5, out.shape).astype(np.float32)
    ref_max, ref_avg = reference.unpool_by_positions(grad, ref_idx, shape, f, stride, padding, ceil_mode)
    assert_array_equal(unpool_max(grad, ref_idx, shape), ref_max)  # small integers: exact sums
    back_avg = unpool_avg(grad, shape, f, stride, padding=padding, ceil_mode=ceil_mode)
    np.testing.assert_allclose(back_avg, ref_avg, rtol=0, atol=4 * 20 * np.finfo(np.float32).eps)
