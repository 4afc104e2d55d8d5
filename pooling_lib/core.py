"""Max and average pooling, and their gradients, in plain numpy.

Arrays are ``(h, w)``, ``(h, w, c)`` or a batch ``(m, h, w, c)``. Pooling
acts on the two spatial axes (the first two, or the middle two of a batch);
channels and samples are pooled independently. The semantics are PyTorch's
``MaxPool2d`` / ``AvgPool2d`` (TensorFlow's for ``padding='same'``): output
size with ``ceil_mode``, first maximum wins on ties, NaN propagates, and the
unpooling functions are the exact gradients (overlapping windows add up,
mean divides by each window's divisor).

This module holds the rules (output size, padding, divisors), the checks
and the documented functions. The definitions, written as plain loops over
windows and cells, are in ``tests/reference.py`` (the tests compare every
function here with them); the fast numpy engine that computes the same
numbers is :mod:`pooling_lib._kernels`, whose opening comment explains how.
"""

import functools
from collections import namedtuple

import numpy as np

from . import _kernels
from ._checks import LARGEST, as_pool_array, check_flag, check_int, pair

__all__ = [
    "WindowCount",
    "output_size",
    "window_count",
    "windows",
    "pool",
    "max_mask",
    "unpool_max",
    "unpool_avg",
]

_STRING_PADDINGS = ("valid", "same")

#: What :func:`window_count` returns.
WindowCount = namedtuple("WindowCount", ["counted", "size"])
WindowCount.__doc__ = """The window count of one axis, before and after the ``ceil_mode`` rule.

Attributes
----------
counted : int
    The formula's count: ``floor`` (or ``ceil`` with ``ceil_mode``) of
    ``(n + pad_before + pad_after - dilation * (f - 1) - 1) / stride``,
    plus 1.
size : int
    The windows kept (the output size). ``size == counted - 1`` when
    ``ceil_mode``'s last window would start past the input (in the right
    padding), which PyTorch drops; that window would start at input
    position ``(counted - 1) * stride - pad_before``.
"""

# The geometry of a pooling, checked: per axis (rows, cols) the window f,
# stride s, dilation d, padding before (pad) and after, output size out,
# the padded extent span the windows reach (from the first padding cell),
# and whether padding was "same".
Geometry = namedtuple("Geometry", ["f", "s", "d", "pad", "after", "out", "span", "same"])


# ---------------------------------------------------------------- rules (each written once)
def _to_batch(x):
    """View ``x`` as ``(m, h, w, c)``; return the view and a function undoing it."""
    if x.ndim == 2:
        return x[None, :, :, None], lambda y: y[0, :, :, 0]
    if x.ndim == 3:
        return x[None], lambda y: y[0]
    return x, lambda y: y


def _count(n, f, s, before, after, ceil_mode, d=1):
    """The output-size rule along one axis (arguments already checked): a :class:`WindowCount`."""
    span = n + before + after - d * (f - 1) - 1
    counted = (-(-span // s) if ceil_mode else span // s) + 1
    # ceil_mode: the last window must start inside the input or the left padding
    size = counted - 1 if ceil_mode and (counted - 1) * s >= n + before else counted
    return WindowCount(counted, size)


def _same_padding(n, f, s, d=1):
    """TensorFlow's 'same' padding ``(before, after)``: ``ceil(n / s)`` windows, odd cell after."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (f - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def _padding_arg(padding):
    """``'same'``, ``'valid'`` or a checked ``(ph, pw)`` pair."""
    if isinstance(padding, str):
        if padding not in _STRING_PADDINGS:
            raise ValueError(
                f"padding must be an integer, a pair of integers, 'valid' or 'same', got {padding!r}"
            )
        return (0, 0) if padding == "valid" else "same"
    return pair(padding, "padding", 0)


def _axis(n, f, s, p, d, ceil_mode, axis):
    """Check one axis; return ``(before, after, size)``. ``p`` is an int or ``'same'``."""
    if p == "same":
        before, after = _same_padding(n, f, s, d)
    else:
        if p > f // 2:
            raise ValueError(
                f"padding must be at most half the window ({f} // 2 = {f // 2}) "
                f"along the {axis} axis, got {p}"
            )
        reach = d * (f - 1) + 1
        if reach > n + 2 * p:
            if d == 1:
                raise ValueError(
                    f"f must fit in the padded input along the {axis} axis "
                    f"({n} + 2 * {p} = {n + 2 * p}), got {f}"
                )
            raise ValueError(
                f"f must fit in the padded input along the {axis} axis with dilation {d} "
                f"(the window reaches {d} * ({f} - 1) + 1 = {reach} cells, the padded input has "
                f"{n} + 2 * {p} = {n + 2 * p}), got {f}"
            )
        before = after = p
    size = _count(n, f, s, before, after, ceil_mode, d).size
    if d > 1:
        # with dilation a window can step over the whole input: refuse a window of padding only
        start = np.arange(size) * s - before
        first = _kernels._first_real(start, d)
        empty = np.flatnonzero((first >= n) | (first > start + d * (f - 1)))
        if empty.size:
            raise ValueError(
                f"dilation must leave every window a real cell: along the {axis} axis window "
                f"{empty[0]} (cells {start[empty[0]]}, {start[empty[0]] + d}, ... of an input of {n}, "
                f"padding {before}) holds only padding with f={f}, dilation={d}"
            )
    return before, after, size


def _key(value):
    """A cache key telling ``value``'s types apart (``True`` is not ``1``); None if it cannot be cached."""
    kind = type(value)
    if kind in (int, bool, str) or value is None:
        return kind, value
    if kind is tuple and len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
        return kind, value
    return None


def _geometry(hw, f, stride, padding, ceil_mode, dilation=1):
    """Check the window arguments against the spatial size ``hw``; return the :data:`Geometry`.

    Geometries of plain int/tuple/str arguments are remembered: a pooling
    called again with the same arguments skips the checks it already passed.
    """
    keys = (_key(f), _key(stride), _key(padding), _key(ceil_mode), _key(dilation))
    if None in keys:
        return _make_geometry(hw, f, stride, padding, ceil_mode, dilation)
    return _cached_geometry(hw, keys)


@functools.lru_cache(maxsize=256)
def _cached_geometry(hw, keys):
    return _make_geometry(hw, *(value for _, value in keys))


# Windows far larger than the input (f=10**6 with padding='same' on a 6 x 6 grid) would make
# the padded copy, and the loop over the window's offsets, enormous: refused when they reach
# more than this many padded cells along an axis, and more than 4 times the input's length.
_LONGEST_PADDED_AXIS = 1 << 13


def _make_geometry(hw, f, stride, padding, ceil_mode, dilation):
    fh, fw = pair(f, "f", 1)
    sh, sw = (fh, fw) if stride is None else pair(stride, "stride", 1)
    pads = _padding_arg(padding)
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    dh, dw = pair(dilation, "dilation", 1)
    same = pads == "same"
    if same and ceil_mode:
        raise ValueError("ceil_mode must be False with padding='same' (it already keeps ceil(n / stride) "
                         "windows), got True")
    ph, pw = ("same", "same") if same else pads
    h, w = hw
    top, bottom, ho = _axis(h, fh, sh, ph, dh, ceil_mode, "row")
    left, right, wo = _axis(w, fw, sw, pw, dw, ceil_mode, "column")
    span = ((ho - 1) * sh + dh * (fh - 1) + 1, (wo - 1) * sw + dw * (fw - 1) + 1)
    for n, reach, axis in zip(hw, span, ("row", "column")):
        limit = max(4 * n, _LONGEST_PADDED_AXIS)
        if reach > limit:
            raise ValueError(
                f"f and padding must reach at most max(4 * {n}, {_LONGEST_PADDED_AXIS}) = {limit} padded cells "
                f"along the {axis} axis (the library pads a copy in memory and takes the window's offsets "
                f"one by one; PyTorch needs neither): f={f!r}, padding={padding!r}, dilation={dilation!r} "
                f"reach {reach}"
            )
    return Geometry((fh, fw), (sh, sw), (dh, dw), (top, left), (bottom, right), (ho, wo), span, same)


def _divisors(n, f, s, before, after, out, count_include_pad):
    """Per-axis window lengths that divide a mean (PyTorch's rule; TensorFlow's for 'same').

    A window ``[start, start + f)`` is first clipped to the padded input
    ``[-before, n + after)`` (a ``ceil_mode`` window can hang past it); with
    ``count_include_pad`` that is its divisor, else its real cells only.
    """
    start = np.arange(out) * s - before
    end = np.minimum(start + f, n + after)
    if count_include_pad:
        return end - start
    return np.minimum(end, n) - np.maximum(start, 0)


@functools.lru_cache(maxsize=128)
def _mean_divisor(g, hw, count_include_pad, divisor_override, dtype):
    """The divisor of every window: a scalar when they all agree, else shape ``(ho, wo, 1)`` (read-only)."""
    if divisor_override is not None:
        with np.errstate(over="ignore"):  # past float16's range: inf, so the shares are 0 (as PyTorch)
            return np.asarray(divisor_override, dtype=dtype)[()]
    if count_include_pad is None:
        count_include_pad = not g.same  # PyTorch counts padding; TensorFlow's 'same' does not
    per_axis = [_divisors(n, f, s, p, a, o, count_include_pad)
                for n, f, s, p, a, o in zip(hw, g.f, g.s, g.pad, g.after, g.out)]
    rows, cols = per_axis
    with np.errstate(over="ignore"):  # a window of over 65504 cells is inf in float16: shares of 0
        if (rows == rows[0]).all() and (cols == cols[0]).all():
            return dtype.type(rows[0] * cols[0])
        div = np.multiply.outer(rows, cols).astype(dtype)[:, :, None]
    div.flags.writeable = False
    return div


def _accumulator(dtype):
    """The float dtype that pooled means are summed in."""
    if dtype == np.float16:
        return np.dtype(np.float32)
    if dtype.kind == "f":
        return dtype
    return np.dtype(np.float64)


def _fill_value(dtype):
    """The value padding takes in max pooling: it never beats a real cell."""
    if dtype.kind == "f":
        return -np.inf
    return np.iinfo(dtype).min


def _check_method(method):
    if method not in ("max", "mean"):
        raise ValueError(f"method must be 'max' or 'mean', got {method!r}")


def _check_cip(count_include_pad):
    return None if count_include_pad is None else check_flag(count_include_pad, "count_include_pad")


def _check_override(divisor_override):
    if divisor_override is None:
        return None
    if not isinstance(divisor_override, (int, np.integer)) or isinstance(divisor_override, (bool, np.bool_)):
        raise TypeError(f"divisor_override must be an integer or None, got {divisor_override!r}")
    if divisor_override == 0:
        raise ValueError(f"divisor_override must not be zero, got {divisor_override!r}")
    if abs(divisor_override) > LARGEST:
        raise ValueError(f"divisor_override must be at most {LARGEST} in size, got {divisor_override!r}")
    return int(divisor_override)


# ---------------------------------------------------------------- public API
def window_count(n, f, stride=None, padding=0, ceil_mode=False, dilation=1):
    """Windows along one axis, as the formula counts them and as pooling keeps them.

    Parameters
    ----------
    n, f, stride, padding, ceil_mode, dilation
        As in :func:`output_size`.

    Returns
    -------
    WindowCount
        ``(counted, size)``: the formula's count and the windows kept.
        They differ by one exactly when ``ceil_mode`` counts a last window
        that would start past the input (in the right padding): PyTorch
        drops it. That window would start at input position
        ``(counted - 1) * stride - padding``.

    Notes
    -----
    This is the one place the ``ceil_mode`` rule is written; every size in
    the library (and in its explorers) comes from here.

    Examples
    --------
    >>> window_count(5, 2, ceil_mode=True)
    WindowCount(counted=3, size=3)
    >>> window_count(6, 4, 4, padding=2, ceil_mode=True)   # window 3 would start at 6
    WindowCount(counted=3, size=2)
    """
    n = check_int(n, "n", 1, LARGEST)
    f = check_int(f, "f", 1, LARGEST)
    stride = f if stride is None else check_int(stride, "stride", 1, LARGEST)
    if isinstance(padding, str):
        p = _padding_arg(padding)
        p = "same" if p == "same" else 0
    else:
        p = check_int(padding, "padding", 0, LARGEST)
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    dilation = check_int(dilation, "dilation", 1, LARGEST)
    if p == "same" and ceil_mode:
        raise ValueError("ceil_mode must be False with padding='same' (it already keeps ceil(n / stride) "
                         "windows), got True")
    before, after, _ = _axis(n, f, stride, p, dilation, ceil_mode, "input")
    return _count(n, f, stride, before, after, ceil_mode, dilation)


def output_size(n, f, stride=None, padding=0, ceil_mode=False, dilation=1):
    """Number of windows along one axis of length ``n``.

    Parameters
    ----------
    n : int
        Input length along the axis (rows or columns).
    f : int
        Window size.
    stride : int or None, optional
        Step between window starts. ``None`` (default) means ``stride = f``:
        windows that touch but do not overlap.
    padding : int or {'valid', 'same'}, optional
        Cells added at both ends, at most ``f // 2``. ``'valid'`` is no
        padding; ``'same'`` is TensorFlow's: enough padding for
        ``ceil(n / stride)`` windows, the odd cell at the end.
    ceil_mode : bool, optional
        Round the window count up instead of down, so that a last, partial
        window is kept. Not with ``padding='same'``.
    dilation : int, optional
        Step between a window's cells (PyTorch's ``MaxPool2d(dilation=)``):
        the window reaches ``dilation * (f - 1) + 1`` cells.

    Returns
    -------
    int
        ``floor((n + 2 * padding - dilation * (f - 1) - 1) / stride) + 1``
        (``ceil`` with ``ceil_mode``); ``ceil(n / stride)`` for ``'same'``.

    Notes
    -----
    This is PyTorch's formula. With ``ceil_mode`` the last window must start
    inside the input or the left padding; one that would start in the right
    padding is dropped (:func:`window_count` tells both numbers). The
    definition as a loop is ``output_size`` in ``tests/reference.py``.

    Examples
    --------
    >>> output_size(4, 2)
    2
    >>> output_size(4, 3, stride=1)
    2
    >>> output_size(5, 2, ceil_mode=True)
    3
    >>> output_size(6, 3, stride=3, ceil_mode=True)
    2
    >>> output_size(5, 2, padding="same")
    3
    >>> output_size(7, 3, stride=1, dilation=2)
    3
    """
    return window_count(n, f, stride, padding, ceil_mode, dilation).size


def windows(x, f, stride=None):
    """Read-only strided view of every pooling window of ``x``.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input array.
    f : int or (int, int)
        Window size ``(rows, cols)``.
    stride : int or (int, int) or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.

    Returns
    -------
    view : ndarray, shape (ho, wo, fh, fw), (ho, wo, fh, fw, c) or (m, ho, wo, fh, fw, c)
        ``view[i, j]`` is the window whose top-left cell is
        ``x[i * stride, j * stride]``. No data is copied; the view cannot
        be written to.

    Notes
    -----
    Windows that would run past the bottom or right edge are left out
    (``ceil_mode=False`` without padding). See :func:`pool` for padding.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> v = windows(x, 2)
    >>> v.shape
    (2, 2, 2, 2)
    >>> v[0, 1]
    array([[2, 3],
           [6, 7]])
    >>> windows(x, 3, stride=1).shape
    (2, 2, 3, 3)
    """
    x = as_pool_array(x, "x")
    xb, _ = _to_batch(x)
    g = _geometry(xb.shape[1:3], f, stride, 0, False)
    (fh, fw), (sh, sw), (ho, wo) = g.f, g.s, g.out
    m, h, w, c = xb.shape
    sm, s_h, s_w, sc = xb.strides
    shape = (m, ho, wo, fh, fw, c)
    strides = (sm, s_h * sh, s_w * sw, s_h, s_w, sc)
    view = np.lib.stride_tricks.as_strided(xb, shape, strides, writeable=False)
    if x.ndim == 2:
        return view[0, ..., 0]
    if x.ndim == 3:
        return view[0]
    return view


def pool(x, f, stride=None, *, method="max", padding=0, ceil_mode=False,
         count_include_pad=None, return_indices=False, dilation=1, divisor_override=None):
    """Max or average pooling over the two spatial axes.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input array; integer or floating point. It is never modified.
    f : int or (int, int)
        Window size ``(rows, cols)``.
    stride : int or (int, int) or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.
    method : {'max', 'mean'}, optional
        Maximum or average of each window.
    padding : int or (int, int) or {'valid', 'same'}, optional
        Cells added on every side, at most half the window. Padding never
        wins a maximum (it acts as ``-inf``, or the dtype's minimum for
        integers); in a mean it counts as zeros. ``'valid'`` means no
        padding; ``'same'`` is TensorFlow/Keras's: ``ceil(n / stride)``
        windows per axis, padded by ``same_padding`` (the odd cell at the
        bottom/right).
    ceil_mode : bool, optional
        Keep a last, partial window at the bottom/right edge (see
        :func:`output_size`). Not with ``padding='same'``.
    count_include_pad : bool or None, optional
        Mean only: divide by the window size including padding cells
        (``True``) or by the number of real cells only (``False``). ``None``
        (default) is ``True`` for integer padding (PyTorch) and ``False``
        for ``'same'`` (TensorFlow). The part of a ``ceil_mode`` window past
        the padding is never counted.
    return_indices : bool, optional
        Max only: also return where each maximum is.
    dilation : int or (int, int), optional
        Max only: step between a window's cells (PyTorch's
        ``MaxPool2d(dilation=)``); window ``(i, j)`` reads the cells
        ``(i * stride - padding + a * dilation, j * stride - padding + b * dilation)``.
    divisor_override : int or None, optional
        Mean only: divide every window's sum by this number instead
        (PyTorch's ``AvgPool2d(divisor_override=)``).

    Returns
    -------
    out : ndarray, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Pooled array. Max keeps the dtype of ``x``; mean keeps float dtypes
        and gives float64 for integer input.
    indices : ndarray of int64, same shape as `out`
        Only with ``return_indices=True``: the flat position
        ``row * w + col`` of each maximum in its (unpadded) input plane.

    Raises
    ------
    ValueError
        Unknown `method`; padding over half the window; a window longer
        than the padded input; `dilation` with ``method='mean'``; a dilated
        window holding only padding cells; ``'same'`` with `ceil_mode`;
        `return_indices` with ``method='mean'``; `divisor_override` with
        ``method='max'`` (`count_include_pad` is ignored by max pooling);
        a window argument above ``2**31 - 1`` (PyTorch's limit too); a
        window (with its padding) reaching more than 8192 cells and 4
        times the input's length along an axis.
    TypeError
        Non-numeric or masked `x`; non-integer window arguments; non-bool
        flags.

    Notes
    -----
    Ties: the first maximum in row-major order inside the window wins, so
    each window names exactly one position (what backpropagation needs),
    and with `return_indices` the value is that cell's (``0.0`` and
    ``-0.0`` tie: the first one is returned). Without `return_indices` a
    zero maximum may come out as either zero (they compare equal;
    ``np.maximum`` keeps the second of a tie, and looking for the first
    would cost a second pass wherever a window's maximum is 0, as after a
    ReLU). NaN propagates: a window holding a NaN pools to NaN, and
    its index points at the window's last NaN (as PyTorch's CPU kernel
    does).

    Means are summed in the input's float dtype (float32 for float16,
    float64 for integers, as ``np.mean``): integer windows are summed
    exactly while their sums stay within ``2**53``; int64 values near
    ``2**63`` lose low bits (PyTorch has no integer average pooling).

    The definitions, as plain loops, are ``max_pool`` and ``mean_pool`` in
    ``tests/reference.py``; how this computes the same numbers fast is
    explained in :mod:`pooling_lib._kernels`.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> pool(x, 2)
    array([[ 5,  7],
           [13, 15]])
    >>> pool(x, 2, method="mean")
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> out, idx = pool(x, 3, stride=1, return_indices=True)
    >>> out
    array([[10, 11],
           [14, 15]])
    >>> idx
    array([[10, 11],
           [14, 15]])
    >>> pool(x, 3, stride=2, padding=1)
    array([[ 5,  7],
           [13, 15]])
    >>> pool(x, 2, stride=1, dilation=2)         # cells 0, 2 of rows 0, 2, ...
    array([[10, 11],
           [14, 15]])
    >>> pool(x, 3, stride=2, method="mean", padding="same")    # real cells only
    array([[ 5. ,  6.5],
           [11. , 12.5]])
    """
    x = as_pool_array(x, "x")
    _check_method(method)
    count_include_pad = _check_cip(count_include_pad)
    return_indices = check_flag(return_indices, "return_indices")
    divisor_override = _check_override(divisor_override)
    if method == "max" and divisor_override is not None:
        raise ValueError(f"divisor_override needs method='mean', got method={method!r}")
    if method == "mean":
        if return_indices:
            raise ValueError(f"return_indices=True needs method='max', got method={method!r}")
        if pair(dilation, "dilation", 1) != (1, 1):
            raise ValueError(
                f"dilation must be 1 with method='mean' (average pooling has none), got {dilation!r}"
            )
    xb, unbatch = _to_batch(x)
    g = _geometry(xb.shape[1:3], f, stride, padding, ceil_mode, dilation)
    m, _, _, c = xb.shape
    ho, wo = g.out

    if method == "mean":
        acc = _accumulator(x.dtype)
        out = np.empty((m, ho, wo, c), dtype=acc)
        div = _mean_divisor(g, xb.shape[1:3], count_include_pad, divisor_override, acc)
        _kernels.mean_pool(xb, g, div, out)
        if acc != x.dtype and x.dtype.kind == "f":
            with np.errstate(over="ignore"):  # a float32 mean above float16's range is inf
                out = out.astype(x.dtype)
        return unbatch(out)

    fill = _fill_value(x.dtype)
    out = np.empty((m, ho, wo, c), dtype=x.dtype)
    if not return_indices:
        _kernels.max_pool(xb, g, out, fill)
        return unbatch(out)
    indices = np.empty((m, ho, wo, c), dtype=np.int64)
    _kernels.max_pool_indices(xb, g, out, indices, fill)
    return unbatch(out), unbatch(indices)


def max_mask(x, f, stride=None, *, padding=0, ceil_mode=False, dilation=1):
    """0/1 mask of each window's maximum, laid out like :func:`windows`.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input array.
    f : int or (int, int)
        Window size.
    stride : int or (int, int) or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.
    padding : int or (int, int) or {'valid', 'same'}, optional
        Cells added on every side (they are never the maximum).
    ceil_mode : bool, optional
        Keep a last, partial window (see :func:`output_size`).
    dilation : int or (int, int), optional
        Step between a window's cells; the mask has one entry per cell
        the window reads.

    Returns
    -------
    mask : ndarray of uint8, shape (ho, wo, fh, fw), (ho, wo, fh, fw, c) or (m, ho, wo, fh, fw, c)
        ``mask[i, j]`` covers window ``(i, j)`` (including its padding
        cells) and holds exactly one 1 per window and channel: the position
        that :func:`pool` names in ``indices``.

    Notes
    -----
    The mask holds ``fh * fw`` cells per output value; the flat indices of
    :func:`pool` carry the same information in one integer, which is what
    :func:`unpool_max` takes.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> mask = max_mask(x, 2)
    >>> mask.shape
    (2, 2, 2, 2)
    >>> mask[0, 0]
    array([[0, 0],
           [0, 1]], dtype=uint8)
    >>> max_mask(np.zeros((2, 2)), 2)[0, 0]
    array([[1, 0],
           [0, 0]], dtype=uint8)
    """
    x = as_pool_array(x, "x")
    _, indices = pool(x, f, stride, padding=padding, ceil_mode=ceil_mode, return_indices=True,
                      dilation=dilation)
    xb, _ = _to_batch(x)
    ib, _ = _to_batch(indices)
    g = _geometry(xb.shape[1:3], f, stride, padding, ceil_mode, dilation)
    (fh, fw), (sh, sw), (ph, pw), (ho, wo), (dh, dw) = g.f, g.s, g.pad, g.out, g.d
    w = xb.shape[2]
    di = (ib // w - (np.arange(ho) * sh - ph)[None, :, None, None]) // dh
    dj = (ib % w - (np.arange(wo) * sw - pw)[None, None, :, None]) // dw
    m, c = xb.shape[0], xb.shape[3]
    mask = np.zeros((m, ho, wo, fh, fw, c), dtype=np.uint8)
    mi, oi, oj, ci = np.indices(ib.shape, sparse=True)
    mask[mi, oi, oj, di, dj, ci] = 1
    if x.ndim == 2:
        return mask[0, ..., 0]
    if x.ndim == 3:
        return mask[0]
    return mask


def _grad_array(grad):
    grad = as_pool_array(grad, "grad")
    if grad.dtype.kind != "f":
        grad = grad.astype(np.float64)
    return grad


def _input_shape(input_shape, grad):
    """Check that ``input_shape`` is a shape that ``grad`` can have been pooled from."""
    if isinstance(input_shape, np.ndarray):
        input_shape = tuple(input_shape.tolist())
    if not isinstance(input_shape, (tuple, list)):
        raise TypeError(f"input_shape must be a tuple of integers, got {input_shape!r}")
    shape = tuple(check_int(n, "input_shape", 0, LARGEST) for n in input_shape)
    if len(shape) != grad.ndim:
        raise ValueError(
            f"input_shape must have as many dimensions as grad ({grad.ndim}), got {shape!r}"
        )
    spatial = shape[1:3] if len(shape) == 4 else shape[:2]
    if min(spatial) == 0:
        raise ValueError(f"input_shape must have at least one row and one column, got {shape!r}")
    keep = {3: [2], 4: [0, 3]}.get(grad.ndim, [])
    for axis in keep:
        if shape[axis] != grad.shape[axis]:
            name = "samples" if axis == 0 else "channels"
            raise ValueError(
                f"input_shape must have the same number of {name} as grad "
                f"({grad.shape[axis]}), got {shape!r}"
            )
    return shape


def _check_index_range(indices, h, w, where):
    """Raise ValueError unless every flat index lies in ``[0, h * w)``; ``where`` names the plane."""
    if indices.size:
        lo, hi = indices.min(), indices.max()
        if lo < 0 or hi >= h * w:
            bad = lo if lo < 0 else hi
            raise ValueError(f"indices must lie in [0, h * w) = [0, {h * w}) {where}, got {bad}")


def unpool_max(grad, indices, input_shape):
    """Max-unpooling: the gradient of max pooling with respect to its input.

    Parameters
    ----------
    grad : array_like, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Gradient with respect to the pooled output (or any values to put
        back).
    indices : array_like of int, same shape as `grad`
        Flat positions ``row * w + col`` of the maxima, as returned by
        ``pool(..., return_indices=True)`` (with any padding, ceil_mode or
        dilation: the indices carry the geometry).
    input_shape : tuple of int
        Shape of the array that was pooled: ``(h, w)``, ``(h, w, c)`` or
        ``(m, h, w, c)``. No pooling makes an axis longer than the input
        plus one, so `grad` may have at most ``h + 1`` rows and ``w + 1``
        columns.

    Returns
    -------
    ndarray, shape `input_shape`
        Zeros, except at the maxima, which receive the values of `grad`.
        Where windows overlap and share a maximum, their values add up.
        Float dtype of `grad` (float64 for integer `grad`).

    Notes
    -----
    Adding (not overwriting) is what makes this the true gradient: an input
    cell that is the maximum of ``k`` windows influences ``k`` outputs.
    The definition as a loop is ``unpool_max`` in ``tests/reference.py``.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> out, idx = pool(x, 2, return_indices=True)
    >>> unpool_max(np.ones((2, 2)), idx, x.shape)
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])
    >>> out, idx = pool(x, 3, stride=1, return_indices=True)
    >>> unpool_max(np.ones((2, 2)), idx, x.shape)[2:, 2:]
    array([[1., 1.],
           [1., 1.]])
    """
    grad = _grad_array(grad)
    indices = np.asarray(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"indices must have an integer dtype, got dtype {indices.dtype}")
    if indices.shape != grad.shape:
        raise ValueError(
            f"indices must have the same shape as grad {grad.shape}, got shape {indices.shape}"
        )
    shape = _input_shape(input_shape, grad)
    gb, unbatch = _to_batch(grad)
    ib, _ = _to_batch(indices)
    m, h, w, c = _to_batch(np.empty(shape, dtype=np.bool_))[0].shape
    ho, wo = gb.shape[1:3]
    if ho > h + 1 or wo > w + 1:
        raise ValueError(
            f"input_shape must be a shape that pools to grad's spatial size {(ho, wo)}; no pooling "
            f"makes an axis longer than the input plus one, got {shape!r}"
        )
    where = f"for input_shape {shape!r}"
    result = np.empty((m, h, w, c), dtype=grad.dtype)  # every cell is written
    _kernels.scatter_add(gb, ib, result, check=lambda block: _check_index_range(block, h, w, where))
    return unbatch(result)


def unpool_avg(grad, input_shape, f, stride=None, *, padding=0, ceil_mode=False,
               count_include_pad=None, divisor_override=None):
    """Average-unpooling: the gradient of mean pooling with respect to its input.

    Parameters
    ----------
    grad : array_like, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Gradient with respect to the pooled output.
    input_shape : tuple of int
        Shape of the array that was pooled.
    f, stride, padding, ceil_mode, count_include_pad, divisor_override
        The arguments the mean pooling used (see :func:`pool`; `padding`
        may be ``'valid'`` or ``'same'``).

    Returns
    -------
    ndarray, shape `input_shape`
        Each value of `grad` divided by its window's divisor and spread
        over the window's real cells; where windows overlap, the shares add
        up. Float dtype of `grad` (float64 for integer `grad`).

    Notes
    -----
    Any stride works, including overlapping (``stride < f``) and gapped
    (``stride > f``) windows; cells that no window covers get 0. The
    definition as a loop is ``unpool_avg`` in ``tests/reference.py``.

    Examples
    --------
    >>> unpool_avg(np.array([[4., 8.], [12., 16.]]), (4, 4), 2)
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    >>> unpool_avg(np.ones((2, 2)), (3, 3), 2, stride=1)
    array([[0.25, 0.5 , 0.25],
           [0.5 , 1.  , 0.5 ],
           [0.25, 0.5 , 0.25]])
    >>> unpool_avg(np.ones((1, 1)), (2, 2), 2, divisor_override=2)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    grad = _grad_array(grad)
    shape = _input_shape(input_shape, grad)
    count_include_pad = _check_cip(count_include_pad)
    divisor_override = _check_override(divisor_override)
    gb, unbatch = _to_batch(grad)
    xshape = _to_batch(np.empty(shape, dtype=np.bool_))[0].shape
    g = _geometry(xshape[1:3], f, stride, padding, ceil_mode)
    if gb.shape[1:3] != g.out:
        raise ValueError(
            f"grad must have the pooled size {g.out} for input_shape {shape!r}, f={f!r}, "
            f"stride={stride!r}, padding={padding!r}, ceil_mode={ceil_mode!r}; "
            f"got spatial size {gb.shape[1:3]}"
        )
    div = _mean_divisor(g, xshape[1:3], count_include_pad, divisor_override, grad.dtype)
    result = (np.empty if _kernels.tiles(g, xshape[1:3]) else np.zeros)(shape, dtype=grad.dtype)
    rb, _ = _to_batch(result)
    _kernels.spread_mean(gb, div, g, rb)
    return result
