"""Lesson 05: one sample at a time vs the whole batch in one call.

:func:`pool` accepts one sample ``(h, w, c)`` or a batch ``(m, h, w, c)``.
:func:`pool_each_sample` is the slow way (a Python loop over samples),
:func:`time_loop_vs_batch` measures both ways for several batch sizes, and
:class:`BatchExplorer` shows a sample before and after pooling next to the
measured times for the current settings.
"""

import time

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .._checks import as_pool_array, check_flag, check_int
from ..core import pool
from ..explorer import Explorer

__all__ = [
    "SIZES",
    "BatchExplorer",
    "example_batch",
    "figures",
    "pool_each_sample",
    "time_loop_vs_batch",
]

#: Batch sizes the explorer's chart always shows.
SIZES = (1, 2, 4, 8, 16, 32, 64)


def example_batch(m=64, shape=(28, 28, 8), seed=0):
    """A seeded batch of smooth, image-like samples (a few bright blobs per channel).

    Parameters
    ----------
    m : int, optional
        Number of samples.
    shape : (int, int, int), optional
        ``(h, w, c)`` of one sample.
    seed : int, optional
        Seed of ``np.random.default_rng``.

    Returns
    -------
    ndarray of float64, shape (m, h, w, c)
        Values in [0, 1): three Gaussian blobs per sample and channel plus a
        little noise.

    Examples
    --------
    >>> x = example_batch(2, (4, 4, 1))
    >>> x.shape
    (2, 4, 4, 1)
    >>> bool(x.min() >= 0) and bool(x.max() < 1)
    True
    """
    m = check_int(m, "m", 1)
    h, w, c = _check_shape(shape)
    rng = np.random.default_rng(check_int(seed, "seed", 0))
    centres = rng.uniform(0, 1, (m, c, 3, 2)) * (h, w)
    widths = rng.uniform(0.08, 0.2, (m, c, 3)) * min(h, w)
    rows = np.arange(h)[:, None]
    cols = np.arange(w)[None, :]
    blobs = np.exp(-((rows - centres[..., 0, None, None]) ** 2 + (cols - centres[..., 1, None, None]) ** 2)
                   / (2 * widths[..., None, None] ** 2))
    images = blobs.sum(axis=2) + 0.1 * rng.uniform(0, 1, (m, c, h, w))
    images /= images.max(axis=(2, 3), keepdims=True) * 1.0001
    return np.ascontiguousarray(images.transpose(0, 2, 3, 1))


def _check_shape(shape):
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise TypeError(f"shape must be a tuple (h, w, c), got {shape!r}")
    return tuple(check_int(n, "shape", 1) for n in shape)


def pool_each_sample(x, f, stride=None, *, method="max"):
    """Pool a batch the slow way: one :func:`pool` call per ``(h, w, c)`` sample.

    Parameters
    ----------
    x : array_like, shape (m, h, w, c)
        A batch.
    f, stride, method
        As in :func:`pool`.

    Returns
    -------
    ndarray, shape (m, ho, wo, c)
        The samples' results stacked; equal to ``pool(x, f, stride, method=method)``.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> batch = np.stack([x, x + 16])[..., None]
    >>> pool_each_sample(batch, 2)[..., 0]
    array([[[ 5,  7],
            [13, 15]],
    <BLANKLINE>
           [[21, 23],
            [29, 31]]])
    """
    x = as_pool_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (m, h, w, c), got shape {x.shape}")
    return np.stack([pool(sample, f, stride, method=method) for sample in x])


def time_loop_vs_batch(batch_sizes, f=2, stride=None, *, method="max", shape=(28, 28, 8),
                       repeats=5, progress=False, data=None, seed=0):
    """Time a Python loop over samples against one :func:`pool` call on the batch.

    Parameters
    ----------
    batch_sizes : sequence of int
        The batch sizes ``m`` to measure.
    f, stride, method
        As in :func:`pool`.
    shape : (int, int, int), optional
        ``(h, w, c)`` of one sample of the random data (ignored with `data`).
    repeats : int, optional
        Each measurement is repeated this many times; the median is kept.
    progress : bool, optional
        Show a tqdm progress bar (one step per batch size).
    data : array_like, shape (M, h, w, c), optional
        Samples to pool; batch ``m`` uses ``data[:m]``, so ``M`` must be at
        least ``max(batch_sizes)``. Default: standard normal numbers of
        shape ``(max(batch_sizes), *shape)`` from ``np.random.default_rng(seed)``.
    seed : int, optional
        Seed of the default data.

    Returns
    -------
    dict
        ``'batch_sizes'``: int array of the sizes; ``'loop'`` and
        ``'batch'``: float arrays of the same length, the median seconds of
        :func:`pool_each_sample` and of one ``pool`` call on the batch.

    Notes
    -----
    Both ways run once before timing (a warm-up), then alternate ``repeats``
    times, so that a slow moment of the machine hits both alike. The numbers
    depend on the machine; only their ratio is worth comparing.

    Examples
    --------
    >>> t = time_loop_vs_batch([1, 2], shape=(4, 4, 1), repeats=1)
    >>> t["loop"].shape, t["batch"].shape
    ((2,), (2,))
    >>> bool((t["loop"] > 0).all() and (t["batch"] > 0).all())
    True
    """
    if isinstance(batch_sizes, (int, np.integer)) or not hasattr(batch_sizes, "__len__"):
        raise TypeError(f"batch_sizes must be a sequence of integers, got {batch_sizes!r}")
    if len(batch_sizes) == 0:
        raise ValueError(f"batch_sizes must not be empty, got {batch_sizes!r}")
    sizes = [check_int(m, "batch_sizes", 1) for m in batch_sizes]
    repeats = check_int(repeats, "repeats", 1)
    progress = check_flag(progress, "progress")
    if data is None:
        rng = np.random.default_rng(check_int(seed, "seed", 0))
        data = rng.standard_normal((max(sizes), *_check_shape(shape)))
    else:
        data = as_pool_array(data, "data")
        if data.ndim != 4:
            raise ValueError(f"data must have shape (M, h, w, c), got shape {data.shape}")
        if data.shape[0] < max(sizes):
            raise ValueError(
                f"data must hold at least max(batch_sizes) = {max(sizes)} samples, got {data.shape[0]}"
            )
    pool(data[:1], f, stride, method=method)  # bad f, stride or method fail here, before any timing

    steps = sizes
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(sizes, desc="measuring", unit="batch size")
    loop_times, batch_times = [], []
    for m in steps:
        x = data[:m]
        pool_each_sample(x, f, stride, method=method)
        pool(x, f, stride, method=method)
        loops, batches = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            pool_each_sample(x, f, stride, method=method)
            middle = time.perf_counter()
            pool(x, f, stride, method=method)
            end = time.perf_counter()
            loops.append(middle - start)
            batches.append(end - middle)
        loop_times.append(np.median(loops))
        batch_times.append(np.median(batches))
    return {"batch_sizes": np.array(sizes), "loop": np.array(loop_times), "batch": np.array(batch_times)}


def _ms(seconds):
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms"


class BatchExplorer(Explorer):
    """Pool a batch sample by sample or all at once: same result, different time.

    Controls: batch size ``m``, which sample and channel to show, window
    ``f``, stride, max or mean. Panels: the chosen sample's channel before
    and after pooling, and the measured time of the loop and of the single
    call for the batch sizes in :data:`SIZES` and the current ``m`` (median
    of 3 runs, measured once per setting and cached). The caption shows
    ``np.array_equal`` of the two results.

    Parameters
    ----------
    **values
        Starting values of the controls (``m``, ``sample``, ``channel``,
        ``f``, ``stride``, ``method``).

    Attributes
    ----------
    batch : ndarray, shape (64, 28, 28, 8)
        The samples (:func:`example_batch` with seed 0); batch ``m`` is
        ``batch[:m]``.
    timings : dict
        Cache: ``(m, f, stride, method)`` -> ``(loop seconds, batch seconds)``.

    Examples
    --------
    >>> ex = BatchExplorer(m=4, f=2, stride=2)
    >>> ex.after.get_array().shape
    (14, 14)
    """

    figsize = (7.8, 3.0)
    dpi = 80
    repeats = 3
    m_max = SIZES[-1]

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "m": widgets.IntSlider(value=16, min=1, max=self.m_max, description="batch size m",
                                   continuous_update=True, style=style),
            # the full range at first, so BatchExplorer(m=40, sample=30) works; update() narrows it to m - 1
            "sample": widgets.IntSlider(value=0, min=0, max=self.m_max - 1, description="sample shown",
                                        continuous_update=True, style=style),
            "channel": widgets.IntSlider(value=0, min=0, max=7, description="channel shown",
                                         continuous_update=True, style=style),
            "f": widgets.IntSlider(value=2, min=2, max=4, description="window f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride",
                                        continuous_update=True, style=style),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pooling", style={**style, "button_width": "5.5em"}),
        }

    def draw(self, fig, **values):
        self.batch = example_batch(self.m_max)
        self.timings = {}
        fig.subplots_adjust(left=0.01, right=0.98, top=0.86, bottom=0.16, wspace=0.25)
        grid = fig.add_gridspec(1, 4, width_ratios=[1, 1, 0.15, 1.6])
        ax_before = fig.add_subplot(grid[0])
        ax_after = fig.add_subplot(grid[1])
        ax_time = fig.add_subplot(grid[3])
        blank = np.zeros((2, 2))
        self.before = ax_before.imshow(blank, cmap="magma", vmin=0, vmax=1, interpolation="nearest")
        self.after = ax_after.imshow(blank, cmap="magma", vmin=0, vmax=1, interpolation="nearest")
        for ax in (ax_before, ax_after):
            ax.set_xticks([])
            ax.set_yticks([])
        self.ax_before, self.ax_after, self.ax_time = ax_before, ax_after, ax_time
        self.before_title = ax_before.set_title("", fontsize=9)
        self.after_title = ax_after.set_title("", fontsize=9)
        ax_time.set_xscale("log", base=2)
        ax_time.set_yscale("log")
        (self.loop_line,) = ax_time.plot([], [], "o-", color="tab:orange", ms=3, label="loop over samples")
        (self.batch_line,) = ax_time.plot([], [], "o-", color="tab:blue", ms=3, label="one call on the batch")
        (self.now,) = ax_time.plot([], [], "o", color="black", ms=6, zorder=3)
        self.now_line = ax_time.axvline(1, color="grey", linestyle="--", linewidth=1)
        ax_time.xaxis.set_major_locator(FixedLocator(SIZES))
        ax_time.xaxis.set_minor_locator(NullLocator())
        ax_time.set_xticklabels([str(m) for m in SIZES], fontsize=8)
        ax_time.tick_params(axis="y", labelsize=8)
        ax_time.set_xlabel("batch size m", fontsize=8, labelpad=1)
        ax_time.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax_time.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        ax_time.set_ylabel("milliseconds (median of 3)", fontsize=8)
        ax_time.set_xlim(0.8, self.m_max * 1.25)
        ax_time.legend(fontsize=7, loc="upper left", frameon=False)
        self.time_title = ax_time.set_title("", fontsize=9)

    def measure(self, sizes, f, stride, method):
        """Loop and batch seconds for each size, measured once per setting (cached)."""
        missing = [m for m in sizes if (m, f, stride, method) not in self.timings]
        if missing:
            t = time_loop_vs_batch(missing, f, stride, method=method, repeats=self.repeats, data=self.batch)
            for m, loop, batch in zip(missing, t["loop"], t["batch"]):
                self.timings[(m, f, stride, method)] = (loop, batch)
        return np.array([self.timings[(m, f, stride, method)] for m in sizes])

    def update(self, m, sample, channel, f, stride, method):
        if self.controls["sample"].max != m - 1:
            self.controls["sample"].max = m - 1  # lowers the sample shown with it when needed
        sample = self.controls["sample"].value

        x = self.batch[:m]
        looped = pool_each_sample(x, f, stride, method=method)
        at_once = pool(x, f, stride, method=method)
        self.same = bool(np.array_equal(looped, at_once))

        image = x[sample, :, :, channel]
        pooled = at_once[sample, :, :, channel]
        h, w = image.shape
        ho, wo = pooled.shape
        self.before.set_data(image)
        self.before_title.set_text(f"sample {sample}, channel {channel}: {h}×{w}")
        self.after.set_data(pooled)
        self.after.set_extent((-0.5, wo - 0.5, ho - 0.5, -0.5))
        self.ax_after.set_xlim(-0.5, wo - 0.5)
        self.ax_after.set_ylim(ho - 0.5, -0.5)
        self.after_title.set_text(f"{method} pool f={f}, stride {stride}: {ho}×{wo}")

        sizes = sorted(set(SIZES) | {m})
        times = self.measure(sizes, f, stride, method)
        ms = times * 1000
        self.loop_line.set_data(sizes, ms[:, 0])
        self.batch_line.set_data(sizes, ms[:, 1])
        loop_now, batch_now = times[sizes.index(m)]
        self.now.set_data([m, m], [loop_now * 1000, batch_now * 1000])
        self.now_line.set_xdata([m, m])
        self.ax_time.set_ylim(ms.min() / 2, ms.max() * 3)
        self.speedup = loop_now / batch_now
        self.time_title.set_text(f"m = {m}: one call is {self.speedup:.1f}× faster")

        self.caption.value = (
            f"Loop: <code>pool()</code> on each of the {m} samples of shape {x.shape[1:]}, then "
            f"<code>np.stack</code>; one call: <code>pool()</code> on the batch of shape {x.shape}. "
            f"Both give shape {at_once.shape}; <code>np.array_equal(loop, one_call)</code> = {self.same}.<br>"
            f"Time for m = {m} on this machine (median of {self.repeats}): loop {_ms(loop_now)}, "
            f"one call {_ms(batch_now)}, {self.speedup:.1f}× faster."
        )


def figures():
    """Yield ``("05-batch-explorer", figure)``: the explorer's opening picture."""
    yield "05-batch-explorer", BatchExplorer().fig
