"""Lesson 02's module: coverage counts, winners, and its exercises' answers and misconceptions."""

import numpy as np
import pytest

from pooling_lib.examples import post_example
from pooling_lib.lessons import windows_and_strides as lesson


def _coverage_loop(shape, f, s, p=0, d=1):
    """Definition: add 1 under every window (tap positions start + d*t), padding ignored."""
    h, w = shape
    count = np.zeros(shape, int)
    n_out = [(n + 2 * p - d * (f - 1) - 1) // s + 1 for n in shape]
    for i in range(n_out[0]):
        for j in range(n_out[1]):
            for a in range(f):
                for b in range(f):
                    r, c = i * s - p + d * a, j * s - p + d * b
                    if 0 <= r < h and 0 <= c < w:
                        count[r, c] += 1
    return count


@pytest.mark.parametrize(("f", "s", "p", "d"), [(3, 1, 0, 1), (3, 2, 0, 1), (3, 2, 1, 1), (2, 3, 0, 1),
                                                 (2, 1, 0, 2), (4, 4, 0, 1)])
def test_coverage_matches_a_loop(f, s, p, d):
    np.testing.assert_array_equal(lesson.coverage((6, 6), f, s, p, dilation=d), _coverage_loop((6, 6), f, s, p, d))


def test_coverage_by_hand_rectangular():
    np.testing.assert_array_equal(lesson.coverage((2, 4), (2, 2), (1, 2)), [[1, 1, 1, 1], [1, 1, 1, 1]])


def test_the_19_wins_three_of_the_four_right_hand_outputs():
    assert lesson.wins(post_example(), 3, 1, (3, 5)) == [(1, 3), (2, 3), (3, 3)]


def test_answers():
    sol = lesson.exercises.solutions()
    assert sol["output-size"] == "3"  # floor((8 - 3) / 2) + 1
    assert sol["pool-grid"] == "[[5, 9], [8, 8]]"
    assert sol["windows-containing"] == "4"  # rows 0-1 x columns 2-3 of window starts
    assert sol["dilation-cells"] == "9"
    assert sol["dropped-cells"].startswith("20:")
    assert sol["why-floor"].startswith("a window must fit")


@pytest.mark.parametrize(("name", "wrong", "words"), [
    ("output-size", "4", "check where the last window starts"),
    ("windows-containing", "9", "near the edge"),
    ("dilation-cells", "25", "span"),
    ("pool-grid", "[[5, 9], [8, 8]]", None),
])
def test_misconception_messages(name, wrong, words):
    ex = lesson.exercise(name)
    if words is None:
        assert ex.check(wrong)
    else:
        assert not ex.check(wrong)
        assert words in ex.feedback.value


def test_pool_grid_mean_answer_is_named():
    ex = lesson.exercise("pool-grid")
    mean = np.array([[2.5, 8.25], [3.75, 4.5]])
    np.testing.assert_allclose(mean, lesson.pool(lesson.EX_GRID, 2, method="mean"))
    assert not ex.check(str(mean.tolist()))
    assert "that is the mean" in ex.feedback.value


def test_the_grid_is_shown_in_the_question():
    assert "[[4 5 7 9]" in lesson.exercise("pool-grid").question.value


def test_refusals():
    with pytest.raises(ValueError, match="cell must be a \\(row, col\\) inside the 6×6 grid, got \\(6, 0\\)"):
        lesson.wins(post_example(), 3, 1, (6, 0))
    with pytest.raises(ValueError, match="shape must be \\(rows, cols\\), got \\(6,\\)"):
        lesson.coverage((6,), 3, 1)
