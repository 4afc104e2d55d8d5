"""Drawing blocks shared by the explorers and the figure script.

:class:`GridView` draws a small 2-D array as coloured cells with their
numbers and can redraw itself for new values without creating artists, which
keeps a slider step fast. :func:`save_fig` is the one way figures are saved,
into :data:`FIGURES_DIR`.
"""

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgb
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from .palette import FADED_INK, GRID_LINE, INK, contrast_ratio

__all__ = ["FIGURES_DIR", "GridView", "cell_borders", "format_cell", "save_fig", "window_rectangle"]

#: Where ``python -m pooling_lib.figures`` writes the course's pictures.
FIGURES_DIR = Path(__file__).resolve().parent.parent / "figures"


def save_fig(fig, name, folder=None, dpi=150):
    """Save ``fig`` as ``<folder>/<name>.png`` (``folder`` defaults to FIGURES_DIR).

    Returns the path written.
    """
    folder = Path(FIGURES_DIR if folder is None else folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def format_cell(value):
    """Short text for one cell: integers without decimals, at most two decimals, nan, inf."""
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "nan"
        if np.isinf(value):
            return "-inf" if value < 0 else "inf"
        if float(value).is_integer():
            return f"{value:.0f}"
        return f"{value:.2f}".rstrip("0")
    return str(value)


def cell_borders(ax, first, last, colour=GRID_LINE, linewidth=0.8):
    """Thin lines between the cells first..last (both axes) of ``ax``, as ONE artist.

    Cheaper to draw than an axis grid (which makes a line and a tick per
    border); lines outside the axes' limits are clipped.
    """
    edges = np.arange(first, last + 1) - 0.5
    lo, hi = edges[0], edges[-1]
    segments = [[(e, lo), (e, hi)] for e in edges] + [[(lo, e), (hi, e)] for e in edges]
    lines = LineCollection(segments, colors=colour, linewidths=linewidth, zorder=1)
    ax.add_collection(lines)
    return lines


def window_rectangle(row, col, fh, fw, **style):
    """A rectangle outlining the window whose top-left cell is (row, col)."""
    style = {"fill": False, "linewidth": 2.0, **style}
    return Rectangle((col - 0.5, row - 0.5), fw, fh, **style)


class GridView:
    """An array drawn as coloured cells with numbers, updatable in place.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    max_shape : (int, int)
        The largest array it will show; smaller arrays leave cells blank.
    cmap : str, optional
        Colour map of the values (when no ``fills`` are given to :meth:`show`).
    fontsize : float, optional
        Size of the numbers, in points.
    title : str, optional
        The axes' title.

    Notes
    -----
    All ``max_shape`` text artists are created once; :meth:`show` changes
    their strings and colours and hides unused ones, so redrawing creates no
    artists. The cells are one small RGB image, coloured here, so every number's
    colour is chosen against its own cell's colour: black or white,
    whichever contrasts more (at least 4.5:1, see
    :func:`pooling_lib.palette.text_colour`).
    """

    def __init__(self, ax, max_shape, cmap="Blues", fontsize=9, title=""):
        self.ax = ax
        self.max_shape = tuple(max_shape)
        rows, cols = self.max_shape
        self.cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
        # the cells: a tiny RGB image drawn without interpolation; in SVG it is embedded at its own
        # size (a few bytes) and scaled by the browser, crisp (one <image>, not one path per cell)
        self.cells = ax.imshow(np.ones(self.max_shape + (3,)), interpolation="none", zorder=0.5)
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        self.image = self.cells  # the name earlier code used
        self.texts = [[ax.text(j, i, "", ha="center", va="center", fontsize=fontsize)
                       for j in range(cols)] for i in range(rows)]
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
        self.title = ax.set_title(title, fontsize=fontsize)
        self.shape = self.max_shape
        self.values = None
        self.colours = None

    def show(self, values, title=None, vmin=None, vmax=None, fmt=format_cell, padding=0, fills=None,
             faded=None):
        """Show ``values`` (2-D); cells outside it are blank.

        Parameters
        ----------
        values : array_like, shape (h, w)
        title : str, optional
        vmin, vmax : float, optional
            The colour map's range (default: the finite values' range).
        fmt : callable, optional
            Text of one cell.
        padding : int, optional
            Rows/cols around the array left blank (the axes extent grows to
            include them), e.g. for hatched padding drawn underneath.
        fills : array_like of colours, shape (h, w) or (h, w, 3), optional
            Cell colours instead of the colour map (e.g. palette fills).
        faded : array_like of bool, shape (h, w), optional
            Cells whose numbers are drawn in :data:`~pooling_lib.palette.FADED_INK`
            (where that still has 4.5:1 on the cell).
        """
        values = np.asarray(values)
        h, w = values.shape
        rows, cols = self.max_shape
        if h > rows or w > cols:
            raise ValueError(f"values must fit in max_shape {self.max_shape}, got shape {values.shape}")
        rgb = np.ones(self.max_shape + (3,))
        if fills is None:
            finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values.ravel()
            lo = (finite.min() if finite.size else 0) if vmin is None else vmin
            hi = (finite.max() if finite.size else 1) if vmax is None else vmax
            hi = hi if hi > lo else lo + 1
            scaled = (np.asarray(values, dtype=float) - lo) / (hi - lo)
            cells = self.cmap(np.clip(np.nan_to_num(scaled, nan=0.0), 0, 1))[..., :3]
            if values.dtype.kind == "f":
                cells[np.isnan(values)] = 1.0  # NaN: a white cell with "nan" in it
            rgb[:h, :w] = cells
        else:
            fills = np.asarray(fills)
            rgb[:h, :w] = fills if fills.ndim == 3 else np.array([to_rgb(c) for c in fills.ravel()]).reshape(h, w, 3)
        self.cells.set_data(rgb)
        inks = _inks(rgb[:h, :w])
        faded = np.zeros((h, w), bool) if faded is None else np.asarray(faded, bool)
        for i in range(rows):
            for j in range(cols):
                text = self.texts[i][j]
                if i < h and j < w:
                    label = fmt(values[i, j])
                    text.set_text(label)
                    ink = inks[i, j]
                    if faded[i, j] and ink == INK and _FADED_OK(rgb[i, j]):
                        ink = FADED_INK
                    text.set_color(ink)
                    text.set_visible(bool(label))  # an empty label costs a draw for nothing
                else:
                    text.set_visible(False)
        p = padding
        self.ax.set_xlim(-0.5 - p, w - 0.5 + p)
        self.ax.set_ylim(h - 0.5 + p, -0.5 - p)
        if title is not None:
            self.title.set_text(title)
        self.shape = (h, w)
        self.values = values
        self.colours = rgb[:h, :w]


def _luminance(rgb):
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def _inks(rgb):
    """Black or white per cell, whichever contrasts more with the cell (the rule of palette.text_colour)."""
    lum = _luminance(rgb)
    black = (lum + 0.05) / 0.05
    white = 1.05 / (lum + 0.05)
    return np.where(black >= white, INK, "#ffffff")


def _FADED_OK(rgb):
    return contrast_ratio(FADED_INK, tuple(rgb)) >= 4.5
