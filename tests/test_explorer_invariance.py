"""The shift explorer of lesson 01: draws what why_pool.shift_changes measures."""

import numpy as np
import pytest

from pooling_lib.explorers.invariance import InvarianceExplorer
from pooling_lib.lessons import why_pool


@pytest.mark.parametrize(("digit", "shift", "f"), [(0, 1, 2), (3, 3, 4), (9, 2, 3)])
def test_titles_and_caption_show_the_measured_changes(digit, shift, f):
    e = InvarianceExplorer(digit=digit, shift=shift, f=f)
    change = why_pool.shift_changes(why_pool.digit(digit), shift, f)["change"]
    assert e.change == change
    for col, name in enumerate(("conv", "max", "mean"), start=1):
        assert e.axes[1, col].get_title() == f"change {100 * change[name]:.0f}%"
        assert f"<b>{100 * change[name]:.0f}%</b>" in e.caption.value
    np.testing.assert_array_equal(e.img_in.get_array(), why_pool.shift_right(why_pool.digit(digit), shift))


def test_no_shift_changes_nothing():
    e = InvarianceExplorer(shift=0)
    assert "No shift: nothing changes." in e.caption.value
    assert all(v == 0 for v in e.change.values())


def test_whole_stride_is_explained_only_when_shift_equals_f():
    assert "whole stride" in InvarianceExplorer(shift=2, f=2).caption.value
    assert "whole stride" not in InvarianceExplorer(shift=1, f=2).caption.value


def test_pooled_panel_follows_the_window():
    e = InvarianceExplorer(f=4)
    assert e.img_map["max"].get_array().shape == (3, 3)
    e.set(f=2)
    assert e.img_map["max"].get_array().shape == (7, 7)


def test_every_control_changes_the_picture():
    e = InvarianceExplorer()
    for name, value in [("shift", 2), ("f", 3), ("digit", 4)]:
        before = e.image.value
        e.set(**{name: value})
        assert e.image.value != before, name


def test_text_is_legible():
    e = InvarianceExplorer()
    assert e.smallest_text_px() >= 13
    assert e.smallest_text_px(468) >= 11


def test_figure_for_the_course_pictures():
    from pooling_lib.explorers.invariance import figures

    [(name, fig)] = list(figures())
    assert name == "01-invariance-explorer"
    assert fig.axes[0].get_title() == "shifted 1 px"


def test_clicking_a_pooled_cell_outlines_its_window_everywhere():
    e = InvarianceExplorer(shift=1, f=2)
    assert not any(rect.get_visible() for _, rect, _ in e.outlines)
    e.click(*e.cell_centre("output", 3, 4))
    assert e.selection == ("output", 3, 4)
    for col, rect, inner in e.outlines:
        size = 2 if col == 1 else 1
        assert rect.get_visible() and inner.get_visible()
        assert rect.get_xy() == (4 * size - 0.5, 3 * size - 0.5) and rect.get_width() == size
    maps = why_pool.shift_changes(why_pool.digit(0), 1, 2)["maps"]
    assert "rows 6-7, columns 8-9" in e.caption.value
    assert f"max {maps['max'][0][3, 4]:.2f} → {maps['max'][1][3, 4]:.2f}" in e.caption.value
    e.key("Escape")
    assert e.selection == () and not any(rect.get_visible() for _, rect, _ in e.outlines)


def test_selection_follows_the_window_size():
    e = InvarianceExplorer(f=4)
    options = [v for _, v in e.controls["select"].options]
    assert ("output", 2, 2) in options and ("output", 3, 0) not in options  # 14 // 4 = 3 cells per axis
