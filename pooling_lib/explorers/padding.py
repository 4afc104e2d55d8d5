"""Lesson 06's explorer: one axis, the conventions side by side, a few at a time.

:class:`PaddingExplorer` draws, for the same input length ``n``, window
``f`` and stride ``s``, one strip per convention of the group chosen in
``compare`` (PyTorch floor and ``ceil_mode``, TensorFlow/Keras ``'valid'``
and ``'same'``, the seed post's ``pad=True`` as coded and as meant): the
input cells, the padding, and a bar for every window, coloured by whether
it is kept, partial, dropped or starts inside the padding. Click an input
cell to see every window that contains it in each convention, or a window
bar to see which cells window k covers in each convention (the arrow keys
and the "point at" list do the same). Below, the divisor of every window
of a PyTorch mean pooling of an ``n x n`` input, with and without
``count_include_pad``. The caption lists every convention's output size
with its formula.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.ticker import MaxNLocator

from ..core import output_size
from ..conventions import CONVENTIONS, compare as compare_conventions, divisor_map
from ..palette import (FADED_ALPHA, FADED_INK, FILLS, GRID_LINE, INK, PADDING_HATCH, SELECTED_EDGE,
                       WINDOW_OUTLINES, WINNER_EDGE)
from ..plotting import GridView
from ..wording import count
from .base import NARROW_WIDTH_PX, NOTHING, Explorer

__all__ = ["CASES", "GROUPS", "STATUS_STYLE", "PaddingExplorer", "figures"]

#: The preloaded cases: key -> (label, n, f, stride, padding, ceil_mode, group shown, what to notice).
CASES = {
    "n5f3s2": (
        "n=5, window 3, stride 2", 5, 3, 2, 0, False, "mixed",
        ("PyTorch (floor or ceil_mode) and TF 'valid' give 2 windows; TF 'same' gives ⌈5/2⌉ = 3 "
         "by padding one cell on each side.")),
    "n32f1s2": (
        "n=32, window 1, stride 2, ceil_mode", 32, 1, 2, 0, True, "torch",
        ("ceil_mode counts ⌈31/2⌉ + 1 = 17 windows, but the 17th would start at cell 32, past "
         "the input: PyTorch drops it and returns 16, the same as floor.")),
    "n32f8s4": (
        "n=32, window 8, stride 4, ceil_mode", 32, 8, 4, 0, True, "ceil-same",
        ("24/4 divides exactly, so ceil_mode changes nothing: 7 windows. TF 'same' gives "
         "⌈32/4⌉ = 8 because it pads 2 cells on each side.")),
    "post": (
        "the post's 6x6 example: window 3, stride 3", 6, 3, 3, 0, False, "post",
        ("The post's pad=True computes 6 // 3 + 1 = 3 windows: the third starts at cell 6 and holds "
         "only padding (integer zeros).")),
    "n6f3s2p1": (
        "n=6, window 3, stride 2, padding 1, ceil_mode", 6, 3, 2, 1, True, "torch",
        ("ceil_mode keeps a 4th window that hangs one cell past the padding; that cell is never "
         "counted, so its divisor is 6, not 9, even with count_include_pad=True.")),
    "n7f2s4": (
        "n=7, window 2, stride 4: gaps", 7, 2, 4, 0, False, "post",
        ("stride > window: cells 2, 3 and 6 are in no window. The post's code even crashes: it "
         "copies 7 cells into a padded array of 6.")),
}

#: Which conventions are drawn side by side: key -> (label, conventions).
GROUPS = {
    "mixed": ("PyTorch, TF 'same', the post", ("torch", "tf-same", "post-pad")),
    "torch": ("PyTorch: floor, ceil_mode", ("torch", "torch-ceil")),
    "tf": ("TensorFlow: 'valid', 'same'", ("tf-valid", "tf-same")),
    "post": ("the post's pad=True: as coded, as meant", ("post-pad", "post-pad-meant")),
    "ceil-same": ("PyTorch ceil_mode, TF 'same'", ("torch-ceil", "tf-same")),
}
_ROWS = max(len(names) for _, names in GROUPS.values())

_PICK = "pick"

#: Window status -> (face colour, edge colour, line style, legend text). Palette colours only.
STATUS_STYLE = {
    "kept": (WINDOW_OUTLINES[0], WINDOW_OUTLINES[3], "solid", "window kept"),
    "partial": (FILLS["kept"], WINDOW_OUTLINES[0], "solid", "kept, also covers padding"),
    "in-padding": (WINNER_EDGE, INK, "solid", "kept, starts in the padding (bug)"),
    "dropped": ("none", FADED_INK, "dashed", "dropped: input cells lost"),
    "dropped-in-padding": ("none", WINNER_EDGE, "dashed", "dropped: starts past the input"),
}

#: Cell kind -> (face colour, hatched, legend text).
CELL_STYLE = {
    "input": (FILLS["cell"], False, "input cell"),
    "uncovered": (FILLS["dropped"], False, "input cell in no window"),
    "torch": (FILLS["padding"], True, "padding that counts in a mean (PyTorch)"),
    "ignored": (FILLS["padding"], False, "padding that never counts"),
    "zeros": (FILLS["winner"], False, "the post's integer-zero padding"),
    "overhang": (FILLS["cell"], False, "past the padding (never read)"),
}
_PAD_KIND = {"torch": "torch", "torch-ceil": "torch", "tf-valid": "ignored", "tf-same": "ignored",
             "post-pad": "zeros", "post-pad-meant": "ignored"}

FIGSIZE = (6.4, 7.5)
#: Font size (pt) of every text: 11 CSS px when the picture is shown 468 px wide (a 900-px window).
FONT = 11 * 72 * FIGSIZE[0] / NARROW_WIDTH_PX

_N_MAX = 32
_MAP_SIDE = 4  # the divisor maps show at most 4 x 4 windows (the first and last 2 per axis)
_CELL_TOP, _CELL_BOTTOM = -0.30, 0.02  # a strip's cells, relative to its row
_BAR_TOP, _BAR_BOTTOM = 0.06, 0.46  # its window bars
_LEGEND_ROWS = 5
_FADED_EDGE = 2.5 * FADED_ALPHA  # opacity of the outline of a window not pointed at


def _rect(x0, x1, y0, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _crop_index(out):
    """Which windows per axis a map shows: all, or the first and last half of ``_MAP_SIDE``."""
    if out <= _MAP_SIDE:
        return np.arange(out)
    half = _MAP_SIDE // 2
    return np.r_[0:half, out - half:out]


def _cells_text(start, f, n):
    """The input cells a window covers, for the caption: 'cells 2–4', 'cell 3', 'no input cell'."""
    lo, hi = max(start, 0), min(start + f, n) - 1
    if hi < lo:
        return "no input cell"
    return f"cell {lo}" if lo == hi else f"cells {lo}–{hi}"


class PaddingExplorer(Explorer):
    """One axis of length n, the conventions a group at a time: which windows each keeps, its output size.

    Parameters
    ----------
    **values
        Starting values of the controls: ``case`` (a key of :data:`CASES`
        loads its numbers and its group), ``compare`` (a key of
        :data:`GROUPS`), ``n`` (1-32), ``f`` (window, at most ``n``),
        ``stride``, ``padding`` (PyTorch's, at most ``f // 2``),
        ``ceil_mode`` (for the divisor maps), ``select`` (``("input", 0, c)``:
        input cell c; ``("output", 0, k)``: window k).

    Attributes
    ----------
    layouts : dict of str to pooling_lib.conventions.Layout
        Every convention's windows (all six; the caption's table lists them).
    shown : tuple of str
        The conventions drawn, top to bottom.
    cells, hatches, bars : list of PolyCollection
        Per strip: its cells, the hatching of its counted padding, its window
        bars (one polygon per window).
    labels : list of matplotlib.text.Text
        Per strip: the convention and its output size.
    highlighted : dict of str to list of int
        Per shown convention: the windows the selection points at.
    maps : (GridView, GridView)
        Divisors with ``count_include_pad=True`` and ``False``.
    map_index : ndarray of int
        Which windows (per axis) the maps show.

    Notes
    -----
    The opening picture is n=6, window 3, stride 2, comparing PyTorch
    (2 windows: floor drops the third), TF 'same' (3) and the post (4: the
    fourth starts in the padding); every control changes it (at n=5
    ceil_mode would not).

    Examples
    --------
    >>> ex = PaddingExplorer()
    >>> {name: lay.size for name, lay in ex.layouts.items()}
    {'torch': 2, 'torch-ceil': 3, 'tf-valid': 2, 'tf-same': 3, 'post-pad': 4, 'post-pad-meant': 3}
    >>> ex.shown
    ('torch', 'tf-same', 'post-pad')
    >>> ex.set(case="n32f1s2")
    >>> ex.values()["n"], ex.shown, ex.layouts["torch-ceil"].status[-1]
    (32, ('torch', 'torch-ceil'), 'dropped-in-padding')
    >>> ex.select("input", 0, 4)          # cell 4: which window of each convention holds it?
    >>> ex.highlighted
    {'torch': [2], 'torch-ceil': [2]}
    """

    figsize = FIGSIZE
    #: the window fits the input; PyTorch's padding is at most half the window
    limits = {"f": lambda v: v["n"], "padding": lambda v: v["f"] // 2}
    inactive = {
        "padding": lambda v: "a window of 1 cell takes no padding" if v["f"] < 2 else None,
        "ceil_mode": lambda v: None if (output_size(v["n"], v["f"], v["stride"], v["padding"], True)
                                        != output_size(v["n"], v["f"], v["stride"], v["padding"], False))
        else "ceil_mode counts the same windows as floor here, so the divisor maps are the same",
    }

    def make_controls(self):
        style = {"description_width": "initial"}
        options = [("load a tricky case…", _PICK)] + [(spec[0], key) for key, spec in CASES.items()]
        controls = {
            "case": widgets.Dropdown(options=options, value=_PICK, description="case", style=style,
                                     layout=widgets.Layout(width="max-content")),
            "compare": widgets.Dropdown(options=[(label, key) for key, (label, _) in GROUPS.items()],
                                        value="mixed", description="compare", style=style,
                                        layout=widgets.Layout(width="max-content")),
            "n": widgets.IntSlider(value=6, min=1, max=_N_MAX, description="input length n",
                                   continuous_update=True, style=style),
            "f": widgets.IntSlider(value=3, min=1, max=_N_MAX, description="window f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=8, description="stride s",
                                        continuous_update=True, style=style),
            "padding": widgets.IntSlider(value=0, min=0, max=_N_MAX // 2,
                                         description="PyTorch padding p", continuous_update=True,
                                         style=style),
            "ceil_mode": widgets.Checkbox(value=False, description="divisor maps with ceil_mode",
                                          style=style, layout=widgets.Layout(width="auto")),
        }
        # loading a case sets the other controls; observed before the base's redraw (registered later),
        # so a pick redraws once, with the case's numbers
        self._case = None
        controls["case"].observe(self._load_case, names="value")
        return controls

    def _load_case(self, change):
        key = change["new"]
        if key == _PICK:
            return
        _, n, f, s, p, ceil_mode, group, _ = CASES[key]
        with self.hold():
            for _ in range(2):  # n first opens f's range, f then opens padding's (the limits)
                for name, value in (("n", n), ("f", f), ("stride", s), ("padding", p),
                                    ("ceil_mode", ceil_mode), ("compare", group)):
                    self.controls[name].value = value
                self._apply_limits()
            self.controls["case"].value = _PICK  # ready to load (or reload) any case
        self._case = key

    # ------------------------------------------------------------ selection
    def selection_grids(self, values):
        # called while the limits settle too: clip f and padding as the limits will
        n = values["n"]
        f = min(values["f"], n)
        layouts = compare_conventions(n, f, values["stride"], min(values["padding"], f // 2))
        most = max(len(layouts[name].starts) for name in GROUPS[values["compare"]][1])
        grids = {"input": (self.ax, (1, n))}
        if most:
            grids["output"] = (self.ax, (1, most))
        return grids

    def cell_at(self, x, y):
        """A click on a strip: its input cell (the row of squares) or the window bar under it."""
        px, py = x * self.fig.bbox.width, (1 - y) * self.fig.bbox.height
        if not self.ax.bbox.contains(px, py):
            return NOTHING
        cx, cy = self.ax.transData.inverted().transform((px, py))
        row = int(np.floor(cy + 0.5))
        if not 0 <= row < len(self.shown):
            return NOTHING
        local = cy - row
        lay = self.layouts[self.shown[row]]
        if local < (_CELL_BOTTOM + _BAR_TOP) / 2:
            c = int(np.floor(cx + 0.5))
            return ("input", 0, c) if 0 <= c < lay.n else NOTHING
        for k, (x0, x1, y0, y1) in enumerate(self._bar_boxes[row]):
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                return ("output", 0, k)
        return NOTHING

    def cell_centre(self, role, row, col):
        """Where input cell ``col`` (or window ``col``'s bar) is in the first strip, as picture fractions."""
        if role == "input":
            point = (col, _CELL_TOP / 2 + _CELL_BOTTOM / 2)
        else:
            strip = next(r for r, name in enumerate(self.shown) if col < len(self.layouts[name].starts))
            x0, x1, y0, y1 = self._bar_boxes[strip][col]
            point = ((x0 + x1) / 2, (y0 + y1) / 2)
        px, py = self.ax.transData.transform(point)
        return px / self.fig.bbox.width, 1 - py / self.fig.bbox.height

    # ------------------------------------------------------------ drawing
    def draw(self, fig, **values):
        h = fig.get_figheight()
        strips_h = 2.75
        ax = fig.add_axes([0.015, 1 - (0.42 + strips_h) / h, 0.97, strips_h / h])
        self.ax = ax
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=FONT, length=3)
        ax.xaxis.set_major_locator(MaxNLocator(10, integer=True, min_n_ticks=1))
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel("cell index (negative: left padding)", fontsize=FONT, labelpad=1)
        self.cells, self.hatches, self.bars, self.labels = [], [], [], []
        for row in range(_ROWS):
            cells = PolyCollection([], linewidths=0.8, edgecolors=GRID_LINE)
            hatches = PolyCollection([], facecolors="none", edgecolors=PADDING_HATCH, hatch="///",
                                     linewidths=0)
            bars = PolyCollection([], linewidths=1.2)
            for collection in (cells, hatches, bars):
                ax.add_collection(collection)
            self.cells.append(cells)
            self.hatches.append(hatches)
            self.bars.append(bars)
            self.labels.append(ax.text(0, row - 0.36, "", transform=ax.get_yaxis_transform(), ha="left",
                                       va="bottom", fontsize=FONT))
        self.edges = [ax.axvline(0, color=INK, lw=1.2, ls=":"), ax.axvline(0, color=INK, lw=1.2, ls=":")]
        self.title = fig.text(0.5, 1 - 0.2 / h, "", ha="center", va="center", fontsize=FONT)

        # from the top, in inches: title 0.42, strips 2.75, their axis 0.55, legend 1.25, maps' title 0.75,
        # the maps' own titles 0.3, the maps 1.4
        legend_top = 1 - (0.42 + strips_h + 0.6) / h
        self.legend = self._draw_legend(fig, legend_top, 1.2 / h)
        side = 1.4
        map_y = 0.02
        ax_in = fig.add_axes([0.14, map_y, side / fig.get_figwidth(), side / h])
        ax_ex = fig.add_axes([0.64, map_y, side / fig.get_figwidth(), side / h])
        grid = (_MAP_SIDE, _MAP_SIDE)
        self.maps = (GridView(ax_in, grid, cmap="Oranges", fontsize=FONT),
                     GridView(ax_ex, grid, cmap="Oranges", fontsize=FONT))
        self.map_lines = []
        for view in self.maps:
            view.ax.set_axis_off()  # no (empty) axis to lay out at each render
            view.title.set_fontsize(FONT)
            lines = (view.ax.axhline(_MAP_SIDE / 2 - 0.5, color=INK, lw=2.5, visible=False),
                     view.ax.axvline(_MAP_SIDE / 2 - 0.5, color=INK, lw=2.5, visible=False))
            self.map_lines.append(lines)
        self.map_title = fig.text(0.5, map_y + (side + 0.68) / h, "", ha="center", va="center",
                                  fontsize=FONT, linespacing=1.2)

    @staticmethod
    def _draw_legend(fig, top, height):
        """Swatches and words for every status and cell kind, drawn once; update shows those on screen."""
        ax = fig.add_axes([0.0, top - height, 1.0, height])
        ax.set_axis_off()
        ax.set_xlim(0, 2)
        ax.set_ylim(_LEGEND_ROWS - 0.5, -0.5)
        entries = {}
        for key, (face, edge, style, text) in STATUS_STYLE.items():
            entries[key] = (face, edge, style, False, text)
        for key, (face, hatched, text) in CELL_STYLE.items():
            if key != "input":
                entries[key] = (face, FADED_INK, "solid" if key != "overhang" else "dotted", hatched, text)
        items = {}
        for key, (face, edge, style, hatched, text) in entries.items():
            swatch = ax.add_collection(PolyCollection([_rect(0, 0.1, -0.3, 0.3)], facecolors=[face],
                                                      edgecolors=[edge], linestyles=[style], linewidths=1.2,
                                                      hatch="///" if hatched else None))
            label = ax.text(0, 0, text, fontsize=FONT, va="center")
            items[key] = (swatch, label)
        return (ax, items)

    # ------------------------------------------------------------ updating
    def update(self, case, compare, n, f, stride, padding, ceil_mode, select):
        s, p = stride, padding
        if self._case is not None and CASES[self._case][1:7] != (n, f, s, p, ceil_mode, compare):
            self._case = None  # the controls moved away from the loaded case
        self.layouts = layouts = compare_conventions(n, f, s, p)
        self.shown = shown = GROUPS[compare][1]
        role = select[0] if select else None
        target = select[2] if select else None

        self._bar_boxes = []
        self.highlighted = {}
        lo, hi = 0, n
        used = set()
        for row in range(_ROWS):
            visible = row < len(shown)
            for artist in (self.cells[row], self.hatches[row], self.bars[row], self.labels[row]):
                artist.set_visible(visible)
            if not visible:
                self._bar_boxes.append([])
                continue
            name = shown[row]
            lay = layouts[name]
            if role == "input":
                chosen = [k for k, a in enumerate(lay.starts) if a <= target < a + f]
            elif role == "output":
                chosen = [target] if target < len(lay.starts) else []
            else:
                chosen = []
            self.highlighted[name] = chosen
            lo_row, hi_row, kinds = self._draw_strip(row, name, lay, chosen, select)
            used |= kinds
            lo, hi = min(lo, lo_row), max(hi, hi_row)
        self.ax.set_xlim(lo - 0.7, hi - 0.3)
        self.ax.set_ylim(len(shown) - 0.45, -0.62)
        self.edges[0].set_xdata([-0.5, -0.5])
        self.edges[1].set_xdata([n - 0.5, n - 0.5])
        self.title.set_text(f"one axis: n = {n}, window f = {f}, stride s = {s}, PyTorch padding p = {p}")
        self._show_legend(used)
        self._draw_maps(n, f, s, p, ceil_mode)
        self.caption.value = self._caption(n, f, s, p, select)

    def _draw_strip(self, row, name, lay, chosen, select):
        """Cells and window bars of one convention; return its x range and the legend keys it uses."""
        n, f = lay.n, lay.f
        before, after, overhang = lay.pad_before, lay.pad_after, lay.overhang
        first, last = -before, n + after + overhang  # cells [first, last)
        if len(lay.starts):
            first = min(first, int(lay.starts.min()))
            last = max(last, int(lay.starts.max()) + f)
        uncovered = set(lay.uncovered.tolist())
        kinds = []
        for i in range(first, last):
            if 0 <= i < n:
                kinds.append("uncovered" if i in uncovered else "input")
            elif -before <= i < n + after:
                kinds.append(_PAD_KIND[name])
            else:
                kinds.append("overhang")
        covered = set()
        for k in chosen:
            covered |= set(range(int(lay.starts[k]), int(lay.starts[k]) + f))
        polys = [_rect(i - 0.5, i + 0.5, row + _CELL_TOP, row + _CELL_BOTTOM) for i in range(first, last)]
        self.cells[row].set_verts(polys)
        pointed = select[2] if select and select[0] == "input" else None  # the clicked input cell
        self.cells[row].set_facecolors([FILLS["selected"] if i == pointed else CELL_STYLE[k][0]
                                        for i, k in zip(range(first, last), kinds)])
        self.cells[row].set_edgecolors([SELECTED_EDGE if i in covered else (FADED_INK if k == "overhang" else GRID_LINE)
                                        for i, k in zip(range(first, last), kinds)])
        self.cells[row].set_linewidths([2.6 if i in covered else 0.8 for i in range(first, last)])
        self.cells[row].set_linestyles(["dotted" if k == "overhang" else "solid" for k in kinds])
        self.hatches[row].set_verts([poly for poly, k in zip(polys, kinds) if CELL_STYLE[k][1]])

        lanes = max(1, min(-(-f // lay.stride), 4))
        height = (_BAR_BOTTOM - _BAR_TOP) / lanes
        bars, faces, edges, styles, widths, boxes = [], [], [], [], [], []
        for k, (start, status) in enumerate(zip(lay.starts, lay.status)):
            lane = k % lanes
            y0 = row + _BAR_TOP + lane * height
            box = (start - 0.42, start + f - 0.58, y0 + 0.1 * height, y0 + 0.9 * height)
            boxes.append(box)
            bars.append(_rect(*box))
            fc, ec, ls, _ = STATUS_STYLE[status]
            on = k in chosen
            fade = bool(select) and not on
            # while a window is pointed at, the others become faint outlines (no fill)
            faces.append(_with_alpha("none" if fade else fc, 1.0))
            edges.append(SELECTED_EDGE if on else _with_alpha(ec, _FADED_EDGE if fade else 1.0))
            styles.append(ls)
            widths.append(3.0 if on else 1.2)
        self._bar_boxes.append(boxes)
        self.bars[row].set_verts(bars)
        self.bars[row].set_facecolors(faces or ["none"])
        self.bars[row].set_edgecolors(edges or ["none"])
        self.bars[row].set_linestyles(styles or ["solid"])
        self.bars[row].set_linewidths(widths or [1.2])
        size = "fails (ValueError)" if lay.size is None else count(lay.size, "window")
        self.labels[row].set_text(f"{CONVENTIONS[name]}: {size}")
        self.labels[row].set_color(WINNER_EDGE if lay.size is None else INK)
        return first, last, set(kinds) - {"input"} | set(lay.status)

    def _show_legend(self, used):
        """Only the entries the strips use, in two columns of at most five."""
        ax, items = self.legend
        order = [key for key in (*STATUS_STYLE, *CELL_STYLE) if key in used and key in items]
        for key, (swatch, label) in items.items():
            on = key in order
            swatch.set_visible(on)
            label.set_visible(on)
            if on:
                k = order.index(key)
                col, row = divmod(k, _LEGEND_ROWS)
                x = 0.03 + col * 1.0
                swatch.set_verts([_rect(x, x + 0.1, row - 0.3, row + 0.3)])
                label.set_position((x + 0.14, row))

    def _draw_maps(self, n, f, s, p, ceil_mode):
        mode = "ceil_mode" if ceil_mode else "floor"
        maps = [divisor_map(n, f, s, p, ceil_mode, include) for include in (True, False)]
        out = maps[0].shape[0]
        self.map_index = _crop_index(out)
        top = max(int(maps[0].max()), 1)
        cropped = out > _MAP_SIDE
        for view, full, include, lines in zip(self.maps, maps, (True, False), self.map_lines):
            shown = full[np.ix_(self.map_index, self.map_index)]
            view.show(shown, vmin=0, vmax=2.2 * top, title=f"count_include_pad={include}")
            for line in lines:
                line.set_visible(cropped)
        where = (f"windows 0–{_MAP_SIDE // 2 - 1} and {out - _MAP_SIDE // 2}–{out - 1} per axis"
                 if cropped else f"a {out}×{out} grid of windows")
        self.map_title.set_text(f"PyTorch mean pooling ({mode}), input {n}×{n}:\n"
                                f"what each window divides by ({where})")

    def _caption(self, n, f, s, p, select):
        cell = "padding:0.1em 1em 0.1em 0;text-align:left"
        rows = []
        for name, lay in self.layouts.items():
            size = "<b>fails</b>" if lay.size is None else f"<b>{lay.size}</b>"
            pad = f"{lay.pad_before} + {lay.pad_after}"
            if lay.overhang:
                pad += f" (+{lay.overhang} past the padding)"
            mark = " ◀" if name in self.shown else ""
            rows.append(f"<tr><td style='{cell}'>{CONVENTIONS[name]}{mark}</td><td style='{cell}'>{size}</td>"
                        f"<td style='{cell}'>{pad}</td><td style='{cell}'>{lay.note or lay.formula}</td></tr>")
        head = "".join(f"<th style='{cell}'>{h}</th>"
                       for h in ("convention", "windows", "padding before + after", "formula"))
        text = f"<table style='border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table>"
        text += "◀ drawn above. "
        if p:
            text += (f"Only PyTorch takes the padding slider (p = {p}); TensorFlow's 'same' chooses its "
                     f"own padding, 'valid' and the post use none at the start. ")
        if not select:
            text += ("<br>Click an input cell to see every window that contains it, or a window bar to see "
                     "the cells that window covers in each convention (or use “point at” and the arrow keys).")
        elif select[0] == "input":
            c = select[2]
            parts = []
            for name in self.shown:
                ks = self.highlighted[name]
                parts.append(f"{CONVENTIONS[name]}: " + (
                    ", ".join(f"window {k}" for k in ks) if ks else "no window"))
            text += f"<br><b>Input cell {c}</b> is in " + "; ".join(parts) + "."
        else:
            k = select[2]
            parts = []
            for name in self.shown:
                lay = self.layouts[name]
                if k < len(lay.starts):
                    start = int(lay.starts[k])
                    state = "" if lay.status[k] in ("kept", "partial", "in-padding") else ", dropped"
                    parts.append(f"{CONVENTIONS[name]}: starts at {start}, covers "
                                 f"{_cells_text(start, f, n)}{state}")
                else:
                    parts.append(f"{CONVENTIONS[name]}: has no window {k}")
            text += f"<br><b>Window {k}</b>: " + "; ".join(parts) + "."
        if self._case is not None:
            text += f"<br><b>{CASES[self._case][0]}</b>: {CASES[self._case][7]}"
        return text


def _with_alpha(colour, alpha):
    """``colour`` as an RGBA tuple with ``alpha`` (``'none'`` stays transparent)."""
    return (0, 0, 0, 0) if colour == "none" else to_rgba(colour, alpha)


def figures():
    """The lesson-06 explorer on the case n=6, window 3, stride 2, padding 1, ceil_mode.

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
