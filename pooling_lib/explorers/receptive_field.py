"""Lesson 01's receptive-field explorer: which input cells does one output cell see?

A stack of convolution and pooling layers drawn as a tower along one axis
(the other axis behaves the same): the input at the bottom, each layer's
cells above it, centred over the input cells they summarise and as wide as
the layer's jump. Pick an output cell (slider, or click it in the top row):
the cells it depends on light up in every layer, and the caption works the
formula ``r_out = r_in + (k - 1) * j_in``, ``j_out = j_in * s`` through the
stack. The maths is :mod:`pooling_lib.lessons.why_pool`; this module only draws.
"""

import ipywidgets as widgets
from matplotlib.patches import Rectangle

from .base import Explorer
from ..lessons.why_pool import STACKS, input_region, layer_sizes, receptive_fields

__all__ = ["ReceptiveFieldExplorer", "INPUT_CELLS"]

#: Input cells along the axis.
INPUT_CELLS = 32
_MAX_LAYERS = max(len(stack) for stack in STACKS.values())
_SEEN = "#0072B2"  # Okabe-Ito blue: cells the selected output depends on
_PICKED = "#D55E00"  # Okabe-Ito vermillion: the selected output cell
_OTHER = "#E4E4E4"  # light grey: cells it does not see
_EDGE = "#555555"
_TEXT = 13  # points (14.4 px at dpi 80)


class ReceptiveFieldExplorer(Explorer):
    """Pick a stack of layers and an output cell; see the input region it sees, with the formula.

    Examples
    --------
    >>> e = ReceptiveFieldExplorer(stack="(conv 3, pool 2) × 2", cell=1)
    >>> e.region
    (4, 13)
    >>> e.click_cell(0)    # what clicking the first top-row cell does
    >>> e.region
    (0, 9)
    """

    figsize = (11.0, 5.2)
    dpi = 80

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "stack": widgets.Dropdown(options=list(STACKS), value="(conv 3, pool 2) × 2", description="layers",
                                      style=style, layout=widgets.Layout(width="20em")),
            "cell": widgets.IntSlider(value=0, min=0, max=INPUT_CELLS, description="output cell", style=style),
        }

    def draw(self, fig, **values):
        self.ax = ax = fig.add_axes((0.16, 0.04, 0.70, 0.92))
        ax.set_xlim(-0.6, INPUT_CELLS - 0.4)
        ax.set_ylim(-0.7, _MAX_LAYERS + 0.6)
        ax.axis("off")
        self.cells = []  # one list of rectangles per row (input + layers), created once
        self.labels, self.fields = [], []
        for row in range(_MAX_LAYERS + 1):
            rects = []
            for _ in range(INPUT_CELLS):
                rect = Rectangle((0, row - 0.35), 0.9, 0.7, facecolor=_OTHER, edgecolor=_EDGE, linewidth=0.8)
                ax.add_patch(rect)
                rects.append(rect)
            self.cells.append(rects)
            self.labels.append(fig.text(0.155, 0, "", ha="right", va="center", fontsize=_TEXT))
            self.fields.append(fig.text(0.865, 0, "", ha="left", va="center", fontsize=_TEXT))
        self._events = None

    def _attach_clicks(self):
        if getattr(self, "_events", None) is None:
            try:
                from ipyevents import Event
            except ImportError:  # pragma: no cover
                return
            self._events = Event(source=self.image, watched_events=["click"])
            self._events.on_dom_event(self._on_click)

    def _on_click(self, event):
        """Map a click at (arrayX, arrayY) of the PNG to a cell of the top row."""
        if "arrayX" not in event or "arrayY" not in event:
            return
        height = self.fig.get_figheight() * self.dpi
        x, y = self.ax.transData.inverted().transform((event["arrayX"], height - event["arrayY"]))
        top = len(self.layers)
        if abs(y - top) > 0.45:
            return
        for i, rect in enumerate(self.cells[top][: self.sizes[-1]]):
            left = rect.get_x()
            if left <= x <= left + rect.get_width():
                self.click_cell(i)
                return

    def click_cell(self, index):
        """Select output cell ``index`` as a click on it would (keyboard path: the slider)."""
        self.controls["cell"].value = index

    def update(self, stack, cell):
        self.layers = layers = STACKS[stack]
        self.sizes = sizes = layer_sizes(INPUT_CELLS, layers)
        self.clamp("cell", sizes[-1] - 1)
        cell = min(cell, sizes[-1] - 1)
        fields = receptive_fields(layers)
        regions = input_region(layers, cell)
        self.region = regions[0]
        # centre of cell 0 and width of every row, in input cells
        centre, jump, rows = 0.0, 1, [(0.0, 1)]
        for kind, k, s in layers:
            centre += (k - 1) / 2 * jump
            jump *= s
            rows.append((centre, jump))
        top = len(layers)
        for row, rects in enumerate(self.cells):
            visible = row <= top
            n = sizes[row] if visible else 0
            c0, j = rows[row] if visible else (0.0, 1)
            first, last = regions[row] if visible else (0, -1)
            for i, rect in enumerate(rects):
                rect.set_visible(i < n)
                if i >= n:
                    continue
                width = 0.9 * j
                rect.set_xy((c0 + i * j - width / 2, row - 0.35))
                rect.set_width(width)
                rect.set_facecolor(_PICKED if row == top else (_SEEN if first <= i <= last else _OTHER))
                if row == top and i != cell:
                    rect.set_facecolor(_OTHER)
            y_fig = self.ax.transData.transform((0, row))[1] / (self.fig.get_figheight() * self.dpi)
            for text in (self.labels[row], self.fields[row]):
                text.set_y(y_fig)
                text.set_visible(visible)
            if not visible:
                continue
            if row == 0:
                self.labels[row].set_text(f"input ({n} cells)")
                self.fields[row].set_text("r = 1, j = 1")
            else:
                layer = fields[row - 1]
                self.labels[row].set_text(f"{layer['kind']} {layer['k']}, stride {layer['s']}")
                self.fields[row].set_text(f"r = {layer['r']}, j = {layer['j']}")
        steps, r, j = [], 1, 1
        for layer in fields:
            steps.append(f"{layer['kind']} {layer['k']}/{layer['s']}: r = {r} + ({layer['k']} − 1)·{j} = "
                         f"{layer['r']}, j = {j}·{layer['s']} = {layer['j']}")
            r, j = layer["r"], layer["j"]
        first, last = self.region
        self.caption.value = (
            "<div style='font-size:15px'>"
            f"Output cell {cell} (of {sizes[-1]}) sees input cells {first} to {last}: "
            f"<b>r = {last - first + 1}</b> cells along this axis, an r × r square in 2-D. "
            "Click a cell of the top row, or use the slider.<br>"
            "r<sub>out</sub> = r<sub>in</sub> + (k − 1)·j<sub>in</sub>, j<sub>out</sub> = j<sub>in</sub>·s: "
            + "; ".join(steps) + ".</div>"
        )

    @property
    def widget(self):
        self._attach_clicks()
        return super().widget
