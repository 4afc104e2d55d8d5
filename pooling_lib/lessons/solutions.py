"""The exercise solutions of every lesson, written into the teacher's guide (``TEACHING.md``).

The answers are not typed into the guide: they are computed by each lesson
module's exercises (:mod:`pooling_lib.lessons`), so the guide says exactly
what the exercise boxes accept. Run::

    python -m pooling_lib.lessons.solutions

to rewrite the part of ``TEACHING.md`` between each lesson's markers::

    <!-- solutions: aliasing -->
    ...
    <!-- end solutions -->

``tests/test_teaching_guide.py`` fails when the guide is out of date.
"""

import html
import importlib
import re
import sys
from pathlib import Path

import numpy as np

from ..exercises import Choice, Exercise, Prediction
from . import LESSON_MODULES

__all__ = ["GUIDE", "answer_text", "lesson_solutions", "update_guide"]

#: The teacher's guide, at the repository's root.
GUIDE = Path(__file__).resolve().parents[2] / "TEACHING.md"

_BLOCK = re.compile(r"(<!-- solutions: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- end solutions -->)", re.S)


def _plain(text):
    """HTML of a question or message as plain Markdown text (code kept as code).

    Examples
    --------
    >>> _plain("Sum of<pre style='x'>[[1. 2.]\\n [3. 4.]]</pre>? <b>Enter</b> submits.")
    'Sum of `[[1. 2.] [3. 4.]]`? **Enter** submits.'
    """
    text = re.sub(r"<pre[^>]*>(.*?)</pre>", lambda m: " `" + " ".join(m[1].split()) + "`", text, flags=re.S)
    text = re.sub(r"</?code>", "`", text)
    text = re.sub(r"</?(b|strong)>", "**", text)
    text = re.sub(r"</?(i|em)>", "*", text)
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def _number(value):
    value = float(value)
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer():
        return str(int(value))
    return f"{value:.6g}"


def answer_text(value):
    """What a student types for ``value``: numbers rounded to 6 digits, lists and tuples as Python literals.

    Examples
    --------
    >>> answer_text(10.999999999999998), answer_text(np.array([[1.0, 0.5]])), answer_text((1, 2))
    ('11', '[[1, 0.5]]', '(1, 2)')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        inner = ", ".join(answer_text(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, (list, np.ndarray)):
        return "[" + ", ".join(answer_text(v) for v in value) + "]"
    return _number(value)


def _kind(exercise):
    if isinstance(exercise, Prediction):
        return "predict, then check"
    if isinstance(exercise, Choice):
        return "concept question"
    return "typed answer"


def lesson_solutions(name):
    """The Markdown list of one lesson module's exercises with their answers and reasoning.

    Parameters
    ----------
    name : str
        A module of :data:`pooling_lib.lessons.LESSON_MODULES`, e.g. ``"aliasing"``.

    Returns
    -------
    str
        One numbered item per exercise: the question, the answer the box
        accepts, why, and the wrong answers that get their own message.
    """
    if name not in LESSON_MODULES:
        raise ValueError(f"name must be one of {LESSON_MODULES}, got {name!r}")
    module = importlib.import_module(f"{__package__}.{name}")
    items = []
    for number, ex_name in enumerate(module.exercises.names(), start=1):
        ex = module.exercises(ex_name)
        lines = [f"{number}. **`{ex_name}`** ({_kind(ex)}). {_plain(ex.question.value)}"]
        if isinstance(ex, Exercise):
            lines.append(f"   *Answer:* `{answer_text(ex.expected)}`.")
            if ex.explanation:
                lines.append(f"   *Why:* {_plain(ex.explanation)}")
            elif ex.hint:
                lines.append(f"   *Hint given to students (the exercise has no explanation):* {_plain(ex.hint)}")
            for wrong, message in ex.misconceptions:
                lines.append(f"   *Known wrong answer* `{answer_text(wrong)}`: {_plain(message)}")
        else:
            lines.append(f"   *Answer:* {ex.expected}. *Why:* {_plain(ex.explanations[ex.expected])}")
            for label, why in ex.explanations.items():
                if label != ex.expected:
                    lines.append(f"   *Wrong option* \"{label}\": {_plain(why)}")
        items.append("\n".join(lines))
    return "\n".join(items) + "\n"


def update_guide(path=GUIDE):
    """Rewrite every solutions block of the guide at ``path``; return the names of the lessons updated."""
    text = Path(path).read_text(encoding="utf-8")
    updated = []

    def fill(match):
        updated.append(match["name"])
        return match.group(1) + lesson_solutions(match["name"]) + match.group(4)

    Path(path).write_text(_BLOCK.sub(fill, text), encoding="utf-8")
    return updated


if __name__ == "__main__":
    names = update_guide(Path(sys.argv[1]) if len(sys.argv) > 1 else GUIDE)
    print(f"updated the solutions of {len(names)} lessons: {', '.join(names)}")
