"""Lesson 09: adaptive bins, and LP pooling sliding from the mean to the maximum.

:class:`AdaptiveExplorer` draws the bins of :func:`~pooling_lib.adaptive.adaptive_pool`
for any input size ``n`` and output size: coloured bars beside the grid
show every row bin and column bin (unequal, and overlapping where
``out`` does not divide ``n``), one bin is outlined on the input, and its
value is outlined in the pooled output.

:class:`LpExplorer` moves the power ``p`` of :func:`~pooling_lib.adaptive.lp_pool`:
the LP-pooled grid starts at each window's sum (``p = 1``) and falls to
its maximum, the power mean ``lp_pool / k**(1/p)`` (``k`` cells per
window) rises from the mean to the maximum, and a plot follows one window
across all ``p``. A checkbox shifts the input below zero to show the sign
caveat (NaN where ``sum x**p`` has no real ``p``-th root).
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from ..adaptive import adaptive_bins, adaptive_pool, lp_pool
from ..examples import adaptive_input, lp_input
from ..palette import FADED_INK, INK, SELECTED_EDGE, WINDOW_OUTLINES, WINNER_EDGE, window_colour
from ..plotting import GridView, window_rectangle
from ..wording import count
from .base import NARROW_WIDTH_PX, Explorer

__all__ = ["P_VALUES", "AdaptiveExplorer", "LpExplorer", "figures"]

N_MAX = 10  # largest input side of the adaptive explorer
FIGSIZE = (6.4, 3.55)
LP_FIGSIZE = (6.4, 4.7)
#: Font size (pt) of every text: 11 CSS px when a picture is shown 468 px wide (a 900-px window).
FONT = 11 * 72 * FIGSIZE[0] / NARROW_WIDTH_PX
_LANE = 0.34  # width of one lane of bin bars, in cells
#: The LP explorer's two curves: two of the palette's colour-blind safe outline colours.
LP_COLOUR, MEAN_COLOUR = WINDOW_OUTLINES[3], WINDOW_OUTLINES[0]


def _number(v):
    """A value for a caption: integers without decimals, else 3 significant digits."""
    v = float(v)
    if np.isnan(v):
        return "nan"
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.3g}"


def _cell(v):
    """A value for a grid cell: 3 significant digits (2.0006 shows as 2, 8.739 as 8.74)."""
    v = float(v)
    return "nan" if np.isnan(v) else f"{v:.3g}"


def _short(v):
    """A cell of the pooled grid: integers as they are, else one decimal (the caption has 3 digits)."""
    v = float(v)
    if np.isnan(v):
        return "nan"
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


class AdaptiveExplorer(Explorer):
    """The bins of adaptive pooling on an ``n x n`` grid, for any output size; point at a cell.

    Controls: input size ``n``, output size (at most ``n``), max or mean,
    and the selection (``select``: click a cell of either grid, use the
    arrow keys on the picture, or pick it in the "point at" list). Panels:
    the input with a bar for every row bin (left) and column bin (top), in
    alternating lanes and colours so overlaps show; the pooled output.
    Selecting an output cell outlines its bin on the input; selecting an
    input cell outlines every bin that contains it (one, two or four) and
    the output cells they give. The caption lists the bins with their sizes
    and works the bin rule out for the selection.

    Examples
    --------
    >>> ex = AdaptiveExplorer(n=5, out=3, method="max")
    >>> ex.output.values
    array([[7, 9, 9],
           [9, 8, 4],
           [9, 9, 8]])
    >>> ex.select("input", 1, 3)         # row 1 is in row bins 0 and 1, column 3 in column bins 1 and 2
    >>> ex.selected_bins
    [(0, 1), (0, 2), (1, 1), (1, 2)]
    """

    figsize = FIGSIZE
    #: the output size is at most the input size
    limits = {"out": lambda v: v["n"]}
    inactive = {"method": lambda v: "output size = input size: every bin is one cell, so max and mean agree"
                if v["out"] == v["n"] else None}

    def __init__(self, **values):
        select = values.pop("select", ("output", 1, 1))
        super().__init__(**values)
        # the opening picture points at the middle output cell (at n=5, out=3 its bin overlaps its
        # neighbours'); set after the others, once the selection's options exist
        if select:
            self.select(*select)

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "n": widgets.IntSlider(value=5, min=2, max=N_MAX, description="input size n",
                                   continuous_update=True, style=style),
            "out": widgets.IntSlider(value=3, min=1, max=N_MAX, description="output size",
                                     continuous_update=True, style=style),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pooling", style=style),
        }

    def selection_grids(self, values):
        n, out = values["n"], min(values["out"], values["n"])
        return {"output": (self.ax_out, (out, out)), "input": (self.ax_in, (n, n))}

    def draw(self, fig, **values):
        fig.subplots_adjust(left=0.005, right=0.995, top=0.9, bottom=0.01, wspace=0.06)
        ax_in, ax_out = fig.subplots(1, 2)
        self.ax_in, self.ax_out = ax_in, ax_out
        self.grid = GridView(ax_in, (N_MAX, N_MAX), cmap="Blues", fontsize=FONT)
        self.output = GridView(ax_out, (N_MAX, N_MAX), cmap="Oranges", fontsize=FONT)
        for view in (self.grid, self.output):
            view.title.set_fontsize(FONT)
        self.row_bars = [ax_in.add_patch(Rectangle((0, 0), _LANE * 0.85, 1, clip_on=False))
                         for _ in range(N_MAX)]
        self.col_bars = [ax_in.add_patch(Rectangle((0, 0), 1, _LANE * 0.85, clip_on=False))
                         for _ in range(N_MAX)]
        # up to four bins contain one input cell (two per axis): one outline each
        self.bin_boxes = [ax_in.add_patch(window_rectangle(0, 0, 1, 1, linewidth=3.0, visible=False))
                          for _ in range(4)]
        self.cell_boxes = [ax_out.add_patch(window_rectangle(0, 0, 1, 1, linewidth=3.0, visible=False))
                           for _ in range(4)]
        self.input_box = ax_in.add_patch(window_rectangle(0, 0, 1, 1, edgecolor=SELECTED_EDGE, linewidth=3.0,
                                                          linestyle="--", visible=False))

    def update(self, n, out, method, select):
        x = adaptive_input(n)
        pooled = adaptive_pool(x, out, method=method)
        bins = adaptive_bins(n, out)
        self.x, self.pooled, self.bins = x, pooled, bins

        # which bins to outline: the selected output cell's, or every bin holding the selected input cell
        role = select[0] if select else None
        if role == "output":
            chosen = [select[1:]]
        elif role == "input":
            r, c = select[1:]
            rows = [k for k, (a, b) in enumerate(bins) if a <= r < b]
            cols = [k for k, (a, b) in enumerate(bins) if a <= c < b]
            chosen = [(i, j) for i in rows for j in cols]
        else:
            chosen = []
        self.selected_bins = chosen
        chosen_rows = {i for i, _ in chosen}
        chosen_cols = {j for _, j in chosen}

        faded_in = np.zeros((n, n), bool)
        faded_out = np.zeros((out, out), bool)
        if chosen:
            inside = np.zeros((n, n), bool)
            for i, j in chosen:
                (r0, r1), (c0, c1) = bins[i], bins[j]
                inside[r0:r1, c0:c1] = True
            faded_in = ~inside
            faded_out[:] = True
            for i, j in chosen:
                faded_out[i, j] = False
        self.grid.show(x, title=f"input {n}×{n}: {out} bins per axis", vmin=0, vmax=14, faded=faded_in)
        margin = 2 * _LANE + 0.1
        self.ax_in.set_xlim(-0.5 - margin, n - 0.5)
        self.ax_in.set_ylim(n - 0.5, -0.5 - margin)
        for k in range(N_MAX):
            row_bar, col_bar = self.row_bars[k], self.col_bars[k]
            visible = k < out
            row_bar.set_visible(visible)
            col_bar.set_visible(visible)
            if not visible:
                continue
            a, b = bins[k]
            lane = -0.5 - _LANE * (2 - k % 2)
            colour = WINDOW_OUTLINES[k % len(WINDOW_OUTLINES)]
            row_bar.set_bounds(lane, a - 0.5, _LANE * 0.85, b - a)
            col_bar.set_bounds(a - 0.5, lane, b - a, _LANE * 0.85)
            for bar, on in ((row_bar, k in chosen_rows), (col_bar, k in chosen_cols)):
                bar.set_facecolor(colour)
                bar.set_edgecolor(INK if on else colour)
                bar.set_linewidth(2.2 if on else 0.5)
                bar.set_alpha(1.0 if on or not chosen else 0.35)
        for k, (box, cell_box) in enumerate(zip(self.bin_boxes, self.cell_boxes)):
            if k < len(chosen):
                i, j = chosen[k]
                (r0, r1), (c0, c1) = bins[i], bins[j]
                colour = SELECTED_EDGE if len(chosen) == 1 else window_colour(i, j)
                inset = 0.06 * k  # nested outlines stay apart where bins overlap
                box.set_bounds(c0 - 0.5 + inset, r0 - 0.5 + inset, c1 - c0 - 2 * inset, r1 - r0 - 2 * inset)
                cell_box.set_bounds(j - 0.5 + 0.04, i - 0.5 + 0.04, 0.92, 0.92)
                for patch in (box, cell_box):
                    patch.set_edgecolor(colour)
                    patch.set_visible(True)
            else:
                box.set_visible(False)
                cell_box.set_visible(False)
        if role == "input":
            self.input_box.set_bounds(select[2] - 0.5, select[1] - 0.5, 1, 1)
        self.input_box.set_visible(role == "input")

        self.output.show(pooled, title=f"adaptive {method} pool → {out}×{out}", vmin=0, vmax=14,
                         fmt=_short, faded=faded_out)
        self.caption.value = self._caption(n, out, method, bins, select, chosen, pooled)

    @staticmethod
    def _caption(n, out, method, bins, select, chosen, pooled):
        sizes = [b - a for a, b in bins]
        shared = [r for r in range(n) if sum(a <= r < b for a, b in bins) > 1]
        bin_text = " ".join(f"[{a}, {b})" for a, b in bins)
        lines = [
            f"<b>Bins along each axis</b> (n = {n}, output {out}): {bin_text}; "
            f"sizes {', '.join(map(str, sizes))}."
            + (f" Shared by two bins (the bins overlap): {'row and column' if len(shared) == 1 else 'rows and columns'} "
               f"{', '.join(map(str, shared))}." if shared else " No cell is shared: the bins touch."),
        ]
        what = "maximum" if method == "max" else "mean"
        if not select:
            lines.append("Click an output cell to see its bin, or an input cell to see every bin that "
                         "contains it (or use “point at”, or the arrow keys on the picture).")
        elif select[0] == "output":
            i, j = select[1:]
            (r0, r1), (c0, c1) = bins[i], bins[j]
            cells = (r1 - r0) * (c1 - c0)
            lines.append(
                f"<b>Output ({i}, {j})</b>: rows from floor({i}·{n}/{out}) = {r0} to ceil({i + 1}·{n}/{out}) = "
                f"{r1} (not included), columns from floor({j}·{n}/{out}) = {c0} to ceil({j + 1}·{n}/{out}) = "
                f"{c1}; the {what} of those {count(cells, 'cell')} is {_number(pooled[i, j])}.")
        else:
            r, c = select[1:]
            outputs = ", ".join(f"({i}, {j})" for i, j in chosen)
            lines.append(f"<b>Input ({r}, {c})</b> is in {count(len(chosen), 'bin')}: those of output {outputs}.")
        if n % out == 0:
            lines.append(f"{out} divides {n}: this is ordinary pooling with window = stride = {n // out}.")
        return "<br>".join(lines)


#: The powers the LP explorer's slider offers.
P_VALUES = (1, 1.5, 2, 3, 4, 6, 8, 12, 16, 32, 64)
_P_CURVE = np.geomspace(1, 64, 61)
_LP_N = 6


def _lp_note(p, k, negative, nans, windows):
    """The caption's second line: what :func:`~pooling_lib.adaptive.lp_pool` computes at this ``p``."""
    if not negative:
        if p == 1:
            return ("p = 1: LP is each window's sum and the power mean its mean; as p grows both close in "
                    "on the maximum (the largest cell dominates the sum of powers).")
        return (f"p = {p:g}: on non-negative cells LP lies between the window's maximum and "
                f"{k}^(1/p) = {k ** (1 / p):.3g} times it, and the power mean between the mean and the "
                f"maximum; as p grows both close in on the maximum.")
    nan = f"NaN in {nans} of the {windows} windows"
    if p == 1:
        return (f"p = 1: LP is the plain sum of the window, negative cells included ({nan}): "
                "it can fall below the maximum, even below zero, so it is no soft maximum. Use LP pooling on non-negative maps "
                "(after a ReLU).")
    if p != int(p):
        return (f"p = {p:g} is not an integer: a negative cell to the power {p:g} is not real, so every "
                f"window holding a negative cell is NaN ({nan}). Use LP pooling on non-negative maps "
                "(after a ReLU).")
    if int(p) % 2:
        return (f"p = {p:g} is odd: negative cells subtract from the sum of powers, and a window whose "
                f"sum of powers is negative is NaN ({nan}). Use LP pooling on non-negative maps "
                "(after a ReLU).")
    return (f"p = {p:g} is even: x^p = |x|^p, so LP pools |x| instead of x and a cell of −4 counts like 4 "
            f"({nan}). Use LP pooling on non-negative maps (after a ReLU).")


def _lp_windows(f):
    """How many windows of side ``f`` fit along one side of the LP input."""
    return (_LP_N - f) // f + 1


class LpExplorer(Explorer):
    """LP pooling as ``p`` grows: from the sum to the maximum (and the power mean from the mean).

    Controls: the power ``p``, the window size, which window to follow, and
    a checkbox that shifts the input by -4 (negative values: the sign
    caveat). Panels: the input with the followed window outlined; the
    LP-pooled grid ``lp_pool(x, p, f)``; the power mean
    ``lp_pool(x, p, f) / k**(1/p)`` with ``k = f*f``; and, below, for the
    followed window, both as curves over ``p`` next to the window's sum,
    mean and maximum.

    Examples
    --------
    >>> ex = LpExplorer(p=1, f=2)
    >>> ex.lp_view.values                 # p = 1: the sum of each 2x2 window
    array([[21.,  3., 16.],
           [11., 10., 26.],
           [24., 20., 17.]])
    >>> ex.mean_view.values               # p = 1: the mean
    array([[5.25, 0.75, 4.  ],
           [2.75, 2.5 , 6.5 ],
           [6.  , 5.  , 4.25]])
    """

    figsize = LP_FIGSIZE
    #: the followed window is one of the (6 // f)**2 windows
    limits = {"window": lambda v: _lp_windows(v["f"]) ** 2 - 1}

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "p": widgets.SelectionSlider(options=list(P_VALUES), value=1, description="power p",
                                         continuous_update=True, style=style),
            "f": widgets.ToggleButtons(options=[("2×2", 2), ("3×3", 3)], value=2, description="window",
                                       style=style),
            "window": widgets.IntSlider(value=0, min=0, max=8, description="followed window",
                                        continuous_update=True, style=style),
            "negative": widgets.Checkbox(value=False, description="shift input by −4 (negative values)",
                                         style=style, layout=widgets.Layout(width="auto")),
        }

    def draw(self, fig, **values):
        font = 11 * 72 * self.figsize[0] / NARROW_WIDTH_PX
        top = fig.add_gridspec(1, 3, left=0.01, right=0.99, top=0.9, bottom=0.47, wspace=0.12,
                               width_ratios=[1.25, 1, 1])
        ax_in, ax_lp, ax_pm = (fig.add_subplot(top[k]) for k in range(3))
        ax = self.ax_curve = fig.add_axes([0.1, 0.1, 0.56, 0.3])
        self.grid = GridView(ax_in, (_LP_N, _LP_N), cmap="Blues", fontsize=font)
        self.lp_view = GridView(ax_lp, (3, 3), cmap="Purples", fontsize=font)
        self.mean_view = GridView(ax_pm, (3, 3), cmap="Greens", fontsize=font)
        self.titles = []
        for view in (self.grid, self.lp_view, self.mean_view):
            view.ax.set_axis_off()  # no (empty) axis to lay out at each render
            view.title.set_visible(False)  # fixed-place texts instead (cheaper to render)
            self.titles.append(view.ax.text(0.5, 1.02, "", transform=view.ax.transAxes, ha="center",
                                            va="bottom", fontsize=font, linespacing=1.15))
        edge = dict(edgecolor=SELECTED_EDGE, linewidth=3.0)
        self.box = ax_in.add_patch(window_rectangle(0, 0, 2, 2, **edge))
        self.lp_box = ax_lp.add_patch(window_rectangle(0, 0, 1, 1, **edge))
        self.pm_box = ax_pm.add_patch(window_rectangle(0, 0, 1, 1, **edge))
        ax.set_xscale("log")
        ax.set_xlim(1, 64)
        ax.xaxis.set_major_locator(FixedLocator([1, 2, 4, 8, 16, 32, 64]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.tick_params(labelsize=font)
        ax.set_xlabel("p", fontsize=font, labelpad=0)
        (self.sum_line,) = ax.plot([1, 64], [0, 0], color=FADED_INK, ls=":", lw=2, label="sum")
        (self.max_line,) = ax.plot([1, 64], [0, 0], color=WINNER_EDGE, ls="--", lw=2, label="max")
        (self.avg_line,) = ax.plot([1, 64], [0, 0], color=INK, ls="--", lw=1.5, label="mean")
        # markers too: with negative inputs only some powers give a real value
        (self.lp_curve,) = ax.plot(_P_CURVE, np.zeros_like(_P_CURVE), color=LP_COLOUR, lw=2.5, marker=".",
                                   ms=4, label="LP")
        (self.pm_curve,) = ax.plot(_P_CURVE, np.zeros_like(_P_CURVE), color=MEAN_COLOUR, lw=2.5, marker=".",
                                   ms=4, label="power mean")
        (self.dots,) = ax.plot([1, 1], [0, 0], "o", color=INK, ms=7, zorder=4)
        self.p_marker = ax.axvline(1, color=INK, lw=1)
        # the legend as plain lines and texts beside the plot (a Legend is re-laid out at every render)
        for k, line in enumerate((self.sum_line, self.max_line, self.avg_line, self.lp_curve, self.pm_curve)):
            y = 0.92 - k * 0.21
            ax.plot([1.04, 1.14], [y, y], transform=ax.transAxes, clip_on=False, color=line.get_color(),
                    ls=line.get_linestyle(), lw=line.get_linewidth())
            ax.text(1.17, y, line.get_label(), transform=ax.transAxes, va="center", fontsize=font)
        self.curve_title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", va="bottom",
                                   fontsize=font)

    def update(self, p, f, window, negative):
        x = lp_input(negative)
        out = _lp_windows(f)
        i, j = divmod(window, out)
        k = f * f
        lp = lp_pool(x, p, f)
        pm = lp / k ** (1.0 / p)
        self.x, self.lp, self.power_mean = x, lp, pm

        vmax = 12 if negative else 16
        self.grid.show(x, vmin=-4, vmax=vmax)
        self.titles[0].set_text(f"input, {f}×{f} windows")
        self.box.set_bounds(j * f - 0.5, i * f - 0.5, f, f)
        finite = lp[np.isfinite(lp)]
        self.lp_view.show(lp, vmin=min(0.0, finite.min()) if finite.size else 0.0,
                          vmax=max(1.0, finite.max() if finite.size else 1.0) * 1.4, fmt=_cell)
        self.titles[1].set_text(f"LP, p = {p:g}\n(Σ x^p)^(1/p)")
        self.mean_view.show(pm, vmin=-4, vmax=vmax, fmt=_cell)
        self.titles[2].set_text(f"power mean\nLP / {k}^(1/p)")
        for box in (self.lp_box, self.pm_box):
            box.set_bounds(j - 0.5, i - 0.5, 1, 1)

        cells = x[i * f:(i + 1) * f, j * f:(j + 1) * f]
        total, mean, top = cells.sum(), cells.mean(), cells.max()
        curve = np.array([lp_pool(cells, q, f)[0, 0] for q in _P_CURVE])
        curve_pm = curve / k ** (1.0 / _P_CURVE)
        self.lp_curve.set_ydata(curve)
        self.pm_curve.set_ydata(curve_pm)
        marker = "." if np.isnan(curve).any() else "None"  # isolated real values need dots to show
        self.lp_curve.set_marker(marker)
        self.pm_curve.set_marker(marker)
        self.sum_line.set_ydata([total, total])
        self.max_line.set_ydata([top, top])
        self.avg_line.set_ydata([mean, mean])
        self.dots.set_data([p, p], [lp[i, j], pm[i, j]])
        self.p_marker.set_xdata([p, p])
        values = np.concatenate([curve[np.isfinite(curve)], curve_pm[np.isfinite(curve_pm)],
                                 [total, mean, top]])
        lo, hi = values.min(), values.max()
        pad = 0.08 * (hi - lo) if hi > lo else 1.0
        self.ax_curve.set_ylim(lo - pad, hi + pad)
        self.curve_title.set_text(f"window ({i}, {j}) as p grows")

        lines = [
            (f"<b>p = {p:g}</b>, window ({i}, {j}) with k = {k} cells: "
             f"LP = (sum x^p)^(1/p) = {_number(lp[i, j])}; power mean = LP / {k}^(1/p) = "
             f"{_number(pm[i, j])}; its sum {_number(total)}, mean {_number(mean)}, max {_number(top)}."),
        ]
        lines.append(_lp_note(p, k, negative, int(np.isnan(lp).sum()), lp.size))
        self.caption.value = "<br>".join(lines)


def figures():
    """Yield the opening pictures of both explorers, and the LP explorer at a large p."""
    yield "09-adaptive-explorer", AdaptiveExplorer().fig
    yield "09-lp-explorer", LpExplorer(p=8).fig
