"""Lesson 01's shift explorer: how much do the conv map and the pooled maps change under a small shift?

Top row: the shifted digit, its conv map (vertical-edge filter, ReLU), that map
max-pooled and mean-pooled with f x f windows, stride f. Bottom row: the
unshifted digit and, under each map, how far every cell moved from the
unshifted map (|shifted - unshifted|), with the relative change
``||shifted - unshifted|| / ||unshifted||`` in the title. The maths is
:func:`pooling_lib.lessons.why_pool.shift_changes`; this module only draws.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from ..palette import SELECTED_EDGE
from .base import NOTHING, Explorer
from ..lessons import why_pool
from ..lessons.why_pool import EXPLORER_DIGITS, MAX_SHIFT, shift_changes, shift_right

__all__ = ["InvarianceExplorer", "figures"]

_PANELS = (("conv", "conv map"), ("max", "max-pooled"), ("mean", "mean-pooled"))
_TITLE = 14  # points: 14.9 CSS px at 1280 px wide, 11.4 at 900 px (figure 8 in wide)


class InvarianceExplorer(Explorer):
    """Shift slider 0-3 px, window slider 2-4, a digit to pick; conv vs max- vs mean-pooled change.

    Examples
    --------
    >>> e = InvarianceExplorer(shift=1)
    >>> sorted(e.change)
    ['conv', 'max', 'mean']
    >>> e.set(shift=0)
    >>> e.change["max"]
    0.0
    """

    figsize = (8.0, 4.6)

    def make_controls(self):
        style = {"description_width": "initial"}
        return {
            "digit": widgets.Dropdown(options=[(f"digit {i}", i) for i in EXPLORER_DIGITS], value=0,
                                      description="image", style=style),
            "shift": widgets.IntSlider(value=1, min=0, max=MAX_SHIFT, description="shift (px)", style=style),
            "f": widgets.IntSlider(value=2, min=2, max=4, description="window f (= stride)", style=style),
        }

    def draw(self, fig, **values):
        axes = fig.subplots(2, 4)
        self.axes = axes
        blank16 = np.zeros((16, 16))
        blank14 = np.zeros((14, 14))
        self.img_in = axes[0, 0].imshow(blank16, cmap="gray_r", vmin=0, vmax=1)
        self.img_ref = axes[1, 0].imshow(blank16, cmap="gray_r", vmin=0, vmax=1)
        axes[1, 0].set_title("unshifted", fontsize=_TITLE)
        self.img_map, self.img_diff = {}, {}
        for col, (name, label) in enumerate(_PANELS, start=1):
            self.img_map[name] = axes[0, col].imshow(blank14, cmap="viridis", vmin=0, vmax=1)
            self.img_diff[name] = axes[1, col].imshow(blank14, cmap="magma", vmin=0, vmax=1)
        for ax in axes.ravel():
            ax.set_xticks([])
            ax.set_yticks([])
        fig.subplots_adjust(left=0.01, right=0.99, top=0.92, bottom=0.01, wspace=0.08, hspace=0.22)
        # the selected pooled cell and its window, outlined on every map (created once, hidden until a click)
        self.outlines = []
        for row in (0, 1):
            for col in (1, 2, 3):
                rect = Rectangle((0, 0), 1, 1, fill=False, edgecolor="white", linewidth=3.0, visible=False)
                inner = Rectangle((0, 0), 1, 1, fill=False, edgecolor=SELECTED_EDGE, linewidth=1.5,
                                  visible=False)
                axes[row, col].add_patch(rect)
                axes[row, col].add_patch(inner)
                self.outlines.append((col, rect, inner))

    def selection_grids(self, values):
        shape = shift_changes(why_pool.digit(values["digit"]), 0, values["f"])["maps"]["max"][0].shape
        return {"output": (self.axes[0, 2], shape)}

    def update(self, digit=0, shift=1, f=2, select=NOTHING):
        image = why_pool.digit(digit)
        result = shift_changes(image, shift, f)
        self.change = result["change"]
        self.img_in.set_data(shift_right(image, shift))
        self.axes[0, 0].set_title(f"shifted {shift} px", fontsize=_TITLE)
        self.img_ref.set_data(image)
        for col, (name, label) in enumerate(_PANELS, start=1):
            old, new = result["maps"][name]
            top = max(float(old.max()), 1e-12)
            ax_map, ax_diff = self.axes[0, col], self.axes[1, col]
            self.img_map[name].set_data(new)
            self.img_map[name].set_clim(0, top)
            self.img_map[name].set_extent((-0.5, new.shape[1] - 0.5, new.shape[0] - 0.5, -0.5))
            ax_map.set_xlim(-0.5, new.shape[1] - 0.5)
            ax_map.set_ylim(new.shape[0] - 0.5, -0.5)
            ax_map.set_title(label, fontsize=_TITLE)
            diff = np.abs(new - old)
            self.img_diff[name].set_data(diff)
            self.img_diff[name].set_clim(0, top)
            self.img_diff[name].set_extent((-0.5, diff.shape[1] - 0.5, diff.shape[0] - 0.5, -0.5))
            ax_diff.set_xlim(-0.5, diff.shape[1] - 0.5)
            ax_diff.set_ylim(diff.shape[0] - 0.5, -0.5)
            ax_diff.set_title(f"change {100 * self.change[name]:.0f}%", fontsize=_TITLE)
        c = {name: f"{100 * v:.0f}%" for name, v in self.change.items()}
        sizes = {name: "×".join(map(str, maps[1].shape)) for name, maps in result["maps"].items()}
        if shift == 0:
            verdict = "No shift: nothing changes."
        else:
            order = sorted(self.change, key=self.change.get)
            names = {name: f"{label} map" if name != "conv" else label for name, label in _PANELS}
            verdict = (f"Least changed: the {names[order[0]]}; most: the {names[order[-1]]}."
                       + (f" A shift of {shift} px is a whole stride: the pooled maps move by one cell."
                          if shift == f else ""))
        picked = ""
        for col, rect, inner in self.outlines:
            for patch in (rect, inner):
                patch.set_visible(bool(select))
            if select:
                _, sr, sc = select
                size = 1 if col > 1 else f  # a pooled cell, or its f×f window on the conv map
                for patch in (rect, inner):
                    patch.set_xy((sc * size - 0.5, sr * size - 0.5))
                    patch.set_width(size)
                    patch.set_height(size)
        if select:
            _, sr, sc = select
            (old_max, new_max), (old_mean, new_mean) = result["maps"]["max"], result["maps"]["mean"]
            picked = (f"<br>Pooled cell ({sr}, {sc}) summarises conv-map rows {sr * f}-{sr * f + f - 1}, columns "
                      f"{sc * f}-{sc * f + f - 1} (outlined): max {old_max[sr, sc]:.2f} → {new_max[sr, sc]:.2f}, "
                      f"mean {old_mean[sr, sc]:.2f} → {new_mean[sr, sc]:.2f}. Click it again or press Escape to "
                      "clear.")
        else:
            picked = "<br>Click a cell of the max-pooled map (or use “point at”) to outline its window."
        self.caption.value = (
            f"Digit {digit}: conv map {sizes['conv']}, pooled with {f}×{f} windows, stride {f}, "
            f"to {sizes['max']}. "
            "Relative change ‖shifted − unshifted‖ / ‖unshifted‖: "
            f"conv map <b>{c['conv']}</b>, max-pooled <b>{c['max']}</b>, mean-pooled <b>{c['mean']}</b>. "
            f"{verdict} Bottom row: |shifted − unshifted| per cell (dark = unchanged)." + picked
        )


def figures():
    """Yield ``("01-invariance-explorer", figure)``: digit 0 shifted by 1 px, 2x2 windows."""
    yield "01-invariance-explorer", InvarianceExplorer(shift=1).fig
