"""Lesson 04's module: the conservation rule against the library's sums, output sizes, exercises."""

import itertools

import numpy as np
import pytest

from pooling_lib import pool, unpool_avg, unpool_max
from pooling_lib.lessons import backward_pass as lesson


def test_window_cells_by_hand():
    real, divisor = lesson.window_cells((5, 5), 3, 2, padding=1, count_include_pad=False)
    np.testing.assert_array_equal(real, [[4, 6, 4], [6, 9, 6], [4, 6, 4]])
    np.testing.assert_array_equal(divisor, real)
    real, divisor = lesson.window_cells((6, 6), 3, 2, ceil_mode=True)
    np.testing.assert_array_equal(real, [[9, 9, 6], [9, 9, 6], [6, 6, 4]])
    np.testing.assert_array_equal(divisor, real)
    _, divisor = lesson.window_cells((4, 4), 2, divisor_override=3)
    np.testing.assert_array_equal(divisor, np.full((2, 2), 3))


def test_the_issue_example_is_5_44_not_9():
    assert unpool_avg(np.ones((3, 3)), (5, 5), 3, 2, padding=1).sum() == pytest.approx(49 / 9)
    assert not lesson.conserves_total((5, 5), 3, 2, padding=1)


CASES = [(n, f, s, p, cm, cip, do) for n, f, s in itertools.product(range(3, 8), (2, 3), (1, 2, 3))
         for p in range(f // 2 + 1) for cm in (False, True) for cip in (True, False) for do in (None, 4)]


def test_rule_agrees_with_the_library_for_every_geometry():
    """sum(dx) = sum(g * real / divisor), and 'kept for every g' exactly when the rule says so."""
    rng = np.random.default_rng(0)
    checked = 0
    for n, f, s, p, cm, cip, do in CASES:
        options = dict(padding=p, ceil_mode=cm, count_include_pad=cip, divisor_override=do)
        try:
            ho = pool(np.zeros((n, n)), f, s, method="mean", padding=p, ceil_mode=cm).shape
        except ValueError:  # a geometry pool refuses
            continue
        g = rng.uniform(0.5, 1.5, ho)
        total = unpool_avg(g, (n, n), f, s, **options).sum()
        real, divisor = lesson.window_cells((n, n), f, s, **options)
        assert total == pytest.approx((g * real / divisor).sum())
        assert lesson.conserves_total((n, n), f, s, **options) == bool(np.isclose(total, g.sum()))
        checked += 1
    assert checked > 200


def test_max_always_keeps_the_total_even_with_padding():
    x = np.random.default_rng(1).standard_normal((5, 5))
    _, idx = pool(x, 3, 2, padding=1, return_indices=True)
    g = np.random.default_rng(2).standard_normal(idx.shape)
    assert unpool_max(g, idx, x.shape).sum() == pytest.approx(g.sum())
    assert lesson.conserves_total((5, 5), 3, 2, method="max", padding=1)


def test_output_sizes_pooling_to():
    assert lesson.output_sizes_pooling_to(2, 2) == [4, 5]
    assert lesson.output_sizes_pooling_to(3, 3, 1) == [5]


def test_answers():
    sol = lesson.exercises.solutions()
    assert sol["grad-sum"] == "11"  # sum of g: no padding keeps the total
    assert sol["grad-middle"] == "9"
    assert sol["first-row"] == "[0.25, 0.5, 0.5, 0.25]"
    assert sol["padded-sum"] == "5.444444"
    assert sol["adds-or-writes"].startswith("10 for the gradient, 4 for MaxUnpool2d")


@pytest.mark.parametrize(("name", "wrong", "words"), [
    ("grad-sum", "99", "divided by its f·f cells"),
    ("grad-middle", "1", "MaxUnpool2d writes"),
    ("first-row", "[1, 2, 2, 1]", "count the windows"),
    ("padded-sum", "9", "without padding"),
])
def test_misconception_messages(name, wrong, words):
    ex = lesson.exercise(name)
    assert not ex.check(wrong)
    assert words in ex.feedback.value


def test_padded_sum_accepts_two_decimals():
    assert lesson.exercise("padded-sum").check("5.44")


def test_refusals():
    with pytest.raises(ValueError, match="method must be 'max' or 'mean', got 'lp'"):
        lesson.conserves_total((4, 4), 2, method="lp")
    with pytest.raises(ValueError, match="size must be an integer >= 1, got 0"):
        lesson.output_sizes_pooling_to(0, 2)
