"""Where max pooling's backward pass sends a window's gradient when its maximum is tied.

Where a window holds several equal maxima, max pooling has no gradient:
moving any one of them up changes the output, moving it down does not.
A backward pass must still send the window's gradient somewhere.
:func:`unpool_max_ties` makes the choice explicit:

* ``'first'``: all of it to the first maximum in row-major order
  (PyTorch, and :func:`pooling_lib.unpool_max`);
* ``'last'``: all of it to the last maximum;
* ``'all'``: all of it to *every* maximum (the seed post's ``==`` mask): the
  gradient is counted several times over;
* ``'split'``: an equal share to each maximum.

Only ``'all'`` breaks the conservation of gradient mass (the sum of the
input gradient equals the sum of the output gradient). Check a backward pass
against finite differences with :func:`pooling_lib.gradcheck.numerical_gradient`.
"""

import itertools

import numpy as np

from . import core
from ._checks import as_pool_array, check_flag, pair
from ._kernels import offsets

__all__ = ["TIE_POLICIES", "tie_counts", "tied_maxima", "unpool_max_ties"]

#: The tie policies :func:`unpool_max_ties` knows.
TIE_POLICIES = ("first", "last", "all", "split")


def unpool_max_ties(grad, x, f, stride=None, *, policy="first", padding=0, ceil_mode=False):
    """Gradient of max pooling, with a chosen rule for windows whose maximum is tied.

    Parameters
    ----------
    grad : array_like, shape (ho, wo), (ho, wo, c) or (m, ho, wo, c)
        Gradient with respect to the pooled output ``pool(x, f, stride, ...)``.
    x : array_like, shape (h, w), (h, w, c) or (m, h, w, c)
        The input that was pooled (the ties are looked up in it). Never
        modified.
    f : int or (int, int)
        Window size.
    stride : int or (int, int) or None, optional
        Step between windows; ``None`` (default) means ``stride = f``.
    policy : {'first', 'last', 'all', 'split'}, optional
        Where a window's gradient goes when several cells equal its maximum:
        the first of them (row-major order), the last, every one of them in
        full, or an equal share to each.
    padding : int or (int, int), optional
        Padding used when pooling; padding cells never take a share.
    ceil_mode : bool, optional
        ``ceil_mode`` used when pooling.

    Returns
    -------
    ndarray, shape of `x`
        The input gradient. Where windows overlap their contributions add
        up. Float dtype of `grad` (float64 for integer `grad`).

    Raises
    ------
    ValueError
        Unknown `policy`; `grad` not shaped like the pooled output; the
        errors of :func:`pooling_lib.pool` for bad window arguments.
    TypeError
        Non-numeric `x` or `grad`; non-bool `ceil_mode`.

    Notes
    -----
    ``'first'`` is exactly :func:`pooling_lib.unpool_max` with the indices of
    ``pool(..., return_indices=True)`` (including PyTorch's NaN rule: a
    window holding NaN sends its gradient to its last NaN). For the other
    policies the tied cells of a window holding NaN are its NaN cells.

    Sum of the input gradient: ``'first'``, ``'last'`` and ``'split'``
    give exactly the sum of `grad` (each window hands on what it received,
    once); ``'all'`` gives more whenever a window with nonzero gradient has
    a tie.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4) // 6      # blocks of equal values: ties
    >>> x
    array([[0, 0, 0, 0],
           [0, 0, 1, 1],
           [1, 1, 1, 1],
           [2, 2, 2, 2]])
    >>> g = np.ones((2, 2))
    >>> unpool_max_ties(g, x, 2, policy="first")
    array([[1., 0., 0., 0.],
           [0., 0., 1., 0.],
           [0., 0., 0., 0.],
           [1., 0., 1., 0.]])
    >>> unpool_max_ties(g, x, 2, policy="split")
    array([[0.25, 0.25, 0.  , 0.  ],
           [0.25, 0.25, 0.5 , 0.5 ],
           [0.  , 0.  , 0.  , 0.  ],
           [0.5 , 0.5 , 0.5 , 0.5 ]])
    >>> unpool_max_ties(g, x, 2, policy="all").sum()     # 4 windows, counted 10 times
    np.float64(10.0)
    """
    x = as_pool_array(x, "x")
    grad = as_pool_array(grad, "grad")
    if policy not in TIE_POLICIES:
        raise ValueError(f"policy must be one of {TIE_POLICIES}, got {policy!r}")
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    out, indices = core.pool(x, f, stride, padding=padding, ceil_mode=ceil_mode, return_indices=True)
    if grad.shape != out.shape:
        raise ValueError(
            f"grad must have the shape of the pooled output {out.shape}, got shape {grad.shape}"
        )
    if policy == "first":
        return core.unpool_max(grad, indices, x.shape)

    xb, unbatch = core._to_batch(x)
    ob, _ = core._to_batch(out)
    gb = core._to_batch(grad)[0].astype(grad.dtype if grad.dtype.kind == "f" else np.float64)
    g = core._geometry(xb.shape[1:3], f, stride, padding, ceil_mode)
    m, h, w, c = xb.shape
    (ho, wo), (fh, fw), (sh, sw), (ph, pw) = g.out, g.f, g.s, g.pad
    hp = max(g.span[0], h + ph)
    wp = max(g.span[1], w + pw)
    xp = np.zeros((m, hp, wp, c), dtype=x.dtype)
    real = np.zeros((m, hp, wp, c), dtype=bool)
    xp[:, ph:ph + h, pw:pw + w] = xb
    real[:, ph:ph + h, pw:pw + w] = True
    out_nan = np.isnan(ob) if x.dtype.kind == "f" else np.zeros(ob.shape, dtype=bool)

    def tied(rows, cols):
        tap = xp[:, rows, cols]
        hit = tap == ob
        if x.dtype.kind == "f":
            hit |= np.isnan(tap) & out_nan
        return hit & real[:, rows, cols]

    acc = np.zeros((m, hp, wp, c), dtype=gb.dtype)
    order = list(itertools.product(offsets(ho, fh, sh), offsets(wo, fw, sw)))
    if policy == "last":
        taken = np.zeros(ob.shape, dtype=bool)
        for rows, cols in reversed(order):
            pick = tied(rows, cols) & ~taken
            taken |= pick
            acc[:, rows, cols] += np.where(pick, gb, 0)
    else:
        share = gb
        if policy == "split":
            count = sum(tied(rows, cols).astype(np.int64) for rows, cols in order)
            share = gb / count
        for rows, cols in order:
            acc[:, rows, cols] += np.where(tied(rows, cols), share, 0)
    return unbatch(acc[:, ph:ph + h, pw:pw + w])


def _maximum_hits(x, f, stride):
    """Validate a 2-D ``x``; True where a cell of window (i, j) equals its maximum, (ho, wo, fh, fw)."""
    x = as_pool_array(x, "x")
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (h, w), got shape {x.shape}")
    return core.windows(x, f, stride) == core.pool(x, f, stride)[:, :, None, None]


def tie_counts(x, f, stride=None):
    """How many cells of each window equal its maximum (no padding).

    Parameters
    ----------
    x : array_like, shape (h, w)
        The input.
    f, stride : int
        Window size and stride, as in :func:`pooling_lib.pool`.

    Returns
    -------
    ndarray of int, shape (ho, wo)
        1 where the window's maximum is unique, more where it is tied.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4) // 6
    >>> tie_counts(x, 2, 2)
    array([[4, 2],
           [2, 2]])
    """
    return _maximum_hits(x, f, stride).sum(axis=(2, 3))


def tied_maxima(x, f, stride=None):
    """Which cells are one of several equal maxima of some window (no padding).

    Parameters
    ----------
    x : array_like, shape (h, w)
        The input.
    f, stride : int
        Window size and stride, as in :func:`pooling_lib.pool`.

    Returns
    -------
    ndarray of bool, shape (h, w)
        True at a cell that equals the maximum of a window whose maximum
        is held by more than one cell.

    Examples
    --------
    >>> x = np.array([[1, 1, 0, 2],
    ...               [0, 0, 0, 1]])
    >>> tied_maxima(x, 2, 2).astype(int)
    array([[1, 1, 0, 0],
           [0, 0, 0, 0]])
    """
    hit = _maximum_hits(x, f, stride)
    sh, sw = pair(f if stride is None else stride, "stride", 1)
    tied = np.zeros(np.shape(x), dtype=bool)
    for i, j in zip(*np.nonzero(hit.sum(axis=(2, 3)) > 1)):
        rows, cols = np.nonzero(hit[i, j])
        tied[i * sh + rows, j * sw + cols] = True
    return tied
