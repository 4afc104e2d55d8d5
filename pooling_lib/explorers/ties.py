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
from .base import Explorer
from ..ties import TIE_POLICIES, tie_counts, tied_maxima, unpool_max_ties
from ..plotting import GridView
from .windows import post_example

__all__ = ["INPUTS", "TiePolicyExplorer", "example_input", "figures"]

#: Input name -> label shown in the dropdown.
INPUTS = {
    "few": "a few tied windows (hand-made)",
    "blocks": "2x2 blocks of equal values",
    "plateau": "a plateau: all zeros",
    "small": "random integers 0-2 (seed 6)",
    "post": "the post's 6x6 example",
    "distinct": "no ties: 0-35 shuffled (seed 0)",
}

_SIDE = 6

_FEW = np.array([[1, 5, 2, 0, 3, 3],
                 [5, 2, 1, 4, 0, 1],
                 [0, 1, 7, 2, 2, 6],
                 [3, 2, 0, 1, 2, 0],
                 [4, 4, 1, 3, 8, 2],
                 [4, 0, 2, 9, 1, 2]])


def example_input(name):
    """One of the explorer's 6x6 inputs.

    Parameters
    ----------
    name : str
        A key of :data:`INPUTS`.

    Returns
    -------
    ndarray of int, shape (6, 6)

    Examples
    --------
    >>> example_input("few")[:2]
    array([[1, 5, 2, 0, 3, 3],
           [5, 2, 1, 4, 0, 1]])
    >>> example_input("blocks")
    array([[1, 1, 3, 3, 2, 2],
           [1, 1, 3, 3, 2, 2],
           [4, 4, 4, 4, 1, 1],
           [4, 4, 4, 4, 1, 1],
           [2, 2, 5, 5, 5, 5],
           [2, 2, 5, 5, 5, 5]])
    >>> int(np.unique(example_input("distinct")).size)
    36
    """
    if name not in INPUTS:
        raise ValueError(f"name must be one of {sorted(INPUTS)}, got {name!r}")
    if name == "few":
        return _FEW.copy()
    if name == "blocks":
        return np.kron([[1, 3, 2], [4, 4, 1], [2, 5, 5]], np.ones((2, 2), dtype=int))
    if name == "plateau":
        return np.zeros((_SIDE, _SIDE), dtype=int)
    if name == "small":
        return np.random.default_rng(6).integers(0, 3, size=(_SIDE, _SIDE))
    if name == "post":
        return post_example()
    return np.random.default_rng(0).permutation(_SIDE * _SIDE).reshape(_SIDE, _SIDE)


class TiePolicyExplorer(Explorer):
    """Pick an input with ties, a window and a stride, and a tie policy; watch the gradient mass.

    Parameters
    ----------
    **values
        Starting values of the controls: ``input`` (a key of
        :data:`INPUTS`), ``f`` (window), ``stride``, ``policy`` (``'first'``,
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
    'sum of input gradient = 13, sum of output gradient = 9: NOT conserved'
    """

    figsize = (7.6, 3.3)
    dpi = 80

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "input": widgets.Dropdown(options=[(label, key) for key, label in INPUTS.items()],
                                      value="few", description="input", style=style),
            "f": widgets.IntSlider(value=2, min=1, max=4, description="window f",
                                   continuous_update=True, style=style),
            "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride s",
                                        continuous_update=True, style=style),
            "policy": widgets.ToggleButtons(options=[(p, p) for p in TIE_POLICIES], value="first",
                                            description="tie policy", style=style),
        }

    def draw(self, fig, **values):
        boxes = ([0.01, 0.14, 0.30, 0.68], [0.35, 0.14, 0.30, 0.68], [0.69, 0.14, 0.30, 0.68])
        side = (_SIDE, _SIDE)
        self.grids = (GridView(fig.add_axes(boxes[0]), side, cmap="Greys", fontsize=9),
                      GridView(fig.add_axes(boxes[1]), side, cmap="Purples", fontsize=9),
                      GridView(fig.add_axes(boxes[2]), side, cmap="Blues", fontsize=9))
        # the tied maxima of the input: a ring around each
        self.rings = self.grids[0].ax.scatter([], [], s=200, facecolors="none", edgecolors="#d62728",
                                              linewidths=1.6)
        self.check = fig.text(0.5, 0.04, "", ha="center", va="center", fontsize=11, fontweight="bold")
        self.title = fig.text(0.5, 0.96, "", ha="center", va="center", fontsize=10)

    def update(self, input, f, stride, policy):
        self.x = example_input(input)
        out = pool(self.x, f, stride)
        grad = np.ones(out.shape)
        counts = tie_counts(self.x, f, stride)
        self.sums = {p: float(unpool_max_ties(grad, self.x, f, stride, policy=p).sum()) for p in TIE_POLICIES}
        self.grad_in = unpool_max_ties(grad, self.x, f, stride, policy=policy)

        self.tied = tied = tied_maxima(self.x, f, stride)
        self.rings.set_offsets(np.column_stack(np.nonzero(tied)[::-1]) if tied.any() else np.empty((0, 2)))

        top = max(int(self.x.max()), 1)
        self.grids[0].show(self.x, vmin=0, vmax=2.5 * top, title="input x (○: a tied maximum)")
        self.grids[1].show(counts, vmin=0, vmax=max(2 * int(counts.max()), 2),
                           title=f"maxima in each of {out.size} windows")
        self.grids[2].show(self.grad_in, vmin=0, vmax=max(2.0, float(self.grad_in.max())),
                           title=f"input gradient, '{policy}'")
        total_out = float(grad.sum())
        total_in = self.sums[policy]
        ok = np.isclose(total_in, total_out)
        self.check.set_text(f"sum of input gradient = {total_in:g}, sum of output gradient = {total_out:g}: "
                            f"{'conserved' if ok else 'NOT conserved'}")
        self.check.set_color("#1a7f37" if ok else "#d62728")
        self.title.set_text(f"window {f}×{f}, stride {stride}: every window sends a gradient of 1 back "
                            f"to its maximum")
        rows = "".join(
            f"<tr><td>{'<b>' if p == policy else ''}{p}{'</b>' if p == policy else ''}</td>"
            f"<td style='text-align:right'>{self.sums[p]:g}</td>"
            f"<td>{'conserved' if np.isclose(self.sums[p], total_out) else '<b>NOT conserved</b>'}</td></tr>"
            for p in TIE_POLICIES)
        ties = int((counts > 1).sum())
        self.caption.value = (
            f"{ties} of {counts.size} windows have a tied maximum. The output gradient is all ones, "
            f"so its sum is {total_out:g}.<table><tr><th>policy</th><th>sum of input gradient</th>"
            f"<th></th></tr>{rows}</table>")


def figures():
    """The lesson-06 explorer with the 'split' policy, window 2, stride 1.

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
