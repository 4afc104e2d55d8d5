"""Lesson 02's explorer: every pooling window over a grid, and the output it gives.

:class:`WindowsExplorer` shows a 6x6 grid of numbers (the seed post's
example) with every window of the current size, stride and padding outlined
on it, the pooled output next to it, and the output-size formula with the
current numbers. :class:`WindowsPicture` is the drawing behind it, reused by
:func:`figures` for the post's Figure 1.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..core import output_size, pool
from .base import Explorer
from ..plotting import GridView

__all__ = ["WINDOW_COLOURS", "WindowsExplorer", "WindowsPicture", "figures", "post_example",
           "size_formula"]

#: Neighbouring windows get different colours: window (i, j) uses
#: ``WINDOW_COLOURS[2 * (i % 2) + j % 2]``.
WINDOW_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")


def post_example():
    """The seed post's 6x6 toy input: integers 0-19 drawn with seed 100.

    Returns
    -------
    ndarray of int, shape (6, 6)
        What ``np.random.seed(100); np.random.randint(0, 20, [6, 6])`` gives,
        drawn from a private ``RandomState`` so that numpy's global random
        state is left alone.

    Examples
    --------
    >>> x = post_example()
    >>> x[:2]
    array([[ 8,  3,  7, 15, 16, 10],
           [ 2,  2,  2, 14,  2, 17]])
    >>> pool(x, 3)
    array([[16, 17],
           [14, 19]])
    """
    return np.random.RandomState(100).randint(0, 20, (6, 6))


def size_formula(n, f, stride, padding=0, ceil_mode=False):
    """The output-size formula along one axis, written out with the numbers.

    Parameters
    ----------
    n : int
        Input length along the axis.
    f : int
        Window size.
    stride : int
        Step between windows.
    padding : int, optional
        Cells added at both ends.
    ceil_mode : bool, optional
        Round up instead of down (PyTorch's ``ceil_mode``).

    Returns
    -------
    str
        For example ``"floor((6 + 2·0 − 3) / 3) + 1 = 2"``. With
        ``ceil_mode``, when the rounded-up count would give a last window
        starting past the input (in the right padding), the formula shows
        that window being dropped.

    Notes
    -----
    The value at the end is always :func:`pooling_lib.output_size` for the
    same arguments, which also validates them.

    Examples
    --------
    >>> size_formula(6, 3, 3)
    'floor((6 + 2·0 − 3) / 3) + 1 = 2'
    >>> size_formula(6, 3, 2, ceil_mode=True)
    'ceil((6 + 2·0 − 3) / 2) + 1 = 3'
    >>> size_formula(6, 4, 4, padding=2, ceil_mode=True)
    'ceil((6 + 2·2 − 4) / 4) + 1 − 1 = 2 (window 3 would start at 6, past the input)'
    """
    size = output_size(n, f, stride, padding, ceil_mode)
    span = n + 2 * padding - f
    name = "ceil" if ceil_mode else "floor"
    counted = (-(-span // stride) if ceil_mode else span // stride) + 1
    text = f"{name}(({n} + 2·{padding} − {f}) / {stride}) + 1"
    if counted != size:
        start = (counted - 1) * stride - padding
        return f"{text} − 1 = {size} (window {counted} would start at {start}, past the input)"
    return f"{text} = {size}"


def _window_colour(i, j):
    return WINDOW_COLOURS[2 * (i % 2) + j % 2]


def _inset(i, j):
    """How far window (i, j)'s outline is drawn inside its cells, so that overlapping edges stay apart."""
    return 0.06 + 0.07 * ((i % 2) + (j % 2))


def _mean_format(value):
    return "nan" if np.isnan(value) else f"{value:.1f}"


class WindowsPicture:
    """Windows outlined over an input grid, and the pooled output next to it.

    Every window gets its own outline; neighbours differ in colour and in how
    far inside their cells the outline is drawn, so overlaps stay visible.
    Each output cell is outlined in its window's colour.

    Parameters
    ----------
    ax_in, ax_out : matplotlib.axes.Axes
        Where the input (with its windows) and the output are drawn.
    input_shape : (int, int)
        Shape of the inputs that :meth:`show` will get.
    max_out : int
        The most windows along one axis that :meth:`show` will draw.
    fontsize : float, optional
        Size of the numbers.

    Attributes
    ----------
    grid_in, grid_out : GridView
        The input and the output grids.
    window_patches : list of Rectangle
        One outline per window (``max_out ** 2`` made once; the unused ones
        are hidden).
    output_patches : list of Rectangle
        Around each output cell, in its window's colour.
    pad_patch : Rectangle
        The hatched padding border.
    """

    def __init__(self, ax_in, ax_out, input_shape, max_out, fontsize=9):
        self.ax_in, self.ax_out = ax_in, ax_out
        self.input_shape = tuple(input_shape)
        self.max_out = max_out
        self.grid_in = GridView(ax_in, self.input_shape, cmap="Greys", fontsize=fontsize)
        self.grid_out = GridView(ax_out, (max_out, max_out), cmap="Oranges", fontsize=fontsize)
        # cell borders on the input, padding included (the output cells carry coloured outlines)
        ax_in.set_xticks(np.arange(-10.5, 20), minor=True)
        ax_in.set_yticks(np.arange(-10.5, 20), minor=True)
        ax_in.tick_params(which="minor", length=0)
        ax_in.grid(which="minor", color="0.8", linewidth=0.6)
        # drawn under the image, so only the border around the input shows the hatching
        self.pad_patch = Rectangle((0, 0), 1, 1, fill=False, hatch="///", edgecolor="0.65",
                                   linewidth=0, zorder=-1)
        ax_in.add_patch(self.pad_patch)
        count = max_out * max_out
        self.window_patches = [ax_in.add_patch(Rectangle((0, 0), 1, 1, linewidth=2.0, visible=False))
                               for _ in range(count)]
        self.output_patches = [ax_out.add_patch(Rectangle((0, 0), 1, 1, fill=False, linewidth=2.0,
                                                          visible=False))
                               for _ in range(count)]

    def show(self, x, f, stride, padding=0, ceil_mode=False, method="max"):
        """Draw ``x`` with the windows of these settings; return the pooled output.

        Parameters
        ----------
        x : ndarray, shape `input_shape`
            The input grid.
        f, stride, padding, ceil_mode, method
            As in :func:`pooling_lib.pool`.

        Returns
        -------
        ndarray
            ``pool(x, f, stride, method=method, padding=padding, ceil_mode=ceil_mode)``.

        Examples
        --------
        >>> fig = Figure()
        >>> picture = WindowsPicture(fig.add_subplot(121), fig.add_subplot(122), (4, 4), 3)
        >>> picture.show(np.arange(16).reshape(4, 4), 2, 2)
        array([[ 5,  7],
               [13, 15]])
        >>> picture.visible_windows()
        4
        """
        out = pool(x, f, stride, method=method, padding=padding, ceil_mode=ceil_mode)
        ho, wo = out.shape
        if ho > self.max_out or wo > self.max_out:
            raise ValueError(f"the output must fit in max_out={self.max_out} windows per axis, "
                             f"got shape {out.shape}")
        h, w = x.shape
        finite = x[np.isfinite(x)]
        top = finite.max() if finite.size else 1
        # pale cells keep the coloured windows and the numbers readable
        self.grid_in.show(x, vmin=0, vmax=8 * top if top > 0 else 1)
        p = padding
        self.pad_patch.set_bounds(-0.5 - p, -0.5 - p, w + 2 * p, h + 2 * p)
        self.pad_patch.set_visible(p > 0)
        # ceil_mode windows may hang past the padding: show the whole of them
        bottom = max(h + p, (ho - 1) * stride + f - p)
        right = max(w + p, (wo - 1) * stride + f - p)
        self.ax_in.set_xlim(-0.5 - p, right - 0.5)
        self.ax_in.set_ylim(bottom - 0.5, -0.5 - p)

        for k, patch in enumerate(self.window_patches):
            i, j = divmod(k, self.max_out)
            if i >= ho or j >= wo:
                patch.set_visible(False)
                self.output_patches[k].set_visible(False)
                continue
            colour = _window_colour(i, j)
            d = _inset(i, j)
            patch.set_bounds(j * stride - p - 0.5 + d, i * stride - p - 0.5 + d, f - 2 * d, f - 2 * d)
            patch.set_edgecolor(colour)
            patch.set_facecolor(to_rgba(colour, 0.10))
            patch.set_visible(True)
            cell = self.output_patches[k]
            cell.set_bounds(j - 0.5 + 0.08, i - 0.5 + 0.08, 0.84, 0.84)
            cell.set_edgecolor(colour)
            cell.set_visible(True)

        fmt = _mean_format if method == "mean" else str
        finite = out[np.isfinite(out)]
        top = finite.max() if finite.size else 1
        self.grid_out.show(out, fmt=fmt, vmin=0, vmax=1.6 * top if top > 0 else 1)
        # at least a 3x3 area, so one output cell does not fill the whole panel
        side = max(ho, wo, 3)
        cx, cy = (wo - 1) / 2, (ho - 1) / 2
        self.ax_out.set_xlim(cx - side / 2, cx + side / 2)
        self.ax_out.set_ylim(cy + side / 2, cy - side / 2)
        self.ax_in.set_title(f"input {h}×{w}: {_count(ho * wo, 'window')} of {f}×{f}, stride {stride}",
                             fontsize=10)
        self.ax_out.set_title(f"{method} of each window: {ho}×{wo}", fontsize=10)
        return out

    def visible_windows(self):
        """How many window outlines are shown."""
        return sum(patch.get_visible() for patch in self.window_patches)


def _count(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def _max_windows(n, f_max):
    """The most windows per axis any slider setting can give on an axis of length n."""
    return max(output_size(n, f, s, p, c)
               for f in range(1, f_max + 1) for s in range(1, f_max + 1)
               for p in range(f // 2 + 1) for c in (False, True))


def _relation(f, stride, windows=2):
    if windows == 1:
        return "Only one window fits, so the stride does not matter here."
    if stride < f:
        return (f"stride {stride} &lt; window {f}: neighbouring windows share "
                f"{f - stride} row{'s' if f - stride > 1 else ''}/column{'s' if f - stride > 1 else ''}, "
                f"so some cells are pooled more than once.")
    if stride > f:
        return (f"stride {stride} &gt; window {f}: {stride - f} row{'s' if stride - f > 1 else ''}/"
                f"column{'s' if stride - f > 1 else ''} between windows "
                f"{'are' if stride - f > 1 else 'is'} never looked at.")
    return f"stride {stride} = window {f}: the windows tile the input without overlapping."


def _edge_notes(n, out, f, stride, padding, many, one):
    """What happens at the far edge of one axis: cells left out, or a window hanging over."""
    end = (out - 1) * stride + f - padding  # one past the last cell the last window reaches
    if end < n:
        cells = f"{many} {end}–{n - 1} are" if n - end > 1 else f"{one} {end} is"
        return [f"{cells} in no window (floor drops the incomplete window; tick ceil_mode to keep it)."]
    if end > n + padding:
        over = end - n - padding
        edge = "the edge and its padding" if padding else "the edge"
        cells = f"{over} cell{'s' if over > 1 else ''}"
        note = (f"ceil_mode: the last window hangs {cells} past {edge}; those cells do not exist "
                "and are not counted.")
        return [note]
    return []


class WindowsExplorer(Explorer):
    """Drag window size, stride and padding; watch the windows and the output size.

    Parameters
    ----------
    x : array_like, shape (h, w), optional
        The input grid, at most 8x8; default :func:`post_example`.
    **values
        Starting values of the controls: ``f`` (window size), ``stride``,
        ``padding`` (at most ``f // 2``), ``ceil_mode``, ``method``
        (``'max'`` or ``'mean'``).

    Attributes
    ----------
    picture : WindowsPicture
        The drawing (its ``grid_out.values`` is the output shown).
    formula : matplotlib.text.Text
        The output-size formula written above the picture.

    Notes
    -----
    The defaults reproduce the post's example: 3x3 windows, stride 3, no
    padding.

    Examples
    --------
    >>> ex = WindowsExplorer()
    >>> ex.picture.grid_out.values
    array([[16, 17],
           [14, 19]])
    >>> ex.set(stride=2, padding=1)
    >>> ex.picture.visible_windows()
    9
    >>> ex.formula.get_text()
    'ho = wo = floor((6 + 2·1 − 3) / 2) + 1 = 3'
    """

    figsize = (7.0, 3.4)
    dpi = 80

    def __init__(self, x=None, **values):
        x = post_example() if x is None else np.asarray(x)
        if x.ndim != 2:
            raise ValueError(f"x must be a 2-D grid, got shape {x.shape}")
        if max(x.shape) > 8:
            raise ValueError(f"x must be at most 8x8 to stay readable, got shape {x.shape}")
        if x.dtype.kind not in "iuf":
            raise TypeError(f"x must hold integers or floats, got dtype {x.dtype}")
        self.x = x
        self._f_max = min(x.shape)
        f = values.get("f", min(3, self._f_max))
        padding = values.get("padding", 0)
        if isinstance(f, int) and isinstance(padding, int) and padding > f // 2:
            raise ValueError(f"padding must be at most half the window ({f} // 2 = {f // 2}), got {padding}")
        super().__init__(**values)

    def make_controls(self):
        style = {"description_width": "initial"}
        f_max = self._f_max
        controls = {
            "f": widgets.IntSlider(value=min(3, f_max), min=1, max=f_max, description="window size f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=min(3, f_max), min=1, max=f_max, description="stride s",
                                        continuous_update=True, style=style),
            # the real limit (f // 2) is applied in update(); this is the largest it can ever be
            "padding": widgets.IntSlider(value=0, min=0, max=f_max // 2, description="padding p",
                                         continuous_update=True, style=style),
            "ceil_mode": widgets.Checkbox(value=False, description="ceil_mode (keep a last partial window)",
                                          style=style),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pool", style=style),
        }
        controls["f"].observe(self._limit_padding, names="value")
        return controls

    def draw(self, fig, **values):
        ax_in = fig.add_axes([0.01, 0.02, 0.55, 0.80])
        ax_out = fig.add_axes([0.62, 0.10, 0.36, 0.64])
        n_out = _max_windows(max(self.x.shape), self._f_max)
        self.picture = WindowsPicture(ax_in, ax_out, self.x.shape, n_out)
        self.formula = fig.text(0.5, 0.97, "", ha="center", va="top", fontsize=11)

    def _limit_padding(self, change=None):
        """Keep padding <= f // 2 (runs as soon as f moves, before any redraw)."""
        pad = self.controls["padding"]
        limit = self.controls["f"].value // 2
        if pad.max != limit:
            with self.hold():  # no redraw from the clamp
                pad.max = limit

    def update(self, f, stride, padding, ceil_mode, method):
        self._limit_padding()
        padding = self.controls["padding"].value
        h, w = self.x.shape
        out = self.picture.show(self.x, f, stride, padding, ceil_mode, method)
        ho, wo = out.shape
        if h == w:
            rows = size_formula(h, f, stride, padding, ceil_mode)
            self.formula.set_text(f"ho = wo = {rows.split(' (')[0]}")
            formulas = f"ho = wo = {rows}"
        else:
            rows = size_formula(h, f, stride, padding, ceil_mode)
            cols = size_formula(w, f, stride, padding, ceil_mode)
            self.formula.set_text(f"ho = {rows.split(' (')[0]},  wo = {cols.split(' (')[0]}")
            formulas = f"ho = {rows}<br>wo = {cols}"
        self.caption.value = self._caption(formulas, f, stride, padding, ceil_mode, method, ho, wo)

    def _caption(self, formulas, f, stride, padding, ceil_mode, method, ho, wo):
        h, w = self.x.shape
        lines = [f"<b>Output size</b>: {formulas} → {ho}×{wo} = {_count(ho * wo, 'window')}.",
                 _relation(f, stride, ho * wo)]
        if padding:
            fill = "never wins a maximum" if method == "max" else "counts as 0 in the mean"
            lines.append(f"padding {padding}: a border of {padding} hatched cell{'s' if padding > 1 else ''} "
                         f"on every side; padding {fill}.")
        if h == w:
            lines += _edge_notes(h, ho, f, stride, padding, "rows/columns", "row/column")
        else:
            lines += _edge_notes(h, ho, f, stride, padding, "rows", "row")
            lines += _edge_notes(w, wo, f, stride, padding, "columns", "column")
        if method == "mean":
            lines.append("means are rounded to 1 decimal in the picture.")
        return "<br>".join(lines)


def figures():
    """The post's Figure 1 and a picture of the lesson-01 explorer.

    Yields
    ------
    name : str
        ``"post-figure-1-windows"``, then ``"02-windows-explorer"``.
    fig : matplotlib.figure.Figure
        The picture.

    Examples
    --------
    >>> [name for name, fig in figures()]
    ['post-figure-1-windows', '02-windows-explorer']
    """
    x = post_example()
    fig = Figure(figsize=(7.0, 6.4), dpi=100)
    cases = [(3, 3, 0, "3×3 windows, stride 3: four windows side by side"),
             (3, 2, 1, "3×3 windows, stride 2, padding 1: nine windows that overlap")]
    for row, (f, s, p, title) in enumerate(cases):
        top = 0.53 - row * 0.50
        ax_in = fig.add_axes([0.02, top, 0.50, 0.40])
        ax_out = fig.add_axes([0.60, top + 0.04, 0.36, 0.32])
        picture = WindowsPicture(ax_in, ax_out, x.shape, 3, fontsize=10)
        out = picture.show(x, f, s, p)
        ax_in.set_title("input 6×6" + (", hatched: padding" if p else ""), fontsize=10)
        ax_out.set_title(f"max of each window: {out.shape[0]}×{out.shape[1]}", fontsize=10)
        fig.text(0.5, top + 0.445, title, ha="center", fontsize=11, weight="bold")
    yield "post-figure-1-windows", fig

    explorer = WindowsExplorer(f=3, stride=2, padding=1)
    yield "02-windows-explorer", explorer.fig
