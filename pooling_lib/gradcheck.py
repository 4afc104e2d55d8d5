"""Finite differences: the gradient a backward pass must match.

:func:`numerical_gradient` nudges one input cell at a time and measures how
``sum(grad * func(x))`` moves, centrally or one-sided. Lesson 07 checks
max and average pooling's backward passes against it; at a tie of max pooling
the one-sided differences disagree (there is no gradient there).
"""

import numpy as np

__all__ = ["numerical_gradient"]


def numerical_gradient(func, x, grad=None, *, eps=1e-6, side="central"):
    """Finite-difference gradient of ``sum(grad * func(x))`` with respect to ``x``.

    Parameters
    ----------
    func : callable
        Takes an array shaped like `x`, returns an array (for example
        ``lambda a: pool(a, 2)``).
    x : array_like
        Where to take the gradient; converted to float64 and never modified.
    grad : array_like or None, optional
        Weights of the outputs, shaped like ``func(x)`` (the upstream
        gradient). ``None`` (default) means all ones.
    eps : float, optional
        Step size, positive.
    side : {'central', 'forward', 'backward'}, optional
        ``(L(x + eps) - L(x - eps)) / (2 eps)``, ``(L(x + eps) - L(x)) / eps``
        or ``(L(x) - L(x - eps)) / eps``, one input cell at a time.

    Returns
    -------
    ndarray of float64, shape of `x`
        The estimated gradient.

    Raises
    ------
    TypeError
        `func` not callable; `x` or `grad` not numeric; `eps` not a number.
    ValueError
        Unknown `side`; `eps` not positive; `grad` not shaped like
        ``func(x)``.

    Notes
    -----
    It calls `func` ``2 * x.size`` times (``x.size + 1`` one-sided): use it on
    small inputs. Where the function has a kink (max pooling at a tie) the
    forward and backward differences disagree, and the central one is their
    average: there is no gradient to agree with.

    Examples
    --------
    >>> from pooling_lib import pool
    >>> x = np.arange(16).reshape(4, 4)
    >>> numerical_gradient(lambda a: pool(a, 2), x).round(6)
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])
    >>> numerical_gradient(lambda a: pool(a, 2, method="mean"), x)[:2, :2].round(6)
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}")
    if side not in ("central", "forward", "backward"):
        raise ValueError(f"side must be 'central', 'forward' or 'backward', got {side!r}")
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"eps must be a number, got {eps!r}")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"x must have an integer or floating-point dtype, got dtype {arr.dtype}")
    point = arr.astype(np.float64)  # a copy: x itself is never touched
    base = np.asarray(func(point.copy()), dtype=np.float64)
    if grad is None:
        weights = np.ones_like(base)
    else:
        weights = np.asarray(grad)
        if weights.dtype.kind not in "iuf":
            raise TypeError(f"grad must have an integer or floating-point dtype, got dtype {weights.dtype}")
        if weights.shape != base.shape:
            raise ValueError(f"grad must have the shape of func(x) {base.shape}, got shape {weights.shape}")
        weights = weights.astype(np.float64)

    def loss(a):
        return float(np.sum(weights * np.asarray(func(a), dtype=np.float64)))

    l0 = float(np.sum(weights * base))
    result = np.zeros_like(point)
    flat = point.reshape(-1)
    out = result.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + eps
        up = loss(point) if side != "backward" else l0
        flat[i] = keep - eps
        down = loss(point) if side != "forward" else l0
        flat[i] = keep
        out[i] = (up - down) / (2 * eps if side == "central" else eps)
    return result
