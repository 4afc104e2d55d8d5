"""Lesson 04: unpooling is the backward pass of pooling.

:class:`UnpoolingExplorer` shows a small input grid, a gradient on the
pooled grid, and where that gradient lands on the input: max pooling sends
each window's gradient to the window's winning cell (:func:`~pooling_lib.unpool_max`),
mean pooling divides it by the window size and spreads it over the window
(:func:`~pooling_lib.unpool_avg`). Where windows overlap (stride < window)
the contributions add up. The caption checks that no gradient is lost or
created: the input gradient sums to the same number as the upstream one.

The helpers :func:`example_input`, :func:`upstream_gradient` and
:func:`input_gradient` are what the explorer computes; lessons and tests can
call them directly.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from ..core import output_size, pool, unpool_avg, unpool_max
from .base import Explorer
from ..plotting import GridView, format_cell

__all__ = [
    "GRADIENTS",
    "INPUTS",
    "UnpoolingExplorer",
    "example_input",
    "figures",
    "input_gradient",
    "upstream_gradient",
]

#: The inputs a student can pick: key -> label.
INPUTS = {
    "random7": "7×7 seeded integers",
    "post": "6×6 from the blog post",
    "centre": "3×3, only the centre is non-zero",
}

#: The upstream gradients a student can pick: key -> label.
GRADIENTS = {
    "count": "1, 2, 3, …",
    "ones": "ones",
    "pooled": "the pooled values",
}

F_MAX = 4
STRIDE_MAX = 4
_N_MAX = 7  # largest input side
_OUT_MAX = _N_MAX - 2 + 1  # largest pooled side (f=2, stride=1)


def example_input(name):
    """One of the lesson's input grids.

    Parameters
    ----------
    name : {'random7', 'post', 'centre'}
        ``'random7'``: a 7x7 grid of integers 0..19 drawn with
        ``np.random.default_rng(0)``; ``'post'``: the blog post's 6x6 example
        (``np.random.seed(100)``, integers 0..19); ``'centre'``: a 3x3 grid of
        zeros with a 1 in the centre.

    Returns
    -------
    ndarray of int64, shape (7, 7), (6, 6) or (3, 3)

    Examples
    --------
    >>> example_input("post")[0]
    array([ 8,  3,  7, 15, 16, 10])
    >>> example_input("centre")
    array([[0, 0, 0],
           [0, 1, 0],
           [0, 0, 0]])
    """
    if name not in INPUTS:
        raise ValueError(f"name must be one of {sorted(INPUTS)}, got {name!r}")
    if name == "random7":
        return np.random.default_rng(0).integers(0, 20, (7, 7))
    if name == "post":
        return np.random.RandomState(100).randint(0, 20, (6, 6)).astype(np.int64)
    x = np.zeros((3, 3), dtype=np.int64)
    x[1, 1] = 1
    return x


def upstream_gradient(kind, x, f, stride, method="max"):
    """The gradient arriving at the pooled grid of ``pool(x, f, stride, method=method)``.

    Parameters
    ----------
    kind : {'ones', 'count', 'pooled'}
        ``'ones'``: all ones (the input gradient then counts how often each
        cell is used); ``'count'``: 1, 2, 3, ... in row-major order, so each
        number can be traced to its window; ``'pooled'``: the pooled values
        themselves (the blog post's pictures put these back).
    x : ndarray, shape (h, w)
        The pooled input.
    f, stride : int
        Window size and stride.
    method : {'max', 'mean'}, optional
        The pooling method (only used by ``'pooled'``).

    Returns
    -------
    ndarray of float64, shape of the pooled grid

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> upstream_gradient("count", x, 2, 2)
    array([[1., 2.],
           [3., 4.]])
    >>> upstream_gradient("pooled", x, 2, 2)
    array([[ 5.,  7.],
           [13., 15.]])
    """
    if kind not in GRADIENTS:
        raise ValueError(f"kind must be one of {sorted(GRADIENTS)}, got {kind!r}")
    if kind == "pooled":
        return pool(x, f, stride, method=method).astype(np.float64)
    shape = (output_size(x.shape[0], f, stride), output_size(x.shape[1], f, stride))
    if kind == "ones":
        return np.ones(shape)
    return np.arange(1, shape[0] * shape[1] + 1, dtype=np.float64).reshape(shape)


def input_gradient(x, grad, f, stride, method="max"):
    """Send ``grad`` (on the pooled grid) back to the input grid.

    Parameters
    ----------
    x : ndarray, shape (h, w)
        The pooled input.
    grad : ndarray, shape of the pooled grid
        Upstream gradient.
    f, stride : int
        Window size and stride.
    method : {'max', 'mean'}, optional
        ``'max'`` uses :func:`~pooling_lib.unpool_max` with the indices of
        the maxima; ``'mean'`` uses :func:`~pooling_lib.unpool_avg`.

    Returns
    -------
    dx : ndarray of float64, shape (h, w)
        The gradient of ``sum(grad * pool(x))`` with respect to ``x``.
    winners : ndarray of int64, shape of the pooled grid, or None
        Max only: the flat index ``row * w + col`` of each window's maximum.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> dx, winners = input_gradient(x, np.ones((2, 2)), 3, 1)
    >>> winners
    array([[10, 11],
           [14, 15]])
    >>> input_gradient(x, np.ones((1, 1)), 4, 1, method="mean")[0][0]
    array([0.0625, 0.0625, 0.0625, 0.0625])
    """
    if method == "max":
        _, winners = pool(x, f, stride, return_indices=True)
        return unpool_max(grad, winners, x.shape), winners
    if method == "mean":
        return unpool_avg(grad, x.shape, f, stride), None
    raise ValueError(f"method must be 'max' or 'mean', got {method!r}")


def _window_outline(i, j, f, stride, inset):
    """Closed polyline around window (i, j), drawn ``inset`` cells inside its border."""
    top, left = i * stride - 0.5 + inset, j * stride - 0.5 + inset
    bottom, right = top + f - 2 * inset, left + f - 2 * inset
    return [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]


def _cell_outline(i, j, inset=0.08):
    return _window_outline(i, j, 1, 1, inset)


def _short(v):
    """Cell text with at most 4 characters: 3, 0.25, 4.56, 11.2."""
    v = float(v)
    if v.is_integer() or not np.isfinite(v):
        return format_cell(v)
    return f"{v:.2f}".rstrip("0") if abs(v) < 10 else f"{v:.1f}"


def _blank_zero(v):
    """Cell text of the heat map: nothing for 0, so the cells that received gradient stand out."""
    return "" if v == 0 else _short(v)


def _count(n, one, many):
    return f"{n} {one if n == 1 else many}"


def _number(v):
    """A sum for the caption: integers without decimals, else 4 significant digits."""
    v = float(v)
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.4g}"


_COLOURS = np.array([
    (0.12, 0.47, 0.71), (1.00, 0.50, 0.05), (0.17, 0.63, 0.17), (0.84, 0.15, 0.16),
    (0.58, 0.40, 0.74), (0.55, 0.34, 0.29), (0.89, 0.47, 0.76), (0.50, 0.50, 0.50),
    (0.74, 0.74, 0.13), (0.09, 0.75, 0.81),
])


class UnpoolingExplorer(Explorer):
    """Watch a gradient on the pooled grid flow back to the input grid.

    Controls: the input grid, the upstream gradient, max or mean, the window
    size ``f`` and the stride. Panels: the input with every window outlined
    (each window has the colour of its cell on the pooled grid) and, for max,
    the winning cells ringed; the upstream gradient on the pooled grid; the
    input gradient as a heat map with its numbers. The caption and the line
    under the picture compare the two sums (they are always equal).

    Parameters
    ----------
    **values
        Starting values of the controls (``input``, ``gradient``,
        ``method``, ``f``, ``stride``).

    Examples
    --------
    >>> ex = UnpoolingExplorer(input="centre", method="max", gradient="ones", f=2, stride=1)
    >>> ex.heat.values
    array([[0., 0., 0.],
           [0., 4., 0.],
           [0., 0., 0.]])
    """

    figsize = (7.8, 3.3)
    dpi = 80

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "input": widgets.Dropdown(options=[(label, key) for key, label in INPUTS.items()],
                                      value="random7", description="input", style=style),
            "gradient": widgets.ToggleButtons(options=[(label, key) for key, label in GRADIENTS.items()],
                                              value="count", description="gradient on the pooled grid",
                                              style={**style, "button_width": "10em"}),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pooling", style={**style, "button_width": "5.5em"}),
            "f": widgets.IntSlider(value=3, min=2, max=F_MAX, description="window f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=STRIDE_MAX, description="stride",
                                        continuous_update=True, style=style),
        }

    def draw(self, fig, **values):
        fig.subplots_adjust(left=0.01, right=0.99, top=0.86, bottom=0.1, wspace=0.12)
        ax_in, ax_g, ax_dx = fig.subplots(1, 3)
        self.grid = GridView(ax_in, (_N_MAX, _N_MAX), cmap="Blues", fontsize=8)
        self.upstream = GridView(ax_g, (_OUT_MAX, _OUT_MAX), cmap="Greens", fontsize=8)
        self.heat = GridView(ax_dx, (_N_MAX, _N_MAX), cmap="Reds", fontsize=8)
        for view in (self.grid, self.upstream, self.heat):
            view.title.set_fontsize(8.5)
        self.window_lines = LineCollection([], linewidths=1.6, alpha=0.9)
        ax_in.add_collection(self.window_lines)
        self.cell_lines = LineCollection([], linewidths=2.0)
        ax_g.add_collection(self.cell_lines)
        self.rings = ax_in.scatter([], [], s=260, facecolors="none", edgecolors="black",
                                   linewidths=2.2, zorder=3)
        self.sums = fig.text(0.5, 0.025, "", ha="center", va="bottom", fontsize=9)

    def update(self, input, gradient, method, f, stride):
        x = example_input(input)
        n = min(x.shape)
        f_control = self.controls["f"]
        if f_control.max != min(F_MAX, n):
            if min(F_MAX, n) < f_control.min:  # pragma: no cover - every input is at least 2x2
                raise ValueError(f"input {input!r} is smaller than the smallest window")
            f_control.max = min(F_MAX, n)  # lowers f with it when needed
        f = f_control.value

        grad = upstream_gradient(gradient, x, f, stride, method)
        dx, winners = input_gradient(x, grad, f, stride, method)
        ho, wo = grad.shape
        h, w = x.shape
        self.x, self.grad, self.dx, self.winners = x, grad, dx, winners

        # panel 1: the input, every window outlined in the colour of its pooled cell
        self.grid.show(x, title=f"input x ({h}×{w})", vmin=0, vmax=max(1, x.max()) * 1.6)
        segments, cells, colours = [], [], []
        for i in range(ho):
            for j in range(wo):
                inset = 0.06 + 0.08 * ((i + j) % 2)
                segments.append(_window_outline(i, j, f, stride, inset))
                cells.append(_cell_outline(i, j))
                colours.append(_COLOURS[(i * wo + j) % len(_COLOURS)])
        self.window_lines.set_segments(segments)
        self.window_lines.set_color(colours)
        self.cell_lines.set_segments(cells)
        self.cell_lines.set_color(colours)
        if method == "max":
            cells_won = np.unique(winners)
            self.rings.set_offsets(np.column_stack([cells_won % w, cells_won // w]))
            self.rings.set_visible(True)
            self.grid.title.set_text(f"input x ({h}×{w}), winners ringed")
        else:
            self.rings.set_offsets(np.empty((0, 2)))
            self.rings.set_visible(False)

        # panel 2: the upstream gradient; panel 3: where it lands
        self.upstream.show(grad, title=f"upstream gradient g: {GRADIENTS[gradient]} ({ho}×{wo})", vmin=0,
                           vmax=max(1.0, grad.max()) * 1.6, fmt=_short)
        self.heat.show(dx, title=f"input gradient ∂L/∂x ({method}; blank = 0)", vmin=0,
                       vmax=max(1.0, dx.max()), fmt=_blank_zero)

        total_in, total_up = dx.sum(), grad.sum()
        same = bool(np.isclose(total_in, total_up))
        sign = "=" if same else "≠"
        self.sums.set_text(f"sum of input gradient = {_number(total_in)} {sign} "
                           f"{_number(total_up)} = sum of upstream gradient")
        self.caption.value = self._caption(method, f, stride, x, grad, dx, winners, total_in, total_up, same)

    @staticmethod
    def _caption(method, f, stride, x, grad, dx, winners, total_in, total_up, same):
        h, w = x.shape
        lines = []
        if method == "max":
            flat, counts = np.unique(winners, return_counts=True)
            lines.append(f"<b>max</b>: each window sends its whole gradient to its winning cell "
                         f"(the first maximum). {_count(len(flat), 'cell wins', 'cells win')} "
                         f"the {_count(grad.size, 'window', 'windows')}.")
            shared = flat[counts > 1][np.argsort(-counts[counts > 1], kind="stable")]
            if shared.size:
                told = []
                for cell in shared[:3]:
                    r, c = divmod(int(cell), w)
                    got = " + ".join(_number(v) for v in grad[winners == cell])
                    told.append(f"cell ({r}, {c}) wins {int((winners == cell).sum())} windows and "
                                f"receives {got} = {_number(dx[r, c])}")
                more = f"; {shared.size - 3} more cells win several" if shared.size > 3 else ""
                lines.append(f"Windows overlap (stride {stride} &lt; window {f}) and share winners: "
                             + "; ".join(told) + more + ".")
        else:
            lines.append(f"<b>mean</b>: each window divides its gradient by f·f = {f * f} and gives "
                         f"that share to each of its {f * f} cells.")
            if stride < f:
                r, c = np.unravel_index(np.argmax(dx), dx.shape)
                lines.append(f"Overlapping windows (stride {stride} &lt; window {f}) add their "
                             f"shares: cell ({r}, {c}) gets {_number(dx[r, c])}.")
        covered = np.zeros((h, w), dtype=bool)
        for i in range(grad.shape[0]):
            for j in range(grad.shape[1]):
                covered[i * stride:i * stride + f, j * stride:j * stride + f] = True
        missed = int((~covered).sum())
        if missed:
            lines.append(f"{missed} cells lie in no window and get 0.")
        check = "✓" if same else "✗"
        lines.append(f"Conservation check: sum of input gradient = {_number(total_in)}, "
                     f"sum of upstream gradient = {_number(total_up)} {check}")
        return "<br>".join(lines)


def figures():
    """Yield ``(name, figure)``: the explorer's opening picture and the overlap example.

    The post's Figures 2 and 3 come from :mod:`pooling_lib.explorers.positions`.
    """
    yield "04-unpooling-explorer", UnpoolingExplorer().fig
    yield "04-overlap-adds-up", UnpoolingExplorer(input="centre", gradient="ones", method="max",
                                                  f=2, stride=1).fig
