"""The seed blog post's function names and signatures, with its bugs fixed.

Lessons that follow the post call these; each is a thin wrapper around
:mod:`pooling_lib.core`. What changed from the post (see
``KNOWN-DEFECTS.md`` in the course material):

* ties give exactly one maximum position per window (the first);
* overlapping windows add their gradients instead of overwriting;
* ``unpoolingAvg`` divides by the window size;
* ``pad=True`` keeps only the partial windows at the bottom/right edge, and
  padding never wins a maximum nor counts in a mean;
* nothing is squeezed: ``(h, w, 1)`` stays ``(ho, wo, 1)``;
* NaN propagates instead of being skipped.
"""

import numpy as np

from . import core
from ._checks import as_pool_array, check_flag, check_int

__all__ = ["asStride", "poolingOverlap", "unpooling", "unpoolingAvg"]


def asStride(arr, sub_shape, stride):
    """Strided view of the windows of ``arr`` (the post's name for :func:`~pooling_lib.windows`).

    Parameters
    ----------
    arr : ndarray, shape (h, w), (h, w, c) or (m, h, w, c)
        Input array.
    sub_shape : tuple of int
        Window size ``(fh, fw)``; extra entries are ignored, as in the post.
    stride : int
        Step between windows along both axes.

    Returns
    -------
    view : ndarray, shape (ho, wo, fh, fw), (ho, wo, fh, fw, c) or (m, ho, wo, fh, fw, c)
        Read-only view, as :func:`~pooling_lib.windows` returns.

    Examples
    --------
    >>> asStride(np.arange(16).reshape(4, 4), (2, 2), 2)[1, 0]
    array([[ 8,  9],
           [12, 13]])
    """
    if not isinstance(sub_shape, (tuple, list)) or len(sub_shape) < 2:
        raise TypeError(f"sub_shape must be a tuple (fh, fw), got {sub_shape!r}")
    return core.windows(arr, tuple(sub_shape[:2]), stride)


def poolingOverlap(mat, f, stride=None, method="max", pad=False, return_max_pos=False):
    """Max or mean pooling with the post's signature.

    Parameters
    ----------
    mat : ndarray, shape (h, w), (h, w, c) or (m, h, w, c)
        Input array.
    f : int
        Window size.
    stride : int or None, optional
        Step between windows; ``None`` means ``stride = f``.
    method : {'max', 'mean'}, optional
        Pooling method.
    pad : bool, optional
        Keep the partial windows at the bottom/right edge (PyTorch's
        ``ceil_mode``). The missing cells never win a maximum and are not
        counted in a mean.
    return_max_pos : bool, optional
        Max only: also return the 0/1 mask of the maximum positions.

    Returns
    -------
    result : ndarray, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Pooled array (never squeezed).
    pos : ndarray of uint8, shape like :func:`~pooling_lib.windows`
        Only with ``return_max_pos=True``: one 1 per window and channel.

    Examples
    --------
    >>> poolingOverlap(np.arange(16).reshape(4, 4), 2)
    array([[ 5,  7],
           [13, 15]])
    >>> poolingOverlap(np.arange(16).reshape(4, 4), 3, pad=True)
    array([[10, 11],
           [14, 15]])
    """
    pad = check_flag(pad, "pad")
    return_max_pos = check_flag(return_max_pos, "return_max_pos")
    if return_max_pos and method != "max":
        raise ValueError(f"return_max_pos=True needs method='max', got method={method!r}")
    result = core.pool(mat, f, stride, method=method, ceil_mode=pad)
    if not return_max_pos:
        return result
    return result, core.max_mask(mat, f, stride, ceil_mode=pad)


def _ori_shape(ori_shape):
    """``ori_shape`` as a tuple of ints (an integer array is accepted too)."""
    if isinstance(ori_shape, np.ndarray) and ori_shape.ndim == 1:
        ori_shape = tuple(ori_shape.tolist())
    if not isinstance(ori_shape, (tuple, list)):
        raise TypeError(f"ori_shape must be a tuple of integers, got {ori_shape!r}")
    return tuple(check_int(n, "ori_shape", 1) for n in ori_shape)


def unpooling(mat, pos, ori_shape, stride):
    """Max-unpooling from the post's 0/1 position mask.

    Parameters
    ----------
    mat : ndarray, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Values (gradients) to put back.
    pos : ndarray, shape (ho, wo, fh, fw), (ho, wo, fh, fw, c) or (m, ho, wo, fh, fw, c)
        Mask from ``poolingOverlap(..., return_max_pos=True)``: exactly one 1
        per window and channel.
    ori_shape : tuple of int
        Shape of the pooled input.
    stride : int
        Stride used when pooling.

    Returns
    -------
    ndarray, shape `ori_shape`
        Zeros except at the maxima; overlapping windows add up.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> out, pos = poolingOverlap(x, 3, stride=1, return_max_pos=True)
    >>> unpooling(np.ones((2, 2)), pos, x.shape, 1)[2:, 2:]
    array([[1., 1.],
           [1., 1.]])
    """
    mat = as_pool_array(mat, "mat")
    pos = np.asarray(pos)
    if pos.ndim != mat.ndim + 2:
        raise ValueError(
            f"pos must have 2 more dimensions than mat ({mat.ndim} + 2), got shape {pos.shape}"
        )
    lead = 1 if mat.ndim == 4 else 0
    fh, fw = pos.shape[lead + 2:lead + 4]
    window_axes = (lead + 2, lead + 3)
    expected = mat.shape[:lead + 2] + (fh, fw) + mat.shape[lead + 2:]
    if pos.shape != expected:
        raise ValueError(f"pos must have shape {expected} to fit mat, got shape {pos.shape}")
    if not np.isin(pos, (0, 1)).all():
        raise ValueError(f"pos must hold only 0s and 1s, got values {np.unique(pos)[:5]!r}")
    counts = np.count_nonzero(pos, axis=window_axes)
    if not np.all(counts == 1):
        bad = counts[counts != 1][0]
        raise ValueError(f"pos must hold exactly one 1 per window and channel, got a window with {bad}")
    # the offset (di, dj) of each window's maximum, then the flat index row * w + col
    flat_window = np.argmax(np.moveaxis(pos, window_axes, (-2, -1)).reshape(mat.shape + (fh * fw,)), axis=-1)
    s = check_int(stride, "stride", 1)
    shape = _ori_shape(ori_shape)
    if len(shape) != mat.ndim:
        raise ValueError(f"ori_shape must have as many dimensions as mat ({mat.ndim}), got {shape!r}")
    h, w = shape[lead:lead + 2]
    ho, wo = mat.shape[lead:lead + 2]
    along_rows = [1] * mat.ndim
    along_rows[lead] = ho
    along_cols = [1] * mat.ndim
    along_cols[lead + 1] = wo
    rows = (np.arange(ho) * s).reshape(along_rows) + flat_window // fw
    cols = (np.arange(wo) * s).reshape(along_cols) + flat_window % fw
    if rows.max(initial=0) >= h or cols.max(initial=0) >= w:
        raise ValueError(f"ori_shape {shape!r} is too small for mat, pos and stride={stride!r}")
    return core.unpool_max(mat, rows * w + cols, shape)


def unpoolingAvg(mat, f, ori_shape):
    """Average-unpooling with the post's signature (stride equal to ``f``).

    Parameters
    ----------
    mat : ndarray, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Gradient of the mean-pooled output.
    f : int
        Window size (and stride) used when pooling.
    ori_shape : tuple of int
        Shape of the pooled input.

    Returns
    -------
    ndarray, shape `ori_shape`
        Each value divided by ``f * f`` (or by the number of real cells of a
        partial ``pad=True`` window) and spread over its window.

    Examples
    --------
    >>> unpoolingAvg(np.array([[4., 8.], [12., 16.]]), 2, (4, 4))
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    """
    mat = as_pool_array(mat, "mat")
    shape = _ori_shape(ori_shape)
    lead = 1 if mat.ndim == 4 else 0
    if len(shape) != mat.ndim:
        raise ValueError(f"ori_shape must have as many dimensions as mat ({mat.ndim}), got {shape!r}")
    got = mat.shape[lead:lead + 2]
    for ceil_mode in (False, True):
        size = tuple(core.output_size(n, f, ceil_mode=ceil_mode) for n in shape[lead:lead + 2])
        if size == got:
            return core.unpool_avg(mat, shape, f, ceil_mode=ceil_mode)
    raise ValueError(
        f"mat must have the pooled size of ori_shape {shape!r} with f={f!r}, got spatial size {got}"
    )
