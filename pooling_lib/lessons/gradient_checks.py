"""Lesson 07, pitfalls and gradient checks: its data and its exercises.

* :data:`CHECK_GEOMETRY`: the window, stride and padding of the lesson's full
  gradient check (overlapping windows that also cover padding).
* :func:`relative_error`: the number a gradient check compares with its threshold.
* :func:`mask_memory`: bytes of the post's 0/1 mask against one index per output.
* ``exercises``: the lesson's exercises, answers computed here.
"""

import numpy as np

from ..conventions import post_pad_windows
from ..core import output_size
from ..exercises import Choice, Exercise, ExerciseSet
from ..ties import unpool_max_ties

__all__ = ["CHECK_GEOMETRY", "relative_error", "mask_memory", "exercises", "exercise"]

#: f, stride, padding of the full check: windows overlap (f > stride) and the border ones cover padding.
CHECK_GEOMETRY = (3, 2, 1)


def relative_error(measured, exact):
    """``max |measured - exact| / max |exact|``: how far a finite-difference gradient is from the exact one.

    Examples
    --------
    >>> round(relative_error(np.array([1.0, 2.001]), np.array([1.0, 2.0])), 6)
    0.0005
    """
    measured, exact = np.asarray(measured, float), np.asarray(exact, float)
    return float(np.abs(measured - exact).max() / np.abs(exact).max())


def mask_memory(m, n, channels, f, s, itemsize=8):
    """Bytes of an f·f 0/1 mask per output (the post's) and of one index per output (the library's).

    Examples
    --------
    >>> mask_memory(1, 4, 1, 2, 2)
    (4, 128, 32)
    """
    side = output_size(n, f, s)
    outputs = m * side * side * channels
    return outputs, outputs * f * f * itemsize, outputs * itemsize


# ---------------------------------------------------------------- exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "all-sum": one 2x2 window.
EX_ALL = np.array([[2, 7], [7, 7]])
#: Exercise "split-cell": a block of zeros, window, stride, the cell asked about.
EX_SPLIT = ((4, 4), 2, 1, (1, 1))
#: Exercise "post-windows": n, f, stride of the post's pad=True.
EX_POST = (8, 4, 4)


@exercises.add("all-sum")
def _all_sum():
    return Exercise(
        f"A single 2 × 2 window holds <code>{EX_ALL.tolist()}</code> and receives a gradient of 1. Under the "
        f"<code>all</code> policy (the naive <code>==</code> mask), what does the input gradient sum to?",
        expected=float(unpool_max_ties(np.ones((1, 1)), EX_ALL, 2, policy="all").sum()),
        hint="Count the cells that equal the maximum.",
        misconceptions={1: "That is what first, last and split hand on. The == mask marks every cell equal to "
                           "the maximum, and each gets the whole gradient."},
        explanation=f"{int((EX_ALL == EX_ALL.max()).sum())} tied {EX_ALL.max()}s each receive the whole 1: the "
                    f"gradient grows from 1 to {int((EX_ALL == EX_ALL.max()).sum())}, which no real change of the "
                    f"input can produce.")


@exercises.add("split-cell")
def _split_cell():
    shape, f, s, (i, j) = EX_SPLIT
    out = output_size(shape[0], f, s)
    answer = unpool_max_ties(np.ones((out, out)), np.zeros(shape), f, s, policy="split")[i, j]
    return Exercise(
        f"A {shape[0]} × {shape[1]} block of zeros is max-pooled with {f} × {f} windows and stride {s}, and a "
        f"gradient of ones comes back. Under the <code>split</code> policy, how much gradient reaches the cell "
        f"at row {i}, column {j}?",
        expected=float(answer),
        hint=f"How many windows contain ({i}, {j}), and what share of its 1 does each window give to each of "
             f"its cells?",
        misconceptions={1 / (f * f): "That is one window's share. Windows overlap with stride 1: add the "
                                     "shares of every window that contains the cell.",
                        float(f * f): "That counts windows without splitting: each window gives each of its "
                                      f"{f * f} tied cells 1/{f * f}."},
        explanation=f"{f * f} windows contain ({i}, {j}) and each gives it 1/{f * f} of its 1: "
                    f"{f * f} · 1/{f * f} = {float(answer):g}.")


@exercises.add("post-windows")
def _post_windows():
    n, f, s = EX_POST
    return Exercise(
        f"The post's <code>pad=True</code> on an {n} × {n} input with {f} × {f} windows and stride {s}: how many "
        f"windows per axis does its code make?",
        expected=post_pad_windows(n, f, s)[0],
        hint="Its count is n // s + 1.",
        misconceptions={output_size(n, f, s, ceil_mode=True): "That is what it meant (ceil_mode); its code "
                        "counts n // s + 1, one more whenever s divides n."},
        explanation=f"{n} // {s} + 1 = {post_pad_windows(n, f, s)[0]}, although {output_size(n, f, s)} windows "
                    f"already fit exactly: the last one holds only padding.")


@exercises.add("why-random-floats")
def _why_random_floats():
    return Choice(
        "Why does a gradient check of max pooling use random floats rather than small integers?",
        {"random floats make no ties, and at a tie max pooling has no derivative to compare with":
         "Right. With a tie, the forward and backward differences disagree (a kink); the central difference "
         "splits the gradient, which matches only the split policy. Random floats are tied with probability 0.",
         "integers overflow in finite differences": "Small integers are exact in float64; the problem is "
         "that they are often equal.",
         "finite differences need negative numbers": "Finite differences work on any input; only where the "
         "function has a kink do they fail."},
        answer="random floats make no ties, and at a tie max pooling has no derivative to compare with")


@exercises.add("why-all-wrong")
def _why_all_wrong():
    return Choice(
        "first, last and split are all valid tie policies, but all is not. Why?",
        {"all hands on more gradient than arrived": "Right. A window has one output; if it rises by ε, the "
         "loss moves by (its gradient)·ε. first, last and split share that gradient out (any weighted average "
         "of the tied cells is a subgradient of the max); all gives each tied cell the whole of it, so the "
         "total grows with the number of ties.",
         "all is slower": "Speed is not the problem: its answer is wrong.",
         "all is not what PyTorch does": "PyTorch picks first, but last and split are valid too and not what "
         "PyTorch does either; what rules out all is that it creates gradient."},
        answer="all hands on more gradient than arrived")
