"""One module per lesson's live explorer (an :class:`pooling_lib.explorers.base.Explorer` subclass).

Each module may also define ``figures()``, a generator of ``(name, figure)``
pairs that ``python -m pooling_lib.figures`` saves into ``figures/``.
:func:`all_explorers` finds every explorer class, for the tests and the
step-time benchmark.
"""

import importlib
import inspect
import pkgutil

from .base import Explorer

__all__ = ["all_explorers", "lesson_modules"]


def lesson_modules():
    """Import and return every module of this package, sorted by name."""
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]


def all_explorers():
    """Every Explorer subclass defined in this package, in module order."""
    found = []
    for module in lesson_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Explorer) and cls is not Explorer and cls.__module__ == module.__name__:
                found.append(cls)
    return found
