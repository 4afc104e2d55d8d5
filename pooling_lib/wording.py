"""Words for captions: counts with the right singular or plural.

One helper, so that no caption reads "1 windows" or "all 1 windows".
"""

__all__ = ["count"]


def count(n, word, plural=None):
    """``"1 window"``, ``"3 windows"``; ``plural`` for irregular words.

    Parameters
    ----------
    n : int
        How many.
    word : str
        The singular.
    plural : str, optional
        The plural, default ``word + "s"``.

    Examples
    --------
    >>> count(1, "window"), count(4, "window"), count(2, "cell wins", "cells win")
    ('1 window', '4 windows', '2 cells win')
    """
    return f"{n} {word if n == 1 else (plural or word + 's')}"
