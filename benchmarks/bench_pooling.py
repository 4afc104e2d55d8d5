"""Speed and memory of pooling_lib on a big float32 batch, against three references.

For a ``(64, 112, 112, 64)`` float32 batch (seeded) and f/stride 2/2, 3/2 and
3/1 this prints, in one table, the median time of five library calls:

    max          pool(x, f, s)
    max+indices  pool(x, f, s, return_indices=True)
    unpool_max   unpool_max(grad, indices, x.shape)
    mean         pool(x, f, s, method="mean")
    unpool_avg   unpool_avg(grad, x.shape, f, s)

next to

(a) a *post-style baseline*: the seed blog post's algorithm, written afresh
    here (see ``post_style_*`` below): an ``as_strided`` window view reduced by
    ``np.nanmax`` / ``np.nanmean``, a full 0/1 ``int64`` mask built with ``==``,
    and a fancy-index scatter for unpooling. It is a timing reference only
    and keeps the post's defects (see ../../shared/seed/KNOWN-DEFECTS.md in
    the seed notes; e.g. overlapping windows overwrite instead of adding up);
(b) ``np.copyto`` of the input into a preallocated array: the memory-bandwidth
    floor;
(c) PyTorch on the CPU at its default thread count, when ``import torch``
    works (skipped with a note otherwise): ``F.max_pool2d`` (with and without
    ``return_indices``), ``aten.max_pool2d_with_indices_backward`` (the true
    gradient of max pooling, i.e. what autograd runs; not ``max_unpool2d``),
    ``F.avg_pool2d`` and ``aten.avg_pool2d_backward``; each cell takes the
    faster of the NCHW-contiguous and channels_last layouts.

Then it checks the targets of the "Speed and memory" spec and measures, with
tracemalloc, the peak memory each library call allocates besides its
result, relative to the input size.

Run it from the repository root, in an environment with numpy, pooling_lib
and (optionally) torch::

    python benchmarks/bench_pooling.py            # full size, about 3-4 minutes
    python benchmarks/bench_pooling.py --quick    # batch of 8, about 30 seconds
"""

import argparse
import functools
import gc
import math
import os
import platform
import statistics
import time
import tracemalloc

import numpy as np

import pooling_lib as pl

CONFIGS = [(2, 2), (3, 2), (3, 1)]
OPS = ["max", "max+indices", "unpool_max", "mean", "unpool_avg"]


# ------------------------------------------------------------------ timing
def median_ms(fn, repeats, warmup=1):
    """Median wall time of ``fn()`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


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


# ------------------------------------------------------------------ PyTorch
def load_torch():
    try:
        import torch
    except ImportError as err:  # the benchmark still runs without it
        return None, f"{err}"
    return torch, None


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


def torch_times(torch, x, grad, f, s, repeats):
    """{op: (ms, layout)} for PyTorch, the faster of NCHW-contiguous and channels_last."""
    best = {}
    with torch.inference_mode():
        # The NHWC numpy buffer seen as NCHW is exactly channels_last memory format.
        cl = torch.from_numpy(x).permute(0, 3, 1, 2)
        gcl = torch.from_numpy(grad).permute(0, 3, 1, 2)
        assert cl.is_contiguous(memory_format=torch.channels_last)
        for layout, make in [("channels_last", lambda: (cl, gcl)),
                             ("NCHW", lambda: (cl.contiguous(), gcl.contiguous()))]:
            for op, call in torch_calls(torch, *make(), f, s).items():
                ms = median_ms(call, repeats)
                if op not in best or ms < best[op][0]:
                    best[op] = (ms, layout)
            gc.collect()
    return best


def check_against_torch(torch, x, grad, f, s, lib):
    """The library's results equal PyTorch's (channels_last); raises AssertionError otherwise."""
    import torch.nn.functional as F

    aten = torch.ops.aten
    with torch.inference_mode():
        t = torch.from_numpy(x).permute(0, 3, 1, 2)
        g = torch.from_numpy(grad).permute(0, 3, 1, 2)
        out, idx = F.max_pool2d(t, f, s, return_indices=True)

        def nhwc(a):
            return a.permute(0, 2, 3, 1).numpy()

        np.testing.assert_array_equal(lib["max"], nhwc(out))
        np.testing.assert_array_equal(lib["indices"], nhwc(idx))
        back = aten.max_pool2d_with_indices_backward(g, t, [f, f], [s, s], [0, 0], [1, 1], False, idx)
        np.testing.assert_allclose(lib["unpool_max"], nhwc(back), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(lib["mean"], nhwc(F.avg_pool2d(t, f, s)), rtol=1e-5, atol=1e-6)
        back = aten.avg_pool2d_backward(g, t, [f, f], [s, s], [0, 0], False, True, None)
        np.testing.assert_allclose(lib["unpool_avg"], nhwc(back), rtol=1e-5, atol=1e-6)


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


# ------------------------------------------------------------------ main
def fmt(v, spec="8.1f"):
    """``v`` formatted with ``spec``, or a right-aligned "-" of the same width for None."""
    return format(v, spec) if v is not None else "-".rjust(int(spec.split(".")[0]))


def ratio(a, b):
    return None if a is None or b is None else a / b


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch of 8 instead of 64")
    parser.add_argument("--batch", type=int, help="batch size (overrides --quick)")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per cell (default 5)")
    parser.add_argument("--baseline-repeats", type=int, default=3,
                        help="timed calls per post-style baseline cell (default 3; it is slow)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the post-style baseline")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--warm-memory", type=float, default=2.0, metavar="GIB",
                        help="touch and free this many GiB before timing (default 2): on a VM whose memory"
                             " the host backs lazily, first touches are slow and would penalise the first cells")
    args = parser.parse_args()

    m = args.batch or (8 if args.quick else 64)
    shape = (m, 112, 112, 64)
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
    print(f"load average at the start: {os.getloadavg()[0]:.1f} (other processes share the 2 cores)")
    print(f"median of {args.repeats} timed calls after 1 warm-up call"
          f" (post-style baseline: median of {args.baseline_repeats}); times in ms")
    if m != 64:
        print(f"NOTE: batch {m}, not 64: the targets are defined for the full batch.")

    if args.warm_memory > 0:
        start = time.perf_counter()
        np.ones(int(args.warm_memory * 2**30), dtype=np.uint8)
        print(f"memory warm-up: touched {args.warm_memory:g} GiB in {time.perf_counter() - start:.1f} s")

    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape, dtype=np.float32)
    x_before = x.copy()

    copy_ms = median_ms(functools.partial(np.copyto, np.empty_like(x), x), args.repeats)
    # every result is fresh memory: its first touch costs page faults (large on some VMs)
    fresh_ms = median_ms(lambda: np.copyto(np.empty_like(x), x), args.repeats)

    rows = []  # (config, op, lib, torch, layout, baseline)
    combined = {}  # config -> (lib positions+unpool, baseline mask+unpool)
    memory = {}  # (config, op) -> extra bytes
    for f, s in CONFIGS:
        out, idx = pl.pool(x, f, s, return_indices=True)
        grad = rng.standard_normal(out.shape, dtype=np.float32)
        calls = lib_calls(x, f, s, grad, idx)
        lib = {op: median_ms(call, args.repeats) for op, call in calls.items()}

        tor = {}
        if torch is not None:
            results = {"max": out, "indices": idx, "unpool_max": calls["unpool_max"](),
                       "mean": calls["mean"](), "unpool_avg": calls["unpool_avg"]()}
            check_against_torch(torch, x, grad, f, s, results)
            del results
            gc.collect()
            tor = torch_times(torch, x, grad, f, s, args.repeats)

        base = {}
        if not args.no_baseline:
            base = baseline_times(x, f, s, grad, out, idx, args.baseline_repeats)
            gc.collect()
        combined[(f, s)] = (lib["max+indices"] + lib["unpool_max"],
                            base["max+indices"] + base["unpool_max"] if base else None)

        if not args.no_memory:
            for op, call in calls.items():
                memory[(f, s), op] = extra_memory(call)

        for op in OPS:
            t_ms, layout = tor.get(op, (None, ""))
            rows.append(((f, s), op, lib[op], t_ms, layout, base.get(op)))
        del out, idx, grad, calls
        gc.collect()

    assert np.array_equal(x, x_before), "the input was modified"

    # ---------------------------------------------------------------- table
    print()
    print(f"np.copyto floor (input -> preallocated array): {copy_ms:.1f} ms;"
          f" into a fresh array (page faults included): {fresh_ms:.1f} ms")
    print()
    head = (f"{'f/s':>4} {'operation':<12} {'lib':>8} {'torch':>8} {'layout':<13} {'baseline':>9}"
            f" {'lib/torch':>9} {'lib/copy':>8} {'base/lib':>8}")
    print(head)
    print("-" * len(head))
    for (f, s), op, lib_ms, t_ms, layout, b_ms in rows:
        print(f"{f}/{s:<2} {op:<12} {lib_ms:8.1f} {fmt(t_ms)} {layout:<13} {fmt(b_ms, '9.1f')}"
              f" {fmt(ratio(lib_ms, t_ms), '9.2f')} {lib_ms / copy_ms:8.2f}"
              f" {fmt(ratio(b_ms, lib_ms), '8.1f')}")
    print("-" * len(head))
    for (f, s), (lib_ms, b_ms) in combined.items():
        print(f"{f}/{s:<2} {'pos+unpool':<12} {lib_ms:8.1f} {'':8} {'':13} {fmt(b_ms, '9.1f')}"
              f" {'':9} {'':8} {fmt(ratio(b_ms, lib_ms), '8.1f')}")
    print("pos+unpool: pool(return_indices=True) + unpool_max; baseline: full int64 mask + scatter")

    # -------------------------------------------------------------- targets
    print()
    print("Targets")

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    if torch is not None:
        cells = [(cfg, op, lib_ms / t_ms) for cfg, op, lib_ms, t_ms, _, _ in rows]
        slower = [f"{c[0]}/{c[1]} {op} ({r:.2f}x)" for c, op, r in cells if r >= 1]
        geo = math.exp(statistics.fmean(math.log(r) for _, _, r in cells))
        print(f"  {verdict(not slower)}  faster than PyTorch in every cell:"
              f" {len(cells) - len(slower)}/{len(cells)}" + (f"; slower: {', '.join(slower)}" if slower else ""))
        print(f"  {verdict(geo <= 0.5)}  geometric mean of lib/torch over the {len(cells)} cells:"
              f" {geo:.2f}x (target <= 0.50x)")
    else:
        print("  ----  PyTorch targets not checked (torch not importable)")
    fwd = [(cfg, op, lib_ms / copy_ms) for cfg, op, lib_ms, *_ in rows if op in ("max", "mean")]
    far = [f"{c[0]}/{c[1]} {op} ({r:.2f}x)" for c, op, r in fwd if r > 2]
    print(f"  {verdict(not far)}  max and mean forward within 2x the copy floor:"
          f" {len(fwd) - len(far)}/{len(fwd)}" + (f"; over: {', '.join(far)}" if far else ""))
    if not args.no_baseline:
        speedups = {cfg: b / lib_ms for cfg, (lib_ms, b) in combined.items()}
        worst = min(speedups.values())
        print(f"  {verdict(worst >= 10)}  positions + unpooling >= 10x faster than the post-style baseline:"
              f" {', '.join(f'{c[0]}/{c[1]} {v:.0f}x' for c, v in speedups.items())}")
    if memory:
        nbytes = x.nbytes
        worst_key = max(memory, key=memory.get)
        worst_ratio = memory[worst_key] / nbytes
        print(f"  {verdict(worst_ratio <= 2)}  no temporary larger than 2x the input: largest extra peak"
              f" {worst_ratio:.2f}x input ({worst_key[0][0]}/{worst_key[0][1]} {worst_key[1]})")
        print()
        print(f"Peak memory allocated during each call besides its result (tracemalloc),"
              f" in units of the input ({nbytes / 2**20:.0f} MiB):")
        print(f"{'f/s':>4} " + " ".join(f"{op:>12}" for op in OPS))
        for f, s in CONFIGS:
            print(f"{f}/{s:<2} " + " ".join(f"{memory[(f, s), op] / nbytes:12.2f}" for op in OPS))
    print()
    print(f"total run time {time.perf_counter() - started:.0f} s;"
          f" load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
