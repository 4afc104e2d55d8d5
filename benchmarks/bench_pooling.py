"""Speed and memory of pooling_lib against PyTorch, numpy one-liners and the seed post's algorithm.

Every table is measured in one run of this script, and every comparison is a
ratio of two medians taken in that run (the machine is shared and noisy).

1. Big batch. For a ``(64, 112, 112, 64)`` float32 batch (seeded) and
   f/stride 2/2, 3/2 and 3/1, the median time of five library calls (the
   "15 cells"):

       max          pool(x, f, s)
       max+indices  pool(x, f, s, return_indices=True)
       unpool_max   unpool_max(grad, indices, x.shape)
       mean         pool(x, f, s, method="mean")
       unpool_avg   unpool_avg(grad, x.shape, f, s)

   next to (a) PyTorch on the CPU at its default thread count, when
   ``import torch`` works: ``F.max_pool2d`` (with and without
   ``return_indices``), ``aten.max_pool2d_with_indices_backward`` (the true
   gradient of max pooling, what autograd runs; not ``max_unpool2d``),
   ``F.avg_pool2d`` and ``aten.avg_pool2d_backward``, each cell the faster
   of the NCHW-contiguous and channels_last layouts; (b) ``np.copyto`` of the
   input into a preallocated array, the memory-bandwidth floor; (c) a
   *post-style baseline*: the seed blog post's algorithm written afresh here
   (``post_style_*``: ``as_strided`` windows reduced by ``np.nanmax`` /
   ``np.nanmean``, a full 0/1 ``int64`` mask built with ``==``, a fancy-index
   scatter), a timing reference that keeps the post's defects.
2. Further rows on the same batch: ``max_unpool2d`` against
   ``F.max_unpool2d``; ``blur_pool`` (and ``blur_pool`` + its backward, one
   training step) against ``MaxPool2d(f, 1)`` / ``AvgPool2d`` + the
   reference ``BlurPool`` (reflection pad + depthwise ``conv2d``) with
   autograd; and, when ``pool`` has ``dilation``, dilated max pooling (and
   its indices and gradient) against ``F.max_pool2d(dilation=...)``.
3. PyTorch on huge pages: the 15 cells again (library and PyTorch
   interleaved), in a subprocess started with ``THP_MEM_ALLOC_ENABLE=1``
   (PyTorch then advises transparent huge pages for its big allocations, as
   numpy already does).
4. Smaller work: the 15 cells on ``(32, 64, 64, 32)``, ``(8, 56, 56, 256)``
   and ``(224, 224, 3)`` against default PyTorch.
5. Explorer-sized calls: pooling an 8 x 8 grid, against the numpy one-liner
   ``sliding_window_view(x, (f, f))[::s, ::s].max(axis=(2, 3))``.
6. Memory: with tracemalloc, the peak each of the 15 library calls allocates
   besides its result, relative to the input size.
7. unpool_max's scatter: ``unpool_max`` (``np.add.at``) against two ways
   without it, each checked against ``unpool_max`` first: one
   ``np.bincount`` per sample, and the issue's hint, a prototype of the
   gradient in ``f + f`` masked passes (down to the window's row, across to
   its column).

At the end it prints which of issue 8's speed targets are met and which are
missed (and the first spec's targets). Before timing, it checks that the
library's results equal PyTorch's.

Run it from the repository root, in an environment with numpy, pooling_lib
and (optionally) torch::

    python benchmarks/bench_pooling.py            # full size (its run time is printed at the end)
    python benchmarks/bench_pooling.py --quick    # batch of 8, about a minute
"""

import argparse
import contextlib
import functools
import gc
import inspect
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
import tracemalloc

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import pooling_lib as pl
from pooling_lib.blur import binomial_filter, blur_pool, blur_pool_backward
from pooling_lib.max_unpool import max_unpool2d

CONFIGS = [(2, 2), (3, 2), (3, 1)]
OPS = ["max", "max+indices", "unpool_max", "mean", "unpool_avg"]
BIG = (112, 112, 64)
SMALL_SHAPES = [(32, 64, 64, 32), (8, 56, 56, 256), (224, 224, 3)]
HAS_DILATION = "dilation" in inspect.signature(pl.pool).parameters


# ------------------------------------------------------------------ timing
@contextlib.contextmanager
def no_gc():
    """Collect once, then keep the cyclic garbage collector off while timing (as ``timeit`` does).

    A collection walks every Python object (about 0.1 s with torch imported)
    and leaves the caches cold: collecting before each timed call made the
    next library call up to 1.6x slower here. Results are freed by reference
    counting anyway.
    """
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def numpy_huge_pages():
    """Whether numpy advises transparent huge pages for its big arrays (NUMPY_MADVISE_HUGEPAGE)."""
    try:
        from numpy._core.multiarray import _get_madvise_hugepage
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _get_madvise_hugepage
    return bool(_get_madvise_hugepage())


def median_ms(fn, repeats, warmup=1):
    """Median wall time of ``fn()`` in milliseconds, after ``warmup`` untimed calls."""
    with no_gc():
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def paired_median_ms(calls, repeats, warmup=1):
    """{name: median ms} for several calls timed in interleaved rounds (one timed call of each per round).

    On a shared machine the load changes from second to second; timing the
    contenders of one cell in turn, round after round, exposes them to the
    same load, so their ratio is steadier than that of two separate runs.
    Each timed call follows an untimed call of the same function, so that
    no contender pays for another's after-effects: PyTorch's OpenMP threads
    keep spinning on both cores for a while after each call (measured here:
    a library call right after a PyTorch call took about 1.5x as long as
    after its own call, and the same as alone with ``OMP_WAIT_POLICY=PASSIVE``).
    """
    times = {name: [] for name in calls}
    names = list(calls)
    with no_gc():
        for fn in calls.values():
            for _ in range(warmup):
                fn()
        for r in range(repeats):
            for name in names[r % len(names):] + names[:r % len(names)]:  # rotate who goes first
                calls[name]()  # untimed: settles the cores and caches for this contender
                start = time.perf_counter()
                calls[name]()
                times[name].append(time.perf_counter() - start)
    return {name: 1e3 * statistics.median(ts) for name, ts in times.items()}


def fastest(times, layouts=("channels_last", "NCHW")):
    """``(ms, layout)`` of the faster PyTorch layout in a :func:`paired_median_ms` result."""
    return min((times[name], name) for name in layouts if name in times)


def median_us_per_call(fn, loops, rounds=7):
    """Median over ``rounds`` of the mean time of ``loops`` back-to-back calls, in microseconds."""
    fn()
    return 1e6 * statistics.median(timeit.repeat(fn, number=loops, repeat=rounds)) / loops


def extra_memory(fn):
    """Peak bytes that ``fn()`` allocates (tracemalloc), minus the bytes of what it returns."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    results = result if isinstance(result, tuple) else (result,)
    kept = sum(r.nbytes for r in results if isinstance(r, np.ndarray))
    return peak - kept


def geomean(values):
    values = list(values)
    return math.exp(statistics.fmean(math.log(v) for v in values))


def warm_memory(gib):
    """Touch and free ``gib`` GiB: on a VM whose memory the host backs lazily, first touches are slow."""
    start = time.perf_counter()
    np.ones(int(gib * 2**30), dtype=np.uint8)
    return time.perf_counter() - start


# ------------------------------------------------- post-style baseline
# Written for this benchmark in the style of the seed blog post, so that the
# library is compared with the approach it replaces. Timing reference only:
# it keeps the post's defects (all tied maxima marked, overlapping windows
# overwrite each other's gradient, float64 result, average unpooling only
# for stride == f).
def post_style_windows(arr, f, stride):
    """All f x f windows of a (m, h, w, c) array as one read-only strided view."""
    sm, sh, sw, sc = arr.strides
    m, h, w, c = arr.shape
    shape = (m, 1 + (h - f) // stride, 1 + (w - f) // stride, f, f, c)
    strides = (sm, stride * sh, stride * sw, sh, sw, sc)
    return np.lib.stride_tricks.as_strided(arr, shape, strides=strides, writeable=False)


def post_style_pool(mat, f, stride, method="max", return_max_pos=False):
    """nanmax / nanmean over the window view; optionally the full 0/1 position mask."""
    h, w = mat.shape[1:3]
    cropped = mat[:, :(h - f) // stride * stride + f, :(w - f) // stride * stride + f]
    view = post_style_windows(cropped, f, stride)
    reduce = np.nanmax if method == "max" else np.nanmean
    result = reduce(view, axis=(3, 4), keepdims=return_max_pos)
    if return_max_pos:
        pos = np.where(result == view, 1, 0)  # int64, f*f entries per output value
        return np.squeeze(result, axis=(3, 4)), pos
    return result


def post_style_unpool(mat, pos, ori_shape, stride):
    """Put each pooled value back where the mask has a 1 (fancy-index assignment)."""
    result = np.zeros(ori_shape)
    im, ih, iw, iy, ix, ic = np.where(pos == 1)
    result[im, ih * stride + iy, iw * stride + ix, ic] = mat[im, ih, iw, ic].flatten()
    return result


def post_style_unpool_avg(mat, f, ori_shape):
    """Repeat each value over its f x f block (stride == f only; no division, as in the post)."""
    m, h, w, c = ori_shape
    ny, nx = h // f, w // f
    tmp = np.reshape(mat, (m, ny, 1, nx, 1, c))
    tmp = np.repeat(np.repeat(tmp, f, axis=2), f, axis=4).reshape(m, ny * f, nx * f, c)
    result = np.zeros(ori_shape)
    result[:, :ny * f, :nx * f] = tmp
    return result


def baseline_times(x, f, s, grad, out, idx, repeats):
    """{op: ms} for the post-style baseline (no unpool_avg when stride != f: the post has none)."""
    po, pos = post_style_pool(x, f, s, return_max_pos=True)
    np.testing.assert_array_equal(po, out)  # the same maxima as the library
    if f == s:  # no overlap: the post's scatter is then the true gradient too
        np.testing.assert_allclose(post_style_unpool(grad, pos, x.shape, s),
                                   pl.unpool_max(grad, idx, x.shape), rtol=1e-6)
    calls = {
        "max": lambda: post_style_pool(x, f, s),
        "max+indices": lambda: post_style_pool(x, f, s, return_max_pos=True),
        "unpool_max": lambda: post_style_unpool(grad, pos, x.shape, s),
        "mean": lambda: post_style_pool(x, f, s, method="mean"),
    }
    if f == s:
        calls["unpool_avg"] = lambda: post_style_unpool_avg(grad, f, x.shape)
    return {op: median_ms(call, repeats) for op, call in calls.items()}


# ------------------------------------------------------------------ PyTorch
def load_torch():
    try:
        import torch
    except ImportError as err:  # the benchmark still runs without it
        return None, f"{err}"
    return torch, None


def as_nchw(torch, a):
    """A (m, h, w, c) or (h, w, c) numpy array as an NCHW tensor with channels_last memory (no copy)."""
    a = a if a.ndim == 4 else a[None]
    t = torch.from_numpy(a).permute(0, 3, 1, 2)
    assert t.is_contiguous(memory_format=torch.channels_last)
    return t


def as_nhwc(t, ndim):
    a = t.permute(0, 2, 3, 1).numpy()
    return a if ndim == 4 else a[0]


def torch_calls(torch, t, g, f, s):
    """{op: call} for PyTorch on input tensor ``t`` and output gradient ``g`` (same layout)."""
    import torch.nn.functional as F

    aten = torch.ops.aten
    _, idx = F.max_pool2d(t, f, s, return_indices=True)
    k, st, pad, dil = [f, f], [s, s], [0, 0], [1, 1]
    return {
        "max": lambda: F.max_pool2d(t, f, s),
        "max+indices": lambda: F.max_pool2d(t, f, s, return_indices=True),
        # the true gradient of max pooling (what autograd runs), not max_unpool2d
        "unpool_max": lambda: aten.max_pool2d_with_indices_backward(g, t, k, st, pad, dil, False, idx),
        "mean": lambda: F.avg_pool2d(t, f, s),
        "unpool_avg": lambda: aten.avg_pool2d_backward(g, t, k, st, pad, False, True, None),
    }


def check_against_torch(torch, x, grad, f, s, lib):
    """The library's results equal PyTorch's; raises AssertionError otherwise."""
    import torch.nn.functional as F

    aten = torch.ops.aten
    nd = x.ndim
    with torch.inference_mode():
        t, g = as_nchw(torch, x), as_nchw(torch, grad)
        out, idx = F.max_pool2d(t, f, s, return_indices=True)
        np.testing.assert_array_equal(lib["max"], as_nhwc(out, nd))
        np.testing.assert_array_equal(lib["indices"], as_nhwc(idx, nd))
        back = aten.max_pool2d_with_indices_backward(g, t, [f, f], [s, s], [0, 0], [1, 1], False, idx)
        np.testing.assert_allclose(lib["unpool_max"], as_nhwc(back, nd), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(lib["mean"], as_nhwc(F.avg_pool2d(t, f, s), nd), rtol=1e-5, atol=1e-6)
        back = aten.avg_pool2d_backward(g, t, [f, f], [s, s], [0, 0], False, True, None)
        np.testing.assert_allclose(lib["unpool_avg"], as_nhwc(back, nd), rtol=1e-5, atol=1e-6)


def torch_blur(torch, y, filter_size, stride):
    """The reference BlurPool (antialiased_cnns): reflection pad, depthwise conv2d with the binomial filter."""
    import torch.nn.functional as F

    taps = torch.tensor(binomial_filter(filter_size), dtype=y.dtype)
    filt = (taps[:, None] * taps[None, :])[None, None].repeat(y.shape[1], 1, 1, 1)
    before, after = (filter_size - 1) // 2, filter_size // 2
    return F.conv2d(F.pad(y, [before, after, before, after], mode="reflect"), filt,
                    stride=stride, groups=y.shape[1])


# ------------------------------------------------------------------ library
def lib_calls(x, f, s, grad, idx):
    """{op: call} for pooling_lib; ``grad``/``idx`` are a pooled-shape gradient and max indices."""
    return {
        "max": lambda: pl.pool(x, f, s),
        "max+indices": lambda: pl.pool(x, f, s, return_indices=True),
        "unpool_max": lambda: pl.unpool_max(grad, idx, x.shape),
        "mean": lambda: pl.pool(x, f, s, method="mean"),
        "unpool_avg": lambda: pl.unpool_avg(grad, x.shape, f, s),
    }


def fifteen_cells(x, rng, repeats, torch, check=True):
    """[(config, op, lib ms, torch ms or None, layout)] for the 15 cells on ``x``.

    Each cell times the library and PyTorch's two layouts in interleaved rounds.
    """
    rows = []
    for f, s in CONFIGS:
        out, idx = pl.pool(x, f, s, return_indices=True)
        grad = rng.standard_normal(out.shape, dtype=np.float32)
        calls = lib_calls(x, f, s, grad, idx)
        layouts = {}
        if torch is not None:
            if check:
                results = {"max": out, "indices": idx, "unpool_max": calls["unpool_max"](),
                           "mean": calls["mean"](), "unpool_avg": calls["unpool_avg"]()}
                check_against_torch(torch, x, grad, f, s, results)
                del results
                gc.collect()
            t, g = as_nchw(torch, x), as_nchw(torch, grad)
            layouts = {"channels_last": torch_calls(torch, t, g, f, s),
                       "NCHW": torch_calls(torch, t.contiguous(), g.contiguous(), f, s)}
        for op in OPS:
            contenders = {"lib": calls[op], **{name: tc[op] for name, tc in layouts.items()}}
            if torch is not None:
                with torch.inference_mode():
                    times = paired_median_ms(contenders, repeats)
                t_ms, layout = fastest(times)
            else:
                times, t_ms, layout = paired_median_ms(contenders, repeats), None, ""
            rows.append(((f, s), op, times["lib"], t_ms, layout))
        del out, idx, grad, calls, layouts
        gc.collect()
    return rows


# ------------------------------------------------------------------ further rows
def further_rows(x, rng, repeats, torch):
    """[(name, lib ms, torch ms or None, layout)]: max_unpool2d, blur_pool, dilation, on the big batch.

    Each row times the library and PyTorch's two layouts in interleaved rounds.
    """
    rows = []
    h, w = x.shape[1:3]
    tf = None
    if torch is not None:
        import torch.nn.functional as tf

    def timed(name, lib_call, torch_calls_by_layout):
        """Append the row ``name``: the library call against each PyTorch layout's call."""
        times = paired_median_ms({"lib": lib_call, **torch_calls_by_layout}, repeats)
        t_ms, layout = fastest(times) if torch_calls_by_layout else (None, "")
        rows.append((name, times["lib"], t_ms, layout))

    def layouts(*tensors):
        """{layout: tensors} for channels_last (as given) and NCHW-contiguous copies."""
        if torch is None:
            return {}
        return {"channels_last": tensors, "NCHW": tuple(t.contiguous() for t in tensors)}

    # max_unpool2d (SegNet's decoder layer) against F.max_unpool2d
    for f, s in [(2, 2), (3, 2)]:
        out, idx = pl.pool(x, f, s, return_indices=True)
        contenders = {}
        if torch is not None:
            to, ti = tf.max_pool2d(as_nchw(torch, x), f, s, return_indices=True)
            np.testing.assert_array_equal(max_unpool2d(out, idx, f, s, output_size=(h, w)),
                                          as_nhwc(tf.max_unpool2d(to, ti, f, s, output_size=(h, w)), 4))
            contenders = {name: functools.partial(tf.max_unpool2d, a, b, f, s, output_size=(h, w))
                          for name, (a, b) in layouts(to, ti).items()}
        timed(f"{f}/{s} max_unpool2d", lambda: max_unpool2d(out, idx, f, s, output_size=(h, w)), contenders)
        del out, idx, contenders
        gc.collect()

    # blur_pool (f=2, stride 2, filter 4) and one training step (forward + backward)
    for method in ("max", "mean"):
        out = blur_pool(x, method=method)
        g = rng.standard_normal(out.shape, dtype=np.float32)
        fwd, step = {}, {}
        if torch is not None:
            def pooled(t):
                return tf.max_pool2d(t, 2, 1) if method == "max" else tf.avg_pool2d(t, 2, 1)

            for name, (t, gt) in layouts(as_nchw(torch, x), as_nchw(torch, g)).items():
                tg = t.detach().clone().requires_grad_(True)

                def forward(t=t):
                    with torch.no_grad():
                        return torch_blur(torch, pooled(t), 4, 2)

                def train_step(tg=tg, gt=gt):
                    return torch.autograd.grad(torch_blur(torch, pooled(tg), 4, 2), tg, gt)

                np.testing.assert_allclose(out, as_nhwc(forward(), 4), rtol=1e-4, atol=1e-5)
                np.testing.assert_allclose(blur_pool_backward(g, x, method=method),
                                           as_nhwc(train_step()[0], 4), rtol=1e-4, atol=1e-5)
                fwd[name], step[name] = forward, train_step
        timed(f"blur_pool {method}", lambda: blur_pool(x, method=method), fwd)
        timed(f"blur_pool {method}+backward",
              lambda: (blur_pool(x, method=method), blur_pool_backward(g, x, method=method)), step)
        del out, g, fwd, step
        gc.collect()

    # dilation (PyTorch's MaxPool2d(dilation=...)), once pool has it
    if HAS_DILATION:
        f, s, d = 3, 2, 2
        out, idx = pl.pool(x, f, s, return_indices=True, dilation=d)
        grad = rng.standard_normal(out.shape, dtype=np.float32)
        lib = {"max": lambda: pl.pool(x, f, s, dilation=d),
               "max+indices": lambda: pl.pool(x, f, s, return_indices=True, dilation=d),
               "unpool_max": lambda: pl.unpool_max(grad, idx, x.shape)}
        by_op = {op: {} for op in lib}
        if torch is not None:
            aten = torch.ops.aten
            to, ti = tf.max_pool2d(as_nchw(torch, x), f, s, dilation=d, return_indices=True)
            np.testing.assert_array_equal(out, as_nhwc(to, 4))
            np.testing.assert_array_equal(idx, as_nhwc(ti, 4))
            for name, (a, b, i) in layouts(as_nchw(torch, x), as_nchw(torch, grad), ti).items():
                by_op["max"][name] = functools.partial(tf.max_pool2d, a, f, s, dilation=d)
                by_op["max+indices"][name] = functools.partial(tf.max_pool2d, a, f, s, dilation=d,
                                                               return_indices=True)
                by_op["unpool_max"][name] = functools.partial(
                    aten.max_pool2d_with_indices_backward, b, a, [f, f], [s, s], [0, 0], [d, d], False, i)
        for op, call in lib.items():
            if torch is not None:
                with torch.inference_mode():
                    timed(f"{f}/{s} d={d} {op}", call, by_op[op])
            else:
                timed(f"{f}/{s} d={d} {op}", call, {})
        del out, idx, grad, by_op
        gc.collect()
    return rows


# ------------------------------------------------------------------ explorer-sized calls
def unpool_by_bincount(grad, idx, shape):
    """unpool_max's scatter-add as one ``np.bincount`` per sample (float64 sums), on the library's threads."""
    from pooling_lib import _kernels
    m, h, w, c = shape
    result = np.empty(shape, dtype=grad.dtype)
    channel = np.arange(c)

    def work(a, b):
        for n in range(a, b):
            flat = np.multiply(idx[n], c, dtype=np.int64)
            flat += channel
            sums = np.bincount(flat.reshape(-1), weights=grad[n].reshape(-1), minlength=h * w * c)
            np.copyto(result[n].reshape(-1), sums, casting="same_kind")

    _kernels.for_chunks(work, m, result.size)
    return result


def unpool_by_masked_passes(grad, idx, shape, f, s):
    """The issue's hint: the gradient of the first-maximum rule in ``f + f`` masked passes, no scatter.

    A timing prototype for unpadded square windows and indices from ``pool``
    (the separable forward gives every (input row, output column) one column
    offset): each gradient value goes down to its window's row (f masked
    passes over the output, into ``rows``), then across to that row's column
    (f masked passes over ``rows``), one sample at a time on the library's
    threads.
    """
    from pooling_lib import _kernels
    m, h, w, c = shape
    _, ho, wo, _ = grad.shape
    corner = ((np.arange(ho) * s)[:, None, None] * w + (np.arange(wo) * s)[None, :, None]).astype(np.int32)
    hr = s * (ho - 1) + f
    result = np.zeros(shape, dtype=grad.dtype)

    def work(a, b):
        code, wide = np.empty((ho, wo, c), np.int32), np.empty((ho, wo, c), np.int32)
        di, dj = np.empty((ho, wo, c), np.uint8), np.empty((ho, wo, c), np.uint8)
        mask, share = np.empty((ho, wo, c), bool), np.empty((ho, wo, c), grad.dtype)
        rows, col_of = np.empty((hr, wo, c), grad.dtype), np.empty((hr, wo, c), np.uint8)
        rows_mask, rows_share = np.empty((hr, wo, c), bool), np.empty((hr, wo, c), grad.dtype)
        for n in range(a, b):
            np.subtract(idx[n], corner, out=code, casting="unsafe")  # di * w + dj
            di.fill(0)
            for k in range(1, f):
                np.greater_equal(code, k * w, out=mask)
                di += mask.view(np.uint8)
            np.multiply(di, w, out=wide, casting="unsafe")
            np.subtract(code, wide, out=wide)
            np.copyto(dj, wide, casting="unsafe")
            rows.fill(0)
            for k in range(f):  # down: each value to its window's row
                np.equal(di, k, out=mask)
                np.multiply(grad[n], mask, out=share)
                band = rows[k:k + s * (ho - 1) + 1:s]
                np.add(band, share, out=band)
                np.copyto(col_of[k:k + s * (ho - 1) + 1:s], dj, where=mask)
            r = result[n, :hr]
            for q in range(f):  # across: each row value to its column
                np.equal(col_of, q, out=rows_mask)
                np.multiply(rows, rows_mask, out=rows_share)
                band = r[:, q:q + s * (wo - 1) + 1:s]
                np.add(band, rows_share, out=band)

    _kernels.for_chunks(work, m, result.size)
    return result


def on_one_thread(call):
    """``call`` with the library's thread pool unused (every block in the calling thread)."""
    from pooling_lib import _kernels

    def run():
        workers, _kernels._WORKERS = _kernels._WORKERS, 1
        try:
            return call()
        finally:
            _kernels._WORKERS = workers
    return run


ONE_THREAD = "np.add.at, one thread"


def unpool_alternative_rows(x, rng, repeats):
    """``(config, {name: ms})``: unpool_max against its two scatter-free alternatives, checked first,
    and against itself on one thread (how much its threads gain)."""
    rows = []
    for f, s in CONFIGS:
        out, idx = pl.pool(x, f, s, return_indices=True)
        grad = rng.standard_normal(out.shape, dtype=np.float32)
        calls = {"np.add.at (unpool_max)": lambda: pl.unpool_max(grad, idx, x.shape),
                 "np.bincount": lambda: unpool_by_bincount(grad, idx, x.shape),
                 "masked passes": lambda: unpool_by_masked_passes(grad, idx, x.shape, f, s),
                 ONE_THREAD: on_one_thread(lambda: pl.unpool_max(grad, idx, x.shape))}
        expected = calls["np.add.at (unpool_max)"]()
        for name in ("np.bincount", "masked passes", ONE_THREAD):
            np.testing.assert_allclose(calls[name](), expected, rtol=1e-5, atol=1e-5, err_msg=name)
        del expected
        rows.append(((f, s), paired_median_ms(calls, repeats)))
        del out, idx, grad
        gc.collect()
    return rows


def explorer_rows(loops):
    """[(name, lib us, one-liner us)] for 8 x 8 float64 grids, as the explorers pool them."""
    x = np.random.default_rng(0).standard_normal((8, 8))
    cases = [
        ("max 2/2", lambda: pl.pool(x, 2),
         lambda: sliding_window_view(x, (2, 2))[::2, ::2].max(axis=(2, 3))),
        ("max 3/1", lambda: pl.pool(x, 3, 1),
         lambda: sliding_window_view(x, (3, 3)).max(axis=(2, 3))),
        ("mean 2/2", lambda: pl.pool(x, 2, method="mean"),
         lambda: sliding_window_view(x, (2, 2))[::2, ::2].mean(axis=(2, 3))),
        ("max+indices 2/2", lambda: pl.pool(x, 2, return_indices=True),
         lambda: sliding_window_view(x, (2, 2))[::2, ::2].reshape(4, 4, 4).argmax(axis=2)),
    ]
    rows = []
    for name, lib, one_liner in cases:
        expected = one_liner()
        got = lib()
        if name.startswith("max+indices"):  # the one-liner gives the position inside the window
            got = got[1]
            r, c = np.divmod(got, 8)
            got = (r % 2) * 2 + c % 2
        np.testing.assert_allclose(got, expected)
        rows.append((name, median_us_per_call(lib, loops), median_us_per_call(one_liner, loops)))
    return rows


# ------------------------------------------------------------------ huge pages (child process)
def torch_child(args):
    """Run in the THP_MEM_ALLOC_ENABLE=1 subprocess: the 15 cells, lib and torch interleaved, as JSON."""
    import torch

    warm_memory(args.warm_memory)
    x = np.random.default_rng(0).standard_normal((args.child_batch,) + BIG, dtype=np.float32)
    rows = fifteen_cells(x, np.random.default_rng(1), args.repeats, torch, check=False)
    print(json.dumps({f"{c[0]}/{c[1]} {op}": [lib_ms, t_ms, layout] for c, op, lib_ms, t_ms, layout in rows}))


def torch_on_huge_pages(batch, args):
    """{"f/s op": (lib ms, torch ms, layout)} from a THP_MEM_ALLOC_ENABLE=1 subprocess, or an error text."""
    env = dict(os.environ, THP_MEM_ALLOC_ENABLE="1")
    cmd = [sys.executable, os.path.abspath(__file__), "--torch-child", str(batch),
           "--repeats", str(args.repeats), "--warm-memory", str(args.warm_memory)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return proc.stderr.strip().splitlines()[-1:] or ["failed"]
    return {k: tuple(v) for k, v in json.loads(proc.stdout.strip().splitlines()[-1]).items()}


# ------------------------------------------------------------------ printing
def fmt(v, spec="8.1f"):
    """``v`` formatted with ``spec``, or a right-aligned "-" of the same width for None."""
    return format(v, spec) if v is not None else "-".rjust(int(spec.split(".")[0]))


def ratio(a, b):
    return None if a is None or b is None else a / b


def verdict(ok):
    return "MET   " if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch of 8 instead of 64")
    parser.add_argument("--batch", type=int, help="batch size (overrides --quick)")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per cell (default 5)")
    parser.add_argument("--baseline-repeats", type=int, default=3,
                        help="timed calls per post-style baseline cell (default 3; it is slow)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the post-style baseline")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--no-huge-pages", action="store_true", help="skip the THP_MEM_ALLOC_ENABLE=1 run")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--no-alternatives", action="store_true",
                        help="skip timing unpool_max against np.bincount, the masked-pass prototype"
                             " and itself on one thread")
    parser.add_argument("--loops", type=int, default=2000, help="calls per round for the 8x8 timings")
    parser.add_argument("--warm-memory", type=float, default=2.0, metavar="GIB",
                        help="touch and free this many GiB before timing (default 2): on a VM whose memory"
                             " the host backs lazily, first touches are slow and would penalise the first cells")
    parser.add_argument("--torch-child", type=int, metavar="BATCH", dest="child_batch",
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_batch:
        torch_child(args)
        return

    m = args.batch or (8 if args.quick else 64)
    shape = (m,) + BIG
    torch, why = (None, "--no-torch") if args.no_torch else load_torch()
    started = time.perf_counter()

    print(f"pooling_lib {pl.__version__} ({os.path.dirname(pl.__file__)}) benchmark:"
          f" x = default_rng(0).standard_normal({shape}, float32) ({np.prod(shape) * 4 / 2**20:.0f} MiB)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()},"
          f" numpy {np.__version__}", end="")
    if torch is not None:
        print(f", torch {torch.__version__} ({torch.get_num_threads()} threads)")
    else:
        print(f"\nPyTorch skipped ({why}): the lib/torch columns and targets are left out.")
    print(f"load average at the start: {os.getloadavg()[0]:.1f} (other processes share the cores)")
    print(f"numpy advises huge pages for big arrays: {numpy_huge_pages()}"
          " (NUMPY_MADVISE_HUGEPAGE=0 turns it off; see benchmarks/README.md)")
    print(f"median of {args.repeats} timed calls after 1 warm-up call"
          f" (post-style baseline: median of {args.baseline_repeats}); times in ms")
    if m != 64:
        print(f"NOTE: batch {m}, not 64: the targets are defined for the full batch.")
    if args.warm_memory > 0:
        print(f"memory warm-up: touched {args.warm_memory:g} GiB in {warm_memory(args.warm_memory):.1f} s")

    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape, dtype=np.float32)
    x_before = x.copy()

    copy_ms = median_ms(functools.partial(np.copyto, np.empty_like(x), x), args.repeats)
    # every result is fresh memory: its first touch costs page faults (large on some VMs)
    fresh_ms = median_ms(lambda: np.copyto(np.empty_like(x), x), args.repeats)

    # ------------------------------------------------------------ 1. the 15 cells, big batch
    rows = fifteen_cells(x, rng, args.repeats, torch)
    base, combined = {}, {}
    if not args.no_baseline:
        for f, s in CONFIGS:
            out, idx = pl.pool(x, f, s, return_indices=True)
            grad = rng.standard_normal(out.shape, dtype=np.float32)
            b = baseline_times(x, f, s, grad, out, idx, args.baseline_repeats)
            lib_pair = median_ms(lambda: pl.unpool_max(grad, *pl.pool(x, f, s, return_indices=True)[1:],
                                                       x.shape), args.repeats)
            base.update({((f, s), op): v for op, v in b.items()})
            combined[(f, s)] = (lib_pair, b["max+indices"] + b["unpool_max"])
            del out, idx, grad
            gc.collect()

    print()
    print("1. The 15 cells on the big batch")
    print(f"np.copyto floor (input -> preallocated array): {copy_ms:.1f} ms;"
          f" into a fresh array (page faults included): {fresh_ms:.1f} ms")
    print()
    head = (f"{'f/s':>4} {'operation':<12} {'lib':>8} {'torch':>8} {'layout':<13} {'baseline':>9}"
            f" {'lib/torch':>9} {'lib/copy':>8} {'base/lib':>8}")
    print(head)
    print("-" * len(head))
    for (f, s), op, lib_ms, t_ms, layout in rows:
        b_ms = base.get(((f, s), op))
        print(f"{f}/{s:<2} {op:<12} {lib_ms:8.1f} {fmt(t_ms)} {layout:<13} {fmt(b_ms, '9.1f')}"
              f" {fmt(ratio(lib_ms, t_ms), '9.2f')} {lib_ms / copy_ms:8.2f}"
              f" {fmt(ratio(b_ms, lib_ms), '8.1f')}")
    if combined:
        print("-" * len(head))
        for (f, s), (lib_ms, b_ms) in combined.items():
            print(f"{f}/{s:<2} {'pos+unpool':<12} {lib_ms:8.1f} {'':8} {'':13} {fmt(b_ms, '9.1f')}"
                  f" {'':9} {'':8} {fmt(ratio(b_ms, lib_ms), '8.1f')}")
        print("pos+unpool: pool(return_indices=True) + unpool_max; baseline: full int64 mask + scatter")

    # ------------------------------------------------------------ 2. further rows
    further = further_rows(x, rng, args.repeats, torch)
    print()
    print("2. Further functions on the big batch (torch: F.max_unpool2d; MaxPool2d/AvgPool2d(2, 1) + the")
    print("   reference BlurPool(filt_size=4, stride=2) and autograd for +backward; F.max_pool2d(dilation))")
    head2 = f"{'operation':<28} {'lib':>8} {'torch':>8} {'layout':<13} {'lib/torch':>9}"
    print(head2)
    print("-" * len(head2))
    for name, lib_ms, t_ms, layout in further:
        print(f"{name:<28} {lib_ms:8.1f} {fmt(t_ms)} {layout:<13} {fmt(ratio(lib_ms, t_ms), '9.2f')}")
    if not HAS_DILATION:
        print("(no dilation rows: this pooling_lib's pool has no dilation argument)")

    # ------------------------------------------------------------ 3. huge pages
    thp = None
    if torch is not None and not args.no_huge_pages:
        thp = torch_on_huge_pages(m, args)
        print()
        print("3. PyTorch on huge pages (subprocess with THP_MEM_ALLOC_ENABLE=1), same 15 cells")
        if isinstance(thp, list):
            print(f"   failed: {thp[0]}")
            thp = None
        else:
            head3 = (f"{'f/s':>4} {'operation':<12} {'lib':>8} {'torch THP':>9} {'layout':<13} {'lib/THP':>8}"
                     f"   (table 1: lib/torch)")
            print(head3)
            print("-" * len(head3))
            for (f, s), op, lib_ms, t_ms, _ in rows:
                c_lib, h_ms, layout = thp[f"{f}/{s} {op}"]
                print(f"{f}/{s:<2} {op:<12} {c_lib:8.1f} {h_ms:9.1f} {layout:<13} {c_lib / h_ms:8.2f}"
                      f"   ({fmt(ratio(lib_ms, t_ms), '9.2f').strip()})")
            print("lib and torch THP timed in interleaved rounds in the subprocess; table 1's ratio for reference")

    # ------------------------------------------------------------ 4. smaller shapes
    small = {}
    for sshape in SMALL_SHAPES:
        xs = np.random.default_rng(1).standard_normal(sshape, dtype=np.float32)
        small[sshape] = fifteen_cells(xs, np.random.default_rng(2), args.repeats, torch)
        del xs
        gc.collect()
    print()
    print("4. Smaller work: lib ms / torch ms (lib/torch) per shape")
    head4 = f"{'f/s':>4} {'operation':<12}" + "".join(f" {str(sh):>26}" for sh in SMALL_SHAPES)
    print(head4)
    print("-" * len(head4))
    for k, ((f, s), op, *_) in enumerate(small[SMALL_SHAPES[0]]):
        cells = []
        for sh in SMALL_SHAPES:
            _, _, lib_ms, t_ms, _ = small[sh][k]
            cells.append(f"{lib_ms:7.2f} / {fmt(t_ms, '7.2f')} ({fmt(ratio(lib_ms, t_ms), '5.2f')})")
        print(f"{f}/{s:<2} {op:<12}" + "".join(f" {c:>26}" for c in cells))

    # ------------------------------------------------------------ 5. explorer-sized calls
    explorer = explorer_rows(args.loops)
    print()
    print("5. Explorer-sized calls on an 8x8 float64 grid (us per call) vs a sliding_window_view one-liner")
    head5 = f"{'call':<18} {'lib':>8} {'one-liner':>9} {'lib/one-liner':>13}"
    print(head5)
    print("-" * len(head5))
    for name, lib_us, one_us in explorer:
        print(f"{name:<18} {lib_us:8.1f} {one_us:9.1f} {lib_us / one_us:13.2f}")
    print("one-liner: sliding_window_view(x, (f, f))[::s, ::s].max(axis=(2, 3)) (.mean; argmax of the windows)")

    # ------------------------------------------------------------ 6. memory
    memory = {}
    if not args.no_memory:
        for f, s in CONFIGS:
            out, idx = pl.pool(x, f, s, return_indices=True)
            grad = rng.standard_normal(out.shape, dtype=np.float32)
            for op, call in lib_calls(x, f, s, grad, idx).items():
                memory[(f, s), op] = extra_memory(call)
            del out, idx, grad
            gc.collect()
        print()
        print(f"6. Peak memory allocated during each call besides its result (tracemalloc),"
              f" in units of the input ({x.nbytes / 2**20:.0f} MiB):")
        print(f"{'f/s':>4} " + " ".join(f"{op:>12}" for op in OPS))
        for f, s in CONFIGS:
            print(f"{f}/{s:<2} " + " ".join(f"{memory[(f, s), op] / x.nbytes:12.2f}" for op in OPS))

    # ------------------------------------------------------------ 7. unpool_max's scatter
    alternatives = []
    if not args.no_alternatives:
        alternatives = unpool_alternative_rows(x, rng, args.repeats)
        print()
        print("7. unpool_max's scatter-add (np.add.at) against scatter-free alternatives, same batch (ms)")
        names = list(alternatives[0][1])
        head7 = f"{'f/s':>4} " + " ".join(f"{name:>23}" for name in names)
        print(head7)
        print("-" * len(head7))
        for (f, s), times in alternatives:
            print(f"{f}/{s:<2} " + " ".join(f"{times[name]:23.1f}" for name in names))
        print("np.bincount: one per sample, float64 sums; masked passes: the issue's f + f passes"
              " (down to the window's row, then across to its column);")
        print(f"{ONE_THREAD}: unpool_max with its blocks in the calling thread:"
              f" {geomean(t[ONE_THREAD] / t['np.add.at (unpool_max)'] for _, t in alternatives):.2f}x"
              f" the time on {os.cpu_count()} threads (geometric mean)")

    assert np.array_equal(x, x_before), "the input was modified"

    # ------------------------------------------------------------ targets
    print()
    print("Issue 8's speed targets")
    if torch is not None:
        cells = [(f"{c[0]}/{c[1]} {op}", lib_ms / t_ms) for c, op, lib_ms, t_ms, _ in rows]
        slower = [f"{name} ({r:.2f}x)" for name, r in cells if r > 1]
        print(f"  {verdict(not slower)}  big batch, every one of the 15 cells <= 1.0x default PyTorch:"
              f" {len(cells) - len(slower)}/{len(cells)}" + (f"; above: {', '.join(slower)}" if slower else ""))
        geo = geomean(r for _, r in cells)
        print(f"  {verdict(geo <= 0.5)}  big batch, geometric mean <= 0.50x default PyTorch: {geo:.2f}x")
        if thp is not None:
            geo_thp = geomean(c_lib / h_ms for c_lib, h_ms, _ in thp.values())
            print(f"  {verdict(geo_thp <= 1.0)}  big batch, geometric mean <= 1.0x PyTorch on huge pages:"
                  f" {geo_thp:.2f}x")
        else:
            print("  ----    big batch vs PyTorch on huge pages: not measured")
        for sh in SMALL_SHAPES:
            ratios = [(f"{c[0]}/{c[1]} {op}", lib_ms / t_ms) for c, op, lib_ms, t_ms, _ in small[sh]]
            geo_s = geomean(r for _, r in ratios)
            worst = max(ratios, key=lambda item: item[1])
            ok = geo_s <= 1.0 and worst[1] <= 2.0
            print(f"  {verdict(ok)}  {sh}: geometric mean <= 1.0x default PyTorch and no cell above 2x:"
                  f" geomean {geo_s:.2f}x, worst {worst[0]} {worst[1]:.2f}x")
    else:
        print("  ----    PyTorch targets not checked (torch not importable)")
    worst_e = max(explorer, key=lambda row: row[1] / row[2])
    print(f"  {verdict(worst_e[1] / worst_e[2] <= 2)}  explorer-sized call <= 2x the numpy one-liner:"
          f" worst {worst_e[0]} {worst_e[1] / worst_e[2]:.2f}x ({worst_e[1]:.1f} us vs {worst_e[2]:.1f} us)")
    add_at = "np.add.at" in inspect.getsource(pl.unpool_max) or "add.at" in _engine_source()
    why = ""
    if add_at and alternatives:
        slower = {name: geomean(t[name] / t["np.add.at (unpool_max)"] for _, t in alternatives)
                  for name in alternatives[0][1] if name not in ("np.add.at (unpool_max)", ONE_THREAD)}
        why = ("; table 7, time of each way without it / np.add.at's (geometric mean): "
               + ", ".join(f"{name} {v:.2f}x" for name, v in slower.items()))
    print(f"  {verdict(not add_at)}  unpool_max without np.add.at: "
          + ("np.add.at still in its code path" + why if add_at else "no np.add.at in core or its engine"))
    if memory:
        worst_key = max(memory, key=memory.get)
        worst_ratio = memory[worst_key] / x.nbytes
        print(f"  {verdict(worst_ratio <= 2)}  no temporary above 2x the input: largest extra peak"
              f" {worst_ratio:.2f}x input ({worst_key[0][0]}/{worst_key[0][1]} {worst_key[1]})")
    print("The first spec's targets")
    fwd = [(c, op, lib_ms / copy_ms) for c, op, lib_ms, *_ in rows if op in ("max", "mean")]
    far = [f"{c[0]}/{c[1]} {op} ({r:.2f}x)" for c, op, r in fwd if r > 2]
    print(f"  {verdict(not far)}  max and mean forward within 2x the copy floor:"
          f" {len(fwd) - len(far)}/{len(fwd)}" + (f"; over: {', '.join(far)}" if far else ""))
    if combined:
        speedups = {cfg: b / lib_ms for cfg, (lib_ms, b) in combined.items()}
        print(f"  {verdict(min(speedups.values()) >= 10)}  positions + unpooling >= 10x faster than the"
              f" post-style baseline: {', '.join(f'{c[0]}/{c[1]} {v:.0f}x' for c, v in speedups.items())}")
    print()
    print(f"total run time {time.perf_counter() - started:.0f} s;"
          f" load average at the end: {os.getloadavg()[0]:.1f}")


def _engine_source():
    """Source of the module holding the fast kernels, if core delegates to one."""
    try:
        from pooling_lib import _kernels
    except ImportError:
        return ""
    return inspect.getsource(_kernels)


if __name__ == "__main__":
    main()
