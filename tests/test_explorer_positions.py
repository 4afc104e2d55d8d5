"""Lesson 03's PositionsExplorer: pick a cell and an input, check the highlighted position, mask and indices.

The expected positions come from a naive loop written here from the
definition: scan the window row by row, keep the first strictly larger value,
and let a NaN take over (PyTorch's rule).
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

from pooling_lib.examples import POSITIONS_INPUTS as INPUTS
from pooling_lib.examples import positions_input as example_input
from pooling_lib.explorers.base import NARROW_WIDTH_PX, WIDE_WIDTH_PX
from pooling_lib.explorers.positions import PositionsExplorer, figures

POST = np.array([[8, 3, 7, 15, 16, 10],
                 [2, 2, 2, 14, 2, 17],
                 [16, 15, 4, 11, 16, 9],
                 [2, 12, 4, 1, 13, 19],
                 [4, 4, 3, 7, 17, 15],
                 [1, 14, 7, 16, 2, 9]])


def naive_argmax(x, top, left, f):
    """(row, col) in x of the first maximum of the window, a NaN winning over any number."""
    best, where = None, None
    for r in range(top, top + f):
        for c in range(left, left + f):
            v = x[r, c]
            if best is None or np.isnan(v) or v > best:
                best, where = v, (r, c)
    return where


def naive_indices(x, f, s):
    ho = (x.shape[0] - f) // s + 1
    wo = (x.shape[1] - f) // s + 1
    out = np.zeros((ho, wo), dtype=int)
    for i in range(ho):
        for j in range(wo):
            r, c = naive_argmax(x, i * s, j * s, f)
            out[i, j] = r * x.shape[1] + c
    return out


def highlighted(ex):
    """The input cell under the red winner square, read from the artist."""
    x0, y0 = ex.winner_patch.get_xy()
    return round(y0 + 0.4), round(x0 + 0.4)


CASES = [
    # data, f, stride, row, col
    ("random", 3, 3, 0, 0),
    ("random", 3, 3, 0, 1),
    ("random", 3, 3, 1, 1),
    ("random", 2, 1, 4, 2),
    ("random", 4, 2, 1, 0),
    ("ties", 3, 3, 0, 0),
    ("ties", 3, 3, 1, 1),
    ("ties", 2, 2, 0, 2),
    ("ties", 3, 1, 3, 3),
    ("nan", 3, 3, 0, 0),
    ("nan", 2, 1, 1, 1),
    ("nan", 4, 2, 0, 1),
]


@pytest.fixture(scope="module")
def explorer():
    """One explorer for the parametrised cases: each sets every control."""
    return PositionsExplorer()


def test_inputs():
    np.testing.assert_array_equal(example_input("random"), POST)
    np.testing.assert_array_equal(example_input("ties"), np.where(POST > 12, 12, POST))
    nan = example_input("nan")
    assert np.isnan(nan[1, 1]) and np.isnan(nan).sum() == 1
    assert set(INPUTS.values()) == {"random", "ties", "nan"}


def test_unknown_input_kind():
    with pytest.raises(ValueError, match="kind must be 'random', 'ties' or 'nan', got 'zeros'"):
        example_input("zeros")


def test_opening_picture_is_the_posts_first_window():
    ex = PositionsExplorer()
    # the post: window (0, 0) is [[8 3 7] [2 2 2] [16 15 4]], its maximum 16 sits at (2, 0)
    assert highlighted(ex) == (2, 0)
    np.testing.assert_array_equal(ex.grid_mask.values, [[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(ex.grid_idx.values, [[12, 11], [31, 23]])
    assert ex.headline.get_text() == "output (0, 0) = 16, from input cell (2, 0): index 2·6 + 0 = 12"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_highlighted_position_is_the_first_maximum(case, explorer):
    data, f, s, row, col = case
    explorer.set(data=data, f=f, stride=s, select=("output", row, col))
    x = example_input(data)
    r, c = naive_argmax(x, row * s, col * s, f)
    assert highlighted(explorer) == (r, c) == explorer.winner
    # the window outline covers rows row*s ... row*s + f - 1
    assert explorer.window_patch.get_bbox().bounds == (col * s - 0.5, row * s - 0.5, f, f)
    # the index grid's chosen cell is outlined
    x0, y0 = explorer.index_patch.get_xy()
    assert (round(y0 + 0.42), round(x0 + 0.42)) == (row, col)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_mask_and_indices_show_the_same_position(case, explorer):
    data, f, s, row, col = case
    explorer.set(data=data, f=f, stride=s, select=("output", row, col))
    x = example_input(data)
    r, c = naive_argmax(x, row * s, col * s, f)
    mask = np.zeros((f, f), dtype=int)
    mask[r - row * s, c - col * s] = 1
    np.testing.assert_array_equal(explorer.grid_mask.values, mask)
    np.testing.assert_array_equal(explorer.grid_idx.values, naive_indices(x, f, s))
    assert f"index {r}·6 + {c} = {r * 6 + c}" in explorer.headline.get_text()
    ho = (6 - f) // s + 1
    memory = (f'the mask keeps <span style="white-space:nowrap">{ho}·{ho}·{f}·{f} = {ho * ho * f * f}</span> '
              f'numbers, the indices <span style="white-space:nowrap">{ho}·{ho} = {ho * ho}</span>')
    assert memory in explorer.caption.value


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "ties"], ids=str)
def test_ties_are_marked_and_explained(case, explorer):
    data, f, s, row, col = case
    explorer.set(data=data, f=f, stride=s, select=("output", row, col))
    x = example_input(data)
    window = x[row * s:row * s + f, col * s:col * s + f]
    count = int((window == window.max()).sum())
    assert count > 1, "the case must hold a tie"
    tie = np.array([0xfd, 0xe9, 0xb0]) / 255
    marked = sorted(zip(*np.nonzero(np.all(np.isclose(explorer.grid_in.colours, tie), axis=-1))))
    tied = sorted((row * s + i, col * s + j) for i, j in zip(*np.nonzero(window == window.max())))
    assert marked == [cell for cell in tied if cell != explorer.winner]
    assert explorer.winner == tied[0], "the first tied cell in row-major order wins"
    assert f"appears {count} times" in explorer.caption.value
    assert f"count that gradient {count} times" in explorer.caption.value


def test_no_tie_no_tie_marks(explorer):
    explorer.set(data="random", f=3, stride=3, select=("output", 0, 0))
    assert explorer.ties == 1
    assert "Tie" not in explorer.caption.value


def test_nan_propagates(explorer):
    explorer.set(data="nan", f=3, stride=3, select=("output", 0, 0))
    assert explorer.headline.get_text().startswith("output (0, 0) = nan, from input cell (1, 1)")
    assert "propagates" in explorer.caption.value
    np.testing.assert_array_equal(explorer.grid_mask.values, [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    explorer.select("output", 0, 1)  # a window without the NaN is unaffected
    assert explorer.headline.get_text().startswith("output (0, 1) = 17")


def test_selection_follows_the_output_size():
    ex = PositionsExplorer(f=2, stride=1, select=("output", 4, 3))
    assert highlighted(ex) == naive_argmax(POST, 4, 3, 2)
    renders = ex.renders
    ex.controls["stride"].value = 3  # output becomes floor((6 - 2) / 3) + 1 = 2: (4, 3) is gone
    assert ex.renders == renders + 1, "limiting the selection must not render twice"
    assert ex.selection == ()
    assert ex.winner is None and not ex.grid_mask.ax.get_visible()
    assert "Click an output cell" in ex.caption.value


def test_clicking_the_indices_selects_that_window():
    ex = PositionsExplorer()
    ex.click(*ex.cell_centre("output", 1, 1))
    assert ex.selection == ("output", 1, 1)
    assert ex.winner == naive_argmax(POST, 3, 3, 3) == (3, 5)
    assert ex.headline.get_text() == "output (1, 1) = 19, from input cell (3, 5): index 3·6 + 5 = 23"
    ex.click(*ex.cell_centre("output", 1, 1))  # the same cell again clears
    assert ex.selection == ()
    ex.click(*ex.cell_centre("output", 1, 1))
    ex.key("Escape")
    assert ex.selection == ()


def test_clicking_an_input_cell_shows_the_windows_it_is_in_and_wins():
    ex = PositionsExplorer(f=3, stride=1)
    ex.click(*ex.cell_centre("input", 2, 0))
    assert ex.selection == ("input", 2, 0)
    # cell (2, 0) = 16 is in windows (0..2, 0); it is the first maximum of windows (0, 0) and (1, 0) only
    expected = [(i, 0) for i in range(3) if naive_argmax(POST, i, 0, 3) == (2, 0)]
    assert ex.wins == expected == [(0, 0), (1, 0), (2, 0)]
    assert "is in 3 windows" in ex.caption.value
    assert "wins 3 of them (orange): output (0, 0), (1, 0), (2, 0)" in ex.caption.value
    ex.set(stride=3, select=("input", 0, 1))  # 3: in one window, not its maximum
    assert "is in 1 window (yellow on the indices) but does not win it" in ex.caption.value


def test_caption_keeps_formulas_on_one_line_and_explains_the_colours():
    ex = PositionsExplorer()
    assert '<span style="white-space:nowrap">2·6 + 0 = 12</span>' in ex.caption.value
    assert "Colours: yellow" in ex.caption.value
    assert "all 1 windows" not in ex.caption.value and "indices, all" not in ex.grid_idx.title.get_text()
    ex.set(f=4, stride=3)
    assert ex.grid_idx.title.get_text() == "indices (1×1)"


def test_text_is_large_enough():
    for values in ({}, {"f": 2, "stride": 1}, {"data": "nan", "f": 4, "stride": 1}):
        ex = PositionsExplorer(**values)
        assert ex.smallest_text_px(WIDE_WIDTH_PX) >= 13
        assert ex.smallest_text_px(NARROW_WIDTH_PX) >= 11


def test_figures_yield_the_posts_figures_2_and_3_and_the_explorer():
    found = dict(figures())
    assert list(found) == ["post-figure-2-max-unpooling", "post-figure-3-average-unpooling",
                           "03-positions-explorer"]
    assert all(isinstance(fig, Figure) for fig in found.values())
    # Figure 2: the 6x6 unpooled panel holds each window's maximum at its first position, zeros elsewhere
    unpooled = np.array([float(t.get_text()) for t in found["post-figure-2-max-unpooling"].axes[-1].texts
                         if t.get_visible() and t.get_text()]).reshape(6, 6)
    expected = np.zeros((6, 6))
    for i in range(2):
        for j in range(2):
            r, c = naive_argmax(POST, 3 * i, 3 * j, 3)
            expected[r, c] = POST[r, c]
    np.testing.assert_array_equal(unpooled, expected)
    # Figure 3: each pooled value divided by 9 over its 3x3 window
    fig3 = found["post-figure-3-average-unpooling"]
    pooled = np.array([float(t.get_text()) for t in fig3.axes[0].texts if t.get_visible()]).reshape(2, 2)
    spread = np.array([float(t.get_text()) for t in fig3.axes[-1].texts if t.get_visible()]).reshape(6, 6)
    np.testing.assert_allclose(spread, np.kron(pooled / 9, np.ones((3, 3))), atol=0.006)
