"""The one palette of every explorer: named colours, readable text on them, colour-blind safe.

Every explorer takes its colours from here, by what they mean (a window's
outline, the selected window, a winning cell, padding), so that a colour
means the same thing in every lesson. Two promises, checked by
``tests/test_palette.py``:

* Text on a coloured cell is readable: :data:`INK` (black) has a contrast
  ratio of at least 4.5:1 (WCAG AA) on every fill of :data:`FILLS`, and
  :func:`text_colour` picks black or white for any other background so that
  the ratio is at least 4.5:1 (the worse of the two is never below 4.58:1).
* Colours that must be told apart (the groups in :data:`DISTINGUISHABLE`:
  neighbouring windows, kept/dropped/padding cells, ...) stay apart for
  red-green (deuteranopia, protanopia) and blue-yellow (tritanopia) colour
  blindness: simulated with :mod:`colorspacious` at full severity, every
  pair is at least :data:`MIN_CVD_DISTANCE` apart in CAM02-UCS.

Outline colours (:data:`WINDOW_OUTLINES`, :data:`SELECTED_EDGE`,
:data:`WINNER_EDGE`) are lines, not text backgrounds; they have at least
3:1 against white (WCAG's figure for graphics).
"""

import itertools

import numpy as np
from matplotlib.colors import to_rgb

__all__ = [
    "CVD_KINDS",
    "DISTINGUISHABLE",
    "FADED_ALPHA",
    "FADED_INK",
    "FILLS",
    "GRID_LINE",
    "INK",
    "MIN_CVD_DISTANCE",
    "PADDING_HATCH",
    "SELECTED_EDGE",
    "WINDOW_OUTLINES",
    "WINNER_EDGE",
    "contrast_ratio",
    "closest_pair",
    "cvd_distance",
    "relative_luminance",
    "text_colour",
    "window_colour",
]

#: Text and cell numbers.
INK = "#000000"
#: Numbers of cells outside the selected window (still 5.7:1 on white).
FADED_INK = "#666666"
#: How much of an unselected window's outline shows while another one is selected.
FADED_ALPHA = 0.18
#: Thin lines between cells.
GRID_LINE = "#b0b0b0"
#: Hatching of padding cells (drawn on the ``padding`` fill).
PADDING_HATCH = "#8c8c8c"

#: Outlines of neighbouring windows: window (i, j) uses ``WINDOW_OUTLINES[2 * (i % 2) + j % 2]``
#: (blue, wine, olive, indigo: Paul Tol's colour-blind safe sets).
WINDOW_OUTLINES = ("#0077BB", "#994455", "#999933", "#332288")
#: The outline of the selected window (and of the selected cell).
SELECTED_EDGE = "#000000"
#: The outline of a window's winning cell (its maximum).
WINNER_EDGE = "#CC3311"

#: Cell backgrounds, by meaning. Black text on each has contrast >= 4.5:1.
FILLS = {
    "cell": "#ffffff",        # a plain input cell
    "output": "#fbe3c3",      # a pooled output cell
    "selected": "#ffd54f",    # cells of the selected window / the selected cell
    "winner": "#f7b58f",      # the winning cell of a window
    "tie": "#fde9b0",         # cells equal to the window's maximum that do not win
    "kept": "#bfd9f0",        # cells a window covers
    "dropped": "#c4c4c4",     # cells no window covers
    "padding": "#e3e3e3",     # padding cells (hatched)
    "gradient": "#f6c6c6",    # cells that receive gradient
}

#: Colours that must stay distinguishable side by side, by what they tell apart.
DISTINGUISHABLE = {
    "neighbouring windows": WINDOW_OUTLINES,
    "selected window vs the others": (SELECTED_EDGE,) + WINDOW_OUTLINES,
    "winner vs windows": (WINNER_EDGE,) + WINDOW_OUTLINES,
    "kept, dropped, padding, plain": (FILLS["kept"], FILLS["dropped"], FILLS["padding"], FILLS["cell"]),
    "selected, winner, tie, plain": (FILLS["selected"], FILLS["winner"], FILLS["tie"], FILLS["cell"]),
}

#: The colour-vision deficiencies :func:`cvd_distance` simulates (colorspacious names).
CVD_KINDS = ("deuteranomaly", "protanomaly", "tritanomaly")
#: Smallest CAM02-UCS distance between two colours of one :data:`DISTINGUISHABLE` group,
#: with normal vision and under each of :data:`CVD_KINDS` at severity 100.
MIN_CVD_DISTANCE = 8.0


def window_colour(i, j):
    """The outline colour of window (i, j): neighbours (also diagonal ones) differ.

    Examples
    --------
    >>> window_colour(0, 0), window_colour(0, 1), window_colour(1, 0), window_colour(2, 2)
    ('#0077BB', '#994455', '#999933', '#0077BB')
    """
    return WINDOW_OUTLINES[2 * (i % 2) + j % 2]


def relative_luminance(colour):
    """WCAG 2 relative luminance of a matplotlib colour (0 black ... 1 white).

    Examples
    --------
    >>> relative_luminance("white"), relative_luminance("black")
    (1.0, 0.0)
    """
    rgb = np.asarray(to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(np.round(linear @ np.array([0.2126, 0.7152, 0.0722]), 12))


def contrast_ratio(a, b):
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white).

    Examples
    --------
    >>> contrast_ratio("black", "white")
    21.0
    >>> round(contrast_ratio(INK, FILLS["selected"]), 1)
    14.9
    """
    la, lb = sorted((relative_luminance(a), relative_luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def text_colour(background):
    """Black or white, whichever reads better on ``background`` (ratio >= 4.58:1 always).

    Examples
    --------
    >>> text_colour("#08306b"), text_colour(FILLS["output"])
    ('#ffffff', '#000000')
    """
    return INK if contrast_ratio(INK, background) >= contrast_ratio("#ffffff", background) else "#ffffff"


def cvd_distance(a, b, kind=None):
    """CAM02-UCS distance of two colours as seen with colour-vision deficiency ``kind``.

    Parameters
    ----------
    a, b : matplotlib colour
    kind : {None, 'deuteranomaly', 'protanomaly', 'tritanomaly'}, optional
        ``None``: normal vision; otherwise simulated at severity 100
        (dichromacy) with :mod:`colorspacious`.

    Returns
    -------
    float
        Euclidean distance in CAM02-UCS (about 1 is a just noticeable difference).

    Examples
    --------
    >>> round(cvd_distance("red", "green", "deuteranomaly"), 1) < round(cvd_distance("red", "green"), 1)
    True
    """
    from colorspacious import cspace_convert

    if kind is not None and kind not in CVD_KINDS:
        raise ValueError(f"kind must be None or one of {CVD_KINDS}, got {kind!r}")
    rgb = np.array([to_rgb(a), to_rgb(b)])
    if kind is not None:
        rgb = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100},
                                     "sRGB1"), 0, 1)
    ucs = cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    return float(np.linalg.norm(ucs[0] - ucs[1]))


def closest_pair(colours):
    """The smallest :func:`cvd_distance` between two of ``colours``, over normal vision and every CVD.

    Returns ``(distance, a, b, kind)``.

    Examples
    --------
    >>> closest_pair(WINDOW_OUTLINES)[0] >= MIN_CVD_DISTANCE
    True
    """
    return min((cvd_distance(a, b, kind), a, b, kind)
               for a, b in itertools.combinations(colours, 2) for kind in (None,) + CVD_KINDS)
