"""Lesson 02's WindowsExplorer: move the controls, check what the picture shows.

Every expected number is computed here from the definition (a naive loop over
window starts, PyTorch's output-size rule), not by the explorer's code path.
"""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from pooling_lib import pool
from pooling_lib.arithmetic import size_formula
from pooling_lib.examples import post_example
from pooling_lib.explorers.base import NARROW_WIDTH_PX, WIDE_WIDTH_PX
from pooling_lib.explorers.windows import WindowsExplorer, figures

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
    # the formula is shown once: in the picture, not again in the caption
    assert "floor(" not in ex.caption.value
    assert ex.formula.get_text() == "ho = wo = floor((6 + 2·0 − 3) / 3) + 1 = 2"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_output_grid_is_the_pooled_input(case, explorer):
    f, s, p, ceil_mode, method = case
    ex = explorer
    ex.set(f=f, stride=s, padding=p, ceil_mode=ceil_mode, method=method)
    assert ex.values() == {"f": f, "stride": s, "padding": p, "ceil_mode": ceil_mode, "method": method,
                           "dilation": 1, "select": ()}
    np.testing.assert_allclose(ex.picture.grid_out.values, naive_pool(POST, f, s, p, ceil_mode, method))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_one_outline_per_window_at_the_right_place(case, explorer):
    f, s, p, ceil_mode, method = case
    ex = explorer
    ex.set(f=f, stride=s, padding=p, ceil_mode=ceil_mode, method=method)
    ho = naive_size(6, f, s, p, ceil_mode)
    assert ex.picture.visible_windows() == ho * ho
    centres = sorted((round(seg[:4, 0].mean(), 6), round(seg[:4, 1].mean(), 6))
                     for seg in ex.picture.window_lines.get_segments())
    # window (i, j) covers input rows i*s - p ... i*s - p + f - 1; its centre is in the middle of those cells
    expected = sorted((j * s - p + (f - 1) / 2, i * s - p + (f - 1) / 2)
                      for i in range(ho) for j in range(ho))
    np.testing.assert_allclose(centres, expected)
    assert len(ex.picture.output_lines.get_segments()) == ho * ho


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
    assert ex.formula.get_text() == f"ho = wo = {text}"
    assert f"{ho}×{ho} = {ho * ho} window{'' if ho == 1 else 's'}." in ex.caption.value


def test_dropped_window_is_explained():
    ex = WindowsExplorer(f=4, stride=4, padding=2, ceil_mode=True)
    # ceil((6 + 4 - 4) / 4) + 1 = 3 windows, the third would start at 2*4 - 2 = 6: past the input
    assert ex.formula.get_text().endswith("+ 1 − 1 = 2")
    assert "window 3 would start at 6, past the input, so it is dropped: 2" in ex.caption.value


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
    assert ex.renders == renders + 1, "limiting the padding must not render twice"
    np.testing.assert_array_equal(ex.picture.grid_out.values, naive_pool(POST, 3, 3, 1, False, "max"))
    ex.controls["f"].value = 1
    assert (ex.controls["padding"].max, ex.controls["padding"].value) == (0, 0)
    assert ex.controls["padding"].disabled
    assert "padding p is disabled: a 1×1 window allows no padding" in ex.caption.value


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
    texts = [[[t.get_text() for t in row[:3]] for row in ax.texts and []] for ax in fig1.axes]
    shown = [np.array([[int(t.get_text()) for t in ax.texts[k * 3:k * 3 + 3] if t.get_visible()]
                       for k in range(3)], dtype=object) for ax in fig1.axes[1::2]]
    assert [t.get_text() for t in fig1.axes[1].texts if t.get_visible()] == ["16", "17", "14", "19"]
    assert [t.get_text() for t in fig1.axes[3].texts if t.get_visible()] == [
        str(v) for v in naive_pool(POST, 3, 2, 1, False, "max").astype(int).ravel()]
    del texts, shown


def test_caption_does_not_talk_of_neighbours_when_one_window_fits():
    explorer = WindowsExplorer(f=4, stride=3)
    assert pool(explorer.x, 4, 3).shape == (1, 1)
    assert "Only one window fits" in explorer.caption.value
    assert "neighbouring windows" not in explorer.caption.value


def naive_dilated_max(x, f, s, p, d):
    """Max over the taps r0 + d*k (k < f) of each window, padding never wins."""
    h, w = x.shape
    ho = (h + 2 * p - (d * (f - 1) + 1)) // s + 1
    wo = (w + 2 * p - (d * (f - 1) + 1)) // s + 1
    out = np.zeros((ho, wo), dtype=x.dtype)
    for i in range(ho):
        for j in range(wo):
            out[i, j] = max(x[r, c] for r in range(i * s - p, i * s - p + d * (f - 1) + 1, d)
                            for c in range(j * s - p, j * s - p + d * (f - 1) + 1, d)
                            if 0 <= r < h and 0 <= c < w)
    return out


@pytest.mark.parametrize("f, s, p, d", [(3, 1, 0, 2), (2, 1, 1, 3), (3, 2, 1, 2), (2, 2, 0, 4)])
def test_dilation_pools_every_dth_cell(f, s, p, d):
    ex = WindowsExplorer(f=f, stride=s, padding=p, dilation=d)
    np.testing.assert_array_equal(ex.picture.grid_out.values, naive_dilated_max(POST, f, s, p, d))
    span = d * (f - 1) + 1
    assert f"({d}·({f} − 1) + 1)" in ex.formula.get_text()
    assert f"spans {d}·({f} − 1) + 1 = {span} cells" in ex.caption.value
    # the outline spans d(f-1)+1 cells
    seg = ex.picture.window_lines.get_segments()[0]
    assert seg[:, 0].max() - seg[:, 0].min() == pytest.approx(span - 2 * 0.07)


def test_dilation_is_limited_to_windows_that_fit():
    ex = WindowsExplorer(f=3)
    # a window of span 2*(3-1)+1 = 5 fits in 6 cells, of span 7 does not
    assert ex.controls["dilation"].max == 2
    ex.set(padding=1)
    assert ex.controls["dilation"].max == 3  # span 7 fits 6 + 2*1
    ex.set(dilation=3, f=4)
    # f=4 with dilation 3 would span 10 cells > 6 + 2*1 (the padding of f=4 may be 2: 10 cells fit)
    assert ex.values()["dilation"] * (ex.values()["f"] - 1) + 1 <= 6 + 2 * ex.values()["padding"]


def test_mean_pooling_disables_dilation_and_says_why():
    ex = WindowsExplorer(dilation=2)
    ex.controls["method"].value = "mean"
    assert ex.values()["dilation"] == 1
    assert ex.controls["dilation"].disabled
    assert "dilation d is disabled: PyTorch's mean pooling (AvgPool2d) has no dilation." in ex.caption.value
    ex.controls["method"].value = "max"
    assert not ex.controls["dilation"].disabled


def test_stride_is_disabled_when_one_window_fits_whatever_the_stride():
    ex = WindowsExplorer(f=6)
    assert ex.controls["stride"].disabled
    assert "stride s is disabled: one window fits whatever the stride" in ex.caption.value
    ex.set(f=5)
    assert not ex.controls["stride"].disabled


def test_no_control_is_disabled_in_the_starting_state():
    ex = WindowsExplorer()
    assert [name for name, c in ex.controls.items() if c.disabled] == []


def test_ceil_mode_changes_the_formula_even_where_the_size_stays():
    ex = WindowsExplorer()
    before = ex.image.value
    ex.controls["ceil_mode"].value = True
    assert ex.formula.get_text() == "ho = wo = ceil((6 + 2·0 − 3) / 3) + 1 = 2"
    assert "floor and ceil give the same size here" in ex.caption.value
    assert ex.image.value != before


def test_selecting_an_output_cell_highlights_its_window_only():
    ex = WindowsExplorer(stride=1, padding=1)
    ex.select("output", 1, 2)
    # window (1, 2) reads rows 0-2 and columns 1-3 (stride 1, padding 1)
    assert ex.picture.highlighted == [(1, 2)]
    selected = ex.picture.grid_in.colours
    yellow = np.all(np.isclose(selected, np.array([1.0, 0xd5 / 255, 0x4f / 255])), axis=-1)
    assert sorted(zip(*np.nonzero(yellow))) == [(r, c) for r in range(0, 3) for c in range(1, 4)]
    assert len(ex.picture.selected_line.get_segments()) == 1
    alphas = ex.picture.window_lines.get_colors()[:, 3]
    assert (alphas == 1).sum() == 1 and (alphas < 1).sum() == 35
    assert "<b>Window (1, 2)</b> reads rows 0–2 and columns 1–3 (its 9 cells); its max is 15." in ex.caption.value


def test_selecting_an_input_cell_shows_every_window_that_sees_it():
    ex = WindowsExplorer(stride=1, padding=1)
    ex.select("input", 0, 0)
    # with stride 1 and padding 1, cell (0, 0) is read by windows starting at -1 and 0 on each axis
    assert ex.picture.highlighted == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert "is seen by 4 windows: output cells (0, 0), (0, 1), (1, 0), (1, 1)." in ex.caption.value
    ex.set(f=2, stride=3, padding=0)
    ex.select("input", 2, 2)  # rows 0-1 and 3-4 are pooled, row 2 never
    assert ex.picture.highlighted == []
    assert "is seen by no window" in ex.caption.value
    ex.select("input", 3, 3)
    assert "is seen by 1 window: output cell (1, 1)." in ex.caption.value


def test_click_selects_and_a_second_click_or_escape_clears():
    ex = WindowsExplorer()
    x, y = ex.cell_centre("output", 1, 0)
    ex.click(x, y)
    assert ex.selection == ("output", 1, 0)
    ex.click(x, y)
    assert ex.selection == ()
    x, y = ex.cell_centre("input", 4, 5)
    ex.click(x, y)
    assert ex.selection == ("input", 4, 5)
    ex.key("Escape")
    assert ex.selection == ()
    ex.click(0.001, 0.999)  # the margin: no cell, nothing happens
    assert ex.selection == ()


def test_arrow_keys_move_the_selection_within_its_grid():
    ex = WindowsExplorer()
    ex.key("ArrowRight")
    assert ex.selection == ("output", 0, 0)
    ex.key("ArrowRight")
    ex.key("ArrowDown")
    ex.key("ArrowDown")
    assert ex.selection == ("output", 1, 1)  # clipped to the 2x2 output


def test_a_selection_outside_the_new_output_is_cleared():
    ex = WindowsExplorer(stride=1)
    ex.select("output", 3, 3)
    ex.set(stride=3)
    assert ex.selection == ()
    labels = [label for label, _ in ex.controls["select"].options]
    assert labels[:3] == ["nothing", "output (0, 0)", "output (0, 1)"] and "input (5, 5)" in labels


def test_text_is_large_enough_at_both_window_widths():
    for values in ({}, {"stride": 1, "padding": 1}, {"f": 2, "stride": 1, "padding": 1, "ceil_mode": True},
                   {"dilation": 2, "padding": 1}, {"method": "mean", "stride": 1}):
        ex = WindowsExplorer(**values)
        assert ex.smallest_text_px(WIDE_WIDTH_PX) >= 13, ex.text_sizes(WIDE_WIDTH_PX)[:3]
        assert ex.smallest_text_px(NARROW_WIDTH_PX) >= 11, ex.text_sizes(NARROW_WIDTH_PX)[:3]
