"""The receptive-field explorer of lesson 01: the tower, the selection, the formula in the caption."""

import pytest
from matplotlib.colors import to_rgba

from pooling_lib.explorers.receptive_field import _SEEN, INPUT_CELLS, ReceptiveFieldExplorer
from pooling_lib.lessons.why_pool import STACKS, input_region, layer_sizes, receptive_fields


def test_starts_with_an_output_cell_selected():
    e = ReceptiveFieldExplorer()
    assert e.selection == ("output", 0, 1)
    assert e.region == input_region(STACKS["(conv 3, pool 2) × 2"], 1)[0]
    assert "sees input cells 4 to 13" in e.caption.value and "<b>r = 10</b>" in e.caption.value


@pytest.mark.parametrize("stack", list(STACKS))
def test_clicking_each_top_cell_selects_it(stack):
    e = ReceptiveFieldExplorer(stack=stack)
    layers = STACKS[stack]
    for cell in range(layer_sizes(INPUT_CELLS, layers)[-1]):
        e.clear_selection()
        e.click(*e.cell_centre("output", 0, cell))
        assert e.selection == ("output", 0, cell)
        first, last = input_region(layers, cell)[0]
        assert e.region == (first, last)
        assert last - first + 1 == receptive_fields(layers)[-1]["r"]


def test_second_click_and_escape_clear():
    e = ReceptiveFieldExplorer()
    e.click(*e.cell_centre("output", 0, 1))  # the selected cell: a second click clears
    assert e.selection == ()
    assert "Click a cell of the top row" in e.caption.value
    e.select("output", 0, 2)
    e.key("Escape")
    assert e.selection == ()


def test_input_row_highlight_matches_the_region():
    e = ReceptiveFieldExplorer(stack="conv 3, pool 2")
    e.select("output", 0, 3)
    seen = [i for i in range(INPUT_CELLS) if e.cells[0][i].get_facecolor() == to_rgba(_SEEN)]
    first, last = e.region
    assert seen == list(range(first, last + 1))


def test_rows_shown_follow_the_stack():
    e = ReceptiveFieldExplorer(stack="conv 3 × 3 layers")
    assert [t.get_visible() for t in e.labels] == [True] * 4 + [False] * 3
    assert e.fields[3].get_text() == "r = 7, j = 1"
    e.set(stack="(conv 3, pool 2) × 3")
    assert all(t.get_visible() for t in e.labels)
    assert e.fields[6].get_text() == "r = 22, j = 8"


def test_every_control_changes_the_picture():
    e = ReceptiveFieldExplorer()
    before = e.image.value
    e.set(stack="conv 3 × 6 layers")
    assert e.image.value != before
    before = e.image.value
    e.select("output", 0, 5)
    assert e.image.value != before


def test_text_is_legible():
    e = ReceptiveFieldExplorer(stack="(conv 3, pool 2) × 3")
    assert e.smallest_text_px() >= 13
    assert e.smallest_text_px(468) >= 11


def test_figure_for_the_course_pictures():
    from pooling_lib.explorers.receptive_field import figures

    [(name, fig)] = list(figures())
    assert name == "01-receptive-field-explorer"
    assert fig.get_figwidth() == ReceptiveFieldExplorer.figsize[0]
