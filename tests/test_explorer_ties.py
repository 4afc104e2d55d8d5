"""Lesson 07's TiePolicyExplorer: move its controls, check the gradients and the conservation check."""

import numpy as np
import pytest

from pooling_lib.examples import TIE_INPUTS as INPUTS
from pooling_lib.examples import tie_input as example_input
from pooling_lib.explorers.ties import TiePolicyExplorer
from pooling_lib.palette import WINNER_EDGE

import reference

POLICIES = ["first", "last", "all", "split"]


def naive_backward(x, f, s, policy):
    """A gradient of ones through max pooling (no padding), loop by loop."""
    grad = np.zeros(x.shape)
    for row in reference.window_maxima(x, f, s):
        for maxima in row:
            chosen = {"first": maxima[:1], "last": maxima[-1:], "all": maxima, "split": maxima}[policy]
            share = 1.0 / len(maxima) if policy == "split" else 1.0
            for r, c in chosen:
                grad[r, c] += share
    counts, tied = reference.ties(x, f, s)
    return grad, counts, tied


def test_opening_picture():
    ex = TiePolicyExplorer()
    assert ex.values() == {"input": "few", "f": 2, "stride": 2, "policy": "first"}
    x = np.array([[1, 5, 2, 0, 3, 3], [5, 2, 1, 4, 0, 1], [0, 1, 7, 2, 2, 6],
                  [3, 2, 0, 1, 2, 0], [4, 4, 1, 3, 8, 2], [4, 0, 2, 9, 1, 2]])
    np.testing.assert_array_equal(ex.grids[0].values, x)
    # by hand: windows (0,0) 5 twice, (0,2) 3 twice, (2,0) 4 three times
    np.testing.assert_array_equal(ex.grids[1].values, [[2, 1, 2], [1, 1, 1], [3, 1, 1]])
    assert ex.sums == {"first": 9.0, "last": 9.0, "all": 13.0, "split": 9.0}
    assert ex.check.get_text() == "input gradient sums to 9, output gradient to 9: conserved"
    # first: the window's gradient lands on its first maximum in row-major order
    first = np.zeros((6, 6))
    for r, c in [(0, 1), (1, 3), (0, 4), (3, 0), (2, 2), (2, 5), (4, 0), (5, 3), (4, 4)]:
        first[r, c] = 1
    np.testing.assert_array_equal(ex.grids[2].values, first)


@pytest.mark.parametrize("name", list(INPUTS))
@pytest.mark.parametrize("policy", POLICIES)
def test_gradients_match_the_naive_loop(name, policy):
    ex = TiePolicyExplorer()
    x = example_input(name)
    for f, s in [(2, 1), (3, 2), (4, 3)] if policy != "first" else [(2, 2), (3, 1), (1, 1)]:
        ex.set(input=name, f=f, stride=s, policy=policy)
        grad, counts, tied = naive_backward(x, f, s, policy)
        np.testing.assert_allclose(ex.grids[2].values, grad)
        np.testing.assert_array_equal(ex.grids[1].values, counts)
        np.testing.assert_array_equal(ex.tied, tied)
        rings = {tuple(p) for p in np.asarray(ex.rings.get_offsets()).astype(int)}
        assert rings == {(c, r) for r, c in zip(*np.nonzero(tied))}
        total_out = float(counts.size)
        assert ex.sums[policy] == pytest.approx(grad.sum())
        conserved = np.isclose(grad.sum(), total_out)
        verdict = "conserved" if conserved else "NOT conserved"
        assert ex.check.get_text() == (
            f"input gradient sums to {grad.sum():g}, output gradient to {total_out:g}: {verdict}")


def test_only_all_loses_conservation_and_only_with_ties():
    ex = TiePolicyExplorer()
    ex.set(input="plateau", f=2, stride=2, policy="all")
    assert ex.sums == {"first": 9.0, "last": 9.0, "all": 36.0, "split": 9.0}
    assert ex.check.get_text().endswith("NOT conserved")
    assert ex.check.get_color() == WINNER_EDGE
    assert "NOT conserved" in ex.caption.value
    ex.set(input="distinct")
    assert set(ex.sums.values()) == {9.0}
    assert ex.check.get_text().endswith(": conserved")
    assert "Windows with a tied maximum: 0 of 9." in ex.caption.value
    # no tie: the policy cannot matter, so it is disabled and the caption says why
    assert ex.controls["policy"].disabled
    assert "is disabled: no window has a tied maximum here" in ex.caption.value
    ex.set(input="few")
    assert not ex.controls["policy"].disabled
    assert "is disabled" not in ex.caption.value


def test_split_shares_on_a_plateau_with_overlap():
    ex = TiePolicyExplorer()
    ex.set(input="plateau", f=2, stride=1, policy="split")
    # each of the 25 windows gives 1/4 to each of its cells; a cell is in up to 4 windows
    per_axis = np.array([1, 2, 2, 2, 2, 1])
    np.testing.assert_allclose(ex.grids[2].values, np.multiply.outer(per_axis, per_axis) / 4)
    assert ex.sums["split"] == pytest.approx(25.0)
    assert ex.sums["all"] == pytest.approx(100.0)


def test_title_and_caption_follow_the_sliders():
    ex = TiePolicyExplorer()
    ex.set(f=3, stride=1, policy="last")
    assert ex.title.get_text().startswith("window 3×3, stride 1")
    assert ex.grids[2].title.get_text() == "input gradient, 'last'"
    assert "<b>last</b>" in ex.caption.value
    assert ex.grids[1].values.shape == (4, 4)


def test_window_of_one_cell_has_no_ties_and_disables_the_policy():
    ex = TiePolicyExplorer(f=1, stride=1)
    assert ex.controls["policy"].disabled
    assert ex.sums == {p: 36.0 for p in POLICIES}


def test_caption_table_has_separate_headers():
    ex = TiePolicyExplorer()
    headers = [h.rsplit(">", 1)[1] for h in ex.caption.value.split("</th>")[:-1]]
    assert headers == ["policy", "sum of the input gradient", "mass"]
    assert "padding" in ex.caption.value.split("<th")[1]


def test_every_text_is_legible():
    ex = TiePolicyExplorer(input="plateau", f=3, stride=1, policy="split")
    assert ex.smallest_text_px(468) >= 11
    assert ex.smallest_text_px(848) >= 13
