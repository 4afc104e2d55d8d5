"""Lesson 05, one sample vs a batch: its data, the layout conversion and its exercises.

* :data:`BATCH_SIZES`: the batch sizes the lesson times.
* :func:`to_torch_layout` / :func:`from_torch_layout`: this library's ``(m, h, w, c)``
  against PyTorch's ``(N, C, H, W)``.
* ``exercises``: the lesson's exercises, answers computed here.
"""

import numpy as np

from ..core import pool
from ..exercises import Choice, Exercise, ExerciseSet

__all__ = ["BATCH_SIZES", "to_torch_layout", "from_torch_layout", "exercises", "exercise"]

#: Batch sizes of the lesson's timing.
BATCH_SIZES = (1, 4, 16, 64, 256, 1024)


def to_torch_layout(x):
    """``(m, h, w, c)`` (this library, TensorFlow) to ``(N, C, H, W)`` (PyTorch): a transposed view.

    Examples
    --------
    >>> to_torch_layout(np.zeros((32, 28, 28, 8))).shape
    (32, 8, 28, 28)
    """
    return np.transpose(x, (0, 3, 1, 2))


def from_torch_layout(x):
    """``(N, C, H, W)`` (PyTorch) to ``(m, h, w, c)``: a transposed view.

    Examples
    --------
    >>> from_torch_layout(np.zeros((32, 8, 28, 28))).shape
    (32, 28, 28, 8)
    """
    return np.transpose(x, (0, 2, 3, 1))


# ---------------------------------------------------------------- exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "pooled-shape": the batch.
EX_SHAPE = (32, 28, 28, 8)
#: Exercise "sample-one": two 4x4 one-channel samples.
EX_SAMPLES = np.stack([np.arange(16).reshape(4, 4), np.arange(16).reshape(4, 4) + 16])[..., None]
#: Exercise "values": batch, window.
EX_VALUES = ((10, 6, 6, 3), 3)


@exercises.add("pooled-shape")
def _pooled_shape():
    m, h, w, c = EX_SHAPE
    return Exercise(
        f"What shape does max pooling with 2×2 windows (stride 2) give for a batch of shape "
        f"<code>{EX_SHAPE}</code>? Type a tuple.",
        expected=pool(np.zeros(EX_SHAPE), 2).shape,
        hint="Only the two middle axes shrink.",
        misconceptions=[((m // 2, h // 2, w // 2, c), "The batch axis is never pooled: every sample keeps "
                                                       "its place."),
                        ((m, h // 2, w // 2, c // 2), "Channels are pooled one by one, never with each "
                                                      "other: their number stays.")],
        explanation=f"Rows and columns halve ({h} → {h // 2}, {w} → {w // 2}); the {m} samples and {c} "
                    f"channels stay.")


@exercises.add("sample-one")
def _sample_one():
    return Exercise(
        "<code>lesson.EX_SAMPLES</code> (printed above) is a batch of two samples of one channel: "
        "<code>np.arange(16).reshape(4, 4)</code> and the same plus 16. Max-pool the batch with 2×2 windows "
        "in your head and type sample 1's only channel as a nested list.",
        expected=pool(EX_SAMPLES, 2)[1, :, :, 0],
        hint="Each window's maximum is its bottom-right cell.",
        misconceptions=[(pool(EX_SAMPLES, 2)[0, :, :, 0], "That is sample 0: samples are numbered from 0, "
                                                          "sample 1 is the one plus 16.")],
        explanation="The values grow to the right and down, so each 2×2 window's maximum is its bottom-right "
                    "cell: 5, 7, 13, 15 for sample 0, plus 16 for sample 1.")


@exercises.add("values")
def _values():
    shape, f = EX_VALUES
    out = pool(np.zeros(shape), f, method="mean")
    return Exercise(
        f"A batch of shape <code>{shape}</code> is mean-pooled with {f}×{f} windows and stride {f}. How many "
        f"numbers does the result hold?",
        expected=out.size,
        hint="Work out the result's shape first.",
        misconceptions={out.size // shape[3]: "Every channel is pooled on its own and kept: multiply by the "
                                              "channels too.",
                        out.size // shape[0]: "That is one sample; the batch has more."},
        explanation=f"The result has shape {out.shape}.")


@exercises.add("why-faster")
def _why_faster():
    return Choice(
        "Looping over the samples and one call on the batch do the same arithmetic and give identical "
        "arrays. Why is the single call faster for a batch of small samples?",
        {"it skips some windows": "It pools every window of every sample: np.array_equal is True.",
         "each call has a fixed cost, which the loop pays m times and the single call once":
         "Right. Checking the arguments, allocating the result and issuing the numpy operations (fh + fw "
         "passes over the data) cost the same for one sample as for many; with small samples that fixed cost "
         "is most of the time.",
         "numpy computes in parallel only on 4-D arrays": "The speed-up is there on one core too; it comes "
         "from paying the per-call overhead once."},
        answer="each call has a fixed cost, which the loop pays m times and the single call once")


@exercises.add("torch-layout")
def _torch_layout():
    return Choice(
        "A PyTorch batch has shape <code>(N, C, H, W) = (32, 8, 28, 28)</code>. Which transpose gives this "
        "library's <code>(m, h, w, c)</code>?",
        {"np.transpose(x, (0, 2, 3, 1))": "Right: new axis 1 is old axis 2 (H), then W, then C.",
         "np.transpose(x, (0, 3, 1, 2))": "That goes the other way, from (m, h, w, c) to (N, C, H, W); on this "
         "batch it would give (32, 28, 8, 28).",
         "x.reshape(32, 28, 28, 8)": "A reshape keeps the order of the numbers in memory and mixes channels "
         "into rows; only a transpose moves whole axes."},
        answer="np.transpose(x, (0, 2, 3, 1))")
