"""One digit through a trained :class:`~pooling_lib.cnn.TinyCNN`: its maps and where the gradient goes.

:func:`trace` returns, for one image and one convolution filter, the
filter's map after the ReLU, the pooled map and the gradient of the pooled
map's sum with respect to every cell and input pixel (lesson 08's explorer
draws exactly these). :func:`default_models` trains a max-pooling and a
mean-pooling model on the digits once per process.
"""

from functools import lru_cache

import numpy as np

from .cnn import TinyCNN, load_digits_split, train

__all__ = ["default_models", "trace"]


@lru_cache(maxsize=2)
def _default(epochs, seed):
    data = load_digits_split(seed=seed)
    models = {}
    for pooling in ("max", "mean"):
        model = TinyCNN(pooling, seed=seed)
        train(model, data.x_train, data.y_train, epochs=epochs, seed=seed)
        models[pooling] = model
    return models, data


def default_models(epochs=10, seed=0):
    """A max-pooling and a mean-pooling :class:`~pooling_lib.cnn.TinyCNN` trained on the digits.

    Parameters
    ----------
    epochs : int, optional
        Training epochs (about 15 ms each per model on two cores; 10 epochs
        give about 96% (max) and 95% (mean) test accuracy).
    seed : int, optional
        Seed of the data split, the initialisation and the shuffling.

    Returns
    -------
    models : dict
        ``{'max': TinyCNN, 'mean': TinyCNN}`` (8 filters, 2x2 pooling).
    data : Digits
        The split they were trained on (``x_test``/``y_test`` unseen).

    Notes
    -----
    Cached per process: the second call returns the same (already trained)
    models. Do not train them further in place.
    """
    return _default(epochs, seed)


def trace(model, image, filter):
    """Everything the explorer shows for one image and one filter.

    Parameters
    ----------
    model : TinyCNN
    image : ndarray, shape (h, w, c)
        One image.
    filter : int
        Index of the convolution filter.

    Returns
    -------
    dict
        ``conv`` (the filter's map after the ReLU, ``(6, 6)`` for digits),
        ``pooled`` (its pooled map), ``routed`` (the gradient reaching the
        ReLU map when the pooled map sends back ones: 1 on each window's
        winner for max, 1/4 everywhere for 2x2 mean pooling), ``passed``
        (``routed`` where the ReLU is active, i.e. what reaches the
        filter's weights), ``input_grad`` (the gradient of the pooled map's
        sum with respect to the input pixels, ``(h, w)``), ``winners``
        (max only: ``(rows, cols)`` of each window's winning cell, else
        None) and ``proba`` (class probabilities).

    Examples
    --------
    >>> model = TinyCNN("max", n_filters=2, seed=0)
    >>> t = trace(model, np.random.default_rng(0).random((8, 8, 1)), 1)
    >>> t["conv"].shape, t["pooled"].shape, t["input_grad"].shape
    ((6, 6), (3, 3), (8, 8))
    >>> int(t["routed"].sum())            # one winner per 2x2 window, 9 windows
    9
    """
    logits, cache = model.forward(np.asarray(image)[None])
    grad_pooled = np.zeros_like(cache["pooled"])
    grad_pooled[..., filter] = 1.0
    grads = model.backward_pooled(cache, grad_pooled, need_x=True)
    winners = None
    if model.pooling == "max":
        flat = cache["indices"][0, :, :, filter].ravel()
        winners = np.divmod(flat, model.conv_shape[1])
    e = np.exp(logits[0] - logits[0].max())
    return {
        "conv": cache["relu"][0, :, :, filter],
        "pooled": cache["pooled"][0, :, :, filter],
        "routed": grads["relu"][0, :, :, filter],
        "passed": grads["conv"][0, :, :, filter],
        "input_grad": grads["x"][0].sum(axis=-1),
        "winners": winners,
        "proba": e / e.sum(),
    }
