"""The course's example grids, built in one place.

The seed post's 6x6 grid (:func:`post_example`) is the course's running
example; lessons 03 and 04 derive their other inputs from it here, so that
every lesson and every explorer shows the very same numbers.
"""

import numpy as np

__all__ = ["BACKWARD_INPUTS", "POSITIONS_INPUTS", "TIE_INPUTS", "adaptive_input", "backward_input", "lp_input",
           "positions_input", "post_example", "tie_input"]


def post_example():
    """The seed post's 6x6 toy input: integers 0-19 drawn with seed 100.

    Returns
    -------
    ndarray of int64, shape (6, 6)
        What ``np.random.seed(100); np.random.randint(0, 20, [6, 6])`` gives,
        drawn from a private ``RandomState`` so that numpy's global random
        state is left alone. A new array on every call.

    Examples
    --------
    >>> x = post_example()
    >>> x[:2]
    array([[ 8,  3,  7, 15, 16, 10],
           [ 2,  2,  2, 14,  2, 17]])
    >>> from pooling_lib import pool
    >>> pool(x, 3)
    array([[16, 17],
           [14, 19]])
    """
    return np.random.RandomState(100).randint(0, 20, (6, 6)).astype(np.int64)


#: Lesson 03's inputs, by the label its explorer's dropdown shows.
POSITIONS_INPUTS = {
    "random integers (the post's grid)": "random",
    "ties (values above 12 cut to 12)": "ties",
    "a NaN at (1, 1)": "nan",
}


def positions_input(kind):
    """One of lesson 03's 6x6 inputs.

    Parameters
    ----------
    kind : {'random', 'ties', 'nan'}
        ``'random'``: the seed post's grid (:func:`post_example`);
        ``'ties'``: the same grid with every value above 12 cut to 12, so
        most windows hold their maximum more than once (like a saturated
        photo); ``'nan'``: the post's grid as floats with a NaN at (1, 1).

    Returns
    -------
    ndarray, shape (6, 6)
        A new array (int for 'random' and 'ties', float for 'nan').

    Examples
    --------
    >>> positions_input("ties")[:2]
    array([[ 8,  3,  7, 12, 12, 10],
           [ 2,  2,  2, 12,  2, 12]])
    >>> from pooling_lib import pool
    >>> pool(positions_input("nan"), 3)
    array([[nan, 17.],
           [14., 19.]])
    """
    if kind not in ("random", "ties", "nan"):
        raise ValueError(f"kind must be 'random', 'ties' or 'nan', got {kind!r}")
    x = post_example()
    if kind == "ties":
        return np.minimum(x, 12)
    if kind == "nan":
        x = x.astype(float)
        x[1, 1] = np.nan
    return x


#: Lesson 04's inputs: key -> label.
BACKWARD_INPUTS = {
    "random7": "7×7 seeded integers",
    "post": "6×6 from the blog post",
    "centre": "3×3, only the centre is non-zero",
}


def backward_input(name):
    """One of lesson 04's input grids.

    Parameters
    ----------
    name : {'random7', 'post', 'centre'}
        ``'random7'``: a 7x7 grid of integers 0..19 drawn with
        ``np.random.default_rng(0)``; ``'post'``: :func:`post_example`;
        ``'centre'``: a 3x3 grid of zeros with a 1 in the centre (with a
        2x2 window and stride 1, all four windows share that 1 as their
        maximum).

    Returns
    -------
    ndarray of int64, shape (7, 7), (6, 6) or (3, 3)

    Examples
    --------
    >>> backward_input("post")[0]
    array([ 8,  3,  7, 15, 16, 10])
    >>> backward_input("centre")
    array([[0, 0, 0],
           [0, 1, 0],
           [0, 0, 0]])
    """
    if name not in BACKWARD_INPUTS:
        raise ValueError(f"name must be one of {sorted(BACKWARD_INPUTS)}, got {name!r}")
    if name == "random7":
        return np.random.default_rng(0).integers(0, 20, (7, 7))
    if name == "post":
        return post_example()
    x = np.zeros((3, 3), dtype=np.int64)
    x[1, 1] = 1
    return x


def adaptive_input(n):
    """Lesson 09's adaptive-pooling input: the top-left ``n x n`` corner of a seeded 10x10 grid of 0..9.

    Examples
    --------
    >>> adaptive_input(3)
    array([[7, 3, 2],
           [0, 3, 5],
           [9, 2, 8]])
    """
    return np.random.default_rng(8).integers(0, 10, (10, 10))[:n, :n]


def lp_input(negative=False):
    """Lesson 09's LP-pooling input, 6x6: seeded integers 0..9, minus 4 if ``negative``.

    Examples
    --------
    >>> lp_input()[0]
    array([8., 0., 1., 2., 1., 8.])
    >>> lp_input(negative=True)[0]
    array([ 4., -4., -3., -2., -3.,  4.])
    """
    x = np.random.default_rng(3).integers(0, 10, (6, 6)).astype(np.float64)
    return x - 4 if negative else x


#: Lesson 07's inputs with ties: name -> label (the tie-policy explorer's dropdown).
TIE_INPUTS = {
    "few": "a few tied windows (hand-made)",
    "blocks": "2x2 blocks of equal values",
    "plateau": "a plateau: all zeros",
    "small": "random integers 0-2 (seed 6)",
    "post": "the post's 6x6 example",
    "distinct": "no ties: 0-35 shuffled (seed 0)",
}

_FEW = np.array([[1, 5, 2, 0, 3, 3],
                 [5, 2, 1, 4, 0, 1],
                 [0, 1, 7, 2, 2, 6],
                 [3, 2, 0, 1, 2, 0],
                 [4, 4, 1, 3, 8, 2],
                 [4, 0, 2, 9, 1, 2]])


def tie_input(name):
    """One of lesson 07's 6x6 inputs with tied maxima (:data:`TIE_INPUTS`).

    Parameters
    ----------
    name : str
        A key of :data:`TIE_INPUTS`.

    Returns
    -------
    ndarray of int, shape (6, 6)

    Examples
    --------
    >>> tie_input("few")[:2]
    array([[1, 5, 2, 0, 3, 3],
           [5, 2, 1, 4, 0, 1]])
    >>> tie_input("blocks")
    array([[1, 1, 3, 3, 2, 2],
           [1, 1, 3, 3, 2, 2],
           [4, 4, 4, 4, 1, 1],
           [4, 4, 4, 4, 1, 1],
           [2, 2, 5, 5, 5, 5],
           [2, 2, 5, 5, 5, 5]])
    >>> int(np.unique(tie_input("distinct")).size)
    36
    """
    if name not in TIE_INPUTS:
        raise ValueError(f"name must be one of {sorted(TIE_INPUTS)}, got {name!r}")
    if name == "few":
        return _FEW.copy()
    if name == "blocks":
        return np.kron([[1, 3, 2], [4, 4, 1], [2, 5, 5]], np.ones((2, 2), dtype=int))
    if name == "plateau":
        return np.zeros((6, 6), dtype=int)
    if name == "small":
        return np.random.default_rng(6).integers(0, 3, size=(6, 6))
    if name == "post":
        return post_example()
    return np.random.default_rng(0).permutation(36).reshape(6, 6)
