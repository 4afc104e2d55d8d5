"""The base of every lesson's live explorer: controls, a picture that follows them, and pointing.

A lesson's explorer is a subclass of :class:`Explorer` that says which
controls it has (:meth:`Explorer.make_controls`), draws its figure once
(:meth:`Explorer.draw`) and then only updates the artists when a control
moves (:meth:`Explorer.update`). The figure is rendered to a picture shown in an
``ipywidgets.Image`` that fills the notebook's width (its aspect kept). The
live picture is SVG (vector, text as text: crisp at any width and on a display with
device pixel ratio 2, and about twice as fast to make as a PNG of that
density); the saved notebook's static fallback is a PNG at twice the
pixels a 1280-px window shows it with.

Three mechanisms are declared, not programmed, by a subclass:

``limits``
    ``{control: rule}``; ``rule(values)`` gives the largest value the control
    may take now (an int), or a dict with ``"max"`` and/or ``"min"``. Applied
    by :meth:`Explorer.refresh` before :meth:`Explorer.update`, which then
    gets the limited values. This is the one way a control limits another::

        limits = {"padding": lambda v: v["f"] // 2}

``inactive``
    ``{control: rule}``; ``rule(values)`` gives ``None`` when the control
    matters, else the reason it cannot (a sentence). The control is then
    disabled and the reason is added to the caption::

        inactive = {"stride": lambda v: "one window fits" if ... else None}

``selection_grids``
    A method returning ``{"input": (ax, (rows, cols)), "output": (ax, (rows, cols))}``
    for the current values (``ax`` may be a tuple of axes showing the same grid,
    e.g. an input and its gradient): the named axes whose cells a click selects
    (cell (r, c) drawn centred on data point x = c, y = r, as
    :class:`pooling_lib.plotting.GridView` draws it). When a subclass defines
    it, the base adds a ``"select"`` dropdown (the keyboard path to a
    selection) and listens to clicks and keys on the picture
    (:mod:`ipyevents`): a click on a cell selects it, a second click on the
    same cell or Escape clears, arrow keys move the selection. ``update``
    gets the selection as ``select``: ``()`` (nothing) or
    ``(role, row, col)``.

In a notebook, a lesson only writes ``WindowsExplorer()``; saved notebooks
also carry a static PNG of the first picture, so they read well where
widgets are not live.
"""

import contextlib
import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image as PILImage
from traitlets import TraitError

__all__ = ["NARROW_WIDTH_PX", "NOTHING", "WIDE_WIDTH_PX", "Explorer"]

#: CSS px a notebook output is wide in JupyterLab 4 at default zoom, file browser open,
#: in a 1280-px window (measured in chromium; the browser tests measure it again).
WIDE_WIDTH_PX = 848
#: The same in a 900-px window.
NARROW_WIDTH_PX = 468
#: The selection value meaning "nothing selected".
NOTHING = ()

_ARROWS = {"ArrowUp": (-1, 0), "ArrowDown": (1, 0), "ArrowLeft": (0, -1), "ArrowRight": (0, 1)}


class Explorer:
    """Controls, a matplotlib figure kept alive between steps, a caption, and a selection.

    Subclasses set ``figsize`` (inches; every font size is chosen against
    its width, see :meth:`smallest_text_px`), and implement
    :meth:`make_controls`, :meth:`draw` and :meth:`update`; optionally
    ``limits``, ``inactive`` and :meth:`selection_grids` (see the module).

    Attributes
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        The sliders, toggles and dropdowns, by name (``"select"`` included
        when the explorer has selection grids).
    fig : matplotlib.figure.Figure
        The figure; artists are created once in :meth:`draw`.
    image : ipywidgets.Image
        The rendered figure, as PNG, 100% of the output's width.
    caption : ipywidgets.HTML
        Text under the picture (formulas with the current numbers, checks).
    selection : tuple
        ``()`` or ``(role, row, col)``: the selected cell.
    reasons : dict of str to str
        Why each disabled control cannot matter now (from ``inactive``).
    renders : int
        How many times the picture was rendered.
    """

    figsize = (8.0, 4.0)
    #: Pixels of the PNG across: twice a 1280-px window's output width (device pixel ratio 2).
    render_width = 2 * WIDE_WIDTH_PX
    #: PNG compression (zlib level): 1 is several times faster than 6 and the file stays small.
    compress_level = 1
    #: Format of the live picture: "svg" (vector) or "png" (``render_width`` pixels across).
    image_format = "svg"
    limits = {}
    inactive = {}
    #: Size of the caption's text in CSS px.
    caption_px = 16

    def __init__(self, **values):
        self._holding = False
        self.reasons = {}
        self.selection = NOTHING
        self.fig = Figure(figsize=self.figsize, dpi=self.render_width / self.figsize[0])
        self.canvas = FigureCanvasAgg(self.fig)
        self.controls = self.make_controls()
        if self.selectable:
            self.controls["select"] = widgets.Dropdown(
                options=[("nothing", NOTHING)], value=NOTHING, description="point at",
                style={"description_width": "initial"}, layout=widgets.Layout(width="max-content"))
        for name, value in values.items():
            if name not in self.controls:
                raise TypeError(
                    f"{type(self).__name__} has no control {name!r}; "
                    f"it has {sorted(self.controls)}"
                )
        self.image = widgets.Image(format="svg+xml" if self.image_format == "svg" else "png",
                                   layout=widgets.Layout(width="100%", height="auto"))
        self.caption = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.renders = 0
        self.draw(self.fig, **self.values())
        self.set(**values)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.events = None
        if self.selectable:
            from ipyevents import Event

            self.events = Event(source=self.image, watched_events=["click", "keydown"],
                                prevent_default_action=False)
            self.events.on_dom_event(self._on_event)

    # ------------------------------------------------------------ to override
    def make_controls(self):
        """Return a dict of name -> widget (slider, toggle, dropdown)."""
        raise NotImplementedError

    def draw(self, fig, **values):
        """Create the figure's axes and artists for the first time."""
        raise NotImplementedError

    def update(self, **values):
        """Bring every artist (and ``self.caption.value``) up to date with ``values``.

        ``values`` are the limited values (see ``limits``); use them, never
        the controls. The base appends the ``inactive`` reasons to the caption.
        """
        raise NotImplementedError

    #: Subclasses that define ``selection_grids`` are selectable.
    selection_grids = None

    @property
    def selectable(self):
        return self.selection_grids is not None

    # ------------------------------------------------------------ machinery
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _apply_limits(self):
        """Apply ``limits``, the selection's options and ``inactive``; return the values to draw."""
        for _ in range(4):
            values = self.values()
            for name, rule in self.limits.items():
                bound = rule(values)
                bound = bound if isinstance(bound, dict) else {"max": bound}
                control = self.controls[name]
                if "min" in bound and control.min != bound["min"]:
                    if bound["min"] > control.max:
                        control.max = bound["min"]
                    control.min = bound["min"]
                if "max" in bound and control.max != bound["max"]:
                    if bound["max"] < control.min:
                        control.min = bound["max"]
                    control.max = bound["max"]
            if self.selectable:
                self._limit_selection(values)
            if self.values() == values:
                break
        self.reasons = {}
        for name, rule in self.inactive.items():
            reason = rule(values)
            self.controls[name].disabled = reason is not None
            if reason is not None:
                self.reasons[name] = reason
        return values

    def _limit_selection(self, values):
        grids = self.selection_grids(values)
        options = [("nothing", NOTHING)]
        for role in ("output", "input"):
            if role in grids:
                rows, cols = grids[role][1]
                options += [(f"{role} ({r}, {c})", (role, r, c)) for r in range(rows) for c in range(cols)]
        control = self.controls["select"]
        current = control.value
        if [v for _, v in control.options] != [v for _, v in options]:
            control.options = options
            control.value = current if any(v == current for _, v in options) else NOTHING

    def refresh(self):
        """Apply the limits, update the artists with the limited values, render the picture."""
        with self.hold():
            values = self._apply_limits()
            self.selection = values.get("select", NOTHING)
            self.update(**values)
            if self.reasons:
                notes = "".join(f"<br><i>{self.controls[name].description or name} is disabled: {reason}</i>"
                                for name, reason in self.reasons.items())
                self.caption.value += notes
            self.image.value = self.render_picture()
            self.renders += 1

    @contextlib.contextmanager
    def hold(self):
        """Context manager: control changes inside it trigger no redraw."""
        held, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = held

    def set(self, **values):
        """Set several controls at once and redraw once (for tests and scripts).

        A value that another control's limit clipped (``padding=2`` while
        ``f`` is still 3) is applied again once the limits have followed, so
        the order of the arguments does not matter.
        """
        rejected = {}
        for _ in range(3):
            rejected = {}
            with self.hold():
                self._apply_limits()
                for name, value in values.items():
                    try:
                        self.controls[name].value = value
                    except (ValueError, TypeError, TraitError) as error:  # not among the options (yet)
                        rejected[name] = error
                self._apply_limits()
            values = {name: value for name, value in values.items() if self.controls[name].value != value}
            if not values:
                break
        if rejected:
            name = next(iter(rejected))
            raise ValueError(f"{type(self).__name__}: {name} cannot be {values[name]!r} here; "
                             f"its options are {[v for _, v in self.controls[name].options]}")
        self.refresh()

    def _on_change(self, change):
        if not self._holding:
            self.refresh()

    # ------------------------------------------------------------ selection
    def select(self, role, row, col):
        """Select cell (row, col) of the ``role`` grid ("input" or "output") and redraw."""
        target = (role, int(row), int(col))
        if not any(v == target for _, v in self.controls["select"].options):
            raise ValueError(f"no {role} cell ({row}, {col}) in the current picture")
        self.controls["select"].value = target

    def clear_selection(self):
        """Select nothing and redraw."""
        self.controls["select"].value = NOTHING

    def cell_at(self, x, y):
        """The ``(role, row, col)`` under the point (x, y) of the picture (fractions 0-1 from top left).

        Returns ``()`` when the point is on no selectable cell.
        """
        width, height = self.fig.bbox.width, self.fig.bbox.height
        px, py = x * width, (1 - y) * height
        for role, (axes, (rows, cols)) in self.selection_grids(self.values()).items():
            for ax in axes if isinstance(axes, (list, tuple)) else (axes,):
                if not ax.get_visible() or not ax.bbox.contains(px, py):
                    continue
                cx, cy = ax.transData.inverted().transform((px, py))
                r, c = int(np.floor(cy + 0.5)), int(np.floor(cx + 0.5))
                if 0 <= r < rows and 0 <= c < cols:
                    return (role, r, c)
        return NOTHING

    def cell_centre(self, role, row, col):
        """Where cell (row, col) of ``role`` is in the picture, as fractions (x, y) from the top left."""
        ax, _ = self.selection_grids(self.values())[role]
        ax = ax[0] if isinstance(ax, (list, tuple)) else ax
        px, py = ax.transData.transform((col, row))
        return px / self.fig.bbox.width, 1 - py / self.fig.bbox.height

    def click(self, x, y):
        """What a click at (x, y) (fractions of the picture) does: select, or clear on the same cell."""
        target = self.cell_at(x, y)
        if not target:
            return
        self.controls["select"].value = NOTHING if target == self.selection else target

    def key(self, key):
        """What a key on the picture does: Escape clears, arrows move the selection."""
        if key == "Escape":
            self.clear_selection()
        elif key in _ARROWS:
            grids = self.selection_grids(self.values())
            if not self.selection:
                role = "output" if "output" in grids else next(iter(grids))
                self.controls["select"].value = (role, 0, 0)
                return
            role, r, c = self.selection
            rows, cols = grids[role][1]
            dr, dc = _ARROWS[key]
            self.controls["select"].value = (role, min(max(r + dr, 0), rows - 1), min(max(c + dc, 0), cols - 1))

    def _on_event(self, event):
        if event.get("type") == "click":
            w, h = event.get("boundingRectWidth"), event.get("boundingRectHeight")
            if w and h:
                self.click(event["relativeX"] / w, event["relativeY"] / h)
        elif event.get("type") == "keydown":
            self.key(event.get("key", ""))

    # ------------------------------------------------------------ legibility
    def text_sizes(self, display_width=WIDE_WIDTH_PX):
        """CSS px of every visible text in the picture shown ``display_width`` CSS px wide.

        ``rendered px = font pt * dpi / 72 * display width / figure pixel width``, i.e.
        ``pt / 72 * display_width / figure width in inches``.
        Returns a list of ``(px, text)``, smallest first.
        """
        scale = display_width / (self.fig.get_figwidth() * 72)
        sizes = []
        for text in self.fig.findobj(Text):
            if not text.get_visible() or not text.get_text().strip():
                continue
            if text.axes is not None and not text.axes.get_visible():
                continue
            sizes.append((text.get_fontsize() * scale, text.get_text()))
        return sorted(sizes)

    def smallest_text_px(self, display_width=WIDE_WIDTH_PX):
        """The smallest text of the picture in CSS px when it is ``display_width`` CSS px wide."""
        sizes = self.text_sizes(display_width)
        return sizes[0][0] if sizes else float("inf")

    def render_picture(self):
        """The live picture's bytes, in ``image_format``."""
        return self.svg() if self.image_format == "svg" else self.png()

    def svg(self):
        """The figure as SVG bytes: text as SVG text (a third cheaper to write than glyph paths; the
        browser draws it in DejaVu Sans or its nearest sans-serif), no date (same state, same bytes)."""
        buf = io.BytesIO()
        with rc_context({"svg.fonttype": "none", "svg.hashsalt": "pooling-notebooks"}):
            self.fig.savefig(buf, format="svg", dpi=72, metadata={"Date": None})
        return buf.getvalue()

    def png(self):
        """The figure as PNG bytes, ``render_width`` pixels across (the canvas is reused; fast zlib level)."""
        self.canvas.draw()
        buf = io.BytesIO()
        rgba = PILImage.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba(),
                                   "raw", "RGBA", 0, 1)
        rgba.convert("RGB").save(buf, format="png", compress_level=self.compress_level)
        return buf.getvalue()

    def save(self, path, dpi=150):
        """Save the current picture to ``path`` (any format matplotlib writes)."""
        self.fig.savefig(path, dpi=dpi)

    def step_times(self, steps):
        """Time ``set`` (limits, update, render) after each ``{name: value}`` in ``steps``; return seconds."""
        times = []
        for step in steps:
            start = time.perf_counter()
            self.set(**step)
            times.append(time.perf_counter() - start)
        return np.array(times)

    @property
    def widget(self):
        """The whole explorer as one widget: controls, picture, caption."""
        if not hasattr(self, "_widget"):
            style = widgets.HTML(
                "<style>.pooling-explorer .widget-html-content{font-size:%dpx;line-height:1.45}"
                ".pooling-explorer .widget-toggle-button.mod-active{outline:3px solid currentColor;"
                "outline-offset:-3px;font-weight:bold}"
                ".pooling-explorer .widget-toggle-button{width:auto !important;padding:0 0.9em}"
                ".pooling-explorer .widget-dropdown{width:auto}"
                ".pooling-explorer .widget-dropdown select{width:auto;min-width:8em;padding-right:2em}"
                ".pooling-explorer .widget-label{max-width:none}</style>" % self.caption_px)
            controls = widgets.HBox(list(self.controls.values()),
                                    layout=widgets.Layout(flex_flow="row wrap"))
            self._widget = widgets.VBox([controls, self.image, self.caption, style])
            self._widget.add_class("pooling-explorer")
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        # Where widgets are not live (GitHub, nbviewer), the first picture still shows.
        bundle.setdefault("image/png", self.png())
        return bundle
