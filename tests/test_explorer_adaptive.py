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
    adaptive.set(n=n, out=out, method=method, cell=cell)
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
    box = adaptive.bin_box
    assert (box.get_x() + 0.5, box.get_y() + 0.5, box.get_width(), box.get_height()) == \
        pytest.approx((c0, r0, c1 - c0, r1 - r0))
    assert (adaptive.cell_box.get_x() + 0.5, adaptive.cell_box.get_y() + 0.5) == pytest.approx((j, i))

    caption = adaptive.caption.value
    assert f"rows from floor({i}·{n}/{out}) = {r0} to ceil({i + 1}·{n}/{out}) = {r1}" in caption
    assert f"columns from floor({j}·{n}/{out}) = {c0} to ceil({j + 1}·{n}/{out}) = {c1}" in caption
    count = (r1 - r0) * (c1 - c0)
    assert f"of those {count} cell{'s' if count > 1 else ''} is" in caption
    assert " ".join(f"[{a}, {b})" for a, b in bins) in caption
    shared = [r for r in range(n) if sum(a <= r < b for a, b in bins) > 1]
    assert ("belong to two bins" in caption) == bool(shared)
    assert ("ordinary pooling" in caption) == (n % out == 0)


def test_output_size_and_cell_are_clamped(adaptive):
    adaptive.set(n=10, out=9, cell=80)
    assert adaptive.controls["cell"].max == 80
    adaptive.set(n=4)
    assert adaptive.controls["out"].max == 4
    assert adaptive.controls["out"].value == 4
    assert adaptive.controls["cell"].max == 15
    assert adaptive.controls["cell"].value == 15
    assert adaptive.output.values.shape == (4, 4)
    # moving a slider (not set()) clamps the same way
    adaptive.controls["n"].value = 3
    assert adaptive.controls["out"].value == 3 and adaptive.controls["cell"].value == 8
    np.testing.assert_array_equal(adaptive.output.values, the_input(3))


def test_adaptive_constructor_keeps_large_starting_values():
    ex = AdaptiveExplorer(n=10, out=7, cell=40)
    assert ex.values() == {"n": 10, "out": 7, "method": "max", "cell": 40}
    assert ex.output.values.shape == (7, 7)


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
        assert f"{int(np.isnan(expected).sum())} of the {expected.size} windows are NaN" in caption


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
