"""Lesson 08, pooling in a CNN: its data, its measurements and its exercises.

* :func:`gradient_check` compares a :class:`~pooling_lib.cnn.TinyCNN`'s
  backward pass with finite differences, for any downsampling and head.
* :data:`METHODS`, :data:`SEEDS`, :data:`EPOCHS`: what the lesson's
  comparison (:func:`pooling_lib.cnn.compare_downsampling`) trains.
* :func:`parameter_table`: the weights of every option, layer by layer.
* :func:`resnet18_layers`: where ResNet-18 downsamples, with the sizes
  computed by :func:`pooling_lib.output_size` for a 224x224 image.
* ``exercises``: the lesson's exercises, answers computed here.
"""

import numpy as np

from .. import output_size
from ..cnn import TinyCNN
from ..exercises import Choice, Exercise, ExerciseSet
from ..gradcheck import numerical_gradient

__all__ = [
    "METHODS",
    "SEEDS",
    "EPOCHS",
    "BATCH_SIZE",
    "LR",
    "gradient_check",
    "parameter_table",
    "resnet18_layers",
    "exercises",
    "exercise",
]

#: The options the lesson compares: four downsampling steps with the dense head, and max with a GAP head.
METHODS = ("max", "mean", "blur", "conv", ("max", "gap"))
#: One training run per seed and method.
SEEDS = (0, 1, 2, 3, 4)
#: Epochs per run of the comparison.
EPOCHS = 10
#: Minibatch size and Adam learning rate of the comparison: 64 images per step halves the steps of the
#: default 32 (the 25 runs must fit in a class and in CI on a 2-core machine), with a doubled rate.
BATCH_SIZE = 64
LR = 0.02


def gradient_check(downsample="max", head="dense", *, n_filters=3, m=4, seed=1):
    """Largest relative error between ``TinyCNN.loss``'s gradients and central differences.

    Parameters
    ----------
    downsample, head : str
        The :class:`~pooling_lib.cnn.TinyCNN` options.
    n_filters : int, optional
        Filters of the (small) network checked.
    m : int, optional
        Random images (standard normal floats: no ties, no ReLU input at 0).
    seed : int, optional
        Seed of the images, labels, weights and (non-zero) biases.

    Returns
    -------
    worst : float
        ``max over parameters of ||numeric - exact|| / (||numeric|| + ||exact||)``.
    n_weights : int
        Number of weights checked (every one of the network's).

    Examples
    --------
    >>> worst, n = gradient_check("conv", "gap")
    >>> worst < 1e-6, n
    (True, 109)
    """
    rng = np.random.default_rng(seed)
    model = TinyCNN(downsample, n_filters=n_filters, head=head, seed=seed)
    for name, p in model.params.items():
        if name.endswith("_b"):
            p[...] = rng.normal(scale=0.1, size=p.shape)
    x = rng.normal(size=(m, *model.input_shape))
    y = rng.integers(0, model.n_classes, m)
    _, grads = model.loss(x, y)
    worst = 0.0
    for name, p in model.params.items():
        def loss_at(value, name=name):
            keep = model.params[name]
            model.params[name] = value
            try:
                return np.array(model.loss(x, y)[0])
            finally:
                model.params[name] = keep
        numeric = numerical_gradient(loss_at, p.copy())
        exact = grads[name]
        worst = max(worst, float(np.linalg.norm(numeric - exact)
                                 / (np.linalg.norm(numeric) + np.linalg.norm(exact))))
    return worst, model.n_params


def parameter_table(n_filters=8):
    """Weights of each option of :data:`METHODS`, layer by layer, as printable lines.

    Examples
    --------
    >>> print(parameter_table()[1])
    max   dense  conv 80  downsampling 0  head 730  total 810
    """
    lines = []
    for method in METHODS:
        down, head = (method, "dense") if isinstance(method, str) else method
        model = TinyCNN(down, n_filters=n_filters, head=head)
        p = {k: v.size for k, v in model.params.items()}
        lines.append(f"{down:5} {head:5}  conv {p['conv_w'] + p['conv_b']}  "
                     f"downsampling {p.get('down_w', 0) + p.get('down_b', 0)}  "
                     f"head {p['dense_w'] + p['dense_b']}  total {model.n_params}")
    return ["options                 weights per layer"] + lines


def resnet18_layers(size=224):
    """ResNet-18's downsampling steps and the map size after each, for a ``size`` x ``size`` image.

    Every size is computed with :func:`pooling_lib.output_size` from the
    layer's kernel, stride and padding (He et al. 2016, Table 1; the
    stride-2 3x3 convolutions open stages 3 to 5).

    Returns
    -------
    list of (str, str, str)
        ``(layer, what it does, output shape h x w x channels)``.

    Examples
    --------
    >>> for row in resnet18_layers()[:2]:
    ...     print(row)
    ('conv1', '7x7 convolution, stride 2, padding 3', '112x112x64')
    ('pool1', '3x3 max pooling, stride 2, padding 1', '56x56x64')
    """
    rows = []
    n = output_size(size, 7, 2, padding=3)
    rows.append(("conv1", "7x7 convolution, stride 2, padding 3", f"{n}x{n}x64"))
    n = output_size(n, 3, 2, padding=1)
    rows.append(("pool1", "3x3 max pooling, stride 2, padding 1", f"{n}x{n}x64"))
    rows.append(("stage 2", "3x3 convolutions, stride 1", f"{n}x{n}x64"))
    for stage, channels in ((3, 128), (4, 256), (5, 512)):
        n = output_size(n, 3, 2, padding=1)
        rows.append((f"stage {stage}", "first 3x3 convolution with stride 2 (no pooling)",
                     f"{n}x{n}x{channels}"))
    rows.append(("head", f"global average pooling over the {n}x{n} map", "512"))
    rows.append(("fc", "dense layer to the 1000 classes", "1000"))
    return rows


# ---------------------------------------------------------------- exercises
exercises = ExerciseSet()
exercise = exercises

#: Exercise "after-pooling": image side, convolution kernel, pooling window.
EX_AFTER_POOLING = (10, 3, 2)
#: Exercise "gap-weights": filters of the network.
EX_GAP_FILTERS = 4


@exercises.add("after-pooling")
def _after_pooling():
    n, k, f = EX_AFTER_POOLING
    side = output_size(output_size(n, k, stride=1), f)
    return Exercise(
        f"A network applies a {k}×{k} convolution without padding to a {n}×{n} image, then max pooling "
        f"with {f}×{f} windows and stride {f}. How many numbers per filter reach the dense layer?",
        expected=side ** 2,
        hint="First the size of the feature map (lesson 02's formula with stride 1), then the pooling.",
        misconceptions={output_size(n, f) ** 2: f"That is the {n}×{n} image pooled directly: the "
                        f"convolution without padding first shrinks it to {n - k + 1}×{n - k + 1}.",
                        side: "That is one side of the pooled map; the dense layer reads all its cells."},
        explanation=f"{n}×{n} → {n - k + 1}×{n - k + 1} after the convolution → {side}×{side} after the pooling.")


@exercises.add("gap-weights")
def _gap_weights():
    f = EX_GAP_FILTERS
    dense = TinyCNN("max", n_filters=f).n_params
    return Exercise(
        f"How many weights (filters, biases, dense weights and biases) does "
        f"<code>TinyCNN('max', n_filters={f}, head='gap')</code> have?",
        expected=TinyCNN("max", n_filters=f, head="gap").n_params,
        hint=f"3·3·1 weights per filter plus a bias; after global average pooling the dense layer sees "
             f"{f} numbers and has 10 outputs.",
        misconceptions={dense: "That is the dense head, which reads all 3·3 cells of every map; the GAP head "
                        "reads one average per map."},
        explanation="The GAP head's dense layer no longer depends on the map size: one weight per "
                    "channel and class.")


@exercises.add("max-is-not-a-convolution")
def _max_not_conv():
    return Choice(
        "A learned 2×2 convolution with stride 2 replaced the pooling in one of the networks. "
        "Can such a convolution learn to do exactly what 2×2 max pooling does?",
        {"yes, with the right weights": "A convolution computes a weighted sum of its window, and its "
         "weights are the same for every input. The maximum picks a different cell for different inputs: "
         "no fixed weights do that.",
         "no: it can learn average pooling, but not max pooling": "Right. Weights of 1/4 on each channel "
         "give average pooling (a convolution), but the maximum is not a weighted sum: it is not linear, "
         "max(a + b) is not max(a) + max(b).",
         "no: a convolution cannot have stride 2": "Strided convolutions exist (this network has one, and "
         "so does ResNet); the obstacle is that max is not linear."},
        answer="no: it can learn average pooling, but not max pooling")


@exercises.add("why-gap-lost")
def _why_gap_lost():
    return Choice(
        "In the comparison, the network with the global-average-pooling head has by far the fewest weights "
        "and the lowest test accuracy. Why does averaging hurt this tiny network, when ResNet ends with the "
        "same averaging?",
        {"the average of a map has no gradient": "It has one: each cell of the map receives 1/(h·w) of the "
         "feature's gradient (unpool_avg with a window as large as the map).",
         "with 8 channels, 8 averages cannot say where the strokes are": "Right. The average forgets where "
         "in the map a filter fired; the dense head still knows. ResNet averages 512 channels, each the "
         "output of many layers that already encode the shapes, so little is lost.",
         "GAP needs larger images": "It accepts any size, and a 3×3 map is enough to average; what is "
         "missing is channels that describe the digit without needing its layout."},
        answer="with 8 channels, 8 averages cannot say where the strokes are")


@exercises.add("why-blur")
def _why_blur():
    return Choice(
        "Why can a 1-pixel shift of the image change what max pooling with stride 2 outputs, even though "
        "each window's maximum is the same number wherever it sits inside the window?",
        {"because the windows are fixed on the grid: a shift moves a feature across a window border":
         "Right. With stride 2 the windows tile the map at even positions; a feature that moves from "
         "column 1 to column 2 lands in the next window, and the pooled map changes. Blurring before "
         "keeping every second cell (blur pooling) spreads the feature over both, so the change is smaller.",
         "because max pooling is random": "It is deterministic: the same input always gives the same output.",
         "because the shift changes the values of the pixels": "A shift moves the values without changing "
         "them (apart from the zeros shifted in at the border)."},
        answer="because the windows are fixed on the grid: a shift moves a feature across a window border")
