"""Lesson 04, the backward pass and the MaxUnpool2d layer: its data, its conservation rule, its exercises.

The backward pass itself is the library's (``unpool_max``, ``unpool_avg``,
:mod:`pooling_lib.backprop`); this module adds the one rule the lesson
derives from it, when the input gradient keeps the upstream gradient's total
(:func:`window_cells`, :func:`conserves_total`), and the exercises, whose
answers it computes from their data.
"""

import html

import numpy as np

from .. import max_unpool2d, output_size, pool, unpool_avg, unpool_max
from ..arithmetic import window_taps
from ..conventions import window_divisors
from ..exercises import Choice, Exercise, ExerciseSet

__all__ = ["EX_GRAD_SUM", "EX_PADDED", "conserves_total", "exercise", "exercises", "output_sizes_pooling_to",
           "window_cells"]


def window_cells(shape, f, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
    """Real input cells and divisor of every mean-pooling window, as two (ho, wo) arrays.

    Rows and columns are independent, so each is the outer product of its
    per-axis counts: real cells are the taps inside ``0 .. n - 1``
    (:func:`pooling_lib.arithmetic.window_taps`), divisors come from
    :func:`pooling_lib.conventions.window_divisors` (or are
    ``divisor_override`` everywhere).

    Examples
    --------
    >>> real, divisor = window_cells((5, 5), 3, 2, padding=1)
    >>> real
    array([[4, 6, 4],
           [6, 9, 6],
           [4, 6, 4]])
    >>> divisor
    array([[9, 9, 9],
           [9, 9, 9],
           [9, 9, 9]])
    """
    stride = f if stride is None else stride
    real, divisors = [], []
    for n in shape:
        taps = window_taps(n, f, stride, padding, ceil_mode)
        real.append(((taps >= 0) & (taps < n)).sum(axis=1))
        divisors.append(np.asarray(window_divisors(n, f, stride, padding, ceil_mode, count_include_pad)))
    real = np.outer(*real)
    if divisor_override is not None:
        return real, np.full(real.shape, divisor_override)
    return real, np.outer(*divisors)


def conserves_total(shape, f, stride=None, method="mean", **options):
    """Whether the input gradient sums to the upstream gradient's total for EVERY upstream gradient.

    ``sum(dx) = sum over windows of g · (real cells / divisor)`` for mean
    pooling, so the total is kept for every ``g`` exactly when each window's
    divisor equals its number of real cells. Max pooling hands each window's
    ``g`` whole to one real cell, so it always keeps the total.

    Examples
    --------
    >>> conserves_total((5, 5), 3, 2, padding=1)
    False
    >>> conserves_total((5, 5), 3, 2, padding=1, count_include_pad=False)
    True
    >>> conserves_total((5, 5), 3, 2, padding=1, method="max")
    True
    """
    if method not in ("max", "mean"):
        raise ValueError(f"method must be 'max' or 'mean', got {method!r}")
    if method == "max":
        return True
    real, divisor = window_cells(shape, f, stride, **options)
    return bool(np.array_equal(real, divisor))


def output_sizes_pooling_to(size, f, stride=None, up_to=None):
    """Every input length that pools (no padding) to ``size`` windows: why MaxUnpool2d needs ``output_size``.

    Examples
    --------
    >>> output_sizes_pooling_to(2, 2)
    [4, 5]
    >>> output_sizes_pooling_to(2, 3, 2)
    [5, 6]
    """
    if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
        raise ValueError(f"size must be an integer >= 1, got {size!r}")
    stride = f if stride is None else stride
    up_to = up_to or (size + 1) * stride + f
    return [n for n in range(f, up_to + 1) if output_size(n, f, stride) == size]


# ------------------------------------------------------------------ exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "grad-sum": input side, window, stride, upstream gradient (mean pooling, no padding).
EX_GRAD_SUM = (5, 3, 1, np.array([[1.0, 0.0, 2.0], [0.5, 3.0, 1.0], [0.0, 2.0, 1.5]]))
#: Exercise "padded-sum": input side, window, stride, padding (mean pooling, gradient of ones).
EX_PADDED = (5, 3, 2, 1)


def _array_html(a):
    return "<pre style='font-size:15px;line-height:1.3'>" + html.escape(np.array2string(a)) + "</pre>"


@exercises.add("grad-sum")
def _grad_sum():
    n, f, s, g = EX_GRAD_SUM
    right = unpool_avg(g, (n, n), f, stride=s).sum()
    return Exercise(
        f"A {n}×{n} input is mean-pooled with {f}×{f} windows, stride {s}, no padding, and this gradient "
        "arrives at the pooled grid. Without computing the input gradient cell by cell: what does it sum to?"
        + _array_html(g),
        expected=right,
        misconceptions={float(g.sum() * f * f): "every window's gradient is divided by its f·f cells before "
                                                "it is shared, so each window hands back exactly its own g."},
        hint="no padding: every window divides by the number of real cells it shares its g with.",
        explanation="Without padding each window gives back exactly its g, so the total is the sum of g.",
    )


@exercises.add("grad-middle")
def _grad_middle():
    x = np.zeros((5, 5))
    x[2, 2] = 1
    _, idx = pool(x, 3, stride=1, return_indices=True)
    right = unpool_max(np.ones(idx.shape), idx, x.shape)[2, 2]
    written = max_unpool2d(np.ones(idx.shape), idx, 3, 1, output_size=x.shape)[2, 2]
    return Exercise(
        "A 5×5 input is all zeros except a 1 in the middle, cell (2, 2). It is max-pooled with 3×3 windows "
        "and stride 1, and a gradient of ones comes back. How much gradient does the middle cell receive?",
        expected=right,
        misconceptions={float(written): "that is what MaxUnpool2d writes; the backward pass adds the gradient "
                                        "of every window whose winner the middle cell is."},
        hint="how many 3×3 windows with stride 1 fit in a 5×5 grid, and how many of them contain the middle?",
        explanation=f"All {idx.size} windows ({idx.shape[0]} × {idx.shape[1]}) contain the middle and pick it (everything else is "
                    f"0), so it receives {idx.size} gradients of 1, added: {right:.0f}.",
    )


@exercises.add("first-row")
def _first_row():
    right = unpool_avg(np.ones((3, 3)), (4, 4), 2, stride=1)[0]
    undivided = right * 4
    return Exercise(
        "A 4×4 input is mean-pooled with 2×2 windows and stride 1, and a gradient of ones comes back. Type the "
        "first row of the input gradient as a list of four numbers.",
        expected=right,
        misconceptions=[(undivided, "those count the windows that contain each cell; each window shares its "
                                    "gradient out as quarters.")],
        hint="count the windows that contain each cell of the top row; each gives a quarter.",
        explanation=f"The top row's cells lie in {', '.join(f'{v:.0f}' for v in undivided)} windows; each window "
                    f"hands back 1/4: {', '.join(f'{v:g}' for v in right)}.",
    )


@exercises.add("padded-sum")
def _padded_sum():
    n, f, s, p = EX_PADDED
    ho = output_size(n, f, s, p)
    right = unpool_avg(np.ones((ho, ho)), (n, n), f, s, padding=p).sum()
    return Exercise(
        f"A {n}×{n} input is mean-pooled with {f}×{f} windows, stride {s} and padding {p} "
        f"(count_include_pad=True, PyTorch's default), and a gradient of ones ({ho}×{ho}) comes back. What does "
        "the input gradient sum to? (Two decimals.)",
        expected=right, tolerance=5e-3,
        misconceptions={float(ho * ho): "that would be true without padding; here each window divides by "
                                        f"{f * f} including its padding cells, and the padding cells' shares "
                                        "are not part of the input."},
        hint="add, over the windows, (real cells of the window) / 9.",
        explanation="The shares of the padding cells are lost: the total is kept only when every divisor "
                    "equals its window's number of real cells.",
    )


@exercises.add("adds-or-writes")
def _adds_or_writes():
    return Choice(
        "A 3×3 input has its only non-zero value in the centre; max pooling with 2×2 windows and stride 1 picks "
        "the centre in all four windows. Values 1, 2, 3, 4 come back to the four pooled cells. What ends up in "
        "the centre?",
        {
            "10 for the gradient, 4 for MaxUnpool2d": "Right: the backward pass adds every window's gradient "
                "(1 + 2 + 3 + 4); the MaxUnpool2d layer writes each value in turn, so one of them stays (the "
                "library keeps the last, PyTorch leaves it undefined).",
            "10 for both": "MaxUnpool2d is not a gradient: it writes each value into place, it does not add.",
            "4 for both": "The gradient must add: each of the four outputs copies the centre, so nudging the "
                          "centre moves all four.",
        },
        answer="10 for the gradient, 4 for MaxUnpool2d",
    )


@exercises.add("why-add")
def _why_add():
    return Choice(
        "Why do the gradients of overlapping windows add up at a shared cell?",
        {
            "the chain rule sums over every output the cell affects": "Right: ∂L/∂x_q = Σ over outputs y of "
                "∂L/∂y · ∂y/∂x_q; every window that reads x_q (and, for max, picks it) is one such output.",
            "to keep the total of the gradient": "Adding does keep max pooling's total, but that is a "
                "consequence, and mean pooling with padding does not keep it either way.",
            "because NumPy's np.add.at is faster than assignment": "Speed has nothing to do with it; assignment "
                                                                   "would simply give the wrong gradient.",
        },
        answer="the chain rule sums over every output the cell affects",
    )
