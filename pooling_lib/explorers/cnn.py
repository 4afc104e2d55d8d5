"""Lesson 08: what pooling does inside a trained CNN, and where its gradient goes.

:class:`CnnExplorer` takes two trained :class:`~pooling_lib.cnn.TinyCNN`
models (one with max pooling, one with mean pooling) and, for one test
digit and one convolution filter, shows the input image, the filter's
feature map after the ReLU, the pooled map, and the gradient that reaches
the input pixels when the pooled map sends back a gradient of ones
(:func:`trace`). With max pooling only the winning cell of each window
passes gradient on, so only the pixels under those cells' 3x3 patches
receive any; with mean pooling every cell passes a quarter.

Training both models on the digits takes well under a second, so the
no-argument constructor trains them (once per process, see
:func:`default_models`); a lesson that has already trained its models
passes them in.
"""

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from ..cnn import Digits, TinyCNN, load_digits_split, train
from .base import Explorer
from ..plotting import GridView

__all__ = ["CnnExplorer", "default_models", "figures", "trace"]


@lru_cache(maxsize=2)
def _default(epochs, seed):
    data = load_digits_split(seed=seed)
    models = {}
    for pooling in ("max", "mean"):
        model = TinyCNN(pooling, seed=seed)
        train(model, data.x_train, data.y_train, epochs=epochs, seed=seed)
        models[pooling] = model
    return models, data


def default_models(epochs=10, seed=0):
    """A max-pooling and a mean-pooling :class:`~pooling_lib.cnn.TinyCNN` trained on the digits.

    Parameters
    ----------
    epochs : int, optional
        Training epochs (about 15 ms each per model on two cores; 10 epochs
        give about 96% (max) and 95% (mean) test accuracy).
    seed : int, optional
        Seed of the data split, the initialisation and the shuffling.

    Returns
    -------
    models : dict
        ``{'max': TinyCNN, 'mean': TinyCNN}`` (8 filters, 2x2 pooling).
    data : Digits
        The split they were trained on (``x_test``/``y_test`` unseen).

    Notes
    -----
    Cached per process: the second call returns the same (already trained)
    models. Do not train them further in place.
    """
    return _default(epochs, seed)


def trace(model, image, filter):
    """Everything the explorer shows for one image and one filter.

    Parameters
    ----------
    model : TinyCNN
    image : ndarray, shape (h, w, c)
        One image.
    filter : int
        Index of the convolution filter.

    Returns
    -------
    dict
        ``conv`` (the filter's map after the ReLU, ``(6, 6)`` for digits),
        ``pooled`` (its pooled map), ``routed`` (the gradient reaching the
        ReLU map when the pooled map sends back ones: 1 on each window's
        winner for max, 1/4 everywhere for 2x2 mean pooling), ``passed``
        (``routed`` where the ReLU is active, i.e. what reaches the
        filter's weights), ``input_grad`` (the gradient of the pooled map's
        sum with respect to the input pixels, ``(h, w)``), ``winners``
        (max only: ``(rows, cols)`` of each window's winning cell, else
        None) and ``proba`` (class probabilities).

    Examples
    --------
    >>> model = TinyCNN("max", n_filters=2, seed=0)
    >>> t = trace(model, np.random.default_rng(0).random((8, 8, 1)), 1)
    >>> t["conv"].shape, t["pooled"].shape, t["input_grad"].shape
    ((6, 6), (3, 3), (8, 8))
    >>> int(t["routed"].sum())            # one winner per 2x2 window, 9 windows
    9
    """
    logits, cache = model.forward(np.asarray(image)[None])
    grad_pooled = np.zeros_like(cache["pooled"])
    grad_pooled[..., filter] = 1.0
    grads = model.backward_pooled(cache, grad_pooled, need_x=True)
    winners = None
    if model.pooling == "max":
        flat = cache["indices"][0, :, :, filter].ravel()
        winners = np.divmod(flat, model.conv_shape[1])
    e = np.exp(logits[0] - logits[0].max())
    return {
        "conv": cache["relu"][0, :, :, filter],
        "pooled": cache["pooled"][0, :, :, filter],
        "routed": grads["relu"][0, :, :, filter],
        "passed": grads["conv"][0, :, :, filter],
        "input_grad": grads["x"][0].sum(axis=-1),
        "winners": winners,
        "proba": e / e.sum(),
    }


_LIVE = np.array([0.84, 0.15, 0.16, 1.0])     # a window maximum that passes gradient on
_BLOCKED = np.array([0.55, 0.55, 0.55, 1.0])  # a maximum of 0: the ReLU blocks its gradient


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

    figsize = (8.6, 2.9)
    dpi = 80

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
        fig.subplots_adjust(left=0.01, right=0.99, top=0.84, bottom=0.03, wspace=0.12)
        ax_in, ax_conv, ax_pool, ax_grad = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1, 0.75, 1]})
        self.input_image = ax_in.imshow(np.zeros((h, w)), cmap="gray_r", vmin=0, vmax=1,
                                        interpolation="nearest")
        self.input_title = ax_in.set_title("", fontsize=9)
        self.conv_view = GridView(ax_conv, (ch, cw), cmap="Blues", fontsize=7)
        step = model.pool_stride if model.pool_stride == model.pool_size else None
        if step:
            ax_conv.add_collection(LineCollection(_grid_segments(ch, step), colors="0.35", linewidths=1.2))
        self.winner_rings = ax_conv.scatter([], [], s=330, marker="s", facecolors="none",
                                            edgecolors="#d62728", linewidths=2.0, zorder=3)
        self.pooled_view = GridView(ax_pool, (ph, pw), cmap="Blues", fontsize=8)
        self.grad_image = ax_grad.imshow(np.zeros((h, w)), cmap="RdBu_r", vmin=-1, vmax=1,
                                         interpolation="nearest")
        self.zero_marks = ax_grad.scatter([], [], s=6, c="0.55", marker="o", zorder=3)
        self.grad_title = ax_grad.set_title("", fontsize=9)
        for ax in (ax_in, ax_grad):
            ax.set_xticks([])
            ax.set_yticks([])

    def update(self, example, pooling, filter):
        model = self.models[pooling]
        image, label = self.x[example], int(self.y[example])
        t = trace(model, image, filter)
        self.current = t
        f = model.pool_size
        pred = int(np.argmax(t["proba"]))

        self.input_image.set_data(image[..., 0])
        self.input_image.set_clim(0, max(1e-12, float(image.max())))
        mark = "✓" if pred == label else "✗"
        self.input_title.set_text(f"test digit #{example}: label {label}\npredicted {pred} {mark}")

        conv = t["conv"]
        top = max(1e-12, float(conv.max()))
        self.conv_view.show(conv, title=f"filter {filter} after ReLU\n(lines: {f}×{f} pooling windows)",
                            vmin=0, vmax=top * 1.5, fmt=_short)
        if t["winners"] is not None:
            rows, cols = t["winners"]
            self.winner_rings.set_offsets(np.column_stack([cols, rows]))
            live = t["passed"][rows, cols] != 0
            self.winner_rings.set_edgecolors(np.where(live[:, None], _LIVE, _BLOCKED))
            self.winner_rings.set_visible(True)
            self.conv_view.title.set_text(f"filter {filter} after ReLU; window maxima:\n"
                                          f"red passes gradient, grey (0) does not")
        else:
            self.winner_rings.set_offsets(np.empty((0, 2)))
            self.winner_rings.set_visible(False)
        self.pooled_view.show(t["pooled"], title=f"{pooling}-pooled\n({t['pooled'].shape[0]}×"
                              f"{t['pooled'].shape[1]})", vmin=0, vmax=top * 1.5, fmt=_short)

        g = t["input_grad"]
        reach = np.abs(g) > 1e-12
        bound = max(1e-12, float(np.abs(g).max()))
        self.grad_image.set_data(g)
        self.grad_image.set_clim(-bound, bound)
        zr, zc = np.nonzero(~reach)
        self.zero_marks.set_offsets(np.column_stack([zc, zr]) if zr.size else np.empty((0, 2)))
        h, w = g.shape
        self.grad_title.set_text(f"gradient at the input pixels\n{int(reach.sum())} of {h * w} get some "
                                 f"(grey dot: none)")
        self.caption.value = self._caption(model, t, pooling, label, pred)

    @staticmethod
    def _caption(model, t, pooling, label, pred):
        f = model.pool_size
        routed, passed = t["routed"], t["passed"]
        n_cells = routed.size
        reach = int((np.abs(t["input_grad"]) > 1e-12).sum())
        n_pix = t["input_grad"].size
        if pooling == "max":
            how = (f"<b>max pooling</b>: each {f}×{f} window sends the gradient back only to its maximum, "
                   f"so {int((routed > 0).sum())} of the {n_cells} cells of the feature map receive it")
        else:
            how = (f"<b>mean pooling</b>: each {f}×{f} window gives 1/{f * f} of the gradient to every "
                   f"cell, so all {int((routed > 0).sum())} of the {n_cells} cells receive it")
        active = int((passed != 0).sum())
        lines = [
            how + f"; the ReLU lets it through at {active} of them.",
            (f"Each of those cells was computed from a 3×3 patch of the input: {reach} of the {n_pix} input pixels "
             f"receive gradient (red: raising the pixel raises the pooled sum, blue: lowers it)."),
            f"Prediction {pred} with probability {t['proba'][pred]:.2f}; label {label}.",
        ]
        return "<br>".join(lines)


def figures():
    """Yield ``("08-cnn-explorer", figure)``: the explorer's opening picture."""
    yield "08-cnn-explorer", CnnExplorer().fig
