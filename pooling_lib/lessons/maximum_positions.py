"""Lesson 03, maximum positions: its data and its exercises.

The inputs are :func:`pooling_lib.examples.positions_input` (the running
6x6 example, with ties, with a NaN). :func:`record_sizes` counts what the
two ways of recording the maxima cost. Every expected answer below is
computed from the exercise's data.
"""

import html

import numpy as np

from .. import output_size, pool
from ..exercises import Choice, Exercise, ExerciseSet, Prediction

__all__ = ["EX_GRID", "EX_TIE", "EX_MASK_BATCH", "exercise", "exercises", "record_sizes"]


def record_sizes(shape, f, stride=None, itemsize=4, index_itemsize=8):
    """Bytes of a batch, its 0/1 int64 mask per window and its int64 flat indices (nothing allocated).

    Parameters
    ----------
    shape : (m, h, w, c)
    f, stride : int
        Square window and stride (``stride=None``: ``f``).
    itemsize, index_itemsize : int
        Bytes per input value and per mask or index entry.

    Returns
    -------
    dict
        ``outputs`` (how many pooled numbers), ``input``, ``mask``,
        ``mask_temporary`` (the bool array of ``window == window.max()``),
        ``indices``: bytes.

    Examples
    --------
    >>> record_sizes((1, 4, 4, 1), 2)
    {'outputs': 4, 'input': 64, 'mask': 128, 'mask_temporary': 16, 'indices': 32}
    """
    if len(shape) != 4:
        raise ValueError(f"shape must be (m, h, w, c), got {shape!r}")
    m, h, w, c = shape
    stride = f if stride is None else stride
    outputs = m * output_size(h, f, stride) * output_size(w, f, stride) * c
    return {"outputs": outputs, "input": m * h * w * c * itemsize, "mask": outputs * f * f * index_itemsize,
            "mask_temporary": outputs * f * f, "indices": outputs * index_itemsize}


def _grid_html(g):
    return "<pre style='font-size:15px;line-height:1.3'>" + html.escape(np.array2string(g)) + "</pre>"


def _last_winner_indices(g, f):
    """Flat indices if the LAST maximum of each window won (a misconception's answer)."""
    ho, wo = output_size(g.shape[0], f), output_size(g.shape[1], f)
    out = np.zeros((ho, wo), dtype=np.int64)
    for i in range(ho):
        for j in range(wo):
            win = g[i * f:(i + 1) * f, j * f:(j + 1) * f]
            r, c = np.argwhere(win == win.max())[-1]
            out[i, j] = (i * f + r) * g.shape[1] + j * f + c
    return out


# ------------------------------------------------------------------ exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "flat-indices": a 4x4 grid of small integers (with ties).
EX_GRID = np.random.default_rng(2).integers(0, 4, (4, 4))
#: Exercise "tie-index": a 4x4 input whose top-left window holds its maximum twice.
EX_TIE = np.zeros((4, 4), dtype=np.int64)
EX_TIE[:2, :2] = [[5, 7], [7, 1]]
#: Exercise "mask-mb": batch shape, window (stride = window).
EX_MASK_BATCH = ((32, 56, 56, 128), 2)


@exercises.add("flat-indices")
def _flat_indices():
    g = EX_GRID
    right = pool(g, 2, return_indices=True)[1]
    rows, cols = np.divmod(right, g.shape[1])
    local = (rows % 2) * 2 + cols % 2  # position inside each 2x2 window
    wrong = [(local, "those are positions inside each window; the flat index counts in the whole input: "
                     f"row · {g.shape[1]} + column."),
             (_last_winner_indices(g, 2), "on a tie this picks the last maximum; the library, like PyTorch, "
                                          "records the first one in row-major order (row by row, left to right).")]
    wrong = [(w, m) for w, m in wrong if not np.array_equal(w, right)]
    return Exercise(
        "This 4×4 grid is max-pooled with 2×2 windows and stride 2. Type the 2×2 array of flat indices that "
        "<code>pool(g, 2, return_indices=True)</code> records, as [[a, b], [c, d]]. Watch the ties."
        + _grid_html(g),
        expected=right, misconceptions=wrong,
        hint=f"g is {g.shape[1]} wide, so cell (r, c) has index {g.shape[1]}r + c; on a tie the first cell, "
             "row by row, wins.",
        explanation="Winners (row, column): "
                    + ", ".join(str((int(r), int(c))) for r, c in zip(rows.ravel(), cols.ravel()))
                    + f"; index = row · {g.shape[1]} + column, and on a tie the first cell met row by row.",
    )


@exercises.add("tie-index")
def _tie_index():
    x = EX_TIE
    right = int(pool(x, 2, return_indices=True)[1][0, 0])
    ties = [int(r * x.shape[1] + c) for r, c in np.argwhere(x[:2, :2] == x[:2, :2].max())]
    wrong = {t: "that 7 comes second in row-major order; the library records the first maximum." for t in ties
             if t != right}
    return Exercise(
        "This 4×4 input is max-pooled with 2×2 windows, stride 2. Which flat index does the top-left window "
        "record?" + _grid_html(x),
        expected=right, misconceptions=wrong,
        hint="two cells hold 7; which comes first, row by row?",
        explanation="PyTorch's kernels keep the first maximum they meet; the last, or a split of the gradient "
                    "between the two, would be valid gradients too (lesson 07 compares them).",
    )


@exercises.add("mask-mb")
def _mask_mb():
    shape, f = EX_MASK_BATCH
    sizes = record_sizes(shape, f)
    m, h, w, c = shape
    return Exercise(
        f"A float32 batch of shape {shape} is max-pooled with {f}×{f} windows and stride {f}. How many "
        "megabytes (10⁶ bytes) would an int64 0/1 mask per window take?",
        expected=sizes["mask"] / 1e6,
        misconceptions={sizes["indices"] / 1e6: "that is the size of the int64 flat indices, one per output; "
                                                f"the mask holds f·f = {f * f} entries per output.",
                        sizes["input"] / 1e6: "that is the float32 input itself."},
        hint=f"outputs = {m} · ho · wo · {c}; the mask has f·f = {f * f} entries per output, 8 bytes each.",
        explanation=f"{sizes['outputs']:,} outputs × {f * f} entries × 8 bytes = {sizes['mask'] / 1e6:.2f} MB, "
                    f"{f * f} times the {sizes['indices'] / 1e6:.2f} MB of flat indices.",
        tolerance=1e-2,
    )


@exercises.add("nan-window")
def _nan_window():
    return Choice(
        "A 2×2 window holds 3, NaN, 5 and 1. What does max pooling give for it, here and in PyTorch?",
        {
            "5: the NaN is skipped": "That is what np.nanmax does. Pooling lets the NaN through, so that it "
                                     "reaches the loss and gets noticed instead of hiding.",
            "NaN": "Right: a NaN in a window makes the window's output NaN, and its index points at the NaN.",
            "an error": "No error: NaN is a valid float value, and it propagates.",
        },
        answer="NaN",
    )


@exercises.add("why-indices")
def _why_indices():
    return Choice(
        "Why does PyTorch record one flat index per output instead of a 0/1 mask per window?",
        {
            "the index holds the same information in f·f times less memory": "Right: the mask has one 1 among "
                "f·f entries; its position is all it says, and the mask can be rebuilt from the index "
                "(max_mask does).",
            "a mask cannot say which tied cell won": "It can: put the single 1 at the winner. A mask built with "
                "window == window.max() marks every tie, but that is a choice of how to build it.",
            "indices are needed for the forward pass": "The forward pass only needs the maxima; the positions "
                                                       "are for the backward pass (lesson 04).",
        },
        answer="the index holds the same information in f·f times less memory",
    )


@exercises.add("tie-predict")
def _tie_predict():
    from ..examples import positions_input

    t = positions_input("ties")
    window = t[0:3, 3:6]
    count = int((window == window.max()).sum())
    winner = divmod(int(pool(t, 3, return_indices=True)[1][0, 1]), t.shape[1])
    return Prediction(
        f"The <b>ties</b> input's top-right 3×3 window holds its maximum {count} times. Which cell does the "
        "library record as its winner?",
        {
            "the first in row-major order": f"Right: cell {winner}, the first met row by row from the top "
                                            "left, as in PyTorch's kernels. The other tied cells get no gradient.",
            "the one nearest the window's centre": "Position inside the window plays no role besides the order "
                                                   "in which cells are read.",
            "all of them": "Then the output's gradient would be counted once per tied cell: too much.",
        },
        answer="the first in row-major order",
        try_it="in the explorer above choose the <b>ties</b> input and point at the top-right output cell.",
    )
