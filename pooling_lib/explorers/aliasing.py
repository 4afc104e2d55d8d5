"""Lesson 10's explorer: move stripes or a photo by 0-7 px and watch a stride-2 layer's output.

Top: the input, moved right by ``shift`` px (on the stripes, thin lines mark
the 2-px pooling windows, which stay where they are while the pattern moves).
Middle: the downsampled output (window 2, stride 2) with max pooling, mean
pooling or ``blur_pool`` (max with stride 1, binomial blur of ``filter_size``
taps, keep every second cell). Bottom: the value of one output cell (the
outlined one, in the middle row; a slider picks its column) for every shift
from 0 to 7 px, for all three methods, the chosen one drawn thick (the blur
curve uses the current ``filter_size``, so that slider always matters).

The maths is :mod:`pooling_lib.lessons.aliasing` (:func:`shift_outputs`,
:func:`shift_change`); this module only draws.
"""

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..lessons.aliasing import (MAX_SHIFT, downsample, photo, pooled_photo, roof, roof_view, shift_change,
                                shift_outputs, stripes)
from ..palette import INK, PADDING_HATCH, WINDOW_OUTLINES, WINNER_EDGE
from .base import Explorer

__all__ = ["AliasingExplorer", "figures", "photo_figure", "roof_figure"]

#: The methods the explorer toggles between, with the colour of each one's curve.
_METHODS = ("max", "mean", "blur")
_COLOURS = dict(zip(_METHODS, WINDOW_OUTLINES))
_LABELS = {"max": "max pooling", "mean": "mean pooling", "blur": "blur pool"}
#: The inputs: a function of the shift each.
_INPUTS = {"stripes": lambda s: stripes(2, s, 16), "photo": roof}
_NAMES = {"stripes": "stripes 2 px wide", "photo": "roof tiles of china.jpg"}
_SHIFTS = tuple(range(MAX_SHIFT + 1))
_F = 2       # window and stride of every method
_FONT = 14   # points: 20.6 CSS px at a 1280-px window, 11.4 px at 900 px (figure 8 in wide)


@lru_cache(maxsize=32)
def _series(image, method, filter_size):
    """Outputs of ``image`` at shifts 0-7 for one method (blur: per filter size), and their change."""
    outputs = shift_outputs(_INPUTS[image], method, _SHIFTS, _F, filter_size=filter_size)
    outputs.flags.writeable = False
    return outputs, shift_change(outputs)


def _filter(method, filter_size):
    """The filter size that matters: only blur has one (the others are cached once)."""
    return filter_size if method == "blur" else 4


class AliasingExplorer(Explorer):
    """Move stripes or a photo by 0 to 7 px and watch how much a stride-2 layer's output changes.

    Controls: the input (stripes or the roof tiles), the shift, the
    downsampling (max pooling, mean pooling, blur pool), the blur's filter
    size, and the output column whose middle-row cell the curves follow.

    Parameters
    ----------
    **values
        Starting values of the controls: ``image`` ('stripes' or 'photo'),
        ``shift`` (0-7), ``method`` ('max', 'mean', 'blur'), ``filter_size``
        (1-7: blur's taps; the blur curve follows it whatever the method),
        ``column`` (the output column whose middle-row cell the curves follow).

    Attributes
    ----------
    output : ndarray
        The output shown (the chosen method at the current shift).
    cell : (int, int)
        The output cell whose value the curves follow.
    change : dict of str to ShiftChange
        Per method, the largest and mean change of an output cell per 1-px
        step over shifts 0-7 (:func:`pooling_lib.lessons.aliasing.shift_change`).

    Examples
    --------
    >>> e = AliasingExplorer(image="stripes", shift=1, method="max")
    >>> e.output[0]
    array([1., 1., 1., 1., 1., 1., 1., 1.])
    >>> e.change["max"].largest, e.change["blur"].largest
    (1.0, 0.25)
    """

    figsize = (8.0, 6.6)
    #: The followed output column stops at the last column of the current output.
    limits = {"column": lambda v: _series(v["image"], "max", 4)[0].shape[2] - 1}

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "image": widgets.ToggleButtons(options=[("stripes", "stripes"), ("photo (roof)", "photo")],
                                           value="stripes", description="input", style=style),
            "shift": widgets.IntSlider(value=0, min=0, max=MAX_SHIFT, description="shift (px)", style=style),
            "method": widgets.ToggleButtons(options=[(_LABELS[m], m) for m in _METHODS], value="max",
                                            description="downsampling", style=style),
            "filter_size": widgets.IntSlider(value=4, min=1, max=7, description="blur filter_size",
                                             style=style),
            "column": widgets.IntSlider(value=4, min=0, max=7, description="followed output column",
                                        style=style),
        }

    def draw(self, fig, **values):
        fig.subplots_adjust(left=0.09, right=0.98, top=0.94, bottom=0.16, hspace=0.62)
        self.ax_in, self.ax_out, self.ax_curve = fig.subplots(
            3, 1, gridspec_kw={"height_ratios": [1, 1, 1.35]})
        self.input_image = self.ax_in.imshow(np.zeros((8, 16)), cmap="gray", vmin=0, vmax=1,
                                             interpolation="nearest", aspect="auto")
        self.output_image = self.ax_out.imshow(np.zeros((4, 8)), cmap="gray", vmin=0, vmax=1,
                                               interpolation="nearest", aspect="auto")
        self.window_lines = LineCollection([], colors=PADDING_HATCH, linewidths=1.5)
        self.ax_in.add_collection(self.window_lines)
        # cell borders on the small output, so that an all-white (or all-black) output still shows its cells
        self.cell_lines = LineCollection([], colors=PADDING_HATCH, linewidths=1.5)
        self.ax_out.add_collection(self.cell_lines)
        self.footprint = Rectangle((0, 0), 1, 1, fill=False, edgecolor=WINNER_EDGE, linewidth=3)
        self.ax_in.add_patch(self.footprint)
        self.cell_box = Rectangle((0, 0), 1, 1, fill=False, edgecolor=WINNER_EDGE, linewidth=3)
        self.ax_out.add_patch(self.cell_box)
        for ax in (self.ax_in, self.ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
        self.in_title = self.ax_in.set_title("", fontsize=_FONT, loc="left")
        self.out_title = self.ax_out.set_title("", fontsize=_FONT, loc="left")
        self.curves = {}
        for m in _METHODS:
            (self.curves[m],) = self.ax_curve.plot(_SHIFTS, np.zeros(len(_SHIFTS)), marker="o",
                                                   color=_COLOURS[m], label=_LABELS[m])
        self.now = self.ax_curve.axvline(0, color=INK, linewidth=1.5, linestyle="--")
        self.ax_curve.set_xlim(-0.3, MAX_SHIFT + 0.3)
        self.ax_curve.set_ylim(-0.05, 1.05)
        self.ax_curve.set_xticks(_SHIFTS)
        self.ax_curve.set_xlabel("shift of the input (px)", fontsize=_FONT)
        self.ax_curve.set_ylabel("value", fontsize=_FONT)
        self.ax_curve.tick_params(labelsize=_FONT)
        self.curve_title = self.ax_curve.set_title("", fontsize=_FONT, loc="left")
        self.legend = self.ax_curve.legend(fontsize=_FONT, ncols=3, loc="upper center",
                                           bbox_to_anchor=(0.5, -0.33), frameon=False)

    def update(self, image, shift, method, filter_size, column):
        outputs, _ = _series(image, method, _filter(method, filter_size))
        rows, cols = outputs.shape[1:3]
        self.change = {m: _series(image, m, _filter(m, filter_size))[1] for m in _METHODS}
        self.cell = (rows // 2, column)
        r, c = self.cell
        x = _INPUTS[image](shift)
        self.output = outputs[shift]

        self.input_image.set_data(x)
        self.input_image.set_extent((-0.5, x.shape[1] - 0.5, x.shape[0] - 0.5, -0.5))
        self.output_image.set_data(self.output)
        self.output_image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        if image == "stripes":
            self.window_lines.set_segments([[(k - 0.5, -0.5), (k - 0.5, x.shape[0] - 0.5)]
                                            for k in range(_F, x.shape[1], _F)])
            self.cell_lines.set_segments(
                [[(k - 0.5, -0.5), (k - 0.5, rows - 0.5)] for k in range(1, cols)]
                + [[(-0.5, k - 0.5), (cols - 0.5, k - 0.5)] for k in range(1, rows)])
        else:
            self.window_lines.set_segments([])
            self.cell_lines.set_segments([])
        # the input cells the outlined output cell reads: a 2x2 window, or for blur the
        # dense-max windows under the blur's taps (clipped to the image; the rest is reflected)
        before, after = ((filter_size - 1) // 2, filter_size // 2) if method == "blur" else (0, 0)
        top, left = max(_F * r - before, 0), max(_F * c - before, 0)
        bottom = min(_F * r + after + _F, x.shape[0])
        right = min(_F * c + after + _F, x.shape[1])
        self.footprint.set_bounds(left - 0.5, top - 0.5, right - left, bottom - top)
        self.clipped = (top, left) != (_F * r - before, _F * c - before) or \
            (bottom, right) != (_F * r + after + _F, _F * c + after + _F)
        self.cell_box.set_bounds(c - 0.5, r - 0.5, 1, 1)
        self.in_title.set_text(f"input: {_NAMES[image]}, moved {shift} px to the right "
                               f"({x.shape[0]}×{x.shape[1]})")
        self.out_title.set_text(f"output: {_LABELS[method]}"
                                + (f", filter_size {filter_size}" if method == "blur" else "")
                                + f", window 2, stride 2 ({rows}×{cols})")

        for m, line in self.curves.items():
            line.set_ydata(_series(image, m, _filter(m, filter_size))[0][:, r, c])
            chosen = m == method
            line.set_linewidth(4 if chosen else 1.5)
            line.set_alpha(1.0 if chosen else 0.55)
            line.set_zorder(3 if chosen else 2)
        self.now.set_xdata([shift, shift])
        self.curve_title.set_text(f"output cell ({r}, {c}) (outlined) at every shift")
        self.caption.value = self._caption(image, shift, method, filter_size, outputs)

    def _caption(self, image, shift, method, filter_size, outputs):
        change = self.change[method]
        step = ""
        if shift > 0:
            moved = np.abs(outputs[shift] - outputs[shift - 1])[:, 1:-1]
            step = (f"From shift {shift - 1} to {shift} the inner cells change by up to {moved.max():.2f} "
                    f"(mean {moved.mean():.3f}). ")
        others = ", ".join(f"{_LABELS[m]} {self.change[m].largest:.2f} / {self.change[m].mean:.3f}"
                           for m in _METHODS if m != method)
        lines = [
            step + f"Over shifts 0 to {MAX_SHIFT}, a 1-px step changes an output cell by up to "
            f"<b>{change.largest:.2f}</b> (mean <b>{change.mean:.3f}</b>) with {_LABELS[method]}"
            + (f" ({filter_size} taps)" if method == "blur" else "") + f"; {others} "
            "(largest / mean; border columns left out, values 0 = black to 1 = white).",
        ]
        if method == "blur":
            lines.append(f"The outlined input cells feed the outlined output: {filter_size} dense-max windows "
                         f"under the blur's {filter_size} taps per axis" + (", i.e. plain max pooling"
                                                                           if filter_size == 1 else "")
                         + ("; at the border the blur reflects the map, so fewer cells are outlined"
                            if self.clipped else "") + ".")
        else:
            lines.append("The outlined input cells are the 2×2 window of the outlined output cell; "
                         "<b>followed output column</b> moves it (the curves follow it).")
        return "<br>".join(lines)


def _image_axes(ax, image, title):
    ax.imshow(image, cmap=None if image.ndim == 3 else "gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(title, fontsize=_FONT)
    ax.set_xticks([])
    ax.set_yticks([])


def photo_figure(name, fs=(2, 4, 8), methods=("max", "mean")):
    """A sample photo and its pooled versions: one row per method, one column per window ``f``.

    Parameters
    ----------
    name : {'china.jpg', 'flower.jpg'}
    fs : sequence of int, optional
        Windows (= strides).
    methods : sequence of str, optional
        Methods of :func:`pooling_lib.lessons.aliasing.downsample`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = photo_figure("flower.jpg")
    >>> len(fig.axes)
    8
    """
    fig = Figure(figsize=(2.6 * (len(fs) + 1), 2.15 * len(methods)), layout="constrained")
    axes = fig.subplots(len(methods), len(fs) + 1, squeeze=False)
    for row, method in zip(axes, methods):
        _image_axes(row[0], photo(name), f"{name} (427×640)")
        for ax, f in zip(row[1:], fs):
            pooled = pooled_photo(name, f, method)
            _image_axes(ax, pooled, f"{method}, f = {f} ({pooled.shape[0]}×{pooled.shape[1]})")
    return fig


def roof_figure(fs=(2, 4), methods=("subsample", "max", "mean", "blur")):
    """The middle roof of ``china.jpg`` and its downsampled versions: one row per ``f``.

    Examples
    --------
    >>> fig = roof_figure()
    >>> len(fig.axes)
    10
    """
    fig = Figure(figsize=(2.7 * (len(methods) + 1), 1.75 * len(fs) + 0.4), layout="constrained")
    axes = fig.subplots(len(fs), len(methods) + 1, squeeze=False)
    view = roof_view()
    for row, f in zip(axes, fs):
        _image_axes(row[0], view, "roof (60×140)")
        for ax, method in zip(row[1:], methods):
            label = f"every {f}th pixel" if method == "subsample" else _LABELS.get(method, method)
            _image_axes(ax, downsample(view, method, f), f"{label}, f = {f}".replace("every 2th", "every 2nd"))
    return fig


def figures():
    """Yield ``("10-aliasing-explorer", figure)``: the explorer on the stripes at shift 1."""
    yield "10-aliasing-explorer", AliasingExplorer(shift=1).fig
