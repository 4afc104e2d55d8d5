"""Output size and padding along one axis, in each framework's convention.

The same window size and stride give different output sizes in different
libraries, because each one pads (or does not pad) differently:

========================  =====================================================
``'torch'``               PyTorch, ``ceil_mode=False``: ``floor((n + 2p - f) / s) + 1``
``'torch-ceil'``          PyTorch, ``ceil_mode=True``: ``ceil(...)`` instead of floor,
                          minus a last window that would start past the input
``'tf-valid'``            TensorFlow/Keras ``padding='valid'``: no padding,
                          ``ceil((n - f + 1) / s)``
``'tf-same'``             TensorFlow/Keras ``padding='same'``: ``ceil(n / s)`` windows,
                          padding chosen to fit them, the odd cell at the bottom/right
``'post-pad'``            the seed post's ``pad=True`` *as its code computes it*:
                          ``n // s + 1`` windows on a zero-padded input (a bug)
``'post-pad-meant'``      what the post's ``pad=True`` meant: keep the partial
                          windows at the end, padding that never counts
========================  =====================================================

:func:`layout` describes one convention (output size, padding before and
after, where each window starts, which windows are kept, dropped or start
inside the padding); :func:`compare` gives all of them at once.
:func:`window_divisors` and :func:`divisor_map` give what each window of a
PyTorch mean pooling divides by, with and without ``count_include_pad``.
"""

from collections import namedtuple

import numpy as np

from . import core
from ._checks import LARGEST, check_flag, check_int

__all__ = [
    "CONVENTIONS",
    "STATUSES",
    "Layout",
    "compare",
    "divisor_map",
    "layout",
    "post_pad_windows",
    "same_padding",
    "size_table",
    "tf_output_size",
    "window_divisors",
]

#: Convention name -> a label a student reads.
CONVENTIONS = {
    "torch": "PyTorch (floor)",
    "torch-ceil": "PyTorch ceil_mode",
    "tf-valid": "TF/Keras 'valid'",
    "tf-same": "TF/Keras 'same'",
    "post-pad": "post pad=True (bug)",
    "post-pad-meant": "post pad=True (meant)",
}

#: Window status -> what it means.
STATUSES = {
    "kept": "in the output; only real input cells",
    "partial": "in the output; also covers padding or cells past the end",
    "in-padding": "in the output although it starts past the input: padding only",
    "dropped": "not in the output although it would reach input cells no window covers",
    "dropped-in-padding": "not in the output: ceil_mode counts it, but it would start past the input",
}

_FILL = {
    "torch": "-inf (max) / 0 (mean)",
    "torch-ceil": "-inf (max) / 0 (mean)",
    "tf-valid": "none",
    "tf-same": "ignored",
    "post-pad": "integer 0",
    "post-pad-meant": "NaN (ignored)",
}

Layout = namedtuple(
    "Layout",
    ["convention", "n", "f", "stride", "size", "pad_before", "pad_after", "overhang",
     "starts", "status", "uncovered", "fill", "formula", "note"],
)
Layout.__doc__ = """How one convention lays its windows over an axis of length ``n``.

Attributes
----------
convention : str
    A key of :data:`CONVENTIONS`.
n, f, stride : int
    Input length, window size, stride.
size : int or None
    Number of windows in the output (``None`` when the convention's code
    fails for these numbers, see `note`).
pad_before, pad_after : int
    Padding cells before the first and after the last input cell.
overhang : int
    Cells past the end of the padding that the last window reaches
    (PyTorch ``ceil_mode`` only; they count for nothing).
starts : ndarray of int
    Start of each window shown, in input coordinates (negative: inside the
    left padding). The kept windows come first, in order.
status : tuple of str
    One :data:`STATUSES` key per entry of `starts`.
uncovered : ndarray of int
    Input cells that no kept window covers (their values never reach the
    output).
fill : str
    What the padding cells hold.
formula : str
    The output-size formula with the numbers filled in.
note : str
    Empty, or why the convention's code fails for these numbers.
"""


# ------------------------------------------------------------------ checks
def _check_axis(n, f, stride, padding):
    n = check_int(n, "n", 1, LARGEST)
    f = check_int(f, "f", 1, LARGEST)
    stride = f if stride is None else check_int(stride, "stride", 1, LARGEST)
    padding = check_int(padding, "padding", 0, LARGEST)
    return n, f, stride, padding


def _check_window_fits(n, f, convention):
    if f > n:
        raise ValueError(f"f must be at most n ({n}) for convention {convention!r}, got {f}")


# ------------------------------------------------------------------ sizes
def tf_output_size(n, f, stride=None, padding="valid"):
    """Output length of TensorFlow/Keras pooling along one axis.

    Parameters
    ----------
    n : int
        Input length.
    f : int
        Window size (``pool_size``).
    stride : int or None, optional
        Step between windows; ``None`` (default) means ``stride = f``, as
        Keras does.
    padding : {'valid', 'same'}, optional
        ``'valid'``: no padding, only windows that fit. ``'same'``: pad so
        that there are ``ceil(n / stride)`` windows.

    Returns
    -------
    int
        ``ceil((n - f + 1) / stride)`` for ``'valid'``, ``ceil(n / stride)``
        for ``'same'``.

    Raises
    ------
    ValueError
        If `padding` is not ``'valid'`` or ``'same'``, or (``'valid'``) the
        window is longer than the input.

    Notes
    -----
    ``'valid'`` gives the same number as PyTorch without padding and without
    ``ceil_mode``. ``'same'`` does not depend on `f` at all: the padding
    grows with the window instead (see :func:`same_padding`).

    Examples
    --------
    A row of ``np.arange(16).reshape(4, 4)`` has 4 cells:

    >>> tf_output_size(4, 2)
    2
    >>> tf_output_size(4, 3, stride=2)
    1
    >>> tf_output_size(4, 3, stride=2, padding="same")
    2
    >>> tf_output_size(5, 3, stride=2, padding="same")
    3
    """
    n, f, stride, _ = _check_axis(n, f, stride, 0)
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    if padding == "valid":
        _check_window_fits(n, f, "tf-valid")
    return core.output_size(n, f, stride, padding)


def same_padding(n, f, stride=None):
    """Padding TensorFlow/Keras ``'same'`` adds before and after one axis.

    Parameters
    ----------
    n : int
        Input length.
    f : int
        Window size.
    stride : int or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.

    Returns
    -------
    before, after : int
        ``total = max((out - 1) * stride + f - n, 0)`` with
        ``out = ceil(n / stride)``; ``before = total // 2`` and
        ``after = total - before``.

    Notes
    -----
    When the total is odd, the extra cell goes at the end (bottom/right).
    PyTorch's ``padding`` is always symmetric, so it cannot copy this: a
    ``'same'`` layer ported to PyTorch needs an explicit asymmetric pad.
    TensorFlow's average pooling divides by the number of real cells only:
    its padding never counts.

    Examples
    --------
    >>> same_padding(4, 2)
    (0, 0)
    >>> same_padding(4, 3, stride=1)
    (1, 1)
    >>> same_padding(4, 2, stride=1)
    (0, 1)
    >>> same_padding(5, 3, stride=2)
    (1, 1)
    """
    n, f, stride, _ = _check_axis(n, f, stride, 0)
    return core._same_padding(n, f, stride)


def post_pad_windows(n, f, stride=None):
    """Window count and padded length of the seed post's ``pad=True`` code (buggy).

    Parameters
    ----------
    n : int
        Input length.
    f : int
        Window size.
    stride : int or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.

    Returns
    -------
    windows : int
        ``n // stride + 1``: what the post's ``_ceil`` helper computes.
    padded : int
        ``(windows - 1) * stride + f``: the length of the zero-filled array
        the post copies the input into.

    Notes
    -----
    ``n // stride + 1`` is not a ceiling: it is one too many whenever
    ``stride`` divides ``n`` (and it ignores ``f``). The post's 6 x 6 example
    with ``f = stride = 3`` gets a third window made only of padding
    (KNOWN-DEFECTS #4). The padding is ``np.full(size, 0)``: integer zeros,
    which beat every negative value in a max. When ``padded < n`` the post's
    code cannot even copy the input (it raises ``ValueError``). What the
    post meant is PyTorch's ``ceil_mode`` without padding, see
    :func:`layout` with ``convention='post-pad-meant'``.

    Examples
    --------
    >>> post_pad_windows(4, 2)
    (3, 6)
    >>> post_pad_windows(6, 3)
    (3, 9)
    >>> post_pad_windows(5, 3, stride=2)
    (3, 7)
    """
    n, f, stride, _ = _check_axis(n, f, stride, 0)
    windows = n // stride + 1
    return windows, (windows - 1) * stride + f


def window_divisors(n, f, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """What each window of a PyTorch mean pooling divides its sum by, along one axis.

    Parameters
    ----------
    n : int
        Input length.
    f : int
        Window size.
    stride : int or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.
    padding : int, optional
        Cells added at both ends, at most ``f // 2``.
    ceil_mode : bool, optional
        Keep a last, partial window (see :func:`pooling_lib.output_size`).
    count_include_pad : bool, optional
        Count the padding cells a window covers (PyTorch's default) or only
        the real input cells.

    Returns
    -------
    ndarray of int, shape (out,)
        Divisor of each window. In 2-D the divisor of window ``(i, j)`` is
        the product of the row and column divisors (:func:`divisor_map`).

    Notes
    -----
    Even with ``count_include_pad=True``, the cells of a ``ceil_mode``
    window that hang past the right padding are not counted: PyTorch clips
    the window to the padded input first.

    Examples
    --------
    >>> window_divisors(4, 2)
    array([2, 2])
    >>> window_divisors(4, 3, stride=2, padding=1)
    array([3, 3])
    >>> window_divisors(4, 3, stride=2, padding=1, count_include_pad=False)
    array([2, 3])
    >>> window_divisors(4, 3, stride=2, ceil_mode=True)
    array([3, 2])
    """
    n, f, stride, padding = _check_axis(n, f, stride, padding)
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    count_include_pad = check_flag(count_include_pad, "count_include_pad")
    out = core.output_size(n, f, stride, padding, ceil_mode)
    return core._divisors(n, f, stride, padding, padding, out, count_include_pad)


def divisor_map(n, f, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Divisor of every window of a PyTorch mean pooling of an ``n x n`` input.

    Parameters
    ----------
    n, f, stride, padding, ceil_mode, count_include_pad
        As in :func:`window_divisors` (the same along rows and columns).

    Returns
    -------
    ndarray of int, shape (out, out)
        ``divisor_map[i, j]`` is the number of cells window ``(i, j)``
        divides its sum by.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> divisor_map(x.shape[0], 3, stride=2, padding=1, count_include_pad=False)
    array([[4, 6],
           [6, 9]])
    >>> divisor_map(4, 3, stride=2, padding=1)
    array([[9, 9],
           [9, 9]])
    """
    d = window_divisors(n, f, stride, padding, ceil_mode, count_include_pad)
    return np.multiply.outer(d, d)


# ------------------------------------------------------------------ layouts
def _formula(convention, n, f, s, p, size, raw=None):
    if convention == "torch":
        return f"⌊({n} + 2·{p} − {f}) / {s}⌋ + 1 = {size}"
    if convention == "torch-ceil":
        text = f"⌈({n} + 2·{p} − {f}) / {s}⌉ + 1 = {raw}"
        if raw != size:
            start = (raw - 1) * s - p
            text += f" − 1 = {size} (window {raw} would start at {start}, past the input)"
        return text
    if convention == "tf-valid":
        return f"⌈({n} − {f} + 1) / {s}⌉ = {size}"
    if convention == "tf-same":
        before, after = same_padding(n, f, s)
        total = (size - 1) * s + f - n
        return (f"⌈{n} / {s}⌉ = {size}; pad max(({size} − 1)·{s} + {f} − {n}, 0) = {max(total, 0)} "
                f"= {before} + {after}")
    if convention == "post-pad":
        windows, padded = post_pad_windows(n, f, s)
        return f"{n} // {s} + 1 = {windows} (on a zero-padded length ({windows} − 1)·{s} + {f} = {padded})"
    return f"⌈({n} − {f}) / {s}⌉ + 1 = {size}"


def layout(n, f, stride=None, convention="torch", padding=0):
    """Where one convention puts its windows along an axis of length ``n``.

    Parameters
    ----------
    n : int
        Input length.
    f : int
        Window size.
    stride : int or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.
    convention : str, optional
        A key of :data:`CONVENTIONS`: ``'torch'``, ``'torch-ceil'``,
        ``'tf-valid'``, ``'tf-same'``, ``'post-pad'`` (the post's code, with
        its bug) or ``'post-pad-meant'`` (what the post meant).
    padding : int, optional
        PyTorch's symmetric padding, at most ``f // 2``. Only the
        ``'torch'`` conventions take it; the others choose their own padding
        and need ``padding=0``.

    Returns
    -------
    Layout
        Output size, padding before/after, window starts and their status
        (``'kept'``, ``'partial'``, ``'in-padding'``, ``'dropped'``,
        ``'dropped-in-padding'``, see :data:`STATUSES`), the input cells no
        window covers, and the formula with the numbers filled in.

    Raises
    ------
    ValueError
        Unknown `convention`; `padding` given to a convention that chooses
        its own; padding larger than ``f // 2``; a window longer than the
        (padded) input.
    TypeError
        Non-integer `n`, `f`, `stride` or `padding`.

    Notes
    -----
    The windows listed are the kept ones, then at most one window that is
    not in the output: the next window when it would reach input cells
    that no kept window covers (``'dropped'``), or the window that
    ``ceil_mode``'s formula counts but PyTorch removes because it would
    start past the input, in the right padding or beyond
    (``'dropped-in-padding'``).

    The sizes of ``'torch'`` and ``'torch-ceil'`` come from
    :func:`pooling_lib.output_size`.

    Examples
    --------
    The rows of ``np.arange(16).reshape(4, 4)`` have 4 cells; windows of 3
    with stride 2:

    >>> x = np.arange(16).reshape(4, 4)
    >>> n = x.shape[0]
    >>> floor = layout(n, 3, 2)
    >>> floor.size, floor.starts, floor.status, floor.uncovered
    (1, array([0, 2]), ('kept', 'dropped'), array([3]))
    >>> ceil = layout(n, 3, 2, convention="torch-ceil")
    >>> ceil.size, ceil.starts, ceil.status, ceil.overhang
    (2, array([0, 2]), ('kept', 'partial'), 1)
    >>> same = layout(n, 3, 2, convention="tf-same")
    >>> same.size, same.pad_before, same.pad_after, same.starts
    (2, 0, 1, array([0, 2]))
    >>> bug = layout(n, 2, convention="post-pad")
    >>> bug.size, bug.starts, bug.status
    (3, array([0, 2, 4]), ('kept', 'kept', 'in-padding'))
    >>> print(layout(n, 2, convention="post-pad").formula)
    4 // 2 + 1 = 3 (on a zero-padded length (3 − 1)·2 + 2 = 6)
    """
    n, f, stride, padding = _check_axis(n, f, stride, padding)
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {sorted(CONVENTIONS)}, got {convention!r}")
    if padding and not convention.startswith("torch"):
        raise ValueError(
            f"padding must be 0 for convention {convention!r} (it chooses its own padding), got {padding}"
        )
    s = stride
    raw = None
    overhang = 0
    note = ""
    if convention in ("torch", "torch-ceil"):
        ceil_mode = convention == "torch-ceil"
        raw, size = core.window_count(n, f, s, padding, ceil_mode)
        before = after = padding
    elif convention == "tf-valid":
        size = tf_output_size(n, f, s, "valid")
        before = after = 0
    elif convention == "tf-same":
        size = tf_output_size(n, f, s, "same")
        before, after = same_padding(n, f, s)
    elif convention == "post-pad":
        _check_window_fits(n, f, convention)
        size, padded = post_pad_windows(n, f, s)
        before, after = 0, padded - n
        if padded < n:
            note = (f"the post's code raises ValueError here: it copies the {n} input cells "
                    f"into a padded array of only {padded}")
            after = 0
    else:  # post-pad-meant: PyTorch's ceil_mode without padding, padding ignored
        _check_window_fits(n, f, convention)
        size = core.output_size(n, f, s, 0, True)
        before, after = 0, max((size - 1) * s + f - n, 0)

    formula = _formula(convention, n, f, s, padding, size, raw)
    if note:
        size = None
    kept = 0 if size is None else size
    starts = [k * s - before for k in range(kept)]
    status = []
    for start in starts:
        if start >= n:
            status.append("in-padding")
        elif start < 0 or start + f > n:
            status.append("partial")
        else:
            status.append("kept")
    covered = np.zeros(n, dtype=bool)
    for start in starts:
        covered[max(start, 0):max(min(start + f, n), 0)] = True
    if starts and convention == "torch-ceil":
        overhang = max(starts[-1] + f - (n + after), 0)
    if raw is not None and raw > size:
        starts.append(size * s - before)
        status.append("dropped-in-padding")
    elif size is not None:
        start = size * s - before
        if start < n and not covered[max(start, 0):start + f].all():
            starts.append(start)
            status.append("dropped")
    return Layout(convention, n, f, s, size, before, after, overhang,
                  np.array(starts, dtype=int), tuple(status), np.flatnonzero(~covered),
                  _FILL[convention], formula, note)


def compare(n, f, stride=None, padding=0):
    """:func:`layout` of every convention, for the same ``n``, ``f`` and ``stride``.

    Parameters
    ----------
    n, f, stride
        As in :func:`layout`.
    padding : int, optional
        PyTorch's padding (the other conventions choose their own).

    Returns
    -------
    dict of str to Layout
        By convention name, in the order of :data:`CONVENTIONS`.

    Examples
    --------
    >>> sizes = {name: lay.size for name, lay in compare(5, 3, 2).items()}
    >>> sizes
    {'torch': 2, 'torch-ceil': 2, 'tf-valid': 2, 'tf-same': 3, 'post-pad': 3, 'post-pad-meant': 2}
    """
    out = {}
    for name in CONVENTIONS:
        out[name] = layout(n, f, stride, name, padding if name.startswith("torch") else 0)
    return out


def size_table(n, f, stride=None, padding=0):
    """A plain-text table of every convention's output size, padding and formula.

    Parameters
    ----------
    n, f, stride, padding
        As in :func:`compare`.

    Returns
    -------
    str
        One line per convention.

    Examples
    --------
    >>> print(size_table(4, 2))
    n=4, f=2, stride=2, padding=0
    PyTorch (floor)        2  pad 0+0  ⌊(4 + 2·0 − 2) / 2⌋ + 1 = 2
    PyTorch ceil_mode      2  pad 0+0  ⌈(4 + 2·0 − 2) / 2⌉ + 1 = 2
    TF/Keras 'valid'       2  pad 0+0  ⌈(4 − 2 + 1) / 2⌉ = 2
    TF/Keras 'same'        2  pad 0+0  ⌈4 / 2⌉ = 2; pad max((2 − 1)·2 + 2 − 4, 0) = 0 = 0 + 0
    post pad=True (bug)    3  pad 0+2  4 // 2 + 1 = 3 (on a zero-padded length (3 − 1)·2 + 2 = 6)
    post pad=True (meant)  2  pad 0+0  ⌈(4 − 2) / 2⌉ + 1 = 2
    """
    layouts = compare(n, f, stride, padding)
    s = next(iter(layouts.values())).stride
    lines = [f"n={n}, f={f}, stride={s}, padding={padding}"]
    width = max(len(label) for label in CONVENTIONS.values())
    for name, lay in layouts.items():
        size = "fails" if lay.size is None else str(lay.size)
        lines.append(f"{CONVENTIONS[name]:<{width}}  {size:>2}  pad {lay.pad_before}+{lay.pad_after}  "
                     f"{lay.note or lay.formula}")
    return "\n".join(lines)
