"""Lesson 08's explorer: what pooling does inside a trained CNN, and where its gradient goes.

:class:`CnnExplorer` takes two trained :class:`~pooling_lib.cnn.TinyCNN`
models (one with max pooling, one with mean pooling) and, for one test
digit and one convolution filter, shows the input image, the filter's
feature map after the ReLU, the pooled map, and the gradient that reaches
the input pixels when the pooled map sends back a gradient of ones
(computed by :func:`pooling_lib.cnn_trace.trace`). With no models given it
trains them once per process (:func:`pooling_lib.cnn_trace.default_models`).
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb

from ..cnn import Digits, TinyCNN
from ..cnn_trace import default_models, trace
from ..palette import FADED_INK, INK, WINNER_EDGE
from ..plotting import GridView
from .base import NARROW_WIDTH_PX, Explorer

__all__ = ["CnnExplorer", "figures"]

_LIVE = np.array([*to_rgb(WINNER_EDGE), 1.0])   # a window maximum that passes gradient on
_BLOCKED = np.array([*to_rgb(FADED_INK), 1.0])  # a maximum of 0: the ReLU blocks its gradient
FIGSIZE = (6.4, 2.9)
#: Font size (pt) of every text: 11 CSS px when the picture is shown 468 px wide (a 900-px window).
FONT = 11 * 72 * FIGSIZE[0] / NARROW_WIDTH_PX


def _short(v):
    """A feature-map number in at most 3 glyphs: 12, 1.4, .04 (few glyphs keep a step fast)."""
    if v == 0:
        return "0"
    if abs(v) >= 9.95:
        return f"{v:.0f}"
    if abs(v) >= 0.995:
        return f"{v:.1f}"
    return f"{v:.2f}".replace("0.", ".", 1)


def _grid_segments(n, step):
    """Lines between the pooling windows of an n x n map."""
    segments = []
    for k in range(step, n, step):
        segments.append([(k - 0.5, -0.5), (k - 0.5, n - 0.5)])
        segments.append([(-0.5, k - 0.5), (n - 0.5, k - 0.5)])
    return segments


class CnnExplorer(Explorer):
    """One test digit through a trained tiny CNN: feature map, pooling, and the gradient's path back.

    Parameters
    ----------
    models : dict, optional
        ``{'max': TinyCNN, 'mean': TinyCNN}`` trained with max and mean
        pooling (same architecture). Default: :func:`default_models`.
    data : Digits or (x_test, y_test), optional
        The images the slider walks through, with their labels. Default:
        the test split of :func:`default_models`.
    **values
        Starting values of the controls (``example``, ``pooling``,
        ``filter``).

    Examples
    --------
    >>> ex = CnnExplorer(example=3, filter=2)
    >>> ex.conv_view.values.shape, ex.pooled_view.values.shape
    ((6, 6), (3, 3))
    """

    figsize = FIGSIZE

    def __init__(self, models=None, data=None, **values):
        if models is None or data is None:
            trained, digits = default_models()
            models = trained if models is None else models
            data = digits if data is None else data
        if not isinstance(models, dict) or set(models) != {"max", "mean"}:
            raise TypeError(f"models must be a dict with keys 'max' and 'mean', got {models!r}")
        for key, model in models.items():
            if not isinstance(model, TinyCNN) or model.pooling != key:
                raise TypeError(f"models[{key!r}] must be a TinyCNN with pooling={key!r}, got {model!r}")
        if models["max"].conv_shape != models["mean"].conv_shape:
            raise ValueError("models must have the same architecture, got conv shapes "
                             f"{models['max'].conv_shape} and {models['mean'].conv_shape}")
        if isinstance(data, Digits):
            x, y = data.x_test, data.y_test
        else:
            x, y = data
        x, y = np.asarray(x), np.asarray(y)
        if x.ndim != 4 or x.shape[1:] != models["max"].input_shape or y.shape != (len(x),):
            raise ValueError(f"data must be images of shape (m, *{models['max'].input_shape}) and m labels, "
                             f"got shapes {x.shape} and {y.shape}")
        self.models, self.x, self.y = models, x, y
        super().__init__(**values)

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "example": widgets.IntSlider(value=0, min=0, max=len(self.x) - 1, description="test digit #",
                                         continuous_update=True, style=style),
            "pooling": widgets.ToggleButtons(options=[("max pooling", "max"), ("mean pooling", "mean")],
                                             value="max", description="model",
                                             style={**style, "button_width": "8em"}),
            "filter": widgets.IntSlider(value=0, min=0, max=self.models["max"].conv_shape[2] - 1,
                                        description="filter", continuous_update=True, style=style),
        }

    def draw(self, fig, **values):
        model = self.models["max"]
        h, w, _ = model.input_shape
        ch, cw, _ = model.conv_shape
        ph, pw, _ = model.pooled_shape
        fig.subplots_adjust(left=0.005, right=0.995, top=0.80, bottom=0.02, wspace=0.08)
        ax_in, ax_conv, ax_pool, ax_grad = fig.subplots(1, 4, gridspec_kw={"width_ratios": [0.85, 1.45, 0.8, 0.85]})
        self.input_image = ax_in.imshow(np.zeros((h, w)), cmap="gray_r", vmin=0, vmax=1,
                                        interpolation="nearest")
        self.conv_view = GridView(ax_conv, (ch, cw), cmap="Blues", fontsize=FONT)
        step = model.pool_stride if model.pool_stride == model.pool_size else None
        if step:
            ax_conv.add_collection(LineCollection(_grid_segments(ch, step), colors=INK, linewidths=1.5))
        ax_conv.apply_aspect()
        cell_pt = ax_conv.get_position().width * fig.get_figwidth() * 72 / cw
        self.winner_rings = ax_conv.scatter([], [], s=(0.8 * cell_pt) ** 2, marker="s", facecolors="none",
                                            edgecolors=WINNER_EDGE, linewidths=2.5, zorder=3)
        self.pooled_view = GridView(ax_pool, (ph, pw), cmap="Blues", fontsize=FONT)
        self.grad_image = ax_grad.imshow(np.zeros((h, w)), cmap="RdBu_r", vmin=-1, vmax=1,
                                         interpolation="nearest")
        self.zero_marks = ax_grad.scatter([], [], s=10, c=FADED_INK, marker="o", zorder=3)
        self.titles = {}
        for key, ax in (("input", ax_in), ("conv", ax_conv), ("pooled", ax_pool), ("grad", ax_grad)):
            if key in ("input", "grad"):
                ax.set_axis_off()
            ax.set_title("")  # the GridView titles are replaced by fixed texts (cheaper to render)
            self.titles[key] = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", va="bottom",
                                       fontsize=FONT, linespacing=1.15)

    def update(self, example, pooling, filter):
        model = self.models[pooling]
        image, label = self.x[example], int(self.y[example])
        t = trace(model, image, filter)
        self.current = t
        pred = int(np.argmax(t["proba"]))

        self.input_image.set_data(image[..., 0])
        self.input_image.set_clim(0, max(1e-12, float(image.max())))
        mark = "✓" if pred == label else "✗"
        self.titles["input"].set_text(f"#{example}: a {label}\npredicted {pred} {mark}")

        conv = t["conv"]
        top = max(1e-12, float(conv.max()))
        self.conv_view.show(conv, vmin=0, vmax=top * 1.5, fmt=_short)
        if t["winners"] is not None:
            rows, cols = t["winners"]
            self.winner_rings.set_offsets(np.column_stack([cols, rows]))
            live = t["passed"][rows, cols] != 0
            self.winner_rings.set_edgecolors(np.where(live[:, None], _LIVE, _BLOCKED))
            self.winner_rings.set_visible(True)
            self.titles["conv"].set_text(f"filter {filter} after ReLU\nrings: window maxima")
        else:
            self.winner_rings.set_offsets(np.empty((0, 2)))
            self.winner_rings.set_visible(False)
            self.titles["conv"].set_text(f"filter {filter} after ReLU\n(lines: 2×2 windows)"
                                         if model.pool_size == 2 else f"filter {filter} after ReLU")
        ph, pw = t["pooled"].shape
        self.pooled_view.show(t["pooled"], vmin=0, vmax=top * 1.5, fmt=_short)
        self.titles["pooled"].set_text(f"{pooling}\npooled")

        g = t["input_grad"]
        reach = np.abs(g) > 1e-12
        bound = max(1e-12, float(np.abs(g).max()))
        self.grad_image.set_data(g)
        self.grad_image.set_clim(-bound, bound)
        zr, zc = np.nonzero(~reach)
        self.zero_marks.set_offsets(np.column_stack([zc, zr]) if zr.size else np.empty((0, 2)))
        self.titles["grad"].set_text("gradient at\nthe input")
        self.caption.value = self._caption(model, t, pooling, label, pred)

    @staticmethod
    def _caption(model, t, pooling, label, pred):
        f = model.pool_size
        routed, passed = t["routed"], t["passed"]
        n_cells = routed.size
        reach = int((np.abs(t["input_grad"]) > 1e-12).sum())
        n_pix = t["input_grad"].size
        if pooling == "max":
            how = (f"<b>max pooling</b>: each {f}×{f} window sends the gradient back only to its maximum "
                   f"(ringed: red where it passes on, grey where the maximum is 0 and the ReLU blocks it), "
                   f"so it reaches {int((routed > 0).sum())} of the {n_cells} cells of the feature map")
        else:
            how = (f"<b>mean pooling</b>: each {f}×{f} window gives 1/{f * f} of the gradient to every "
                   f"cell, so it reaches all {n_cells} cells of the feature map")
        active = int((passed != 0).sum())
        lines = [
            how + f"; the ReLU lets it through at {active} of them.",
            (f"Each feature-map cell was computed from a 3×3 patch of the input: the gradient reaches "
             f"{reach} of the {n_pix} input pixels (red: raising the pixel raises the pooled sum, blue: "
             f"lowers it, grey dot: no gradient)."),
            f"Label {label}; the model predicts {pred} with probability {t['proba'][pred]:.2f}.",
        ]
        return "<br>".join(lines)


def figures():
    """Yield ``("08-cnn-explorer", figure)``: the explorer's opening picture."""
    yield "08-cnn-explorer", CnnExplorer().fig
