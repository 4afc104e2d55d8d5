"""The fast engine behind :mod:`pooling_lib.core`: how pooling runs at numpy speed.

The definitions are plain loops (``tests/reference.py``): for every window,
scan its cells. This module computes the same numbers with a handful of
whole-array numpy calls. The techniques, one by one:

* **Taps instead of windows.** Offset ``(di, dj)`` of every window at once is
  a strided slice of the (padded) input, ``x[:, di::sh, dj::sw]`` cut to the
  output size: one numpy call handles that offset of all windows. A window of
  ``fh * fw`` cells is ``fh * fw`` such calls, never a copy of the windows.
* **Separable passes.** A window's maximum (or sum) is the maximum over its
  rows of the maximum over its columns. Folding one axis into a buffer, then
  the other, costs ``fh + fw`` passes instead of ``fh * fw``.
* **Running maximum with a position code.** To find *where* the first
  maximum is, each tap carries a code ``di * wide + dj`` that grows in
  row-major order. "Take the tap's code where it is strictly greater" is then
  ``t = max(t, greater * code)``: a multiply and a maximum, no masked copy,
  and ties keep the earlier (smaller) code, so the first maximum wins. With
  separable passes, columns are folded first (the first maximum of each row
  piece), then rows (the first row holding the window's maximum): that is
  the first maximum in row-major order.
* **Blocks and scratch.** Each thread works through its samples in blocks of
  about ``_BLOCK_ELEMENTS`` input elements, so that the output block and the
  scratch arrays stay in the core's cache while the taps are combined. The
  scratch arrays come from one reusable per-thread buffer (fresh memory costs a
  page fault per page), so no temporary is larger than one block.
* **Threads.** numpy releases the GIL inside its loops, so a big batch is split
  over a thread pool; small work stays in the calling thread.
* **Tiny work: gather.** On an explorer-sized grid the cost is the number of
  numpy calls, not the arithmetic: max pooling then gathers every window's
  cells with one fancy index (``_window_cells``) and takes one ``max`` or
  ``argmax`` (the first maximum) along them.
* **Scatter into the cache.** The max gradient adds each value at its index
  (``np.add.at``) into a zeroed per-thread buffer the size of one block, then
  copies the block out in one sequential pass: scattered writes into fresh
  memory cost a page fault each time they reach a new page.

Nothing here checks arguments: :mod:`pooling_lib.core` does that and passes a
``Geometry`` (window ``f``, stride ``s``, dilation ``d``, padding before
``pad``, output size ``out``, padded extent ``span``) whose numbers are
already valid.
"""

import functools
import itertools
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Work below this many input elements runs in the calling thread: a thread
# pool only pays off on big batches.
_PARALLEL_MIN_ELEMENTS = 1 << 20

# Each thread works through its samples in blocks of about this many input
# elements, so that the output block and the scratch arrays stay in the
# core's cache while the f * f offsets are combined (the output is read and
# written once per offset).
_BLOCK_ELEMENTS = 1 << 18

# A thread keeps its scratch memory between calls up to this many bytes:
# fresh memory costs a page fault per page on first touch.
_KEEP_SCRATCH_BYTES = 64 << 20

# Below this many bytes, scratch arrays are simply allocated (from numpy's small-block cache).
_SMALL_SCRATCH_BYTES = 1 << 14

_WORKERS = os.cpu_count() or 1
_executor = None
_local = threading.local()


# ---------------------------------------------------------------- scheduling and memory
def for_chunks(work, m, elements):
    """Call ``work(start, stop)`` over batch chunks, on threads when the batch is big."""
    global _executor
    workers = _WORKERS
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


def scratch(*specs):
    """Arrays of the given ``(shape, dtype)``, uninitialised, from this thread's reusable buffer."""
    sizes = [math.prod(shape) * np.dtype(dtype).itemsize if shape else 0 for shape, dtype in specs]
    need = sum(-(-size // 64) * 64 for size in sizes)
    if need <= _SMALL_SCRATCH_BYTES:  # small work: fresh arrays cost less than the bookkeeping
        return [np.empty(shape, dtype) for shape, dtype in specs]
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


def blocks(a, b, sample_elements):
    """Split samples ``a:b`` into cache-sized ``(start, stop)`` blocks."""
    step = max(1, _BLOCK_ELEMENTS // max(1, sample_elements))
    return [(i, min(i + step, b)) for i in range(a, b, step)]


def padded(x, pad, span, fill):
    """Return ``x`` (m, h, w, c) with ``pad`` cells before, covering ``span`` rows/cols.

    A view when no padding is needed, else a new array filled with ``fill``
    (the cells after the input, up to ``span``, are padding too).
    """
    (ph, pw), (hp, wp) = pad, span
    _, h, w, _ = x.shape
    if ph == 0 and pw == 0 and hp <= h and wp <= w:
        return x[:, :hp, :wp]
    out = np.full((x.shape[0], hp, wp, x.shape[3]), fill, dtype=x.dtype)
    rows, cols = min(h, hp - ph), min(w, wp - pw)
    out[:, ph:ph + rows, pw:pw + cols] = x[:, :rows, :cols]
    return out


@functools.lru_cache(maxsize=256)
def offsets(n_out, f, s, d=1):
    """The slices that pick tap ``k`` (offset ``k * d``) of every window along one axis, ``k < f``."""
    return tuple(slice(k * d, k * d + s * (n_out - 1) + 1, s) for k in range(f))


# ---------------------------------------------------------------- running sums and maxima
def running_sum(taps, o):
    """``o = taps[0] + taps[1] + ...``, added in order, in ``o``'s dtype."""
    if len(taps) == 1:
        np.copyto(o, taps[0])
        return
    np.add(taps[0], taps[1], out=o, dtype=o.dtype)
    for tap in taps[2:]:
        np.add(o, tap, out=o, dtype=o.dtype)


def running_max(taps, o, t=None, cand=None, greater=None):
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
    if not rest:
        if ks is None:
            t.fill(k)
        else:
            np.add(ks, k, out=t)
        np.copyto(o, first)
        return
    # The first two taps at once: t = (second's code where it is greater, else the first's)
    # without filling t first. Codes grow, so the first's is the smaller one.
    tap, k1, ks1 = rest[0]
    np.greater(tap, first, out=greater)
    if ks is None:
        np.multiply(greater.view(np.uint8), k1 - k, out=t)
        if k:
            np.add(t, k, out=t)
    else:
        np.add(ks1, k1, out=cand)
        np.multiply(cand, greater.view(np.uint8), out=cand)
        if k:
            np.add(ks, k, out=t)
            np.maximum(t, cand, out=t)
        else:
            np.maximum(ks, cand, out=t)
    np.maximum(first, tap, out=o)
    for tap, k, ks in rest[1:]:
        np.greater(tap, o, out=greater)
        if ks is None:
            np.multiply(greater.view(np.uint8), k, out=cand)
        else:
            np.add(ks, k, out=cand)
            np.multiply(cand, greater.view(np.uint8), out=cand)
        np.maximum(t, cand, out=t)
        np.maximum(o, tap, out=o)


def _first_real(start, d):
    """The first tap position ``start + k * d`` that is not in the leading padding."""
    return np.where(start < 0, start + (-start + d - 1) // d * d, start)


def edge_indices(t, out, rows0, cols0, wide, h, w, d):
    """Write ``row * w + col`` of the window codes ``t = di * wide + dj`` into ``out``.

    ``rows0``/``cols0`` are the windows' first row/column (negative in the
    padding). A maximum found in the padding or past the input (possible
    only when every real cell equals the padding value) moves to the
    window's first real tap, which is then the first maximum.
    """
    di, dj = np.divmod(t, t.dtype.type(wide))
    rows = rows0 + di
    cols = cols0 + dj
    outside = (rows < 0) | (rows >= h) | (cols < 0) | (cols >= w)
    if outside.any():
        rows = np.where(outside, _first_real(rows0, d[0]), rows)
        cols = np.where(outside, _first_real(cols0, d[1]), cols)
    np.multiply(rows, w, out=out)
    out += cols


# ---------------------------------------------------------------- pooling
def real_cells_only(g, hw):
    """Whether every window holds only real cells: no padding, no ``ceil_mode`` window past the input."""
    h, w = hw
    return g.pad == (0, 0) and g.span[0] <= h and g.span[1] <= w


@functools.lru_cache(maxsize=64)
def _window_cells(g, h, w):
    """Flat position ``row * w + col`` of every cell of every window, shape ``(ho * wo, fh * fw)``,
    and the column ``arange(ho * wo)[:, None]`` that picks one cell per window.

    Cells in row-major order inside each window, so that ``argmax`` along
    the last axis finds the first maximum. Only for geometries whose windows
    hold no padding (:func:`real_cells_only`).
    """
    (ho, wo), (fh, fw), (sh, sw), (dh, dw) = g.out, g.f, g.s, g.d
    rows = (np.arange(ho) * sh)[:, None, None, None] + (np.arange(fh) * dh)[None, None, :, None]
    cols = (np.arange(wo) * sw)[None, :, None, None] + (np.arange(fw) * dw)[None, None, None, :]
    cells = (rows * w + cols).reshape(ho * wo, fh * fw)
    window = np.arange(ho * wo)[:, None]  # picks each window's row of ``cells``
    for a in (cells, window):
        a.flags.writeable = False
    return cells, window


# Below this many gathered window cells, max pooling gathers every window and
# takes one max or argmax (a handful of numpy calls: explorer-sized work).
_GATHER_MAX_CELLS = 1 << 13


def _max_work(xb, g, out, fill):
    (ho, wo), (fh, fw), (sh, sw), (dh, dw) = g.out, g.f, g.s, g.d
    span = g.span
    rows_at, cols_at = offsets(ho, fh, sh, dh), offsets(wo, fw, sw, dw)
    separable = fh > 1 and fw > 1
    per = int(np.prod(xb.shape[1:]))
    c = xb.shape[3]

    def work(a, b):
        parts = blocks(a, b, per)
        if separable:
            (rows_buf,) = scratch(((parts[0][1] - a, ho, span[1], c), xb.dtype))
        for i, j in parts:
            xp = padded(xb[i:j], g.pad, span, fill)
            o = out[i:j]
            if separable:
                rows = rows_buf[:j - i]
                running_max([(xp[:, rs, :span[1]],) for rs in rows_at], rows)
                running_max([(rows[:, :, cs],) for cs in cols_at], o)
            else:
                running_max([(xp[:, rs, cs],) for rs in rows_at for cs in cols_at], o)

    return work


def max_pool(xb, g, out, fill):
    """Maximum of every window of the batch ``xb`` into ``out`` (m, ho, wo, c)."""
    m, h, w, c = xb.shape
    if out.size == 0:  # no sample or no channel: nothing to compute
        return
    if real_cells_only(g, (h, w)) and out.size * g.f[0] * g.f[1] <= _GATHER_MAX_CELLS:
        # tiny work: every window gathered, one reduction (NaN propagates through max)
        cells, _ = _window_cells(g, h, w)
        out.reshape(m, -1, c)[...] = xb.reshape(m, h * w, c)[:, cells].max(axis=2)
        return
    for_chunks(_max_work(xb, g, out, fill), m, xb.size)


def mean_pool(xb, g, div, out):
    """Sum of every window of ``xb`` divided by ``div`` (a scalar or (ho, wo, 1)) into ``out``."""
    if out.size == 0:  # no sample or no channel: nothing to compute
        return
    (ho, wo), (fh, fw), (sh, sw) = g.out, g.f, g.s
    span = g.span
    rows_at, cols_at = offsets(ho, fh, sh), offsets(wo, fw, sw)
    separable = fh > 1 and fw > 1
    m, h, w, c = xb.shape
    acc = out.dtype

    def work(a, b):
        parts = blocks(a, b, h * w * c)
        if separable:
            (rows_buf,) = scratch(((parts[0][1] - a, ho, span[1], c), acc))
        # inf + -inf is NaN and float32 sums may overflow to inf, as in PyTorch: no warnings
        with np.errstate(invalid="ignore", over="ignore"):
            for i, j in parts:
                xp = padded(xb[i:j], g.pad, span, 0)
                o = out[i:j]
                if separable:
                    rows = rows_buf[:j - i]
                    running_sum([xp[:, rs, :span[1]] for rs in rows_at], rows)
                    running_sum([rows[:, :, cs] for cs in cols_at], o)
                else:
                    running_sum([xp[:, rs, cs] for rs in rows_at for cs in cols_at], o)
                np.divide(o, div, out=o)

    for_chunks(work, m, xb.size)


@functools.lru_cache(maxsize=64)
def _index_plan(g, h, w):
    """The constants of :func:`max_pool_indices` for one geometry (computed once, then reused)."""
    (ho, wo), (fh, fw), (sh, sw), (dh, dw) = g.out, g.f, g.s, g.d
    rows_at, cols_at = offsets(ho, fh, sh, dh), offsets(wo, fw, sw, dw)
    # Each window's maximum is tracked as a code (row offset) * wide + (column
    # offset) (row-major order, so codes grow along the window), in the
    # smallest unsigned dtype that holds the codes and wide itself (the
    # divisor that splits a code). Without padding, wide = w and the flat
    # index is the window's top-left cell plus the code.
    wide = max(w, dw * (fw - 1) + 1)
    code = np.min_scalar_type(max(dh * (fh - 1) * wide + dw * (fw - 1), wide)).type
    row_codes = [code(k * dh * wide) for k in range(fh)]
    col_codes = [code(k * dw) for k in range(fw)]
    codes = [code(r + q) for r in row_codes for q in col_codes]
    rows0 = (np.arange(ho) * sh - g.pad[0])[:, None, None]
    cols0 = (np.arange(wo) * sw - g.pad[1])[None, :, None]
    # a padding cell can only win where padding or a ceil_mode window reaches past the input
    edges = not real_cells_only(g, (h, w))
    corner = None
    if not edges:
        corner = (rows0 * w + cols0)[None].astype(np.int64)  # (1, ho, wo, 1): broadcast over channels
        corner.flags.writeable = False
    for a in (rows0, cols0):
        a.flags.writeable = False
    return rows_at, cols_at, wide, code, row_codes, col_codes, codes, rows0, cols0, edges, corner


def _max_indices_gathered(xb, g, out, indices):
    """:func:`max_pool_indices` for tiny work: every window gathered, one ``argmax``.

    Returns False (and writes nothing) when a window holds NaN, whose index
    follows PyTorch's last-NaN rule, which ``argmax`` (first NaN) does not.
    """
    m, h, w, c = xb.shape
    cells, window = _window_cells(g, h, w)
    plane = xb.reshape(m, h * w, c)
    k = plane[:, cells].argmax(axis=2)  # (m, ho * wo, c): the first maximum of each window
    flat = cells[window, k]  # its position in the plane
    best = plane[np.arange(m)[:, None, None], flat, np.arange(c)]  # the very cell: -0.0 stays -0.0
    if best.dtype.kind == "f" and best.size and np.isnan(best.max()):  # max is NaN iff some window's is
        return False
    out.reshape(m, -1, c)[...] = best
    indices.reshape(m, -1, c)[...] = flat
    return True


def max_pool_indices(xb, g, out, indices, fill):
    """Maximum of every window of ``xb`` into ``out`` and the flat position of its first maximum.

    ``indices`` (int64, like ``out``) receives ``row * w + col`` in the
    unpadded plane. NaN wins (the window's last NaN, as PyTorch's CPU
    kernel), and a window's value is always the cell its index names (a
    tie between ``0.0`` and ``-0.0`` gives the first of them).
    """
    m, h, w, c = xb.shape
    (ho, wo), (fh, fw), span, pads = g.out, g.f, g.span, g.pad
    if out.size == 0:  # no sample or no channel: nothing to compute
        return
    separable = fh > 1 and fw > 1
    per = h * w * c
    is_float = xb.dtype.kind == "f"
    rows_at, cols_at, wide, code, row_codes, col_codes, codes, rows0, cols0, edges, corner = _index_plan(g, h, w)
    if not edges and out.size * fh * fw <= _GATHER_MAX_CELLS and _max_indices_gathered(xb, g, out, indices):
        return

    def work(a, b):
        # scratch for the biggest block, from the thread's reusable buffer
        parts = blocks(a, b, per)
        n = parts[0][1] - a
        rows = span[0] if separable else ho
        shape = (n, rows, wo, c)
        cand_buf, greater_buf, t_buf, cols_buf, dj_buf = scratch(
            (shape, code), (shape, bool), ((n, ho, wo, c), code),
            (shape if separable else 0, xb.dtype), (shape if separable else 0, code))
        for i, j in parts:
            xp = padded(xb[i:j], pads, span, fill)
            o, t = out[i:j], t_buf[:j - i]
            cand, greater = cand_buf[:j - i], greater_buf[:j - i]
            if separable:
                cols, dj = cols_buf[:j - i], dj_buf[:j - i]
                running_max([(xp[:, :span[0], cs], q, None) for q, cs in zip(col_codes, cols_at)],
                            cols, dj, cand, greater)
                running_max([(cols[:, rs], r, dj[:, rs]) for r, rs in zip(row_codes, rows_at)],
                            o, t, cand[:, :ho], greater[:, :ho])
            else:
                running_max([(xp[:, rs, cs], k, None)
                             for k, (rs, cs) in zip(codes, itertools.product(rows_at, cols_at))],
                            o, t, cand, greater)
            # A contiguous bool array shaped like o, in greater's memory (free now). Contiguous
            # matters: numpy 2.4's isnan, isinf and signbit leave elements of a strided bool
            # out= unwritten (np.isnan(np.ones(32), out=np.ones(64, bool)[::2]) keeps 28 Trues).
            flags = greater.reshape(-1)[:o.size].reshape(o.shape)
            # the largest maximum is NaN exactly when some window is: only then look for them
            if is_float and np.isnan(np.maximum.reduce(o, axis=None)):
                # NaN propagates through np.maximum; its index is the window's last NaN
                nan = np.isnan(o, out=flags)
                last = np.zeros_like(t)
                for k, (rs, cs) in zip(codes, itertools.product(rows_at, cols_at)):
                    np.maximum(last, np.isnan(xp[:, rs, cs]).view(np.uint8) * k, out=last)
                np.copyto(t, last, where=nan)
            idx = indices[i:j]
            if edges:
                edge_indices(t, idx, rows0, cols0, wide, h, w, g.d)
            else:
                np.add(corner, t, out=idx, dtype=np.int64)
            if is_float:
                # np.maximum may keep -0.0 where 0.0 came first (they compare equal):
                # read the value of a zero maximum from the cell its index names
                zero = np.equal(o, 0, out=flags)
                if zero.any():
                    plane = xb[i:j].reshape(j - i, h * w, c)
                    cell = np.take_along_axis(plane, idx.reshape(j - i, ho * wo, c), axis=1)
                    np.copyto(o, cell.reshape(o.shape), where=zero)

    for_chunks(work, m, xb.size)


# ---------------------------------------------------------------- gradients
def scatter_add(gb, ib, result, check=None):
    """``result`` (m, h, w, c) receives, at each cell, the sum of the ``gb`` values whose ``ib`` names it.

    Every cell of ``result`` is written (0 where no index points), so it may
    be uninitialised. Each cache-sized block of samples is summed with
    ``np.add.at`` into a zeroed buffer that the thread reuses (the scattered
    adds stay in the cache and never touch fresh memory), then copied into
    ``result`` in one sequential pass. Measured against ``np.bincount`` and
    against the scatter-free masked passes in benchmarks/bench_pooling.py
    (table 7): the masked passes took 3.5x as long, one ``np.bincount`` per
    sample came out even while needing a float64 buffer per sample.

    ``check(indices)``, if given, is called on each block of ``ib`` before it
    is used (to raise on an index outside the plane): the check then runs
    on threads, on blocks that are in the cache anyway.
    """
    m, h, w, c = result.shape
    if result.size == 0:  # no sample or no channel: nothing to write
        return
    per = h * w * c
    # flat position of (sample i of a block, channel) in the block's buffer
    step = max(1, _BLOCK_ELEMENTS // max(1, per))
    start = (np.arange(min(m, step)) * per)[:, None, None, None] + np.arange(c)

    def work(a, b):
        parts = blocks(a, b, per)
        n = parts[0][1] - a
        flat_buf, sums_buf = scratch(((n,) + gb.shape[1:], np.int64), ((n * per,), result.dtype))
        with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf on one cell is NaN
            for i, j in parts:
                if check is not None:
                    check(ib[i:j])
                flat, sums = flat_buf[:j - i], sums_buf[:(j - i) * per]
                np.multiply(ib[i:j], c, out=flat, dtype=np.int64)
                flat += start[:j - i]
                sums.fill(0)
                np.add.at(sums, flat.reshape(-1), gb[i:j].reshape(-1))
                np.copyto(result[i:j], sums.reshape(j - i, h, w, c))

    for_chunks(work, m, result.size)


def spread_mean(gb, div, g, rb):
    """Spread each ``gb`` value divided by ``div`` over its window's real cells of ``rb`` (m, h, w, c).

    ``rb`` must be zeros, except when the windows tile the input exactly
    (then every cell is written once and ``rb`` may be uninitialised: see
    :func:`tiles`).
    """
    m, h, w, c = rb.shape
    if rb.size == 0:  # no sample or no channel: nothing to write
        return
    (ho, wo), (fh, fw), (sh, sw), (ph, pw) = g.out, g.f, g.s, g.pad
    span = g.span
    inside = real_cells_only(g, (h, w))
    tiling = tiles(g, (h, w))
    # Spreading is separable: over each window's columns into a buffer of
    # pooled rows, then over its rows (long contiguous runs) into the input.
    separable = not tiling and fh > 1 and fw > 1
    hp = max(span[0], h + ph)
    wp = max(span[1], w + pw)
    rows_at, cols_at = offsets(ho, fh, sh), offsets(wo, fw, sw)
    dtype = rb.dtype

    def work(a, b):
        parts = blocks(a, b, h * w * c)
        n = parts[0][1] - a
        share_buf, cols_buf, pad_buf = scratch(
            ((n,) + gb.shape[1:], dtype),
            ((n, ho, span[1], c) if separable else 0, dtype),
            ((n, hp, wp, c) if not inside else 0, dtype))
        with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf on one cell is NaN
            for i, j in parts:
                share = np.divide(gb[i:j], div, out=share_buf[:j - i])
                r = rb[i:j]
                if tiling:
                    for rs, cs in itertools.product(rows_at, cols_at):
                        np.copyto(r[:, rs, cs], share)
                    r[:, ho * sh:] = 0
                    r[:, :ho * sh, wo * sw:] = 0
                    continue
                # with padding, spread into a zeroed padded frame
                target = r
                if not inside:
                    target = pad_buf[:j - i]
                    target.fill(0)
                if separable:
                    # Tap k of the windows is the first to reach its columns (rows) when
                    # k < stride: it is copied in, not added, and the buffer needs zeros
                    # only where no such tap writes (past the first stride * wo columns).
                    cols = cols_buf[:j - i]
                    if fw >= sw:
                        cols[:, :, sw * wo:] = 0
                    else:
                        cols.fill(0)  # gaps between the windows
                    for k, cs in enumerate(cols_at):
                        if k < sw:
                            np.copyto(cols[:, :, cs], share)
                        else:
                            np.add(cols[:, :, cs], share, out=cols[:, :, cs])
                    for k, rs in enumerate(rows_at):
                        if k < sh:  # target holds zeros: the first writer of these rows may copy
                            np.copyto(target[:, rs, :span[1]], cols)
                        else:
                            np.add(target[:, rs, :span[1]], cols, out=target[:, rs, :span[1]])
                else:
                    for rs, cs in itertools.product(rows_at, cols_at):
                        np.add(target[:, rs, cs], share, out=target[:, rs, cs])
                if not inside:
                    r[...] = target[:, ph:ph + h, pw:pw + w]

    for_chunks(work, m, rb.size)


def tiles(g, hw):
    """Whether the windows tile the input exactly (no padding, no overlap, no overhang)."""
    return real_cells_only(g, hw) and g.s == g.f and g.d == (1, 1)
