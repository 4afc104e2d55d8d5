"""Lesson 09, global and adaptive pooling: its data, its helpers and its exercises.

* :data:`LP_WINDOW`, :data:`NEGATIVE_WINDOW`: the two 2x2 windows the LP section pools.
* :func:`nan_powers`: which powers of the LP explorer's slider give NaN on its own
  (negative) input, window by window.
* :func:`spatial_pyramid`: spatial pyramid pooling (He et al. 2014) built from
  :func:`pooling_lib.adaptive.adaptive_pool`: a fixed-length vector from any image size.
* :func:`pool_sequence` and :func:`pool_volume`: 1-D pooling (sequences) and 3-D pooling
  (video, volumes) written with the 2-D :func:`pooling_lib.pool`.
* ``exercises``: the lesson's exercises, answers computed here.
"""

import numpy as np

from ..adaptive import adaptive_bins, adaptive_pool, global_pool, lp_pool
from ..core import pool
from ..exercises import Choice, Exercise, ExerciseSet
from ..examples import lp_input
from ..explorers.adaptive import P_VALUES  # the powers the LP explorer's slider offers

__all__ = [
    "LP_WINDOW",
    "NEGATIVE_WINDOW",
    "nan_powers",
    "spatial_pyramid",
    "pool_sequence",
    "pool_volume",
    "exercises",
    "exercise",
]

#: A non-negative 2x2 window: LP pooling as a dial from the sum to the maximum.
LP_WINDOW = np.array([[1.0, 2.0], [3.0, 4.0]])
#: A 2x2 window with a negative cell: what each kind of power does with the sign.
NEGATIVE_WINDOW = np.array([[-2.0, 1.0], [0.5, 0.0]])


def nan_powers(f, negative=True):
    """The powers of the LP explorer's slider for which ``lp_pool`` of its input has NaN windows.

    Parameters
    ----------
    f : int
        Window size (the explorer offers 2 and 3).
    negative : bool, optional
        Use the explorer's input shifted by -4 (the checkbox).

    Returns
    -------
    dict of float to int
        ``{p: number of NaN windows}`` for every ``p`` of
        :data:`pooling_lib.explorers.adaptive.P_VALUES` with at least one, on
        :func:`pooling_lib.examples.lp_input`.

    Examples
    --------
    >>> nan_powers(2)
    {1.5: 7, 3: 3}
    >>> nan_powers(2, negative=False)
    {}
    """
    x = lp_input(negative=negative)
    counts = {p: int(np.isnan(lp_pool(x, p, f)).sum()) for p in P_VALUES}
    return {p: n for p, n in counts.items() if n}


def spatial_pyramid(x, levels=(1, 2, 4), method="max"):
    """Spatial pyramid pooling: adaptive pooling to several grids, concatenated.

    Parameters
    ----------
    x : array_like, shape (m, h, w, c)
        Feature maps of any height and width (maps smaller than a level's
        grid work too: adaptive pooling then repeats cells).
    levels : sequence of int, optional
        Grid sides: level ``l`` pools each map to ``l x l`` bins.
    method : {'max', 'mean'}, optional

    Returns
    -------
    ndarray, shape (m, c * sum(l * l for l in levels))
        For each sample, the bins of every level, level after level (each
        level flattened as ``(l, l, c)``), whatever ``h`` and ``w`` were.

    Examples
    --------
    >>> spatial_pyramid(np.zeros((2, 13, 9, 3))).shape   # 3 * (1 + 4 + 16)
    (2, 63)
    >>> spatial_pyramid(np.zeros((2, 40, 40, 3))).shape
    (2, 63)
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (m, h, w, c), got shape {x.shape}")
    parts = [adaptive_pool(x, level, method=method).reshape(len(x), -1) for level in levels]
    return np.concatenate(parts, axis=1)


def pool_sequence(x, f, stride=None, method="max"):
    """1-D pooling of sequences ``(m, length, c)``: the 2-D pooling of a one-row image.

    Examples
    --------
    >>> pool_sequence(np.array([[[1], [5], [2], [0], [7], [3]]]), 2)[0, :, 0]
    array([5, 2, 7])
    """
    x = np.asarray(x)
    stride = f if stride is None else stride
    return pool(x[:, None], (1, f), (1, stride), method=method)[:, 0]


def pool_volume(x, f, stride=None, method="max"):
    """3-D pooling of volumes ``(m, t, h, w, c)`` (video: t frames) with cubic ``f x f x f`` windows.

    Max and mean are separable: pool every frame with ``f x f`` windows, then
    pool the time axis with windows of ``f`` frames (each pooled pixel is a
    one-row sequence over time).

    Examples
    --------
    >>> v = np.arange(2 * 4 * 4).reshape(1, 2, 4, 4, 1)
    >>> pool_volume(v, 2)[0, 0, :, :, 0]          # max of each 2x2x2 block
    array([[21, 23],
           [29, 31]])
    """
    x = np.asarray(x)
    stride = f if stride is None else stride
    m, t, h, w, c = x.shape
    frames = pool(x.reshape(m * t, h, w, c), f, stride, method=method)
    _, ho, wo, _ = frames.shape
    # time axis as the columns of a one-row image per sample: (m, 1, t, ho*wo*c)
    over_time = frames.reshape(m, t, ho * wo * c)[:, None]
    pooled = pool(over_time, (1, f), (1, stride), method=method)[:, 0]
    return pooled.reshape(m, -1, ho, wo, c)


# ---------------------------------------------------------------- exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "bins": axis length and output size.
EX_BINS = (7, 3)
#: Exercise "global-shape": the batch of feature maps.
EX_GLOBAL_SHAPE = (16, 12, 10, 32)
#: Exercise "lp-two": a 2x2 window.
EX_LP_WINDOW = np.array([[0.0, 6.0], [8.0, 0.0]])
#: Exercise "pyramid-length": channels and levels.
EX_PYRAMID = (256, (1, 2, 4))


@exercises.add("bins")
def _bins():
    n, out = EX_BINS
    floor_stops = [(i * n // out, (i + 1) * n // out) for i in range(out)]
    return Exercise(
        f"Adaptive pooling takes an axis of length {n} to {out} outputs. Write the {out} bins as a list of "
        f"<code>(start, stop)</code> pairs.",
        expected=adaptive_bins(n, out),
        hint=f"Bin i runs from floor(i·{n}/{out}) to ceil((i+1)·{n}/{out}); stop is not included.",
        misconceptions=[(floor_stops, "The stops round UP: ⌈(i+1)·n/out⌉, so neighbouring bins may share "
                                      "a cell.")],
        explanation=f"{n}/{out} is not a whole number, so neighbouring bins share a cell: sizes "
                    f"{[stop - start for start, stop in adaptive_bins(n, out)]}.")


@exercises.add("global-shape")
def _global_shape():
    shape = EX_GLOBAL_SHAPE
    return Exercise(
        f"A batch of feature maps has shape <code>{shape}</code>. What shape does global average pooling give "
        f"(without <code>keepdims</code>)?",
        expected=global_pool(np.zeros(shape), "mean").shape,
        hint="One number per sample and channel.",
        misconceptions=[((shape[0], 1, 1, shape[3]), "That is the shape with keepdims=True: without it the "
                                                     "two spatial axes are dropped.")],
        explanation=f"Each of the {shape[0]} samples keeps one average per channel ({shape[3]}); the "
                    f"{shape[1]}×{shape[2]} plane is gone.")


@exercises.add("lp-two")
def _lp_two():
    w = EX_LP_WINDOW
    return Exercise(
        f"What does <code>lp_pool</code> with p = 2 and a 2×2 window give for the window "
        f"<code>{w.astype(int).tolist()}</code>?",
        expected=float(lp_pool(w, 2, 2)[0, 0]),
        hint="Square, add, take the square root.",
        misconceptions={float(w.sum()): "That is p = 1, the sum.",
                        float(w.max()): "That is the maximum, the limit for large p.",
                        float(w.mean()): "That is the mean; lp_pool does not divide by the window size."},
        explanation=f"√({' + '.join(str(int(v * v)) for v in w.ravel() if v)}) = {float(lp_pool(w, 2, 2)[0, 0]):g}: "
                    f"the length of the window seen as a vector.")


@exercises.add("pyramid-length")
def _pyramid_length():
    c, levels = EX_PYRAMID
    return Exercise(
        f"Spatial pyramid pooling with levels {', '.join(map(str, levels))} on feature maps with {c} "
        f"channels: how many numbers per image reach the dense layer?",
        expected=spatial_pyramid(np.zeros((1, 7, 7, c)), levels).shape[1],
        hint="Level l pools each channel to an l×l grid.",
        misconceptions={c * sum(levels): "Level l is an l×l grid: l·l bins, not l."},
        explanation="The length depends only on the channels and the levels, never on the image size.")


@exercises.add("odd-power")
def _odd_power():
    return Choice(
        "<code>lp_pool</code> with p = 3 on a 2×2 window holding one negative cell. What comes out?",
        {"always NaN": "Not always: the cubes keep their signs and are added; only a negative total has no "
         "real answer in floating point. [[-1, 2], [0, 0]] gives (−1 + 8)^(1/3) = 7^(1/3).",
         "NaN exactly when the sum of the cubes is negative": "Right. The root (total)^(1/3) is computed as a "
         "fractional power, and a fractional power of a negative number is NaN (in numpy and PyTorch alike), "
         "although a real cube root exists (np.cbrt(-6.875) is about −1.90).",
         "the same as for |x|": "That is what even powers do: (−2)^2 = 2^2. An odd power keeps the sign."},
        answer="NaN exactly when the sum of the cubes is negative")


@exercises.add("why-any-size")
def _why_any_size():
    return Choice(
        "Why does a network that ends with global average pooling and a dense layer accept images of any "
        "size, while one that flattens its last feature maps into the dense layer does not?",
        {"the dense layer needs a fixed number of inputs, and GAP gives one number per channel whatever h and w":
         "Right. Flattening gives h·w·c numbers, which change with the image; GAP (and adaptive pooling to a "
         "fixed grid) gives c (or out·out·c) numbers for every size.",
         "global pooling resizes the image first": "Nothing is resized: the convolutions run on the image as "
         "it is, and only the pooling at the end makes the length fixed.",
         "convolutions only work on square images": "Convolutions slide over any height and width."},
        answer="the dense layer needs a fixed number of inputs, and GAP gives one number per channel whatever h and w")
