"""Bad input: one test per error branch, and inputs that are never modified.

Every error must be a ValueError or TypeError whose message names the argument and shows the value
received; the patterns below check exactly that (both, in any order), not the wording.
An IndexError from deep inside, or no error at all, fails these tests.
"""

import re

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from pooling_lib import (
    asStride,
    max_mask,
    output_size,
    pool,
    poolingOverlap,
    unpool_avg,
    unpool_max,
    unpooling,
    unpoolingAvg,
    windows,
)

BAD_INPUT = (ValueError, TypeError)
X = np.arange(16.0).reshape(4, 4)


def _value_pattern(text):
    return rf"(?<!\w){re.escape(text)}(?!\w)"


def _both(name, text):
    return rf"^(?=.*\b{re.escape(name)}\b)(?=.*{_value_pattern(text)})"


def mentions(name, value, *, raw=False):
    """Regex: the message contains the word ``name`` and ``repr(value)`` (or ``value`` if ``raw``)."""
    return "(?s)" + _both(name, value if raw else repr(value))


def mentions_any(*alternatives):
    """Regex: one of the ``(name, value_text)`` alternatives is mentioned (name and value together)."""
    return "(?s)" + "|".join(f"(?:{_both(name, text)})" for name, text in alternatives)


# ----------------------------------------------------------------------------------------------
# f, stride, padding: shared by every function that takes them
# ----------------------------------------------------------------------------------------------

CALLERS = {
    "pool-max": lambda **kw: pool(X, **{"f": 2, **kw}),
    "pool-mean": lambda **kw: pool(X, **{"f": 2, "method": "mean", **kw}),
    "max_mask": lambda **kw: max_mask(X, **{"f": 2, **kw}),
    "unpool_avg": lambda **kw: unpool_avg(np.ones((2, 2)), (4, 4), **{"f": 2, **kw}),
    "windows": lambda **kw: windows(X, **{"f": 2, **kw}),
}
ALL = list(CALLERS)
PADDED = ["pool-max", "pool-mean", "max_mask", "unpool_avg"]

# (argument, bad value, value text the message must show)
BAD_GEOMETRY = [
    ("f", 0, "0"),
    ("f", -1, "-1"),
    ("f", 2.0, "2.0"),
    ("f", 2.5, "2.5"),
    ("f", "2", "'2'"),
    ("f", None, "None"),
    ("f", True, "True"),
    ("f", (2, 0), "0"),
    ("f", (2, -3), "-3"),
    ("f", (2, 1.5), "1.5"),
    ("f", (2, True), "True"),
    ("f", (2, 2, 2), "(2, 2, 2)"),
    ("f", (2,), "(2,)"),
    ("stride", 0, "0"),
    ("stride", -2, "-2"),
    ("stride", 1.5, "1.5"),
    ("stride", True, "True"),
    ("stride", "1", "'1'"),
    ("stride", (1, 0), "0"),
    ("stride", (1, 1, 1), "(1, 1, 1)"),
]
BAD_PADDING = [
    ("padding", -1, "-1"),
    ("padding", 0.5, "0.5"),
    ("padding", True, "True"),
    ("padding", "1", "'1'"),
    ("padding", (0, -1), "-1"),
    ("padding", (0, 0, 0), "(0, 0, 0)"),
]


@pytest.mark.parametrize("caller", ALL)
@pytest.mark.parametrize("name, value, text", BAD_GEOMETRY, ids=[f"{n}={v!r}" for n, v, _ in BAD_GEOMETRY])
def test_bad_f_or_stride(caller, name, value, text):
    with pytest.raises(BAD_INPUT, match=mentions(name, text, raw=True)):
        CALLERS[caller](**{name: value})


@pytest.mark.parametrize("caller", PADDED)
@pytest.mark.parametrize("name, value, text", BAD_PADDING, ids=[f"{n}={v!r}" for n, v, _ in BAD_PADDING])
def test_bad_padding(caller, name, value, text):
    with pytest.raises(BAD_INPUT, match=mentions(name, text, raw=True)):
        CALLERS[caller](padding=value)


@pytest.mark.parametrize("caller", PADDED)
@pytest.mark.parametrize("f, padding, text", [(2, 2, "2"), (3, 2, "2"), ((3, 1), (1, 1), "1"), (1, 1, "1")])
def test_padding_larger_than_half_the_window(caller, f, padding, text):
    with pytest.raises(ValueError, match=mentions("padding", text, raw=True)):
        CALLERS[caller](f=f, padding=padding)


@pytest.mark.parametrize("caller", ["pool-max", "pool-mean", "max_mask", "windows"])
@pytest.mark.parametrize("shape, f, text", [((2, 2), 3, "3"), ((4, 2), (2, 3), "3"), ((2, 4, 4, 1), 5, "5")])
def test_window_larger_than_the_input(caller, shape, f, text):
    fn = {"pool-max": pool, "pool-mean": lambda x, f: pool(x, f, method="mean"),
          "max_mask": max_mask, "windows": windows}[caller]
    with pytest.raises(ValueError, match=mentions("f", text, raw=True)):
        fn(np.zeros(shape), f)


@pytest.mark.parametrize("method", ["max", "mean"])
def test_window_larger_than_the_padded_input(method):
    # a 1x2 input padded by 1 is 3x4: f = 3 fits, f = (3, 5) does not (5 > 4)
    with pytest.raises(ValueError, match=mentions("f", "5", raw=True)):
        pool(np.zeros((1, 2)), (3, 5), padding=1, method=method)
    # a 1x1 input padded by 1 is 3x3: f = (2, 4) does not fit (4 > 3)
    with pytest.raises(ValueError, match=mentions("f", "4", raw=True)):
        max_mask(np.zeros((1, 1)), (2, 4), padding=1)


def test_window_that_fits_only_thanks_to_padding_is_accepted():
    assert_array_equal(pool(np.array([[5.0]]), 3, padding=1), [[5.0]])
    assert_array_equal(pool(np.array([[5.0]]), 3, padding=1, method="mean", count_include_pad=False), [[5.0]])


def test_unpool_avg_window_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=mentions_any(("f", "3"), ("input_shape", "(2, 2)"))):
        unpool_avg(np.ones((1, 1)), (2, 2), 3)


def test_numpy_integers_are_accepted_as_sizes():
    out = pool(X, np.int64(2), stride=np.int32(2), padding=np.int8(0))
    assert_array_equal(out, [[5, 7], [13, 15]])
    out = pool(X, (np.int64(2), 2))
    assert_array_equal(out, [[5, 7], [13, 15]])
    assert output_size(np.int64(4), np.int64(2)) == 2


# ----------------------------------------------------------------------------------------------
# pool / max_mask / windows: the array and the other options
# ----------------------------------------------------------------------------------------------

ARRAY_CALLERS = {
    "pool-max": lambda x: pool(x, 1),
    "pool-mean": lambda x: pool(x, 1, method="mean"),
    "max_mask": lambda x: max_mask(x, 1),
    "windows": lambda x: windows(x, 1),
}


@pytest.mark.parametrize("caller", list(ARRAY_CALLERS))
@pytest.mark.parametrize("shape", [(5,), (), (1, 2, 2, 1, 1)], ids=["1d", "0d", "5d"])
def test_wrong_number_of_dimensions(caller, shape):
    with pytest.raises(ValueError, match=mentions("x", str(len(shape)), raw=True)):
        ARRAY_CALLERS[caller](np.zeros(shape))


EMPTY_CALLERS = {
    "pool-max": lambda x: pool(x, 2, padding=1),
    "pool-mean": lambda x: pool(x, 2, padding=1, method="mean"),
    "max_mask": lambda x: max_mask(x, 2, padding=1),
    "windows": lambda x: windows(x, 1),
}


@pytest.mark.parametrize("caller", list(EMPTY_CALLERS))
def test_empty_spatial_axis(caller):
    # with padding a window would fit, but it would hold no real cell
    # (an error about the window not fitting the 0 rows is fine too)
    with pytest.raises(ValueError, match=mentions_any(("x", "(0, 4)"), ("x", "0"), ("f", "0"))):
        EMPTY_CALLERS[caller](np.zeros((0, 4)))


NON_NUMERIC = [
    np.array([["a", "b"], ["c", "d"]]),
    np.array([[b"a", b"b"], [b"c", b"d"]]),
    np.array([[1 + 2j, 0], [3, 4]]),
    np.array([[True, False], [False, True]]),
    np.array([["2024-01-01", "2024-01-02"], ["2024-01-03", "2024-01-04"]], dtype="datetime64[D]"),
    np.array([[1, 2], [3, 4]], dtype="timedelta64[s]"),
]


@pytest.mark.parametrize("caller", ["pool-max", "pool-mean", "max_mask"])
@pytest.mark.parametrize("x", NON_NUMERIC, ids=lambda x: str(x.dtype))
def test_non_numeric_dtype(caller, x):
    with pytest.raises(TypeError, match=mentions("x", str(x.dtype), raw=True)):
        ARRAY_CALLERS[caller](x)


@pytest.mark.parametrize("caller", ["pool-max", "pool-mean", "max_mask"])
def test_object_array(caller):
    x = np.array([[1, 2], [3, 4]], dtype=object)  # numbers, but in an object array
    with pytest.raises(TypeError, match=mentions("x", "object", raw=True)):
        ARRAY_CALLERS[caller](x)


@pytest.mark.parametrize("method", ["median", "avg", "MAX", None, 1])
def test_unknown_method(method):
    with pytest.raises(ValueError, match=mentions("method", method)):
        pool(X, 2, method=method)


@pytest.mark.parametrize("flag", ["ceil_mode", "count_include_pad", "return_indices"])
@pytest.mark.parametrize("value", ["yes", "no"])  # truthy strings must not pass silently
def test_flags_must_be_booleans(flag, value):
    with pytest.raises(BAD_INPUT, match=mentions(flag, value)):
        pool(X, 2, **{flag: value})


def test_max_mask_ceil_mode_must_be_a_boolean():
    with pytest.raises(BAD_INPUT, match=mentions("ceil_mode", "no")):
        max_mask(X, 2, ceil_mode="no")


# ----------------------------------------------------------------------------------------------
# output_size
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, name, text", [
    ({"n": 0, "f": 1}, "n", "0"),
    ({"n": -4, "f": 1}, "n", "-4"),
    ({"n": 4.0, "f": 2}, "n", "4.0"),
    ({"n": True, "f": 1}, "n", "True"),
    ({"n": 4, "f": 0}, "f", "0"),
    ({"n": 4, "f": 2.5}, "f", "2.5"),
    ({"n": 4, "f": False}, "f", "False"),
    ({"n": 4, "f": 2, "stride": 0}, "stride", "0"),
    ({"n": 4, "f": 2, "stride": 1.0}, "stride", "1.0"),
    ({"n": 4, "f": 2, "padding": -1}, "padding", "-1"),
    ({"n": 4, "f": 2, "padding": 2}, "padding", "2"),
    ({"n": 2, "f": 3}, "f", "3"),
    ({"n": 4, "f": 2, "ceil_mode": "yes"}, "ceil_mode", "'yes'"),
])
def test_output_size_errors(kwargs, name, text):
    with pytest.raises(BAD_INPUT, match=mentions(name, text, raw=True)):
        output_size(**kwargs)


# ----------------------------------------------------------------------------------------------
# unpool_max
# ----------------------------------------------------------------------------------------------

G = np.ones((2, 2))
IDX = np.array([[5, 7], [13, 15]])


def test_unpool_max_indices_shape_differs_from_grad_shape():
    with pytest.raises(ValueError, match=mentions("indices", "(2, 3)", raw=True)):
        unpool_max(G, np.zeros((2, 3), dtype=int), (4, 4))
    with pytest.raises(ValueError, match=mentions("indices", "(2, 2, 1)", raw=True)):
        unpool_max(G, np.zeros((2, 2, 1), dtype=int), (4, 4))


@pytest.mark.parametrize("grad_shape, input_shape", [
    ((2, 2), (4, 4, 3)),  # 2-D grad, 3-D input
    ((2, 2, 3), (4, 4, 2)),  # channels differ
    ((2, 2, 3), (4, 4)),  # 3-D grad, 2-D input
    ((2, 2, 2, 1), (3, 4, 4, 1)),  # samples differ
    ((2, 2, 2, 1), (2, 4, 4, 3)),  # channels differ (4-D)
])
def test_unpool_max_input_shape_does_not_fit_grad(grad_shape, input_shape):
    grad = np.ones(grad_shape)
    indices = np.zeros(grad_shape, dtype=np.int64)
    with pytest.raises(ValueError, match=mentions("input_shape", repr(input_shape), raw=True)):
        unpool_max(grad, indices, input_shape)


@pytest.mark.parametrize("input_shape, text", [
    ((16,), "(16,)"),
    ((4, 4.0), "4.0"),
    ((4, -4), "-4"),
    ((1, 4, 4, 1, 1), "(1, 4, 4, 1, 1)"),
    ("44", "'44'"),
    (None, "None"),
    (4, "4"),
])
def test_unpool_max_invalid_input_shape(input_shape, text):
    with pytest.raises(BAD_INPUT, match=mentions("input_shape", text, raw=True)):
        unpool_max(G, IDX, input_shape)


@pytest.mark.parametrize("indices", [IDX.astype(np.float64), IDX.astype(np.float32), IDX.astype(bool),
                                     IDX.astype(object), IDX.astype(str)], ids=lambda a: str(a.dtype))
def test_unpool_max_non_integer_indices(indices):
    with pytest.raises(TypeError, match=mentions("indices", str(indices.dtype), raw=True)):
        unpool_max(G, indices, (4, 4))


@pytest.mark.parametrize("bad, input_shape", [(16, (4, 4)), (-1, (4, 4)), (100, (4, 4)), (6, (2, 2, 3, 1))])
def test_unpool_max_indices_out_of_range(bad, input_shape):
    grad = G if len(input_shape) == 2 else np.ones((2, 1, 1, 1))
    indices = np.zeros(grad.shape, dtype=np.int64)
    indices.flat[-1] = bad
    with pytest.raises(ValueError, match=mentions("indices", str(bad), raw=True)):
        unpool_max(grad, indices, input_shape)


@pytest.mark.parametrize("bad", [-3, 64 * 64])
def test_unpool_max_index_out_of_range_in_a_big_batch(bad):
    # big enough to be split into blocks over threads: the check runs per block
    grad = np.ones((40, 32, 32, 16), dtype=np.float32)
    indices = np.zeros(grad.shape, dtype=np.int64)
    indices[-1, -1, -1, -1] = bad
    with pytest.raises(ValueError, match=mentions("indices", str(bad), raw=True)):
        unpool_max(grad, indices, (40, 64, 64, 16))


@pytest.mark.parametrize("shape", [(4,), (), (1, 1, 2, 2, 1)], ids=["1d", "0d", "5d"])
def test_unpool_max_grad_wrong_number_of_dimensions(shape):
    with pytest.raises(ValueError, match=mentions("grad", str(len(shape)), raw=True)):
        unpool_max(np.ones(shape), np.zeros(shape, dtype=int), (4, 4))


@pytest.mark.parametrize("grad", [np.array([["a", "b"], ["c", "d"]]), np.ones((2, 2), dtype=complex),
                                  np.ones((2, 2), dtype=object)], ids=lambda a: str(a.dtype))
def test_unpool_max_non_numeric_grad(grad):
    with pytest.raises(TypeError, match=mentions("grad", str(grad.dtype), raw=True)):
        unpool_max(grad, IDX, (4, 4))


# ----------------------------------------------------------------------------------------------
# unpool_avg
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("grad_shape, input_shape, kwargs", [
    ((3, 3), (4, 4), {"f": 2}),  # 4x4 with f=2 pools to 2x2
    ((2, 2), (4, 4), {"f": 2, "stride": 1}),  # ... to 3x3 with stride 1
    ((2, 2), (4, 4), {"f": 2, "padding": 1}),  # ... to 3x3 with padding 1
    ((2, 2), (5, 5), {"f": 2, "ceil_mode": True}),  # ... to 3x3 with ceil_mode
    ((2, 2, 2, 1), (2, 4, 4, 1), {"f": 3}),  # ... to (2, 1, 1, 1)
])
def test_unpool_avg_grad_does_not_fit_input_shape(grad_shape, input_shape, kwargs):
    pattern = mentions_any(("grad", repr(grad_shape)), ("input_shape", repr(input_shape)))
    with pytest.raises(ValueError, match=pattern):
        unpool_avg(np.ones(grad_shape), input_shape, **kwargs)


@pytest.mark.parametrize("grad_shape, input_shape", [
    ((2, 2), (4, 4, 3)),
    ((2, 2, 3), (4, 4, 2)),
    ((2, 2, 2, 1), (3, 4, 4, 1)),
])
def test_unpool_avg_input_shape_does_not_fit_grad(grad_shape, input_shape):
    with pytest.raises(ValueError, match=mentions("input_shape", repr(input_shape), raw=True)):
        unpool_avg(np.ones(grad_shape), input_shape, 2)


@pytest.mark.parametrize("input_shape, text", [((16,), "(16,)"), ((4, -4), "-4"), ((4, 4.0), "4.0"),
                                               (None, "None")])
def test_unpool_avg_invalid_input_shape(input_shape, text):
    with pytest.raises(BAD_INPUT, match=mentions("input_shape", text, raw=True)):
        unpool_avg(G, input_shape, 2)


def test_unpool_avg_grad_wrong_number_of_dimensions():
    with pytest.raises(ValueError, match=mentions("grad", "1", raw=True)):
        unpool_avg(np.ones(4), (4, 4), 2)


def test_unpool_avg_non_numeric_grad():
    with pytest.raises(TypeError, match=mentions("grad", "<U1", raw=True)):
        unpool_avg(np.array([["a", "b"], ["c", "d"]]), (4, 4), 2)


# ----------------------------------------------------------------------------------------------
# Inputs are never modified, and read-only inputs work
# ----------------------------------------------------------------------------------------------


def frozen(a):
    a = np.array(a)
    a.setflags(write=False)
    return a


def test_read_only_inputs_work_and_are_unchanged():
    x = frozen(np.arange(16.0).reshape(4, 4))
    out, idx = pool(x, 2, return_indices=True)
    assert_array_equal(out, [[5, 7], [13, 15]])
    assert_array_equal(pool(x, 2, method="mean"), [[2.5, 4.5], [10.5, 12.5]])
    assert_array_equal(max_mask(x, 2)[0, 0], [[0, 0], [0, 1]])
    assert_array_equal(windows(x, 2)[0, 1], [[2, 3], [6, 7]])
    g, i = frozen(np.ones((2, 2))), frozen(idx)
    assert_array_equal(unpool_max(g, i, x.shape).sum(), 4)
    assert_array_equal(unpool_avg(g, x.shape, 2), np.full((4, 4), 0.25))
    _, pos = poolingOverlap(x, 2, return_max_pos=True)
    pos = frozen(pos)
    assert_array_equal(asStride(x, (2, 2), 2)[1, 1], [[10, 11], [14, 15]])
    assert_array_equal(unpooling(g, pos, x.shape, 2).sum(), 4)
    assert_array_equal(unpoolingAvg(g, 2, x.shape), np.full((4, 4), 0.25))
    assert_array_equal(x, np.arange(16.0).reshape(4, 4))
    assert_array_equal(g, np.ones((2, 2)))


def test_broadcast_inputs_with_zero_strides():
    x = np.broadcast_to(np.arange(4.0), (4, 4))  # read-only, every row the same
    out, idx = pool(x, 2, return_indices=True)
    assert_array_equal(out, [[1, 3], [1, 3]])
    assert_array_equal(idx, [[1, 3], [9, 11]])
    g = np.broadcast_to(np.array(2.0), (2, 2))
    assert_array_equal(unpool_max(g, idx, (4, 4)),
                       [[0, 2, 0, 2], [0, 0, 0, 0], [0, 2, 0, 2], [0, 0, 0, 0]])
    assert_array_equal(unpool_avg(g, (4, 4), 2), np.full((4, 4), 0.5))


CALLS = {
    "pool-max": lambda x, g, i: pool(x, 3, stride=1, padding=1, ceil_mode=True, return_indices=True),
    "pool-mean": lambda x, g, i: pool(x, 3, stride=1, padding=1, method="mean", count_include_pad=False),
    "max_mask": lambda x, g, i: max_mask(x, 3, stride=1, padding=1),
    "windows": lambda x, g, i: windows(x, 2).copy(),
    "unpool_max": lambda x, g, i: unpool_max(g, i, x.shape),
    "unpool_avg": lambda x, g, i: unpool_avg(g, x.shape, 3, stride=1, padding=1),
    "poolingOverlap": lambda x, g, i: poolingOverlap(x, 3, stride=1, pad=True, return_max_pos=True),
    "poolingOverlap-mean": lambda x, g, i: poolingOverlap(x, 3, stride=1, method="mean", pad=True),
    "asStride": lambda x, g, i: asStride(x, (2, 2), 1).copy(),
    "unpooling": lambda x, g, i: unpooling(g[:, 1:-1, 1:-1], max_mask(x, 3, stride=1), x.shape, 1),
    "unpoolingAvg": lambda x, g, i: unpoolingAvg(g[:, ::4, ::4], 2, x.shape),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_every_public_function_leaves_its_inputs_unchanged(name):
    rng = np.random.default_rng(7)
    x = rng.integers(-3, 3, (2, 5, 5, 2)).astype(np.float32)
    x[0, 1, 1, 0] = np.nan
    g = rng.standard_normal((2, 5, 5, 2))
    i = rng.integers(0, 25, (2, 5, 5, 2))
    copies = [a.copy() for a in (x, g, i)]
    CALLS[name](x, g, i)
    for before, after in zip(copies, (x, g, i)):
        assert_array_equal(after, before)
        assert after.dtype == before.dtype


def test_unpooling_rejects_mask_values_other_than_0_and_1():
    pos = np.array([[[[2, 0], [0, 0]]]])
    with pytest.raises(ValueError, match=r"pos must hold only 0s and 1s, got values .*2"):
        unpooling(np.ones((1, 1)), pos, (2, 2), 2)


def test_unpool_max_accepts_an_empty_batch():
    grad = np.zeros((0, 2, 2, 1))
    result = unpool_max(grad, np.zeros((0, 2, 2, 1), dtype=np.int64), (0, 4, 4, 1))
    assert result.shape == (0, 4, 4, 1)


def test_unpool_max_rejects_input_shape_without_rows():
    message = "input_shape must have at least one row and one column, got (1, 0, 4, 1)"
    with pytest.raises(ValueError, match=re.escape(message)):
        unpool_max(np.zeros((1, 2, 2, 1)), np.zeros((1, 2, 2, 1), dtype=np.int64), (1, 0, 4, 1))
