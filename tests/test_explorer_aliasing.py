"""Lesson 10's explorer draws what pooling_lib.lessons.aliasing computes, and every control matters."""

import numpy as np
import pytest

from pooling_lib.explorers.aliasing import AliasingExplorer
from pooling_lib.explorers.base import NARROW_WIDTH_PX, WIDE_WIDTH_PX
from pooling_lib.lessons.aliasing import downsample, roof, shift_change, shift_outputs, stripes


@pytest.fixture(scope="module")
def explorer():
    return AliasingExplorer()


def test_starts_on_the_stripes_with_max_pooling(explorer):
    explorer.set(image="stripes", shift=0, method="max", filter_size=4, column=4)
    np.testing.assert_array_equal(explorer.output, downsample(stripes(2, 0, 16), "max"))
    assert explorer.output[0].tolist() == [0, 1, 0, 1, 0, 1, 0, 1]
    assert explorer.input_image.get_array().shape == (8, 16)


def test_one_px_shift_flips_max_pooling_on_the_stripes(explorer):
    explorer.set(image="stripes", shift=1, method="max")
    assert explorer.output[0].tolist() == [1.0] * 8
    assert "up to 1.00 (mean 0.500)" in explorer.caption.value


def test_caption_numbers_are_the_lesson_measure(explorer):
    for image, make in (("stripes", lambda s: stripes(2, s, 16)), ("photo", roof)):
        for method in ("max", "mean", "blur"):
            explorer.set(image=image, method=method, filter_size=3, shift=0)
            expected = shift_change(shift_outputs(make, method, filter_size=3))
            assert explorer.change[method] == expected
            assert f"<b>{expected.largest:.2f}</b> (mean <b>{expected.mean:.3f}</b>)" in explorer.caption.value


def test_curves_follow_the_chosen_cell(explorer):
    explorer.set(image="photo", method="blur", filter_size=5, shift=2, column=30)
    r, c = explorer.cell
    assert (r, c) == (5, 30)
    for method, filter_size in (("max", 4), ("mean", 4), ("blur", 5)):
        values = shift_outputs(roof, method, filter_size=filter_size)[:, r, c]
        np.testing.assert_allclose(explorer.curves[method].get_ydata(), values)
    assert explorer.curves["blur"].get_linewidth() > explorer.curves["max"].get_linewidth()
    assert list(explorer.now.get_xdata()) == [2, 2]


def test_column_is_limited_to_the_output(explorer):
    explorer.set(image="photo", column=47)
    assert explorer.controls["column"].max == 47
    explorer.set(image="stripes")
    assert explorer.controls["column"].max == 7
    assert explorer.controls["column"].value == 7
    assert explorer.cell == (2, 7)


def test_filter_size_changes_the_blur_curve_even_with_max(explorer):
    explorer.set(image="stripes", method="max", filter_size=4, column=4)
    before = explorer.curves["blur"].get_ydata().copy()
    explorer.set(filter_size=7)
    assert not np.array_equal(before, explorer.curves["blur"].get_ydata())
    np.testing.assert_array_equal(explorer.output, downsample(stripes(2, explorer.values()["shift"], 16), "max"))


def test_footprint_outlines_the_window_or_the_blur_taps(explorer):
    explorer.set(image="stripes", method="max", column=3)
    assert explorer.footprint.get_bbox().bounds == (5.5, 3.5, 2, 2)   # cols 6-7, rows 4-5
    explorer.set(method="blur", filter_size=4)
    # dense-max windows 5..8 (1 before, 2 after column 6) read input columns 5..9
    assert explorer.footprint.get_bbox().bounds == (4.5, 2.5, 5, 5)
    explorer.set(filter_size=1)
    assert explorer.footprint.get_bbox().bounds == (5.5, 3.5, 2, 2)


def test_blur_with_one_tap_shows_max_pooling(explorer):
    explorer.set(image="photo", method="max", shift=1)
    as_max = explorer.output.copy()
    explorer.set(method="blur", filter_size=1)
    np.testing.assert_array_equal(explorer.output, as_max)
    assert "plain max pooling" in explorer.caption.value


def test_step_caption_only_after_a_shift(explorer):
    explorer.set(image="stripes", method="max", shift=0)
    assert "From shift" not in explorer.caption.value
    explorer.set(shift=3)
    assert "From shift 2 to 3" in explorer.caption.value


@pytest.mark.parametrize("image", ["stripes", "photo"])
@pytest.mark.parametrize("method", ["max", "blur"])
def test_text_is_legible(image, method):
    e = AliasingExplorer(image=image, method=method, shift=5)
    assert e.smallest_text_px(WIDE_WIDTH_PX) >= 13
    assert e.smallest_text_px(NARROW_WIDTH_PX) >= 11


def test_caption_says_when_the_blur_footprint_is_cut_by_the_border(explorer):
    explorer.set(image="stripes", method="blur", filter_size=4, column=3)
    assert not explorer.clipped and "reflects" not in explorer.caption.value
    explorer.set(column=0)
    assert explorer.clipped and "reflects the map" in explorer.caption.value
    assert explorer.footprint.get_bbox().bounds == (-0.5, 2.5, 4, 5)
