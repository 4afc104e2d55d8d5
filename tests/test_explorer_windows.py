"""Lesson 02's WindowsExplorer: move the controls, check what the picture shows.

Every expected number is computed here from the definition (a naive loop over
window starts, PyTorch's output-size rule), not by the explorer's code path.
"""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from pooling_lib import pool
from pooling_lib.explorers.windows import WindowsExplorer, figures, post_example, size_formula

POST = np.array([[8, 3, 7, 15, 16, 10],
                 [2, 2, 2, 14, 2, 17],
                 [16, 15, 4, 11, 16, 9],
                 [2, 12, 4, 1, 13, 19],
                 [4, 4, 3, 7, 17, 15],
                 [1, 14, 7, 16, 2, 9]])


def naive_size(n, f, s, p, ceil_mode):
    """PyTorch's rule, written from its documentation."""
    span = (n + 2 * p - f) / s
    out = (math.ceil(span) if ceil_mode else math.floor(span)) + 1
    if ceil_mode and (out - 1) * s >= n + p:  # the last window must start inside input or left padding
        out -= 1
    return out


def naive_pool(x, f, s, p, ceil_mode, method):
    """Loop over windows; padding never wins a max and counts as 0 in a mean (divisor includes it)."""
    h, w = x.shape
    ho, wo = naive_size(h, f, s, p, ceil_mode), naive_size(w, f, s, p, ceil_mode)
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            r0, c0 = i * s - p, j * s - p
            real = [x[r, c] for r in range(r0, r0 + f) for c in range(c0, c0 + f)
                    if 0 <= r < h and 0 <= c < w]
            if method == "max":
                out[i, j] = max(real)
            else:
                rows = min(r0 + f, h + p) - r0  # cells past the padding are never counted
                cols = min(c0 + f, w + p) - c0
                out[i, j] = sum(real) / (rows * cols)
    return out


CASES = [
    # f, stride, padding, ceil_mode, method
    (3, 3, 0, False, "max"),
    (3, 2, 0, False, "max"),
    (3, 2, 1, False, "mean"),
    (3, 2, 0, True, "max"),
    (2, 1, 1, False, "max"),
    (4, 4, 0, False, "mean"),
    (4, 4, 0, True, "mean"),
    (4, 4, 2, True, "max"),  # ceil would add a window starting in the right padding: dropped
    (2, 3, 1, True, "mean"),
    (1, 2, 0, False, "max"),
    (6, 1, 3, False, "max"),
    (5, 3, 2, True, "mean"),
]


@pytest.fixture(scope="module")
def explorer():
    """One explorer for the parametrised cases: each sets every control, so order does not matter."""
    return WindowsExplorer()


def test_opening_picture_is_the_posts_example():
    ex = WindowsExplorer()
    np.testing.assert_array_equal(post_example(), POST)
    np.testing.assert_array_equal(ex.picture.grid_in.values, POST)
    np.testing.assert_array_equal(ex.picture.grid_out.values, [[16, 17], [14, 19]])
    assert ex.picture.visible_windows() == 4
    assert "floor((6 + 2·0 − 3) / 3) + 1 = 2" in ex.caption.value
    assert ex.formula.get_text() == "ho = wo = floor((6 + 2·0 − 3) / 3) + 1 = 2"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_output_grid_is_the_pooled_input(case, explorer):
    f, s, p, ceil_mode, method = case
    ex = explorer
    ex.set(f=f, stride=s, padding=p, ceil_mode=ceil_mode, method=method)
    assert ex.values() == {"f": f, "stride": s, "padding": p, "ceil_mode": ceil_mode, "method": method}
    np.testing.assert_allclose(ex.picture.grid_out.values, naive_pool(POST, f, s, p, ceil_mode, method))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_one_outline_per_window_at_the_right_place(case, explorer):
    f, s, p, ceil_mode, method = case
    ex = explorer
    ex.set(f=f, stride=s, padding=p, ceil_mode=ceil_mode, method=method)
    ho = naive_size(6, f, s, p, ceil_mode)
    assert ex.picture.visible_windows() == ho * ho
    centres = sorted((round(patch.get_x() + patch.get_width() / 2, 6),
                      round(patch.get_y() + patch.get_height() / 2, 6))
                     for patch in ex.picture.window_patches if patch.get_visible())
    # window (i, j) covers input rows i*s - p ... i*s - p + f - 1; its centre is in the middle of those cells
    expected = sorted((j * s - p + (f - 1) / 2, i * s - p + (f - 1) / 2)
                      for i in range(ho) for j in range(ho))
    np.testing.assert_allclose(centres, expected)
    assert sum(patch.get_visible() for patch in ex.picture.output_patches) == ho * ho


@pytest.mark.parametrize("case", CASES, ids=str)
def test_caption_writes_the_formula_with_the_numbers(case, explorer):
    f, s, p, ceil_mode, method = case
    ex = explorer
    ex.set(f=f, stride=s, padding=p, ceil_mode=ceil_mode, method=method)
    ho = naive_size(6, f, s, p, ceil_mode)
    name = "ceil" if ceil_mode else "floor"
    counted = (math.ceil if ceil_mode else math.floor)((6 + 2 * p - f) / s) + 1
    text = f"{name}((6 + 2·{p} − {f}) / {s}) + 1"
    text += f" = {ho}" if counted == ho else f" − 1 = {ho}"
    assert text in ex.caption.value
    assert ex.formula.get_text() == f"ho = wo = {text}"
    assert f"→ {ho}×{ho} = {ho * ho} window{'' if ho == 1 else 's'}." in ex.caption.value


def test_dropped_window_is_explained():
    ex = WindowsExplorer(f=4, stride=4, padding=2, ceil_mode=True)
    # ceil((6 + 4 - 4) / 4) + 1 = 3 windows, the third would start at 2*4 - 2 = 6: past the input
    assert "− 1 = 2 (window 3 would start at 6, past the input)" in ex.caption.value


def test_uncovered_and_overhanging_cells_are_explained():
    ex = WindowsExplorer(f=4, stride=4)
    assert "rows/columns 4–5 are in no window" in ex.caption.value
    ex.set(ceil_mode=True)
    # the second window starts at 4 and would reach row 7: 2 cells past the edge
    assert "hangs 2 cells past the edge" in ex.caption.value


def test_overlap_and_gap_are_described():
    ex = WindowsExplorer(f=3, stride=2)
    assert "share 1 row/column" in ex.caption.value
    ex.set(stride=3)
    assert "without overlapping" in ex.caption.value
    ex.set(f=2, stride=3)
    assert "1 row/column between windows is never looked at" in ex.caption.value


def test_padding_is_drawn_as_a_hatched_border():
    ex = WindowsExplorer()
    assert not ex.picture.pad_patch.get_visible()
    ex.set(padding=1)
    patch = ex.picture.pad_patch
    assert patch.get_visible() and patch.get_hatch()
    assert (patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()) == (-1.5, -1.5, 8, 8)
    assert ex.picture.ax_in.get_xlim() == (-1.5, 6.5)
    assert "never wins a maximum" in ex.caption.value
    ex.set(method="mean")
    assert "counts as 0 in the mean" in ex.caption.value


def test_padding_limit_follows_the_window():
    ex = WindowsExplorer(f=6, padding=3)
    assert ex.controls["padding"].max == 3
    renders = ex.renders
    ex.controls["f"].value = 3
    assert ex.controls["padding"].max == 1
    assert ex.controls["padding"].value == 1
    assert ex.renders == renders + 1, "clamping the padding must not render twice"
    np.testing.assert_array_equal(ex.picture.grid_out.values, naive_pool(POST, 3, 3, 1, False, "max"))
    ex.controls["f"].value = 1
    assert (ex.controls["padding"].max, ex.controls["padding"].value) == (0, 0)


def test_set_can_raise_window_and_padding_together():
    ex = WindowsExplorer()
    ex.set(f=4, padding=2)
    assert ex.values()["padding"] == 2
    assert ex.picture.ax_in.get_xlim() == (-2.5, 7.5)


def test_mean_values_are_rounded_to_one_decimal_in_the_picture():
    ex = WindowsExplorer(method="mean")
    texts = [t.get_text() for row in ex.picture.grid_out.texts for t in row if t.get_visible()]
    expected = [f"{v:.1f}" for v in naive_pool(POST, 3, 3, 0, False, "mean").ravel()]
    assert texts == expected


def test_other_inputs():
    x = np.arange(16).reshape(4, 4)
    ex = WindowsExplorer(x, f=2, stride=2)
    np.testing.assert_array_equal(ex.picture.grid_out.values, [[5, 7], [13, 15]])
    assert ex.controls["f"].max == 4


def test_padding_too_large_for_the_window():
    with pytest.raises(ValueError, match=r"padding must be at most half the window \(2 // 2 = 1\), got 2"):
        WindowsExplorer(f=2, padding=2)


def test_input_must_be_two_dimensional():
    with pytest.raises(ValueError, match=r"x must be a 2-D grid, got shape \(2, 2, 2\)"):
        WindowsExplorer(np.zeros((2, 2, 2)))


def test_input_must_be_small():
    with pytest.raises(ValueError, match=r"x must be at most 8x8 to stay readable, got shape \(9, 9\)"):
        WindowsExplorer(np.zeros((9, 9)))


def test_input_must_be_numeric():
    with pytest.raises(TypeError, match="x must hold integers or floats, got dtype <U1"):
        WindowsExplorer(np.full((4, 4), "a"))


def test_size_formula_matches_the_rule():
    for n in range(1, 9):
        for f in range(1, n + 1):
            for s in range(1, 5):
                for p in range(f // 2 + 1):
                    for ceil_mode in (False, True):
                        text = size_formula(n, f, s, p, ceil_mode)
                        assert text.split(" = ")[1].split(" ")[0] == str(naive_size(n, f, s, p, ceil_mode))


def test_figures_yield_the_posts_figure_1_and_the_explorer():
    found = list(figures())
    assert [name for name, _ in found] == ["post-figure-1-windows", "02-windows-explorer"]
    assert all(isinstance(fig, Figure) for _, fig in found)
    fig1 = found[0][1]
    # the two output panels: [[16 17] [14 19]] and the 3x3 result of stride 2 with padding 1
    outputs = [np.asarray(ax.images[0].get_array()) for ax in fig1.axes[1::2]]
    np.testing.assert_array_equal(outputs[0][:2, :2], [[16, 17], [14, 19]])
    np.testing.assert_array_equal(outputs[1], naive_pool(POST, 3, 2, 1, False, "max"))



def test_caption_does_not_talk_of_neighbours_when_one_window_fits():
    explorer = WindowsExplorer(f=4, stride=3)
    assert pool(explorer.x, 4, 3).shape == (1, 1)
    assert "Only one window fits" in explorer.caption.value
    assert "neighbouring windows" not in explorer.caption.value
