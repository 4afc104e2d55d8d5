"""Lesson 03's module: record sizes, and its exercises' answers and misconceptions."""

import numpy as np
import pytest

from pooling_lib.lessons import maximum_positions as lesson


def test_record_sizes_by_hand():
    s = lesson.record_sizes((2, 6, 6, 3), 3, 3)
    assert s == {"outputs": 2 * 2 * 2 * 3, "input": 2 * 36 * 3 * 4, "mask": 24 * 9 * 8, "mask_temporary": 24 * 9,
                 "indices": 24 * 8}


def test_record_sizes_of_the_lesson_batch():
    s = lesson.record_sizes((64, 112, 112, 64), 3, 2)
    assert s["outputs"] == 64 * 55 * 55 * 64
    assert s["mask"] == 9 * s["indices"]


def test_answers():
    sol = lesson.exercises.solutions()
    assert sol["flat-indices"] == "[[0, 3], [12, 10]]"  # grid printed in the question; first tie wins
    assert sol["tie-index"] == "1"
    assert float(sol["mask-mb"]) == pytest.approx(32 * 28 * 28 * 128 * 4 * 8 / 1e6)
    assert sol["nan-window"].startswith("NaN:")
    assert sol["tie-predict"].startswith("the first in row-major order: Right: cell (0, 3)")


@pytest.mark.parametrize(("name", "wrong", "words"), [
    ("flat-indices", "[[0, 1], [2, 0]]", "positions inside each window"),
    ("flat-indices", "[[5, 6], [12, 14]]", "last maximum"),
    ("tie-index", "4", "comes second"),
    ("mask-mb", "25.690112", "flat indices"),
    ("mask-mb", "51.380224", "float32 input"),
])
def test_misconception_messages(name, wrong, words):
    ex = lesson.exercise(name)
    assert not ex.check(wrong)
    assert words in ex.feedback.value


def test_last_winner_helper_by_hand():
    g = np.array([[1, 1], [0, 1]])
    assert lesson._last_winner_indices(g, 2).tolist() == [[3]]


def test_grids_are_shown_in_the_questions():
    assert "[[3 1 0 1]" in lesson.exercise("flat-indices").question.value
    assert "[[5 7 0 0]" in lesson.exercise("tie-index").question.value


def test_record_sizes_refuses_a_shape_without_four_axes():
    with pytest.raises(ValueError, match="shape must be \\(m, h, w, c\\), got \\(6, 6\\)"):
        lesson.record_sizes((6, 6), 2)
