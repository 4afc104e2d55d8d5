"""Lesson 01's receptive-field explorer: which input cells does one output cell see?

A stack of convolution and pooling layers drawn as a tower along one axis
(the other axis behaves the same): the input at the bottom, each layer's
cells above it, centred over the input cells they summarise and as wide as
the layer's jump. Click a cell of the top row (or pick it in "point at"):
the cells it depends on light up in every layer, and the caption works the
formula ``r_out = r_in + (k - 1) * j_in``, ``j_out = j_in * s`` through the
stack. The maths is :mod:`pooling_lib.lessons.why_pool`; this module only draws.
"""

import ipywidgets as widgets
from matplotlib.patches import Rectangle

from ..lessons.why_pool import STACKS, input_region, layer_sizes, receptive_fields
from ..palette import FILLS, GRID_LINE, SELECTED_EDGE
from .base import NOTHING, Explorer

__all__ = ["INPUT_CELLS", "ReceptiveFieldExplorer", "figures"]

#: Input cells along the axis.
INPUT_CELLS = 32
_MAX_LAYERS = max(len(stack) for stack in STACKS.values())
_SEEN = "#0077BB"  # Tol blue (the palette's first window outline): cells the selected output depends on
_PICKED = FILLS["selected"]  # the selected output cell
_OTHER = FILLS["dropped"]  # cells it does not see
_TEXT = 14  # points: 20.6 CSS px at 1280 px wide, 11.4 at 900 px (figure 8 in wide)
_LEFT, _RIGHT = 0.2, 0.8  # the tower's share of the figure width; labels left, r and j right


def _centres(layers):
    """Centre of cell 0 and jump of every row (input first), in input cells."""
    centre, jump, rows = 0.0, 1, [(0.0, 1)]
    for _, k, s in layers:
        centre += (k - 1) / 2 * jump
        jump *= s
        rows.append((centre, jump))
    return rows


class ReceptiveFieldExplorer(Explorer):
    """Pick a stack of layers and an output cell; see the input region it sees, with the formula.

    Examples
    --------
    >>> e = ReceptiveFieldExplorer(stack="(conv 3, pool 2) × 2")
    >>> e.region            # output cell 1 is selected at the start
    (4, 13)
    >>> e.click(*e.cell_centre("output", 0, 0))
    >>> e.region
    (0, 9)
    """

    figsize = (8.0, 4.6)

    def __init__(self, **values):
        super().__init__(**values)
        if not self.selection:
            self.select("output", 0, 1)

    def make_controls(self):
        return {
            "stack": widgets.Dropdown(options=list(STACKS), value="(conv 3, pool 2) × 2", description="layers",
                                      style={"description_width": "initial"},
                                      layout=widgets.Layout(width="max-content")),
        }

    def selection_grids(self, values):
        layers = STACKS[values["stack"]]
        self._place_overlay(layers)
        return {"output": (self.overlay, (1, layer_sizes(INPUT_CELLS, layers)[-1]))}

    def _place_overlay(self, layers):
        """Put the invisible click grid over the top row: its cell c is centred on x = c."""
        c0, j = _centres(layers)[-1]
        top = len(layers)
        self.ax.set_ylim(-0.7, top + 0.7)
        lo, hi = self.ax.get_xlim()
        self.overlay.set_xlim((lo - c0) / j, (hi - c0) / j)
        y_lo, y_hi = self.ax.get_ylim()
        # the overlay spans the main axes; rows: y = 0 at the top row
        self.overlay.set_ylim(y_lo - top, y_hi - top)

    def draw(self, fig, **values):
        box = (_LEFT, 0.03, _RIGHT - _LEFT, 0.94)
        self.ax = ax = fig.add_axes(box)
        ax.set_xlim(-0.6, INPUT_CELLS - 0.4)
        ax.set_ylim(-0.7, _MAX_LAYERS + 0.6)
        ax.axis("off")
        self.overlay = fig.add_axes(box, label="click grid")
        self.overlay.axis("off")
        self.cells = []  # one list of rectangles per row (input + layers), created once
        self.labels, self.fields = [], []
        for row in range(_MAX_LAYERS + 1):
            rects = []
            for _ in range(INPUT_CELLS):
                rect = Rectangle((0, row - 0.35), 0.9, 0.7, facecolor=_OTHER, edgecolor=GRID_LINE, linewidth=0.8)
                ax.add_patch(rect)
                rects.append(rect)
            self.cells.append(rects)
            self.labels.append(fig.text(_LEFT - 0.005, 0, "", ha="right", va="center", fontsize=_TEXT))
            self.fields.append(fig.text(_RIGHT + 0.005, 0, "", ha="left", va="center", fontsize=_TEXT))

    def update(self, stack, select=NOTHING):
        self.layers = layers = STACKS[stack]
        self.sizes = sizes = layer_sizes(INPUT_CELLS, layers)
        self._place_overlay(layers)
        cell = select[2] if select else None
        fields = receptive_fields(layers)
        regions = input_region(layers, cell) if cell is not None else None
        self.region = regions[0] if regions else None
        rows = _centres(layers)
        top = len(layers)
        height = self.fig.bbox.height
        for row, rects in enumerate(self.cells):
            visible = row <= top
            n = sizes[row] if visible else 0
            c0, j = rows[row] if visible else (0.0, 1)
            first, last = regions[row] if visible and regions else (0, -1)
            for i, rect in enumerate(rects):
                rect.set_visible(i < n)
                if i >= n:
                    continue
                width = 0.9 * j
                rect.set_xy((c0 + i * j - width / 2, row - 0.35))
                rect.set_width(width)
                picked = row == top and i == cell
                rect.set_facecolor(_PICKED if picked else (_SEEN if first <= i <= last else _OTHER))
                rect.set_edgecolor(SELECTED_EDGE if picked else GRID_LINE)
                rect.set_linewidth(2.5 if picked else 0.8)
            y_fig = self.ax.transData.transform((0, row))[1] / height
            for text in (self.labels[row], self.fields[row]):
                text.set_y(y_fig)
                text.set_visible(visible)
            if not visible:
                continue
            if row == 0:
                self.labels[row].set_text(f"input ({n})")
                self.fields[row].set_text("r = 1, j = 1")
            else:
                layer = fields[row - 1]
                self.labels[row].set_text(f"{layer['kind']} {layer['k']}, s {layer['s']}")
                self.fields[row].set_text(f"r = {layer['r']}, j = {layer['j']}")
        steps, r, j = [], 1, 1
        for layer in fields:
            steps.append(f"{layer['kind']} {layer['k']}/{layer['s']}: r = {r} + ({layer['k']} − 1)·{j} = "
                         f"{layer['r']}, j = {j}·{layer['s']} = {layer['j']}")
            r, j = layer["r"], layer["j"]
        if cell is None:
            seen = "Click a cell of the top row (or pick one in <b>point at</b>) to see the input cells it sees."
        else:
            first, last = self.region
            seen = (f"Output cell {cell} (of {sizes[-1]}) sees input cells {first} to {last}: "
                    f"<b>r = {last - first + 1}</b> cells along this axis, an r × r square in 2-D.")
        self.caption.value = (
            f"{seen}<br>r<sub>out</sub> = r<sub>in</sub> + (k − 1)·j<sub>in</sub>, "
            "j<sub>out</sub> = j<sub>in</sub>·s: " + "; ".join(steps) + "."
        )


def figures():
    """Yield ``("01-receptive-field-explorer", figure)``: (conv 3, pool 2) × 3, top cell 1 selected."""
    explorer = ReceptiveFieldExplorer(stack="(conv 3, pool 2) × 3")
    explorer.select("output", 0, 1)
    yield "01-receptive-field-explorer", explorer.fig
