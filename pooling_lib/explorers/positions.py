"""Lesson 03's explorer: where each maximum sits, as a 0/1 mask and as a flat index.

:class:`PositionsExplorer` lets a student pick one output cell, highlights
its window and the winning input cell, and shows the two ways to remember
that position side by side: the seed post's 0/1 mask of the window
(:func:`pooling_lib.max_mask`) and the flat indices that
``pool(..., return_indices=True)`` returns. Inputs with ties and with a NaN
show which position wins and what a NaN does. :func:`figures` draws the
post's Figures 2 and 3 (max- and average-unpooling).
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..core import max_mask, output_size, pool, unpool_avg, unpool_max
from .base import Explorer
from ..plotting import GridView, window_rectangle
from .windows import WINDOW_COLOURS, post_example

__all__ = ["INPUTS", "PositionsExplorer", "example_input", "figures"]

#: The inputs a student can pick, by the name the dropdown shows.
INPUTS = {
    "random integers (the post's grid)": "random",
    "ties (values above 12 cut to 12)": "ties",
    "a NaN at (1, 1)": "nan",
}

_WINNER = "#d62728"
_TIE = "#ff7f0e"
_WINDOW = "#1f77b4"


def example_input(kind):
    """One of the lesson's 6x6 inputs.

    Parameters
    ----------
    kind : {'random', 'ties', 'nan'}
        ``'random'``: the seed post's grid (:func:`post_example`);
        ``'ties'``: the same grid with every value above 12 cut to 12, so
        most windows hold their maximum more than once (like a saturated
        photo); ``'nan'``: the post's grid as floats with a NaN at (1, 1).

    Returns
    -------
    ndarray, shape (6, 6)
        A new array (int for 'random' and 'ties', float for 'nan').

    Examples
    --------
    >>> example_input("ties")[:2]
    array([[ 8,  3,  7, 12, 12, 10],
           [ 2,  2,  2, 12,  2, 12]])
    >>> pool(example_input("nan"), 3)
    array([[nan, 17.],
           [14., 19.]])
    """
    if kind not in ("random", "ties", "nan"):
        raise ValueError(f"kind must be 'random', 'ties' or 'nan', got {kind!r}")
    x = post_example()
    if kind == "ties":
        return np.minimum(x, 12)
    if kind == "nan":
        x = x.astype(float)
        x[1, 1] = np.nan
    return x


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


class PositionsExplorer(Explorer):
    """Pick an output cell; see its window, its winning position, the mask and the index.

    Parameters
    ----------
    **values
        Starting values of the controls: ``data`` (the input: ``'random'``,
        ``'ties'`` or ``'nan'``), ``f`` (window size, 2-4), ``stride``
        (1-3), ``row`` and ``col`` (the output cell).

    Attributes
    ----------
    x : ndarray, shape (6, 6)
        The input shown.
    grid_in, grid_mask, grid_idx : GridView
        The input, the 0/1 mask of the chosen window, and the flat indices
        of every window's maximum.
    winner : (int, int)
        Input row and column of the chosen window's maximum.
    winner_patch, window_patch, index_patch : Rectangle
        The highlighted winning cell, the chosen window, and the chosen
        cell in the indices grid.
    tie_patches : list of Rectangle
        Dashed outlines on the other cells of the window that equal its
        maximum (the unused ones are hidden).
    ties : int
        How many cells of the chosen window hold its maximum (1: no tie).

    Examples
    --------
    >>> ex = PositionsExplorer()
    >>> ex.grid_idx.values
    array([[12, 11],
           [31, 23]])
    >>> ex.winner
    (2, 0)
    >>> ex.set(data="ties", col=1)
    >>> ex.winner, ex.ties
    ((0, 3), 5)
    """

    figsize = (7.0, 3.3)
    dpi = 80
    n = 6
    f_range = (2, 4)
    stride_range = (1, 3)

    def make_controls(self):
        style = {"description_width": "initial"}
        controls = {
            "data": widgets.Dropdown(options=list(INPUTS.items()), value="random", description="input",
                                      style=style),
            "f": widgets.IntSlider(value=3, min=self.f_range[0], max=self.f_range[1],
                                   description="window size f", continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=3, min=self.stride_range[0], max=self.stride_range[1],
                                        description="stride s", continuous_update=True, style=style),
            "row": widgets.IntSlider(value=0, min=0, max=self.n - 1, description="output row i",
                                     continuous_update=True, style=style),
            "col": widgets.IntSlider(value=0, min=0, max=self.n - 1, description="output column j",
                                     continuous_update=True, style=style),
        }
        controls["f"].observe(self._limit_cell, names="value")
        controls["stride"].observe(self._limit_cell, names="value")
        return controls

    def _limit_cell(self, change=None):
        """Keep the chosen output cell inside the output (runs as soon as f or stride moves)."""
        size = output_size(self.n, self.controls["f"].value, self.controls["stride"].value)
        with self.hold():  # no redraw from the clamp
            for name in ("row", "col"):
                control = self.controls[name]
                if control.max != size - 1:
                    control.max = size - 1
                control.disabled = size == 1

    def draw(self, fig, **values):
        ax_in = fig.add_axes([0.01, 0.02, 0.45, 0.80])
        ax_mask = fig.add_axes([0.50, 0.18, 0.20, 0.50])
        ax_idx = fig.add_axes([0.75, 0.10, 0.23, 0.62])
        f_max = self.f_range[1]
        out_max = max(output_size(self.n, f, s) for f in range(self.f_range[0], f_max + 1)
                      for s in range(self.stride_range[0], self.stride_range[1] + 1))
        self.grid_in = GridView(ax_in, (self.n, self.n), cmap="Greys")
        self.grid_mask = GridView(ax_mask, (f_max, f_max), cmap="Reds", fontsize=10)
        self.grid_idx = GridView(ax_idx, (out_max, out_max), cmap="Greys")
        for view in (self.grid_in, self.grid_mask, self.grid_idx):
            view.title.set_fontsize(10)
        for ax in (ax_in, ax_mask, ax_idx):
            _cell_borders(ax, self.n)
        self.window_patch = ax_in.add_patch(window_rectangle(0, 0, 1, 1, edgecolor=_WINDOW, linewidth=2.5))
        self.tie_patches = [ax_in.add_patch(window_rectangle(0, 0, 0.8, 0.8, edgecolor=_TIE, linewidth=2,
                                                             linestyle="--", visible=False))
                            for _ in range(f_max * f_max)]
        self.winner_patch = ax_in.add_patch(window_rectangle(0, 0, 0.8, 0.8, edgecolor=_WINNER, linewidth=2.5,
                                                             fill=True, facecolor=(0.84, 0.15, 0.16, 0.25)))
        self.index_patch = ax_idx.add_patch(window_rectangle(0, 0, 0.84, 0.84, edgecolor=_WINNER,
                                                             linewidth=2.5))
        self.headline = fig.text(0.5, 0.97, "", ha="center", va="top", fontsize=11)

    def update(self, data, f, stride, row, col):
        self._limit_cell()
        row, col = self.controls["row"].value, self.controls["col"].value
        x = self.x = example_input(data)
        out, idx = pool(x, f, stride, return_indices=True)
        mask = max_mask(x, f, stride)[row, col]
        k = int(idx[row, col])
        r, c = divmod(k, self.n)
        self.winner = (r, c)
        top, left = row * stride, col * stride
        window = x[top:top + f, left:left + f]
        value = out[row, col]

        finite = x[np.isfinite(x)]
        self.grid_in.show(x, vmin=0, vmax=4 * finite.max())
        self.grid_in.ax.set_title(f"input 6×6: window ({row}, {col}) of {f}×{f}, stride {stride}",
                                  fontsize=10)
        self.window_patch.set_bounds(left - 0.5, top - 0.5, f, f)
        self.winner_patch.set_xy((c - 0.4, r - 0.4))
        # the other cells holding the same maximum (a NaN equals nothing, so it has no ties)
        tied = [(top + i, left + j) for i, j in zip(*np.nonzero(window == value))
                if (top + i, left + j) != (r, c)]
        self.ties = len(tied) + 1 if np.isfinite(value) else 1
        for patch, (i, j) in zip(self.tie_patches, tied):
            patch.set_xy((j - 0.4, i - 0.4))
            patch.set_visible(True)
        for patch in self.tie_patches[len(tied):]:
            patch.set_visible(False)

        self.grid_mask.show(mask, vmin=0, vmax=1, title=f"mask of window ({row}, {col})")
        self.grid_idx.show(idx, vmin=0, vmax=10 * self.n * self.n, title=f"indices, all {idx.size} windows")
        self.index_patch.set_xy((col - 0.42, row - 0.42))
        shown = "nan" if np.isnan(value) else f"{value:g}"
        self.headline.set_text(f"output ({row}, {col}) = {shown}, from input cell ({r}, {c}): "
                               f"index {r}·{self.n} + {c} = {k}")
        self.caption.value = self._caption(f, idx.shape, row, col, value, r, c, k, window)

    def _caption(self, f, out_shape, row, col, value, r, c, k, window):
        ho, wo = out_shape
        lines = []
        if np.isnan(value):
            lines.append(
                f"Output ({row}, {col}) is <b>nan</b>: this window holds a NaN, and a NaN propagates "
                f"(as in PyTorch; <code>np.nanmax</code> would silently skip it). The index points at "
                f"the NaN, input cell ({r}, {c}).")
        else:
            lines.append(
                f"Output ({row}, {col}) = {value:g} is the largest number in its window (blue); it sits at "
                f"input cell ({r}, {c}) (red), so the mask has its one 1 there and the index is "
                f"{r}·{self.n} + {c} = {k}.")
        if self.ties > 1:
            lines.append(
                f"<b>Tie</b>: {value:g} appears {self.ties} times in this window (dashed orange). The first "
                f"in row-major order (row by row, left to right) wins. Only one cell may win: backprop sends "
                f"the output's gradient to every cell marked 1, so marking all {self.ties} would count that "
                f"gradient {self.ties} times.")
        lines.append(
            f"Memory: the mask keeps {ho}·{wo}·{f}·{f} = {ho * wo * f * f} numbers, the indices "
            f"{ho}·{wo} = {ho * wo}; both say the same thing.")
        return "<br>".join(lines)


def _cell_borders(ax, n):
    """Thin grey lines between the cells of a GridView of up to n x n cells."""
    ax.set_xticks(np.arange(-0.5, n), minor=True)
    ax.set_yticks(np.arange(-0.5, n), minor=True)
    ax.tick_params(which="minor", length=0)
    ax.grid(which="minor", color="0.8", linewidth=0.6)


def _grid_panel(fig, rect, values, title, cmap="Blues", vmax=None, fontsize=10):
    ax = fig.add_axes(rect)
    view = GridView(ax, values.shape, cmap=cmap, fontsize=fontsize)
    view.show(values, title=title, vmin=0, vmax=vmax)
    _cell_borders(ax, max(values.shape))
    return ax


def _outline_windows(ax, out_shape, f, stride):
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            colour = WINDOW_COLOURS[2 * (i % 2) + j % 2]
            ax.add_patch(window_rectangle(i * stride, j * stride, f, f, edgecolor=colour, linewidth=2.5))


def _arrow(fig, x, y, text):
    fig.text(x, y, f"{text}\n→", ha="center", va="center", fontsize=11)


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
        ax.add_patch(window_rectangle(r + 0.1, c + 0.1, 0.8, 0.8, edgecolor=_WINNER, linewidth=2.5))
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

    explorer = PositionsExplorer(data="ties", row=1, col=1)
    yield "03-positions-explorer", explorer.fig
