"""The base of every lesson's live explorer: sliders plus a picture that follows them.

A lesson's explorer is a subclass of :class:`Explorer` that says which
controls it has (:meth:`Explorer.make_controls`), draws its figure once
(:meth:`Explorer.draw`) and then only updates the artists when a control
moves (:meth:`Explorer.update`). The figure is rendered to a PNG shown in an
``ipywidgets.Image``: that is fast (no new figure per step), works the same
in JupyterLab, Voila and plain ``python``, and lets tests move a slider and
read back exactly what changed.

In a notebook, a lesson only writes::

    WindowsExplorer()

and the explorer displays itself (sliders, picture, caption). Saved
notebooks also carry a static PNG of the first picture, so they read well
where widgets are not live.
"""

import contextlib
import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Explorer"]


class Explorer:
    """Controls, a matplotlib figure kept alive between steps, and a caption.

    Subclasses set ``figsize`` (and ``dpi``), and implement
    :meth:`make_controls`, :meth:`draw` and :meth:`update`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        The sliders, toggles and dropdowns, by name.
    fig : matplotlib.figure.Figure
        The figure; artists are created once in :meth:`draw`.
    image : ipywidgets.Image
        The rendered figure, as PNG.
    caption : ipywidgets.HTML
        Text under the picture (formulas with the current numbers, checks).
    renders : int
        How many times the picture was rendered (tests use it to see that a
        slider move redrew it).
    """

    figsize = (6.0, 3.5)
    dpi = 80

    def __init__(self, **values):
        self._holding = False
        self.fig = Figure(figsize=self.figsize, dpi=self.dpi)
        FigureCanvasAgg(self.fig)
        self.controls = self.make_controls()
        for name, value in values.items():
            if name not in self.controls:
                raise TypeError(
                    f"{type(self).__name__} has no control {name!r}; "
                    f"it has {sorted(self.controls)}"
                )
            self.controls[name].value = value
        # flex-start: shown at the size it was drawn (stretching it would blur the numbers)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", align_self="flex-start"))
        self.caption = widgets.HTML()
        self.renders = 0
        self.draw(self.fig, **self.values())
        self.refresh()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    # ------------------------------------------------------------ to override
    def make_controls(self):
        """Return a dict of name -> widget (slider, toggle, dropdown)."""
        raise NotImplementedError

    def draw(self, fig, **values):
        """Create the figure's axes and artists for the first time."""
        raise NotImplementedError

    def update(self, **values):
        """Bring every artist (and ``self.caption.value``) up to date with ``values``.

        When one control limits another (padding at most half the window),
        call :meth:`clamp` here; :meth:`refresh` then runs ``update`` again
        with the clamped values.
        """
        raise NotImplementedError

    # ------------------------------------------------------------ machinery
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self):
        """Update the artists from the controls and render the picture again.

        Controls that :meth:`update` changes (a clamp) cause no redraw of their
        own: ``update`` simply runs again with the clamped values.
        """
        with self.hold():
            for _ in range(4):
                values = self.values()
                self.update(**values)
                if self.values() == values:
                    break
            self.image.value = self.png()
            self.renders += 1

    @contextlib.contextmanager
    def hold(self):
        """Context manager: control changes inside it trigger no redraw."""
        held, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = held

    def clamp(self, name, maximum):
        """Set the ``max`` of control ``name`` (and its value, if above it) without a redraw."""
        control = self.controls[name]
        with self.hold():
            if control.value > maximum:
                control.value = maximum
            control.max = maximum

    def set(self, **values):
        """Set several controls at once and redraw (for tests and scripts).

        A value that another control's range clamped (``sample=30`` while
        ``m`` still limits it to 15) is applied again once the range has
        followed, so the order of the arguments does not matter.
        """
        for _ in range(2):
            with self.hold():
                for name, value in values.items():
                    self.controls[name].value = value
            self.refresh()
            values = {name: value for name, value in values.items() if self.controls[name].value != value}
            if not values:
                break

    def _on_change(self, change):
        if not self._holding:
            self.refresh()

    def png(self):
        """The figure as PNG bytes."""
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi)
        return buf.getvalue()

    def save(self, path, dpi=150):
        """Save the current picture to ``path`` (any format matplotlib writes)."""
        self.fig.savefig(path, dpi=dpi, bbox_inches="tight")

    def step_times(self, steps):
        """Time ``refresh`` after each ``{name: value}`` in ``steps``; return seconds."""
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
            self._widget = widgets.VBox(
                [widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
                 self.image, self.caption]
            )
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        # Where widgets are not live (GitHub, nbviewer), the first picture still shows.
        bundle.setdefault("image/png", bytes(self.image.value))
        return bundle
