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

from ..adaptive import adaptive_bins, adaptive_pool, lp_pool
from .base import Explorer
from ..plotting import GridView, window_rectangle

__all__ = ["P_VALUES", "AdaptiveExplorer", "LpExplorer", "adaptive_input", "figures", "lp_input"]

N_MAX = 10  # largest input side of the adaptive explorer

_PALETTE = np.array([
    (0.12, 0.47, 0.71), (1.00, 0.50, 0.05), (0.17, 0.63, 0.17), (0.84, 0.15, 0.16),
    (0.58, 0.40, 0.74), (0.55, 0.34, 0.29), (0.89, 0.47, 0.76), (0.50, 0.50, 0.50),
    (0.74, 0.74, 0.13), (0.09, 0.75, 0.81),
])
_LANE = 0.34  # width of one lane of bin bars, in cells


def adaptive_input(n):
    """The adaptive explorer's ``n x n`` input: the top-left corner of a seeded 10x10 grid of 0..9.

    Examples
    --------
    >>> adaptive_input(3)
    array([[7, 3, 2],
           [0, 3, 5],
           [9, 2, 8]])
    """
    return np.random.default_rng(8).integers(0, 10, (N_MAX, N_MAX))[:n, :n]


def _narrow(explorer, name, maximum):
    """Set a control's ``max`` from inside ``update()`` without a second redraw.

    Lowering ``max`` may lower the value, which would fire the control's
    observer; the explorer's recursion guard is held meanwhile, since the
    ``update()`` that is running reads the clamped value anyway.
    """
    control = explorer.controls[name]
    if control.max != maximum:
        with explorer.hold():
            control.max = maximum
    return control.value


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


class AdaptiveExplorer(Explorer):
    """The bins of adaptive pooling on an ``n x n`` grid, for any output size.

    Controls: input size ``n``, output size (at most ``n``), max or mean,
    and which output cell to outline. Panels: the input with a bar for
    every row bin (left) and column bin (top), in alternating lanes so
    overlaps show, and the outlined bin of the chosen output cell; the
    pooled output with that cell outlined. The caption lists the bins with
    their sizes and works the bin rule out for the chosen cell.

    Examples
    --------
    >>> ex = AdaptiveExplorer(n=5, out=3, method="max")
    >>> ex.output.values
    array([[7, 9, 9],
           [9, 8, 4],
           [9, 9, 8]])
    """

    figsize = (7.0, 3.5)
    dpi = 80

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "n": widgets.IntSlider(value=5, min=2, max=N_MAX, description="input size n",
                                   continuous_update=True, style=style),
            # the ranges of "out" and "cell" follow n and out: update() narrows them
            "out": widgets.IntSlider(value=3, min=1, max=N_MAX, description="output size",
                                     continuous_update=True, style=style),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pooling", style={**style, "button_width": "4em"}),
            "cell": widgets.IntSlider(value=4, min=0, max=N_MAX * N_MAX - 1, description="outlined output cell",
                                      continuous_update=True, style=style),
        }

    def set(self, **values):
        """Set several controls at once; any consistent ``n``, ``out``, ``cell`` is accepted.

        The ranges of ``out`` and ``cell`` are opened up first (``update``
        narrows them again), so that e.g. ``set(n=10, out=7, cell=40)``
        works whatever the previous values were.
        """
        self.controls["out"].max = N_MAX
        self.controls["cell"].max = N_MAX * N_MAX - 1
        super().set(**values)

    def draw(self, fig, **values):
        fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.02, wspace=0.12)
        ax_in, ax_out = fig.subplots(1, 2)
        self.ax_in = ax_in
        self.grid = GridView(ax_in, (N_MAX, N_MAX), cmap="Blues", fontsize=7)
        self.output = GridView(ax_out, (N_MAX, N_MAX), cmap="Oranges", fontsize=7)
        self.row_bars = [ax_in.add_patch(Rectangle((0, 0), _LANE * 0.85, 1, clip_on=False))
                         for _ in range(N_MAX)]
        self.col_bars = [ax_in.add_patch(Rectangle((0, 0), 1, _LANE * 0.85, clip_on=False))
                         for _ in range(N_MAX)]
        self.bin_box = ax_in.add_patch(window_rectangle(0, 0, 1, 1, edgecolor="black", linewidth=2.5))
        self.cell_box = ax_out.add_patch(window_rectangle(0, 0, 1, 1, edgecolor="black", linewidth=2.5))

    def update(self, n, out, method, cell):
        out = _narrow(self, "out", n)  # lowers the output size with it when needed
        cell = _narrow(self, "cell", out * out - 1)
        i, j = divmod(cell, out)

        x = adaptive_input(n)
        pooled = adaptive_pool(x, out, method=method)
        bins = adaptive_bins(n, out)
        self.x, self.pooled, self.bins = x, pooled, bins

        self.grid.show(x, title=f"input ({n}×{n}) and its {out} row / {out} column bins",
                       vmin=0, vmax=14)
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
            colour = _PALETTE[k % len(_PALETTE)]
            row_bar.set_bounds(lane, a - 0.5, _LANE * 0.85, b - a)
            col_bar.set_bounds(a - 0.5, lane, b - a, _LANE * 0.85)
            for bar, chosen in ((row_bar, k == i), (col_bar, k == j)):
                bar.set_facecolor(colour)
                bar.set_edgecolor("black" if chosen else colour)
                bar.set_linewidth(1.8 if chosen else 0.5)
        (r0, r1), (c0, c1) = bins[i], bins[j]
        self.bin_box.set_bounds(c0 - 0.5, r0 - 0.5, c1 - c0, r1 - r0)

        what = "maximum" if method == "max" else "mean"
        self.output.show(pooled, title=f"adaptive {method} pool to {out}×{out}", vmin=0, vmax=14)
        self.cell_box.set_bounds(j - 0.5, i - 0.5, 1, 1)

        count = (r1 - r0) * (c1 - c0)
        sizes = [b - a for a, b in bins]
        shared = [r for r in range(n) if sum(a <= r < b for a, b in bins) > 1]
        bin_text = " ".join(f"[{a}, {b})" for a, b in bins)
        lines = [
            f"<b>Bins along each axis</b> (n = {n}, output {out}): {bin_text}; "
            f"sizes {', '.join(map(str, sizes))}."
            + (f" Rows/columns {', '.join(map(str, shared))} belong to two bins (the bins overlap)."
               if shared else " No cell is shared: the bins touch."),
            (f"<b>Cell ({i}, {j})</b>: rows from floor({i}·{n}/{out}) = {r0} to ceil({i + 1}·{n}/{out}) = {r1} "
             f"(not included), columns from floor({j}·{n}/{out}) = {c0} to ceil({j + 1}·{n}/{out}) = {c1}; "
             f"the {what} of those {count} cell{'s' if count > 1 else ''} is {_number(pooled[i, j])}."),
        ]
        if n % out == 0:
            lines.append(f"{out} divides {n}: this is ordinary pooling with window = stride = {n // out}.")
        self.caption.value = "<br>".join(lines)


#: The powers the LP explorer's slider offers.
P_VALUES = (1, 1.5, 2, 3, 4, 6, 8, 12, 16, 32, 64)
_P_CURVE = np.geomspace(1, 64, 61)
_LP_N = 6


def lp_input(negative=False):
    """The LP explorer's 6x6 input: seeded integers 0..9, minus 4 if ``negative``.

    Examples
    --------
    >>> lp_input()[0]
    array([8., 0., 1., 2., 1., 8.])
    >>> lp_input(negative=True)[0]
    array([ 4., -4., -3., -2., -3.,  4.])
    """
    x = np.random.default_rng(3).integers(0, 10, (_LP_N, _LP_N)).astype(np.float64)
    return x - 4 if negative else x


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


class LpExplorer(Explorer):
    """LP pooling as ``p`` grows: from the sum to the maximum (and the power mean from the mean).

    Controls: the power ``p``, the window size, which window to follow, and
    a checkbox that shifts the input by -4 (negative values: the sign
    caveat). Panels: the input with the followed window outlined; the
    LP-pooled grid ``lp_pool(x, p, f)``; the power mean
    ``lp_pool(x, p, f) / k**(1/p)`` with ``k = f*f``; and, for the followed
    window, both as curves over ``p`` next to the window's sum, mean and
    maximum.

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

    figsize = (8.4, 3.0)
    dpi = 80

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "p": widgets.SelectionSlider(options=list(P_VALUES), value=1, description="power p",
                                         continuous_update=True, style=style),
            "f": widgets.ToggleButtons(options=[("2×2", 2), ("3×3", 3)], value=2, description="window",
                                       style={**style, "button_width": "4em"}),
            "window": widgets.IntSlider(value=0, min=0, max=8, description="followed window",
                                        continuous_update=True, style=style),
            "negative": widgets.Checkbox(value=False, description="shift input by -4 (negative values)",
                                         style=style),
        }

    def set(self, **values):
        """Set several controls at once; ``window`` may go up to the 2x2 windows' 8 whatever ``f`` was."""
        self.controls["window"].max = (_LP_N // 2) ** 2 - 1
        super().set(**values)

    def draw(self, fig, **values):
        fig.subplots_adjust(left=0.01, right=0.985, top=0.83, bottom=0.16, wspace=0.25)
        ax_in, ax_lp, ax_pm, ax_curve = fig.subplots(
            1, 4, gridspec_kw={"width_ratios": [1.3, 0.9, 0.9, 1.6]})
        self.grid = GridView(ax_in, (_LP_N, _LP_N), cmap="Blues", fontsize=8)
        self.lp_view = GridView(ax_lp, (3, 3), cmap="Purples", fontsize=8)
        self.mean_view = GridView(ax_pm, (3, 3), cmap="Greens", fontsize=8)
        self.box = ax_in.add_patch(window_rectangle(0, 0, 2, 2, edgecolor="#d62728", linewidth=2.5))
        self.lp_box = ax_lp.add_patch(window_rectangle(0, 0, 1, 1, edgecolor="#d62728", linewidth=2.5))
        self.pm_box = ax_pm.add_patch(window_rectangle(0, 0, 1, 1, edgecolor="#d62728", linewidth=2.5))
        ax = self.ax_curve = ax_curve
        ax.set_xscale("log")
        ax.set_xlim(1, 64)
        ax.set_xticks([1, 2, 4, 8, 16, 32, 64])
        ax.set_xticklabels(["1", "2", "4", "8", "16", "32", "64"])
        ax.minorticks_off()
        ax.tick_params(labelsize=7)
        ax.set_xlabel("p", fontsize=8, labelpad=1)
        (self.sum_line,) = ax.plot([1, 64], [0, 0], color="0.6", ls=":", lw=1.2, label="sum")
        (self.max_line,) = ax.plot([1, 64], [0, 0], color="#d62728", ls="--", lw=1.2, label="max")
        (self.avg_line,) = ax.plot([1, 64], [0, 0], color="0.2", ls="--", lw=1.2, label="mean")
        # markers too: with negative inputs only the even-integer powers give a real value
        (self.lp_curve,) = ax.plot(_P_CURVE, np.zeros_like(_P_CURVE), color="#6a51a3", lw=2, marker=".",
                                   ms=3, label="LP")
        (self.pm_curve,) = ax.plot(_P_CURVE, np.zeros_like(_P_CURVE), color="#238b45", lw=2, marker=".",
                                   ms=3, label="power mean")
        (self.dots,) = ax.plot([1, 1], [0, 0], "o", color="black", ms=5, zorder=4)
        self.p_marker = ax.axvline(1, color="black", lw=0.8)
        ax.legend(fontsize=6.5, loc="center right", frameon=False, handlelength=1.6)
        self.curve_title = ax.set_title("", fontsize=9)

    def update(self, p, f, window, negative):
        x = lp_input(negative)
        out = (_LP_N - f) // f + 1
        window = _narrow(self, "window", out * out - 1)
        i, j = divmod(window, out)
        k = f * f
        lp = lp_pool(x, p, f)
        pm = lp / k ** (1.0 / p)
        self.x, self.lp, self.power_mean = x, lp, pm

        vmax = 12 if negative else 16
        self.grid.show(x, title=f"input ({_LP_N}×{_LP_N}), {f}×{f} windows", vmin=-4, vmax=vmax)
        self.box.set_bounds(j * f - 0.5, i * f - 0.5, f, f)
        finite = lp[np.isfinite(lp)]
        self.lp_view.show(lp, title=f"lp_pool, p = {p:g}\n(sum x^p)^(1/p)",
                          vmin=min(0.0, finite.min()) if finite.size else 0.0,
                          vmax=max(1.0, finite.max() if finite.size else 1.0) * 1.4, fmt=_cell)
        self.mean_view.show(pm, title=f"power mean\nlp_pool / {k}^(1/p)", vmin=-4, vmax=vmax, fmt=_cell)
        for box in (self.lp_box, self.pm_box):
            box.set_bounds(j - 0.5, i - 0.5, 1, 1)

        cells = x[i * f:(i + 1) * f, j * f:(j + 1) * f]
        total, mean, top = cells.sum(), cells.mean(), cells.max()
        curve = np.array([lp_pool(cells, q, f)[0, 0] for q in _P_CURVE])
        curve_pm = curve / k ** (1.0 / _P_CURVE)
        self.lp_curve.set_ydata(curve)
        self.pm_curve.set_ydata(curve_pm)
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
