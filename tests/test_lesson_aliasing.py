"""Lesson 10's data, maths and exercises (pooling_lib.lessons.aliasing).

Expected arrays are worked out by hand from the definitions in the
docstrings (stripes: column j is 1 where (j - shift) // width is odd).
"""

import numpy as np
import pytest

from pooling_lib.lessons import aliasing as lesson
from pooling_lib.lessons.aliasing import (
    METHODS,
    ROOF,
    ShiftChange,
    downsample,
    photo,
    roof,
    shift_change,
    shift_outputs,
    stripes,
)


# ---------------------------------------------------------------- data
def test_stripes_by_hand():
    assert stripes(2, 0, 8, 1).tolist() == [[0, 0, 1, 1, 0, 0, 1, 1]]
    assert stripes(2, 1, 8, 1).tolist() == [[1, 0, 0, 1, 1, 0, 0, 1]]
    assert stripes(2, 3, 8, 1).tolist() == [[0, 1, 1, 0, 0, 1, 1, 0]]
    assert stripes(1, 0, 6, 1).tolist() == [[0, 1, 0, 1, 0, 1]]
    assert stripes(3, 2, 7, 1).tolist() == [[1, 1, 0, 0, 0, 1, 1]]


def test_stripes_shift_moves_the_pattern_right_and_rows_repeat():
    x = stripes(2, 0, 16)
    for s in range(1, 5):
        moved = stripes(2, s, 16)
        np.testing.assert_array_equal(moved[:, s:], x[:, :-s])
    assert x.shape == (8, 16) and x.dtype == np.float64
    assert (x == x[0]).all()


def test_stripes_shift_by_a_period_is_the_same_image():
    np.testing.assert_array_equal(stripes(2, 4), stripes(2, 0))


def test_photo_is_cached_read_only_and_in_unit_range():
    a = photo("china.jpg")
    assert a is photo("china.jpg")
    assert a.shape == (427, 640, 3)
    assert not a.flags.writeable
    grey = photo("china.jpg", grey=True)
    np.testing.assert_allclose(grey, a.mean(axis=-1))
    assert 0 <= grey.min() and grey.max() <= 1


def test_roof_is_the_region_moved_right():
    row, col, h, w = ROOF
    grey = photo("china.jpg", grey=True)
    np.testing.assert_array_equal(roof(0), grey[row:row + h, col:col + w])
    np.testing.assert_array_equal(roof(5)[:, 5:], roof(0)[:, :-5])
    np.testing.assert_array_equal(roof(2)[:, 0], grey[row:row + h, col - 2])


def test_roof_stripes_are_about_4_px_apart():
    # the premise of the lesson: the tiles sit at the finest pattern a stride-2 grid can hold
    rows = roof(0) - roof(0).mean(axis=1, keepdims=True)
    spectrum = np.abs(np.fft.rfft(rows, axis=1)).mean(axis=0)
    period = rows.shape[1] / (1 + np.argmax(spectrum[1:]))
    assert 3.5 <= period <= 4.5


# ---------------------------------------------------------------- maths
def test_downsample_by_hand_on_the_stripes():
    x0, x1 = stripes(2, 0, 8), stripes(2, 1, 8)
    assert downsample(x0, "subsample")[0].tolist() == [0, 1, 0, 1]
    assert downsample(x1, "subsample")[0].tolist() == [1, 0, 1, 0]
    assert downsample(x0, "max")[0].tolist() == [0, 1, 0, 1]
    assert downsample(x1, "max")[0].tolist() == [1, 1, 1, 1]
    assert downsample(x0, "mean")[0].tolist() == [0, 1, 0, 1]
    assert downsample(x1, "mean")[0].tolist() == [0.5, 0.5, 0.5, 0.5]
    # blur: dense max [0,1,1,1,0,1,1], reflect-padded to [1, 0,1,1,1,0,1,1, 1,0],
    # [1,3,3,1]/8 at columns 0, 2, 4, 6
    assert downsample(x0, "blur")[0].tolist() == [5 / 8, 7 / 8, 5 / 8, 7 / 8]
    assert downsample(x0, "blur").shape == (4, 4)


def test_downsample_blur_with_one_tap_is_max_pooling():
    for s in range(3):
        np.testing.assert_array_equal(downsample(roof(s), "blur", filter_size=1), downsample(roof(s), "max"))


def test_downsample_f4():
    x = np.arange(64.0).reshape(8, 8)
    np.testing.assert_array_equal(downsample(x, "subsample", 4), [[0, 4], [32, 36]])
    np.testing.assert_array_equal(downsample(x, "max", 4), [[27, 31], [59, 63]])
    np.testing.assert_array_equal(downsample(x, "mean", 4), [[13.5, 17.5], [45.5, 49.5]])


def test_shift_outputs_stacks_one_output_per_shift():
    out = shift_outputs(lambda s: stripes(2, s, 8), "max", range(4))
    assert out.shape == (4, 4, 4)
    assert out[:, 0].tolist() == [[0, 1, 0, 1], [1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 1, 1]]


def test_shift_change_by_hand():
    # every 1-px step: half the 6 inner cells jump by 1 (max) or all move by 0.5 (mean)
    assert shift_change(shift_outputs(lambda s: stripes(2, s), "max", range(5))) == ShiftChange(1.0, 0.5)
    assert shift_change(shift_outputs(lambda s: stripes(2, s), "mean", range(5))) == ShiftChange(0.5, 0.5)
    # blur: inner cells take 5/8 and 7/8, so a step changes a cell by 0 or 1/4
    assert shift_change(shift_outputs(lambda s: stripes(2, s), "blur", range(5))).largest == 0.25


def test_shift_change_trim_and_small_example():
    outputs = np.array([[[0.0, 1.0, 0.0]], [[1.0, 0.5, 1.0]]])
    assert shift_change(outputs, trim=0) == ShiftChange(1.0, pytest.approx(5 / 6))
    assert shift_change(outputs, trim=1) == ShiftChange(0.5, 0.5)


def test_blur_flickers_less_than_max_on_stripes_and_roof():
    for make in (lambda s: stripes(2, s), roof):
        change = {m: shift_change(shift_outputs(make, m)) for m in METHODS}
        assert change["blur"].mean < change["max"].mean / 2
        assert change["blur"].largest < change["max"].largest
        assert change["subsample"].mean > change["max"].mean


def test_more_taps_flicker_less_on_the_roof():
    means = [shift_change(shift_outputs(roof, "blur", filter_size=k)).mean for k in range(1, 8)]
    assert all(a > b for a, b in zip(means, means[1:]))


# ---------------------------------------------------------------- errors
def test_bad_method():
    with pytest.raises(ValueError, match="method must be one of .* got 'median'"):
        downsample(stripes(), "median")


def test_bad_shift():
    with pytest.raises(ValueError, match="shift must be a non-negative integer, got -1"):
        stripes(2, -1)
    with pytest.raises(TypeError, match="shift must be an integer, got 1.5"):
        stripes(2, 1.5)
    with pytest.raises(ValueError, match="shift must be at most 7, got 8"):
        roof(8)


def test_bad_photo_arguments():
    with pytest.raises(ValueError, match="name must be one of .* got 'cat.jpg'"):
        photo("cat.jpg")
    with pytest.raises(TypeError, match="grey must be True or False, got 1"):
        photo("china.jpg", grey=1)


def test_bad_shift_outputs_arguments():
    with pytest.raises(TypeError, match="make must be a function of the shift"):
        shift_outputs(stripes(), "max")
    with pytest.raises(ValueError, match="shifts must hold at least one shift"):
        shift_outputs(roof, "max", [])


def test_bad_shift_change_arguments():
    with pytest.raises(ValueError, match="outputs must stack at least two outputs"):
        shift_change(np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="outputs must stack at least two outputs"):
        shift_change(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="trim must leave some of the 4 output columns, got 2"):
        shift_change(np.zeros((2, 2, 4)), trim=2)


# ---------------------------------------------------------------- exercises
def test_exercise_names_and_every_one_builds():
    assert lesson.exercises.names() == ["shifted-max", "one-px-stripes", "filter-size-one", "why-blur"]
    assert set(lesson.exercises.solutions()) == set(lesson.exercises.names())


def test_shifted_max_exercise_answer_and_misconceptions():
    ex = lesson.exercise("shifted-max")
    assert ex.check("[1, 1, 1, 1]")
    assert not ex.check("[0, 1, 0, 1]")
    assert "before the shift" in ex.feedback.value
    assert not ex.check("[1, 0, 1, 0]")
    assert "2-px shift" in ex.feedback.value
    assert "[1, 1, 1, 1]" not in ex.question.value  # the answer is not in the question


def test_one_px_stripes_choice():
    q = lesson.exercise("one-px-stripes")
    assert q.expected == "it stays all 1s"
    assert not q.choose("it flips between all 0s and all 1s")
    assert "subsample" in q.feedback.value
    assert q.choose("it stays all 1s")


def test_filter_size_one_prediction_and_why_blur():
    assert lesson.exercise("filter-size-one").expected == "exactly the max-pooled output"
    q = lesson.exercise("why-blur")
    assert q.choose("it removes detail the coarser grid cannot hold")
    assert not q.choose("it makes the output exactly shift-invariant")
    assert "0.25" in q.feedback.value and "max pooling: 1" in q.feedback.value
