"""Lesson 01's module: shifts, feature maps, receptive fields, costs, and its exercises' answers."""

import numpy as np
import pytest

from pooling_lib import pool
from pooling_lib.lessons import why_pool as lesson


def test_digit_is_the_scaled_sklearn_digit_on_a_padded_canvas():
    from sklearn.datasets import load_digits

    d = lesson.digit(3)
    assert d.shape == (16, 16)
    np.testing.assert_array_equal(d[4:12, 4:12], load_digits().images[3] / 16)
    assert d[:4].sum() == 0 and d[12:].sum() == 0 and d[:, :4].sum() == 0 and d[:, 12:].sum() == 0


@pytest.mark.parametrize("index", [-1, 1797, 2.0, True])
def test_digit_refuses_bad_index(index):
    with pytest.raises(ValueError, match="index must be an integer in \\[0, 1797\\)"):
        lesson.digit(index)


def test_shift_right_by_hand():
    np.testing.assert_array_equal(lesson.shift_right(np.array([[1, 2, 3], [4, 5, 6]]), 2), [[0, 0, 1], [0, 0, 4]])
    np.testing.assert_array_equal(lesson.shift_right(np.array([[1, 2]]), 0), [[1, 2]])


def test_shift_right_refuses_bad_input():
    with pytest.raises(ValueError, match="image must be 2-D, got shape \\(3,\\)"):
        lesson.shift_right(np.ones(3), 1)
    with pytest.raises(ValueError, match="shift must be an integer in \\[0, 3\\), got 3"):
        lesson.shift_right(np.ones((2, 3)), 3)


def test_feature_map_is_relu_of_a_valid_cross_correlation():
    image = np.zeros((4, 4))
    image[:, 0] = 1.0  # a bright left column: the Sobel filter's +1/+2 column sits on it at position 0
    expected = np.array([[4.0, 0.0], [4.0, 0.0]])  # 1 + 2 + 1 at column 0; the negative side is cut by ReLU
    np.testing.assert_array_equal(lesson.feature_map(image), expected)
    np.testing.assert_array_equal(lesson.feature_map(image[:, ::-1]), np.zeros((2, 2)))


def test_relative_change_by_hand_and_zero_reference():
    assert lesson.relative_change([3.0, 4.0], [3.0, 0.0]) == pytest.approx(4 / 3)
    with pytest.raises(ValueError, match="old must not be all zeros"):
        lesson.relative_change([1.0], [0.0])


def test_shift_changes_uses_the_library_pooling():
    image = lesson.digit(5)
    r = lesson.shift_changes(image, 2, f=3)
    before, after = r["maps"]["conv"]
    np.testing.assert_array_equal(r["maps"]["max"][1], pool(after, 3))
    np.testing.assert_array_equal(r["maps"]["mean"][0], pool(before, 3, method="mean"))
    assert r["change"]["conv"] == pytest.approx(np.linalg.norm(after - before) / np.linalg.norm(before))


def test_conv_map_is_equivariant_away_from_the_border():
    image = lesson.digit(7)
    before, after = lesson.shift_changes(image, 2)["maps"]["conv"]
    np.testing.assert_array_equal(after[:, 2:], before[:, :-2])


def test_pooled_maps_move_by_one_cell_at_a_shift_of_one_stride():
    before, after = lesson.shift_changes(lesson.digit(0), 2, f=2)["maps"]["max"]
    np.testing.assert_array_equal(after[:, 1:], before[:, :-1])


def test_lesson_claims_for_every_digit_the_explorer_offers():
    """The prediction's answer and the explore notes: f = 3, 4 always below the conv map; f = 2 not always."""
    for f in (3, 4):
        for index in lesson.EXPLORER_DIGITS:
            for shift in (1, 2, 3):
                change = lesson.shift_changes(lesson.digit(index), shift, f)["change"]
                assert change["max"] < change["conv"], (f, index, shift)
    found = [i for i in lesson.EXPLORER_DIGITS
             if (c := lesson.shift_changes(lesson.digit(i), 3, 2)["change"])["max"] >= c["conv"]]
    assert found  # "find a digit whose max-pooled map changes as much as its conv map, or more"


def test_receptive_fields_by_hand():
    rows = lesson.receptive_fields([("conv", 3, 1), ("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1)])
    assert [(r["r"], r["j"]) for r in rows] == [(3, 1), (5, 1), (6, 2), (10, 2)]


@pytest.mark.parametrize("stack", list(lesson.STACKS))
def test_formula_matches_the_nudge_check_and_the_walk_back(stack):
    layers = lesson.STACKS[stack]
    r = lesson.receptive_fields(layers)[-1]["r"]
    last = lesson.layer_sizes(32, layers)[-1]
    for index in {0, last - 1}:
        first, end = lesson.input_region(layers, index)[0]
        assert end - first + 1 == r
        assert lesson.sensitive_inputs(layers, index, 32) == (first, end)


def test_layer_sizes_and_refusals():
    assert lesson.layer_sizes(10, [("conv", 3, 1), ("pool", 2, 2)]) == [10, 8, 4]
    with pytest.raises(ValueError, match="a window of 3 does not fit in 2 cells"):
        lesson.layer_sizes(4, [("conv", 3, 1), ("conv", 3, 1)])
    with pytest.raises(ValueError, match="each layer must be"):
        lesson.receptive_fields([("dense", 3, 1)])
    with pytest.raises(ValueError, match="index must be an integer >= 0, got -1"):
        lesson.input_region([("conv", 3, 1)], -1)


def test_downstream_cost_by_hand():
    cost = lesson.downstream_cost(4, 4, 2, 2, 1, 3)
    assert cost["values"] == (32, 8)
    assert cost["mults"] == (4 * 4 * 2 * 3, 2 * 2 * 2 * 3)


def test_exercise_answers():
    sol = lesson.exercises.solutions()
    assert sol["receptive-field"] == "10"  # 1 -> 3 -> 5 -> 6 (j = 2) -> 10
    assert sol["fewer-numbers"] == "4"
    assert sol["shift-predict"].startswith("less, at every shift")
    assert sol["why-not-convolution"].startswith("no: the max is not a weighted sum")


def test_receptive_field_misconception_is_the_no_jump_sum():
    ex = lesson.exercise("receptive-field")
    assert not ex.check("8")  # 1 + 2 + 2 + 1 + 2: every k - 1 counted once
    assert "j = 2" in ex.feedback.value
    assert ex.check("10")
