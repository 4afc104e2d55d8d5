"""Lesson 10: aliasing, and anti-aliased pooling (``blur_pool``).

A stride-2 layer keeps one value in two. When the input holds detail finer
than that coarser grid can hold, the detail does not simply disappear: it
comes back as a false pattern (*aliasing*), and which pattern depends on where
the signal sits relative to the windows. A 1-px shift of the input can then
change the pooled output completely. Zhang, "Making Convolutional Networks
Shift-Invariant Again" (ICML 2019), splits max pooling into a dense maximum
(stride 1) and a subsampling step, and puts a small binomial blur between the
two: :func:`pooling_lib.blur.blur_pool`.

This module holds the lesson's data and maths (the explorer
:class:`pooling_lib.explorers.aliasing.AliasingExplorer` only draws them):

* :func:`stripes`: a striped signal, moved right by a number of pixels;
* :func:`photo` and :func:`roof`: scikit-learn's sample photos (shipped with
  scikit-learn, nothing is downloaded) and the striped roof tiles of
  ``china.jpg``, moved right by a number of pixels;
* :func:`downsample`: the four ways of going to a coarser grid the lesson
  compares (``"subsample"``, ``"max"``, ``"mean"``, ``"blur"``);
* :func:`shift_outputs` and :func:`shift_change`: the downsampled outputs of
  an input moved by 0, 1, 2, ... px, and how much they change per 1-px step;
* the lesson's exercises (:data:`exercises`).
"""

from collections import namedtuple
from functools import lru_cache

import numpy as np

from .._checks import check_int
from ..blur import blur_pool
from ..core import pool
from ..exercises import Choice, Exercise, ExerciseSet, Prediction

__all__ = [
    "METHODS",
    "PHOTOS",
    "ROOF",
    "ROOF_VIEW",
    "ShiftChange",
    "downsample",
    "exercise",
    "exercises",
    "photo",
    "pooled_photo",
    "roof",
    "roof_view",
    "shift_change",
    "shift_outputs",
    "stripes",
]

#: The ways to a coarser grid the lesson compares, in the order it shows them.
METHODS = ("subsample", "max", "mean", "blur")

#: The photos scikit-learn ships (``sklearn.datasets.load_sample_image``).
PHOTOS = ("china.jpg", "flower.jpg")

#: The roof tiles of ``china.jpg``: ``(row, col, height, width)`` of the region
#: :func:`roof` cuts out. Its stripes are about 4 px apart: exactly the finest
#: pattern a stride-2 grid can still hold (two samples per stripe period).
ROOF = (262, 184, 20, 96)

#: The whole middle roof of ``china.jpg`` around :data:`ROOF`: ``(row, col, height, width)``.
ROOF_VIEW = (240, 160, 60, 140)

#: How far the lesson moves its inputs: 0 to 7 px.
MAX_SHIFT = 7


def _check_method(method):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


def _check_shift(shift, limit=None):
    shift = check_int(shift, "shift", 0)
    if limit is not None and shift > limit:
        raise ValueError(f"shift must be at most {limit}, got {shift}")
    return shift


# ---------------------------------------------------------------- data
def stripes(width=2, shift=0, length=16, rows=8):
    """Vertical stripes of 0s and 1s, ``width`` px each, moved right by ``shift`` px.

    Parameters
    ----------
    width : int, optional
        Width of each stripe (a period is ``2 * width`` px).
    shift : int, optional
        How many pixels the pattern moves to the right; new stripes come in
        from the left, as when a camera pans (no wrap-around, no border).
    length : int, optional
        Number of columns.
    rows : int, optional
        Number of (identical) rows: an image of vertical stripes, tall
        enough for every window and blur of the lesson (``blur_pool`` with
        7 taps needs at least 5 rows).

    Returns
    -------
    ndarray, shape (rows, length), float64
        Column ``j`` is 1 where ``(j - shift) // width`` is odd, else 0.

    Examples
    --------
    >>> stripes(2, length=8, rows=1)
    array([[0., 0., 1., 1., 0., 0., 1., 1.]])
    >>> stripes(2, shift=1, length=8, rows=1)
    array([[1., 0., 0., 1., 1., 0., 0., 1.]])
    >>> stripes(1, length=6).shape
    (8, 6)
    """
    width = check_int(width, "width", 1)
    shift = _check_shift(shift)
    length = check_int(length, "length", 1)
    rows = check_int(rows, "rows", 1)
    row = ((np.arange(length) - shift) // width) % 2
    return np.repeat(row[None, :].astype(np.float64), rows, axis=0)


@lru_cache(maxsize=len(PHOTOS) * 2)
def _load(name, grey):
    from sklearn.datasets import load_sample_image

    image = load_sample_image(name).astype(np.float64) / 255.0
    if grey:
        image = image.mean(axis=-1)
    image.flags.writeable = False
    return image


def photo(name="china.jpg", grey=False):
    """One of scikit-learn's sample photos as floats in [0, 1].

    Parameters
    ----------
    name : {'china.jpg', 'flower.jpg'}, optional
        The photo (both are 427 x 640 px).
    grey : bool, optional
        Average the three colour channels into one grey level.

    Returns
    -------
    ndarray, shape (427, 640, 3) or (427, 640), float64, read-only
        The same array on every call (cached): copy it before changing it.

    Notes
    -----
    The photos ship with scikit-learn: nothing is downloaded.

    Examples
    --------
    >>> photo().shape, photo("flower.jpg", grey=True).shape
    ((427, 640, 3), (427, 640))
    >>> bool(photo().min() >= 0 and photo().max() <= 1)
    True
    """
    if name not in PHOTOS:
        raise ValueError(f"name must be one of {PHOTOS}, got {name!r}")
    if not isinstance(grey, (bool, np.bool_)):
        raise TypeError(f"grey must be True or False, got {grey!r}")
    return _load(name, bool(grey))


def roof(shift=0):
    """The roof tiles of ``china.jpg`` (grey), moved right by ``shift`` px.

    Parameters
    ----------
    shift : int, optional
        0 to :data:`MAX_SHIFT`: the region :data:`ROOF`, cut ``shift`` px
        further left, so its content appears moved right, as when the camera
        pans; the photo itself supplies what comes in from the left.

    Returns
    -------
    ndarray, shape (20, 96), float64

    Examples
    --------
    >>> roof().shape
    (20, 96)
    >>> bool(np.array_equal(roof(3)[:, 3:], roof(0)[:, :-3]))   # the same tiles, 3 px to the right
    True
    """
    shift = _check_shift(shift, MAX_SHIFT)
    row, col, height, width = ROOF
    return photo("china.jpg", grey=True)[row:row + height, col - shift:col - shift + width]


def roof_view():
    """The whole middle roof of ``china.jpg`` (grey): the region :data:`ROOF_VIEW`.

    Examples
    --------
    >>> roof_view().shape
    (60, 140)
    """
    row, col, height, width = ROOF_VIEW
    return photo("china.jpg", grey=True)[row:row + height, col:col + width]


# ---------------------------------------------------------------- maths
def pooled_photo(name, f, method="max"):
    """A sample photo pooled with ``f`` x ``f`` windows, stride ``f``, per colour channel.

    Parameters
    ----------
    name : {'china.jpg', 'flower.jpg'}
    f : int
        Window and stride: the result is about ``f`` times smaller per axis.
    method : {'max', 'mean', 'subsample', 'blur'}, optional
        As in :func:`downsample`.

    Returns
    -------
    ndarray, shape (427 // f, 640 // f, 3) (``'blur'``/``'subsample'``: ceil), float64 in [0, 1]

    Examples
    --------
    >>> pooled_photo("china.jpg", 8).shape
    (53, 80, 3)
    >>> bool(pooled_photo("china.jpg", 4).mean() > pooled_photo("china.jpg", 4, "mean").mean())
    True
    """
    return downsample(photo(name), method, f)


def downsample(x, method, f=2, *, filter_size=4):
    """Go from ``x`` to a grid ``f`` times coarser, in one of the lesson's four ways.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
    method : {'subsample', 'max', 'mean', 'blur'}
        ``'subsample'``: keep every ``f``-th cell (``pool(x, 1, f)``);
        ``'max'``/``'mean'``: ``pool(x, f, method=...)``, windows that touch;
        ``'blur'``: ``blur_pool(x, f, f, filter_size=filter_size)`` (max with
        stride 1, binomial blur, then keep every ``f``-th cell).
    f : int, optional
        Window and stride.
    filter_size : int, optional
        Taps of the blur (``'blur'`` only); 1 means no blur, so ``'blur'``
        then equals ``'max'`` wherever the ``f``-th cells exist.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> x = stripes(2, length=8)                  # 8 identical rows
    >>> downsample(x, "subsample")[0], downsample(x, "max")[0]
    (array([0., 1., 0., 1.]), array([0., 1., 0., 1.]))
    >>> downsample(stripes(2, shift=1, length=8), "max")[0]
    array([1., 1., 1., 1.])
    >>> downsample(x, "blur")[0]                  # max, then the blur [1, 3, 3, 1] / 8
    array([0.625, 0.875, 0.625, 0.875])
    """
    _check_method(method)
    f = check_int(f, "f", 1)
    if method == "subsample":
        return pool(x, 1, f)
    if method == "blur":
        return blur_pool(x, f, f, filter_size=filter_size, method="max")
    return pool(x, f, method=method)


def shift_outputs(make, method, shifts=range(MAX_SHIFT + 1), f=2, *, filter_size=4):
    """The downsampled outputs of an input moved by each of ``shifts`` px.

    Parameters
    ----------
    make : callable
        ``make(shift)`` returns the input moved right by ``shift`` px
        (:func:`roof`, or ``lambda s: stripes(2, s)``).
    method, f, filter_size
        As in :func:`downsample`.
    shifts : iterable of int, optional
        The shifts, usually 0, 1, 2, ... in steps of 1.

    Returns
    -------
    ndarray, shape (len(shifts), *output shape)

    Examples
    --------
    >>> out = shift_outputs(lambda s: stripes(2, s, length=8), "max", range(3))
    >>> out[:, 0]
    array([[0., 1., 0., 1.],
           [1., 1., 1., 1.],
           [1., 0., 1., 0.]])
    """
    if not callable(make):
        raise TypeError(f"make must be a function of the shift, got {make!r}")
    shifts = [_check_shift(s) for s in shifts]
    if not shifts:
        raise ValueError("shifts must hold at least one shift, got none")
    return np.stack([downsample(make(s), method, f, filter_size=filter_size) for s in shifts])


#: :func:`shift_change`'s result: the largest and the mean change of an output cell per 1-px step.
ShiftChange = namedtuple("ShiftChange", ["largest", "mean"])


def shift_change(outputs, trim=1):
    """How much the output cells change from one 1-px shift of the input to the next.

    Parameters
    ----------
    outputs : ndarray, shape (n_shifts, h, w, ...)
        From :func:`shift_outputs` with shifts 0, 1, 2, ... (consecutive).
    trim : int, optional
        Output columns left out on each side: the blur pads the borders by
        reflection, and the lesson measures the pattern, not its edges.

    Returns
    -------
    ShiftChange
        ``largest``: the largest ``|out[s + 1] - out[s]|`` over all cells and
        steps; ``mean``: its mean over all cells and steps. For inputs in
        [0, 1] both are in [0, 1]. Zero would mean the output does not react
        to the shift at all.

    Notes
    -----
    Even a perfect anti-aliased layer changes a little under a 1-px shift:
    the content has moved by half an output cell. What aliasing adds are the
    jumps: a cell going from 0 to 1 and back while the stripes move by 1 px.

    Examples
    --------
    >>> out = shift_outputs(lambda s: stripes(2, s), "max", range(5))
    >>> shift_change(out)
    ShiftChange(largest=1.0, mean=0.5)
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim < 3 or len(outputs) < 2:
        raise ValueError(
            f"outputs must stack at least two outputs of shape (h, w, ...), got shape {outputs.shape}"
        )
    trim = check_int(trim, "trim", 0)
    if 2 * trim >= outputs.shape[2]:
        raise ValueError(f"trim must leave some of the {outputs.shape[2]} output columns, got {trim}")
    kept = outputs[:, :, trim:outputs.shape[2] - trim]
    steps = np.abs(np.diff(kept, axis=0))
    return ShiftChange(float(steps.max()), float(steps.mean()))


# ---------------------------------------------------------------- exercises
#: Data of the exercises: the stripes of exercise "shifted-max" (width, shift, length).
EX_SHIFTED_MAX = (2, 1, 8)
#: Exercise "one-px-stripes": stripes 1 px wide, max-pooled with f = 2, moved by 1 px.
EX_ONE_PX = (1, 1, 8)

exercises = ExerciseSet()
exercise = exercises


@exercises.add("shifted-max")
def _shifted_max():
    width, shift, length = EX_SHIFTED_MAX
    x = stripes(width, 0, length)[0].astype(int).tolist()
    unshifted = downsample(stripes(width, 0, length), "max")[0]
    expected = downsample(stripes(width, shift, length), "max")[0]
    two = downsample(stripes(width, 2, length), "max")[0]
    moved = stripes(width, shift, length)[0]
    return Exercise(
        f"The row <code>{x}</code> moves {shift} px to the right (a new 1 enters on the left: "
        f"<code>{moved.astype(int).tolist()}</code>). Max-pool the moved row with windows 2 cells wide and "
        "stride 2 (<code>pool(x, (1, 2))</code>). Type the pooled row as a list.",
        expected=expected,
        misconceptions=[
            (unshifted, "that is the output before the shift: the windows stay where they are while the "
                        "stripes move under them."),
            (two, "that is the output after a 2-px shift (one whole output cell). Pair the moved row's cells "
                  "two by two from the left."),
        ],
        hint="pair the moved row's cells two by two from the left and keep the larger of each pair.",
        explanation="every window now holds a 0 and a 1, so every output is 1: the pattern vanished "
                    "although only the position changed.",
    )


@exercises.add("one-px-stripes")
def _one_px_stripes():
    width, shift, length = EX_ONE_PX
    before = downsample(stripes(width, 0, length), "max")[0]
    after = downsample(stripes(width, shift, length), "max")[0]
    flips = "it flips between all 0s and all 1s"
    stays = "it stays all 1s"
    half = "it becomes 0.5 everywhere"
    if np.array_equal(before, after) and np.all(after == 1):
        answer = stays
    elif np.array_equal(before, 1 - after):
        answer = flips
    else:
        answer = half
    return Choice(
        "Stripes only <b>1 px</b> wide, <code>[0, 1, 0, 1, ...]</code>, are max-pooled with windows 2 px wide "
        "and stride 2. What happens to the output when the stripes move by 1 px?",
        {
            flips: "That is what keeping every second cell does (<code>subsample</code>): it lands on all the 0s, "
                   "then, 1 px later, on all the 1s. A window of 2 px always holds one of each.",
            stays: "Right: every 2-px window holds a 0 and a 1, whatever the shift, so the maximum is always 1. "
                   "The finest stripes are safe here; the 2-px stripes of the lesson are not, because a "
                   "2-px window can fall on two 0s.",
            half: "That would be mean pooling (the mean of a 0 and a 1). The maximum of a 0 and a 1 is 1.",
        },
        answer=answer,
    )


@exercises.add("filter-size-one")
def _filter_size_one():
    x = roof(1)
    same = bool(np.array_equal(downsample(x, "blur", filter_size=1), downsample(x, "max")))
    identical = "exactly the max-pooled output"
    smoother = "a smoother output than max pooling"
    darker = "a darker output than max pooling"
    return Prediction(
        "Predict: with <b>blur</b> and <b>filter_size 1</b>, the roof at shift 1 gives ...",
        {
            identical: "Right: a 1-tap binomial filter is [1], no blur at all. What is left is a maximum over "
                       "2×2 windows at stride 1, of which every second row and column is kept: exactly the "
                       "windows of max pooling with stride 2.",
            smoother: "The smoothing comes from the binomial filter; with one tap it is [1] and changes nothing.",
            darker: "Nothing is averaged with one tap: every output is still a window's maximum.",
        },
        answer=identical if same else smoother,
        try_it="choose <b>photo</b>, set <b>shift</b> to 1, switch between <b>max</b> and <b>blur</b> with "
               "<b>filter_size</b> at 1, and compare the outputs.",
    )


@exercises.add("why-blur")
def _why_blur():
    change = {m: shift_change(shift_outputs(lambda s: stripes(2, s), m, range(5))).largest
              for m in ("max", "blur")}
    exact = change["blur"] == 0
    right = "it removes detail the coarser grid cannot hold"
    return Choice(
        "Why does blurring <i>between</i> the maximum and the subsampling make the output change less "
        "under small shifts?",
        {
            right: "Right: a grid with one sample every 2 px cannot hold a pattern that repeats every 4 px "
                   "or faster. Sampled twice per period (or less), such stripes show full contrast, or none, "
                   "or a false coarse pattern, depending only on where the samples fall. The blur removes "
                   "that detail first, so what is left moves smoothly with the input. "
                   + ("" if exact else "It reduces the change, it does not remove it: the largest change of "
                      f"a cell on the 2-px stripes is {change['blur']:g} with blur against "
                      f"{change['max']:g} with max."),
            "the blur has weights that learn to be shift-invariant":
                "The binomial filter is fixed ([1, 3, 3, 1] / 8 for 4 taps); blur_pool adds no parameter.",
            "it makes the output exactly shift-invariant":
                "No: the output still changes a little (the content moves by half an output cell per 1-px "
                f"shift). On the 2-px stripes the largest change of a cell is {change['blur']:g}, "
                f"not 0 (max pooling: {change['max']:g}).",
            "the blur makes every maximum larger":
                "A normalised blur averages; it can only lower a maximum, never raise it.",
        },
        answer=right,
    )
