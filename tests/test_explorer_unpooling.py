"""Lesson 04's explorer: the gradient it shows is the one a naive scatter loop computes."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from pooling_lib import pool
from pooling_lib.backprop import input_gradient, max_unpool_writes, upstream_gradient
from pooling_lib.examples import backward_input as example_input
from pooling_lib.explorers.base import NARROW_WIDTH_PX, WIDE_WIDTH_PX
from pooling_lib.explorers.unpooling import UnpoolingExplorer, figures


# ---------------------------------------------------------------- naive references
def naive_windows(h, w, f, s):
    """Top-left corners of every window that fits, row by row."""
    return [(i, j, r, c)
            for i, r in enumerate(range(0, h - f + 1, s))
            for j, c in enumerate(range(0, w - f + 1, s))]


def naive_winner(x, r, c, f):
    """First maximum (row-major) of the window with top-left (r, c)."""
    best = (r, c)
    for a in range(r, r + f):
        for b in range(c, c + f):
            if x[a, b] > x[best]:
                best = (a, b)
    return best


def naive_gradient(x, g, f, s, method):
    """Scatter g back to x's grid, one window at a time, adding."""
    dx = np.zeros(x.shape)
    for i, j, r, c in naive_windows(*x.shape, f, s):
        if method == "max":
            dx[naive_winner(x, r, c, f)] += g[i, j]
        else:
            dx[r:r + f, c:c + f] += g[i, j] / (f * f)
    return dx


def naive_upstream(kind, x, f, s, method):
    wins = naive_windows(*x.shape, f, s)
    ho = len({i for i, _, _, _ in wins})
    wo = len({j for _, j, _, _ in wins})
    if kind == "ones":
        return np.ones((ho, wo))
    if kind == "count":
        return np.arange(1, ho * wo + 1).reshape(ho, wo).astype(float)
    out = np.zeros((ho, wo))
    for i, j, r, c in wins:
        window = x[r:r + f, c:c + f]
        out[i, j] = window.max() if method == "max" else window.sum() / (f * f)
    return out


PICTURE_SUMS = re.compile(r"sum of the result = ([-\d.e]+) (.) ([-\d.e]+) = sum of g")


# ---------------------------------------------------------------- the explorer's data
def test_default_input_is_the_documented_grid():
    ex = UnpoolingExplorer()
    np.testing.assert_array_equal(ex.grid.values, np.random.default_rng(0).integers(0, 20, (7, 7)))


def test_post_input_is_the_posts_example():
    ex = UnpoolingExplorer(input="post")
    assert ex.grid.values.shape == (6, 6)
    np.testing.assert_array_equal(ex.grid.values[0], [8, 3, 7, 15, 16, 10])
    np.testing.assert_array_equal(ex.grid.values[5], [1, 14, 7, 16, 2, 9])


SETTINGS = [
    (inp, grad, method, f, s)
    for inp in ("random7", "post")
    for grad in ("ones", "count", "pooled")
    for method in ("max", "mean")
    for f, s in ((2, 1), (3, 2), (3, 3), (2, 3), (4, 1))
]


@pytest.fixture(scope="module")
def shared():
    """One explorer moved from setting to setting, as a student would."""
    return UnpoolingExplorer()


@pytest.mark.parametrize("inp, grad, method, f, s", SETTINGS)
def test_panels_match_naive_scatter(shared, inp, grad, method, f, s):
    ex = shared
    ex.set(input=inp, gradient=grad, method=method, f=f, stride=s)
    x = example_input(inp)
    g = naive_upstream(grad, x, f, s, method)
    dx = naive_gradient(x, g, f, s, method)
    np.testing.assert_array_equal(ex.grid.values, x)
    np.testing.assert_allclose(ex.upstream.values, g)
    np.testing.assert_allclose(ex.heat.values, dx)
    # no window outlines without a selection: the input stays readable
    assert ex.window_lines.get_segments() == []
    if method == "max":
        winners = {naive_winner(x, r, c, f) for _, _, r, c in naive_windows(*x.shape, f, s)}
        marked = {(round(seg[:4, 1].mean()), round(seg[:4, 0].mean())) for seg in ex.winner_lines.get_segments()}
        assert marked == winners
    else:
        assert ex.winner_lines.get_segments() == []
    # the conservation check under the picture, with the naive sums
    found = PICTURE_SUMS.search(ex.sums.get_text())
    assert found, ex.sums.get_text()
    assert float(found.group(1)) == pytest.approx(dx.sum(), rel=1e-3)
    assert float(found.group(3)) == pytest.approx(g.sum(), rel=1e-3)
    assert found.group(2) == "="


def test_centre_example_max_adds_four_windows():
    ex = UnpoolingExplorer(input="centre", gradient="ones", method="max", f=2, stride=1)
    np.testing.assert_array_equal(ex.heat.values, [[0, 0, 0], [0, 4, 0], [0, 0, 0]])
    assert "all 4 windows share one winning cell." in ex.caption.value
    assert "cell (1, 1) wins 4 windows and receives 1 + 1 + 1 + 1 = 4" in ex.caption.value
    assert ex.sums.get_text() == "sum of the result = 4 = 4 = sum of g"


def test_centre_example_mean_divides_by_four():
    ex = UnpoolingExplorer(input="centre", gradient="ones", method="mean", f=2, stride=1)
    np.testing.assert_array_equal(ex.heat.values, [[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]])


def test_count_gradient_traces_shared_winner():
    # the opening picture: 7x7, f=3, stride 2, gradient 1..9; a cell winning two windows adds their numbers
    ex = UnpoolingExplorer()
    x = example_input("random7")
    corners = naive_windows(7, 7, 3, 2)
    received = {}
    for k, (_, _, r, c) in enumerate(corners, start=1):
        received.setdefault(naive_winner(x, r, c, 3), []).append(k)
    shared = {cell: ks for cell, ks in received.items() if len(ks) > 1}
    assert shared, "the opening picture should show a cell that wins two windows"
    for (r, c), ks in shared.items():
        assert ex.heat.values[r, c] == sum(ks)
        told = " + ".join(str(k) for k in ks)
        assert f"cell ({r}, {c}) wins {len(ks)} windows and receives {told} = {sum(ks)}" in ex.caption.value
    assert f"{len(received)} cells win the 9 windows" in ex.caption.value


def test_uncovered_cells_are_counted_in_caption():
    ex = UnpoolingExplorer(input="post", f=2, stride=3)  # windows at 0 and 3: rows/cols 2 and 5 are missed
    covered = np.zeros((6, 6), bool)
    for _, _, r, c in naive_windows(6, 6, 2, 3):
        covered[r:r + 2, c:c + 2] = True
    missed = int((~covered).sum())
    assert missed == 20
    assert f"{missed} cells lie in no window and get 0." in ex.caption.value


def test_each_control_moved_alone_updates_heat_map():
    ex = UnpoolingExplorer()
    expected = {"input": "random7", "gradient": "count", "method": "max", "f": 3, "stride": 2}
    for name, value in (("gradient", "ones"), ("method", "mean"), ("f", 2), ("stride", 1), ("input", "post")):
        ex.controls[name].value = value
        expected[name] = value
        x = example_input(expected["input"])
        g = naive_upstream(expected["gradient"], x, expected["f"], expected["stride"], expected["method"])
        dx = naive_gradient(x, g, expected["f"], expected["stride"], expected["method"])
        np.testing.assert_allclose(ex.heat.values, dx, err_msg=f"after {name}={value!r}")


def test_small_input_lowers_window_slider():
    ex = UnpoolingExplorer(f=4, stride=1)
    ex.controls["input"].value = "centre"
    assert ex.controls["f"].max == 3
    assert ex.controls["f"].value == 3
    assert ex.upstream.values.shape == (1, 1)
    ex.controls["input"].value = "random7"
    assert ex.controls["f"].max == 4


def test_caption_names_method():
    ex = UnpoolingExplorer(method="mean", f=3, stride=2)
    assert "divides its gradient by f·f = 9" in ex.caption.value
    assert ex.heat.title.get_text() == "∂L/∂x (mean), adds"
    ex.controls["method"].value = "max"
    assert "winning cell" in ex.caption.value
    assert ex.heat.title.get_text() == "∂L/∂x (max), adds"


# ---------------------------------------------------------------- helpers
def test_input_gradient_is_finite_difference_gradient():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 6))
    g = rng.standard_normal((3, 3))
    eps = 1e-6
    for method in ("max", "mean"):
        dx, _ = input_gradient(x, g, 2, 2, method)
        numeric = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += eps
            down[idx] -= eps
            change = np.sum(g * pool(up, 2, method=method)) - np.sum(g * pool(down, 2, method=method))
            numeric[idx] = change / (2 * eps)
        np.testing.assert_allclose(dx, numeric, atol=1e-6)


def test_example_input_rejects_unknown_name():
    with pytest.raises(ValueError, match="name must be one of .* got 'square'"):
        example_input("square")


def test_upstream_gradient_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of .* got 'zeros'"):
        upstream_gradient("zeros", np.zeros((4, 4)), 2, 2)


def test_input_gradient_rejects_unknown_method():
    with pytest.raises(ValueError, match="method must be 'max' or 'mean', got 'min'"):
        input_gradient(np.zeros((4, 4)), np.ones((2, 2)), 2, 2, "min")


def test_figures_yield_named_matplotlib_figures():
    made = list(figures())
    names = [name for name, _ in made]
    assert names[0] == "04-unpooling-explorer"
    assert all(name.startswith("04-") for name in names)
    assert len(set(names)) == len(names)
    assert all(isinstance(fig, Figure) for _, fig in made)


def naive_writes(x, g, f, s):
    """MaxUnpool2d: write g at each window's winner in row-major order (the last write stays)."""
    out = np.zeros(x.shape)
    for i, j, r, c in naive_windows(*x.shape, f, s):
        out[naive_winner(x, r, c, f)] = g[i, j]
    return out


@pytest.mark.parametrize("inp, f, s", [("random7", 3, 2), ("random7", 2, 1), ("post", 3, 1), ("centre", 2, 1)])
def test_max_unpool_writes_where_the_gradient_adds(inp, f, s):
    ex = UnpoolingExplorer(input=inp, f=f, stride=s, send="writes")
    x = example_input(inp)
    g = naive_upstream("count", x, f, s, "max")
    np.testing.assert_allclose(ex.heat.values, naive_writes(x, g, f, s))
    np.testing.assert_allclose(max_unpool_writes(x, g, f, s), naive_writes(x, g, f, s))
    assert ex.heat.title.get_text() == "MaxUnpool2d(g), writes"
    differ = int((~np.isclose(naive_writes(x, g, f, s), naive_gradient(x, g, f, s, "max"))).sum())
    assert differ > 0
    assert f"so {differ} cell{'s' if differ > 1 else ''} differ" in ex.caption.value
    assert "≠" in ex.sums.get_text()


def test_writes_is_disabled_where_it_cannot_matter():
    ex = UnpoolingExplorer(method="mean")
    assert ex.controls["send"].disabled
    assert "mode is disabled: MaxUnpool2d undoes max pooling only" in ex.caption.value
    ex.set(method="max", f=2, stride=2)  # 2x2 windows, stride 2: no window shares a winner
    assert ex.controls["send"].disabled
    assert "no two windows share a winner here" in ex.caption.value
    ex.set(stride=1)
    assert not ex.controls["send"].disabled


def test_second_explorer_has_no_dead_control():
    """Lesson 04's second explorer: 3x3 centre input, window 2, stride 1."""
    ex = UnpoolingExplorer(input="centre", gradient="ones", f=2, stride=1)
    assert [name for name, c in ex.controls.items() if c.disabled] == []
    # strides from n - f + 1 = 2 on all give one window: the slider stops at 2
    assert ex.controls["stride"].max == 2
    pictures = set()
    for stride in (1, 2):
        ex.controls["stride"].value = stride
        pictures.add(bytes(ex.image.value))
    assert len(pictures) == 2
    ex.controls["f"].value = 3  # one window covers the whole input
    assert ex.controls["stride"].disabled
    assert "a 3×3 window covers the whole 3×3 input" in ex.caption.value
    assert "1 windows" not in ex.caption.value and "the 1 window" not in ex.caption.value
    assert "the one window sends its whole gradient" in ex.caption.value


def test_clicking_g_shows_where_its_gradient_lands():
    ex = UnpoolingExplorer()
    x = example_input("random7")
    ex.click(*ex.cell_centre("output", 1, 2))
    assert ex.selection == ("output", 1, 2)
    winner = naive_winner(x, 2, 4, 3)
    assert ex.landing == [winner]
    r, c = winner
    assert f"<b>g(1, 2) = 6</b> goes to the winner of window (1, 2), input cell ({r}, {c})" in ex.caption.value
    assert len(ex.window_lines.get_segments()) == 1 and len(ex.dx_lines.get_segments()) == 1
    ex.set(method="mean")
    assert len(ex.landing) == 9
    assert "each of the window's 9 cells gets 6/9 = 0.6667" in ex.caption.value
    ex.key("Escape")
    assert ex.selection == () and ex.window_lines.get_segments() == []


def test_clicking_an_input_cell_writes_its_gradient_as_a_sum():
    ex = UnpoolingExplorer(f=3, stride=1)
    x = example_input("random7")
    g = naive_upstream("count", x, 3, 1, "max")
    dx = naive_gradient(x, g, 3, 1, "max")
    # the cell that wins the most windows
    wins = {}
    for i, j, r, c in naive_windows(7, 7, 3, 1):
        wins.setdefault(naive_winner(x, r, c, 3), []).append((i, j))
    cell, senders = max(wins.items(), key=lambda kv: len(kv[1]))
    assert len(senders) > 1
    ex.click(*ex.cell_centre("input", *cell))  # on the input panel
    assert ex.senders == senders
    terms = " + ".join(f"g({i}, {j}) = {g[i, j]:.0f}" for i, j in senders)
    assert f"∂L/∂x{cell} = {terms} = {dx[cell]:.0f}." in ex.caption.value.replace(", ", ", ").replace("x(", "x(")


def test_text_is_large_enough():
    for values in ({}, {"f": 2, "stride": 1}, {"method": "mean", "f": 3, "stride": 1},
                   {"input": "centre", "gradient": "ones", "f": 2, "stride": 1}):
        ex = UnpoolingExplorer(**values)
        assert ex.smallest_text_px(WIDE_WIDTH_PX) >= 13, ex.text_sizes(WIDE_WIDTH_PX)[:2]
        assert ex.smallest_text_px(NARROW_WIDTH_PX) >= 11, ex.text_sizes(NARROW_WIDTH_PX)[:2]
        assert all(len(t) <= 3 for _, t in ex.text_sizes() if t.replace(".", "").isdigit())
