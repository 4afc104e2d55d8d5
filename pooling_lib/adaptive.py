"""Global, adaptive and power-average (LP) pooling.

* :func:`global_pool` pools each channel's whole plane to one number (the
  head of most modern CNNs: any input size gives the same feature length).
* :func:`adaptive_pool` asks for an *output* size instead of a window: bin
  ``i`` of ``out`` along an axis of length ``n`` covers
  ``floor(i * n / out)`` up to (not including) ``ceil((i + 1) * n / out)``,
  PyTorch's ``AdaptiveMaxPool2d`` / ``AdaptiveAvgPool2d`` rule. Bins are
  unequal and may overlap when ``out`` does not divide ``n``;
  :func:`adaptive_bins` lists them.
* :func:`lp_pool` is PyTorch's ``LPPool2d``: ``(sum of x**p)**(1/p)`` over
  each window. ``p = 1`` is the window's sum; as ``p`` grows it tends to the
  window's maximum (for non-negative inputs).

Array conventions are those of :mod:`pooling_lib.core`: ``(h, w)``,
``(h, w, c)`` or a batch ``(m, h, w, c)``, pooling over the two spatial
axes. Max keeps the dtype; means and LP pooling keep float dtypes and give
float64 for integer input; NaN propagates. Inputs are never modified.
"""

import itertools
import math
import numbers

import numpy as np

from ._checks import LARGEST, as_pool_array, check_flag, check_int
from ._kernels import offsets
from .core import _accumulator, _check_method, _geometry, _to_batch

__all__ = ["adaptive_bins", "adaptive_pool", "global_pool", "lp_pool"]


def _bins(n, out):
    """Bin edges along one axis (arguments already checked), as two int arrays."""
    i = np.arange(out)
    start = (i * n) // out
    stop = -((-(i + 1) * n) // out)  # ceil((i + 1) * n / out) in integers
    return start, stop


def adaptive_bins(n, out):
    """The ``(start, stop)`` of each adaptive-pooling bin along one axis.

    Parameters
    ----------
    n : int
        Input length along the axis.
    out : int
        Number of bins (the output length). May exceed ``n``: then some
        cells are repeated in neighbouring bins.

    Returns
    -------
    list of (int, int)
        Bin ``i`` covers cells ``start <= k < stop`` with
        ``start = floor(i * n / out)`` and ``stop = ceil((i + 1) * n / out)``.

    Notes
    -----
    This is PyTorch's rule. When ``out`` divides ``n`` every bin has
    ``n // out`` cells and they touch, exactly like pooling with
    ``f = stride = n // out``. Otherwise bins have unequal lengths and
    neighbours can share a cell: with ``n = 5, out = 3`` the middle bin
    overlaps both others.

    Examples
    --------
    >>> adaptive_bins(4, 2)
    [(0, 2), (2, 4)]
    >>> adaptive_bins(5, 3)
    [(0, 2), (1, 4), (3, 5)]
    >>> adaptive_bins(2, 3)
    [(0, 1), (0, 2), (1, 2)]
    """
    n = check_int(n, "n", 1, LARGEST)
    out = check_int(out, "out", 1, LARGEST)
    start, stop = _bins(n, out)
    return [(int(a), int(b)) for a, b in zip(start, stop)]


# Bins are cut one by one in Python: at most this many along an axis, or 4 times the
# input's length where that is more.
_MOST_BINS = 1 << 13


def _output_pair(output_size, shape):
    """Check ``output_size`` (an int, or a pair of int/None); return ``(oh, ow)``."""
    if isinstance(output_size, np.ndarray) and output_size.ndim == 0 and output_size.dtype.kind in "iu":
        output_size = output_size[()]
    if isinstance(output_size, np.ndarray) and output_size.ndim == 1:
        output_size = tuple(output_size.tolist())
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise TypeError(
                f"output_size must be an integer or a pair (rows, cols), got {output_size!r}"
            )
        sizes = tuple(output_size)
    elif isinstance(output_size, numbers.Integral) and not isinstance(output_size, (bool, np.bool_)):
        sizes = (output_size, output_size)
    else:
        raise TypeError(
            f"output_size must be an integer or a pair (rows, cols), got {output_size!r}"
        )
    pair = tuple(n if s is None else check_int(s, "output_size", 1, LARGEST) for s, n in zip(sizes, shape))
    for size, n, axis in zip(pair, shape, ("row", "column")):
        limit = max(4 * n, _MOST_BINS)
        if size > limit:
            raise ValueError(f"output_size must be at most max(4 * {n}, {_MOST_BINS}) = {limit} along the "
                             f"{axis} axis, got {output_size!r}")
    return pair


def adaptive_pool(x, output_size, method="max"):
    """Pool the two spatial axes down to a chosen output size.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input; integer or floating point. Never modified.
    output_size : int or (int or None, int or None)
        ``(oh, ow)`` of the result (a tuple, list or integer array); one int
        means a square output, ``None`` keeps that axis's input length.
    method : {'max', 'mean'}, optional
        Maximum or average of each bin.

    Returns
    -------
    ndarray, shape (oh, ow), (oh, ow, c) or (m, oh, ow, c)
        ``out[i, j]`` pools rows ``adaptive_bins(h, oh)[i]`` and columns
        ``adaptive_bins(w, ow)[j]``. Max keeps the dtype of ``x``; mean keeps
        float dtypes and gives float64 for integer input. NaN propagates.

    Notes
    -----
    PyTorch's ``AdaptiveMaxPool2d`` / ``AdaptiveAvgPool2d``. A bin's mean
    divides by the bin's own size (there is no padding). When the output
    size divides the input size this is ordinary pooling with
    ``f = stride = n // out``. Bins are rectangles, so the pooling is done
    one axis at a time (rows, then columns), one numpy call per bin.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> adaptive_pool(x, 2)
    array([[ 5,  7],
           [13, 15]])
    >>> adaptive_pool(x, 3, method="mean")
    array([[ 2.5,  3.5,  4.5],
           [ 6.5,  7.5,  8.5],
           [10.5, 11.5, 12.5]])
    >>> adaptive_pool(x, (1, None))
    array([[12, 13, 14, 15]])
    """
    x = as_pool_array(x, "x")
    _check_method(method)
    xb, unbatch = _to_batch(x)
    m, h, w, c = xb.shape
    oh, ow = _output_pair(output_size, (h, w))
    r0, r1 = _bins(h, oh)
    c0, c1 = _bins(w, ow)
    if method == "max":
        rows = np.empty((m, oh, w, c), dtype=x.dtype)
        for i in range(oh):
            np.max(xb[:, r0[i]:r1[i]], axis=1, out=rows[:, i])
        out = np.empty((m, oh, ow, c), dtype=x.dtype)
        for j in range(ow):
            np.max(rows[:, :, c0[j]:c1[j]], axis=2, out=out[:, :, j])
        return unbatch(out)
    acc = _accumulator(x.dtype)
    rows = np.empty((m, oh, w, c), dtype=acc)
    out = np.empty((m, oh, ow, c), dtype=acc)
    count = np.multiply.outer(r1 - r0, c1 - c0).astype(acc)
    # inf + -inf in a bin is NaN and float32 sums may overflow to inf, as in PyTorch: no warnings
    with np.errstate(invalid="ignore", over="ignore"):
        for i in range(oh):
            np.sum(xb[:, r0[i]:r1[i]], axis=1, dtype=acc, out=rows[:, i])
        for j in range(ow):
            np.sum(rows[:, :, c0[j]:c1[j]], axis=2, out=out[:, :, j])
        np.divide(out, count[None, :, :, None], out=out)
        if x.dtype.kind == "f" and acc != x.dtype:
            out = out.astype(x.dtype)
    return unbatch(out)


def global_pool(x, method="max", keepdims=False):
    """Pool each channel's whole spatial plane to one number.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input; integer or floating point. Never modified.
    method : {'max', 'mean'}, optional
        Maximum or average over the plane.
    keepdims : bool, optional
        Keep the two spatial axes with length 1 (the result of
        ``adaptive_pool(x, 1)``) instead of dropping them.

    Returns
    -------
    ndarray or scalar
        Shape ``(c,)`` for ``(h, w, c)`` input, ``(m, c)`` for a batch, a
        numpy scalar for ``(h, w)`` input; with ``keepdims`` the shapes
        are ``(1, 1)``, ``(1, 1, c)`` and ``(m, 1, 1, c)``. Dtypes as in
        :func:`adaptive_pool`.

    Notes
    -----
    Global average pooling turns a feature map of any height and width
    into one feature per channel, which is why networks that end with it
    accept images of any size.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> int(global_pool(x))
    15
    >>> float(global_pool(x, "mean"))
    7.5
    >>> global_pool(np.stack([x, -x], axis=-1), "max")
    array([15,  0])
    >>> global_pool(x, "mean", keepdims=True)
    array([[7.5]])
    """
    x = as_pool_array(x, "x")
    _check_method(method)
    keepdims = check_flag(keepdims, "keepdims")
    axes = (1, 2) if x.ndim == 4 else (0, 1)
    if method == "max":
        return np.max(x, axis=axes, keepdims=keepdims)
    acc = _accumulator(x.dtype)
    # inf + -inf is NaN and float32 sums may overflow to inf, as in PyTorch: no warnings
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.sum(x, axis=axes, dtype=acc, keepdims=keepdims) / (x.shape[axes[0]] * x.shape[axes[1]])
        if x.dtype.kind == "f" and acc != x.dtype:
            out = out.astype(x.dtype)
    return out


def _check_p(p):
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
        raise TypeError(f"p must be a real number, got {p!r}")
    try:
        value = float(p)  # Fraction, Decimal, huge ints: np.isfinite takes none of them
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise ValueError(f"p must be finite, got {p!r}")
    if value <= 0:
        raise ValueError(f"p must be positive, got {p!r}")
    return value


def lp_pool(x, p, f, stride=None):
    """Power-average pooling: ``(sum of x**p over the window)**(1/p)``.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input; integer or floating point. Never modified.
    p : float
        The power, finite and positive. ``p = 1`` gives each window's sum,
        ``p = 2`` its Euclidean norm; as ``p`` grows the result tends to
        the window's maximum.
    f : int or (int, int)
        Window size.
    stride : int or (int, int) or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.

    Returns
    -------
    ndarray, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Float dtype of ``x`` (float64 for integer input). Output size as
        :func:`pooling_lib.pool` without padding.

    Notes
    -----
    This is PyTorch's ``LPPool2d`` (no padding, ``ceil_mode=False``). For
    non-negative windows with ``k = fh * fw`` cells,
    ``max <= lp_pool <= k**(1/p) * max``, so the result slides from the
    sum (``p = 1``) down to the maximum as ``p`` grows, and
    ``lp_pool / k**(1/p)`` (the power mean) slides from the mean up to
    the maximum.

    The sign caveat: the definition only behaves like a "soft maximum" for
    non-negative inputs (e.g. after a ReLU). A negative cell raised to a
    non-integer ``p`` is NaN, so its window pools to NaN; with an odd
    integer ``p`` negative cells subtract, and a window whose ``sum x**p``
    is negative pools to NaN as well (its ``1/p``-th power is not real),
    except for ``p = 1``, which is the plain sum. With an even ``p`` the
    result is that of ``abs(x)``. PyTorch gives the same NaNs; no warning
    is raised. Infinite cells follow the same rules (``inf`` where the
    result is real, NaN where it is not).

    Each window is divided by its largest absolute value ``M`` before the
    powers are taken (and multiplied back after the root), so no ``p``
    overflows or underflows: for non-negative windows the result always lies
    in ``[M, k**(1/p) * M]``. ``p = 1`` is computed as the plain sum.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> lp_pool(x, 1, 2)
    array([[10., 18.],
           [42., 50.]])
    >>> lp_pool(np.array([[3, 4], [0, 0]]), 2, 2)
    array([[5.]])
    >>> np.round(lp_pool(x, 50, 2), 3)       # close to pool(x, 2): [[5, 7], [13, 15]]
    array([[ 5.   ,  7.   ],
           [13.005, 15.009]])
    """
    x = as_pool_array(x, "x")
    p = _check_p(p)
    xb, unbatch = _to_batch(x)
    g = _geometry(xb.shape[1:3], f, stride, 0, False)
    m, c = xb.shape[0], xb.shape[3]
    acc = _accumulator(x.dtype)
    xa = xb.astype(acc, copy=False)  # a copy only for integer and float16 input
    taps = [(rows, cols) for rows, cols in itertools.product(
        offsets(g.out[0], g.f[0], g.s[0]), offsets(g.out[1], g.f[1], g.s[1]))]

    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        if p == 1:
            # the plain sum (negative cells subtract), exactly as the definition adds it
            out = np.zeros((m, *g.out, c), dtype=acc)
            for rows, cols in taps:
                out += xa[:, rows, cols]
        else:
            out = _lp_windows(xa, taps, p, (m, *g.out, c))
        if x.dtype.kind == "f" and acc != x.dtype:
            out = out.astype(x.dtype)  # float16: a result past its range is inf, as the definition
    return unbatch(out)


def _exact_sum(terms):
    """Elementwise sum of the arrays ``terms`` with the exact sum's sign: exactly 0 where that is 0.

    Shewchuk's expansion sum: each term is added to a list of partial sums
    with Knuth's two-sum, which keeps every rounding error as a partial of
    its own, so the partials always add up exactly to the terms' sum; they
    grow in magnitude and do not overlap, so adding them from the smallest
    up gives the sum within about one rounding, with its exact sign, and 0
    exactly when all are 0.
    (Finite terms; NaN propagates.)
    """
    partials = []
    for x in terms:
        grown = []
        for y in partials:
            high = x + y
            y_part = high - x
            grown.append((x - (high - y_part)) + (y - y_part))  # the rounding error of x + y
            x = high
        grown.append(x)
        partials = grown
    total = partials[0].copy()
    for part in partials[1:]:
        total += part
    return total


def _lp_windows(xa, taps, p, shape):
    """``(sum |x / M| ** p) ** (1 / p) * M`` per window, ``M`` the window's largest ``|x|``.

    Dividing by ``M`` itself makes the largest term exactly 1, so the sum
    lies in ``[1, k]`` for ``k`` cells whatever ``p`` is: nothing
    overflows or underflows to zero, and the result stays in
    ``[M, k ** (1 / p) * M]`` for non-negative windows.
    """
    acc = xa.dtype
    # the largest absolute value of each window (NaN if the window holds one)
    scale = np.zeros(shape, dtype=acc)
    for rows, cols in taps:
        np.maximum(scale, np.abs(xa[:, rows, cols]), out=scale)
    safe = np.where(np.isfinite(scale) & (scale > 0), scale, acc.type(1))
    integer = float(p).is_integer()
    odd = integer and int(p) % 2 == 1

    def term(rows, cols):
        # An integer p raises |x / M| and puts the sign back for an odd p: numpy's float power
        # of an array is not symmetric ((-2/3) ** 3 and (2/3) ** 3 differ in the last bit in
        # float32), and the even-p result would not quite be that of abs(x).
        r = xa[:, rows, cols] / safe
        if not integer:
            return r ** p  # a negative cell to a fractional power: NaN, as the definition
        power = np.abs(r) ** p
        return np.copysign(power, r) if odd else power

    if odd and (xa < 0).any():
        # odd p, negative cells: terms cancel, and rounding in a plain sum would leave a residue
        # that the 1/p-th root magnifies ([-3, 2, 3, -2] with p = 3 gave 1.1e-05, or NaN in
        # another order). The exact sum of the terms is 0 there, and keeps its sign elsewhere.
        total = _exact_sum([term(rows, cols) for rows, cols in taps])
    else:
        total = np.zeros_like(scale)
        for rows, cols in taps:
            total += term(rows, cols)
    out = safe * total ** (1.0 / p)
    # windows holding +-inf: the plain formula, with the same sign rules as
    # finite cells (C's pow would make (-inf) ** 1.5 and (-inf) ** (1/3) +inf)
    infinite = np.isinf(scale)
    if infinite.any():
        plain = np.zeros_like(scale)
        for rows, cols in taps:
            tap = xa[:, rows, cols]
            plain += np.where((tap < 0) & (not integer), np.nan, tap ** p)
        root = np.where(plain < 0, np.nan, np.abs(plain) ** (1.0 / p) * np.sign(plain))
        out[infinite] = root[infinite]
    return out
