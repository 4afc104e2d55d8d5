"""A tiny convolutional network in numpy, with its downsampling from :mod:`pooling_lib`.

The network is the smallest one that still shows what pooling does inside a
CNN::

    x (m, 8, 8, 1)
    -> conv 3x3, valid, F filters    (m, 6, 6, F)
    -> ReLU                          (m, 6, 6, F)
    -> downsample 2x2, stride 2      (m, 3, 3, F)   max / mean / blur pooling,
                                                    or a learned strided conv + ReLU
    -> head                          (m, 10)        dense on all 3*3*F numbers,
                                                    or global average pooling + dense F -> 10
    -> softmax cross-entropy

The backward pass of the pooling layer is :func:`pooling_lib.unpool_max`
(with the indices that ``pool(..., return_indices=True)`` returned),
:func:`pooling_lib.unpool_avg`, or :func:`pooling_lib.blur.blur_pool_backward`:
the lesson's point is that these *are* the gradients a network trains with.
The global-average-pooling head is :func:`pooling_lib.adaptive.global_pool`
forward and ``unpool_avg`` with a window as large as the map backward.

Everything is float64 and plain numpy; the convolutions read their patches
through :func:`pooling_lib.windows` (a strided view, no copy) and multiply
them with ``np.tensordot``.

:func:`load_digits_split` gives scikit-learn's 8x8 digits (they ship with
scikit-learn, nothing is downloaded), :func:`train` fits a model with
minibatch Adam or SGD with momentum, :func:`evaluate` measures accuracy,
:func:`shift_consistency` measures how often a prediction survives a 1-px
shift of the image, and :func:`compare_downsampling` trains every
downsampling option over several seeds and tabulates all three.
"""

import numbers
import statistics
import time
from collections import namedtuple

import numpy as np

from ._checks import check_flag, check_int
from .adaptive import global_pool
from .core import output_size, pool, unpool_avg, unpool_max, windows

__all__ = [
    "DOWNSAMPLING",
    "HEADS",
    "Comparison",
    "Digits",
    "MethodSummary",
    "Run",
    "TinyCNN",
    "compare_downsampling",
    "conv2d",
    "conv2d_backward",
    "evaluate",
    "load_digits_split",
    "shift_consistency",
    "shift_images",
    "softmax",
    "softmax_cross_entropy",
    "train",
]

#: The four arrays :func:`load_digits_split` returns.
Digits = namedtuple("Digits", ["x_train", "y_train", "x_test", "y_test"])

#: Downsampling options of :class:`TinyCNN`, in the order the lessons show them.
DOWNSAMPLING = ("max", "mean", "blur", "conv")
#: Heads of :class:`TinyCNN`.
HEADS = ("dense", "gap")


# ---------------------------------------------------------------- checks
def _check_real(value, name, positive=True):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


def _check_images(x, shape, name="x"):
    """Return ``x`` as a float64 batch ``(m, *shape)``."""
    x = np.asarray(x)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{name} must have an integer or floating-point dtype, got dtype {x.dtype}")
    if x.ndim != 4:
        raise ValueError(
            f"{name} must be a batch of shape (m, h, w, c) = (m, {', '.join(map(str, shape))}), "
            f"got {x.ndim} dimensions with shape {x.shape}"
        )
    if x.shape[1:] != tuple(shape):
        raise ValueError(f"{name} must have images of shape {tuple(shape)}, got shape {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one image, got shape {x.shape}")
    return x.astype(np.float64, copy=False)


def _check_labels(y, m, n_classes, name="y"):
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {y.dtype}")
    if y.shape != (m,):
        raise ValueError(f"{name} must have shape ({m},), one label per image, got shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        bad = y.min() if y.min() < 0 else y.max()
        raise ValueError(f"{name} must hold labels in [0, {n_classes}), got {bad}")
    return y.astype(np.int64, copy=False)


# ---------------------------------------------------------------- layers
def conv2d(x, w, b, stride=1):
    """Valid 2-D convolution (cross-correlation, as in every CNN library).

    Parameters
    ----------
    x : ndarray, shape (m, h, w, cin)
        Batch of images.
    w : ndarray, shape (kh, kw, cin, cout)
        Filters.
    b : ndarray, shape (cout,)
        Biases.
    stride : int, optional
        Step between patch starts along both axes.

    Returns
    -------
    ndarray, shape (m, ho, wo, cout)
        ``out[n, i, j, k] = sum(x[n, i*s:i*s+kh, j*s:j*s+kw, :] * w[..., k]) + b[k]``,
        with ``ho = output_size(h, kh, stride)`` (and ``wo`` likewise).

    Notes
    -----
    The patches are read through :func:`pooling_lib.windows` (the same
    strided view pooling uses) and contracted with ``w`` by
    ``np.tensordot``. A convolution with stride 2 is the learned
    alternative to 2x2 pooling.

    Examples
    --------
    >>> x = np.arange(16.).reshape(1, 4, 4, 1)
    >>> w = np.zeros((3, 3, 1, 1)); w[1, 1] = 1       # picks each patch's centre
    >>> conv2d(x, w, np.zeros(1))[0, :, :, 0]
    array([[ 5.,  6.],
           [ 9., 10.]])
    >>> conv2d(x, np.ones((2, 2, 1, 1)), np.zeros(1), stride=2)[0, :, :, 0]   # 2x2 sums
    array([[10., 18.],
           [42., 50.]])
    """
    kh, kw = w.shape[:2]
    patches = windows(x, (kh, kw), stride=stride)   # (m, ho, wo, kh, kw, cin)
    return np.tensordot(patches, w, axes=([3, 4, 5], [0, 1, 2])) + b


def conv2d_backward(x, w, grad_out, need_x=True, stride=1):
    """Gradients of :func:`conv2d` with respect to ``w``, ``b`` and ``x``.

    Parameters
    ----------
    x : ndarray, shape (m, h, w, cin)
        The input the forward pass saw.
    w : ndarray, shape (kh, kw, cin, cout)
        The filters.
    grad_out : ndarray, shape (m, ho, wo, cout)
        Gradient with respect to the convolution's output.
    need_x : bool, optional
        Also compute the gradient with respect to ``x`` (training the first
        layer does not need it).
    stride : int, optional
        The stride the forward pass used.

    Returns
    -------
    grad_w : ndarray, shape (kh, kw, cin, cout)
    grad_b : ndarray, shape (cout,)
    grad_x : ndarray, shape (m, h, w, cin), or None if ``need_x`` is False
        Each output position sends ``grad_out @ w.T`` back to the patch it
        read; overlapping patches add up, cells no patch read get 0.

    Examples
    --------
    >>> x = np.arange(16.).reshape(1, 4, 4, 1)
    >>> w = np.ones((3, 3, 1, 1))
    >>> gw, gb, gx = conv2d_backward(x, w, np.ones((1, 2, 2, 1)))
    >>> gb
    array([4.])
    >>> gx[0, :, :, 0]
    array([[1., 2., 2., 1.],
           [2., 4., 4., 2.],
           [2., 4., 4., 2.],
           [1., 2., 2., 1.]])
    """
    kh, kw = w.shape[:2]
    patches = windows(x, (kh, kw), stride=stride)
    grad_w = np.tensordot(patches, grad_out, axes=([0, 1, 2], [0, 1, 2]))
    grad_b = grad_out.sum(axis=(0, 1, 2))
    if not need_x:
        return grad_w, grad_b, None
    _, ho, wo, _ = grad_out.shape
    rows, cols = stride * (ho - 1) + 1, stride * (wo - 1) + 1
    grad_x = np.zeros(x.shape, dtype=np.result_type(grad_out, w))
    for di in range(kh):
        for dj in range(kw):
            grad_x[:, di:di + rows:stride, dj:dj + cols:stride] += grad_out @ w[di, dj].T
    return grad_w, grad_b, grad_x


def softmax(logits):
    """Row-wise softmax, computed stably (the row maximum is subtracted first).

    Examples
    --------
    >>> softmax(np.array([[0., 0.], [0., np.log(3.)]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against labels, and its gradient.

    Parameters
    ----------
    logits : ndarray, shape (m, k)
    y : ndarray of int, shape (m,)

    Returns
    -------
    loss : float
        ``-mean(log softmax(logits)[n, y[n]])``.
    grad : ndarray, shape (m, k)
        ``(softmax(logits) - onehot(y)) / m``.

    Examples
    --------
    >>> loss, grad = softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    >>> round(loss, 4)                # log(4): four equally likely classes
    1.3863
    >>> grad
    array([[-0.375,  0.125,  0.125,  0.125],
           [ 0.125,  0.125,  0.125, -0.375]])
    """
    m = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(m)
    loss = -log_p[rows, y].mean()
    grad = np.exp(log_p)
    grad[rows, y] -= 1.0
    return float(loss), grad / m


# ---------------------------------------------------------------- model
def _blur():
    """The anti-aliased pooling functions (imported when a model uses them)."""
    from .blur import blur_pool, blur_pool_backward
    return blur_pool, blur_pool_backward


class TinyCNN:
    """conv 3x3 -> ReLU -> downsampling -> dense or global-average-pooling head -> softmax.

    Parameters
    ----------
    downsample : {'max', 'mean', 'blur', 'conv'}, optional
        The 2x2 (``pool_size``) downsampling step after the ReLU:
        ``'max'`` and ``'mean'`` are :func:`pooling_lib.pool`;
        ``'blur'`` is :func:`pooling_lib.blur.blur_pool` (max pooling with
        stride 1, then a binomial blur of ``blur_filter`` taps subsampled
        with the stride: Zhang 2019's anti-aliased max pooling);
        ``'conv'`` is a learned ``pool_size`` x ``pool_size`` convolution
        with stride ``pool_stride`` from ``n_filters`` to ``n_filters``
        channels, followed by a ReLU (the "all-convolutional" choice).
    n_filters : int, optional
        Number of convolution filters (channels of the feature map).
    kernel : int, optional
        Side of the square convolution filters (valid convolution).
    pool_size : int, optional
        Side of the downsampling window.
    pool_stride : int or None, optional
        Downsampling stride; ``None`` means ``pool_size`` (windows that touch).
    head : {'dense', 'gap'}, optional
        ``'dense'``: a dense layer on all numbers of the downsampled maps.
        ``'gap'``: global average pooling of each map to one number
        (:func:`pooling_lib.adaptive.global_pool`), then a dense layer from
        ``n_filters`` numbers to the classes (the head of ResNet and most
        modern CNNs; equal to a 1x1 convolution followed by the averaging).
    blur_filter : int, optional
        Taps of the binomial filter of ``'blur'`` (1 to 7; 4 is [1 3 3 1]/8).
    input_shape : (int, int, int), optional
        ``(h, w, c)`` of one image.
    n_classes : int, optional
        Number of classes.
    seed : int, optional
        Seed of the weight initialisation (He normal for the filters,
        Glorot-style for the dense layer, zero biases).

    Attributes
    ----------
    downsample, head : str
        The options chosen. ``pooling`` is the same string as ``downsample``
        (the name the CNN explorer reads).
    params : dict of str to ndarray
        ``conv_w`` (kernel, kernel, c, n_filters), ``conv_b`` (n_filters,),
        for ``'conv'`` also ``down_w`` (pool_size, pool_size, n_filters,
        n_filters) and ``down_b`` (n_filters,), then ``dense_w``
        (features, n_classes) and ``dense_b`` (n_classes,).
    conv_shape, pooled_shape : tuple of int
        ``(h, w, n_filters)`` after the convolution and after downsampling,
        both from :func:`pooling_lib.output_size`.

    Notes
    -----
    :meth:`forward` keeps what :meth:`backward` needs in a cache: the
    input, the convolution output, the ReLU map and, for max pooling, the
    indices of the maxima, so the pooling's backward pass is one
    :func:`pooling_lib.unpool_max` call (one :func:`pooling_lib.unpool_avg`
    call for mean pooling, one ``blur_pool_backward`` call for blur).

    Examples
    --------
    >>> model = TinyCNN("max", n_filters=4, input_shape=(8, 8, 1), seed=0)
    >>> model.conv_shape, model.pooled_shape
    ((6, 6, 4), (3, 3, 4))
    >>> model.n_params
    410
    >>> TinyCNN("conv", n_filters=4).n_params        # + 2*2*4*4 + 4 weights
    478
    >>> TinyCNN("max", n_filters=4, head="gap").n_params   # 4 features reach the dense layer
    90
    >>> logits, cache = model.forward(np.zeros((5, 8, 8, 1)))
    >>> logits.shape
    (5, 10)
    """

    def __init__(self, downsample="max", n_filters=8, kernel=3, pool_size=2, pool_stride=None, *,
                 head="dense", blur_filter=4, input_shape=(8, 8, 1), n_classes=10, seed=0):
        if downsample not in DOWNSAMPLING:
            raise ValueError(f"downsample must be one of {DOWNSAMPLING}, got {downsample!r}")
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}")
        n_filters = check_int(n_filters, "n_filters", 1)
        kernel = check_int(kernel, "kernel", 1)
        pool_size = check_int(pool_size, "pool_size", 1)
        pool_stride = pool_size if pool_stride is None else check_int(pool_stride, "pool_stride", 1)
        blur_filter = check_int(blur_filter, "blur_filter", 1)
        if blur_filter > 7:
            raise ValueError(f"blur_filter must be at most 7, got {blur_filter}")
        n_classes = check_int(n_classes, "n_classes", 2)
        seed = check_int(seed, "seed", 0)
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
            raise TypeError(f"input_shape must be a tuple (h, w, c), got {input_shape!r}")
        input_shape = tuple(check_int(n, "input_shape", 1) for n in input_shape)
        h, w, c = input_shape
        if kernel > min(h, w):
            raise ValueError(f"kernel must fit in the image {(h, w)}, got {kernel}")
        ch, cw = output_size(h, kernel, 1), output_size(w, kernel, 1)
        if pool_size > min(ch, cw):
            raise ValueError(
                f"pool_size must fit in the convolution's output {(ch, cw)}, got {pool_size}"
            )
        if downsample == "blur":
            # blur_pool: pool with stride 1, blur (same length), keep every stride-th cell
            ph, pw = (output_size(output_size(n, pool_size, 1), 1, pool_stride) for n in (ch, cw))
        else:
            ph, pw = output_size(ch, pool_size, pool_stride), output_size(cw, pool_size, pool_stride)

        self.downsample = downsample
        self.head = head
        self.kernel = kernel
        self.pool_size = pool_size
        self.pool_stride = pool_stride
        self.blur_filter = blur_filter
        self.input_shape = input_shape
        self.n_classes = n_classes
        self.conv_shape = (ch, cw, n_filters)
        self.pooled_shape = (ph, pw, n_filters)
        features = n_filters if head == "gap" else ph * pw * n_filters
        rng = np.random.default_rng(seed)
        params = {
            "conv_w": rng.normal(0.0, np.sqrt(2.0 / (kernel * kernel * c)),
                                 (kernel, kernel, c, n_filters)),
            "conv_b": np.zeros(n_filters),
        }
        dense_w = rng.normal(0.0, np.sqrt(2.0 / (features + n_classes)), (features, n_classes))
        if downsample == "conv":
            params["down_w"] = rng.normal(0.0, np.sqrt(2.0 / (pool_size * pool_size * n_filters)),
                                          (pool_size, pool_size, n_filters, n_filters))
            params["down_b"] = np.zeros(n_filters)
        params["dense_w"] = dense_w
        params["dense_b"] = np.zeros(n_classes)
        self.params = params

    def __repr__(self):
        return (f"TinyCNN(downsample={self.downsample!r}, n_filters={self.conv_shape[2]}, "
                f"kernel={self.kernel}, pool_size={self.pool_size}, pool_stride={self.pool_stride}, "
                f"head={self.head!r}, input_shape={self.input_shape}, n_classes={self.n_classes})")

    @property
    def pooling(self):
        """The downsampling option (same as ``downsample``)."""
        return self.downsample

    @property
    def n_params(self):
        """Number of trainable numbers."""
        return int(sum(p.size for p in self.params.values()))

    # ------------------------------------------------------------ passes
    def forward(self, x):
        """Logits for a batch, and the cache :meth:`backward` needs.

        Parameters
        ----------
        x : array_like, shape (m, h, w, c)
            Images of shape ``input_shape``.

        Returns
        -------
        logits : ndarray, shape (m, n_classes)
        cache : dict
            ``x``, ``conv`` (before ReLU), ``relu``, ``pooled`` (the
            downsampled maps), ``features`` (what the dense layer reads)
            and, for max pooling, ``indices`` (flat positions of each
            window's maximum in the ReLU map, from
            ``pool(..., return_indices=True)``); for ``'conv'`` also
            ``down`` (the strided convolution before its ReLU).
        """
        x = _check_images(x, self.input_shape)
        p = self.params
        f, s = self.pool_size, self.pool_stride
        conv = conv2d(x, p["conv_w"], p["conv_b"])
        relu = np.maximum(conv, 0.0)
        cache = {"x": x, "conv": conv, "relu": relu}
        if self.downsample == "max":
            pooled, cache["indices"] = pool(relu, f, s, return_indices=True)
        elif self.downsample == "mean":
            pooled = pool(relu, f, s, method="mean")
        elif self.downsample == "blur":
            blur_pool, _ = _blur()
            pooled = blur_pool(relu, f, s, filter_size=self.blur_filter, method="max")
        else:
            cache["down"] = conv2d(relu, p["down_w"], p["down_b"], stride=s)
            pooled = np.maximum(cache["down"], 0.0)
        cache["pooled"] = pooled
        if self.head == "gap":
            features = global_pool(pooled, "mean")
        else:
            features = pooled.reshape(len(x), -1)
        cache["features"] = features
        return features @ p["dense_w"] + p["dense_b"], cache

    def backward_pooled(self, cache, grad_pooled, need_x=True):
        """Backpropagate a gradient on the downsampled map to the conv layer and the input.

        Parameters
        ----------
        cache : dict
            From :meth:`forward`.
        grad_pooled : ndarray, shape (m, *pooled_shape)
            Gradient with respect to the downsampling step's output.
        need_x : bool, optional
            Also return the gradient with respect to the input images.

        Returns
        -------
        dict
            ``relu`` (gradient reaching the ReLU map: :func:`pooling_lib.unpool_max`,
            :func:`pooling_lib.unpool_avg` or ``blur_pool_backward`` of
            ``grad_pooled``, or the strided convolution's input gradient),
            ``conv``, ``conv_w``, ``conv_b``, for ``'conv'`` also
            ``down_w`` and ``down_b``, and (if ``need_x``) ``x``.
        """
        relu = cache["relu"]
        f, s = self.pool_size, self.pool_stride
        grads = {}
        if self.downsample == "max":
            grad_relu = unpool_max(grad_pooled, cache["indices"], relu.shape)
        elif self.downsample == "mean":
            grad_relu = unpool_avg(grad_pooled, relu.shape, f, s)
        elif self.downsample == "blur":
            _, blur_pool_backward = _blur()
            grad_relu = blur_pool_backward(grad_pooled, relu, f, s, filter_size=self.blur_filter,
                                           method="max")
        else:
            grad_down = grad_pooled * (cache["down"] > 0)
            grads["down_w"], grads["down_b"], grad_relu = conv2d_backward(
                relu, self.params["down_w"], grad_down, stride=s)
        grad_conv = grad_relu * (cache["conv"] > 0)
        gw, gb, gx = conv2d_backward(cache["x"], self.params["conv_w"], grad_conv, need_x=need_x)
        grads.update({"relu": grad_relu, "conv": grad_conv, "conv_w": gw, "conv_b": gb})
        if need_x:
            grads["x"] = gx
        return grads

    def backward(self, cache, grad_logits, need_x=False):
        """Gradients of every parameter, given the gradient on the logits.

        Parameters
        ----------
        cache : dict
            From :meth:`forward`.
        grad_logits : ndarray, shape (m, n_classes)
        need_x : bool, optional
            Also return the gradient with respect to the input (``'x'``).

        Returns
        -------
        dict of str to ndarray
            One entry per parameter (same keys and shapes as ``params``),
            plus ``'x'`` if ``need_x``.

        Notes
        -----
        The global-average-pooling head's backward pass is
        :func:`pooling_lib.unpool_avg` with one window as large as the map:
        every cell of a map receives ``1 / (h * w)`` of its feature's gradient.
        """
        pooled, features = cache["pooled"], cache["features"]
        grad_features = grad_logits @ self.params["dense_w"].T
        if self.head == "gap":
            grad_pooled = unpool_avg(grad_features[:, None, None, :], pooled.shape, pooled.shape[1:3])
        else:
            grad_pooled = grad_features.reshape(pooled.shape)
        inner = self.backward_pooled(cache, grad_pooled, need_x=need_x)
        grads = {k: inner[k] for k in self.params if k in inner}
        grads["dense_w"] = features.T @ grad_logits
        grads["dense_b"] = grad_logits.sum(axis=0)
        if need_x:
            grads["x"] = inner["x"]
        return grads

    def loss(self, x, y, need_x=False):
        """Mean softmax cross-entropy on ``(x, y)`` and the gradient of every parameter.

        Parameters
        ----------
        x : array_like, shape (m, h, w, c)
        y : array_like of int, shape (m,)
            Class labels in ``[0, n_classes)``.
        need_x : bool, optional
            Also return the gradient with respect to ``x``.

        Returns
        -------
        loss : float
        grads : dict of str to ndarray
            Same keys and shapes as ``params`` (plus ``'x'``).
        """
        logits, cache = self.forward(x)
        y = _check_labels(y, logits.shape[0], self.n_classes)
        loss, grad_logits = softmax_cross_entropy(logits, y)
        return loss, self.backward(cache, grad_logits, need_x=need_x)

    def predict_proba(self, x):
        """Class probabilities, shape (m, n_classes)."""
        return softmax(self.forward(x)[0])

    def predict(self, x):
        """Most likely class of each image, shape (m,)."""
        return self.forward(x)[0].argmax(axis=1)


# ---------------------------------------------------------------- data
def load_digits_split(test_size=0.25, seed=0):
    """scikit-learn's 8x8 digits, scaled to [0, 1], split into train and test.

    Parameters
    ----------
    test_size : float, optional
        Fraction of the 1797 images kept for testing (stratified by class).
    seed : int, optional
        Seed of the split.

    Returns
    -------
    Digits
        ``(x_train, y_train, x_test, y_test)``; images have shape
        ``(m, 8, 8, 1)`` and dtype float64, labels are int64 in 0..9.

    Notes
    -----
    The digits ship with scikit-learn: nothing is downloaded.

    Examples
    --------
    >>> data = load_digits_split()
    >>> data.x_train.shape, data.x_test.shape
    ((1347, 8, 8, 1), (450, 8, 8, 1))
    >>> float(data.x_train.max())
    1.0
    """
    test_size = _check_real(test_size, "test_size")
    if test_size >= 1:
        raise ValueError(f"test_size must be below 1, got {test_size!r}")
    seed = check_int(seed, "seed", 0)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0)[..., None]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y)
    return Digits(x_train, y_train, x_test, y_test)


# ---------------------------------------------------------------- training
def evaluate(model, x, y):
    """Fraction of images in ``x`` that ``model`` classifies as ``y``.

    Examples
    --------
    >>> model = TinyCNN(seed=0)
    >>> x = np.zeros((4, 8, 8, 1))
    >>> evaluate(model, x, model.predict(x))
    1.0
    """
    x = _check_images(x, model.input_shape)
    y = _check_labels(y, len(x), model.n_classes)
    return float(np.mean(model.predict(x) == y))


def train(model, x, y, *, epochs=20, batch_size=32, lr=0.01, optimizer="adam", momentum=0.9,
          seed=0, x_val=None, y_val=None, progress=False):
    """Fit ``model`` in place with minibatch gradient descent.

    Parameters
    ----------
    model : TinyCNN
    x : array_like, shape (m, h, w, c)
        Training images.
    y : array_like of int, shape (m,)
        Training labels.
    epochs : int, optional
        Passes over the training set.
    batch_size : int, optional
        Images per gradient step (the last batch of an epoch may be smaller).
    lr : float, optional
        Learning rate.
    optimizer : {'adam', 'sgd'}, optional
        Adam (beta1 0.9, beta2 0.999) or SGD with ``momentum``.
    momentum : float, optional
        Momentum of SGD, in [0, 1).
    seed : int, optional
        Seed of the shuffling: the same seed gives the same model.
    x_val, y_val : array_like, optional
        Images and labels whose accuracy is recorded after every epoch.
    progress : bool, optional
        Show a tqdm progress bar over the epochs (with the running loss).

    Returns
    -------
    dict
        ``loss`` (mean training loss of each epoch), ``val_accuracy``
        (if ``x_val`` is given) and ``seconds`` (wall time of the whole run).

    Examples
    --------
    >>> data = load_digits_split()
    >>> model = TinyCNN("max", seed=0)
    >>> history = train(model, data.x_train[:200], data.y_train[:200], epochs=3)
    >>> history["loss"][-1] < history["loss"][0]
    True
    """
    if not isinstance(model, TinyCNN):
        raise TypeError(f"model must be a TinyCNN, got {type(model).__name__}")
    x = _check_images(x, model.input_shape)
    y = _check_labels(y, len(x), model.n_classes)
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    lr = _check_real(lr, "lr")
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    momentum = _check_real(momentum, "momentum", positive=False)
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    seed = check_int(seed, "seed", 0)
    progress = check_flag(progress, "progress")
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together, got only "
                         f"{'x_val' if y_val is None else 'y_val'}")
    if x_val is not None:
        x_val = _check_images(x_val, model.input_shape, "x_val")
        y_val = _check_labels(y_val, len(x_val), model.n_classes, "y_val")

    rng = np.random.default_rng(seed)
    params = model.params
    first = {k: np.zeros_like(v) for k, v in params.items()}   # Adam m / SGD velocity
    second = {k: np.zeros_like(v) for k, v in params.items()}  # Adam v
    beta1, beta2, tiny = 0.9, 0.999, 1e-8
    history = {"loss": []}
    if x_val is not None:
        history["val_accuracy"] = []
    epoch_iter = range(epochs)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = epoch_iter = tqdm(epoch_iter, desc=f"{model.downsample} downsampling", unit="epoch")
    step = 0
    start = time.perf_counter()
    for _ in epoch_iter:
        order = rng.permutation(len(x))
        total = 0.0
        for a in range(0, len(x), batch_size):
            batch = order[a:a + batch_size]
            loss, grads = model.loss(x[batch], y[batch])
            total += loss * len(batch)
            step += 1
            for k in params:
                g = grads[k]
                if optimizer == "adam":
                    first[k] = beta1 * first[k] + (1 - beta1) * g
                    second[k] = beta2 * second[k] + (1 - beta2) * g * g
                    m_hat = first[k] / (1 - beta1 ** step)
                    v_hat = second[k] / (1 - beta2 ** step)
                    params[k] -= lr * m_hat / (np.sqrt(v_hat) + tiny)
                else:
                    first[k] = momentum * first[k] - lr * g
                    params[k] += first[k]
        history["loss"].append(total / len(x))
        if x_val is not None:
            history["val_accuracy"].append(evaluate(model, x_val, y_val))
        if bar is not None:
            postfix = {"loss": f"{history['loss'][-1]:.3f}"}
            if x_val is not None:
                postfix["val_acc"] = f"{history['val_accuracy'][-1]:.3f}"
            bar.set_postfix(postfix)
    history["seconds"] = time.perf_counter() - start
    return history


# ---------------------------------------------------------------- shifts
def shift_images(x, dy, dx):
    """Shift every image of a batch by whole pixels, filling the uncovered border with zeros.

    Parameters
    ----------
    x : array_like, shape (m, h, w, c)
        Batch of images.
    dy : int
        Rows to shift down (negative: up); ``|dy| < h``.
    dx : int
        Columns to shift right (negative: left); ``|dx| < w``.

    Returns
    -------
    ndarray, shape and dtype of ``x``
        ``out[:, i, j] = x[:, i - dy, j - dx]`` where that cell exists, 0
        elsewhere. ``x`` is not modified.

    Examples
    --------
    >>> x = np.arange(1, 10).reshape(1, 3, 3, 1)
    >>> shift_images(x, 0, 1)[0, :, :, 0]
    array([[0, 1, 2],
           [0, 4, 5],
           [0, 7, 8]])
    >>> shift_images(x, -1, 0)[0, :, :, 0]
    array([[4, 5, 6],
           [7, 8, 9],
           [0, 0, 0]])
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (m, h, w, c), got shape {x.shape}")
    h, w = x.shape[1:3]
    dy = check_int(dy, "dy", -(h - 1))
    dx = check_int(dx, "dx", -(w - 1))
    if dy >= h:
        raise ValueError(f"dy must be below the image height {h}, got {dy}")
    if dx >= w:
        raise ValueError(f"dx must be below the image width {w}, got {dx}")
    out = np.zeros_like(x)
    rows_to, rows_from = slice(max(dy, 0), h + min(dy, 0)), slice(max(-dy, 0), h - max(dy, 0))
    cols_to, cols_from = slice(max(dx, 0), w + min(dx, 0)), slice(max(-dx, 0), w - max(dx, 0))
    out[:, rows_to, cols_to] = x[:, rows_from, cols_from]
    return out


def _check_shifts(shifts):
    if isinstance(shifts, (numbers.Integral, str)) or not hasattr(shifts, "__iter__"):
        raise TypeError(f"shifts must be a sequence of pixel counts such as (1,), got {shifts!r}")
    shifts = tuple(check_int(k, "shifts", 1) for k in shifts)
    if not shifts:
        raise ValueError(f"shifts must hold at least one pixel count, got {shifts!r}")
    return shifts


def shift_consistency(model, x, shifts=(1,)):
    """Share of predictions that survive a shift of the image by a few pixels.

    Parameters
    ----------
    model : TinyCNN
    x : array_like, shape (m, h, w, c)
        Images (for a fair number: images the model has not trained on).
    shifts : sequence of int, optional
        Shift distances in pixels; each ``k`` gives four shifted copies of
        every image (``k`` px up, down, left and right, zeros shifted in).

    Returns
    -------
    float
        The fraction of (image, shifted copy) pairs whose predicted class
        equals the prediction for the unshifted image: 1.0 means no shift
        changes any prediction.

    Notes
    -----
    This is the "consistency" of Zhang (2019), *Making Convolutional
    Networks Shift-Invariant Again*, measured against the unshifted image.
    It does not look at the labels: a shift that turns a wrong answer into
    another wrong answer counts as a change.

    Examples
    --------
    >>> model = TinyCNN(seed=0)
    >>> shift_consistency(model, np.zeros((3, 8, 8, 1)))   # a blank image stays blank
    1.0
    """
    if not isinstance(model, TinyCNN):
        raise TypeError(f"model must be a TinyCNN, got {type(model).__name__}")
    x = _check_images(x, model.input_shape)
    shifts = _check_shifts(shifts)
    base = model.predict(x)
    same = 0
    for k in shifts:
        for dy, dx in ((-k, 0), (k, 0), (0, -k), (0, k)):
            same += int(np.count_nonzero(model.predict(shift_images(x, dy, dx)) == base))
    return same / (len(x) * 4 * len(shifts))


# ---------------------------------------------------------------- comparison
#: One trained model of :func:`compare_downsampling`.
Run = namedtuple("Run", ["method", "head", "seed", "params", "accuracy", "consistency", "seconds"])
#: One row of :meth:`Comparison.summary`: the runs of one method over all seeds.
MethodSummary = namedtuple("MethodSummary", [
    "method", "head", "params", "accuracy_mean", "accuracy_min", "accuracy_max",
    "consistency_mean", "consistency_min", "consistency_max", "seconds"])


class Comparison:
    """The result of :func:`compare_downsampling`: one :class:`Run` per method and seed.

    ``str(comparison)`` is the table (one line per method, means over the
    seeds with the range in brackets); :meth:`summary` gives its rows as
    :class:`MethodSummary` tuples.

    Parameters
    ----------
    runs : iterable of Run
        The trained models' measurements.
    shifts : tuple of int
        The shift distances of the consistency column.

    Attributes
    ----------
    runs : list of Run
    shifts : tuple of int

    Examples
    --------
    >>> c = Comparison([Run("max", "dense", 0, 810, 0.9, 0.5, 1.0),
    ...                 Run("max", "dense", 1, 810, 0.8, 0.7, 3.0)], (1,))
    >>> s = c.summary()[0]
    >>> round(s.accuracy_mean, 3), s.consistency_min, s.consistency_max, s.seconds
    (0.85, 0.5, 0.7, 2.0)
    >>> print(c.table(seconds=False))
    mean over 2 seeds (min to max)
    downsampling head  params           test accuracy    kept under 1-px shifts
    max          dense    810   85.0% (80.0% to 90.0%)     60.0% (50.0% to 70.0%)
    """

    def __init__(self, runs, shifts):
        self.runs = list(runs)
        self.shifts = tuple(shifts)

    def summary(self):
        """One :class:`MethodSummary` per (method, head), in the order the methods were given."""
        groups = {}
        for run in self.runs:
            groups.setdefault((run.method, run.head), []).append(run)
        rows = []
        for (method, head), runs in groups.items():
            acc = [r.accuracy for r in runs]
            con = [r.consistency for r in runs]
            rows.append(MethodSummary(method, head, runs[0].params, statistics.fmean(acc), min(acc),
                                      max(acc), statistics.fmean(con), min(con), max(con),
                                      statistics.median(r.seconds for r in runs)))
        return rows

    def table(self, seconds=True):
        """The summary as aligned text (``seconds=False`` leaves out the training time)."""
        n_seeds = len({r.seed for r in self.runs})
        shift = "/".join(map(str, self.shifts))
        head = (f"{'downsampling':12} {'head':5} {'params':>6}  {'test accuracy':>22}  "
                f"{f'kept under {shift}-px shifts':>24}")
        if seconds:
            head += f"  {'s per run':>9}"
        lines = [f"mean over {n_seeds} seed{'s' if n_seeds != 1 else ''} (min to max)", head]
        for s in self.summary():
            line = (f"{s.method:12} {s.head:5} {s.params:>6}  "
                    f"{s.accuracy_mean:>6.1%} ({s.accuracy_min:.1%} to {s.accuracy_max:.1%})  "
                    f"{s.consistency_mean:>8.1%} ({s.consistency_min:.1%} to {s.consistency_max:.1%})")
            if seconds:
                line += f"  {s.seconds:>9.2f}"
            lines.append(line)
        return "\n".join(lines)

    def __str__(self):
        return self.table()

    def __repr__(self):
        return f"<Comparison of {len(self.summary())} methods, {len(self.runs)} runs>\n{self.table()}"


def _method_pair(method):
    if isinstance(method, str):
        method, head = method, "dense"
    elif isinstance(method, (tuple, list)) and len(method) == 2:
        method, head = method
    else:
        raise TypeError(f"each method must be a downsampling name or a (downsampling, head) pair, "
                        f"got {method!r}")
    if method not in DOWNSAMPLING:
        raise ValueError(f"method must be one of {DOWNSAMPLING}, got {method!r}")
    if head not in HEADS:
        raise ValueError(f"head must be one of {HEADS}, got {head!r}")
    return method, head


def compare_downsampling(methods=DOWNSAMPLING, seeds=range(5), *, data=None, epochs=15, n_filters=8,
                         shifts=(1,), **train_kwargs):
    """Train a :class:`TinyCNN` per downsampling method and seed; measure size, accuracy, shift consistency.

    Parameters
    ----------
    methods : sequence, optional
        Each a downsampling name (``'max'``, ``'mean'``, ``'blur'``,
        ``'conv'``: with the dense head) or a ``(downsampling, head)`` pair
        such as ``('max', 'gap')``.
    seeds : iterable of int, optional
        One run per seed and method; the seed sets both the initial weights
        and the order of the minibatches, so every method starts from the
        same luck.
    data : Digits, optional
        Train and test images; default :func:`load_digits_split`.
    epochs : int, optional
        Training epochs per run.
    n_filters : int, optional
        Convolution filters of every model.
    shifts : sequence of int, optional
        Passed to :func:`shift_consistency` (measured on the test images).
    **train_kwargs
        Further arguments of :func:`train` (``lr``, ``batch_size``, ...).

    Returns
    -------
    Comparison
        ``.runs``: one :class:`Run` per method and seed (parameters, test
        accuracy, shift consistency, training seconds); ``str()`` of it is
        the table; ``.summary()`` its rows.

    Examples
    --------
    >>> data = load_digits_split()
    >>> small = Digits(data.x_train[:300], data.y_train[:300], data.x_test[:100], data.y_test[:100])
    >>> result = compare_downsampling(["max", ("max", "gap")], seeds=[0], data=small, epochs=2)
    >>> [(r.method, r.head, r.params) for r in result.runs]
    [('max', 'dense', 810), ('max', 'gap', 170)]
    """
    pairs = [_method_pair(m) for m in methods]
    if not pairs:
        raise ValueError(f"methods must name at least one method, got {methods!r}")
    seeds = [check_int(s, "seeds", 0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    shifts = _check_shifts(shifts)
    if data is None:
        data = load_digits_split()
    elif not isinstance(data, Digits):
        raise TypeError(f"data must be a Digits tuple (see load_digits_split), got {type(data).__name__}")
    runs = []
    for method, head in pairs:
        for seed in seeds:
            model = TinyCNN(method, n_filters=n_filters, head=head, seed=seed)
            history = train(model, data.x_train, data.y_train, epochs=epochs, seed=seed, **train_kwargs)
            runs.append(Run(method, head, seed, model.n_params,
                            evaluate(model, data.x_test, data.y_test),
                            shift_consistency(model, data.x_test, shifts), history["seconds"]))
    return Comparison(runs, shifts)
