"""Exercise boxes: parsing, checking, misconception messages, Enter, concept questions."""

import math

import numpy as np
import pytest

from pooling_lib.exercises import Choice, Exercise, ExerciseSet, Prediction, parse_answer


# ---------------------------------------------------------------- parse_answer
@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), (" 2.5 ", 2.5), ("(2, 3)", (2, 3)), ("2, 3", (2, 3)), ("True", True), ("'max'", "max"),
     ("inf", math.inf), ("-inf", -math.inf)],
)
def test_parse_scalars_and_tuples(text, value):
    assert parse_answer(text) == value


def test_parse_nested_list_becomes_array():
    out = parse_answer("[[5, 7], [13, 15]]")
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [[5, 7], [13, 15]])


def test_parse_nan_alone_and_inside_a_list():
    assert math.isnan(parse_answer("nan"))
    out = parse_answer("[1, nan, -inf]")
    assert out[0] == 1 and math.isnan(out[1]) and out[2] == -math.inf


def test_parse_refuses_empty():
    with pytest.raises(ValueError, match="empty"):
        parse_answer("   ")


def test_parse_refuses_non_literal():
    with pytest.raises(ValueError, match="could not read 'x \\+ 1'"):
        parse_answer("x + 1")


def test_parse_refuses_code_next_to_nan():
    with pytest.raises(ValueError, match="could not read"):
        parse_answer("nan or __import__('os')")


def test_parse_refuses_ragged_rows():
    with pytest.raises(ValueError, match="different lengths"):
        parse_answer("[[1, 2], [3]]")


def test_parse_refuses_non_string():
    with pytest.raises(TypeError, match="text must be a string, got int"):
        parse_answer(3)


# ---------------------------------------------------------------- Exercise
def test_right_number_within_tolerance():
    ex = Exercise("?", expected=1.6667)
    assert ex.check("1.667")
    assert "Right" in ex.feedback.value


def test_wrong_number_outside_tolerance_shows_hint():
    ex = Exercise("?", expected=1.6667, hint="divide by 9")
    assert not ex.check("1.7")
    assert "Not yet" in ex.feedback.value and "divide by 9" in ex.feedback.value


def test_array_answer_shape_must_match():
    ex = Exercise("?", expected=np.array([[5, 7], [13, 15]]))
    assert ex.check("[[5, 7], [13, 15]]")
    assert not ex.check("[5, 7, 13, 15]")


def test_tuple_answer():
    ex = Exercise("?", expected=(3, 3))
    assert ex.check("(3, 3)") and ex.check("3, 3")
    assert not ex.check("(3, 2)")


def test_word_answer_ignores_case_and_spaces():
    ex = Exercise("?", expected="mean")
    assert ex.check("  'Mean' ")


def test_unreadable_answer_says_so():
    ex = Exercise("?", expected=2)
    assert not ex.check("two windows")
    assert "Could not read" in ex.feedback.value


def test_explanation_shown_after_right_answer():
    ex = Exercise("?", expected=2, explanation="floor((6 - 3) / 2) + 1 = 2.")
    ex.check("2")
    assert "floor((6 - 3) / 2) + 1 = 2." in ex.feedback.value


def test_misconception_gets_its_own_message_instead_of_the_hint():
    ex = Exercise("?", expected=4, hint="use the formula", misconceptions={5: "check where the last window starts"})
    assert not ex.check("5")
    assert "check where the last window starts" in ex.feedback.value
    assert "use the formula" not in ex.feedback.value
    assert not ex.check("6")
    assert "use the formula" in ex.feedback.value
    assert "last window" not in ex.feedback.value


def test_misconception_with_array_answers_as_pairs():
    wrong = np.array([[1, 2], [3, 4]])
    ex = Exercise("?", expected=np.array([[1, 2], [3, 5]]), misconceptions=[(wrong, "the 5 wins")])
    assert not ex.check("[[1, 2], [3, 4]]")
    assert "the 5 wins" in ex.feedback.value


def test_misconception_equal_to_the_answer_is_refused():
    with pytest.raises(ValueError, match="misconception answer 4 equals the expected answer"):
        Exercise("?", expected=4, misconceptions={4: "oops"})


def test_misconceptions_of_wrong_type_are_refused():
    with pytest.raises(TypeError, match="misconceptions must be a dict"):
        Exercise("?", expected=4, misconceptions=5)


def test_misconception_message_must_be_text():
    with pytest.raises(TypeError, match="each misconception must be"):
        Exercise("?", expected=4, misconceptions=[(5, 6)])


def test_question_must_be_text():
    with pytest.raises(TypeError, match="question must be a string, got int"):
        Exercise(3, expected=4)


def test_tolerance_must_be_non_negative():
    with pytest.raises(ValueError, match="tolerance must be a number >= 0, got -1"):
        Exercise("?", expected=4, tolerance=-1)


def test_enter_submits():
    """continuous_update=False: the box's value changes only on Enter (or blur), and that checks it."""
    ex = Exercise("?", expected=4)
    assert ex.answer.continuous_update is False
    ex.answer.value = "4"
    assert "Right" in ex.feedback.value
    ex.answer.value = "5"
    assert "Not yet" in ex.feedback.value


def test_clearing_the_box_checks_nothing():
    ex = Exercise("?", expected=4)
    ex.answer.value = "5"
    before = ex.feedback.value
    ex.answer.value = ""
    assert ex.feedback.value == before


def test_button_checks_the_same_answer_again():
    ex = Exercise("?", expected=4)
    ex.answer.value = "4"
    ex.feedback.value = ""
    ex.button.click()
    assert "Right" in ex.feedback.value


def test_expected_answer_is_not_in_the_widget_state():
    ex = Exercise("?", expected=123456)
    state = str([w.get_state() for w in (ex.question, ex.answer, ex.button, ex.feedback)])
    assert "123456" not in state


def test_solution_text():
    assert Exercise("?", expected=np.array([[1, 2]])).solution == "[[1, 2]]"
    assert Exercise("?", expected=np.float64(2.5)).solution == "2.5"
    assert Exercise("?", expected=10.999999999999998).solution == "11"
    assert Exercise("?", expected=4.0).solution == "4"
    assert Exercise("?", expected="max").solution == "max"


# ---------------------------------------------------------------- Choice
def _choice():
    return Choice("Is max pooling a convolution?",
                  {"yes": "no weights make a max", "no": "max is not a weighted sum"}, answer="no")


def test_choice_starts_with_nothing_picked():
    q = _choice()
    assert q.options.value is None and q.feedback.value == ""


def test_choice_shows_the_explanation_of_the_picked_option():
    q = _choice()
    assert not q.choose("yes")
    assert "Not quite" in q.feedback.value and "no weights make a max" in q.feedback.value
    assert q.choose("no")
    assert "Right" in q.feedback.value and "max is not a weighted sum" in q.feedback.value


def test_choice_picking_with_the_widget_gives_the_verdict():
    q = _choice()
    q.options.value = "no"
    assert "Right" in q.feedback.value


def test_choice_choose_same_option_twice_keeps_the_verdict():
    q = _choice()
    q.choose("yes")
    q.feedback.value = ""
    assert not q.choose("yes")
    assert "no weights make a max" in q.feedback.value


def test_choice_answer_must_be_an_option():
    with pytest.raises(ValueError, match="answer must be one of the option labels \\['a', 'b'\\], got 'c'"):
        Choice("?", {"a": "x", "b": "y"}, answer="c")


def test_choice_needs_two_options():
    with pytest.raises(ValueError, match="at least 2 options, got 1"):
        Choice("?", {"a": "x"}, answer="a")


def test_choice_options_must_be_a_dict():
    with pytest.raises(TypeError, match="options must be a dict"):
        Choice("?", ["a", "b"], answer="a")


def test_choice_every_option_needs_an_explanation():
    with pytest.raises(TypeError, match="each option must be a label str with an explanation str"):
        Choice("?", {"a": "x", "b": ""}, answer="a")


def test_choice_question_must_be_text():
    with pytest.raises(TypeError, match="question must be a string, got NoneType"):
        Choice(None, {"a": "x", "b": "y"}, answer="a")


def test_choice_choose_unknown_label():
    with pytest.raises(ValueError, match="label must be one of"):
        _choice().choose("maybe")


def test_choice_solution_names_answer_and_why():
    assert _choice().solution == "no: max is not a weighted sum"


# ---------------------------------------------------------------- Prediction
def _prediction():
    return Prediction("Which changes least?", {"conv": "values move", "max": "the max stays"},
                      answer="max", try_it="drag <b>shift</b> to 1.")


def test_prediction_waits_for_reveal():
    q = _prediction()
    assert q.reveal.disabled
    assert q.choose("max")
    assert not q.reveal.disabled
    assert "drag <b>shift</b> to 1." in q.feedback.value
    assert "Right" not in q.feedback.value and "the max stays" not in q.feedback.value
    q.reveal.click()
    assert "Right" in q.feedback.value and "the max stays" in q.feedback.value


def test_prediction_wrong_then_reveal():
    q = _prediction()
    assert not q.choose("conv")
    q.reveal.click()
    assert "Not quite" in q.feedback.value and "values move" in q.feedback.value


def test_prediction_needs_an_instruction():
    with pytest.raises(TypeError, match="try_it must be a non-empty string"):
        Prediction("?", {"a": "x", "b": "y"}, answer="a", try_it="")


def test_prediction_choose_unknown_label():
    with pytest.raises(ValueError, match="label must be one of"):
        _prediction().choose("z")


# ---------------------------------------------------------------- ExerciseSet
def test_exercise_set_builds_by_name_fresh_each_time():
    exercises = ExerciseSet()

    @exercises.add("sum")
    def _sum():
        return Exercise("?", expected=3)

    @exercises.add("kind")
    def _kind():
        return _choice()

    assert exercises.names() == ["sum", "kind"]
    first, second = exercises("sum"), exercises("sum")
    assert first is not second and first.check("3")
    assert exercises.solutions() == {"sum": "3", "kind": "no: max is not a weighted sum"}


def test_exercise_set_unknown_name():
    exercises = ExerciseSet()
    with pytest.raises(ValueError, match="name must be one of \\[\\], got 'nope'"):
        exercises("nope")


def test_exercise_set_duplicate_name():
    exercises = ExerciseSet()
    exercises.add("a")(lambda: None)
    with pytest.raises(ValueError, match="already registered"):
        exercises.add("a")


def test_exercise_set_name_must_be_text():
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        ExerciseSet().add("")
