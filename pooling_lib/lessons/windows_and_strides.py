"""Lesson 02, windows and strides: its data and its exercises.

The running example is :func:`pooling_lib.examples.post_example` (a 6x6 grid
of integers 0-19); the window arithmetic is :mod:`pooling_lib.arithmetic`.
Every expected answer below is computed from the exercise's data.
"""

import html

import numpy as np

from .. import output_size, pool
from ..arithmetic import window_taps, windows_containing
from ..examples import post_example  # noqa: F401 (the examples below use it)
from ..exercises import Choice, Exercise, ExerciseSet, Prediction

__all__ = ["EX_GRID", "EX_OUTPUT_SIZE", "EX_CONTAINING", "EX_DILATION", "coverage", "exercise", "exercises",
           "wins"]


def coverage(shape, f, stride, padding=0, ceil_mode=False, dilation=1):
    """How many windows read each cell of a ``shape`` grid (0: in no window).

    Examples
    --------
    >>> coverage((4, 4), 2, 2)
    array([[1, 1, 1, 1],
           [1, 1, 1, 1],
           [1, 1, 1, 1],
           [1, 1, 1, 1]])
    >>> coverage((1, 5), (1, 3), 1)
    array([[1, 2, 3, 2, 1]])
    """
    if len(shape) != 2:
        raise ValueError(f"shape must be (rows, cols), got {shape!r}")
    f = (f, f) if np.isscalar(f) else tuple(f)
    stride = (stride, stride) if np.isscalar(stride) else tuple(stride)
    per_axis = [np.array([windows_containing(q, n, fa, sa, padding, ceil_mode, dilation).size for q in range(n)])
                for n, fa, sa in zip(shape, f, stride)]
    return np.outer(*per_axis)


def wins(x, f, stride, cell):
    """Output positions whose window's maximum is input cell ``cell`` (row, col).

    Examples
    --------
    >>> wins(post_example(), 3, 1, (3, 5))
    [(1, 3), (2, 3), (3, 3)]
    """
    x = np.asarray(x)
    if len(cell) != 2 or not all(0 <= int(v) < n for v, n in zip(cell, x.shape[:2])):
        raise ValueError(f"cell must be a (row, col) inside the {x.shape[0]}×{x.shape[1]} grid, got {cell!r}")
    _, idx = pool(x, f, stride, return_indices=True)
    flat = cell[0] * x.shape[1] + cell[1]
    return [tuple(int(v) for v in p) for p in np.argwhere(idx == flat)]


# ------------------------------------------------------------------ exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "output-size": axis length, window, stride.
EX_OUTPUT_SIZE = (8, 3, 2)
#: Exercise "pool-grid": a 4x4 grid of digits.
EX_GRID = np.random.default_rng(1).integers(0, 10, (4, 4))
#: Exercise "windows-containing": grid side, window, stride, cell.
EX_CONTAINING = (6, 3, 1, (1, 4))
#: Exercise "dilation-cells": window, dilation.
EX_DILATION = (3, 2)


def _grid_html(g):
    return "<pre style='font-size:15px;line-height:1.3'>" + html.escape(np.array2string(g)) + "</pre>"


@exercises.add("output-size")
def _output_size():
    n, f, s = EX_OUTPUT_SIZE
    right = output_size(n, f, s)
    last_start = right * s  # where one more window would start
    wrong = {}
    for guess in (-(-(n - f) // s) + 1, n // s):  # ceil instead of floor; n / s
        if guess != right:
            wrong[guess] = (f"check where the last window starts: window {guess} would start at cell {last_start} "
                            f"and need cells {last_start} to {last_start + f - 1}, but the last cell is {n - 1}.")
    return Exercise(
        f"An axis of {n} cells is max-pooled with windows of {f} and stride {s}, no padding. How many windows "
        "fit along it? (Enter submits.)",
        expected=right, misconceptions=wrong,
        hint=f"windows start at 0, {s}, {2 * s}, …; the last must start at n − f = {n - f} or earlier.",
        explanation=f"⌊({n} − {f}) / {s}⌋ + 1 = {right}.",
    )


@exercises.add("pool-grid")
def _pool_grid():
    g = EX_GRID
    right = pool(g, 2)
    wrong = [(pool(g, 2, method="mean"), "that is the mean of each window; max pooling keeps the largest number."),
             (right.T, "rows and columns are swapped: the first row of the output comes from the top two rows.")]
    wrong = [(w, m) for w, m in wrong if not np.allclose(w, right)]
    return Exercise(
        "Max-pool this 4×4 grid with 2×2 windows and stride 2. Type the result as a nested list "
        "[[a, b], [c, d]]." + _grid_html(g),
        expected=right, misconceptions=wrong,
        hint="four windows, one per 2×2 quarter; write the largest number of each.",
        explanation="Stride 2 = window 2: the four windows tile the grid, top-left, top-right, bottom-left, "
                    f"bottom-right, and each keeps its largest number: {right.tolist()}.",
    )


@exercises.add("windows-containing")
def _windows_containing():
    n, f, s, (r, c) = EX_CONTAINING
    per_axis = [windows_containing(q, n, f, s).size for q in (r, c)]
    right = per_axis[0] * per_axis[1]
    wrong = {}
    if f * f != right:
        wrong[f * f] = (f"{f * f} windows contain a cell in the middle of the grid; cell ({r}, {c}) is near the "
                        "edge, so fewer windows reach it. Count the rows and the columns separately.")
    return Exercise(
        f"On a {n}×{n} grid with {f}×{f} windows and stride {s}, how many windows contain the cell in row {r}, "
        f"column {c} (counting from 0)?",
        expected=right, misconceptions=wrong,
        hint=f"windows start at rows and columns 0 to {n - f}; which starts reach row {r}? column {c}? Multiply.",
        explanation=f"{per_axis[0]} window rows × {per_axis[1]} window columns = {right}.",
    )


@exercises.add("dilation-cells")
def _dilation_cells():
    f, d = EX_DILATION
    taps = window_taps(2 * d * f, f, 1, dilation=d)[0]  # the cells the first window reads along one axis
    span = d * (f - 1) + 1
    right = taps.size ** 2
    return Exercise(
        f"A {f}×{f} max-pooling window with dilation {d}: how many input cells does one window read?",
        expected=right,
        misconceptions={span ** 2: f"{span}×{span} is the span the window covers (d(f − 1) + 1 = {span} per axis), "
                                   f"but it reads only every {d}nd cell of it."},
        hint=f"along one axis it reads the cells start + k·{d} for k = 0 … {f - 1}.",
        explanation=f"{taps.size} per axis (cells {', '.join(map(str, taps))} for the first window): "
                    f"{taps.size}·{taps.size} = {right}, spread over {span}×{span}.",
    )


@exercises.add("dropped-cells")
def _dropped_cells():
    n, f = 6, 4
    dropped = int((coverage((n, n), f, f) == 0).sum())
    options = {
        "0": "Every cell would need a window; but only one 4×4 window fits, and a second would need cells 4 to 7.",
        "12": "Count again: the last two rows and the last two columns are not covered, and they overlap in a "
              "2×2 corner.",
        str(dropped): "Right: one 4×4 window covers 16 of the 36 cells; the floor in the formula drops the "
                      "window that would need cells 4 to 7, so rows 4-5 and columns 4-5 are in no window.",
    }
    return Prediction(
        f"On the {n}×{n} grid, with window size f = {f} and stride s = {f}: how many input cells are in no window?",
        options, answer=str(dropped),
        try_it=f"in the explorer above set <b>window size f</b> and <b>stride s</b> to {f} and count the cells "
               "outside every outline (the caption helps).",
    )


@exercises.add("why-floor")
def _why_floor():
    return Choice(
        "Why does the output-size formula ⌊(n + 2p − f) / s⌋ + 1 round <i>down</i>?",
        {
            "a window must fit inside the (padded) input": "Right: windows start at 0, s, 2s, …; the floor counts "
                "the starts whose window still ends inside, and drops a last window that would run past the edge "
                "(ceil_mode=True keeps it, partly empty).",
            "to make the output smaller, which saves memory": "Saving memory is a side effect; the floor is "
                "there because a window that runs past the edge has no cells to read.",
            "because pooling needs an even number of windows": "Any number of windows is fine: 6 cells with f = 3, "
                                                              "s = 1 give 4, and with f = 2, s = 2 give 3.",
        },
        answer="a window must fit inside the (padded) input",
    )
