"""The arithmetic of pooling windows, written out: the output-size formula and the cells each window covers.

:func:`size_formula` writes the output-size formula with the numbers of one
axis; its numbers come from :func:`pooling_lib.core.window_count` (the
library's one ``ceil_mode`` rule), so it can never disagree with
:func:`pooling_lib.output_size`. :func:`window_taps` lists, per window, the
input positions it reads along one axis (padding positions are < 0 or >= n);
:func:`windows_containing` answers "which windows see this cell?".
"""

import numpy as np

from .core import window_count

__all__ = ["size_formula", "window_taps", "windows_containing"]


def size_formula(n, f, stride, padding=0, ceil_mode=False, dilation=1):
    """The output-size formula along one axis, written out with the numbers.

    Parameters
    ----------
    n : int
        Input length along the axis.
    f : int
        Window size.
    stride : int
        Step between windows.
    padding : int, optional
        Cells added at both ends.
    ceil_mode : bool, optional
        Round up instead of down (PyTorch's ``ceil_mode``).
    dilation : int, optional
        Step between the cells of one window; the window then spans
        ``dilation·(f − 1) + 1`` cells (written out when ``dilation > 1``).

    Returns
    -------
    str
        For example ``"floor((6 + 2·0 − 3) / 3) + 1 = 2"``. When
        ``ceil_mode`` counts a last window that would start past the input
        (in the right padding), the formula shows that window being dropped.

    Notes
    -----
    Both numbers (the formula's count and the windows kept) come from
    :func:`pooling_lib.core.window_count`, which also validates the arguments.

    Examples
    --------
    >>> size_formula(6, 3, 3)
    'floor((6 + 2·0 − 3) / 3) + 1 = 2'
    >>> size_formula(6, 3, 2, ceil_mode=True)
    'ceil((6 + 2·0 − 3) / 2) + 1 = 3'
    >>> size_formula(6, 4, 4, padding=2, ceil_mode=True)
    'ceil((6 + 2·2 − 4) / 4) + 1 − 1 = 2 (window 3 would start at 6, past the input)'
    >>> size_formula(6, 2, 1, dilation=3)
    'floor((6 + 2·0 − (3·(2 − 1) + 1)) / 1) + 1 = 3'
    """
    counted, size = window_count(n, f, stride, padding, ceil_mode, dilation)
    name = "ceil" if ceil_mode else "floor"
    window = f"{f}" if dilation == 1 else f"({dilation}·({f} − 1) + 1)"
    text = f"{name}(({n} + 2·{padding} − {window}) / {stride}) + 1"
    if counted != size:
        start = (counted - 1) * stride - padding
        return f"{text} − 1 = {size} (window {counted} would start at {start}, past the input)"
    return f"{text} = {size}"


def window_taps(n, f, stride, padding=0, ceil_mode=False, dilation=1):
    """The input positions each window reads along one axis.

    Returns
    -------
    ndarray of int, shape (windows, f)
        Row ``k`` holds ``k·stride − padding + dilation·t`` for ``t`` in
        ``0 .. f − 1``; positions below 0 or from ``n`` on are padding (or,
        with ``ceil_mode``, past the padding).

    Examples
    --------
    >>> window_taps(6, 3, 2, padding=1)
    array([[-1,  0,  1],
           [ 1,  2,  3],
           [ 3,  4,  5]])
    >>> window_taps(6, 2, 1, dilation=3)
    array([[0, 3],
           [1, 4],
           [2, 5]])
    """
    size = window_count(n, f, stride, padding, ceil_mode, dilation).size
    return np.arange(size)[:, None] * stride - padding + dilation * np.arange(f)[None, :]


def windows_containing(position, n, f, stride, padding=0, ceil_mode=False, dilation=1):
    """Which windows along one axis read input position ``position``.

    Returns
    -------
    ndarray of int
        The window numbers, ascending.

    Examples
    --------
    >>> windows_containing(2, 6, 3, 1)
    array([0, 1, 2])
    >>> windows_containing(5, 6, 3, 3)
    array([1])
    """
    taps = window_taps(n, f, stride, padding, ceil_mode, dilation)
    return np.flatnonzero((taps == position).any(axis=1))
