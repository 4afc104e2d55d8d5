"""Output sizes and padding across conventions, against hand-computed tables and naive loops."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pooling_lib import pool
from pooling_lib.conventions import (
    CONVENTIONS,
    STATUSES,
    compare,
    divisor_map,
    layout,
    post_pad_windows,
    same_padding,
    size_table,
    tf_output_size,
    window_divisors,
)

ORDER = ["torch", "torch-ceil", "tf-valid", "tf-same", "post-pad", "post-pad-meant"]

# (n, f, stride, padding) -> sizes in ORDER, worked out by hand:
#   torch       floor((n + 2p - f) / s) + 1
#   torch-ceil  ceil((n + 2p - f) / s) + 1, minus 1 if that last window starts at >= n (input coords)
#   tf-valid    ceil((n - f + 1) / s)          tf-same  ceil(n / s)
#   post-pad    n // s + 1 (the bug)           post-pad-meant  ceil((n - f) / s) + 1, p = 0
SIZES = {
    # the three cases the lesson preloads
    (32, 1, 2, 0): [16, 16, 16, 16, 17, 16],  # ceil: 31/2 -> 16 + 1 = 17, window 17 starts at 32: dropped
    (32, 8, 4, 0): [7, 7, 7, 8, 9, 7],  # 24/4 = 6 exactly: ceil changes nothing; TF same pads to 8
    (5, 3, 2, 0): [2, 2, 2, 3, 3, 2],
    # the post's own example: the bug adds a window made only of padding
    (6, 3, 3, 0): [2, 2, 2, 2, 3, 2],
    (4, 2, 2, 0): [2, 2, 2, 2, 3, 2],
    (5, 2, 2, 0): [2, 3, 2, 3, 3, 3],
    (4, 3, 1, 0): [2, 2, 2, 4, 5, 2],
    (6, 3, 2, 1): [3, 4, 2, 3, 4, 3],  # ceil: ceil(5/2) + 1 = 4, last start 3*2 - 1 = 5 < 6: kept
    (5, 2, 2, 1): [3, 3, 2, 3, 3, 3],  # ceil: ceil(5/2) + 1 = 4, last start 3*2 - 1 = 5 >= 5: dropped
    (32, 8, 4, 2): [8, 8, 7, 8, 9, 7],
    (7, 2, 4, 0): [2, 2, 2, 2, None, 2],  # the post's code fails: padded length 6 < 7
    (1, 1, 1, 0): [1, 1, 1, 1, 2, 1],
}


@pytest.mark.parametrize("case", sorted(SIZES), ids=str)
def test_sizes_match_the_hand_table(case):
    n, f, s, p = case
    got = compare(n, f, s, p)
    assert list(got) == ORDER
    assert [got[name].size for name in ORDER] == SIZES[case]


def test_preloaded_cases_named_in_the_issue():
    assert layout(32, 1, 2, "torch-ceil").size == 16
    assert layout(32, 8, 4, "torch-ceil").size == 7
    assert layout(5, 3, 2, "torch").size == 2
    assert layout(5, 3, 2, "torch-ceil").size == 2
    assert layout(5, 3, 2, "tf-same").size == 3
    assert layout(5, 3, 2, "tf-valid").size == 2


# (n, f, stride) -> (before, after), by hand: total = max((ceil(n/s) - 1) * s + f - n, 0)
SAME_PADS = {
    (4, 2, 2): (0, 0),
    (4, 2, 1): (0, 1),  # total 1: the odd cell goes after
    (4, 3, 1): (1, 1),
    (5, 3, 2): (1, 1),
    (6, 3, 2): (0, 1),
    (7, 4, 3): (1, 2),  # out 3, total 2*3 + 4 - 7 = 3
    (32, 8, 4): (2, 2),
    (32, 1, 2): (0, 0),
    (4, 5, 1): (2, 2),  # window longer than the input: 'same' still works
    (10, 2, 4): (0, 0),  # out 3, (3-1)*4 + 2 - 10 = 0
    (9, 2, 4): (0, 1),  # out 3, 8 + 2 - 9 = 1
}


@pytest.mark.parametrize("case", sorted(SAME_PADS), ids=str)
def test_same_padding_hand_table(case):
    assert same_padding(*case) == SAME_PADS[case]
    lay = layout(*case, convention="tf-same")
    assert (lay.pad_before, lay.pad_after) == SAME_PADS[case]


def test_tf_output_size_hand_values():
    assert tf_output_size(5, 3, 2) == 2
    assert tf_output_size(5, 3, 2, "same") == 3
    assert tf_output_size(4, 4) == 1
    assert tf_output_size(7, 3) == 2
    assert tf_output_size(7, 3, padding="same") == 3
    assert tf_output_size(4, 5, 1, "same") == 4


def test_post_pad_windows_hand_values():
    assert post_pad_windows(6, 3, 3) == (3, 9)
    assert post_pad_windows(5, 3, 2) == (3, 7)
    assert post_pad_windows(7, 2, 4) == (2, 6)
    assert post_pad_windows(32, 1, 2) == (17, 33)


# (n, f, s, p, convention) -> (starts, status, uncovered, pad_before, pad_after, overhang), by hand
LAYOUTS = {
    (4, 3, 2, 0, "torch"): ([0, 2], ("kept", "dropped"), [3], 0, 0, 0),
    (4, 3, 2, 0, "torch-ceil"): ([0, 2], ("kept", "partial"), [], 0, 0, 1),
    (5, 3, 2, 0, "tf-same"): ([-1, 1, 3], ("partial", "kept", "partial"), [], 1, 1, 0),
    (5, 3, 2, 0, "post-pad"): ([0, 2, 4], ("kept", "kept", "partial"), [], 0, 2, 0),
    (6, 3, 3, 0, "post-pad"): ([0, 3, 6], ("kept", "kept", "in-padding"), [], 0, 3, 0),
    (6, 3, 3, 0, "post-pad-meant"): ([0, 3], ("kept", "kept"), [], 0, 0, 0),
    (7, 3, 3, 0, "post-pad-meant"): ([0, 3, 6], ("kept", "kept", "partial"), [], 0, 2, 0),
    (7, 3, 3, 0, "torch"): ([0, 3, 6], ("kept", "kept", "dropped"), [6], 0, 0, 0),
    (32, 1, 2, 0, "torch-ceil"): (list(range(0, 33, 2)), ("kept",) * 16 + ("dropped-in-padding",),
                                  list(range(1, 32, 2)), 0, 0, 0),
    (5, 2, 2, 1, "torch-ceil"): ([-1, 1, 3, 5], ("partial", "kept", "kept", "dropped-in-padding"),
                                 [], 1, 1, 0),
    (6, 3, 2, 1, "torch-ceil"): ([-1, 1, 3, 5], ("partial", "kept", "kept", "partial"), [], 1, 1, 1),
    (6, 3, 2, 0, "tf-valid"): ([0, 2, 4], ("kept", "kept", "dropped"), [5], 0, 0, 0),
    (9, 2, 4, 0, "torch"): ([0, 4, 8], ("kept", "kept", "dropped"), [2, 3, 6, 7, 8], 0, 0, 0),
    (7, 2, 4, 0, "post-pad"): ([], (), list(range(7)), 0, 0, 0),
}


@pytest.mark.parametrize("case", sorted(LAYOUTS), ids=str)
def test_layout_hand_table(case):
    n, f, s, p, convention = case
    starts, status, uncovered, before, after, overhang = LAYOUTS[case]
    lay = layout(n, f, s, convention, p)
    assert lay.starts.tolist() == starts
    assert lay.status == status
    assert lay.uncovered.tolist() == uncovered
    assert (lay.pad_before, lay.pad_after, lay.overhang) == (before, after, overhang)
    assert set(lay.status) <= set(STATUSES)


def test_post_pad_failure_is_explained():
    lay = layout(7, 2, 4, "post-pad")
    assert lay.size is None
    assert "raises ValueError" in lay.note
    assert "only 6" in lay.note


def test_post_pad_code_really_fails_there():
    # the post's pad=True, rebuilt in the test: a zero array of the padded size, input copied in
    n, f, s = 7, 2, 4
    _, padded = post_pad_windows(n, f, s)
    mat_pad = np.full((padded, padded), 0)
    with pytest.raises(ValueError, match="could not broadcast"):
        mat_pad[:n, :n] = np.ones((n, n))


def test_formulas_show_the_numbers():
    lays = compare(32, 1, 2)
    assert lays["torch"].formula == "⌊(32 + 2·0 − 1) / 2⌋ + 1 = 16"
    assert lays["torch-ceil"].formula == (
        "⌈(32 + 2·0 − 1) / 2⌉ + 1 = 17 − 1 = 16 (window 17 would start at 32, past the input)"
    )
    assert lays["tf-valid"].formula == "⌈(32 − 1 + 1) / 2⌉ = 16"
    assert lays["tf-same"].formula.startswith("⌈32 / 2⌉ = 16")
    assert lays["post-pad"].formula.startswith("32 // 2 + 1 = 17")
    assert lays["post-pad-meant"].formula == "⌈(32 − 1) / 2⌉ + 1 = 16"


def test_size_table_lists_every_convention():
    text = size_table(7, 2, 4)
    lines = text.splitlines()
    assert lines[0] == "n=7, f=2, stride=4, padding=0"
    assert len(lines) == 1 + len(CONVENTIONS)
    assert "fails" in lines[5]


def test_stride_none_means_f():
    assert layout(6, 3).stride == 3
    assert compare(6, 3)["torch"].starts.tolist() == [0, 3]


# ------------------------------------------------------------ naive references
def naive_torch_windows(n, f, s, p, ceil_mode):
    """Window starts PyTorch keeps, by walking along the padded axis [-p, n + p)."""
    starts = [-p]
    while starts[-1] + f < n + p:  # the last window has not reached the padded end: add one
        starts.append(starts[-1] + s)
    if ceil_mode:
        if starts[-1] >= n:  # a window must start inside the input or the left padding
            starts.pop()
    else:
        while starts[-1] + f > n + p:  # floor: only windows that fit
            starts.pop()
    return starts


def naive_divisors(n, f, s, p, ceil_mode, include):
    out = []
    for start in naive_torch_windows(n, f, s, p, ceil_mode):
        cells = [i for i in range(start, start + f) if -p <= i < n + p]
        if not include:
            cells = [i for i in cells if 0 <= i < n]
        out.append(len(cells))
    return out


axis = st.tuples(st.integers(1, 20), st.integers(1, 8), st.integers(1, 6), st.integers(0, 4))


@settings(deadline=None)  # the naive loops are slow on purpose; the profile sets the count
@given(axis, st.booleans())
def test_torch_layouts_match_a_walk_along_the_axis(args, ceil_mode):
    n, f, s, p = args
    assume(p <= f // 2 and f <= n + 2 * p)
    lay = layout(n, f, s, "torch-ceil" if ceil_mode else "torch", p)
    expected = naive_torch_windows(n, f, s, p, ceil_mode)
    kept = [st_ for st_, state in zip(lay.starts, lay.status) if not state.startswith("dropped")]
    assert kept == expected
    assert lay.size == len(expected)
    # and the size is what pooling really produces
    assert pool(np.zeros((n, 1)), (f, 1), (s, 1), padding=(p, 0), ceil_mode=ceil_mode).shape[0] == lay.size


@settings(deadline=None)  # the naive loops are slow on purpose; the profile sets the count
@given(axis)
def test_other_conventions_match_their_definitions(args):
    n, f, s, _ = args
    assume(f <= n)
    lays = compare(n, f, s)
    # valid: every window that fits, starting at 0
    valid = [k * s for k in range(n) if k * s + f <= n]
    assert [a for a, b in zip(lays["tf-valid"].starts, lays["tf-valid"].status) if b == "kept"] == valid
    # same: ceil(n / s) windows; each holds a real cell; with s <= f every cell is covered
    same = lays["tf-same"]
    assert same.size == -(-n // s)
    for start in same.starts[:same.size]:
        assert start + f > 0 and start < n
    if s <= f:
        assert same.uncovered.size == 0
    # the post's bug: n // s + 1 windows on a zero array of length (n // s) * s + f
    bug = lays["post-pad"]
    if bug.size is not None:
        assert bug.size == n // s + 1
        assert bug.pad_after == (n // s) * s + f - n
    # what the post meant: partial windows at the end, each starting inside the input
    meant = lays["post-pad-meant"]
    in_no_window = [i for i in range(n) if all(not (a <= i < a + f) for a in meant.starts)]
    assert meant.uncovered.tolist() == in_no_window
    assert all(0 <= a < n for a in meant.starts)
    assert max(meant.starts) + f >= n or s > f


@settings(deadline=None)  # the naive loops are slow on purpose; the profile sets the count
@given(axis, st.booleans(), st.booleans())
def test_divisors_match_counting_cells(args, ceil_mode, include):
    n, f, s, p = args
    assume(p <= f // 2 and f <= n + 2 * p)
    got = window_divisors(n, f, s, p, ceil_mode, include)
    assert got.tolist() == naive_divisors(n, f, s, p, ceil_mode, include)


def test_divisor_map_is_what_mean_pooling_divides_by():
    n, f, s, p = 5, 3, 2, 1
    x = np.arange(25.0).reshape(5, 5) + 1
    for ceil_mode in (False, True):
        for include in (False, True):
            mean = pool(x, f, s, method="mean", padding=p, ceil_mode=ceil_mode, count_include_pad=include)
            div = divisor_map(n, f, s, p, ceil_mode, include)
            starts = naive_torch_windows(n, f, s, p, ceil_mode)
            sums = np.array([[x[max(a, 0):a + f, max(b, 0):b + f].sum() for b in starts] for a in starts])
            np.testing.assert_allclose(mean * div, sums)


def test_divisor_map_hand_values():
    # n=5, f=3, s=2, p=1: windows start at -1, 1, 3 -> real cells 2, 3, 2
    np.testing.assert_array_equal(divisor_map(5, 3, 2, 1, count_include_pad=False),
                                  [[4, 6, 4], [6, 9, 6], [4, 6, 4]])
    np.testing.assert_array_equal(divisor_map(5, 3, 2, 1), np.full((3, 3), 9))
    # ceil_mode: n=4, f=3, s=2: the second window hangs one cell past the end, never counted
    np.testing.assert_array_equal(divisor_map(4, 3, 2, 0, ceil_mode=True), [[9, 6], [6, 4]])


# ------------------------------------------------------------ validation, one test per branch
def test_n_must_be_an_integer():
    with pytest.raises(TypeError, match=r"n must be an integer, got 2\.5"):
        layout(2.5, 2)


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        layout(0, 2)


def test_f_must_be_positive():
    with pytest.raises(ValueError, match="f must be a positive integer, got 0"):
        same_padding(4, 0)


def test_f_must_be_an_integer():
    with pytest.raises(TypeError, match="f must be an integer, got '3'"):
        tf_output_size(4, "3")


def test_stride_must_be_positive():
    with pytest.raises(ValueError, match="stride must be a positive integer, got -1"):
        post_pad_windows(4, 2, -1)


def test_stride_must_not_be_a_bool():
    with pytest.raises(TypeError, match="stride must be an integer, got True"):
        layout(4, 2, True)


def test_padding_must_be_non_negative():
    with pytest.raises(ValueError, match="padding must be a non-negative integer, got -1"):
        layout(4, 2, 2, "torch", -1)


def test_unknown_convention():
    with pytest.raises(ValueError, match=r"convention must be one of .*, got 'keras'"):
        layout(4, 2, convention="keras")


def test_padding_refused_where_the_convention_chooses_its_own():
    with pytest.raises(ValueError, match="padding must be 0 for convention 'tf-same'.*got 1"):
        layout(4, 2, 2, "tf-same", 1)


def test_torch_padding_at_most_half_the_window():
    with pytest.raises(ValueError, match="padding must be at most half the window.*got 2"):
        layout(4, 3, 1, "torch", 2)


def test_torch_window_must_fit_the_padded_input():
    with pytest.raises(ValueError, match=r"f must fit in the padded input.*got 5"):
        layout(2, 5, 1, "torch-ceil", 1)


@pytest.mark.parametrize("convention", ["tf-valid", "post-pad", "post-pad-meant"])
def test_window_must_fit_without_padding(convention):
    with pytest.raises(ValueError, match=f"f must be at most n \\(3\\) for convention '{convention}', got 4"):
        layout(3, 4, 1, convention)


def test_tf_padding_must_be_valid_or_same():
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same', got 'full'"):
        tf_output_size(4, 2, 2, "full")


def test_ceil_mode_must_be_a_bool():
    with pytest.raises(TypeError, match="ceil_mode must be True or False, got 1"):
        window_divisors(4, 2, 2, 0, 1)


def test_count_include_pad_must_be_a_bool():
    with pytest.raises(TypeError, match="count_include_pad must be True or False, got 'yes'"):
        divisor_map(4, 2, 2, 0, False, "yes")
