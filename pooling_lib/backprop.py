"""Lesson 04's maths on one grid: the gradient that reaches the pooled grid, and where it lands.

:func:`upstream_gradient` builds the gradients a student can send back,
:func:`input_gradient` sends one back through max or mean pooling (the
backward pass: contributions of overlapping windows *add*), and
:func:`max_unpool_writes` does what PyTorch's ``MaxUnpool2d`` layer does
with the same numbers (values are *written*: where windows share a winner,
the last one stays). The explorer of lesson 04 draws these; lessons and
tests call them directly.
"""

import numpy as np

from .core import output_size, pool, unpool_avg, unpool_max
from .max_unpool import max_unpool2d

__all__ = ["GRADIENTS", "input_gradient", "max_unpool_writes", "upstream_gradient"]

#: The upstream gradients a student can pick: key -> label.
GRADIENTS = {
    "count": "1, 2, 3, …",
    "ones": "ones",
    "pooled": "the pooled values",
}


def upstream_gradient(kind, x, f, stride, method="max"):
    """The gradient arriving at the pooled grid of ``pool(x, f, stride, method=method)``.

    Parameters
    ----------
    kind : {'ones', 'count', 'pooled'}
        ``'ones'``: all ones (the input gradient then counts how often each
        cell wins, or how many windows cover it); ``'count'``: 1, 2, 3, ...
        in row-major order, so each number can be traced to its window;
        ``'pooled'``: the pooled values themselves (what the blog post's
        pictures put back).
    x : ndarray, shape (h, w)
        The pooled input.
    f, stride : int
        Window size and stride.
    method : {'max', 'mean'}, optional
        The pooling method (only used by ``'pooled'``).

    Returns
    -------
    ndarray of float64, shape of the pooled grid

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> upstream_gradient("count", x, 2, 2)
    array([[1., 2.],
           [3., 4.]])
    >>> upstream_gradient("pooled", x, 2, 2)
    array([[ 5.,  7.],
           [13., 15.]])
    """
    if kind not in GRADIENTS:
        raise ValueError(f"kind must be one of {sorted(GRADIENTS)}, got {kind!r}")
    if kind == "pooled":
        return pool(x, f, stride, method=method).astype(np.float64)
    shape = (output_size(x.shape[0], f, stride), output_size(x.shape[1], f, stride))
    if kind == "ones":
        return np.ones(shape)
    return np.arange(1, shape[0] * shape[1] + 1, dtype=np.float64).reshape(shape)


def input_gradient(x, grad, f, stride, method="max"):
    """Send ``grad`` (on the pooled grid) back to the input grid: the backward pass.

    Parameters
    ----------
    x : ndarray, shape (h, w)
        The pooled input.
    grad : ndarray, shape of the pooled grid
        Upstream gradient.
    f, stride : int
        Window size and stride.
    method : {'max', 'mean'}, optional
        ``'max'`` uses :func:`~pooling_lib.unpool_max` with the indices of
        the maxima; ``'mean'`` uses :func:`~pooling_lib.unpool_avg`.

    Returns
    -------
    dx : ndarray of float64, shape (h, w)
        The gradient of ``sum(grad * pool(x))`` with respect to ``x``.
    winners : ndarray of int64, shape of the pooled grid, or None
        Max only: the flat index ``row * w + col`` of each window's maximum.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> dx, winners = input_gradient(x, np.ones((2, 2)), 3, 1)
    >>> winners
    array([[10, 11],
           [14, 15]])
    >>> input_gradient(x, np.ones((1, 1)), 4, 1, method="mean")[0][0]
    array([0.0625, 0.0625, 0.0625, 0.0625])
    """
    if method == "max":
        _, winners = pool(x, f, stride, return_indices=True)
        return unpool_max(grad, winners, x.shape), winners
    if method == "mean":
        return unpool_avg(grad, x.shape, f, stride), None
    raise ValueError(f"method must be 'max' or 'mean', got {method!r}")


def max_unpool_writes(x, values, f, stride):
    """What ``MaxUnpool2d`` makes of ``values`` on the pooled grid of ``pool(x, f, stride)``.

    Each value is *written* at its window's maximum, zeros elsewhere; where
    several windows share a maximum, the last one in row-major order stays
    (unlike :func:`input_gradient`, which adds them). The result has
    ``x``'s shape (passed as ``output_size``).

    Examples
    --------
    >>> x = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    >>> max_unpool_writes(x, np.array([[1., 2.], [3., 4.]]), 2, 1)
    array([[0., 0., 0.],
           [0., 4., 0.],
           [0., 0., 0.]])
    >>> input_gradient(x, np.array([[1., 2.], [3., 4.]]), 2, 1)[0][1, 1]
    np.float64(10.0)
    """
    _, winners = pool(x, f, stride, return_indices=True)
    return max_unpool2d(np.asarray(values, dtype=np.float64), winners, f, stride, output_size=x.shape)
