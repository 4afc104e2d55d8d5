"""Anti-aliased pooling: pool densely, blur, then subsample (Zhang, ICML 2019).

Strided pooling keeps one value in every ``stride`` and so aliases: shifting
the input by one cell can change the output a lot. R. Zhang, "Making
Convolutional Networks Shift-Invariant Again" (ICML 2019), splits the strided
pooling in two: pool with stride 1 (no information thrown away yet), then blur
with a small binomial filter (a low-pass filter) and only then keep every
``stride``-th row and column. :func:`blur_pool` is exactly the reference
implementation's ``MaxPool2d(f, stride=1)`` (or ``AvgPool2d``) followed by its
``BlurPool(channels, filt_size=filter_size, stride=stride)``;
:func:`blur_pool_backward` is its gradient, so that a network can train with it.

The blur is separable: the 2-D filter is the outer product of a 1-D binomial
row with itself, so it is applied along the rows and then along the columns,
and only at the rows and columns that are kept.
"""

import math

import numpy as np

from ._checks import as_pool_array, check_int, pair
from .core import _to_batch, output_size, pool, unpool_avg, unpool_max

__all__ = ["binomial_filter", "blur_pool", "blur_pool_backward"]

_MAX_FILTER_SIZE = 7  # the reference implementation's largest filter


def binomial_filter(filter_size):
    """The normalised 1-D binomial filter of ``filter_size`` taps.

    Parameters
    ----------
    filter_size : int
        Number of taps, 1 to 7.

    Returns
    -------
    ndarray of float64, shape (filter_size,)
        Row ``filter_size - 1`` of Pascal's triangle divided by its sum
        ``2 ** (filter_size - 1)``: [1], [1 1]/2, [1 2 1]/4, [1 3 3 1]/8, ...
        The 2-D blur is the outer product of this row with itself.

    Examples
    --------
    >>> binomial_filter(4)
    array([0.125, 0.375, 0.375, 0.125])
    >>> binomial_filter(3) * 4
    array([1., 2., 1.])
    >>> np.outer(binomial_filter(3), binomial_filter(3)) * 16
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    filter_size = check_int(filter_size, "filter_size", 1)
    if filter_size > _MAX_FILTER_SIZE:
        raise ValueError(f"filter_size must be at most {_MAX_FILTER_SIZE}, got {filter_size!r}")
    taps = np.array([math.comb(filter_size - 1, k) for k in range(filter_size)], dtype=np.float64)
    return taps / taps.sum()


def _work_dtype(dtype):
    """Float dtype the blur is computed in: float32/float64 kept, float16 and integers widened."""
    if dtype.kind == "f" and dtype.itemsize >= 4:
        return dtype.newbyteorder("=")
    return np.dtype(np.float32) if dtype.kind == "f" else np.dtype(np.float64)


def _setup(x, f, stride, filter_size, method):
    """Check the arguments; return ``(x, strides, taps, pads, pooled-size)``."""
    x = as_pool_array(x, "x")
    if method not in ("max", "mean"):
        raise ValueError(f"method must be 'max' or 'mean', got {method!r}")
    strides = pair(stride, "stride", 1)
    taps = binomial_filter(filter_size)
    fh, fw = pair(f, "f", 1)
    h, w = x.shape[1:3] if x.ndim == 4 else x.shape[:2]
    pooled = (output_size(h, fh, 1), output_size(w, fw, 1))
    pads = ((len(taps) - 1) // 2, len(taps) // 2)
    for n, axis in zip(pooled, ("rows", "columns")):
        if pads[1] >= n:
            raise ValueError(
                f"filter_size={filter_size!r} reflect-pads the pooled map by {pads[0]} before and {pads[1]} "
                f"after, which needs at least {pads[1] + 1} {axis} (PyTorch's ReflectionPad2d refuses a "
                f"padding as large as the map); x of shape {x.shape} pooled with f={f!r}, stride 1 "
                f"has {n} {axis}"
            )
    return x, strides, taps, pads, pooled


def _kept(n, s):
    """Number of rows (columns) kept when every ``s``-th of ``n`` is kept from the first."""
    return (n - 1) // s + 1


def _blur_axis(y, axis, taps, pads, s):
    """Reflect-pad ``y`` (m, h, w, c) along ``axis`` (1 or 2), filter with ``taps``, keep every s-th."""
    n = y.shape[axis]
    kept = _kept(n, s)
    if len(taps) == 1:
        return y[:, ::s] if axis == 1 else y[:, :, ::s]
    width = [(0, 0)] * 4
    width[axis] = pads
    padded = np.pad(y, width, mode="reflect")

    def tap(k):
        index = [slice(None)] * 4
        index[axis] = slice(k, k + s * (kept - 1) + 1, s)
        return padded[tuple(index)]

    out = np.multiply(tap(0), taps[0].astype(y.dtype))
    term = np.empty_like(out)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is NaN, as in PyTorch's conv2d
        for k in range(1, len(taps)):
            np.multiply(tap(k), taps[k].astype(y.dtype), out=term)
            out += term
    return out


def _blur_axis_backward(g, axis, n, taps, pads, s):
    """Gradient of :func:`_blur_axis` with respect to its input (length ``n`` along ``axis``)."""
    shape = list(g.shape)
    shape[axis] = n
    if len(taps) == 1:
        out = np.zeros(shape, dtype=g.dtype)
        index = [slice(None)] * 4
        index[axis] = slice(None, None, s)
        out[tuple(index)] = g
        return out
    before, after = pads
    kept = g.shape[axis]
    shape[axis] = before + n + after
    padded = np.zeros(shape, dtype=g.dtype)

    def at(start, stop=None, step=None):
        index = [slice(None)] * 4
        index[axis] = slice(start, stop, step)
        return tuple(index)

    term = np.empty_like(g)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is NaN, as in PyTorch's autograd
        for k in range(len(taps)):
            # each kept output k-th tap reads padded cell out * s + k
            dst = padded[at(k, k + s * (kept - 1) + 1, s)]
            np.multiply(g, taps[k].astype(g.dtype), out=term)
            dst += term
        # the adjoint of reflect padding: padded cell p before the map is a copy of cell before - p,
        # padded cell n + before + q after it a copy of cell n - 2 - q
        grad = padded[at(before, before + n)].copy()
        if before:
            grad[at(1, before + 1)] += padded[at(before - 1, None, -1)]
        if after:
            grad[at(n - 1 - after, n - 1)] += padded[at(before + n + after - 1, before + n - 1, -1)]
    return grad


def blur_pool(x, f=2, stride=2, *, filter_size=4, method="max"):
    """Anti-aliased pooling: pool with stride 1, blur, keep every ``stride``-th cell.

    Parameters
    ----------
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        Input array; integer or floating point. It is never modified.
    f : int or (int, int), optional
        Window of the dense (stride 1) pooling, no padding. Default 2.
    stride : int or (int, int), optional
        Subsampling step after the blur. Default 2.
    filter_size : int, optional
        Taps of the binomial blur, 1 to 7 (see :func:`binomial_filter`).
        Default 4 ([1 3 3 1] / 8), the paper's choice. 1 is no blur: plain
        ``pool(x, f, 1)`` subsampled.
    method : {'max', 'mean'}, optional
        The dense pooling: maximum (``MaxBlurPool``) or average.

    Returns
    -------
    ndarray, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        ``ho = ceil((h - fh + 1) / stride)`` (and likewise ``wo``). Float32
        or float64 as `x` (float16 is computed in float32 and given back
        as float32; integers give float64).

    Raises
    ------
    ValueError
        If the pooled map is too small to reflect-pad: PyTorch's
        ``ReflectionPad2d`` needs a padding smaller than the map, so the
        map ``(h - fh + 1) x (w - fw + 1)`` must have more than
        ``filter_size // 2`` rows and columns. Also for the usual argument
        checks.

    See Also
    --------
    blur_pool_backward : its gradient.

    Notes
    -----
    Steps, as in the reference implementation (``antialiased_cnns``): ``y =
    pool(x, f, stride=1, method=method)``; pad ``y`` by ``(filter_size -
    1) // 2`` rows and columns before and ``filter_size // 2`` after,
    reflecting at the edges without repeating the edge cell (numpy's
    ``mode="reflect"``, PyTorch's ``ReflectionPad2d``); correlate every
    channel with ``outer(b, b)`` for ``b = binomial_filter(filter_size)``;
    keep rows and columns ``0, stride, 2 * stride, ...``. The naive
    definition is in ``tests/test_blur_pool.py``.

    Blurring before subsampling removes the high frequencies that
    subsampling would fold into low ones, so a one-cell shift of the input
    changes the output far less than with ``pool(x, f, stride)``.

    Examples
    --------
    >>> x = np.arange(16.).reshape(4, 4)
    >>> pool(x, 2)
    array([[ 5.,  7.],
           [13., 15.]])
    >>> blur_pool(x)
    array([[ 8.75,  9.25],
           [10.75, 11.25]])
    >>> blur_pool(x, filter_size=1)  # no blur: pool(x, 2, stride=1)[::2, ::2]
    array([[ 5.,  7.],
           [13., 15.]])
    >>> blur_pool(x, 2, 1, filter_size=3, method="mean")
    array([[ 5. ,  5.5,  6. ],
           [ 7. ,  7.5,  8. ],
           [ 9. ,  9.5, 10. ]])

    A one-cell shift of a stripe pattern changes half of plain pooling's
    output, and blur pooling's only at the edge columns:

    >>> stripes = np.tile([0., 0., 1., 1.], (8, 4))
    >>> shifted = np.roll(stripes, 1, axis=1)
    >>> float(np.abs(pool(stripes, 2) - pool(shifted, 2)).mean())
    0.5
    >>> float(np.abs(blur_pool(stripes) - blur_pool(shifted)).mean())
    0.0625
    >>> float(np.abs(blur_pool(stripes) - blur_pool(shifted))[:, 1:-1].max())
    0.0
    """
    x, (sh, sw), taps, pads, _ = _setup(x, f, stride, filter_size, method)
    y = pool(x, f, 1, method=method)
    yb, unbatch = _to_batch(np.asarray(y, dtype=_work_dtype(x.dtype)))
    out = _blur_axis(_blur_axis(yb, 1, taps, pads, sh), 2, taps, pads, sw)
    if len(taps) == 1:
        out = out.copy()
    return unbatch(out)


def blur_pool_backward(grad, x, f=2, stride=2, *, filter_size=4, method="max"):
    """Gradient of :func:`blur_pool` with respect to its input.

    Parameters
    ----------
    grad : array_like, shape of ``blur_pool(x, ...)``
        Gradient of a loss with respect to the output of :func:`blur_pool`.
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        The input that was pooled (max pooling needs it to find its maxima).
    f, stride, filter_size, method
        The arguments :func:`blur_pool` was called with.

    Returns
    -------
    ndarray, shape of `x`
        ``d loss / d x``. Float32 for float32 (and float16) `x` and `grad`,
        float64 otherwise.

    Notes
    -----
    The chain rule, step by step backwards: spread each value of `grad`
    over the ``filter_size x filter_size`` padded cells its output read,
    weighted by the filter (the transposed, strided correlation); fold the
    reflected padding back onto the cells it copied (a padding cell's
    gradient is added to its source cell); then the dense pooling's
    gradient, :func:`pooling_lib.unpool_max` (first maximum of each window,
    overlapping windows adding up) or :func:`pooling_lib.unpool_avg`.

    Examples
    --------
    >>> x = np.arange(16.).reshape(4, 4)
    >>> blur_pool_backward(np.ones((2, 2)), x)
    array([[0.  , 0.  , 0.  , 0.  ],
           [0.  , 0.25, 0.5 , 0.25],
           [0.  , 0.5 , 1.  , 0.5 ],
           [0.  , 0.25, 0.5 , 0.25]])
    >>> float(blur_pool_backward(np.ones((2, 2)), x).sum())  # 4 outputs, each filter sums to 1
    4.0
    """
    x, (sh, sw), taps, pads, pooled = _setup(x, f, stride, filter_size, method)
    g = as_pool_array(grad, "grad")
    expected = (_kept(pooled[0], sh), _kept(pooled[1], sw))
    want = {2: expected, 3: expected + x.shape[2:], 4: x.shape[:1] + expected + x.shape[3:]}[x.ndim]
    if g.shape != want:
        raise ValueError(
            f"grad must have the shape of blur_pool's output {want} for x of shape {x.shape}, "
            f"f={f!r}, stride={stride!r}, filter_size={filter_size!r}; got shape {g.shape}"
        )
    dtype = np.result_type(_work_dtype(x.dtype), _work_dtype(g.dtype))
    gb, unbatch = _to_batch(np.asarray(g, dtype=dtype))
    dcols = _blur_axis_backward(gb, 2, pooled[1], taps, pads, sw)
    dy = unbatch(_blur_axis_backward(dcols, 1, pooled[0], taps, pads, sh))
    if method == "max":
        _, indices = pool(x, f, 1, return_indices=True)
        return unpool_max(dy, indices, x.shape)
    return unpool_avg(dy, x.shape, f, 1)
