"""Drawing blocks shared by the explorers and the figure script.

:class:`GridView` draws a small 2-D array as coloured cells with their
numbers and can redraw itself for new values without creating artists, which
keeps a slider step fast. :func:`save_fig` is the one way figures are saved,
into :data:`FIGURES_DIR`.
"""

from pathlib import Path

import numpy as np
from matplotlib.patches import Rectangle

__all__ = ["FIGURES_DIR", "GridView", "format_cell", "save_fig", "window_rectangle"]

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
        Colour map.
    fontsize : float, optional
        Size of the numbers.

    Notes
    -----
    All ``max_shape`` text artists are created once; :meth:`show` changes
    their strings and hides unused ones, so redrawing costs no allocation
    of artists.
    """

    def __init__(self, ax, max_shape, cmap="Blues", fontsize=9, title=""):
        self.ax = ax
        self.max_shape = tuple(max_shape)
        rows, cols = self.max_shape
        self.image = ax.imshow(np.zeros(self.max_shape), cmap=cmap, vmin=0, vmax=1,
                               interpolation="nearest")
        self.texts = [[ax.text(j, i, "", ha="center", va="center", fontsize=fontsize)
                       for j in range(cols)] for i in range(rows)]
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
        self.title = ax.set_title(title, fontsize=fontsize + 1)
        self.shape = self.max_shape
        self.values = None

    def show(self, values, title=None, vmin=None, vmax=None, fmt=format_cell, padding=0):
        """Show ``values`` (2-D); cells outside it are blank.

        ``padding`` rows/cols around the array are drawn as hatched empty
        cells (the axes extent grows to include them).
        """
        values = np.asarray(values)
        h, w = values.shape
        rows, cols = self.max_shape
        if h > rows or w > cols:
            raise ValueError(f"values must fit in max_shape {self.max_shape}, got shape {values.shape}")
        finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
        lo = (finite.min() if finite.size else 0) if vmin is None else vmin
        hi = (finite.max() if finite.size else 1) if vmax is None else vmax
        canvas = np.full(self.max_shape, np.nan)
        canvas[:h, :w] = values
        self.image.set_data(np.ma.masked_invalid(canvas))
        self.image.set_clim(lo, hi if hi > lo else lo + 1)
        mid = (lo + hi) / 2
        for i in range(rows):
            for j in range(cols):
                text = self.texts[i][j]
                if i < h and j < w:
                    v = values[i, j]
                    text.set_text(fmt(v))
                    dark = np.isfinite(v) and v > mid and self.image.get_cmap().name in ("Blues", "Reds", "Greens", "viridis", "magma")
                    text.set_color("white" if dark else "black")
                    text.set_visible(True)
                else:
                    text.set_visible(False)
        p = padding
        self.ax.set_xlim(-0.5 - p, w - 0.5 + p)
        self.ax.set_ylim(h - 0.5 + p, -0.5 - p)
        if title is not None:
            self.title.set_text(title)
        self.shape = (h, w)
        self.values = values
