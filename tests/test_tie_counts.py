"""pooling_lib.ties.tie_counts and tied_maxima, against reference.ties (a loop over the windows written from the definition)."""

import numpy as np
import pytest

from pooling_lib.ties import tie_counts, tied_maxima

import reference


def test_hand_computed():
    x = np.array([[1, 5, 2, 0],
                  [5, 2, 1, 2],
                  [0, 1, 7, 2],
                  [3, 3, 0, 1]])
    np.testing.assert_array_equal(tie_counts(x, 2, 2), [[2, 2], [2, 1]])
    np.testing.assert_array_equal(tied_maxima(x, 2, 2).astype(int),
                                  [[0, 1, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0], [1, 1, 0, 0]])


@pytest.mark.parametrize("f, s", [(2, 2), (2, 1), (3, 2), (3, 1), (1, 1), (4, 3)])
def test_random_small_integers_match_the_loop(f, s):
    x = np.random.default_rng(f * 10 + s).integers(0, 3, (7, 6))
    counts, tied = reference.ties(x, f, s)
    np.testing.assert_array_equal(tie_counts(x, f, s), counts)
    np.testing.assert_array_equal(tied_maxima(x, f, s), tied)


def test_overlapping_windows_mark_a_cell_tied_in_any_of_them():
    # stride 1: the 1s at (0, 1) and (0, 2) tie in window (0, 1) only
    x = np.array([[0, 1, 1, 0],
                  [0, 0, 0, 2]])
    np.testing.assert_array_equal(tied_maxima(x, 2, 1), [[False, True, True, False], [False] * 4])


@pytest.mark.parametrize("func", [tie_counts, tied_maxima])
def test_rejects_a_batch(func):
    with pytest.raises(ValueError, match=r"x must be 2-D \(h, w\), got shape \(1, 4, 4\)"):
        func(np.zeros((1, 4, 4)), 2, 2)
