"""Lesson 06's PaddingExplorer: move its controls, check the strips, sizes and divisor maps it shows."""

import matplotlib.colors as mcolors
import numpy as np
import pytest

from pooling_lib.explorers.padding import CASES, STATUS_STYLE, PaddingExplorer

ORDER = ["torch", "torch-ceil", "tf-valid", "tf-same", "post-pad", "post-pad-meant"]

# Sizes per convention, by hand (see tests/test_conventions.py for the arithmetic).
HAND_SIZES = {
    (5, 3, 2, 0): [2, 2, 2, 3, 3, 2],
    (32, 1, 2, 0): [16, 16, 16, 16, 17, 16],
    (32, 8, 4, 0): [7, 7, 7, 8, 9, 7],
    (6, 3, 3, 0): [2, 2, 2, 2, 3, 2],
    (6, 3, 2, 1): [3, 4, 2, 3, 4, 3],
    (7, 2, 4, 0): [2, 2, 2, 2, None, 2],
}


def size_texts(ex):
    return [t.get_text() for t in ex.sizes]


def expected_texts(sizes):
    return ["fails" if s is None else f"→ {s}" for s in sizes]


def bar_extents(ex, row):
    """(start, end) of every window bar in a strip, read back from the drawn polygons."""
    out = []
    for path in ex.bars[row].get_paths():
        xs = path.vertices[:, 0]
        out.append((round(xs.min() + 0.42), round(xs.max() + 0.58)))
    return out


def cell_colours(ex, row):
    """Cell index -> face colour (hex) of a strip."""
    centres = [round(float(p.vertices[:, 0].mean())) for p in ex.cells[row].get_paths()]
    faces = [mcolors.to_hex(c) for c in ex.cells[row].get_facecolors()]
    return dict(zip(centres, faces))


def naive_divisors(n, f, s, p, ceil_mode, include):
    """Walk the padded axis, keep PyTorch's windows, count the cells each divides by."""
    starts = [-p]
    while starts[-1] + f < n + p:
        starts.append(starts[-1] + s)
    if ceil_mode:
        if starts[-1] >= n:
            starts.pop()
    else:
        while starts[-1] + f > n + p:
            starts.pop()
    lo, hi = (-p, n + p) if include else (0, n)
    one = [sum(1 for i in range(a, a + f) if lo <= i < hi) for a in starts]
    return np.multiply.outer(one, one)


def test_opening_picture_is_n5_f3_s2():
    ex = PaddingExplorer()
    assert ex.values() == {"case": "pick", "n": 5, "f": 3, "stride": 2, "padding": 0, "ceil_mode": False}
    assert size_texts(ex) == expected_texts(HAND_SIZES[5, 3, 2, 0])
    # TF 'same' pads one cell each side: windows at -1, 1, 3
    assert bar_extents(ex, ORDER.index("tf-same")) == [(-1, 2), (1, 4), (3, 6)]
    # the post's bug: a third window starting at 4, over two zero cells
    assert bar_extents(ex, ORDER.index("post-pad")) == [(0, 3), (2, 5), (4, 7)]
    colours = cell_colours(ex, ORDER.index("post-pad"))
    assert [colours[i] for i in (5, 6)] == ["#f39c54", "#f39c54"]
    assert "⌈5 / 2⌉ = 3" in ex.caption.value


@pytest.mark.parametrize("key", list(CASES))
def test_each_case_loads_its_numbers(key):
    ex = PaddingExplorer()
    ex.set(case=key)
    _, n, f, s, p, ceil_mode, note = CASES[key]
    values = ex.values()
    assert (values["n"], values["f"], values["stride"], values["padding"], values["ceil_mode"]) == (
        n, f, s, p, ceil_mode)
    assert values["case"] == "pick"  # ready to load another
    assert size_texts(ex) == expected_texts(HAND_SIZES[n, f, s, p])
    assert note.split(":")[0] in ex.caption.value


def test_case_note_goes_away_when_a_slider_moves():
    ex = PaddingExplorer()
    ex.set(case="n32f1s2")
    assert "17th would start at cell 32" in ex.caption.value
    ex.controls["stride"].value = 3
    assert "17th" not in ex.caption.value


def test_ceil_mode_window_past_the_input_is_drawn_dropped():
    ex = PaddingExplorer()
    ex.set(case="n32f1s2")
    row = ORDER.index("torch-ceil")
    bars = bar_extents(ex, row)
    assert len(bars) == 17
    assert bars[-1] == (32, 33)
    edges = [mcolors.to_hex(c) for c in ex.bars[row].get_edgecolors()]
    faces = ex.bars[row].get_facecolors()
    assert edges[-1] == STATUS_STYLE["dropped-in-padding"][1]
    assert faces[-1][3] == 0  # not filled: not in the output
    assert "⌈(32 + 2·0 − 1) / 2⌉ + 1 = 17 − 1 = 16" in ex.caption.value
    # window 1 stride 2: every odd cell is in no window
    colours = cell_colours(ex, ORDER.index("torch"))
    assert [i for i in range(32) if colours[i] == "#f4a6a6"] == list(range(1, 32, 2))


def test_post_bug_window_made_of_padding_only():
    ex = PaddingExplorer()
    ex.set(case="post")
    row = ORDER.index("post-pad")
    assert bar_extents(ex, row) == [(0, 3), (3, 6), (6, 9)]
    faces = [mcolors.to_hex(c) for c in ex.bars[row].get_facecolors()]
    assert faces[-1] == STATUS_STYLE["in-padding"][0]
    assert ex.sizes[row].get_text() == "→ 3"


def test_gaps_and_the_post_code_failing():
    ex = PaddingExplorer()
    ex.set(case="n7f2s4")
    colours = cell_colours(ex, ORDER.index("torch"))
    assert [i for i in range(7) if colours[i] == "#f4a6a6"] == [2, 3, 6]
    assert ex.sizes[ORDER.index("post-pad")].get_text() == "fails"
    assert len(ex.bars[ORDER.index("post-pad")].get_paths()) == 0
    assert "raises ValueError" in ex.caption.value


@pytest.mark.parametrize("settings", [
    {"n": 5, "f": 3, "stride": 2, "padding": 1, "ceil_mode": False},
    {"n": 6, "f": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    {"n": 9, "f": 4, "stride": 3, "padding": 2, "ceil_mode": True},
    {"n": 4, "f": 2, "stride": 1, "padding": 1, "ceil_mode": False},
    {"n": 7, "f": 5, "stride": 2, "padding": 2, "ceil_mode": True},
])
def test_divisor_maps_match_counting_cells(settings):
    ex = PaddingExplorer()
    ex.set(**settings)
    n, f, s, p, c = (settings[k] for k in ("n", "f", "stride", "padding", "ceil_mode"))
    for grid, include in zip(ex.maps, (True, False)):
        full = naive_divisors(n, f, s, p, c, include)
        assert len(full) <= 6
        np.testing.assert_array_equal(grid.values, full)


def test_big_divisor_maps_show_first_and_last_windows():
    ex = PaddingExplorer()
    ex.set(n=20, f=3, stride=1, padding=1, ceil_mode=False)  # 20 windows per axis
    idx = [0, 1, 2, 17, 18, 19]
    assert ex.map_index.tolist() == idx
    for grid, include in zip(ex.maps, (True, False)):
        full = naive_divisors(20, 3, 1, 1, False, include)
        np.testing.assert_array_equal(grid.values, full[np.ix_(idx, idx)])
    assert all(line.get_visible() for line in ex.map_lines[0])
    assert "windows 0–2 and 17–19" in ex.map_title.get_text()
    ex.set(n=5)
    assert not any(line.get_visible() for line in ex.map_lines[0])


def test_count_include_pad_differs_only_where_windows_touch_padding():
    ex = PaddingExplorer()
    ex.set(n=5, f=3, stride=2, padding=1)
    np.testing.assert_array_equal(ex.maps[0].values, np.full((3, 3), 9))
    np.testing.assert_array_equal(ex.maps[1].values, [[4, 6, 4], [6, 9, 6], [4, 6, 4]])


def test_window_is_clamped_to_the_input_and_padding_to_half_the_window():
    ex = PaddingExplorer()
    ex.set(f=5, n=5, padding=2)
    ex.controls["n"].value = 3
    assert ex.controls["f"].max == 3
    assert ex.controls["f"].value == 3
    assert ex.controls["padding"].max == 1
    assert ex.controls["padding"].value == 1
    assert size_texts(ex)[0] == "→ 2"  # floor((3 + 2·1 − 3) / 2) + 1
    ex.controls["f"].value = 1
    assert ex.controls["padding"].max == 0 and ex.controls["padding"].value == 0


def test_every_strip_row_matches_its_layout_after_random_moves():
    rng = np.random.default_rng(3)
    ex = PaddingExplorer()
    for _ in range(15):
        n = int(rng.integers(1, 33))
        f = int(rng.integers(1, n + 1))
        s = int(rng.integers(1, 9))
        p = int(rng.integers(0, f // 2 + 1))
        ex.set(n=n, f=f, stride=s, padding=p)
        # PyTorch floor, recomputed by walking the padded axis
        starts = [-p]
        while starts[-1] + s + f <= n + p:
            starts.append(starts[-1] + s)
        kept = [b for b, state in zip(bar_extents(ex, 0), ex.layouts["torch"].status) if state != "dropped"]
        assert kept == [(a, a + f) for a in starts]
        assert ex.sizes[0].get_text() == f"→ {len(starts)}"
        # TF 'valid': windows that fit, from 0
        valid = [(a, a + f) for a in range(0, n - f + 1, s)]
        assert bar_extents(ex, 2)[:len(valid)] == valid
        # TF 'same': ceil(n / s) windows
        assert ex.sizes[3].get_text() == f"→ {-(-n // s)}"
