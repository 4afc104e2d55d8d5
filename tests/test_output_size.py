"""output_size: PyTorch's formula, hand-computed cases and the definition's invariants."""

import pytest
import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pooling_lib import output_size

# Explicit settings rather than a profile in tests/conftest.py: with --doctest-modules, a
# tests/conftest.py clashes with tests/browser/conftest.py (both are imported as "conftest").
# 500 examples per test keeps the whole property run at several thousand cases in seconds.
PROPERTY = settings(max_examples=500, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# (n, f, stride, padding, ceil_mode, expected), each worked out by hand from the windows' starts.
CASES = [
    (4, 2, None, 0, False, 2),  # starts 0, 2
    (4, 2, 2, 0, True, 2),  # evenly divisible: ceil_mode changes nothing
    (5, 2, None, 0, False, 2),  # starts 0, 2; cell 4 left out
    (5, 2, None, 0, True, 3),  # partial window [4, 6) kept
    (4, 3, 1, 0, False, 2),  # starts 0, 1
    (6, 3, 3, 0, False, 2),
    (6, 3, 3, 0, True, 2),  # the post's pad=True bug gave 3 (an extra window of padding only)
    (7, 3, 2, 0, False, 3),  # starts 0, 2, 4
    (8, 3, 2, 0, False, 3),  # starts 0, 2, 4; [6, 9) does not fit
    (8, 3, 2, 0, True, 4),  # ... but ceil_mode keeps it: it starts inside the input
    (10, 3, 4, 0, False, 2),  # starts 0, 4 (gapped windows)
    (10, 3, 4, 0, True, 3),  # start 8 is inside the input
    (4, 1, 3, 0, False, 2),  # starts 0, 3
    (5, 1, 3, 0, True, 2),  # ceil would give 3, but start 6 lies past the input: dropped
    (4, 3, 2, 1, False, 2),  # padded starts -1, 1
    (4, 3, 2, 1, True, 3),  # start 3 is inside the input
    (5, 2, 2, 1, False, 3),  # padded starts -1, 1, 3
    (5, 2, 2, 1, True, 3),  # ceil gives 4, but start 5 lies in the right padding: dropped
    (6, 3, 2, 1, True, 4),  # starts -1, 1, 3, 5
    (2, 3, None, 1, False, 1),  # the window only fits thanks to the padding
    (1, 1, None, 0, False, 1),
    (1, 1, None, 0, True, 1),
    (3, 3, 1, 0, True, 1),
    (9, 4, 3, 2, False, 4),  # padded length 13: starts -2, 1, 4, 7
    (9, 4, 3, 2, True, 4),  # ceil gives 5, start 10 lies in the right padding: dropped
]


@pytest.mark.parametrize("n, f, stride, padding, ceil_mode, expected", CASES)
def test_hand_computed(n, f, stride, padding, ceil_mode, expected):
    result = output_size(n, f, stride, padding, ceil_mode)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("n, f, stride, padding, ceil_mode, expected", CASES)
def test_reference_agrees_with_the_hand_computed_table(n, f, stride, padding, ceil_mode, expected):
    assert reference.output_size(n, f, stride, padding, ceil_mode) == expected


def test_keyword_arguments_and_default_stride():
    assert output_size(n=7, f=2, stride=None, padding=1, ceil_mode=True) == 4
    assert output_size(7, 3) == output_size(7, 3, stride=3) == 2


@st.composite
def geometries(draw):
    f = draw(st.integers(1, 7))
    padding = draw(st.integers(0, f // 2))
    n = draw(st.integers(max(1, f - 2 * padding), 40))
    stride = draw(st.integers(1, 8))
    return n, f, stride, padding


@PROPERTY
@given(geometries())
def test_floor_mode_counts_the_windows_that_fit(geom):
    n, f, s, p = geom
    out = output_size(n, f, s, p, False)
    assert out == reference.output_size(n, f, s, p, False)
    # The last window fits in the padded input, one more would not.
    assert (out - 1) * s + f <= n + 2 * p < out * s + f


@PROPERTY
@given(geometries())
def test_ceil_mode_keeps_a_last_window_that_starts_inside_input_or_left_padding(geom):
    n, f, s, p = geom
    out = output_size(n, f, s, p, True)
    floor = output_size(n, f, s, p, False)
    assert out == reference.output_size(n, f, s, p, True)
    assert out in (floor, floor + 1)
    # Window k starts at k * s - p in unpadded coordinates.
    assert (out - 1) * s - p < n  # the last window starts inside the input or the left padding
    # ceil_mode adds the partial window that starts at floor * s (padded coordinates) exactly
    # when the windows do not tile the padded input evenly and that window starts before
    # the right padding.
    extra = (n + 2 * p - f) % s != 0 and floor * s - p < n
    assert out == floor + extra
    if extra:
        assert (out - 1) * s + f > n + 2 * p  # the extra window is a partial one
