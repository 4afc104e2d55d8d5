"""MaxUnpool: put pooled maxima back where they came from (PyTorch's ``F.max_unpool2d``).

This is the layer of SegNet-style decoders: the encoder's max pooling returns
the positions of its maxima, and the decoder writes each pooled value back at
its position, zeros elsewhere, to undo the pooling's downsampling. It is *not*
the gradient of max pooling (:func:`pooling_lib.unpool_max`): where
overlapping windows share a maximum, the gradient adds their values, while
unpooling writes one of them.
"""

import numpy as np

from ._checks import LARGEST, as_pool_array, check_int, pair
from .core import _check_index_range, _to_batch, window_count

__all__ = ["max_unpool2d"]

# Scatter in blocks of about this many pooled values, so that the array of
# their flat positions (int64) stays small.
_BLOCK_ELEMENTS = 1 << 20


def _sizes_pooling_to(n_out, f, s, p):
    """The input lengths that pool to ``n_out`` windows (with or without ``ceil_mode``).

    A list of ``(first, last)`` runs of lengths. They lie between
    ``default - s`` and ``default + s`` (exclusive), for
    ``default = (n_out - 1) * s - 2 * p + f``: that interval is PyTorch's
    check; the rule itself is :func:`pooling_lib.window_count`'s. The
    number of windows never falls as the input grows, so each mode's
    lengths form one run, found by bisection (a stride can be 2**31 - 1).
    """
    default = (n_out - 1) * s - 2 * p + f
    low, high = max(1, default - s + 1), default + s - 1

    def runs_of(ceil_mode):
        def count(n):
            try:
                return window_count(n, f, s, p, ceil_mode).size
            except ValueError:  # the window does not fit in n + 2 * p cells
                return 0

        def first_with_at_least(k):  # the smallest n in [low, high + 1] with count(n) >= k
            a, b = low, high + 1
            while a < b:
                mid = (a + b) // 2
                if count(mid) >= k:
                    b = mid
                else:
                    a = mid + 1
            return a

        first, after = first_with_at_least(n_out), first_with_at_least(n_out + 1)
        return (first, after - 1) if first < after else None

    runs = sorted(run for run in map(runs_of, (False, True)) if run is not None)
    merged = []
    for first, last in runs:  # overlapping or touching runs become one
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _spatial_output_size(output_size, x, pooled, defaults, fs, steps, pads, geometry):
    """The result's ``(rows, cols)``: checked ``output_size``, or the default sizes."""
    if output_size is None:
        for n, axis in zip(defaults, ("row", "column")):
            if n < 1:
                raise ValueError(
                    f"output_size must be given: the default size (ho - 1) * stride - 2 * padding + f "
                    f"along the {axis} axis is {n} for x of shape {x.shape}, {geometry}, "
                    f"got output_size=None"
                )
        return defaults
    if isinstance(output_size, np.ndarray):
        output_size = tuple(output_size.tolist())
    if not isinstance(output_size, (tuple, list)):
        raise TypeError(f"output_size must be a tuple of integers or None, got {output_size!r}")
    sizes = tuple(check_int(n, "output_size", 1, LARGEST) for n in output_size)
    if len(sizes) not in (2, x.ndim):
        raise ValueError(
            f"output_size must be (h, w) or a full shape of {x.ndim} dimensions, got {output_size!r}"
        )
    if len(sizes) == x.ndim and x.ndim > 2:
        keep = {3: [(2, "channels")], 4: [(0, "samples"), (3, "channels")]}[x.ndim]
        for axis, name in keep:
            if sizes[axis] != x.shape[axis]:
                raise ValueError(
                    f"output_size must have the same number of {name} as x ({x.shape[axis]}), "
                    f"got {output_size!r}"
                )
        sizes = sizes[1:3] if x.ndim == 4 else sizes[:2]
    for n, n_out, fi, si, pi, axis in zip(sizes, pooled, fs, steps, pads, ("row", "column")):
        allowed = _sizes_pooling_to(n_out, fi, si, pi)
        if not any(first <= n <= last for first, last in allowed):
            if not allowed:
                which = "no size does"
            else:
                which = "sizes " + " and ".join(
                    str(first) if first == last else f"{first} to {last}" for first, last in allowed) + " do"
            raise ValueError(
                f"output_size must be a size that pools to {n_out} windows along the {axis} axis with "
                f"{geometry} ({which}), got {output_size!r}"
            )
    return sizes


def max_unpool2d(x, indices, f, stride=None, *, padding=0, output_size=None):
    """Max-unpooling: write each pooled value back at the position of its maximum.

    PyTorch's ``F.max_unpool2d`` (the ``MaxUnpool2d`` layer) on this
    library's layouts.

    Parameters
    ----------
    x : array_like, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Pooled values (the output of a max pooling, or any values to place).
    indices : array_like of int, same shape as `x`
        Flat position ``row * w + col`` of each value in the result's
        ``(h, w)`` plane, as returned by ``pool(..., return_indices=True)``.
    f : int or (int, int)
        The window size the pooling used.
    stride : int or (int, int) or None, optional
        The pooling's stride; ``None`` (default) means ``stride = f``.
    padding : int or (int, int), optional
        The pooling's padding, at most half the window.
    output_size : (int, int) or tuple of int or None, optional
        The result's size: ``(h, w)``, or a full shape (samples and
        channels equal to those of `x`). By default ``(ho - 1) * stride -
        2 * padding + f`` along each axis, which is smaller than the pooled
        input whenever pooling dropped cells at the bottom/right edge. It
        must be a size that pools to `x`'s spatial size with this geometry
        (with or without ``ceil_mode``): see Notes.

    Returns
    -------
    ndarray, shape (h, w), (h, w, c) or (m, h, w, c)
        Zeros, except at `indices`, which hold the values of `x`. Same dtype
        as `x` (in native byte order).

    Raises
    ------
    ValueError
        If an index lies outside ``[0, h * w)``, or `output_size` is not a
        size that pools to `x`'s size (among other argument checks).

    See Also
    --------
    pooling_lib.unpool_max : the gradient of max pooling, which adds.

    Notes
    -----
    Values are *written*, not added. Where several windows name the same
    cell (overlapping windows that share a maximum), the value of the last
    of them in row-major order over the pooled positions is kept; PyTorch
    leaves which one wins undefined (its CPU and CUDA kernels race), so this
    is one valid choice. Max pooling gives every window of a shared maximum
    the same value, so the choice only matters for values that were changed
    after pooling.

    `indices` are only checked to lie in the result, not to lie in their
    own window, as in PyTorch. With ``dilation`` (which the default size
    ignores) pass ``output_size``.

    `output_size`: PyTorch accepts any size strictly between ``default -
    stride`` and ``default + stride``; the sizes from ``default`` up pool to
    ``ho`` windows with ``ceil_mode=False``, those up to ``default`` with
    ``ceil_mode=True``. This function accepts exactly the sizes that pool to
    ``ho`` windows (by :func:`pooling_lib.window_count`), which is the same
    interval except when ``ceil_mode`` drops a last window that would start
    in the padding: with gapped windows (``stride > f - padding``) a few
    small sizes pool to one window fewer in both modes, and are refused
    here although PyTorch accepts them.

    Examples
    --------
    >>> from pooling_lib import pool, unpool_max
    >>> x = np.array([[1., 2., 3., 4.],
    ...               [5., 6., 7., 8.],
    ...               [9., 0., 0., 3.],
    ...               [0., 4., 2., 1.]])
    >>> out, idx = pool(x, 2, return_indices=True)
    >>> out
    array([[6., 8.],
           [9., 3.]])
    >>> max_unpool2d(out, idx, 2)
    array([[0., 0., 0., 0.],
           [0., 6., 0., 8.],
           [9., 0., 0., 3.],
           [0., 0., 0., 0.]])

    A 5 x 5 input pools to the same 2 x 2 (its last row and column are
    dropped), so give the size to get it back:

    >>> y = np.arange(25.).reshape(5, 5)
    >>> out, idx = pool(y, 2, return_indices=True)
    >>> max_unpool2d(out, idx, 2, output_size=(5, 5))
    array([[ 0.,  0.,  0.,  0.,  0.],
           [ 0.,  6.,  0.,  8.,  0.],
           [ 0.,  0.,  0.,  0.,  0.],
           [ 0., 16.,  0., 18.,  0.],
           [ 0.,  0.,  0.,  0.,  0.]])

    Overlapping windows: the four 2 x 2 windows (stride 1) of this 3 x 3
    input share their maximum. Unpooling writes it once; the gradient
    (:func:`pooling_lib.unpool_max`) adds the four values:

    >>> z = np.array([[0., 1., 0.],
    ...               [1., 9., 1.],
    ...               [0., 1., 0.]])
    >>> out, idx = pool(z, 2, stride=1, return_indices=True)
    >>> idx
    array([[4, 4],
           [4, 4]])
    >>> max_unpool2d(out, idx, 2, stride=1)
    array([[0., 0., 0.],
           [0., 9., 0.],
           [0., 0., 0.]])
    >>> unpool_max(out, idx, z.shape)
    array([[ 0.,  0.,  0.],
           [ 0., 36.,  0.],
           [ 0.,  0.,  0.]])

    When the written values differ, the last window in row-major order wins:

    >>> max_unpool2d(np.array([[1., 2.], [3., 4.]]), idx, 2, stride=1)
    array([[0., 0., 0.],
           [0., 4., 0.],
           [0., 0., 0.]])
    """
    x = as_pool_array(x, "x")
    indices = np.asarray(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"indices must have an integer dtype, got dtype {indices.dtype}")
    if indices.shape != x.shape:
        raise ValueError(f"indices must have the same shape as x {x.shape}, got shape {indices.shape}")
    fh, fw = pair(f, "f", 1)
    s = (fh, fw) if stride is None else pair(stride, "stride", 1)
    p = pair(padding, "padding", 0)
    for fi, si, pi in zip((fh, fw), s, p):
        window_count(fi, fi, si, pi)  # checks padding <= f // 2 (the rule lives in core)
    xb, unbatch = _to_batch(x)
    m, ho, wo, c = xb.shape
    defaults = ((ho - 1) * s[0] - 2 * p[0] + fh, (wo - 1) * s[1] - 2 * p[1] + fw)
    geometry = f"f={f!r}, stride={stride!r}, padding={padding!r}"
    h, w = _spatial_output_size(output_size, x, (ho, wo), defaults, (fh, fw), s, p, geometry)
    ib, _ = _to_batch(indices)
    _check_index_range(ib, h, w, f"for a result of size {(h, w)}")

    dtype = x.dtype.newbyteorder("=")
    per = h * w * c
    result = np.zeros((m, per), dtype=dtype)
    if result.size == 0 or ib.size == 0:
        return unbatch(result.reshape(m, h, w, c))
    # Value (i, row, col, ch) of a block of samples goes to flat cell
    # (i * h * w + index) * c + ch of the block's result. np.put writes the
    # values one after the other in C order (a sequential loop in numpy's
    # PyArray_PutTo; fancy-index assignment gives no such promise), and
    # within one (sample, channel) plane C order is row-major order over the
    # pooled positions: so the last window naming a cell wins. The tests pin
    # this on overlapping windows. mode="clip" skips a second bounds check
    # (every index was checked above).
    step = max(1, _BLOCK_ELEMENTS // (ho * wo * c))
    start = (np.arange(min(m, step)) * per)[:, None, None, None] + np.arange(c)
    flat_buf = np.empty((min(m, step), ho, wo, c), dtype=np.int64)
    for i in range(0, m, step):
        j = min(m, i + step)
        flat = flat_buf[:j - i]
        np.multiply(ib[i:j], c, out=flat, dtype=np.int64)  # in int64: uint8 indices * c would wrap
        flat += start[:j - i]
        np.put(result[i:j].reshape(-1), flat.reshape(-1), xb[i:j].reshape(-1), mode="clip")
    return unbatch(result.reshape(m, h, w, c))
