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
from ..palette import FADED_INK, INK, WINDOW_OUTLINES
from .base import NARROW_WIDTH_PX, Explorer

__all__ = ["SIZES", "BatchExplorer", "figures"]

#: Font size (pt) of every text: 11 CSS px when the picture is shown 468 px wide (a 900-px window).
FIGSIZE = (6.4, 3.2)
FONT = 11 * 72 * FIGSIZE[0] / NARROW_WIDTH_PX
#: The chart's two lines: two of the palette's colour-blind safe outline colours.
LOOP_COLOUR, CALL_COLOUR = WINDOW_OUTLINES[1], WINDOW_OUTLINES[0]

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

    figsize = FIGSIZE
    repeats = 3
    m_max = SIZES[-1]
    #: the sample shown is one of the batch's m samples
    limits = {"sample": lambda v: v["m"] - 1}
    inactive = {"sample": lambda v: "the batch holds one sample" if v["m"] == 1 else None}

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "m": widgets.IntSlider(value=16, min=1, max=self.m_max, description="batch size m",
                                   continuous_update=True, style=style),
            "sample": widgets.IntSlider(value=0, min=0, max=self.m_max - 1, description="sample shown",
                                        continuous_update=True, style=style),
            "channel": widgets.IntSlider(value=0, min=0, max=7, description="channel shown",
                                         continuous_update=True, style=style),
            "f": widgets.IntSlider(value=2, min=2, max=4, description="window f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride",
                                        continuous_update=True, style=style),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pooling", style=style),
        }

    def draw(self, fig, **values):
        self.batch = example_batch(self.m_max)
        self.timings = {}
        fig.subplots_adjust(left=0.01, right=0.975, top=0.88, bottom=0.17, wspace=0.1)
        grid = fig.add_gridspec(1, 4, width_ratios=[1, 1, 0.42, 1.75])
        ax_before = fig.add_subplot(grid[0])
        ax_after = fig.add_subplot(grid[1])
        ax_time = fig.add_subplot(grid[3])
        blank = np.zeros((2, 2))
        self.before = ax_before.imshow(blank, cmap="magma", vmin=0, vmax=1, interpolation="nearest")
        self.after = ax_after.imshow(blank, cmap="magma", vmin=0, vmax=1, interpolation="nearest")
        for ax in (ax_before, ax_after):
            ax.set_axis_off()  # no ticks to lay out at each step
        self.ax_before, self.ax_after, self.ax_time = ax_before, ax_after, ax_time
        # titles as plain texts at fixed places (an axes title is re-placed at every render)
        self.before_title = ax_before.text(0.5, 1.03, "", transform=ax_before.transAxes, ha="center",
                                           va="bottom", fontsize=FONT)
        self.after_title = ax_after.text(0.5, 1.03, "", transform=ax_after.transAxes, ha="center",
                                         va="bottom", fontsize=FONT)
        ax_time.set_xscale("log", base=2)
        ax_time.set_yscale("log")
        (self.loop_line,) = ax_time.plot([], [], "o-", color=LOOP_COLOUR, ms=4, lw=2, label="loop")
        (self.batch_line,) = ax_time.plot([], [], "s-", color=CALL_COLOUR, ms=4, lw=2, label="one call")
        (self.now,) = ax_time.plot([], [], "o", color=INK, ms=7, zorder=3)
        self.now_line = ax_time.axvline(1, color=FADED_INK, linestyle="--", linewidth=1)
        ax_time.xaxis.set_major_locator(FixedLocator([1, 4, 16, 64]))
        ax_time.xaxis.set_minor_locator(NullLocator())
        ax_time.set_xticklabels(["1", "4", "16", "64"], fontsize=FONT)
        ax_time.tick_params(axis="y", labelsize=FONT)
        ax_time.set_xlabel("batch size m", fontsize=FONT, labelpad=1)
        ax_time.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax_time.yaxis.set_minor_locator(NullLocator())
        ax_time.set_ylabel("ms", fontsize=FONT, labelpad=1)
        ax_time.set_xlim(0.8, self.m_max * 1.25)
        ax_time.legend(fontsize=FONT, loc="upper left", frameon=False, handlelength=1.2,
                       borderaxespad=0.2, labelspacing=0.2)
        self.time_title = ax_time.text(0.5, 1.03, "", transform=ax_time.transAxes, ha="center", va="bottom",
                                       fontsize=FONT)

    def measure(self, sizes, f, stride, method):
        """Loop and batch seconds for each size, measured once per setting (cached)."""
        missing = [m for m in sizes if (m, f, stride, method) not in self.timings]
        if missing:
            t = time_loop_vs_batch(missing, f, stride, method=method, repeats=self.repeats, data=self.batch)
            for m, loop, batch in zip(missing, t["loop"], t["batch"]):
                self.timings[(m, f, stride, method)] = (loop, batch)
        return np.array([self.timings[(m, f, stride, method)] for m in sizes])

    def update(self, m, sample, channel, f, stride, method):
        x = self.batch[:m]
        looped = pool_each_sample(x, f, stride, method=method)
        at_once = pool(x, f, stride, method=method)
        self.same = bool(np.array_equal(looped, at_once))

        image = x[sample, :, :, channel]
        pooled = at_once[sample, :, :, channel]
        h, w = image.shape
        ho, wo = pooled.shape
        self.before.set_data(image)
        self.before_title.set_text(f"input {h}×{w}")
        self.after.set_data(pooled)
        self.after.set_extent((-0.5, wo - 0.5, ho - 0.5, -0.5))
        self.ax_after.set_xlim(-0.5, wo - 0.5)
        self.ax_after.set_ylim(ho - 0.5, -0.5)
        self.after_title.set_text(f"{method} → {ho}×{wo}")

        sizes = sorted(set(SIZES) | {m})
        times = self.measure(sizes, f, stride, method)
        ms = times * 1000
        self.loop_line.set_data(sizes, ms[:, 0])
        self.batch_line.set_data(sizes, ms[:, 1])
        loop_now, batch_now = times[sizes.index(m)]
        self.now.set_data([m, m], [loop_now * 1000, batch_now * 1000])
        self.now_line.set_xdata([m, m])
        self.ax_time.set_ylim(ms.min() / 2, ms.max() * 4)
        self.speedup = loop_now / batch_now
        self.time_title.set_text(f"m = {m}: {self.speedup:.1f}× faster")

        self.caption.value = (
            f"Shown: sample {sample}, channel {channel}, before and after {method} pooling with window {f}, "
            f"stride {stride}.<br>"
            f"Loop: <code>pool()</code> on every sample of shape {x.shape[1:]} (m = {m} calls), then "
            f"<code>np.stack</code>; one call: <code>pool()</code> on the batch of shape {x.shape}. "
            f"Both give shape {at_once.shape}; <code>np.array_equal(loop, one_call)</code> = {self.same}.<br>"
            f"Time for m = {m} on this machine (median of {self.repeats}): loop {_ms(loop_now)}, "
            f"one call {_ms(batch_now)}, {self.speedup:.1f}× faster."
        )


def figures():
    """Yield ``("05-batch-explorer", figure)``: the explorer's opening picture."""
    yield "05-batch-explorer", BatchExplorer().fig
