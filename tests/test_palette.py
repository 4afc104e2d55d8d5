"""The one palette: readable text on every fill, colour-blind safe groups, the contrast arithmetic itself.

The contrast ratio is checked against WCAG 2's published examples, the
colour-vision simulation against colorspacious directly; then every promise
of pooling_lib.palette is checked for every colour it names.
"""

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert
from matplotlib import colormaps

from pooling_lib import palette
from pooling_lib.plotting import GridView


# ------------------------------------------------------------ the arithmetic, against known values
@pytest.mark.parametrize("a, b, ratio", [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#767676", "#ffffff", 4.54),   # WCAG's classic darkest grey that passes AA on white
    ("#777777", "#ffffff", 4.48),   # ... and the one just lighter that fails
])
def test_contrast_ratio_matches_wcag(a, b, ratio):
    assert palette.contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)
    assert palette.contrast_ratio(b, a) == pytest.approx(ratio, abs=0.01)


def test_cvd_distance_is_colorspacious_cam02ucs():
    red, green = np.array([1.0, 0, 0]), np.array([0, 128 / 255, 0])
    sim = cspace_convert(np.array([red, green]),
                         {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100}, "sRGB1")
    ucs = cspace_convert(np.clip(sim, 0, 1), "sRGB1", "CAM02-UCS")
    assert palette.cvd_distance("red", "#008000", "deuteranomaly") == pytest.approx(
        np.linalg.norm(ucs[0] - ucs[1]))
    # red and green move closer for a deuteranope
    assert palette.cvd_distance("red", "#008000", "deuteranomaly") < palette.cvd_distance("red", "#008000")


def test_cvd_distance_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind must be None or one of .* got 'achromatopsia'"):
        palette.cvd_distance("red", "blue", "achromatopsia")


# ------------------------------------------------------------ the promises
@pytest.mark.parametrize("name", sorted(palette.FILLS))
def test_black_text_reads_on_every_fill(name):
    assert palette.contrast_ratio(palette.INK, palette.FILLS[name]) >= 4.5


def test_faded_text_reads_on_white():
    assert palette.contrast_ratio(palette.FADED_INK, "#ffffff") >= 4.5


@pytest.mark.parametrize("colour", palette.WINDOW_OUTLINES + (palette.WINNER_EDGE, palette.SELECTED_EDGE))
def test_outlines_stand_out_from_white_cells(colour):
    # WCAG 2.1 non-text contrast for graphics: 3:1
    assert palette.contrast_ratio(colour, "#ffffff") >= 3.0


@pytest.mark.parametrize("group", sorted(palette.DISTINGUISHABLE))
@pytest.mark.parametrize("kind", (None,) + palette.CVD_KINDS)
def test_groups_stay_distinguishable_with_colour_blindness(group, kind):
    colours = palette.DISTINGUISHABLE[group]
    for a, b in itertools.combinations(colours, 2):
        distance = palette.cvd_distance(a, b, kind)
        assert distance >= palette.MIN_CVD_DISTANCE, f"{group}: {a} vs {b} under {kind}: {distance:.1f}"


def test_neighbouring_windows_differ_also_diagonally():
    for i, j in itertools.product(range(4), range(4)):
        neighbours = {palette.window_colour(i + di, j + dj)
                      for di, dj in ((0, 1), (1, 0), (1, 1), (1, -1)) if j + dj >= 0}
        assert palette.window_colour(i, j) not in neighbours


@pytest.mark.parametrize("cmap", ["Blues", "Reds", "Oranges", "Greens", "Purples", "Greys", "viridis", "magma"])
def test_text_colour_reads_on_any_colour_of_a_colour_map(cmap):
    for level in np.linspace(0, 1, 41):
        background = colormaps[cmap](level)[:3]
        assert palette.contrast_ratio(palette.text_colour(background), background) >= 4.5


def test_grid_view_numbers_follow_the_rule():
    from matplotlib.figure import Figure

    fig = Figure()
    view = GridView(fig.add_subplot(), (3, 3), cmap="Reds")
    view.show(np.arange(9.0).reshape(3, 3))
    for i, j in itertools.product(range(3), range(3)):
        ink = view.texts[i][j].get_color()
        assert ink == palette.text_colour(tuple(view.colours[i, j]))
        assert palette.contrast_ratio(ink, tuple(view.colours[i, j])) >= 4.5
