"""Lesson 06's PaddingExplorer: move its controls, check the strips, sizes and divisor maps it shows."""

import matplotlib.colors as mcolors
import numpy as np
import pytest

from pooling_lib.conventions import CONVENTIONS
from pooling_lib.explorers.padding import CASES, CELL_STYLE, GROUPS, STATUS_STYLE, PaddingExplorer
from pooling_lib.palette import FILLS

ORDER = ["torch", "torch-ceil", "tf-valid", "tf-same", "post-pad", "post-pad-meant"]
UNCOVERED = FILLS["dropped"].lower()
ZEROS = CELL_STYLE["zeros"][0]

# Sizes per convention, by hand (see tests/test_conventions.py for the arithmetic).
HAND_SIZES = {
    (6, 3, 2, 0): [2, 3, 2, 3, 4, 3],
    (5, 3, 2, 0): [2, 2, 2, 3, 3, 2],
    (32, 1, 2, 0): [16, 16, 16, 16, 17, 16],
    (32, 8, 4, 0): [7, 7, 7, 8, 9, 7],
    (6, 3, 3, 0): [2, 2, 2, 2, 3, 2],
    (6, 3, 2, 1): [3, 4, 2, 3, 4, 3],
    (7, 2, 4, 0): [2, 2, 2, 2, None, 2],
}


def show(ex, name):
    """The strip row of convention ``name``, switching ``compare`` to a group that draws it if needed."""
    if name not in ex.shown:
        ex.set(compare=next(key for key, (_, names) in GROUPS.items() if name in names))
    return ex.shown.index(name)


def size_texts(ex):
    """Every convention's strip label, drawing each group in turn."""
    texts = {}
    for key in GROUPS:
        ex.set(compare=key)
        for row, name in enumerate(ex.shown):
            texts[name] = ex.labels[row].get_text()
    return [texts[name] for name in ORDER]


def expected_texts(sizes):
    return [f"{CONVENTIONS[name]}: " + ("fails (ValueError)" if s is None else f"{s} window{'s' if s != 1 else ''}")
            for name, s in zip(ORDER, sizes)]


def bar_extents(ex, name):
    """(start, end) of every window bar in convention ``name``'s strip, read back from the drawn polygons."""
    row = show(ex, name)
    out = []
    for path in ex.bars[row].get_paths():
        xs = path.vertices[:, 0]
        out.append((round(xs.min() + 0.42), round(xs.max() + 0.58)))
    return out


def cell_colours(ex, name):
    """Cell index -> face colour (hex) of convention ``name``'s strip."""
    row = show(ex, name)
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


def test_opening_picture_is_n6_f3_s2_and_every_control_is_live():
    ex = PaddingExplorer()
    assert ex.values() == {"case": "pick", "compare": "mixed", "n": 6, "f": 3, "stride": 2, "padding": 0,
                           "ceil_mode": False, "select": ()}
    assert ex.shown == ("torch", "tf-same", "post-pad")
    assert not any(control.disabled for control in ex.controls.values())
    assert size_texts(ex) == expected_texts(HAND_SIZES[6, 3, 2, 0])
    ex.set(compare="mixed")
    # PyTorch floor: the window at 4 would need cell 6, so it is dropped and cell 5 is lost
    assert bar_extents(ex, "torch") == [(0, 3), (2, 5), (4, 7)]
    assert ex.layouts["torch"].status[-1] == "dropped"
    # TF 'same' pads one cell at the end: windows at 0, 2, 4
    assert bar_extents(ex, "tf-same") == [(0, 3), (2, 5), (4, 7)]
    # the post's bug: a fourth window starting at 6, over zero padding only
    assert bar_extents(ex, "post-pad") == [(0, 3), (2, 5), (4, 7), (6, 9)]
    colours = cell_colours(ex, "post-pad")
    assert [colours[i] for i in (6, 7, 8)] == [ZEROS.lower()] * 3
    assert "⌈6 / 2⌉ = 3" in ex.caption.value


def test_case_n5_f3_s2():
    ex = PaddingExplorer()
    ex.set(case="n5f3s2")
    assert bar_extents(ex, "tf-same") == [(-1, 2), (1, 4), (3, 6)]
    assert bar_extents(ex, "post-pad") == [(0, 3), (2, 5), (4, 7)]
    colours = cell_colours(ex, "post-pad")
    assert [colours[i] for i in (5, 6)] == [ZEROS.lower(), ZEROS.lower()]
    assert "⌈5 / 2⌉ = 3" in ex.caption.value
    # floor and ceil_mode agree at n=5: the ceil_mode box is disabled, the caption says why
    assert ex.controls["ceil_mode"].disabled
    assert "ceil_mode counts the same windows as floor here" in ex.caption.value


@pytest.mark.parametrize("key", list(CASES))
def test_each_case_loads_its_numbers(key):
    ex = PaddingExplorer()
    ex.set(case=key)
    _, n, f, s, p, ceil_mode, group, note = CASES[key]
    values = ex.values()
    assert (values["n"], values["f"], values["stride"], values["padding"], values["ceil_mode"],
            values["compare"]) == (n, f, s, p, ceil_mode, group)
    assert values["case"] == "pick"  # ready to load another
    assert note.split(":")[0] in ex.caption.value
    assert size_texts(ex) == expected_texts(HAND_SIZES[n, f, s, p])


def test_case_note_goes_away_when_a_slider_moves():
    ex = PaddingExplorer()
    ex.set(case="n32f1s2")
    assert "17th would start at cell 32" in ex.caption.value
    ex.controls["stride"].value = 3
    assert "17th" not in ex.caption.value


def test_ceil_mode_window_past_the_input_is_drawn_dropped():
    ex = PaddingExplorer()
    ex.set(case="n32f1s2")
    row = show(ex, "torch-ceil")
    bars = bar_extents(ex, "torch-ceil")
    assert len(bars) == 17
    assert bars[-1] == (32, 33)
    edges = [mcolors.to_hex(c) for c in ex.bars[row].get_edgecolors()]
    faces = ex.bars[row].get_facecolors()
    assert edges[-1] == STATUS_STYLE["dropped-in-padding"][1].lower()
    assert faces[-1][3] == 0  # not filled: not in the output
    assert "⌈(32 + 2·0 − 1) / 2⌉ + 1 = 17 − 1 = 16" in ex.caption.value
    # window 1 stride 2: every odd cell is in no window
    colours = cell_colours(ex, "torch")
    assert [i for i in range(32) if colours[i] == UNCOVERED] == list(range(1, 32, 2))


def test_post_bug_window_made_of_padding_only():
    ex = PaddingExplorer()
    ex.set(case="post")
    assert bar_extents(ex, "post-pad") == [(0, 3), (3, 6), (6, 9)]
    row = show(ex, "post-pad")
    faces = [mcolors.to_hex(c) for c in ex.bars[row].get_facecolors()]
    assert faces[-1] == STATUS_STYLE["in-padding"][0].lower()
    assert ex.labels[row].get_text() == "post pad=True (bug): 3 windows"


def test_gaps_and_the_post_code_failing():
    ex = PaddingExplorer()
    ex.set(case="n7f2s4")
    colours = cell_colours(ex, "torch")
    assert [i for i in range(7) if colours[i] == UNCOVERED] == [2, 3, 6]
    row = show(ex, "post-pad")
    assert ex.labels[row].get_text() == "post pad=True (bug): fails (ValueError)"
    assert len(ex.bars[row].get_paths()) == 0
    assert "raises ValueError" in ex.caption.value


@pytest.mark.parametrize("settings", [
    {"n": 5, "f": 3, "stride": 2, "padding": 1, "ceil_mode": False},
    {"n": 6, "f": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    {"n": 9, "f": 4, "stride": 3, "padding": 2, "ceil_mode": True},
    {"n": 3, "f": 2, "stride": 1, "padding": 1, "ceil_mode": False},
    {"n": 7, "f": 5, "stride": 2, "padding": 2, "ceil_mode": True},
])
def test_divisor_maps_match_counting_cells(settings):
    ex = PaddingExplorer()
    ex.set(**settings)
    n, f, s, p, c = (settings[k] for k in ("n", "f", "stride", "padding", "ceil_mode"))
    for grid, include in zip(ex.maps, (True, False)):
        full = naive_divisors(n, f, s, p, c, include)
        assert len(full) <= 4
        np.testing.assert_array_equal(grid.values, full)


def test_big_divisor_maps_show_first_and_last_windows():
    ex = PaddingExplorer()
    ex.set(n=20, f=3, stride=1, padding=1, ceil_mode=False)  # 20 windows per axis
    idx = [0, 1, 18, 19]
    assert ex.map_index.tolist() == idx
    for grid, include in zip(ex.maps, (True, False)):
        full = naive_divisors(20, 3, 1, 1, False, include)
        np.testing.assert_array_equal(grid.values, full[np.ix_(idx, idx)])
    assert all(line.get_visible() for line in ex.map_lines[0])
    assert "windows 0–1 and 18–19" in ex.map_title.get_text()
    ex.set(n=3)  # 3 windows per axis: all shown
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
    assert size_texts(ex)[0] == "PyTorch (floor): 2 windows"  # floor((3 + 2·1 − 3) / 2) + 1
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
        kept = [b for b, state in zip(bar_extents(ex, "torch"), ex.layouts["torch"].status) if state != "dropped"]
        assert kept == [(a, a + f) for a in starts]
        assert ex.labels[show(ex, "torch")].get_text().endswith(f": {len(starts)} window{'s' if len(starts) > 1 else ''}")
        # TF 'valid': windows that fit, from 0
        valid = [(a, a + f) for a in range(0, n - f + 1, s)]
        assert bar_extents(ex, "tf-valid")[:len(valid)] == valid
        # TF 'same': ceil(n / s) windows
        same = -(-n // s)
        assert ex.labels[show(ex, "tf-same")].get_text().endswith(f": {same} window{'s' if same > 1 else ''}")


# ---------------------------------------------------------------- pointing at a cell or a window
def naive_starts(name, n, f, s, p):
    """Every window start drawn for a convention (dropped ones included), from the definitions."""
    if name == "tf-valid":
        return list(range(0, n - f + 1, s))
    if name == "tf-same":
        out = -(-n // s)
        total = max((out - 1) * s + f - n, 0)
        return [-(total // 2) + k * s for k in range(out)]
    raise AssertionError(name)


@pytest.mark.parametrize("n, f, s, p, c", [(5, 3, 2, 0, 2), (9, 4, 3, 1, 4), (7, 2, 4, 0, 2), (12, 5, 1, 2, 11)])
def test_clicking_an_input_cell_highlights_every_window_that_contains_it(n, f, s, p, c):
    ex = PaddingExplorer(n=n, f=f, stride=s, padding=p, compare="tf")
    ex.click(*ex.cell_centre("input", 0, c))
    assert ex.selection == ("input", 0, c)
    for row, name in enumerate(ex.shown):
        starts = naive_starts(name, n, f, s, p)
        expected = [k for k, a in enumerate(starts) if a <= c < a + f]
        assert ex.highlighted[name] == expected
        widths = ex.bars[row].get_linewidths()
        assert [k for k, w in enumerate(widths) if w == 3.0] == expected
        # the cells of those windows are outlined
        outlined = {round(float(path.vertices[:, 0].mean())) for path, w in
                    zip(ex.cells[row].get_paths(), ex.cells[row].get_linewidths()) if w > 2}
        assert outlined == {i for k in expected for i in range(starts[k], starts[k] + f)}
        words = ", ".join(f"window {k}" for k in expected) if expected else "no window"
        assert f"{CONVENTIONS[name]}: {words}" in ex.caption.value
    assert f"<b>Input cell {c}</b> is in" in ex.caption.value
    # the clicked cell itself is filled in every strip
    for row in range(len(ex.shown)):
        colours = cell_colours(ex, ex.shown[row])
        assert colours[c] == FILLS["selected"].lower()


def test_clicking_a_window_bar_shows_the_cells_it_covers_in_each_convention():
    ex = PaddingExplorer(n=5)  # n=5, f=3, s=2: PyTorch, TF 'same', the post
    ex.click(*ex.cell_centre("output", 0, 1))
    assert ex.selection == ("output", 0, 1)
    assert ex.highlighted == {"torch": [1], "tf-same": [1], "post-pad": [1]}
    caption = ex.caption.value
    assert "PyTorch (floor): starts at 2, covers cells 2–4" in caption
    assert "TF/Keras 'same': starts at 1, covers cells 1–3" in caption
    assert "post pad=True (bug): starts at 2, covers cells 2–4" in caption
    # window 2 exists in TF 'same' and the post, not in PyTorch
    ex.select("output", 0, 2)
    assert ex.highlighted == {"torch": [], "tf-same": [2], "post-pad": [2]}
    assert "PyTorch (floor): has no window 2" in ex.caption.value
    assert "post pad=True (bug): starts at 4, covers cell 4" in ex.caption.value
    # the same bar again clears; so does Escape
    ex.click(*ex.cell_centre("output", 0, 2))
    assert ex.selection == ()
    ex.key("ArrowRight")
    assert ex.selection != ()
    ex.key("Escape")
    assert ex.selection == ()
    assert all(w == 1.2 for row in range(3) for w in ex.bars[row].get_linewidths())


def test_faded_windows_are_outlines_while_one_is_pointed_at():
    ex = PaddingExplorer(n=5)
    ex.select("output", 0, 0)
    faces = ex.bars[0].get_facecolors()
    assert faces[0][3] == 1 and faces[1][3] == 0


def test_legend_lists_only_what_is_drawn():
    ex = PaddingExplorer(n=5)
    ax, items = ex.legend
    shown = {key for key, (swatch, label) in items.items() if label.get_visible()}
    # n=5, f=3, s=2: kept and partial windows; TF's ignored padding and the post's zeros
    assert shown == {"kept", "partial", "ignored", "zeros"}
    ex.set(n=6)  # now PyTorch drops a window (cell 5 lost) and the post's 4th starts in the padding
    shown = {key for key, (swatch, label) in items.items() if label.get_visible()}
    assert shown == {"kept", "partial", "dropped", "in-padding", "uncovered", "ignored", "zeros", "overhang"}
    ex.set(case="n32f1s2")
    shown = {key for key, (swatch, label) in items.items() if label.get_visible()}
    assert shown == {"kept", "dropped-in-padding", "uncovered", "overhang"}  # the 17th window reads cell 32


def test_picking_a_case_in_the_dropdown_redraws_once():
    ex = PaddingExplorer()
    renders = ex.renders
    ex.controls["case"].value = "n6f3s2p1"
    assert ex.renders == renders + 1
    assert ex.values()["padding"] == 1 and ex.shown == ("torch", "torch-ceil")


def test_padding_is_disabled_for_a_one_cell_window():
    ex = PaddingExplorer(f=1)
    assert ex.controls["padding"].disabled
    assert "is disabled: a window of 1 cell takes no padding" in ex.caption.value


@pytest.mark.parametrize("case", list(CASES))
def test_every_text_is_legible(case):
    ex = PaddingExplorer()
    ex.set(case=case)
    assert ex.smallest_text_px(468) >= 11
    assert ex.smallest_text_px(848) >= 13
