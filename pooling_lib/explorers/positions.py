"""Lesson 03's explorer: where each maximum sits, as a 0/1 mask and as a flat index.

:class:`PositionsExplorer` lets a student click an output cell (on the
indices grid, or its window on the input; or pick it with the "point at"
dropdown / arrow keys): its window is highlighted on the input, its winning
cell marked, and the two ways to remember that position are shown side by
side: the seed post's 0/1 mask of the window (:func:`pooling_lib.max_mask`)
and the flat index that ``pool(..., return_indices=True)`` returns.
Clicking an input cell shows every window that contains it and which of
them it wins. Inputs with ties and with a NaN show which position wins and
what a NaN does. :func:`figures` draws the post's Figures 2 and 3 (max- and
average-unpooling).
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..arithmetic import windows_containing
from ..core import max_mask, output_size, pool, unpool_avg, unpool_max
from ..examples import POSITIONS_INPUTS, post_example
from ..examples import positions_input as example_input
from ..palette import FILLS, SELECTED_EDGE, WINNER_EDGE, window_colour
from ..plotting import GridView, cell_borders, window_rectangle
from ..wording import count
from .base import Explorer

# example_input (= pooling_lib.examples.positions_input) and INPUTS stay importable from here
# until the lessons import them from pooling_lib.examples.
__all__ = ["PositionsExplorer", "figures"]

#: The inputs a student can pick, by the name the dropdown shows.
INPUTS = POSITIONS_INPUTS

TEXT_PT = 12.5
NUMBER_PT = 14.0


def _nowrap(text):
    """HTML that never breaks inside ``text`` (a formula such as 2·6 + 0 = 12)."""
    return f'<span style="white-space:nowrap">{text}</span>'


class PositionsExplorer(Explorer):
    """Click an output cell; see its window, its winning position, the mask and the index.

    Parameters
    ----------
    **values
        Starting values of the controls: ``data`` (the input: ``'random'``,
        ``'ties'`` or ``'nan'``), ``f`` (window size, 2-4), ``stride``
        (1-3), ``select`` (default ``("output", 0, 0)``: the first window).

    Attributes
    ----------
    x : ndarray, shape (6, 6)
        The input shown.
    grid_in, grid_mask, grid_idx : GridView
        The input, the 0/1 mask of the selected window, and the flat indices
        of every window's maximum.
    winner : (int, int) or None
        Input row and column of the selected window's maximum (None without
        a selected output cell).
    ties : int
        How many cells of the selected window hold its maximum (1: no tie).
    window_patch, winner_patch : Rectangle
        The selected window's outline and its winner's outline.

    Examples
    --------
    >>> ex = PositionsExplorer()
    >>> ex.grid_idx.values
    array([[12, 11],
           [31, 23]])
    >>> ex.winner
    (2, 0)
    >>> ex.set(data="ties", select=("output", 0, 1))
    >>> ex.winner, ex.ties
    ((0, 3), 5)
    >>> ex.select("input", 2, 0)
    >>> ex.wins
    [(0, 0)]
    """

    figsize = (7.2, 3.7)
    n = 6
    f_range = (2, 4)
    stride_range = (1, 3)

    def __init__(self, **values):
        values.setdefault("select", ("output", 0, 0))
        super().__init__(**values)

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "data": widgets.Dropdown(options=list(INPUTS.items()), value="random", description="input",
                                     style=style, layout=widgets.Layout(width="max-content")),
            "f": widgets.IntSlider(value=3, min=self.f_range[0], max=self.f_range[1],
                                   description="window size f", style=style),
            "stride": widgets.IntSlider(value=3, min=self.stride_range[0], max=self.stride_range[1],
                                        description="stride s", style=style),
        }

    def selection_grids(self, values):
        size = output_size(self.n, values["f"], values["stride"])
        return {"output": (self.grid_idx.ax, (size, size)), "input": (self.grid_in.ax, (self.n, self.n))}

    def draw(self, fig, **values):
        ax_in = fig.add_axes([0.01, 0.02, 0.46, 0.80])
        ax_mask = fig.add_axes([0.515, 0.14, 0.20, 0.56])
        ax_idx = fig.add_axes([0.75, 0.06, 0.24, 0.70])
        f_max = self.f_range[1]
        out_max = max(output_size(self.n, f, s) for f in range(self.f_range[0], f_max + 1)
                      for s in range(self.stride_range[0], self.stride_range[1] + 1))
        self.grid_in = GridView(ax_in, (self.n, self.n), fontsize=NUMBER_PT)
        self.grid_mask = GridView(ax_mask, (f_max, f_max), fontsize=NUMBER_PT)
        self.grid_idx = GridView(ax_idx, (out_max, out_max), fontsize=NUMBER_PT)
        for view in (self.grid_in, self.grid_mask, self.grid_idx):
            view.title.set_fontsize(TEXT_PT)
        for ax in (ax_in, ax_mask, ax_idx):
            _cell_borders(ax, self.n)
        self.window_patch = ax_in.add_patch(window_rectangle(0, 0, 1, 1, edgecolor=SELECTED_EDGE,
                                                             linewidth=4, zorder=4))
        self.winner_patch = ax_in.add_patch(window_rectangle(0, 0, 0.8, 0.8, edgecolor=WINNER_EDGE,
                                                             linewidth=3.5, zorder=5))
        self.index_patch = ax_idx.add_patch(window_rectangle(0, 0, 0.84, 0.84, edgecolor=SELECTED_EDGE,
                                                             linewidth=3.5, zorder=5))
        self.headline = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=TEXT_PT + 0.5)

    def update(self, data, f, stride, select):
        x = self.x = example_input(data)
        out, idx = pool(x, f, stride, return_indices=True)
        ho, wo = idx.shape
        n = self.n
        fills_in = np.full((n, n), FILLS["cell"], dtype=object)
        faded_in = np.ones((n, n), bool)
        fills_idx = np.full((ho, wo), FILLS["output"], dtype=object)
        faded_idx = np.ones((ho, wo), bool)
        self.winner, self.ties, self.wins = None, 1, []
        self.grid_mask.ax.set_visible(False)
        self.window_patch.set_visible(False)
        self.winner_patch.set_visible(False)
        self.index_patch.set_visible(False)
        if select and select[0] == "output":
            row, col = select[1:]
            k = int(idx[row, col])
            r, c = divmod(k, n)
            self.winner = (r, c)
            top, left = row * stride, col * stride
            window = x[top:top + f, left:left + f]
            value = out[row, col]
            fills_in[top:top + f, left:left + f] = FILLS["selected"]
            faded_in[top:top + f, left:left + f] = False
            # the other cells holding the same maximum (a NaN equals nothing, so it has no ties)
            tied = [(top + i, left + j) for i, j in zip(*np.nonzero(window == value))]
            self.ties = len(tied) if np.isfinite(value) else 1
            for i, j in tied:
                fills_in[i, j] = FILLS["tie"]
            fills_in[r, c] = FILLS["winner"]
            self.window_patch.set_bounds(left - 0.5, top - 0.5, f, f)
            self.window_patch.set_visible(True)
            self.winner_patch.set_xy((c - 0.4, r - 0.4))
            self.winner_patch.set_visible(True)
            mask = max_mask(x, f, stride)[row, col]
            mask_fills = np.where(mask == 1, FILLS["winner"], FILLS["cell"]).astype(object)
            self.grid_mask.show(mask, fills=mask_fills, title=f"mask ({row}, {col})")
            self.grid_mask.ax.set_visible(True)
            fills_idx[row, col] = FILLS["selected"]
            faded_idx[row, col] = False
            self.index_patch.set_xy((col - 0.42, row - 0.42))
            self.index_patch.set_visible(True)
            shown = "nan" if np.isnan(value) else f"{value:g}"
            self.headline.set_text(f"output ({row}, {col}) = {shown}, from input cell ({r}, {c}): "
                                   f"index {r}·{n} + {c} = {k}")
        elif select and select[0] == "input":
            r, c = select[1:]
            rows = windows_containing(r, n, f, stride)
            cols = windows_containing(c, n, f, stride)
            seen = [(int(i), int(j)) for i in rows for j in cols]
            self.wins = [(i, j) for i, j in seen if int(idx[i, j]) == r * n + c]
            for i, j in seen:
                fills_idx[i, j] = FILLS["winner"] if (i, j) in self.wins else FILLS["selected"]
                faded_idx[i, j] = False
            fills_in[r, c] = FILLS["winner"] if self.wins else FILLS["selected"]
            faded_in[r, c] = False
            self.headline.set_text(f"input cell ({r}, {c}) = {_value(x[r, c])}: in {count(len(seen), 'window')}, "
                                   f"wins {len(self.wins)}")
        else:
            faded_in[:] = False
            faded_idx[:] = False
            self.headline.set_text(f"{count(ho * wo, 'window')} of {f}×{f}, stride {stride}: "
                                   "click a cell")
        self.grid_in.show(x, fills=fills_in, faded=faded_in, title=f"input {n}×{n}")
        self.grid_idx.show(idx, fills=fills_idx, faded=faded_idx, title=f"indices ({ho}×{wo})")
        self.caption.value = self._caption(f, stride, idx, out, select)

    def _caption(self, f, stride, idx, out, select):
        ho, wo = idx.shape
        n = self.n
        lines = []
        if select and select[0] == "output":
            row, col = select[1:]
            r, c = self.winner
            k = int(idx[row, col])
            value = out[row, col]
            if np.isnan(value):
                lines.append(
                    f"Output ({row}, {col}) is <b>nan</b>: this window holds a NaN, and a NaN propagates "
                    f"(as in PyTorch; <code>np.nanmax</code> would silently skip it). The index points at "
                    f"the NaN, input cell ({r}, {c}).")
            else:
                lines.append(
                    f"Output ({row}, {col}) = {value:g} is the largest number in its window (yellow, black "
                    f"outline); it sits at input cell ({r}, {c}) (orange, red outline), so the mask has its "
                    f"one 1 there and the index is {_nowrap(f'{r}·{n} + {c} = {k}')}.")
            if self.ties > 1:
                lines.append(
                    f"<b>Tie</b>: {value:g} appears {self.ties} times in this window (pale yellow). The first "
                    f"in row-major order (row by row, left to right) wins: that is PyTorch's convention (the last "
                    f"one, or an equal split, would be valid gradients too). What is wrong is marking all "
                    f"{self.ties}: backprop sends the output's gradient to every cell marked 1, which "
                    f"would count that gradient {self.ties} times.")
        elif select and select[0] == "input":
            r, c = select[1:]
            rows = windows_containing(r, n, f, stride)
            cols = windows_containing(c, n, f, stride)
            seen = len(rows) * len(cols)
            if not seen:
                lines.append(f"Input cell ({r}, {c}) is in no window: stride {stride} with window {f} "
                             "never reaches it.")
            else:
                won = ", ".join(f"({i}, {j})" for i, j in self.wins)
                if seen == 1:
                    verdict = (f"and wins it (orange): output {won}, index {_nowrap(f'{r}·{n} + {c} = {r * n + c}')}."
                               if self.wins else "but does not win it: the window holds a larger number "
                               "(or an earlier tie).")
                elif self.wins:
                    verdict = (f"and wins {len(self.wins)} of them (orange): output {won}, each with index "
                               f"{_nowrap(f'{r}·{n} + {c} = {r * n + c}')}.")
                else:
                    verdict = "and wins none of them: each holds a larger number (or an earlier tie)."
                lines.append(f"Input cell ({r}, {c}) is in {count(seen, 'window')} (yellow on the indices) "
                             + verdict)
        else:
            lines.append("Click an output cell (on the indices, right) to see its window and its winner, "
                         "or an input cell to see every window that contains it.")
        lines.append(
            f"Memory: the mask keeps {_nowrap(f'{ho}·{wo}·{f}·{f} = {ho * wo * f * f}')} numbers, the indices "
            f"{_nowrap(f'{ho}·{wo} = {ho * wo}')}; both say the same thing.")
        lines.append("Colours: yellow = the selected window's cells, orange with a red outline = its winner, "
                     "pale yellow = cells tied with the winner; grey numbers are outside the selection.")
        return "<br>".join(lines)


def _value(v):
    return "nan" if isinstance(v, float) and np.isnan(v) else f"{v:g}"


def _cell_borders(ax, n):
    """Thin grey lines between the cells of a GridView of up to n x n cells."""
    cell_borders(ax, 0, n)


def _grid_panel(fig, rect, values, title, cmap="Blues", vmax=None, fontsize=10):
    ax = fig.add_axes(rect)
    view = GridView(ax, values.shape, cmap=cmap, fontsize=fontsize)
    view.show(values, title=title, vmin=0, vmax=vmax)
    view.title.set_fontsize(fontsize)
    _cell_borders(ax, max(values.shape))
    return ax


def _outline_windows(ax, out_shape, f, stride):
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            colour = window_colour(i, j)
            ax.add_patch(window_rectangle(i * stride, j * stride, f, f, edgecolor=colour, linewidth=2.5))


def _arrow(fig, x, y, text):
    fig.text(x, y, f"{text}\n→", ha="center", va="center", fontsize=12)


def figures():
    """The post's Figures 2 and 3 (max- and average-unpooling) and a picture of lesson 03's explorer.

    Yields
    ------
    name : str
        ``"post-figure-2-max-unpooling"``, ``"post-figure-3-average-unpooling"``,
        ``"03-positions-explorer"``.
    fig : matplotlib.figure.Figure
        The picture.

    Examples
    --------
    >>> [name for name, fig in figures()]
    ['post-figure-2-max-unpooling', 'post-figure-3-average-unpooling', '03-positions-explorer']
    """
    x = post_example()
    f = 3
    out, idx = pool(x, f, return_indices=True)

    # Figure 2: values go back to where the maxima were
    fig = Figure(figsize=(9.0, 3.4), dpi=100)
    ax = _grid_panel(fig, [0.01, 0.04, 0.30, 0.78], x, "input 6×6, maxima in red", cmap="Greys", vmax=80)
    _outline_windows(ax, out.shape, f, f)
    for k in idx.ravel():
        r, c = divmod(int(k), x.shape[1])
        ax.add_patch(window_rectangle(r + 0.1, c + 0.1, 0.8, 0.8, edgecolor=WINNER_EDGE, linewidth=2.5))
    _arrow(fig, 0.35, 0.45, "max-pool")
    ax = _grid_panel(fig, [0.395, 0.24, 0.19, 0.40], out, "pooled 2×2", vmax=25)
    _outline_windows(ax, out.shape, 1, 1)
    _arrow(fig, 0.635, 0.45, "max-unpool")
    unpooled = unpool_max(out, idx, x.shape)
    ax = _grid_panel(fig, [0.685, 0.04, 0.30, 0.78], unpooled,
                     "unpooled 6×6: back at the maxima, 0 elsewhere",
                     vmax=25, fontsize=9)
    _outline_windows(ax, out.shape, f, f)
    fig.suptitle("Max-unpooling puts each pooled value back where its maximum was", fontsize=12)
    yield "post-figure-2-max-unpooling", fig

    # Figure 3: each value is divided by the window size and spread over the window
    grad = np.array([[9.0, 18.0], [27.0, 36.0]])
    fig = Figure(figsize=(7.0, 3.4), dpi=100)
    ax = _grid_panel(fig, [0.04, 0.24, 0.26, 0.44], grad, "values on the pooled 2×2", vmax=45)
    _outline_windows(ax, grad.shape, 1, 1)
    _arrow(fig, 0.40, 0.45, "average-unpool\n(÷ 9 each)")
    spread = unpool_avg(grad, x.shape, f)
    ax = _grid_panel(fig, [0.52, 0.04, 0.46, 0.78], spread,
                     "unpooled 6×6: value / 9 in every cell of its window",
                     vmax=5)
    _outline_windows(ax, grad.shape, f, f)
    fig.suptitle("Average-unpooling spreads each value evenly over its 3×3 window", fontsize=12)
    yield "post-figure-3-average-unpooling", fig

    explorer = PositionsExplorer(data="ties", select=("output", 1, 1))
    yield "03-positions-explorer", explorer.fig
