"""Lesson 07's explorer: where max pooling's gradient goes when a window's maximum is tied.

:class:`TiePolicyExplorer` pools a 6x6 input that has ties, sends a gradient
of ones back through the pooling, and shows the input gradient under the
chosen tie policy (:func:`pooling_lib.ties.unpool_max_ties`: first,
last, all, split), with a live check that the gradient mass is conserved:
the sum of the input gradient against the sum of the output gradient.
"""

import ipywidgets as widgets
import numpy as np

from ..core import pool
from ..examples import TIE_INPUTS, tie_input
from ..palette import WINDOW_OUTLINES, WINNER_EDGE
from ..plotting import GridView
from ..ties import TIE_POLICIES, tie_counts, tied_maxima, unpool_max_ties
from .base import NARROW_WIDTH_PX, Explorer

__all__ = ["TiePolicyExplorer", "figures"]

_SIDE = 6
FIGSIZE = (6.4, 3.1)
#: Font size (pt) of every text: 11 CSS px when the picture is shown 468 px wide (a 900-px window).
FONT = 11 * 72 * FIGSIZE[0] / NARROW_WIDTH_PX
#: Colours of the conservation check (text on white, >= 4.5:1): the palette's blue and its winner red.
CONSERVED, NOT_CONSERVED = WINDOW_OUTLINES[0], WINNER_EDGE
#: Padding of the caption table's cells (headers and columns stay apart).
_CELL = "padding:0.1em 0.8em 0.1em 0;text-align:left"


def _share(v):
    """A gradient share in at most 3 glyphs: 1, 1.5, .33, .25; blank for 0 (fewer texts to draw)."""
    if v == 0:
        return ""
    if v == int(v):
        return f"{v:.0f}"
    return f"{v:.2f}".rstrip("0").replace("0.", ".", 1) if abs(v) < 1 else f"{v:.1f}"


class TiePolicyExplorer(Explorer):
    """Pick an input with ties, a window and a stride, and a tie policy; watch the gradient mass.

    Parameters
    ----------
    **values
        Starting values of the controls: ``input`` (a key of
        :data:`TIE_INPUTS`), ``f`` (window), ``stride``, ``policy`` (``'first'``,
        ``'last'``, ``'all'`` or ``'split'``).

    Attributes
    ----------
    x : ndarray
        The input shown.
    grad_in : ndarray
        The input gradient shown (a gradient of ones arrives at the output).
    sums : dict of str to float
        Sum of the input gradient under every policy.
    grids : (GridView, GridView, GridView)
        The input, the number of maxima per window, the input gradient.
    check : matplotlib.text.Text
        The live conservation check.

    Examples
    --------
    >>> ex = TiePolicyExplorer()
    >>> ex.sums
    {'first': 9.0, 'last': 9.0, 'all': 13.0, 'split': 9.0}
    >>> ex.set(policy="all")
    >>> ex.check.get_text()
    'input gradient sums to 13, output gradient to 9: NOT conserved'
    """

    figsize = FIGSIZE
    #: with no tied window every policy gives the same gradient
    inactive = {"policy": lambda v: None if (tie_counts(tie_input(v["input"]), v["f"], v["stride"]) > 1).any()
                else "no window has a tied maximum here, so every policy sends the gradient to the same cell"}

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "input": widgets.Dropdown(options=[(label, key) for key, label in TIE_INPUTS.items()],
                                      value="few", description="input", style=style),
            "f": widgets.IntSlider(value=2, min=1, max=4, description="window f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride s",
                                        continuous_update=True, style=style),
            "policy": widgets.ToggleButtons(options=[(p, p) for p in TIE_POLICIES], value="first",
                                            description="tie policy", style=style),
        }

    def draw(self, fig, **values):
        boxes = ([0.005, 0.13, 0.32, 0.70], [0.34, 0.13, 0.32, 0.70], [0.675, 0.13, 0.32, 0.70])
        side = (_SIDE, _SIDE)
        self.grids = (GridView(fig.add_axes(boxes[0]), side, cmap="Greys", fontsize=FONT),
                      GridView(fig.add_axes(boxes[1]), side, cmap="Purples", fontsize=FONT),
                      GridView(fig.add_axes(boxes[2]), side, cmap="Blues", fontsize=FONT))
        for grid in self.grids:
            grid.title.set_fontsize(FONT)
        # the tied maxima of the input: a ring around each
        ax = self.grids[0].ax
        cell_pt = boxes[0][2] * fig.get_figwidth() * 72 / _SIDE
        self.rings = ax.scatter([], [], s=(0.8 * cell_pt) ** 2, facecolors="none", edgecolors=WINNER_EDGE,
                                linewidths=2.2)
        self.check = fig.text(0.5, 0.05, "", ha="center", va="center", fontsize=FONT, fontweight="bold")
        self.title = fig.text(0.5, 0.955, "", ha="center", va="center", fontsize=FONT)

    def update(self, input, f, stride, policy):
        self.x = tie_input(input)
        out = pool(self.x, f, stride)
        grad = np.ones(out.shape)
        counts = tie_counts(self.x, f, stride)
        self.sums = {p: float(unpool_max_ties(grad, self.x, f, stride, policy=p).sum()) for p in TIE_POLICIES}
        self.grad_in = unpool_max_ties(grad, self.x, f, stride, policy=policy)

        self.tied = tied = tied_maxima(self.x, f, stride)
        self.rings.set_offsets(np.column_stack(np.nonzero(tied)[::-1]) if tied.any() else np.empty((0, 2)))

        top = max(int(self.x.max()), 1)
        ho, wo = out.shape
        self.grids[0].show(self.x, vmin=0, vmax=2.5 * top, title="input x, ○ tied max")
        self.grids[1].show(counts, vmin=0, vmax=max(2 * int(counts.max()), 2),
                           title=f"maxima per window ({ho}×{wo})")
        self.grids[2].show(self.grad_in, vmin=0, vmax=max(2.0, float(self.grad_in.max())),
                           title=f"input gradient, '{policy}'", fmt=_share)  # blank: 0
        total_out = float(grad.sum())
        total_in = self.sums[policy]
        ok = np.isclose(total_in, total_out)
        self.check.set_text(f"input gradient sums to {total_in:g}, output gradient to {total_out:g}: "
                            f"{'conserved' if ok else 'NOT conserved'}")
        self.check.set_color(CONSERVED if ok else NOT_CONSERVED)
        self.title.set_text(f"window {f}×{f}, stride {stride}: each window sends 1 back to its maximum")
        rows = "".join(
            f"<tr><td style='{_CELL}'>{'<b>' if p == policy else ''}{p}{'</b>' if p == policy else ''}</td>"
            f"<td style='{_CELL};text-align:right'>{self.sums[p]:g}</td>"
            f"<td style='{_CELL}'>{'conserved' if np.isclose(self.sums[p], total_out) else '<b>NOT conserved</b>'}"
            f"</td></tr>"
            for p in TIE_POLICIES)
        ties = int((counts > 1).sum())
        self.caption.value = (
            f"Windows with a tied maximum: {ties} of {counts.size}. The output gradient is all ones, "
            f"so its sum is {total_out:g}. Blank cells of the input gradient receive nothing."
            f"<table style='border-collapse:collapse'><tr><th style='{_CELL}'>policy</th>"
            f"<th style='{_CELL}'>sum of the input gradient</th><th style='{_CELL}'>mass</th></tr>"
            f"{rows}</table>")


def figures():
    """The lesson-07 explorer with the 'split' policy, window 2, stride 1.

    Yields
    ------
    name : str
        ``"07-tie-policy-explorer"``.
    fig : matplotlib.figure.Figure
        The picture.

    Examples
    --------
    >>> [name for name, fig in figures()]
    ['07-tie-policy-explorer']
    """
    explorer = TiePolicyExplorer(policy="split", stride=1)
    yield "07-tie-policy-explorer", explorer.fig
