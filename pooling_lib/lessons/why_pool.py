"""Lesson 01, why networks pool: its data, its measurements and its exercises.

Three reasons, each measured here so the lesson prints its numbers:

* **Shift tolerance.** :func:`shift_changes` shifts a digit by a few pixels and
  measures how much a convolution's feature map, and that map max- or
  mean-pooled, change: ``||y(shifted) - y|| / ||y||``.
* **Receptive field.** :func:`receptive_fields` applies
  ``r_out = r_in + (k - 1) * j_in`` and ``j_out = j_in * s`` layer by layer;
  :func:`input_region` says which input cells one output cell sees.
* **Fewer numbers downstream.** :func:`downstream_cost` counts the values and
  the next convolution's multiply-adds with and without the pooling.
"""

import functools

import numpy as np

from .. import output_size, pool
from ..cnn import conv2d
from ..exercises import Choice, Exercise, ExerciseSet, Prediction

__all__ = [
    "EDGE_KERNEL",
    "digit",
    "shift_right",
    "feature_map",
    "relative_change",
    "shift_changes",
    "average_shift_changes",
    "receptive_fields",
    "input_region",
    "downstream_cost",
    "sensitive_inputs",
    "layer_sizes",
    "STACKS",
    "exercises",
    "exercise",
]

#: A Sobel filter: responds to vertical edges (dark to bright from right to left).
EDGE_KERNEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])

#: Empty pixels around the 8x8 digit, so a shift of up to 3 px keeps it whole.
PAD = 4

#: Largest shift the lesson and its explorer use.
MAX_SHIFT = 3


@functools.lru_cache(maxsize=1)
def _digit_images():
    from sklearn.datasets import load_digits  # ships with scikit-learn: no download

    images = load_digits().images / 16.0
    images.setflags(write=False)
    return images


def digit(index=0):
    """Digit ``index`` of scikit-learn's 8x8 digits, scaled to [0, 1], on a (16, 16) canvas.

    Parameters
    ----------
    index : int, optional
        Which of the 1797 images.

    Returns
    -------
    ndarray, shape (8 + 2 * PAD, 8 + 2 * PAD)

    Examples
    --------
    >>> digit(0).shape
    (16, 16)
    """
    images = _digit_images()
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool) or not 0 <= index < len(images):
        raise ValueError(f"index must be an integer in [0, {len(images)}), got {index!r}")
    return np.pad(images[int(index)], PAD)


def shift_right(image, shift):
    """``image`` moved ``shift`` pixels to the right, zeros coming in at the left.

    Examples
    --------
    >>> shift_right(np.array([[1.0, 2.0, 3.0]]), 1)
    array([[0., 1., 2.]])
    """
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D, got shape {image.shape}")
    if not isinstance(shift, (int, np.integer)) or isinstance(shift, bool) or not 0 <= shift < image.shape[1]:
        raise ValueError(f"shift must be an integer in [0, {image.shape[1]}), got {shift!r}")
    out = np.zeros_like(image)
    out[:, shift:] = image[:, :image.shape[1] - shift]
    return out


def feature_map(image, kernel=EDGE_KERNEL):
    """ReLU of the valid convolution (cross-correlation) of ``image`` with ``kernel``.

    Examples
    --------
    >>> feature_map(digit(0)).shape
    (14, 14)
    """
    kernel = np.asarray(kernel, dtype=float)
    maps = conv2d(np.asarray(image, dtype=float)[None, :, :, None], kernel[:, :, None, None], np.zeros(1))
    return np.maximum(maps[0, :, :, 0], 0.0)


def relative_change(new, old):
    """``||new - old|| / ||old||`` (Frobenius norms): 0 means unchanged, 1 a change as large as ``old``.

    Examples
    --------
    >>> relative_change(np.array([3.0, 4.0]), np.array([3.0, 0.0]))
    1.3333333333333333
    """
    old = np.asarray(old, dtype=float)
    norm = np.linalg.norm(old)
    if norm == 0:
        raise ValueError("old must not be all zeros (its norm divides the change)")
    return float(np.linalg.norm(np.asarray(new, dtype=float) - old) / norm)


def shift_changes(image, shift, f=2):
    """How much the feature map and its max- and mean-pooled versions change when ``image`` shifts.

    Parameters
    ----------
    image : ndarray, shape (h, w)
    shift : int
        Pixels to the right.
    f : int, optional
        Pooling window and stride (non-overlapping windows, as in most CNNs).

    Returns
    -------
    dict
        ``"maps"``: {name: (unshifted, shifted)} for ``"conv"``, ``"max"``,
        ``"mean"``; ``"change"``: {name: relative change}.

    Examples
    --------
    >>> r = shift_changes(digit(0), 0)
    >>> r["change"]
    {'conv': 0.0, 'max': 0.0, 'mean': 0.0}
    """
    before = feature_map(image)
    after = feature_map(shift_right(image, shift))
    maps = {
        "conv": (before, after),
        "max": (pool(before, f), pool(after, f)),
        "mean": (pool(before, f, method="mean"), pool(after, f, method="mean")),
    }
    return {"maps": maps, "change": {name: relative_change(new, old) for name, (old, new) in maps.items()}}


def average_shift_changes(shifts=range(MAX_SHIFT + 1), f=2, n_images=300):
    """Mean relative change of conv map, max- and mean-pooled over the first ``n_images`` digits.

    Returns
    -------
    dict of str to ndarray
        ``{"conv": ..., "max": ..., "mean": ...}``, one value per shift.

    Examples
    --------
    >>> table = average_shift_changes([0, 1], n_images=20)
    >>> bool(table["max"][1] < table["conv"][1])
    True
    """
    shifts = list(shifts)
    images = [digit(i) for i in range(n_images)]
    table = {name: np.zeros(len(shifts)) for name in ("conv", "max", "mean")}
    for k, shift in enumerate(shifts):
        for image in images:
            for name, value in shift_changes(image, shift, f)["change"].items():
                table[name][k] += value / n_images
    return table


# ------------------------------------------------------------------ receptive fields
#: Layer stacks the lesson and its explorer use: (kind, window, stride) per layer.
STACKS = {
    "conv 3, pool 2": [("conv", 3, 1), ("pool", 2, 2)],
    "(conv 3, pool 2) × 2": [("conv", 3, 1), ("pool", 2, 2)] * 2,
    "(conv 3, pool 2) × 3": [("conv", 3, 1), ("pool", 2, 2)] * 3,
    "conv 3 × 3 layers": [("conv", 3, 1)] * 3,
    "conv 3 × 6 layers": [("conv", 3, 1)] * 6,
}


def _check_layers(layers):
    layers = list(layers)
    for layer in layers:
        if (not isinstance(layer, tuple) or len(layer) != 3 or layer[0] not in ("conv", "pool")
                or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in layer[1:])):
            raise ValueError(f"each layer must be ('conv' or 'pool', window >= 1, stride >= 1), got {layer!r}")
    return layers


def receptive_fields(layers):
    """Receptive field ``r`` and jump ``j`` after each layer (no padding, no dilation).

    ``r`` is how many input cells one cell of the layer sees (per axis), ``j``
    how many input cells apart two neighbouring cells of the layer are:
    ``r_out = r_in + (k - 1) * j_in``, ``j_out = j_in * s``, from ``r = j = 1``
    at the input.

    Returns
    -------
    list of dict
        One per layer: ``kind``, ``k``, ``s``, ``r``, ``j``.

    Examples
    --------
    >>> [(l["r"], l["j"]) for l in receptive_fields(STACKS["(conv 3, pool 2) × 2"])]
    [(3, 1), (4, 2), (8, 2), (10, 4)]
    """
    r, j = 1, 1
    rows = []
    for kind, k, s in _check_layers(layers):
        r, j = r + (k - 1) * j, j * s
        rows.append({"kind": kind, "k": int(k), "s": int(s), "r": r, "j": j})
    return rows


def layer_sizes(n, layers):
    """Cells per axis at the input and after each layer for an input of ``n`` cells.

    Examples
    --------
    >>> layer_sizes(16, STACKS["(conv 3, pool 2) × 2"])
    [16, 14, 7, 5, 2]
    """
    sizes = [n]
    for _, k, s in _check_layers(layers):
        if sizes[-1] < k:
            raise ValueError(f"a window of {k} does not fit in {sizes[-1]} cells (input n={n} too small)")
        sizes.append(output_size(sizes[-1], k, s))
    return sizes


def input_region(layers, index):
    """The cells of every layer that output cell ``index`` of the last layer depends on.

    Walks back layer by layer: cells ``a..b`` of a layer come from cells
    ``a*s .. b*s + k - 1`` of the layer before.

    Returns
    -------
    list of (int, int)
        Inclusive (first, last) cell, from the input (first entry) to the last layer.

    Examples
    --------
    >>> input_region(STACKS["(conv 3, pool 2) × 2"], 1)
    [(4, 13), (4, 11), (2, 5), (2, 3), (1, 1)]
    """
    layers = _check_layers(layers)
    if not isinstance(index, (int, np.integer)) or index < 0:
        raise ValueError(f"index must be an integer >= 0, got {index!r}")
    first = last = int(index)
    regions = [(first, last)]
    for _, k, s in reversed(layers):
        first, last = first * s, last * s + k - 1
        regions.append((first, last))
    return regions[::-1]


def sensitive_inputs(layers, index, n, seed=0):
    """Input cells whose change moves output cell ``index``, found by nudging each one (a check of the formula).

    Runs the stack along one axis for real: each ``conv`` a valid
    cross-correlation with random positive weights, each ``pool`` a mean
    pooling (``pool`` on a 1 x n array), so every cell of a window matters.

    Returns
    -------
    (int, int)
        First and last input cell that changes the output.

    Examples
    --------
    >>> sensitive_inputs(STACKS["(conv 3, pool 2) × 2"], 1, 16)
    (4, 13)
    """
    layers = _check_layers(layers)
    layer_sizes(n, layers)  # refuses a stack that does not fit
    rng = np.random.default_rng(seed)
    weights = [rng.uniform(0.5, 1.5, k) if kind == "conv" else None for kind, k, _ in layers]

    def run(x):
        for (kind, k, s), w in zip(layers, weights):
            if kind == "conv":
                x = np.correlate(x, w, mode="valid")[::s]
            else:
                x = pool(x[None, :], (1, k), (1, s), method="mean")[0]
        return x[index]

    base = rng.uniform(0, 1, n)
    moved = [q for q in range(n) if abs(run(base + np.eye(n)[q]) - run(base)) > 1e-12]
    return moved[0], moved[-1]


def downstream_cost(h, w, c, f, next_k, next_c):
    """Numbers and the next k x k convolution's multiply-adds, without and with an f x f pooling first.

    Returns
    -------
    dict
        ``values``, ``mults`` (each a pair: without, with pooling).

    Examples
    --------
    >>> downstream_cost(28, 28, 32, 2, 3, 64)["values"]
    (25088, 6272)
    """
    hp, wp = output_size(h, f), output_size(w, f)
    values = (h * w * c, hp * wp * c)
    mults = tuple(output_size(a, next_k, 1) * output_size(b, next_k, 1) * next_k * next_k * c * next_c
                  for a, b in ((h, w), (hp, wp)))
    return {"values": values, "mults": mults}


# ------------------------------------------------------------------ exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise 1: a stack of two 3x3 convolutions, a 2x2 pooling and a 3x3 convolution.
EX_STACK = [("conv", 3, 1), ("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1)]


@exercises.add("receptive-field")
def _receptive_field():
    right = receptive_fields(EX_STACK)[-1]["r"]
    no_jump = 1 + sum(k - 1 for _, k, _ in EX_STACK)  # forgets that the pooling doubles the jump
    return Exercise(
        "Two 3×3 convolutions, a 2×2 pooling with stride 2, then a 3×3 convolution. How many input cells "
        "(per axis) does one cell of the last layer see?",
        expected=right,
        misconceptions={no_jump: "after the pooling, neighbouring cells are 2 input cells apart (j = 2), so the "
                                 "last convolution's k − 1 = 2 extra cells count twice."},
        hint="go layer by layer: r_out = r_in + (k − 1)·j_in, j_out = j_in·s, starting from r = j = 1.",
        explanation="The pooling barely widens the field itself (+1), but it doubles the jump, so every later "
                    "layer widens it twice as fast.",
    )


@exercises.add("fewer-numbers")
def _fewer_numbers():
    values = downstream_cost(32, 32, 16, 2, 3, 16)["values"]
    return Exercise(
        "A 32×32×16 feature map is max-pooled with 2×2 windows, stride 2. How many times fewer numbers does "
        "the next layer receive?",
        expected=values[0] / values[1],
        misconceptions={2: "the pooling halves both the height and the width."},
        hint="count the numbers before (32·32·16) and after (16·16·16).",
        explanation=f"{values[0]:,} numbers before, {values[1]:,} after: the height and the width both halve, "
                    f"so {values[0] // values[1]} times fewer.",
    )


#: The digits the invariance explorer offers (the first of each class 0-9 in scikit-learn's order).
EXPLORER_DIGITS = tuple(range(10))


@exercises.add("shift-predict")
def _shift_predict():
    return Prediction(
        "Window <b>f</b> = 3 (stride 3). You shift the digit by 1, 2 and 3 px. Compared with the conv map, "
        "how much does the max-pooled map change?",
        {
            "less, at every shift": "Right (for every digit the explorer offers): a window's largest value "
                                    "stays its largest as long as it does not leave the window, so a pooled "
                                    "value changes only where a large value crosses a window border, while "
                                    "every value of the conv map moves with the input.",
            "the same: pooling only copies values of the conv map": "It copies them, but each output copies the "
                "largest value of a whole window, and that largest value often stays in its window.",
            "more: pooling makes the picture coarser": "Coarser is not more sensitive: a coarse cell covers "
                                                       "several pixels of shift.",
        },
        answer="less, at every shift",
        try_it="set <b>window f</b> to 3 and drag <b>shift</b> from 0 to 3 in the explorer above, with two "
               "or three digits; compare the percentages in the panel titles.",
    )


@exercises.add("why-not-convolution")
def _why_not_convolution():
    return Choice(
        "Average pooling with f×f windows is a convolution (one filter of f·f weights 1/(f·f), stride f). "
        "Is max pooling a convolution too?",
        {
            "yes, with one weight 1 at the largest cell": "A convolution uses the same weights at every "
                "position; which cell is largest changes from window to window, so no fixed filter picks it.",
            "yes, with all weights 1": "That filter gives the window's sum (f·f times the mean), not its max.",
            "no: the max is not a weighted sum": "Right: a convolution is linear (doubling one input cell "
                "changes the output by a fixed amount), and max is not: raising a cell that is not the largest "
                "changes nothing until it overtakes the winner.",
        },
        answer="no: the max is not a weighted sum",
    )


@exercises.add("why-pool-not-stride")
def _why_pool_not_stride():
    return Choice(
        "A convolution with stride 2 also halves the map. Why might a network still max-pool?",
        {
            "it is faster to train": "Both are cheap; speed is not the reason.",
            "it keeps the strongest response wherever it sits in the window": "Right: a strided convolution "
                "looks only at every second position and can miss a feature between them; max pooling keeps the "
                "largest response of each window, so a feature that moves by less than a window is still seen.",
            "it has more parameters to learn": "Max pooling has no parameters at all.",
        },
        answer="it keeps the strongest response wherever it sits in the window",
    )
