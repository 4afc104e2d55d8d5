"""Finite-difference checks: unpool_max and unpool_avg are the gradients of max and mean pooling.

For L(x) = sum(g * pool(x)), dL/dx must equal unpool_max(g, indices, x.shape) (max) or
unpool_avg(g, x.shape, ...) (mean). The inputs are float64 and tie-free (a shuffled arange plus
a small jitter, so neighbouring values differ by at least 0.5), so max pooling is linear around
x and a central difference with step 1e-3 is exact up to rounding.

The forward pass is pooling_lib.pool (the pair pool/unpool must be consistent) and, for a set of
fixed cases, also the naive reference, so the gradient is pinned to the definition itself.
"""

import numpy as np
import pytest
import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pooling_lib import pool, unpool_avg, unpool_max

# Explicit settings rather than a profile in tests/conftest.py: with --doctest-modules, a
# tests/conftest.py clashes with tests/browser/conftest.py (both are imported as "conftest").
# 300 examples per test keeps the whole property run at several thousand cases in seconds.
PROPERTY = settings(max_examples=300, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

STEP = 1e-3
RTOL = 1e-6


def tie_free(shape, seed):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) + rng.uniform(-0.25, 0.25, n)).reshape(shape).astype(np.float64)


def assert_same_gradient(analytic, numeric):
    assert analytic.shape == numeric.shape
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)), 1e-300)
    rel = np.max(np.abs(analytic - numeric)) / scale
    assert rel < RTOL, f"relative error {rel:.2e}\nanalytic:\n{analytic}\nnumeric:\n{numeric}"
    assert np.any(numeric != 0)  # the check is not vacuous


def lib_forward(method, f, stride, padding, ceil_mode, count_include_pad):
    def forward(x):
        return pool(x, f, stride, method=method, padding=padding, ceil_mode=ceil_mode,
                    count_include_pad=count_include_pad)
    return forward


def ref_forward(method, f, stride, padding, ceil_mode, count_include_pad):
    def forward(x):
        if method == "max":
            return reference.max_pool(x, f, stride, padding, ceil_mode)[0]
        return reference.mean_pool(x, f, stride, padding, ceil_mode, count_include_pad)
    return forward


def check_max_gradient(forward_factory, shape, f, stride, padding, ceil_mode, seed):
    x = tie_free(shape, seed)
    forward = forward_factory("max", f, stride, padding, ceil_mode, True)
    out, idx = pool(x, f, stride, padding=padding, ceil_mode=ceil_mode, return_indices=True)
    g = np.random.default_rng(seed + 1).standard_normal(out.shape)
    analytic = unpool_max(g, idx, x.shape)
    numeric = reference.finite_differences(lambda z: np.sum(g * forward(z)), x, STEP)
    assert_same_gradient(analytic, numeric)


def check_mean_gradient(forward_factory, shape, f, stride, padding, ceil_mode, count_include_pad, seed):
    x = tie_free(shape, seed)
    forward = forward_factory("mean", f, stride, padding, ceil_mode, count_include_pad)
    out_shape = forward(x).shape
    g = np.random.default_rng(seed + 1).standard_normal(out_shape)
    analytic = unpool_avg(g, x.shape, f, stride, padding=padding, ceil_mode=ceil_mode,
                          count_include_pad=count_include_pad)
    numeric = reference.finite_differences(lambda z: np.sum(g * forward(z)), x, STEP)
    assert_same_gradient(analytic, numeric)


# (shape, f, stride, padding, ceil_mode)
CASES = [
    ((4, 4), 2, None, 0, False),  # touching windows
    ((5, 5), 3, 1, 0, False),  # heavily overlapping windows
    ((6, 5), 3, 2, 1, False),  # overlap + padding
    ((5, 5), 2, None, 0, True),  # ceil_mode: partial windows at the edge
    ((7, 6, 2), (3, 2), (2, 1), (1, 1), True),  # rectangular, overlap, padding, ceil_mode, channels
    ((2, 5, 5, 2), 3, 2, 1, True),  # batch, padding and ceil_mode together
    ((7, 7), 2, 3, 0, False),  # gapped windows: some cells get no gradient
    ((6, 6), 4, 1, 2, True),  # big padding: windows mostly padding at the corners
]
IDS = [f"{shape}-f{f}-s{s}-p{p}-ceil{c}" for shape, f, s, p, c in CASES]
FORWARDS = pytest.mark.parametrize("forward_factory", [lib_forward, ref_forward],
                                   ids=["lib-forward", "reference-forward"])


@FORWARDS
@pytest.mark.parametrize("shape, f, stride, padding, ceil_mode", CASES, ids=IDS)
def test_unpool_max_is_the_gradient_of_max_pooling(forward_factory, shape, f, stride, padding, ceil_mode):
    check_max_gradient(forward_factory, shape, f, stride, padding, ceil_mode, seed=len(IDS))


@FORWARDS
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("shape, f, stride, padding, ceil_mode", CASES, ids=IDS)
def test_unpool_avg_is_the_gradient_of_mean_pooling(forward_factory, shape, f, stride, padding, ceil_mode,
                                                    count_include_pad):
    check_mean_gradient(forward_factory, shape, f, stride, padding, ceil_mode, count_include_pad, seed=3)


def test_overlapping_maximum_gets_the_sum_of_its_windows_gradients():
    # the centre of a 3x3 input is the maximum of all four 2x2 windows (stride 1)
    x = np.array([[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]])
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    _, idx = pool(x, 2, stride=1, return_indices=True)
    numeric = reference.finite_differences(lambda z: np.sum(g * pool(z, 2, stride=1)), x, STEP)
    analytic = unpool_max(g, idx, x.shape)
    assert_same_gradient(analytic, numeric)
    np.testing.assert_allclose(numeric[1, 1], 10.0, rtol=1e-9)


@st.composite
def gradient_cases(draw):
    ndim = draw(st.sampled_from([2, 3, 4]))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, fh // 2)), draw(st.integers(0, fw // 2))
    h = draw(st.integers(max(1, fh - 2 * ph), 6))
    w = draw(st.integers(max(1, fw - 2 * pw), 6))
    shape = {2: (h, w), 3: (h, w, 2), 4: (2, h, w, 1)}[ndim]
    f = fh if fh == fw else (fh, fw)
    stride = None if draw(st.booleans()) else (sh, sw)
    return (shape, f, stride, (ph, pw), draw(st.booleans()), draw(st.booleans()),
            draw(st.integers(0, 2**32 - 1)))


@PROPERTY
@given(gradient_cases())
def test_random_geometries_gradients(case):
    shape, f, stride, padding, ceil_mode, count_include_pad, seed = case
    check_max_gradient(lib_forward, shape, f, stride, padding, ceil_mode, seed)
    check_mean_gradient(lib_forward, shape, f, stride, padding, ceil_mode, count_include_pad, seed)
