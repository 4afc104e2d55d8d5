"""Regenerate the course's pictures from the library.

Run ``python -m pooling_lib.figures [FOLDER]``: every lesson module in
:mod:`pooling_lib.explorers` that defines ``figures()`` contributes its
pictures (the seed post's Figures 1-3 and one picture per explorer), saved
as PNG by :func:`pooling_lib.plotting.save_fig` into ``figures/`` or FOLDER.
"""

import sys

import matplotlib

from .explorers import lesson_modules
from .plotting import FIGURES_DIR, save_fig

__all__ = ["main", "make_figures"]


def make_figures(folder=FIGURES_DIR):
    """Save every lesson's figures into ``folder``; return the paths written."""
    paths = []
    for module in lesson_modules():
        make = getattr(module, "figures", None)
        if make is None:
            continue
        for name, fig in make():
            paths.append(save_fig(fig, name, folder))
    return paths


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    matplotlib.use("Agg")
    folder = argv[0] if argv else FIGURES_DIR
    for path in make_figures(folder):
        print(path)


if __name__ == "__main__":
    main()
