"""Lesson 09's explorers: bins, pooled values and LP curves recomputed here from the definitions."""

import math
from fractions import Fraction

import numpy as np
import pytest

from pooling_lib.explorers.adaptive import P_VALUES, AdaptiveExplorer, LpExplorer, figures


# ---------------------------------------------------------------- naive references
def naive_bins(n, out):
    return [(math.floor(Fraction(i * n, out)), math.ceil(Fraction((i + 1) * n, out))) for i in range(out)]


def naive_adaptive(x, out, method):
    bins = naive_bins(x.shape[0], out)
    res = np.zeros((out, out))
    for i, (r0, r1) in enumerate(bins):
        for j, (c0, c1) in enumerate(bins):
            cells = [x[r, c] for r in range(r0, r1) for c in range(c0, c1)]
            res[i, j] = max(cells) if method == "max" else sum(cells) / len(cells)
    return res


def naive_lp_window(cells, p):
    with np.errstate(invalid="ignore"):
        total = np.float64(0.0)
        for v in np.ravel(cells):
            total += np.float64(v) ** p
        return total ** (1.0 / p)


def the_input(n):
    """The documented input: top-left n x n of default_rng(8).integers(0, 10, (10, 10))."""
    return np.random.default_rng(8).integers(0, 10, (10, 10))[:n, :n]


def the_lp_input(negative):
    x = np.random.default_rng(3).integers(0, 10, (6, 6)).astype(float)
    return x - 4 if negative else x


# ---------------------------------------------------------------- adaptive explorer
@pytest.fixture(scope="module")
def adaptive():
    return AdaptiveExplorer()


ADAPTIVE_CASES = [(5, 3, "max", 4), (5, 3, "mean", 0), (10, 4, "max", 5), (7, 7, "mean", 48),
                  (9, 2, "max", 3), (10, 7, "mean", 20), (2, 1, "max", 0), (8, 4, "mean", 15)]


@pytest.mark.parametrize("n, out, method, cell", ADAPTIVE_CASES)
def test_adaptive_panels(adaptive, n, out, method, cell):
    adaptive.set(n=n, out=out, method=method)
    adaptive.select("output", *divmod(cell, out))
    x = the_input(n)
    np.testing.assert_array_equal(adaptive.grid.values, x)
    np.testing.assert_allclose(adaptive.output.values, naive_adaptive(x, out, method), rtol=1e-12)

    bins = naive_bins(n, out)
    # one bar per bin along each side, spanning exactly the bin's cells
    for k, (row_bar, col_bar) in enumerate(zip(adaptive.row_bars, adaptive.col_bars)):
        assert row_bar.get_visible() == col_bar.get_visible() == (k < out)
        if k < out:
            start, stop = bins[k]
            assert row_bar.get_y() + 0.5 == pytest.approx(start)
            assert row_bar.get_height() == pytest.approx(stop - start)
            assert col_bar.get_x() + 0.5 == pytest.approx(start)
            assert col_bar.get_width() == pytest.approx(stop - start)

    i, j = divmod(cell, out)
    (r0, r1), (c0, c1) = bins[i], bins[j]
    box = adaptive.bin_boxes[0]
    assert (box.get_x() + 0.5, box.get_y() + 0.5, box.get_width(), box.get_height()) == \
        pytest.approx((c0, r0, c1 - c0, r1 - r0))
    assert [b.get_visible() for b in adaptive.bin_boxes] == [True, False, False, False]
    cell_box = adaptive.cell_boxes[0]
    assert (cell_box.get_x() + cell_box.get_width() / 2, cell_box.get_y() + cell_box.get_height() / 2) == \
        pytest.approx((j, i))

    caption = adaptive.caption.value
    assert f"rows from floor({i}·{n}/{out}) = {r0} to ceil({i + 1}·{n}/{out}) = {r1}" in caption
    assert f"columns from floor({j}·{n}/{out}) = {c0} to ceil({j + 1}·{n}/{out}) = {c1}" in caption
    count = (r1 - r0) * (c1 - c0)
    assert f"<b>Output ({i}, {j})</b>" in caption
    assert f"of those {count} cell{'s' if count > 1 else ''} is" in caption
    assert " ".join(f"[{a}, {b})" for a, b in bins) in caption
    shared = [r for r in range(n) if sum(a <= r < b for a, b in bins) > 1]
    assert ("Shared by two bins" in caption) == bool(shared)
    assert ("ordinary pooling" in caption) == (n % out == 0)


def test_output_size_is_clamped_and_the_selection_follows(adaptive):
    adaptive.set(n=10, out=9)
    adaptive.select("output", 8, 8)
    adaptive.set(n=4)
    assert adaptive.controls["out"].max == 4
    assert adaptive.controls["out"].value == 4
    assert adaptive.output.values.shape == (4, 4)
    assert adaptive.selection == ()  # output cell (8, 8) no longer exists
    assert not any(b.get_visible() for b in adaptive.bin_boxes)
    assert "Click an output cell" in adaptive.caption.value
    # moving a slider (not set()) clamps the same way
    adaptive.controls["n"].value = 3
    assert adaptive.controls["out"].value == 3
    np.testing.assert_array_equal(adaptive.output.values, the_input(3))


def test_adaptive_constructor_keeps_large_starting_values():
    ex = AdaptiveExplorer(n=10, out=7, select=("output", 5, 6))
    assert ex.values() == {"n": 10, "out": 7, "method": "max", "select": ("output", 5, 6)}
    assert ex.output.values.shape == (7, 7)


def test_opening_picture_points_at_the_middle_bin():
    ex = AdaptiveExplorer()
    assert ex.selection == ("output", 1, 1)
    assert ex.selected_bins == [(1, 1)]


@pytest.mark.parametrize("n, out, r, c", [(5, 3, 2, 2), (5, 3, 1, 0), (7, 4, 3, 2), (10, 7, 0, 9),
                                          (9, 2, 4, 4), (6, 3, 2, 3)])
def test_clicking_an_input_cell_outlines_every_bin_that_contains_it(adaptive, n, out, r, c):
    adaptive.set(n=n, out=out)
    adaptive.clear_selection()
    adaptive.click(*adaptive.cell_centre("input", r, c))
    assert adaptive.selection == ("input", r, c)
    bins = naive_bins(n, out)
    expected = [(i, j) for i, (a, b) in enumerate(bins) if a <= r < b
                for j, (a2, b2) in enumerate(bins) if a2 <= c < b2]
    assert sorted(adaptive.selected_bins) == sorted(expected)
    shown = []
    for box in adaptive.bin_boxes:
        if box.get_visible():
            x0, y0 = box.get_x(), box.get_y()
            x1, y1 = x0 + box.get_width(), y0 + box.get_height()
            # the cell lies inside every outlined bin
            assert x0 < c < x1 and y0 < r < y1
            shown.append(box)
    assert len(shown) == len(expected)
    outlined = sorted((round(b.get_y() + b.get_height() / 2), round(b.get_x() + b.get_width() / 2))
                      for b in adaptive.cell_boxes if b.get_visible())
    assert outlined == sorted(expected)
    assert f"<b>Input ({r}, {c})</b> is in {len(expected)} bin" in adaptive.caption.value
    # the numbers of the cells outside every chosen bin are faded
    inside = np.zeros((n, n), bool)
    for i, j in expected:
        inside[bins[i][0]:bins[i][1], bins[j][0]:bins[j][1]] = True
    for rr in range(n):
        for cc in range(n):
            colour = adaptive.grid.texts[rr][cc].get_color()
            if inside[rr, cc]:
                assert colour in ("#000000", "#ffffff")


def test_click_output_then_same_cell_again_or_escape_clears(adaptive):
    adaptive.set(n=6, out=4)
    adaptive.clear_selection()
    adaptive.click(*adaptive.cell_centre("output", 2, 1))
    assert adaptive.selection == ("output", 2, 1)
    (r0, r1), (c0, c1) = naive_bins(6, 4)[2], naive_bins(6, 4)[1]
    box = adaptive.bin_boxes[0]
    assert (box.get_x() + 0.5, box.get_y() + 0.5, box.get_width(), box.get_height()) == \
        pytest.approx((c0, r0, c1 - c0, r1 - r0))
    before = adaptive.image.value
    adaptive.click(*adaptive.cell_centre("output", 2, 1))
    assert adaptive.selection == ()
    assert adaptive.image.value != before
    adaptive.key("ArrowDown")  # the keyboard path: arrows start at output (0, 0) and move
    assert adaptive.selection == ("output", 0, 0)
    adaptive.key("ArrowRight")
    assert adaptive.selection == ("output", 0, 1)
    adaptive.key("Escape")
    assert adaptive.selection == ()


def test_adaptive_text_is_legible(adaptive):
    for n, out in ((10, 10), (10, 7), (2, 1)):
        adaptive.set(n=n, out=out, method="mean")
        adaptive.select("input", n - 1, 0)
        assert adaptive.smallest_text_px(468) >= 11
        assert adaptive.smallest_text_px(848) >= 13


# ---------------------------------------------------------------- LP explorer
@pytest.fixture(scope="module")
def lp():
    return LpExplorer()


LP_CASES = [(1, 2, 0, False), (2, 2, 4, False), (8, 3, 3, False), (64, 2, 8, False),
            (1.5, 2, 2, False), (3, 2, 4, True), (2, 3, 1, True), (1.5, 2, 0, True), (1, 3, 0, True)]


@pytest.mark.parametrize("p, f, window, negative", LP_CASES)
def test_lp_panels(lp, p, f, window, negative):
    lp.set(p=p, f=f, window=window, negative=negative)
    x = the_lp_input(negative)
    np.testing.assert_array_equal(lp.grid.values, x)
    out = 6 // f
    k = f * f
    expected = np.array([[naive_lp_window(x[i * f:(i + 1) * f, j * f:(j + 1) * f], p) for j in range(out)]
                         for i in range(out)])
    np.testing.assert_allclose(lp.lp_view.values, expected, rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(lp.mean_view.values, expected / k ** (1 / p), rtol=1e-10, equal_nan=True)

    i, j = divmod(window, out)
    cells = x[i * f:(i + 1) * f, j * f:(j + 1) * f]
    assert (lp.box.get_x() + 0.5, lp.box.get_y() + 0.5, lp.box.get_width()) == pytest.approx((j * f, i * f, f))
    ps = lp.lp_curve.get_xdata()
    assert ps[0] == pytest.approx(1) and ps[-1] == pytest.approx(64)
    curve = np.array([naive_lp_window(cells, q) for q in ps])
    np.testing.assert_allclose(lp.lp_curve.get_ydata(), curve, rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(lp.pm_curve.get_ydata(), curve / k ** (1 / ps), rtol=1e-10, equal_nan=True)
    assert lp.sum_line.get_ydata()[0] == cells.sum()
    assert lp.max_line.get_ydata()[0] == cells.max()
    assert lp.avg_line.get_ydata()[0] == pytest.approx(cells.mean())
    dots_x, dots_y = lp.dots.get_data()
    assert list(dots_x) == [p, p]
    np.testing.assert_allclose(dots_y, [expected[i, j], expected[i, j] / k ** (1 / p)], equal_nan=True)

    caption = lp.caption.value
    assert f"<b>p = {p:g}</b>, window ({i}, {j}) with k = {k} cells" in caption
    if negative:
        assert f"NaN in {int(np.isnan(expected).sum())} of the {expected.size} windows" in caption
    assert lp.smallest_text_px(468) >= 11


@pytest.mark.parametrize("p, negative, starts", [
    (1, False, "p = 1: LP is each window's sum"), (2, False, "p = 2: on non-negative cells LP lies between"),
    (1, True, "p = 1: LP is the plain sum of the window, negative cells included"),
    (1.5, True, "p = 1.5 is not an integer"), (3, True, "p = 3 is odd"), (4, True, "p = 4 is even"),
    (64, True, "p = 64 is even")])
def test_lp_second_line_says_what_lp_pool_computes_at_this_p(lp, p, negative, starts):
    lp.set(p=p, negative=negative, f=2, window=0)
    second = lp.caption.value.split("<br>")[1]
    assert second.startswith(starts)
    x = the_lp_input(negative)
    windows = [x[i:i + 2, j:j + 2] for i in range(0, 6, 2) for j in range(0, 6, 2)]
    if negative and p == 1.5:  # every window holding a negative cell is NaN
        assert np.isnan(lp.lp_view.values).sum() == sum(bool((w < 0).any()) for w in windows)
    if negative and p == 3:  # NaN exactly where the sum of cubes is negative
        assert np.isnan(lp.lp_view.values).sum() == sum(float((w ** 3).sum()) < 0 for w in windows)
    if negative and p in (4, 64):  # |x|: no NaN
        assert not np.isnan(lp.lp_view.values).any()


def test_lp_at_p_one_is_sum_and_mean(lp):
    lp.set(p=1, f=2, window=0, negative=False)
    x = the_lp_input(False)
    sums = x.reshape(3, 2, 3, 2).sum(axis=(1, 3))
    np.testing.assert_allclose(lp.lp_view.values, sums)
    np.testing.assert_allclose(lp.mean_view.values, sums / 4)


def test_lp_at_large_p_is_close_to_max(lp):
    lp.set(p=64, f=3, window=0, negative=False)
    x = the_lp_input(False)
    top = x.reshape(2, 3, 2, 3).max(axis=(1, 3))
    assert np.all(lp.lp_view.values >= top)
    assert np.all(lp.lp_view.values <= top * 9 ** (1 / 64))
    assert np.all(np.abs(lp.mean_view.values - top) <= top * 0.04)


def test_lp_window_slider_follows_the_window_size(lp):
    lp.set(f=2, window=8)
    lp.set(f=3)
    assert lp.controls["window"].max == 3
    assert lp.controls["window"].value == 3
    assert lp.controls["p"].options == tuple(P_VALUES) or list(lp.controls["p"].options) == list(P_VALUES)


def test_figures():
    figs = dict(figures())
    assert set(figs) == {"09-adaptive-explorer", "09-lp-explorer"}
    assert len(figs["09-lp-explorer"].axes) == 4


def test_method_is_disabled_when_every_bin_is_one_cell():
    ex = AdaptiveExplorer(n=4, out=4)
    assert ex.controls["method"].disabled
    assert "is disabled: output size = input size: every bin is one cell" in ex.caption.value
    ex.set(out=3)
    assert not ex.controls["method"].disabled
