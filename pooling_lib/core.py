"""Max and average pooling, and their gradients, in plain numpy.

Arrays are ``(h, w)``, ``(h, w, c)`` or a batch ``(m, h, w, c)``. Pooling
acts on the two spatial axes (the first two, or the middle two of a batch);
channels and samples are pooled independently. The semantics are PyTorch's
``MaxPool2d`` / ``AvgPool2d``: output size with ``ceil_mode``, first maximum
wins on ties, NaN propagates, and the unpooling functions are the exact
gradients (overlapping windows add up, mean divides by each window's
divisor).

How it is fast: instead of materialising every window, the functions
combine strided slices of the input (``x[:, di::s, dj::s]``), one numpy call
per window offset. Pooling is separable, so a window's columns are folded
first and then its rows (``fh + fw`` passes instead of ``fh * fw``). The
position of each maximum is kept as a small integer code per window that
only grows, so "take it where greater" is a multiply and a maximum rather
than a masked copy. Big batches are split over threads (numpy releases the
GIL), each thread works through cache-sized blocks of samples with scratch
arrays it reuses, and no temporary is larger than one block.
"""

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._checks import as_pool_array, check_flag, check_int, pair

__all__ = [
    "output_size",
    "windows",
    "pool",
    "max_mask",
    "unpool_max",
    "unpool_avg",
]

# Work below this many input elements runs in the calling thread: a thread
# pool only pays off on big batches.
_PARALLEL_MIN_ELEMENTS = 1 << 20


# ---------------------------------------------------------------- helpers
def _to_batch(x):
    """View ``x`` as ``(m, h, w, c)``; return the view and a function undoing it."""
    if x.ndim == 2:
        return x[None, :, :, None], lambda y: y[0, :, :, 0]
    if x.ndim == 3:
        return x[None], lambda y: y[0]
    return x, lambda y: y


def _size(n, f, s, p, ceil_mode):
    """PyTorch's output size along one axis (arguments already checked)."""
    span = n + 2 * p - f
    out = (-(-span // s) if ceil_mode else span // s) + 1
    # ceil_mode: the last window must start inside the input or the left padding
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _check_geometry(n, f, s, p, axis):
    """Check one axis: padding at most half the window, window fits the padded input."""
    if p > f // 2:
        raise ValueError(
            f"padding must be at most half the window ({f} // 2 = {f // 2}) "
            f"along the {axis} axis, got {p}"
        )
    if f > n + 2 * p:
        raise ValueError(
            f"f must fit in the padded input along the {axis} axis "
            f"({n} + 2 * {p} = {n + 2 * p}), got {f}"
        )


def _geometry(shape, f, stride, padding, ceil_mode):
    """Check the window arguments against a batch shape; return them with the output size."""
    fh, fw = pair(f, "f", 1)
    sh, sw = (fh, fw) if stride is None else pair(stride, "stride", 1)
    ph, pw = pair(padding, "padding", 0)
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    _, h, w, _ = shape
    _check_geometry(h, fh, sh, ph, "row")
    _check_geometry(w, fw, sw, pw, "column")
    ho = _size(h, fh, sh, ph, ceil_mode)
    wo = _size(w, fw, sw, pw, ceil_mode)
    return (fh, fw), (sh, sw), (ph, pw), (ho, wo)


def _taps(out_hw, f, s):
    """Yield ``(di, dj, rows, cols)``: the slices picking offset (di, dj) of every window."""
    (ho, wo), (fh, fw), (sh, sw) = out_hw, f, s
    for di in range(fh):
        for dj in range(fw):
            yield di, dj, slice(di, di + sh * (ho - 1) + 1, sh), slice(dj, dj + sw * (wo - 1) + 1, sw)


def _padded(x, pad, span, fill):
    """Return ``x`` (m, h, w, c) padded by ``pad`` at the top/left, covering ``span`` rows/cols.

    A view when no padding is needed, else a new array filled with ``fill``.
    """
    (ph, pw), (hp, wp) = pad, span
    _, h, w, _ = x.shape
    if ph == 0 and pw == 0 and hp <= h and wp <= w:
        return x[:, :hp, :wp]
    out = np.full((x.shape[0], hp, wp, x.shape[3]), fill, dtype=x.dtype)
    rows, cols = min(h, hp - ph), min(w, wp - pw)
    out[:, ph:ph + rows, pw:pw + cols] = x[:, :rows, :cols]
    return out


_executor = None

# Each thread works through its samples in blocks of about this many input
# elements, so that the output block and the scratch arrays stay in the
# core's cache while the f * f offsets are combined (the output is read and
# written once per offset).
_BLOCK_ELEMENTS = 1 << 18


def _for_chunks(work, m, elements):
    """Call ``work(start, stop)`` over batch chunks, on threads when the batch is big."""
    global _executor
    workers = os.cpu_count() or 1
    if m == 0:
        return
    if m < 2 or workers < 2 or elements < _PARALLEL_MIN_ELEMENTS:
        work(0, m)
        return
    # two chunks per thread: even work, little Python overhead
    chunks = min(m, 2 * workers)
    bounds = np.linspace(0, m, chunks + 1).astype(int)
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=workers)
    list(_executor.map(work, bounds[:-1], bounds[1:]))


_local = threading.local()

# A thread keeps its scratch memory between calls up to this many bytes:
# fresh memory costs a page fault per page on first touch.
_KEEP_SCRATCH_BYTES = 64 << 20


def _scratch(*specs):
    """Arrays of the given ``(shape, dtype)``, uninitialised, from this thread's reusable buffer."""
    sizes = [int(np.prod(shape)) * np.dtype(dtype).itemsize for shape, dtype in specs]
    need = sum(-(-size // 64) * 64 for size in sizes)
    buf = getattr(_local, "buf", None)
    if buf is None or buf.size < need:
        buf = np.empty(need, dtype=np.uint8)
        if need <= _KEEP_SCRATCH_BYTES:
            _local.buf = buf
    arrays, start = [], 0
    for (shape, dtype), size in zip(specs, sizes):
        arrays.append(buf[start:start + size].view(dtype).reshape(shape))
        start += -(-size // 64) * 64
    return arrays


def _blocks(a, b, sample_elements):
    """Split samples ``a:b`` into cache-sized ``(start, stop)`` blocks."""
    step = max(1, _BLOCK_ELEMENTS // max(1, sample_elements))
    return [(i, min(i + step, b)) for i in range(a, b, step)]


def _accumulator(dtype):
    """The float dtype that pooled means are summed in."""
    if dtype == np.float16:
        return np.float32
    if dtype.kind == "f":
        return dtype
    return np.float64


def _divisors(n, f, s, p, out, count_include_pad):
    """Per-axis window lengths that divide a mean (PyTorch's rule)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + f, n + p)
    if count_include_pad:
        return end - start
    return np.minimum(end, n) - np.maximum(start, 0)


def _fill_value(dtype):
    """The value padding takes in max pooling: it never beats a real cell."""
    if dtype.kind == "f":
        return -np.inf
    return np.iinfo(dtype).min


# ---------------------------------------------------------------- public API
def output_size(n, f, stride=None, padding=0, ceil_mode=False):
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
    padding : int, optional
        Cells added at both ends, at most ``f // 2``.
    ceil_mode : bool, optional
        Round the window count up instead of down, so that a last, partial
        window is kept.

    Returns
    -------
    int
        ``floor((n + 2 * padding - f) / stride) + 1`` (``ceil`` with
        ``ceil_mode``).

    Notes
    -----
    This is PyTorch's formula. With ``ceil_mode`` the last window must start
    inside the input or the left padding; one that would start in the right
    padding is dropped.

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
    """
    n = check_int(n, "n", 1)
    f = check_int(f, "f", 1)
    stride = f if stride is None else check_int(stride, "stride", 1)
    padding = check_int(padding, "padding", 0)
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    _check_geometry(n, f, stride, padding, "input")
    return _size(n, f, stride, padding, ceil_mode)


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
    (fh, fw), (sh, sw), _, (ho, wo) = _geometry(xb.shape, f, stride, 0, False)
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
         count_include_pad=True, return_indices=False):
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
    padding : int or (int, int), optional
        Cells added on every side, at most half the window. Padding never
        wins a maximum (it acts as ``-inf``, or the dtype's minimum for
        integers); in a mean it counts as zeros.
    ceil_mode : bool, optional
        Keep a last, partial window at the bottom/right edge (see
        :func:`output_size`).
    count_include_pad : bool, optional
        Mean only: divide by the window size including padding cells
        (default, as PyTorch) or by the number of real cells only. The part
        of a ``ceil_mode`` window past the padding is never counted.
    return_indices : bool, optional
        Max only: also return where each maximum is.

    Returns
    -------
    out : ndarray, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Pooled array. Max keeps the dtype of ``x``; mean keeps float dtypes
        and gives float64 for integer input.
    indices : ndarray of int64, same shape as `out`
        Only with ``return_indices=True``: the flat position
        ``row * w + col`` of each maximum in its (unpadded) input plane.

    Notes
    -----
    Ties: the first maximum in row-major order inside the window wins, so
    each window names exactly one position (what backpropagation needs).
    NaN propagates: a window holding a NaN pools to NaN, and its index
    points at the window's last NaN (as PyTorch's CPU kernel does).

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
    """
    x = as_pool_array(x, "x")
    if method not in ("max", "mean"):
        raise ValueError(f"method must be 'max' or 'mean', got {method!r}")
    count_include_pad = check_flag(count_include_pad, "count_include_pad")
    return_indices = check_flag(return_indices, "return_indices")
    if return_indices and method != "max":
        raise ValueError(f"return_indices=True needs method='max', got method={method!r}")
    xb, unbatch = _to_batch(x)
    fs, ss, pads, out_hw = _geometry(xb.shape, f, stride, padding, ceil_mode)
    m, h, w, c = xb.shape
    (ho, wo), (fh, fw), (sh, sw) = out_hw, fs, ss
    span = ((ho - 1) * sh + fh, (wo - 1) * sw + fw)

    rows_at, cols_at = _offsets(ho, fh, sh), _offsets(wo, fw, sw)
    # Pooling is separable: fh + fw - 2 passes instead of fh * fw - 1. Sums
    # and maxima fold each window's rows first (long contiguous runs), then
    # its columns (strided, on the smaller array). Positions fold the columns
    # first, so that first maxima stay first in row-major order: a row's
    # first maximum, then the first row holding the window's maximum.
    separable = fh > 1 and fw > 1
    per = h * w * c

    if method == "mean":
        acc = _accumulator(x.dtype)
        out = np.empty((m, ho, wo, c), dtype=acc)
        div = np.multiply.outer(
            _divisors(h, fh, sh, pads[0], ho, count_include_pad),
            _divisors(w, fw, sw, pads[1], wo, count_include_pad),
        ).astype(acc)
        # the same divisor for every window (the usual case): divide by a scalar
        div = div.flat[0] if (div == div.flat[0]).all() else div[:, :, None]

        def work(a, b):
            blocks = _blocks(a, b, per)
            if separable:
                (rows_buf,) = _scratch(((blocks[0][1] - a, ho, span[1], c), acc))
            for i, j in blocks:
                xp = _padded(xb[i:j], pads, span, 0)
                o = out[i:j]
                if separable:
                    rows = rows_buf[:j - i]
                    _running_sum([xp[:, rs, :span[1]] for rs in rows_at], rows)
                    _running_sum([rows[:, :, cs] for cs in cols_at], o)
                else:
                    _running_sum([xp[:, rs, cs] for rs in rows_at for cs in cols_at], o)
                np.divide(o, div, out=o)

        _for_chunks(work, m, xb.size)
        if acc != x.dtype and x.dtype.kind == "f":
            out = out.astype(x.dtype)
        return unbatch(out)

    fill = _fill_value(x.dtype)
    out = np.empty((m, ho, wo, c), dtype=x.dtype)
    if not return_indices:
        def work(a, b):
            blocks = _blocks(a, b, per)
            if separable:
                (rows_buf,) = _scratch(((blocks[0][1] - a, ho, span[1], c), x.dtype))
            for i, j in blocks:
                xp = _padded(xb[i:j], pads, span, fill)
                o = out[i:j]
                if separable:
                    rows = rows_buf[:j - i]
                    _running_max([(xp[:, rs, :span[1]],) for rs in rows_at], rows)
                    _running_max([(rows[:, :, cs],) for cs in cols_at], o)
                else:
                    _running_max([(xp[:, rs, cs],) for rs in rows_at for cs in cols_at], o)

        _for_chunks(work, m, xb.size)
        return unbatch(out)

    indices = np.empty((m, ho, wo, c), dtype=np.int64)
    is_float = x.dtype.kind == "f"
    # Each window's maximum is tracked as a code di * wide + dj (row-major
    # order, so codes grow along the window), in the smallest unsigned dtype.
    # Without padding, wide = w and the flat index is the window's top-left
    # cell plus the code.
    wide = max(w, fw)
    code = np.min_scalar_type((fh - 1) * wide + fw - 1).type
    codes = [code(di * wide + dj) for di in range(fh) for dj in range(fw)]
    rows0 = (np.arange(ho) * sh - pads[0])[:, None, None]
    cols0 = (np.arange(wo) * sw - pads[1])[None, :, None]
    # a padding cell can only win where padding or a ceil_mode window reaches past the input
    edges = pads != (0, 0) or span[0] > h or span[1] > w
    if not edges:
        corner = np.broadcast_to(rows0 * w + cols0, (1, ho, wo, c)).astype(np.int64)

    def work(a, b):
        # scratch for the biggest block, from the thread's reusable buffer
        blocks = _blocks(a, b, per)
        n = blocks[0][1] - a
        rows = span[0] if separable else ho
        shape = (n, rows, wo, c)
        cand_buf, greater_buf, t_buf, cols_buf, dj_buf = _scratch(
            (shape, code), (shape, bool), ((n, ho, wo, c), code),
            (shape if separable else 0, x.dtype), (shape if separable else 0, code))
        for i, j in blocks:
            xp = _padded(xb[i:j], pads, span, fill)
            o, t = out[i:j], t_buf[:j - i]
            cand, greater = cand_buf[:j - i], greater_buf[:j - i]
            if separable:
                cols, dj = cols_buf[:j - i], dj_buf[:j - i]
                _running_max([(xp[:, :span[0], cs], code(k), None) for k, cs in enumerate(cols_at)],
                             cols, dj, cand, greater)
                _running_max([(cols[:, rs], code(k * wide), dj[:, rs]) for k, rs in enumerate(rows_at)],
                             o, t, cand[:, :ho], greater[:, :ho])
            else:
                _running_max([(xp[:, rs, cs], k, None)
                              for k, (rs, cs) in zip(codes, itertools.product(rows_at, cols_at))],
                             o, t, cand, greater)
            if is_float:
                nan = np.isnan(o, out=greater[:, :ho])
                if nan.any():
                    # NaN propagates through np.maximum; its index is the window's last NaN
                    nan = nan.copy()
                    last = np.zeros_like(t)
                    for k, (rs, cs) in zip(codes, itertools.product(rows_at, cols_at)):
                        np.maximum(last, np.isnan(xp[:, rs, cs]).view(np.uint8) * k, out=last)
                    np.copyto(t, last, where=nan)
            if edges:
                _edge_indices(t, indices[i:j], rows0, cols0, wide, h, w)
            else:
                np.add(corner, t, out=indices[i:j], dtype=np.int64)

    _for_chunks(work, m, xb.size)
    return unbatch(out), unbatch(indices)


def _offsets(n_out, f, s):
    """The slices that pick offset ``d`` of every window along one axis, for each ``d < f``."""
    return [slice(d, d + s * (n_out - 1) + 1, s) for d in range(f)]


def _running_sum(taps, o):
    """``o = taps[0] + taps[1] + ...``, added in order, in ``o``'s dtype."""
    if len(taps) == 1:
        np.copyto(o, taps[0])
        return
    with np.errstate(invalid="ignore"):  # inf + -inf is NaN, as in PyTorch
        np.add(taps[0], taps[1], out=o, dtype=o.dtype)
        for tap in taps[2:]:
            np.add(o, tap, out=o, dtype=o.dtype)


def _running_max(taps, o, t=None, cand=None, greater=None):
    """``o = max(taps)``; with ``t``, also the code of each first maximum.

    ``taps`` holds ``(values,)`` or, with ``t``, ``(values, code, codes)``:
    a tap's candidate code is the scalar ``code`` plus the array ``codes``
    (if not None). Codes grow along ``taps``, so "take the code where the
    tap is strictly greater" (which keeps the first maximum) is
    ``t = max(t, greater * code)``: no masked copies. NaN propagates to
    ``o`` but is not tracked in ``t``. ``cand`` and ``greater`` are scratch
    arrays shaped like ``o``.
    """
    if t is None:
        if len(taps) == 1:
            np.copyto(o, taps[0][0])
            return
        np.maximum(taps[0][0], taps[1][0], out=o)
        for (tap,) in taps[2:]:
            np.maximum(o, tap, out=o)
        return
    (first, k, ks), rest = taps[0], taps[1:]
    if ks is None:
        t.fill(k)
    else:
        np.add(ks, k, out=t)
    if not rest:
        np.copyto(o, first)
        return
    previous = first  # the first pass compares two taps: no copy of the first one
    for tap, k, ks in rest:
        np.greater(tap, previous, out=greater)
        if ks is None:
            np.multiply(greater.view(np.uint8), k, out=cand)
        else:
            np.add(ks, k, out=cand)
            np.multiply(cand, greater.view(np.uint8), out=cand)
        np.maximum(t, cand, out=t)
        np.maximum(previous, tap, out=o)
        previous = o


def _edge_indices(t, out, rows0, cols0, wide, h, w):
    """Write ``row * w + col`` of the window codes ``t = di * wide + dj`` into ``out``.

    ``rows0``/``cols0`` are the windows' first row/column (negative in the
    padding). A maximum found in the padding or past the input (possible
    only when every real cell equals the padding value) moves to the
    window's first real cell, which is then the first maximum.
    """
    di, dj = np.divmod(t, t.dtype.type(wide))
    rows = rows0 + di
    cols = cols0 + dj
    outside = (rows < 0) | (rows >= h) | (cols < 0) | (cols >= w)
    if outside.any():
        rows = np.where(outside, np.maximum(rows0, 0), rows)
        cols = np.where(outside, np.maximum(cols0, 0), cols)
    np.multiply(rows, w, out=out)
    out += cols


def max_mask(x, f, stride=None, *, padding=0, ceil_mode=False):
    """0/1 mask of each window's maximum, laid out like :func:`windows`.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input array.
    f : int or (int, int)
        Window size.
    stride : int or (int, int) or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.
    padding : int or (int, int), optional
        Cells added on every side (they are never the maximum).
    ceil_mode : bool, optional
        Keep a last, partial window (see :func:`output_size`).

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
    _, indices = pool(x, f, stride, padding=padding, ceil_mode=ceil_mode, return_indices=True)
    xb, _ = _to_batch(x)
    ib, _ = _to_batch(indices)
    (fh, fw), (sh, sw), (ph, pw), (ho, wo) = _geometry(xb.shape, f, stride, padding, ceil_mode)
    w = xb.shape[2]
    di = ib // w - (np.arange(ho) * sh - ph)[None, :, None, None]
    dj = ib % w - (np.arange(wo) * sw - pw)[None, None, :, None]
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
    shape = tuple(check_int(n, "input_shape", 0) for n in input_shape)
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


def unpool_max(grad, indices, input_shape):
    """Max-unpooling: the gradient of max pooling with respect to its input.

    Parameters
    ----------
    grad : array_like, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Gradient with respect to the pooled output (or any values to put
        back).
    indices : array_like of int, same shape as `grad`
        Flat positions ``row * w + col`` of the maxima, as returned by
        ``pool(..., return_indices=True)``.
    input_shape : tuple of int
        Shape of the array that was pooled: ``(h, w)``, ``(h, w, c)`` or
        ``(m, h, w, c)``.

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
    if ib.size:
        lo, hi = ib.min(), ib.max()
        if lo < 0 or hi >= h * w:
            bad = lo if lo < 0 else hi
            raise ValueError(
                f"indices must lie in [0, h * w) = [0, {h * w}) for input_shape {shape!r}, got {bad}"
            )
    per = h * w * c
    result = np.zeros((m, per), dtype=grad.dtype)
    # flat position of (sample i of a block, channel) in the block's buffer
    step = max(1, _BLOCK_ELEMENTS // max(1, per))
    start = (np.arange(min(m, step)) * per)[:, None, None, None] + np.arange(c)

    def work(a, b):
        blocks = _blocks(a, b, per)
        (flat_buf,) = _scratch(((blocks[0][1] - a,) + gb.shape[1:], np.int64))
        for i, j in blocks:
            r, flat = result[i:j], flat_buf[:j - i]
            np.multiply(ib[i:j], c, out=flat, dtype=np.int64)
            flat += start[:j - i]
            np.add.at(r.reshape(-1), flat.reshape(-1), gb[i:j].reshape(-1))

    _for_chunks(work, m, result.size)
    return unbatch(result.reshape(m, h, w, c))


def unpool_avg(grad, input_shape, f, stride=None, *, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Average-unpooling: the gradient of mean pooling with respect to its input.

    Parameters
    ----------
    grad : array_like, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Gradient with respect to the pooled output.
    input_shape : tuple of int
        Shape of the array that was pooled.
    f, stride, padding, ceil_mode, count_include_pad
        The arguments the mean pooling used (see :func:`pool`).

    Returns
    -------
    ndarray, shape `input_shape`
        Each value of `grad` divided by its window's divisor and spread
        over the window's real cells; where windows overlap, the shares add
        up. Float dtype of `grad` (float64 for integer `grad`).

    Notes
    -----
    Any stride works, including overlapping (``stride < f``) and gapped
    (``stride > f``) windows; cells that no window covers get 0.

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
    """
    grad = _grad_array(grad)
    shape = _input_shape(input_shape, grad)
    count_include_pad = check_flag(count_include_pad, "count_include_pad")
    gb, unbatch = _to_batch(grad)
    xshape = _to_batch(np.empty(shape, dtype=np.bool_))[0].shape
    fs, ss, pads, out_hw = _geometry(xshape, f, stride, padding, ceil_mode)
    if gb.shape[1:3] != out_hw:
        raise ValueError(
            f"grad must have the pooled size {out_hw} for input_shape {shape!r}, f={f!r}, "
            f"stride={stride!r}, padding={padding!r}, ceil_mode={ceil_mode!r}; "
            f"got spatial size {gb.shape[1:3]}"
        )
    m, h, w, c = xshape
    (ho, wo), (fh, fw), (sh, sw), (ph, pw) = out_hw, fs, ss, pads
    div = np.multiply.outer(
        _divisors(h, fh, sh, ph, ho, count_include_pad),
        _divisors(w, fw, sw, pw, wo, count_include_pad),
    ).astype(grad.dtype)
    if (div == div.flat[0]).all():
        div = div.flat[0]
    else:
        div = div[:, :, None]
    span = ((ho - 1) * sh + fh, (wo - 1) * sw + fw)
    inside = (ph, pw) == (0, 0) and span[0] <= h and span[1] <= w
    # windows that tile the input exactly: every cell gets one share, no adding
    tiling = inside and (sh, sw) == (fh, fw)
    # Spreading is separable: over each window's columns into a buffer of
    # pooled rows, then over its rows (long contiguous runs) into the input.
    separable = not tiling and fh > 1 and fw > 1
    hp = max(span[0], h + ph)
    wp = max(span[1], w + pw)
    rows_at, cols_at = _offsets(ho, fh, sh), _offsets(wo, fw, sw)
    result = (np.empty if tiling else np.zeros)(shape, dtype=grad.dtype)
    rb, _ = _to_batch(result)

    def work(a, b):
        blocks = _blocks(a, b, h * w * c)
        n = blocks[0][1] - a
        share_buf, cols_buf, pad_buf = _scratch(
            ((n,) + gb.shape[1:], grad.dtype),
            ((n, ho, span[1], c) if separable else 0, grad.dtype),
            ((n, hp, wp, c) if not inside else 0, grad.dtype))
        for i, j in blocks:
            share = np.divide(gb[i:j], div, out=share_buf[:j - i])
            r = rb[i:j]
            if tiling:
                for rs, cs in itertools.product(rows_at, cols_at):
                    np.copyto(r[:, rs, cs], share)
                r[:, ho * sh:] = 0
                r[:, :ho * sh, wo * sw:] = 0
                continue
            # result starts as zeros; with padding, spread into a zeroed padded frame
            target = r
            if not inside:
                target = pad_buf[:j - i]
                target.fill(0)
            if separable:
                cols = cols_buf[:j - i]
                cols.fill(0)
                for cs in cols_at:
                    np.add(cols[:, :, cs], share, out=cols[:, :, cs])
                for rs in rows_at:
                    np.add(target[:, rs, :span[1]], cols, out=target[:, rs, :span[1]])
            else:
                for rs, cs in itertools.product(rows_at, cols_at):
                    np.add(target[:, rs, cs], share, out=target[:, rs, cs])
            if not inside:
                r[...] = target[:, ph:ph + h, pw:pw + w]

    _for_chunks(work, m, rb.size)
    return result
