"""Lesson 04: the backward pass of pooling, and PyTorch's MaxUnpool2d next to it.

:class:`UnpoolingExplorer` shows a small input grid, a gradient ``g`` on the
pooled grid, and where that gradient lands on the input: max pooling sends
each window's gradient to the window's winning cell, mean pooling divides it
by the window size and spreads it over the window. Where windows overlap
(stride < window) and share a winner, the backward pass *adds* their
contributions; the toggle "MaxUnpool2d (writes)" shows what PyTorch's
``MaxUnpool2d`` layer does with the same numbers instead: it *writes* each
value at its window's winner, so where windows share a winner only the last
one stays. Click a cell of ``g`` to see where its gradient lands, or an
input cell to see which windows send it gradient.

The maths lives in :mod:`pooling_lib.backprop` (``upstream_gradient``,
``input_gradient``, ``max_unpool_writes``) and the inputs in
:mod:`pooling_lib.examples` (``backward_input``); lessons import them from there.
"""

import functools

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from ..backprop import GRADIENTS, input_gradient, max_unpool_writes, upstream_gradient
from ..core import pool
from ..examples import BACKWARD_INPUTS
from ..examples import backward_input as example_input
from ..palette import FILLS, SELECTED_EDGE, WINNER_EDGE
from ..plotting import GridView, cell_borders, format_cell
from ..wording import count
from .base import Explorer

# example_input (= pooling_lib.examples.backward_input), INPUTS, GRADIENTS, input_gradient and
# upstream_gradient stay importable from here until the lessons import them from the library.
__all__ = ["SEND_BACK", "UnpoolingExplorer", "figures"]

#: The inputs a student can pick: key -> label.
INPUTS = BACKWARD_INPUTS

#: What to do with g: key -> label of the toggle.
SEND_BACK = {
    "adds": "gradient (adds)",
    "writes": "MaxUnpool2d (writes)",
}

F_MAX = 4
STRIDE_MAX = 4
_N_MAX = 7  # largest input side
_OUT_MAX = _N_MAX - 2 + 1  # largest pooled side (f=2, stride=1)

TEXT_PT = 13.0
NUMBER_PT = 13.0


def _box(top, left, size, inset):
    t, l = top - 0.5 + inset, left - 0.5 + inset
    b, r = top - 0.5 + size - inset, left - 0.5 + size - inset
    return [(l, t), (r, t), (r, b), (l, b), (l, t)]


def _short(v):
    """Cell text of at most 3 characters: 3, 36, 4.6, 0.1, 11 (the caption gives exact values)."""
    v = float(v)
    if not np.isfinite(v) or v.is_integer():
        return format_cell(v)
    return f"{v:.1f}" if abs(v) < 9.95 else f"{v:.0f}"


def _blank_zero(v):
    """Cell text of the result: nothing for 0, so the cells that received something stand out."""
    return "" if v == 0 else _short(v)


def _number(v):
    """A number for the caption: integers without decimals, else 4 significant digits."""
    v = float(v)
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.4g}"


@functools.lru_cache(maxsize=None)
def _input(name):
    """The input grid ``name`` (read-only, built once: the limit rules ask for it at every step)."""
    x = example_input(name)
    x.setflags(write=False)
    return x


@functools.lru_cache(maxsize=256)
def _shared_winners_of(name, f, stride):
    return _shared_winners(_input(name), f, stride)


def _shared_winners(x, f, stride):
    _, winners = pool(x, f, stride, return_indices=True)
    _, counts = np.unique(winners, return_counts=True)
    return int((counts > 1).sum())


def _limits():
    return {
        "f": lambda v: min(F_MAX, min(_input(v["input"]).shape)),
        # strides from n - f + 1 on all give one window: the slider stops there
        "stride": lambda v: max(1, min(STRIDE_MAX, min(_input(v["input"]).shape) - v["f"] + 1)),
    }


def _inactive():
    def send(v):
        if v["method"] == "mean":
            return "MaxUnpool2d undoes max pooling only: mean pooling has no winners to write to."
        x = _input(v["input"])
        f = min(v["f"], min(x.shape))
        if _shared_winners_of(v["input"], f, min(v["stride"], max(1, min(x.shape) - f + 1))) == 0:
            return ("no two windows share a winner here, so adding and writing give the same numbers "
                    "(try a stride below the window size).")
        return None

    def stride(v):
        n = min(_input(v["input"]).shape)
        if n - v["f"] + 1 <= 1:
            return f"a {v['f']}×{v['f']} window covers the whole {n}×{n} input: one window, whatever the stride."
        return None

    return {"send": send, "stride": stride}


class UnpoolingExplorer(Explorer):
    """Watch a gradient on the pooled grid flow back to the input grid (or MaxUnpool2d write it).

    Controls: the input grid, the upstream gradient, max or mean, what to do
    with ``g`` (the backward pass adds; ``MaxUnpool2d`` writes), the window
    size ``f`` and the stride, and "point at" (or a click on a cell).
    Panels: the input with the winning cells (max) marked; the upstream
    gradient ``g`` on the pooled grid; the result on the input grid (blank
    = 0). Window outlines appear only for the selection, so that the input
    stays readable.

    Parameters
    ----------
    **values
        Starting values of the controls (``input``, ``gradient``,
        ``method``, ``send``, ``f``, ``stride``, ``select``).

    Attributes
    ----------
    x, grad, dx : ndarray
        The input, the upstream gradient and the result shown.
    winners : ndarray or None
        Flat index of each window's maximum (max pooling only).

    Examples
    --------
    >>> ex = UnpoolingExplorer(input="centre", method="max", gradient="ones", f=2, stride=1)
    >>> ex.heat.values
    array([[0., 0., 0.],
           [0., 4., 0.],
           [0., 0., 0.]])
    >>> ex.set(send="writes")
    >>> ex.heat.values
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    >>> ex.select("output", 0, 1)
    >>> ex.landing
    [(1, 1)]
    """

    figsize = (7.6, 3.5)

    def __init__(self, **values):
        self.limits = _limits()
        self.inactive = _inactive()
        super().__init__(**values)

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "input": widgets.Dropdown(options=[(label, key) for key, label in INPUTS.items()],
                                      value="random7", description="input", style=style,
                                      layout=widgets.Layout(width="max-content")),
            "gradient": widgets.ToggleButtons(options=[(label, key) for key, label in GRADIENTS.items()],
                                              value="count", description="g on the pooled grid", style=style),
            "method": widgets.ToggleButtons(options=[("max", "max"), ("mean", "mean")], value="max",
                                            description="pooling", style=style),
            "send": widgets.ToggleButtons(options=[(label, key) for key, label in SEND_BACK.items()],
                                          value="adds", description="mode", style=style),
            "f": widgets.IntSlider(value=3, min=2, max=F_MAX, description="window f", style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=STRIDE_MAX, description="stride", style=style),
        }

    def selection_grids(self, values):
        x = _input(values["input"])
        f = min(values["f"], min(x.shape))
        stride = values["stride"]
        ho, wo = pool(x, f, stride).shape
        return {"output": (self.upstream.ax, (ho, wo)), "input": ((self.grid.ax, self.heat.ax), x.shape)}

    def draw(self, fig, **values):
        fig.subplots_adjust(left=0.01, right=0.99, top=0.86, bottom=0.12, wspace=0.10)
        ax_in, ax_g, ax_dx = fig.subplots(1, 3)
        self.grid = GridView(ax_in, (_N_MAX, _N_MAX), fontsize=NUMBER_PT)
        self.upstream = GridView(ax_g, (_OUT_MAX, _OUT_MAX), fontsize=NUMBER_PT)
        self.heat = GridView(ax_dx, (_N_MAX, _N_MAX), cmap="Reds", fontsize=NUMBER_PT)
        for view in (self.grid, self.upstream, self.heat):
            view.title.set_fontsize(TEXT_PT)
            cell_borders(view.ax, 0, _N_MAX)
        self.window_lines = LineCollection([], linewidths=3.5, colors=SELECTED_EDGE, zorder=4)
        ax_in.add_collection(self.window_lines)
        self.winner_lines = LineCollection([], linewidths=3.0, colors=WINNER_EDGE, zorder=5)
        ax_in.add_collection(self.winner_lines)
        self.g_lines = LineCollection([], linewidths=3.5, colors=SELECTED_EDGE, zorder=4)
        ax_g.add_collection(self.g_lines)
        self.dx_lines = LineCollection([], linewidths=3.5, colors=SELECTED_EDGE, zorder=4)
        ax_dx.add_collection(self.dx_lines)
        self.sums = fig.text(0.5, 0.02, "", ha="center", va="bottom", fontsize=TEXT_PT)

    def update(self, input, gradient, method, send, f, stride, select):
        x = _input(input)
        grad = upstream_gradient(gradient, x, f, stride, method)
        dx, winners = input_gradient(x, grad, f, stride, method)
        writes = send == "writes" and method == "max"
        result = max_unpool_writes(x, grad, f, stride) if writes else dx
        ho, wo = grad.shape
        h, w = x.shape
        self.x, self.grad, self.dx, self.winners, self.result = x, grad, dx, winners, result

        won = np.unique(winners) if method == "max" else np.array([], int)
        fills_x = np.full((h, w), FILLS["cell"], dtype=object)
        for k in won:
            fills_x[divmod(int(k), w)] = FILLS["winner"]
        faded_x = np.zeros((h, w), bool)
        faded_g = np.zeros((ho, wo), bool)
        faded_dx = np.zeros((h, w), bool)
        fills_g = np.full((ho, wo), FILLS["output"], dtype=object)
        windows, cells_dx, cells_g = [], [], []
        self.landing, self.senders = [], []
        if select and select[0] == "output":
            i, j = select[1:]
            windows.append(_box(i * stride, j * stride, f, 0.0))
            cells_g.append(_box(i, j, 1, 0.04))
            fills_g[i, j] = FILLS["selected"]
            faded_g[:] = True
            faded_g[i, j] = False
            if method == "max":
                self.landing = [divmod(int(winners[i, j]), w)]
            else:
                self.landing = [(r, c) for r in range(i * stride, i * stride + f)
                                for c in range(j * stride, j * stride + f)]
            faded_dx[:] = True
            for r, c in self.landing:
                cells_dx.append(_box(r, c, 1, 0.04))
                faded_dx[r, c] = False
        elif select and select[0] == "input":
            r, c = select[1:]
            covering = [(i, j) for i in range(ho) for j in range(wo)
                        if i * stride <= r < i * stride + f and j * stride <= c < j * stride + f]
            if method == "max":
                self.senders = [(i, j) for i, j in covering if int(winners[i, j]) == r * w + c]
            else:
                self.senders = covering
            for i, j in covering:
                windows.append(_box(i * stride, j * stride, f, 0.0))
            faded_g[:] = True
            for i, j in self.senders:
                fills_g[i, j] = FILLS["selected"]
                faded_g[i, j] = False
                cells_g.append(_box(i, j, 1, 0.04))
            cells_dx.append(_box(r, c, 1, 0.04))
            faded_dx[:] = True
            faded_dx[r, c] = False
        self.window_lines.set_segments(windows)
        self.g_lines.set_segments(cells_g)
        self.dx_lines.set_segments(cells_dx)
        self.winner_lines.set_segments([_box(*divmod(int(k), w), 1, 0.1) for k in won])

        title_x = f"input x {h}×{w}"
        self.grid.show(x, title=title_x, fills=fills_x, faded=faded_x)
        self.upstream.show(grad, title=f"g on the pooled {ho}×{wo}", fills=fills_g, faded=faded_g, fmt=_short)
        name = "MaxUnpool2d(g), writes" if writes else f"∂L/∂x ({method}), adds"
        self.heat.show(result, title=name, vmin=0, vmax=max(1.0, float(result.max())) * 1.25,
                       fmt=_blank_zero, faded=faded_dx)
        total_in, total_up = result.sum(), grad.sum()
        sign = "=" if np.isclose(total_in, total_up) else "≠"
        self.sums.set_text(f"sum of the result = {_number(total_in)} {sign} {_number(total_up)} = sum of g")
        self.caption.value = self._caption(method, writes, f, stride, x, grad, dx, result, winners, select)

    def _caption(self, method, writes, f, stride, x, grad, dx, result, winners, select):
        h, w = x.shape
        lines = []
        if select and select[0] == "output":
            i, j = select[1:]
            v = _number(grad[i, j])
            if method == "max":
                r, c = self.landing[0]
                lines.append(f"<b>g({i}, {j}) = {v}</b> goes to the winner of window ({i}, {j}), input cell "
                             f"({r}, {c}), which now holds {_number(result[r, c])}.")
            else:
                lines.append(f"<b>g({i}, {j}) = {v}</b> is divided by f·f = {f * f}: each of the window's "
                             f"{f * f} cells gets {v}/{f * f} = {_number(grad[i, j] / (f * f))}.")
        elif select and select[0] == "input":
            r, c = select[1:]
            if method == "max":
                terms = " + ".join(f"g({i}, {j}) = {_number(grad[i, j])}" for i, j in self.senders)
                if not self.senders:
                    lines.append(f"<b>Input cell ({r}, {c})</b> wins no window, so it gets 0.")
                elif writes and len(self.senders) > 1:
                    i, j = self.senders[-1]
                    lines.append(f"<b>Input cell ({r}, {c})</b> wins {count(len(self.senders), 'window')} "
                                 f"({terms}); MaxUnpool2d writes each in turn, so the last, "
                                 f"g({i}, {j}) = {_number(grad[i, j])}, stays.")
                else:
                    lines.append(f"<b>Input cell ({r}, {c})</b> wins {count(len(self.senders), 'window')}: "
                                 f"∂L/∂x({r}, {c}) = {terms}" + (f" = {_number(dx[r, c])}." if len(self.senders) > 1
                                                                 else "."))
            else:
                parts = " + ".join(f"{_number(grad[i, j])}/{f * f}" for i, j in self.senders)
                lines.append(f"<b>Input cell ({r}, {c})</b> is in {count(len(self.senders), 'window')}: "
                             f"∂L/∂x({r}, {c}) = {parts or '0'} = {_number(dx[r, c])}.")
        if method == "max":
            flat, counts = np.unique(winners, return_counts=True)
            shared = int((counts > 1).sum())
            if grad.size == 1:
                lines.append("<b>max</b>: the one window sends its whole gradient to its winning cell (the first "
                             "maximum, orange on x).")
            elif shared == 0:
                lines.append(f"<b>max</b>: each of the {grad.size} windows sends its whole gradient to its own "
                             "winning cell (the first maximum, orange on x); no two windows share a winner.")
            elif len(flat) == 1:
                lines.append(f"<b>max</b>: each window sends its whole gradient to its winning cell (the first "
                             f"maximum, orange on x); all {grad.size} windows share one winning cell.")
            else:
                lines.append(f"<b>max</b>: each window sends its whole gradient to its winning cell (the first "
                             f"maximum, orange on x); {len(flat)} cells win the {grad.size} windows, so "
                             f"{count(shared, 'cell wins', 'cells win')} several.")
            if shared and not select:
                told = []
                for cell in flat[counts > 1][np.argsort(-counts[counts > 1], kind="stable")][:3]:
                    r, c = divmod(int(cell), w)
                    got = " + ".join(_number(v) for v in grad[winners == cell])
                    verb = "receives" if not writes else "would receive (adding)"
                    told.append(f"cell ({r}, {c}) wins {int((winners == cell).sum())} windows and {verb} "
                                f"{got} = {_number(dx[r, c])}")
                more = f"; {count(shared - 3, 'more cell wins', 'more cells win')} several" if shared > 3 else ""
                lines.append("; ".join(told) + more + ".")
            if shared and writes:
                differ = int((~np.isclose(dx, result)).sum())
                lines.append(f"MaxUnpool2d <b>writes</b> instead of adding: where windows share a winner, the "
                             f"last one in row-major order stays, so {count(differ, 'cell differs', 'cells differ')} "
                             "from the gradient and the sums no longer agree. It is a layer that undoes "
                             "pooling's downsampling (SegNet decoders), not the backward pass.")
            elif shared:
                lines.append(f"Windows overlap (stride {stride} &lt; window {f}) and share winners: a shared "
                             "winner adds every gradient it receives.")
        else:
            lines.append(f"<b>mean</b>: each window divides its gradient by f·f = {f * f} and gives that share "
                         f"to each of its {f * f} cells" + (", overlapping windows adding their shares."
                                                             if stride < f else "."))
        covered = np.zeros((h, w), dtype=bool)
        for i in range(grad.shape[0]):
            for j in range(grad.shape[1]):
                covered[i * stride:i * stride + f, j * stride:j * stride + f] = True
        missed = int((~covered).sum())
        if missed:
            lines.append(f"{count(missed, 'cell lies', 'cells lie')} in no window and get 0.")
        if not select:
            lines.append("Click a cell of g to see where its gradient lands, or an input cell to see which "
                         "windows send it gradient (or use “point at”).")
        return "<br>".join(lines)


def figures():
    """Yield ``(name, figure)``: the explorer's opening picture and the overlap example.

    The post's Figures 2 and 3 come from :mod:`pooling_lib.explorers.positions`.
    """
    yield "04-unpooling-explorer", UnpoolingExplorer().fig
    yield "04-overlap-adds-up", UnpoolingExplorer(input="centre", gradient="ones", method="max",
                                                  f=2, stride=1).fig
