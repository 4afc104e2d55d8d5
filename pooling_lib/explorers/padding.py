"""Lesson 06's explorer: one axis, six conventions, side by side.

:class:`PaddingExplorer` draws, for the same input length ``n``, window
``f`` and stride ``s``, one strip per convention (PyTorch floor and
``ceil_mode``, TensorFlow/Keras ``'valid'`` and ``'same'``, the seed post's
``pad=True`` as coded and as meant): the input cells, the padding, and a bar
for every window, coloured by whether it is kept, partial, dropped or starts
inside the padding. Below, the divisor of every window of a PyTorch mean
pooling of an ``n x n`` input, with and without ``count_include_pad``. The
caption lists each convention's output size with its formula.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.transforms import blended_transform_factory

from ..conventions import CONVENTIONS, compare, divisor_map
from .base import Explorer
from ..plotting import GridView

__all__ = ["CASES", "STATUS_STYLE", "PaddingExplorer", "figures"]

#: The preloaded cases: key -> (label, n, f, stride, padding, ceil_mode, what to notice).
CASES = {
    "n5f3s2": (
        "n=5, window 3, stride 2", 5, 3, 2, 0, False,
        ("PyTorch (floor or ceil_mode) and TF 'valid' give 2 windows; TF 'same' gives ⌈5/2⌉ = 3 "
         "by padding one cell on each side.")),
    "n32f1s2": (
        "n=32, window 1, stride 2, ceil_mode", 32, 1, 2, 0, True,
        ("ceil_mode counts ⌈31/2⌉ + 1 = 17 windows, but the 17th would start at cell 32, past "
         "the input: PyTorch drops it and returns 16, the same as floor.")),
    "n32f8s4": (
        "n=32, window 8, stride 4, ceil_mode", 32, 8, 4, 0, True,
        ("24/4 divides exactly, so ceil_mode changes nothing: 7 windows. TF 'same' gives "
         "⌈32/4⌉ = 8 because it pads 2 cells on each side.")),
    "post": (
        "the post's 6x6 example: window 3, stride 3", 6, 3, 3, 0, False,
        ("The post's pad=True computes 6 // 3 + 1 = 3 windows: the third starts at cell 6 and holds "
         "only padding (integer zeros).")),
    "n6f3s2p1": (
        "n=6, window 3, stride 2, padding 1, ceil_mode", 6, 3, 2, 1, True,
        ("ceil_mode keeps a 4th window that hangs one cell past the padding; that cell is never "
         "counted, so its divisor is 6, not 9, even with count_include_pad=True.")),
    "n7f2s4": (
        "n=7, window 2, stride 4: gaps", 7, 2, 4, 0, False,
        ("stride > window: cells 2, 3 and 6 are in no window. The post's code even crashes: it "
         "copies 7 cells into a padded array of 6.")),
}

_PICK = "pick"

#: Window status -> (face colour, edge colour, line style, legend text).
STATUS_STYLE = {
    "kept": ("#3b78b0", "#1f4e79", "solid", "kept"),
    "partial": ("#9cc3e6", "#3b78b0", "solid", "kept, covers padding / past the end"),
    "in-padding": ("#d62728", "#8b0000", "solid", "kept, starts in the padding (bug)"),
    "dropped": ("none", "#555555", "dashed", "dropped: input cells lost"),
    "dropped-in-padding": ("none", "#d62728", "dashed", "dropped: would start past the input"),
}

_CELL = {
    "input": "#ffffff",
    "uncovered": "#f4a6a6",
    "torch": "#fde2b0",  # padding that counts (zeros in a mean with count_include_pad)
    "ignored": "#e3e3e3",  # padding that never counts
    "zeros": "#f39c54",  # the post's integer zeros: they win the max of negative windows
    "overhang": "#ffffff",
}
_PAD_KIND = {"torch": "torch", "torch-ceil": "torch", "tf-valid": "ignored", "tf-same": "ignored",
             "post-pad": "zeros", "post-pad-meant": "ignored"}

_N_MAX = 32
_MAP_SIDE = 6  # the divisor maps show at most 6 x 6 windows (the first and last 3 per axis)
_CELL_TOP, _CELL_BOTTOM = -0.42, -0.08  # a strip's cells, relative to its row
_BAR_TOP, _BAR_BOTTOM = 0.0, 0.42  # its window bars


def _rect(x0, x1, y0, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _crop_index(out):
    """Which windows per axis a map shows: all, or the first and last half of ``_MAP_SIDE``."""
    if out <= _MAP_SIDE:
        return np.arange(out)
    half = _MAP_SIDE // 2
    return np.r_[0:half, out - half:out]


class PaddingExplorer(Explorer):
    """One axis of length n, six conventions: which windows each keeps, and its output size.

    Parameters
    ----------
    **values
        Starting values of the controls: ``case`` (a key of :data:`CASES`
        loads its numbers), ``n`` (1-32), ``f`` (window, at most ``n``),
        ``stride``, ``padding`` (PyTorch's, at most ``f // 2``),
        ``ceil_mode`` (for the divisor maps).

    Attributes
    ----------
    layouts : dict of str to pooling_lib.conventions.Layout
        What is drawn, by convention.
    cells, bars : list of PolyCollection
        Per strip: its cells, its window bars (one polygon per window).
    sizes : list of matplotlib.text.Text
        Per strip: the output size written at its right end.
    maps : (GridView, GridView)
        Divisors with ``count_include_pad=True`` and ``False``.
    map_index : ndarray of int
        Which windows (per axis) the maps show.

    Notes
    -----
    The opening picture is the case n=5, window 3, stride 2.

    Examples
    --------
    >>> ex = PaddingExplorer()
    >>> {name: lay.size for name, lay in ex.layouts.items()}
    {'torch': 2, 'torch-ceil': 2, 'tf-valid': 2, 'tf-same': 3, 'post-pad': 3, 'post-pad-meant': 2}
    >>> ex.set(case="n32f1s2")
    >>> ex.values()["n"], ex.layouts["torch-ceil"].size, ex.layouts["torch-ceil"].status[-1]
    (32, 16, 'dropped-in-padding')
    """

    figsize = (8.0, 6.0)
    dpi = 72

    def make_controls(self):
        style = {"description_width": "initial"}
        options = [("load a tricky case…", _PICK)] + [(spec[0], key) for key, spec in CASES.items()]
        return {
            "case": widgets.Dropdown(options=options, value=_PICK, description="case",
                                     style=style, layout=widgets.Layout(width="24em")),
            "n": widgets.IntSlider(value=5, min=1, max=_N_MAX, description="input length n",
                                   continuous_update=True, style=style),
            "f": widgets.IntSlider(value=3, min=1, max=_N_MAX, description="window f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=8, description="stride s",
                                        continuous_update=True, style=style),
            "padding": widgets.IntSlider(value=0, min=0, max=_N_MAX // 2,
                                         description="PyTorch padding p", continuous_update=True,
                                         style=style),
            "ceil_mode": widgets.Checkbox(value=False, description="divisor maps with ceil_mode",
                                          style=style),
        }

    # ------------------------------------------------------------ drawing
    def draw(self, fig, **values):
        self._case = None
        ax = fig.add_axes([0.22, 0.53, 0.70, 0.41])
        self.ax = ax
        rows = len(CONVENTIONS)
        ax.set_ylim(rows - 0.5, -0.6)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=8, length=2)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel("cell index (input cells 0 … n−1; negative: left padding)", fontsize=8, labelpad=1)
        left = blended_transform_factory(ax.transAxes, ax.transData)
        self.cells, self.bars, self.sizes = [], [], []
        for row, label in enumerate(CONVENTIONS.values()):
            ax.text(-0.02, row - 0.1, label, transform=left, ha="right", va="center", fontsize=9)
            cells = PolyCollection([], linewidths=0.6, edgecolors="#777777")
            bars = PolyCollection([], linewidths=1.0)
            ax.add_collection(cells)
            ax.add_collection(bars)
            self.cells.append(cells)
            self.bars.append(bars)
            self.sizes.append(ax.text(1.01, row - 0.1, "", transform=left, ha="left", va="center",
                                      fontsize=9, fontweight="bold"))
        self.edges = [ax.axvline(0, color="k", lw=1.0, ls=":"), ax.axvline(0, color="k", lw=1.0, ls=":")]
        self.title = ax.set_title("", fontsize=10)

        self._draw_legend(fig.add_axes([0.0, 0.02, 0.36, 0.36]))

        ax_in = fig.add_axes([0.40, 0.02, 0.27, 0.29])
        ax_ex = fig.add_axes([0.71, 0.02, 0.27, 0.29])
        side = (_MAP_SIDE, _MAP_SIDE)
        self.maps = (GridView(ax_in, side, cmap="Oranges", fontsize=8),
                     GridView(ax_ex, side, cmap="Oranges", fontsize=8))
        self.map_lines = []
        for grid in self.maps:
            lines = (grid.ax.axhline(_MAP_SIDE / 2 - 0.5, color="k", lw=2, visible=False),
                     grid.ax.axvline(_MAP_SIDE / 2 - 0.5, color="k", lw=2, visible=False))
            self.map_lines.append(lines)
        self.map_title = fig.text(0.69, 0.39, "", ha="center", va="center", fontsize=9.5)

    @staticmethod
    def _draw_legend(ax):
        """Swatches and words, drawn once (plain text renders much faster than a ``Legend``)."""
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        bars = list(STATUS_STYLE.values())
        cells = [(_CELL["torch"], "#777777", "solid", "padding (PyTorch: counts in a mean)"),
                 (_CELL["ignored"], "#777777", "solid", "padding that never counts"),
                 (_CELL["zeros"], "#777777", "solid", "the post's integer-zero padding"),
                 (_CELL["uncovered"], "#777777", "solid", "input cell in no window")]
        rows = [(None, "window bars"), *[(e, e[3]) for e in bars],
                (None, "cells"), *[(e, e[3]) for e in cells]]
        ax.set_ylim(len(rows) - 0.5, -0.5)
        swatches = []
        for k, (entry, text) in enumerate(rows):
            if entry is None:
                ax.text(0.03, k, text, fontsize=8, fontweight="bold", va="center")
                continue
            swatches.append((entry, _rect(0.05, 0.13, k - 0.32, k + 0.32)))
            ax.text(0.16, k, text, fontsize=8, va="center")
        ax.add_collection(PolyCollection([v for _, v in swatches], facecolors=[e[0] for e, _ in swatches],
                                         edgecolors=[e[1] for e, _ in swatches],
                                         linestyles=[e[2] for e, _ in swatches], linewidths=1.0))

    # ------------------------------------------------------------ controls
    def _quiet(self, name, **attrs):
        """Change a control without triggering another redraw."""
        with self.hold():
            for attr, value in attrs.items():
                setattr(self.controls[name], attr, value)

    def set(self, **values):
        """Set several controls at once, in any order, with one redraw.

        The window and padding sliders' ranges are opened first, so that
        ``set(n=10, f=9)`` works whatever ``n`` was; :meth:`update` then
        limits them again (``f <= n``, ``padding <= f // 2``).
        """
        if "f" in values:
            self._quiet("f", max=_N_MAX)
        if "padding" in values:
            self._quiet("padding", max=_N_MAX // 2)
        super().set(**values)

    def _settle_controls(self, case):
        """Load a picked case; keep f <= n and padding <= f // 2; return the values to draw."""
        if case != _PICK:
            _, n, f, s, p, ceil_mode, _ = CASES[case]
            self._quiet("n", value=n)
            self._quiet("f", max=n, value=f)
            self._quiet("stride", value=s)
            self._quiet("padding", max=f // 2, value=p)
            self._quiet("ceil_mode", value=ceil_mode)
            self._quiet("case", value=_PICK)  # ready to load (or reload) any case
            self._case = case
        n = self.controls["n"].value
        if self.controls["f"].max != n:
            self._quiet("f", max=n)
        f = self.controls["f"].value
        if self.controls["padding"].max != f // 2:
            self._quiet("padding", max=f // 2)
        values = self.values()
        if self._case is not None and CASES[self._case][1:6] != (
                values["n"], values["f"], values["stride"], values["padding"], values["ceil_mode"]):
            self._case = None  # the sliders moved away from the loaded case
        return values

    # ------------------------------------------------------------ updating
    def update(self, case, n, f, stride, padding, ceil_mode):
        values = self._settle_controls(case)
        n, f, s, p, ceil_mode = (values[k] for k in ("n", "f", "stride", "padding", "ceil_mode"))
        self.layouts = compare(n, f, s, p)
        lo, hi = 0, n
        for row, (name, lay) in enumerate(self.layouts.items()):
            lo_row, hi_row = self._draw_strip(row, name, lay)
            lo, hi = min(lo, lo_row), max(hi, hi_row)
        self.ax.set_xlim(lo - 0.7, hi - 0.3)
        self.edges[0].set_xdata([-0.5, -0.5])
        self.edges[1].set_xdata([n - 0.5, n - 0.5])
        self.title.set_text(f"one axis of n = {n} cells, window f = {f}, stride s = {s}, "
                            f"PyTorch padding p = {p}")
        self._draw_maps(n, f, s, p, ceil_mode)
        self.caption.value = self._caption(n, f, s, p)

    def _draw_strip(self, row, name, lay):
        """Cells and window bars of one convention; return the x range it uses."""
        n, f = lay.n, lay.f
        before, after, overhang = lay.pad_before, lay.pad_after, lay.overhang
        first, last = -before, n + after + overhang  # cells [first, last)
        shown = [a for a in lay.starts]
        if shown:
            first = min(first, min(shown))
            last = max(last, max(shown) + f)
        kinds = []
        uncovered = set(lay.uncovered.tolist())
        for i in range(first, last):
            if 0 <= i < n:
                kinds.append("uncovered" if i in uncovered else "input")
            elif -before <= i < n + after:
                kinds.append(_PAD_KIND[name])
            else:
                kinds.append("overhang")
        polys = [_rect(i - 0.5, i + 0.5, row + _CELL_TOP, row + _CELL_BOTTOM) for i in range(first, last)]
        self.cells[row].set_verts(polys)
        self.cells[row].set_facecolors([_CELL[k] for k in kinds])
        self.cells[row].set_linestyles(["dotted" if k == "overhang" else "solid" for k in kinds])

        lanes = max(1, min(-(-f // lay.stride), 6))
        height = (_BAR_BOTTOM - _BAR_TOP) / lanes
        bars, faces, edges, styles = [], [], [], []
        for k, (start, status) in enumerate(zip(lay.starts, lay.status)):
            lane = k % lanes
            y0 = row + _BAR_TOP + lane * height
            bars.append(_rect(start - 0.42, start + f - 0.58, y0 + 0.1 * height, y0 + 0.9 * height))
            fc, ec, ls, _ = STATUS_STYLE[status]
            faces.append(fc)
            edges.append(ec)
            styles.append(ls)
        self.bars[row].set_verts(bars)
        self.bars[row].set_facecolors(faces or ["none"])
        self.bars[row].set_edgecolors(edges or ["none"])
        self.bars[row].set_linestyles(styles or ["solid"])
        self.sizes[row].set_text("fails" if lay.size is None else f"→ {lay.size}")
        self.sizes[row].set_color("#d62728" if name == "post-pad" else "black")
        return first, last

    def _draw_maps(self, n, f, s, p, ceil_mode):
        mode = "ceil_mode" if ceil_mode else "floor"
        maps = [divisor_map(n, f, s, p, ceil_mode, include) for include in (True, False)]
        out = maps[0].shape[0]
        self.map_index = _crop_index(out)
        top = max(int(maps[0].max()), 1)
        cropped = out > _MAP_SIDE
        for grid, full, include, lines in zip(self.maps, maps, (True, False), self.map_lines):
            shown = full[np.ix_(self.map_index, self.map_index)]
            grid.show(shown, vmin=0, vmax=2.2 * top,
                      title=f"count_include_pad={include}")
            for line in lines:
                line.set_visible(cropped)
        where = (f"windows 0–{_MAP_SIDE // 2 - 1} and {out - _MAP_SIDE // 2}–{out - 1} per axis"
                 if cropped else f"all {out}×{out} windows")
        self.map_title.set_text(f"PyTorch mean pooling ({mode}), {n}×{n} input:\n"
                                f"what each window divides its sum by ({where})")

    def _caption(self, n, f, s, p):
        rows = []
        for name, lay in self.layouts.items():
            size = "<b style='color:#d62728'>fails</b>" if lay.size is None else f"<b>{lay.size}</b>"
            pad = f"{lay.pad_before} + {lay.pad_after}"
            if lay.overhang:
                pad += f" (+{lay.overhang} past the padding)"
            rows.append(f"<tr><td>{CONVENTIONS[name]}</td><td style='text-align:center'>{size}</td>"
                        f"<td>{pad}</td><td>{lay.note or lay.formula}</td></tr>")
        head = ("<tr><th style='text-align:left'>convention</th><th>windows</th>"
                "<th style='text-align:left'>padding before + after</th>"
                "<th style='text-align:left'>formula</th></tr>")
        text = f"<table>{head}{''.join(rows)}</table>"
        if p and any(name.startswith("torch") for name in self.layouts):
            text += (f"Only PyTorch takes the padding slider (p = {p}); TensorFlow's 'same' chooses its "
                     f"own padding, 'valid' and the post use none at the start.")
        if self._case is not None:
            text += f"<br><b>{CASES[self._case][0]}</b>: {CASES[self._case][6]}"
        return text


def figures():
    """The lesson-05 explorer on the case n=6, window 3, stride 2, padding 1, ceil_mode.

    Yields
    ------
    name : str
        ``"06-padding-explorer"``.
    fig : matplotlib.figure.Figure
        The picture.

    Examples
    --------
    >>> [name for name, fig in figures()]
    ['06-padding-explorer']
    """
    explorer = PaddingExplorer()
    explorer.set(case="n6f3s2p1")
    yield "06-padding-explorer", explorer.fig
