"""Lesson 05's explorer: one sample at a time vs the whole batch in one call.

:class:`BatchExplorer` shows a sample before and after pooling next to the
measured times of :func:`pooling_lib.batching.time_loop_vs_batch` (a Python
loop over the samples against one :func:`pooling_lib.pool` call) for the
current settings.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from ..batching import example_batch, pool_each_sample, time_loop_vs_batch
from ..core import pool
from .base import Explorer

__all__ = ["SIZES", "BatchExplorer", "figures"]

#: Batch sizes the explorer's chart always shows.
SIZES = (1, 2, 4, 8, 16, 32, 64)


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
