"""A deliberately naive reference for pooling and unpooling, written straight from the definitions.

Every quantity is computed with plain Python loops over the output positions and over the
cells of each window, one sample and one channel at a time. It is slow on purpose: it exists
so that the fast code in ``pooling_lib`` is checked against something simple enough to read
and believe, never against itself. Nothing here imports ``pooling_lib``.

Conventions (PyTorch's, see ``torch.nn.MaxPool2d`` / ``AvgPool2d`` and their CPU kernels):

* Arrays are ``(h, w)``, ``(h, w, c)`` or ``(m, h, w, c)``; the spatial axes are the first two
  (or the middle two for 4-D). Internally everything is viewed as ``(m, h, w, c)``.
* ``f``, ``stride`` and ``padding`` are an int or a ``(row, col)`` pair; ``stride=None``
  means ``stride = f``.
* Output size: ``floor((n + 2p - d * (f - 1) - 1) / s) + 1`` (``d`` the dilation), or ``ceil``
  with ``ceil_mode``, in which case a last window that would start in the right padding is dropped.
* Dilation (max only): window ``(oi, oj)`` reads the cells ``oi*s - p + a*d`` for ``a < f``.
* ``padding='same'`` (TensorFlow): ``ceil(n / s)`` windows; the padding is
  ``total = max((out - 1) * s + d * (f - 1) + 1 - n, 0)`` cells, ``total // 2`` before and the rest
  after (the odd cell at the bottom/right); its mean divides by the real cells only unless
  ``count_include_pad=True`` is asked for. ``padding='valid'`` is no padding.
* Max: padding cells never take part. Scanning a window's real cells in row-major order, a
  cell replaces the current maximum when it is larger or when it is NaN, so the first maximum
  wins on ties and the last NaN wins when there are NaNs (the window then pools to NaN).
  Indices are flat positions ``row * w + col`` in the unpadded plane.
* Mean: ``hstart = oi*s - p``, ``hend = min(hstart + f, h + p)``, ``pool_size`` is the area
  between those bounds; the bounds are then clipped to the input and the divisor is
  ``pool_size`` with ``count_include_pad`` and the clipped area without it. ``divisor_override``
  replaces the divisor of every window.
"""

import math

import numpy as np


def pair(value):
    """``value`` as a ``(row, col)`` pair of Python ints."""
    if isinstance(value, (tuple, list)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def pads(n, f, stride=None, padding=0, dilation=1):
    """Padding ``(before, after)`` along one axis: ``padding`` both sides, or TensorFlow's 'same'/'valid'."""
    s = f if stride is None else stride
    if padding == "valid":
        return 0, 0
    if padding == "same":
        out = math.ceil(n / s)
        total = max((out - 1) * s + dilation * (f - 1) + 1 - n, 0)
        return total // 2, total - total // 2
    return padding, padding


def output_size(n, f, stride=None, padding=0, ceil_mode=False, dilation=1):
    """Number of windows along an axis of length ``n`` (PyTorch's ``pooling_output_shape``)."""
    s = f if stride is None else stride
    before, after = pads(n, f, s, padding, dilation)
    numerator = n + before + after - dilation * (f - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = numerator // s + 1
    if ceil_mode and (out - 1) * s >= n + before:
        out -= 1
    return out


def _params(f, stride, padding):
    fh, fw = pair(f)
    sh, sw = (fh, fw) if stride is None else pair(stride)
    ph, pw = (padding, padding) if isinstance(padding, str) else pair(padding)
    return fh, fw, sh, sw, ph, pw


def _plane(h, w, f, stride, padding, ceil_mode, dilation=1):
    """Per axis: ``(window, stride, pad before, pad after, dilation, output size)``, rows then cols."""
    fh, fw, sh, sw, ph, pw = _params(f, stride, padding)
    dh, dw = pair(dilation)
    rows = (fh, sh) + pads(h, fh, sh, ph, dh) + (dh, output_size(h, fh, sh, ph, ceil_mode, dh))
    cols = (fw, sw) + pads(w, fw, sw, pw, dw) + (dw, output_size(w, fw, sw, pw, ceil_mode, dw))
    return rows, cols


def _as_batch(x):
    """View ``x`` as ``(m, h, w, c)``."""
    x = np.asarray(x)
    if x.ndim == 2:
        return x[None, :, :, None]
    if x.ndim == 3:
        return x[None]
    if x.ndim == 4:
        return x
    raise ValueError(f"reference: x must have 2, 3 or 4 dimensions, got {x.ndim}")


def _from_batch(arr, ndim):
    """Undo :func:`_as_batch` on an array whose axes 1 and 2 are the output plane."""
    if ndim == 2:
        return arr[0, :, :, 0]
    if ndim == 3:
        return arr[0]
    return arr


def _is_nan(value):
    return isinstance(value, np.floating) and bool(np.isnan(value))


def max_pool(x, f, stride=None, padding=0, ceil_mode=False, dilation=1):
    """Max pooling. Returns ``(out, indices)``; ``out`` has ``x``'s dtype, ``indices`` int64.

    Raises ``ValueError`` for a window that holds no real cell (possible only with dilation).
    """
    x = np.asarray(x)
    xb = _as_batch(x)
    m, h, w, c = xb.shape
    (fh, sh, ph, _, dh, ho), (fw, sw, pw, _, dw, wo) = _plane(h, w, f, stride, padding, ceil_mode, dilation)
    out = np.zeros((m, ho, wo, c), dtype=x.dtype)
    idx = np.zeros((m, ho, wo, c), dtype=np.int64)
    for b in range(m):
        for ch in range(c):
            for oi in range(ho):
                for oj in range(wo):
                    best_value, best_index = None, None
                    for a in range(fh):
                        for d in range(fw):
                            row = oi * sh - ph + a * dh
                            col = oj * sw - pw + d * dw
                            if not (0 <= row < h and 0 <= col < w):
                                continue  # a padding cell (or past the padding): never a candidate
                            value = xb[b, row, col, ch]
                            if best_value is None or value > best_value or _is_nan(value):
                                best_value, best_index = value, row * w + col
                    if best_value is None:
                        raise ValueError(f"reference: window ({oi}, {oj}) holds only padding")
                    out[b, oi, oj, ch] = best_value
                    idx[b, oi, oj, ch] = best_index
    return _from_batch(out, x.ndim), _from_batch(idx, x.ndim)


def max_mask(x, f, stride=None, padding=0, ceil_mode=False, dilation=1):
    """The 0/1 mask of each window's maximum, laid out like the windows.

    Shape ``(ho, wo, fh, fw)``, ``(ho, wo, fh, fw, c)`` or ``(m, ho, wo, fh, fw, c)``; entry
    ``(a, b)`` of window ``(oi, oj)`` is the padded-plane cell ``(oi*sh - ph + a*dh, oj*sw - pw + b*dw)``.
    """
    x = np.asarray(x)
    _, idx = max_pool(x, f, stride, padding, ceil_mode, dilation)
    idxb = _as_batch(idx)
    m, ho, wo, c = idxb.shape
    h, w = _as_batch(x).shape[1:3]
    (fh, sh, ph, _, dh, _), (fw, sw, pw, _, dw, _) = _plane(h, w, f, stride, padding, ceil_mode, dilation)
    mask = np.zeros((m, ho, wo, fh, fw, c), dtype=np.uint8)
    for b in range(m):
        for ch in range(c):
            for oi in range(ho):
                for oj in range(wo):
                    row, col = divmod(int(idxb[b, oi, oj, ch]), w)
                    mask[b, oi, oj, (row - (oi * sh - ph)) // dh, (col - (oj * sw - pw)) // dw, ch] = 1
    if x.ndim == 2:
        return mask[0, :, :, :, :, 0]
    if x.ndim == 3:
        return mask[0]
    return mask


def _mean_bounds(oi, s, before, after, f, n, count_include_pad):
    """Clipped ``[start, end)`` of a window along one axis, and its share of the divisor."""
    start = oi * s - before
    end = min(start + f, n + after)
    size = end - start
    start, end = max(start, 0), min(end, n)
    return start, end, (size if count_include_pad else end - start)


def _include_pad(count_include_pad, padding):
    """``None`` means PyTorch's True for integer padding, TensorFlow's real-cells-only for 'same'."""
    if count_include_pad is None:
        return padding != "same"
    return count_include_pad


def mean_pool(x, f, stride=None, padding=0, ceil_mode=False, count_include_pad=None,
              divisor_override=None):
    """Mean pooling, as float64 (exact integer sums for integer input)."""
    x = np.asarray(x)
    xb = _as_batch(x)
    m, h, w, c = xb.shape
    (fh, sh, pt, pb, _, ho), (fw, sw, pl, pr, _, wo) = _plane(h, w, f, stride, padding, ceil_mode)
    include = _include_pad(count_include_pad, padding)
    integer = np.issubdtype(x.dtype, np.integer)
    out = np.zeros((m, ho, wo, c), dtype=np.float64)
    for b in range(m):
        for ch in range(c):
            for oi in range(ho):
                r0, r1, dh = _mean_bounds(oi, sh, pt, pb, fh, h, include)
                for oj in range(wo):
                    c0, c1, dw = _mean_bounds(oj, sw, pl, pr, fw, w, include)
                    cells = [xb[b, row, col, ch] for row in range(r0, r1) for col in range(c0, c1)]
                    if integer:
                        total = sum(int(v) for v in cells)  # exact
                    else:
                        values = [float(v) for v in cells]
                        total = math.fsum(values) if all(map(math.isfinite, values)) else sum(values)
                    divisor = dh * dw if divisor_override is None else divisor_override
                    out[b, oi, oj, ch] = total / divisor
    return _from_batch(out, x.ndim)


def pool(x, f, stride=None, method="max"):
    """``max_pool``'s output (without indices) or ``mean_pool``'s, picked by ``method``."""
    if method == "max":
        return max_pool(x, f, stride)[0]
    return mean_pool(x, f, stride)


def unpool_max(grad, indices, input_shape):
    """Scatter-add each value of ``grad`` to the flat position its index names (float64)."""
    grad = np.asarray(grad)
    gb = _as_batch(grad)
    ib = _as_batch(np.asarray(indices))
    result = np.zeros(input_shape, dtype=np.float64)
    rb = _as_batch(result)  # a view: writing to it fills `result`
    w = rb.shape[2]
    m, ho, wo, c = gb.shape
    for b in range(m):
        for ch in range(c):
            for oi in range(ho):
                for oj in range(wo):
                    row, col = divmod(int(ib[b, oi, oj, ch]), w)
                    rb[b, row, col, ch] += float(gb[b, oi, oj, ch])
    return result


def unpool_avg(grad, input_shape, f, stride=None, padding=0, ceil_mode=False, count_include_pad=None,
               divisor_override=None):
    """Spread each value of ``grad``, divided by its window's divisor, over the window's real cells."""
    grad = np.asarray(grad)
    gb = _as_batch(grad)
    result = np.zeros(input_shape, dtype=np.float64)
    rb = _as_batch(result)
    _, h, w, _ = rb.shape
    (fh, sh, pt, pb, _, _), (fw, sw, pl, pr, _, _) = _plane(h, w, f, stride, padding, ceil_mode)
    include = _include_pad(count_include_pad, padding)
    m, ho, wo, c = gb.shape
    for b in range(m):
        for ch in range(c):
            for oi in range(ho):
                r0, r1, dh = _mean_bounds(oi, sh, pt, pb, fh, h, include)
                for oj in range(wo):
                    c0, c1, dw = _mean_bounds(oj, sw, pl, pr, fw, w, include)
                    divisor = dh * dw if divisor_override is None else divisor_override
                    share = float(gb[b, oi, oj, ch]) / divisor
                    for row in range(r0, r1):
                        for col in range(c0, c1):
                            rb[b, row, col, ch] += share
    return result


def windows(x, f, stride=None):
    """Every (unpadded, floor-mode) window, copied into the post's layout."""
    x = np.asarray(x)
    xb = _as_batch(x)
    m, h, w, c = xb.shape
    fh, fw, sh, sw, _, _ = _params(f, stride, 0)
    ho, wo = output_size(h, fh, sh), output_size(w, fw, sw)
    view = np.zeros((m, ho, wo, fh, fw, c), dtype=x.dtype)
    for b in range(m):
        for ch in range(c):
            for oi in range(ho):
                for oj in range(wo):
                    for a in range(fh):
                        for d in range(fw):
                            view[b, oi, oj, a, d, ch] = xb[b, oi * sh + a, oj * sw + d, ch]
    if x.ndim == 2:
        return view[0, :, :, :, :, 0]
    if x.ndim == 3:
        return view[0]
    return view


def finite_differences(loss, x, step=1e-3):
    """Central differences of the scalar ``loss`` at every cell of the float array ``x``."""
    grad = np.zeros_like(x)
    for k in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.flat[k] += step
        minus.flat[k] -= step
        grad.flat[k] = (loss(plus) - loss(minus)) / (2 * step)
    return grad


def window_maxima(x, f, stride):
    """For each (unpadded, floor-mode) window of a 2-D ``x``: the cells holding its maximum.

    Returns a list of rows of lists of ``(row, col)`` pairs in row-major order (the first is the
    one that wins under PyTorch's rule), one entry per output cell.
    """
    h, w = x.shape
    ho, wo = (h - f) // stride + 1, (w - f) // stride + 1
    result = []
    for i in range(ho):
        row = []
        for j in range(wo):
            cells = [(r, c) for r in range(i * stride, i * stride + f)
                     for c in range(j * stride, j * stride + f)]
            top = max(x[r, c] for r, c in cells)
            row.append([(r, c) for r, c in cells if x[r, c] == top])
        result.append(row)
    return result


def ties(x, f, stride):
    """How many cells hold each window's maximum, and which input cells are tied in some window."""
    maxima = window_maxima(x, f, stride)
    counts = np.array([[len(cell) for cell in row] for row in maxima], dtype=int).reshape(
        len(maxima), -1)
    tied = np.zeros(x.shape, dtype=bool)
    for row in maxima:
        for cell in row:
            if len(cell) > 1:
                for r, c in cell:
                    tied[r, c] = True
    return counts, tied


def pool_by_positions(x, f, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Max (with indices) and mean pooling of a big ``(m, h, w, c)`` array, for NaN-free input.

    The same definitions as above, but each output position handles all samples and channels
    at once with numpy (so that arrays large enough to exercise a multi-threaded implementation
    stay affordable). ``argmax`` returns the first maximum in row-major order, which is the tie
    rule; NaN is not supported here (``argmax`` would name the first NaN, not the last).
    """
    x = np.asarray(x)
    m, h, w, c = x.shape
    fh, fw, sh, sw, ph, pw = _params(f, stride, padding)
    ho = output_size(h, fh, sh, ph, ceil_mode)
    wo = output_size(w, fw, sw, pw, ceil_mode)
    out = np.zeros((m, ho, wo, c), dtype=x.dtype)
    idx = np.zeros((m, ho, wo, c), dtype=np.int64)
    mean = np.zeros((m, ho, wo, c), dtype=np.float64)
    for oi in range(ho):
        r0, r1, dh = _mean_bounds(oi, sh, ph, ph, fh, h, count_include_pad)
        for oj in range(wo):
            c0, c1, dw = _mean_bounds(oj, sw, pw, pw, fw, w, count_include_pad)
            cells = x[:, r0:r1, c0:c1, :].reshape(m, -1, c)  # real cells, row-major
            k = np.argmax(cells, axis=1)  # (m, c): first maximum
            out[:, oi, oj, :] = np.take_along_axis(cells, k[:, None, :], axis=1)[:, 0, :]
            rows, cols = r0 + k // (c1 - c0), c0 + k % (c1 - c0)
            idx[:, oi, oj, :] = rows * w + cols
            mean[:, oi, oj, :] = cells.astype(np.float64).sum(axis=1) / (dh * dw)
    return out, idx, mean


def unpool_by_positions(grad, indices, input_shape, f, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True):
    """unpool_max and unpool_avg of a big ``(m, ho, wo, c)`` gradient, per output position."""
    grad = np.asarray(grad, dtype=np.float64)
    m, h, w, c = input_shape
    fh, fw, sh, sw, ph, pw = _params(f, stride, padding)
    _, ho, wo, _ = grad.shape
    by_max = np.zeros((m, h * w, c))
    by_avg = np.zeros((m, h, w, c))
    samples, channels = np.arange(m)[:, None], np.arange(c)[None, :]
    for oi in range(ho):
        r0, r1, dh = _mean_bounds(oi, sh, ph, ph, fh, h, count_include_pad)
        for oj in range(wo):
            c0, c1, dw = _mean_bounds(oj, sw, pw, pw, fw, w, count_include_pad)
            by_max[samples, indices[:, oi, oj, :], channels] += grad[:, oi, oj, :]
            by_avg[:, r0:r1, c0:c1, :] += (grad[:, oi, oj, :] / (dh * dw))[:, None, None, :]
    return by_max.reshape(m, h, w, c), by_avg
