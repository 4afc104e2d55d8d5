"""Lesson 02's explorer: every pooling window over a grid, and the output it gives.

:class:`WindowsExplorer` shows a 6x6 grid of numbers (the seed post's
example) with every window of the current size, stride, padding and
dilation outlined on it, the pooled output next to it, and the output-size
formula (once, above the picture) with the current numbers. Click an output
cell to see its window alone (the others fade), click an input cell to see
every window that reads it; the "point at" dropdown does the same from the
keyboard. :class:`WindowsPicture` is the drawing behind it, reused by
:func:`figures` for the post's Figure 1.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..arithmetic import size_formula, window_taps, windows_containing
from ..core import output_size, pool, window_count
from ..examples import post_example
from ..palette import FADED_ALPHA, FILLS, PADDING_HATCH, SELECTED_EDGE, WINDOW_OUTLINES, window_colour
from ..plotting import GridView, cell_borders
from ..wording import count
from .base import NOTHING, Explorer

# post_example and size_formula live in the library (pooling_lib.examples, pooling_lib.arithmetic);
# they stay importable from here until the lessons import them from there.
__all__ = ["WindowsExplorer", "WindowsPicture", "figures"]

#: Kept for the lessons' old imports: the palette's window outlines.
WINDOW_COLOURS = WINDOW_OUTLINES

#: Smallest text in the pictures, in points (>= 11 CSS px in a 900-px JupyterLab window, see the base).
TEXT_PT = 12.5
NUMBER_PT = 14.0


def _inset(i, j):
    """How far window (i, j)'s outline is drawn inside its cells, so that overlapping edges stay apart."""
    return 0.07 + 0.08 * ((i % 2) + (j % 2))


def _box(top, left, height, width, inset):
    """Closed polyline of a box of cells, ``inset`` cells inside its border."""
    t, l = top - 0.5 + inset, left - 0.5 + inset
    b, r = top - 0.5 + height - inset, left - 0.5 + width - inset
    return [(l, t), (r, t), (r, b), (l, b), (l, t)]


def _mean_format(value):
    return "nan" if np.isnan(value) else f"{value:.1f}"


class WindowsPicture:
    """Windows outlined over an input grid, and the pooled output next to it.

    Every window gets its own outline (lines only: no translucent fills
    stacking up behind the numbers); neighbours differ in colour and in how
    far inside their cells the outline is drawn, so overlaps stay visible.
    Each output cell is outlined in its window's colour. With a selection,
    the selected window (or the windows that read the selected input cell)
    keep their outlines and their cells are filled; everything else fades.

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
    window_lines, output_lines : LineCollection
        One outline per window, and around each output cell.
    selected_line : LineCollection
        The selected window's outline (empty without a selection).
    pad_patch : Rectangle
        The hatched padding border.
    """

    def __init__(self, ax_in, ax_out, input_shape, max_out, fontsize=NUMBER_PT):
        self.ax_in, self.ax_out = ax_in, ax_out
        self.input_shape = tuple(input_shape)
        self.max_out = max_out
        self.grid_in = GridView(ax_in, self.input_shape, fontsize=fontsize)
        self.grid_out = GridView(ax_out, (max_out, max_out), fontsize=fontsize)
        # cell borders on the input, padding included
        cell_borders(ax_in, -4, max(self.input_shape) + 8)
        ax_in.set_facecolor(FILLS["padding"])
        # drawn under the image, so only the border around the input shows the hatching
        self.pad_patch = Rectangle((0, 0), 1, 1, fill=False, hatch="//", edgecolor=PADDING_HATCH,
                                   linewidth=0, zorder=-1)
        ax_in.add_patch(self.pad_patch)
        self.window_lines = LineCollection([], linewidths=2.6, zorder=3)
        ax_in.add_collection(self.window_lines)
        self.selected_line = LineCollection([], linewidths=4.5, colors=SELECTED_EDGE, zorder=4)
        ax_in.add_collection(self.selected_line)
        self.output_lines = LineCollection([], linewidths=2.6, zorder=3)
        ax_out.add_collection(self.output_lines)
        self.out = None
        self.windows = []

    def show(self, x, f, stride, padding=0, ceil_mode=False, method="max", dilation=1, select=NOTHING):
        """Draw ``x`` with the windows of these settings; return the pooled output.

        Parameters
        ----------
        x : ndarray, shape `input_shape`
            The input grid.
        f, stride, padding, ceil_mode, method, dilation
            As in :func:`pooling_lib.pool`.
        select : tuple, optional
            ``()``, ``("output", i, j)`` (window (i, j) alone) or
            ``("input", r, c)`` (the windows that read input cell (r, c)).

        Returns
        -------
        ndarray
            ``pool(x, f, stride, method=method, padding=padding, ceil_mode=ceil_mode, dilation=dilation)``.

        Examples
        --------
        >>> fig = Figure()
        >>> picture = WindowsPicture(fig.add_subplot(121), fig.add_subplot(122), (4, 4), 3)
        >>> picture.show(np.arange(16).reshape(4, 4), 2, 2)
        array([[ 5,  7],
               [13, 15]])
        >>> picture.visible_windows()
        4
        >>> picture.show(np.arange(16).reshape(4, 4), 2, 1, select=("input", 1, 1))[1, 1]
        np.int64(10)
        >>> picture.highlighted
        [(0, 0), (0, 1), (1, 0), (1, 1)]
        """
        kwargs = {"method": method, "padding": padding, "ceil_mode": ceil_mode}
        if dilation != 1:
            kwargs["dilation"] = dilation
        out = pool(x, f, stride, **kwargs)
        ho, wo = out.shape
        if ho > self.max_out or wo > self.max_out:
            raise ValueError(f"the output must fit in max_out={self.max_out} windows per axis, "
                             f"got shape {out.shape}")
        h, w = x.shape
        p = padding
        rows = window_taps(h, f, stride, p, ceil_mode, dilation)
        cols = window_taps(w, f, stride, p, ceil_mode, dilation)
        span = dilation * (f - 1) + 1

        # which windows the selection keeps
        if select and select[0] == "output":
            keep = [(select[1], select[2])]
        elif select and select[0] == "input":
            keep = [(i, j) for i in windows_containing(select[1], h, f, stride, p, ceil_mode, dilation)
                    for j in windows_containing(select[2], w, f, stride, p, ceil_mode, dilation)]
            keep = [(int(i), int(j)) for i, j in keep]
        else:
            keep = None
        self.highlighted = keep

        fills_in = np.full((h, w), FILLS["cell"], dtype=object)
        faded_in = np.zeros((h, w), bool)
        fills_out = np.full((ho, wo), FILLS["output"], dtype=object)
        faded_out = np.zeros((ho, wo), bool)
        if keep is not None:
            faded_in[:] = True
            faded_out[:] = True
            for i, j in keep:
                fills_out[i, j] = FILLS["selected"]
                faded_out[i, j] = False
                if select[0] == "output":
                    for r in rows[i]:
                        for c in cols[j]:
                            if 0 <= r < h and 0 <= c < w:
                                fills_in[r, c] = FILLS["selected"]
                                faded_in[r, c] = False
            if select[0] == "input":
                fills_in[select[1], select[2]] = FILLS["selected"]
                faded_in[select[1], select[2]] = False
        self.grid_in.show(x, fills=fills_in, faded=faded_in)
        self.pad_patch.set_bounds(-0.5 - p, -0.5 - p, w + 2 * p, h + 2 * p)
        self.pad_patch.set_visible(p > 0)
        # ceil_mode windows may hang past the padding: show the whole of them
        bottom = max(h + p, int(rows[-1, -1]) + 1)
        right = max(w + p, int(cols[-1, -1]) + 1)
        self.ax_in.set_xlim(-0.5 - p, right - 0.5)
        self.ax_in.set_ylim(bottom - 0.5, -0.5 - p)

        segments, colours, cells, selected = [], [], [], []
        kept = set(keep) if keep is not None else None
        for i in range(ho):
            for j in range(wo):
                colour = window_colour(i, j)
                faded = kept is not None and (i, j) not in kept
                box = _box(rows[i, 0], cols[j, 0], span, span, _inset(i, j))
                segments.append(box)
                colours.append((*_rgb(colour), FADED_ALPHA if faded else 1.0))
                cells.append(_box(i, j, 1, 1, 0.07))
                if kept is not None and select[0] == "output" and (i, j) in kept:
                    selected.append(_box(rows[i, 0], cols[j, 0], span, span, 0.0))
        self.windows = [(int(rows[i, 0]), int(cols[j, 0])) for i in range(ho) for j in range(wo)]
        self.window_lines.set_segments(segments)
        self.window_lines.set_color(colours)
        self.output_lines.set_segments(cells)
        self.output_lines.set_color(colours)
        self.selected_line.set_segments(selected)

        fmt = _mean_format if method == "mean" else str
        self.grid_out.show(out, fmt=fmt, fills=fills_out, faded=faded_out)
        # at least a 3x3 area, so one output cell does not fill the whole panel
        side = max(ho, wo, 3)
        cx, cy = (wo - 1) / 2, (ho - 1) / 2
        self.ax_out.set_xlim(cx - side / 2, cx + side / 2)
        self.ax_out.set_ylim(cy + side / 2, cy - side / 2)
        self.ax_in.set_title(f"input {h}×{w}" + (", hatched: padding" if p else ""), fontsize=TEXT_PT)
        self.ax_out.set_title(f"{method} of each window: {ho}×{wo}", fontsize=TEXT_PT)
        self.out = out
        return out

    def visible_windows(self):
        """How many window outlines are drawn."""
        return len(self.window_lines.get_segments())


def _rgb(colour):
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


def _valid(n, f, stride, padding, ceil_mode, dilation):
    """Whether these settings make a valid pooling of an axis of length n (the library decides)."""
    try:
        output_size(n, f, stride, padding, ceil_mode, dilation)
    except ValueError:
        return False
    return True


def _max_windows(n, f_max):
    """The most windows per axis any setting can give on an axis of length n."""
    return max(output_size(n, f, 1, f // 2, True) for f in range(1, f_max + 1))


def _relation(f, stride, dilation, windows):
    if windows == 1:
        return "Only one window fits, so the stride does not matter here."
    span = dilation * (f - 1) + 1
    what = f"window {f}" if dilation == 1 else f"window span {span}"
    if stride < span:
        shared = span - stride
        return (f"stride {stride} &lt; {what}: neighbouring windows share {count(shared, 'row')}/"
                f"{count(shared, 'column')[len(str(shared)) + 1:]}, so some cells are pooled more than once.")
    if stride > span:
        gap = stride - span
        return (f"stride {stride} &gt; {what}: {count(gap, 'row')}/{count(gap, 'column')[len(str(gap)) + 1:]} "
                f"between windows {'is' if gap == 1 else 'are'} never looked at.")
    return f"stride {stride} = {what}: the windows tile the input without overlapping."


def _edge_notes(n, taps, padding, many, one, ceil_mode):
    """What happens at the far edge of one axis: cells left out, or a window hanging over."""
    end = int(taps[-1, -1]) + 1  # one past the last cell the last window reaches
    notes = []
    if end < n:
        cells = f"{many} {end}–{n - 1} are" if n - end > 1 else f"{one} {end} is"
        hint = "" if ceil_mode else "; tick ceil_mode to keep a last partial window"
        notes.append(f"{cells} in no window (the last window would not fit{hint}).")
    elif end > n + padding:
        over = end - n - padding
        edge = "the edge and its padding" if padding else "the edge"
        notes.append(f"ceil_mode: the last window hangs {count(over, 'cell')} past {edge}; those cells do "
                     "not exist and are not counted.")
    return notes


def _rules(n):
    """The explorer's ``limits`` and ``inactive`` tables for an input of side n (see the Explorer base)."""

    def valid(v, **changes):
        v = {**v, **changes}
        return _valid(n, v["f"], v["stride"], min(v["padding"], v["f"] // 2), v["ceil_mode"], v["dilation"])

    def widest(v):
        return max(d for d in range(1, n + 1) if d == 1 or valid(v, dilation=d))

    limits = {
        "padding": lambda v: v["f"] // 2,
        "dilation": lambda v: 1 if v["method"] == "mean" else widest(v),
        "f": lambda v: max(f for f in range(1, n + 1) if f == 1 or valid(v, f=f)),
    }
    inactive = {
        "padding": lambda v: "a 1×1 window allows no padding (padding ≤ f // 2 = 0)." if v["f"] == 1 else None,
        "dilation": lambda v: ("PyTorch's mean pooling (AvgPool2d) has no dilation." if v["method"] == "mean"
                               else "a 1×1 window has no gaps to widen." if v["f"] == 1
                               else "a wider window would not fit the input." if widest(v) == 1 else None),
        "stride": lambda v: ("one window fits whatever the stride, so the stride cannot change the output."
                             if valid(v) and output_size(n, v["f"], 1, min(v["padding"], v["f"] // 2),
                                                         v["ceil_mode"], v["dilation"]) == 1 else None),
    }
    return limits, inactive


class WindowsExplorer(Explorer):
    """Drag window size, stride, padding and dilation; watch the windows and the output size.

    Parameters
    ----------
    x : array_like, shape (h, w), optional
        The input grid, at most 8x8; default :func:`pooling_lib.examples.post_example`.
    **values
        Starting values of the controls: ``f`` (window size), ``stride``,
        ``padding`` (at most ``f // 2``), ``method`` (``'max'`` or
        ``'mean'``), ``ceil_mode``, ``dilation`` (max only), ``select``.

    Attributes
    ----------
    picture : WindowsPicture
        The drawing (its ``grid_out.values`` is the output shown).
    formula : matplotlib.text.Text
        The output-size formula written above the picture (the only place it is shown).

    Notes
    -----
    The defaults reproduce the post's example: 3x3 windows, stride 3, no
    padding. ``ceil_mode`` already changes the picture there: the formula
    then rounds up (and the caption says why the result is the same).

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
    >>> ex.select("input", 2, 2)
    >>> ex.picture.highlighted
    [(1, 1)]
    """

    figsize = (7.2, 3.8)

    def __init__(self, x=None, **values):
        x = post_example() if x is None else np.asarray(x)
        if x.ndim != 2:
            raise ValueError(f"x must be a 2-D grid, got shape {x.shape}")
        if max(x.shape) > 8:
            raise ValueError(f"x must be at most 8x8 to stay readable, got shape {x.shape}")
        if x.dtype.kind not in "iuf":
            raise TypeError(f"x must hold integers or floats, got dtype {x.dtype}")
        self.x = x
        self._n = min(x.shape)
        f = values.get("f", min(3, self._n))
        padding = values.get("padding", 0)
        if isinstance(f, int) and isinstance(padding, int) and padding > f // 2:
            raise ValueError(f"padding must be at most half the window ({f} // 2 = {f // 2}), got {padding}")
        self.limits, self.inactive = _rules(self._n)
        super().__init__(**values)

    def make_controls(self):
        style = {"description_width": "initial"}
        n = self._n
        return {
            "f": widgets.IntSlider(value=min(3, n), min=1, max=n, description="window size f", style=style),
            "stride": widgets.IntSlider(value=min(3, n), min=1, max=n, description="stride s", style=style),
            "padding": widgets.IntSlider(value=0, min=0, max=n // 2, description="padding p", style=style),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pool", style=style),
            "ceil_mode": widgets.Checkbox(value=False, description="ceil_mode (keep a last partial window)",
                                          style=style, layout=widgets.Layout(width="auto")),
            "dilation": widgets.IntSlider(value=1, min=1, max=n, description="dilation d", style=style),
        }

    def selection_grids(self, values):
        h, w = self.x.shape
        f, s, p, c, d = (values[k] for k in ("f", "stride", "padding", "ceil_mode", "dilation"))
        p = min(p, f // 2)
        if not _valid(min(h, w), f, s, p, c, d):
            d = 1
        shape = (output_size(h, f, s, p, c, d), output_size(w, f, s, p, c, d))
        return {"output": (self.picture.ax_out, shape), "input": (self.picture.ax_in, (h, w))}

    def draw(self, fig, **values):
        ax_in = fig.add_axes([0.01, 0.02, 0.55, 0.80])
        ax_out = fig.add_axes([0.61, 0.08, 0.38, 0.68])
        self.picture = WindowsPicture(ax_in, ax_out, self.x.shape, _max_windows(max(self.x.shape), self._n))
        self.formula = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=TEXT_PT + 0.5)

    def update(self, f, stride, padding, method, ceil_mode, dilation, select):
        h, w = self.x.shape
        out = self.picture.show(self.x, f, stride, padding, ceil_mode, method, dilation, select)
        ho, wo = out.shape
        rows = size_formula(h, f, stride, padding, ceil_mode, dilation)
        if h == w:
            self.formula.set_text(f"ho = wo = {rows.split(' (window')[0]}")
        else:
            cols = size_formula(w, f, stride, padding, ceil_mode, dilation)
            self.formula.set_text(f"ho = {rows.split(' (window')[0]},  wo = {cols.split(' (window')[0]}")
        self.caption.value = self._caption(f, stride, padding, ceil_mode, method, dilation, select, out)

    def _caption(self, f, stride, padding, ceil_mode, method, dilation, select, out):
        h, w = self.x.shape
        ho, wo = out.shape
        rows = window_taps(h, f, stride, padding, ceil_mode, dilation)
        cols = window_taps(w, f, stride, padding, ceil_mode, dilation)
        lines = []
        if select and select[0] == "output":
            i, j = select[1:]
            r, c = rows[i], cols[j]
            real = int(((r >= 0) & (r < h)).sum() * ((c >= 0) & (c < w)).sum())
            value = _mean_format(out[i, j]) if method == "mean" else f"{out[i, j]}"
            cells = f"its {count(f * f, 'cell')}" if real == f * f else f"{real} real cells and {f * f - real} of padding"
            lines.append(f"<b>Window ({i}, {j})</b> reads rows {_span(r, dilation)} and columns "
                         f"{_span(c, dilation)} ({cells}); its {method} is {value}.")
        elif select and select[0] == "input":
            r, c = select[1:]
            seen = self.picture.highlighted
            if seen:
                names = ", ".join(f"({i}, {j})" for i, j in seen)
                lines.append(f"<b>Input cell ({r}, {c})</b> = {self.x[r, c]} is seen by "
                             f"{count(len(seen), 'window')}: output {'cell' if len(seen) == 1 else 'cells'} {names}.")
            else:
                lines.append(f"<b>Input cell ({r}, {c})</b> = {self.x[r, c]} is seen by no window: "
                             "it is never pooled.")
        else:
            lines.append(f"{ho}×{wo} = {count(ho * wo, 'window')}. Click a cell (or use “point at”) "
                         "to see one window, or every window that reads an input cell.")
        lines.append(_relation(f, stride, dilation, ho * wo))
        counted, size = window_count(h, f, stride, padding, ceil_mode, dilation)
        if counted != size:
            start = (counted - 1) * stride - padding
            lines.append(f"ceil_mode counts {counted} windows per row, but window {counted} would start at "
                         f"{start}, past the input, so it is dropped: {size}.")
        elif ceil_mode and window_count(h, f, stride, padding, False, dilation).size == size:
            lines.append(f"ceil_mode rounds up, but ({h} + 2·{padding} − {dilation * (f - 1) + 1}) / {stride} "
                         "leaves no partial window, so floor and ceil give the same size here.")
        if padding:
            fill = "never wins a maximum" if method == "max" else "counts as 0 in the mean"
            lines.append(f"padding {padding}: a border of {count(padding, 'hatched cell')} on every side; "
                         f"padding {fill}.")
        if dilation > 1:
            lines.append(f"dilation {dilation}: each window reads one cell in {dilation}, so it spans "
                         f"{dilation}·({f} − 1) + 1 = {dilation * (f - 1) + 1} cells (click an output cell to "
                         "see which).")
        if h == w:
            lines += _edge_notes(h, rows, padding, "rows/columns", "row/column", ceil_mode)
        else:
            lines += _edge_notes(h, rows, padding, "rows", "row", ceil_mode)
            lines += _edge_notes(w, cols, padding, "columns", "column", ceil_mode)
        if method == "mean":
            lines.append("Means are rounded to 1 decimal in the picture.")
        return "<br>".join(lines)


def _span(taps, dilation=1):
    """Input positions as a reader says them: "0–2", "−1, 1, 3" (dilated), "4"."""
    taps = [f"{t}".replace("-", "−") for t in taps]
    if len(taps) == 1:
        return taps[0]
    return f"{taps[0]}–{taps[-1]}" if dilation == 1 else ", ".join(taps)


def figures():
    """The post's Figure 1 and a picture of the lesson-02 explorer.

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
    fig = Figure(figsize=(7.0, 6.6), dpi=100)
    cases = [(3, 3, 0, "3×3 windows, stride 3: four windows side by side"),
             (3, 2, 1, "3×3 windows, stride 2, padding 1: nine windows that overlap")]
    for row, (f, s, p, title) in enumerate(cases):
        top = 0.53 - row * 0.50
        ax_in = fig.add_axes([0.02, top, 0.50, 0.40])
        ax_out = fig.add_axes([0.60, top + 0.04, 0.36, 0.32])
        picture = WindowsPicture(ax_in, ax_out, x.shape, 3, fontsize=12)
        out = picture.show(x, f, s, p)
        ax_out.set_title(f"max of each window: {out.shape[0]}×{out.shape[1]}", fontsize=12)
        fig.text(0.5, top + 0.445, title, ha="center", fontsize=12, weight="bold")
    yield "post-figure-1-windows", fig

    explorer = WindowsExplorer(f=3, stride=2, padding=1)
    yield "02-windows-explorer", explorer.fig
