"""A tiny convolutional network in numpy, with its pooling from :mod:`pooling_lib`.

The network is the smallest one that still shows what pooling does inside a
CNN::

    x (m, 8, 8, 1)
    -> conv 3x3, valid, F filters    (m, 6, 6, F)
    -> ReLU                          (m, 6, 6, F)
    -> pool 2x2, max or mean         (m, 3, 3, F)   pooling_lib.pool
    -> dense                         (m, 10)
    -> softmax cross-entropy

The backward pass of the pooling layer is :func:`pooling_lib.unpool_max`
(with the indices that ``pool(..., return_indices=True)`` returned) or
:func:`pooling_lib.unpool_avg`: the lesson's point is that these *are* the
gradients a network trains with.

Everything is float64 and plain numpy; the convolution reads its 3x3
patches through :func:`pooling_lib.windows` (a strided view, no copy) and
multiplies them with ``np.tensordot``.

:func:`load_digits_split` gives scikit-learn's 8x8 digits (they ship with
scikit-learn, nothing is downloaded), :func:`train` fits a model with
minibatch Adam or SGD with momentum, :func:`evaluate` measures accuracy.
"""

import numbers
import time
from collections import namedtuple

import numpy as np

from ._checks import check_flag, check_int
from .core import pool, unpool_avg, unpool_max, windows

__all__ = [
    "Digits",
    "TinyCNN",
    "conv2d",
    "conv2d_backward",
    "evaluate",
    "load_digits_split",
    "softmax",
    "softmax_cross_entropy",
    "train",
]

#: The four arrays :func:`load_digits_split` returns.
Digits = namedtuple("Digits", ["x_train", "y_train", "x_test", "y_test"])

_PARAMS = ("conv_w", "conv_b", "dense_w", "dense_b")


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
def conv2d(x, w, b):
    """Valid 2-D convolution (cross-correlation, as in every CNN library).

    Parameters
    ----------
    x : ndarray, shape (m, h, w, cin)
        Batch of images.
    w : ndarray, shape (kh, kw, cin, cout)
        Filters.
    b : ndarray, shape (cout,)
        Biases.

    Returns
    -------
    ndarray, shape (m, h - kh + 1, w - kw + 1, cout)
        ``out[n, i, j, k] = sum(x[n, i:i+kh, j:j+kw, :] * w[..., k]) + b[k]``.

    Notes
    -----
    The patches are read through :func:`pooling_lib.windows` with stride 1
    (the same strided view pooling uses) and contracted with ``w`` by
    ``np.tensordot``.

    Examples
    --------
    >>> x = np.arange(16.).reshape(1, 4, 4, 1)
    >>> w = np.zeros((3, 3, 1, 1)); w[1, 1] = 1       # picks each patch's centre
    >>> conv2d(x, w, np.zeros(1))[0, :, :, 0]
    array([[ 5.,  6.],
           [ 9., 10.]])
    """
    kh, kw = w.shape[:2]
    patches = windows(x, (kh, kw), stride=1)        # (m, ho, wo, kh, kw, cin)
    return np.tensordot(patches, w, axes=([3, 4, 5], [0, 1, 2])) + b


def conv2d_backward(x, w, grad_out, need_x=True):
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

    Returns
    -------
    grad_w : ndarray, shape (kh, kw, cin, cout)
    grad_b : ndarray, shape (cout,)
    grad_x : ndarray, shape (m, h, w, cin), or None if ``need_x`` is False
        Each output position sends ``grad_out @ w.T`` back to the 3x3
        patch it read; overlapping patches add up.

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
    patches = windows(x, (kh, kw), stride=1)
    grad_w = np.tensordot(patches, grad_out, axes=([0, 1, 2], [0, 1, 2]))
    grad_b = grad_out.sum(axis=(0, 1, 2))
    if not need_x:
        return grad_w, grad_b, None
    _, ho, wo, _ = grad_out.shape
    grad_x = np.zeros(x.shape, dtype=np.result_type(grad_out, w))
    for di in range(kh):
        for dj in range(kw):
            grad_x[:, di:di + ho, dj:dj + wo] += grad_out @ w[di, dj].T
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
class TinyCNN:
    """conv 3x3 -> ReLU -> max or mean pooling -> dense -> softmax.

    Parameters
    ----------
    pooling : {'max', 'mean'}, optional
        The pooling layer: :func:`pooling_lib.pool` with ``method=pooling``.
    n_filters : int, optional
        Number of convolution filters (channels of the feature map).
    kernel : int, optional
        Side of the square convolution filters (valid convolution).
    pool_size : int, optional
        Side of the pooling window.
    pool_stride : int or None, optional
        Pooling stride; ``None`` means ``pool_size`` (windows that touch).
    input_shape : (int, int, int), optional
        ``(h, w, c)`` of one image.
    n_classes : int, optional
        Number of classes.
    seed : int, optional
        Seed of the weight initialisation (He normal for the filters,
        Glorot-style for the dense layer, zero biases).

    Attributes
    ----------
    params : dict of str to ndarray
        ``conv_w`` (kernel, kernel, c, n_filters), ``conv_b`` (n_filters,),
        ``dense_w`` (features, n_classes), ``dense_b`` (n_classes,).
    conv_shape, pooled_shape : tuple of int
        ``(h, w, n_filters)`` after the convolution and after pooling.

    Notes
    -----
    :meth:`forward` keeps what :meth:`backward` needs in a cache: the
    input, the convolution output, and for max pooling the indices of the
    maxima, so the pooling's backward pass is one
    :func:`pooling_lib.unpool_max` call (one :func:`pooling_lib.unpool_avg`
    call for mean pooling).

    Examples
    --------
    >>> model = TinyCNN("max", n_filters=4, input_shape=(8, 8, 1), seed=0)
    >>> model.conv_shape, model.pooled_shape
    ((6, 6, 4), (3, 3, 4))
    >>> model.n_params
    410
    >>> x = np.zeros((5, 8, 8, 1))
    >>> logits, cache = model.forward(x)
    >>> logits.shape
    (5, 10)
    """

    def __init__(self, pooling="max", n_filters=8, kernel=3, pool_size=2, pool_stride=None,
                 input_shape=(8, 8, 1), n_classes=10, seed=0):
        if pooling not in ("max", "mean"):
            raise ValueError(f"pooling must be 'max' or 'mean', got {pooling!r}")
        n_filters = check_int(n_filters, "n_filters", 1)
        kernel = check_int(kernel, "kernel", 1)
        pool_size = check_int(pool_size, "pool_size", 1)
        pool_stride = pool_size if pool_stride is None else check_int(pool_stride, "pool_stride", 1)
        n_classes = check_int(n_classes, "n_classes", 2)
        seed = check_int(seed, "seed", 0)
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
            raise TypeError(f"input_shape must be a tuple (h, w, c), got {input_shape!r}")
        input_shape = tuple(check_int(n, "input_shape", 1) for n in input_shape)
        h, w, c = input_shape
        if kernel > min(h, w):
            raise ValueError(f"kernel must fit in the image {(h, w)}, got {kernel}")
        ch, cw = h - kernel + 1, w - kernel + 1
        if pool_size > min(ch, cw):
            raise ValueError(
                f"pool_size must fit in the convolution's output {(ch, cw)}, got {pool_size}"
            )
        ph = (ch - pool_size) // pool_stride + 1
        pw = (cw - pool_size) // pool_stride + 1

        self.pooling = pooling
        self.kernel = kernel
        self.pool_size = pool_size
        self.pool_stride = pool_stride
        self.input_shape = input_shape
        self.n_classes = n_classes
        self.conv_shape = (ch, cw, n_filters)
        self.pooled_shape = (ph, pw, n_filters)
        features = ph * pw * n_filters
        rng = np.random.default_rng(seed)
        self.params = {
            "conv_w": rng.normal(0.0, np.sqrt(2.0 / (kernel * kernel * c)),
                                 (kernel, kernel, c, n_filters)),
            "conv_b": np.zeros(n_filters),
            "dense_w": rng.normal(0.0, np.sqrt(2.0 / (features + n_classes)), (features, n_classes)),
            "dense_b": np.zeros(n_classes),
        }

    def __repr__(self):
        return (f"TinyCNN(pooling={self.pooling!r}, n_filters={self.conv_shape[2]}, "
                f"kernel={self.kernel}, pool_size={self.pool_size}, pool_stride={self.pool_stride}, "
                f"input_shape={self.input_shape}, n_classes={self.n_classes})")

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
            ``x``, ``conv`` (before ReLU), ``relu``, ``pooled`` and, for max
            pooling, ``indices`` (flat positions of each window's maximum in
            the ReLU map, from ``pool(..., return_indices=True)``).
        """
        x = _check_images(x, self.input_shape)
        p = self.params
        conv = conv2d(x, p["conv_w"], p["conv_b"])
        relu = np.maximum(conv, 0.0)
        cache = {"x": x, "conv": conv, "relu": relu}
        if self.pooling == "max":
            pooled, cache["indices"] = pool(relu, self.pool_size, self.pool_stride, return_indices=True)
        else:
            pooled = pool(relu, self.pool_size, self.pool_stride, method="mean")
        cache["pooled"] = pooled
        logits = pooled.reshape(len(x), -1) @ p["dense_w"] + p["dense_b"]
        return logits, cache

    def backward_pooled(self, cache, grad_pooled, need_x=True):
        """Backpropagate a gradient on the pooled map to the conv layer and the input.

        Parameters
        ----------
        cache : dict
            From :meth:`forward`.
        grad_pooled : ndarray, shape (m, *pooled_shape)
            Gradient with respect to the pooling layer's output.
        need_x : bool, optional
            Also return the gradient with respect to the input images.

        Returns
        -------
        dict
            ``relu`` (gradient reaching the ReLU map: :func:`pooling_lib.unpool_max`
            or :func:`pooling_lib.unpool_avg` of ``grad_pooled``), ``conv``,
            ``conv_w``, ``conv_b`` and (if ``need_x``) ``x``.
        """
        relu = cache["relu"]
        if self.pooling == "max":
            grad_relu = unpool_max(grad_pooled, cache["indices"], relu.shape)
        else:
            grad_relu = unpool_avg(grad_pooled, relu.shape, self.pool_size, self.pool_stride)
        grad_conv = grad_relu * (cache["conv"] > 0)
        gw, gb, gx = conv2d_backward(cache["x"], self.params["conv_w"], grad_conv, need_x=need_x)
        grads = {"relu": grad_relu, "conv": grad_conv, "conv_w": gw, "conv_b": gb}
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
        """
        pooled = cache["pooled"]
        m = pooled.shape[0]
        grad_dense_w = pooled.reshape(m, -1).T @ grad_logits
        grad_dense_b = grad_logits.sum(axis=0)
        grad_pooled = (grad_logits @ self.params["dense_w"].T).reshape(pooled.shape)
        inner = self.backward_pooled(cache, grad_pooled, need_x=need_x)
        grads = {"conv_w": inner["conv_w"], "conv_b": inner["conv_b"],
                 "dense_w": grad_dense_w, "dense_b": grad_dense_b}
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
        bar = epoch_iter = tqdm(epoch_iter, desc=f"{model.pooling} pooling", unit="epoch")
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
            for k in _PARAMS:
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
