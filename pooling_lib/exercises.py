"""Exercise boxes that tell a student at once whether an answer is right.

The expected answer is always computed by the lesson from the exercise's own
data with the library, never typed into the notebook::

    x = np.arange(16).reshape(4, 4)
    Exercise("Max-pool x with 2x2 windows. Type the result as a nested list.",
             expected=pool(x, 2))
"""

import ast
import re

import ipywidgets as widgets
import numpy as np

__all__ = ["Exercise", "parse_answer"]


def parse_answer(text):
    """Turn what a student typed into a number, a tuple or an array.

    Parameters
    ----------
    text : str
        A Python literal: ``3``, ``2.5``, ``(2, 3)``, ``[[1, 2], [3, 4]]``,
        ``nan``; ``True``/``False`` and quoted words are accepted as they are.

    Returns
    -------
    object
        The parsed value (lists become arrays).

    Raises
    ------
    ValueError
        If `text` is not a literal.

    Examples
    --------
    >>> parse_answer("[[5, 7], [13, 15]]")
    array([[ 5,  7],
           [13, 15]])
    >>> parse_answer(" 2 ")
    2
    """
    cleaned = re.sub(r"\bnan\b", "float('nan')", text.strip())
    if not cleaned:
        raise ValueError("the answer is empty")
    try:
        if "float('nan')" in cleaned:
            value = eval(cleaned, {"__builtins__": {"float": float}}, {})  # only literals and float('nan')
        else:
            value = ast.literal_eval(cleaned)
    except (ValueError, SyntaxError, TypeError, NameError) as exc:
        raise ValueError(f"could not read {text!r} as a number, tuple or nested list") from exc
    if isinstance(value, list):
        return np.array(value)
    return value


def _matches(answer, expected):
    if isinstance(expected, str) or isinstance(answer, str):
        return str(answer).strip().lower() == str(expected).strip().lower()
    a = np.asarray(answer)
    e = np.asarray(expected)
    if a.shape != e.shape:
        return False
    if a.dtype.kind in "fiub" and e.dtype.kind in "fiub":
        return bool(np.allclose(a, e, rtol=1e-3, atol=1e-3, equal_nan=True))
    return bool(np.array_equal(a, e))


class Exercise:
    """A question, an answer box, a Check button and instant feedback.

    Parameters
    ----------
    question : str
        The question (HTML allowed).
    expected : object
        The right answer, computed by the library from the exercise's data:
        a number, a tuple, an array or a short word. Numbers are compared
        with a tolerance of 1e-3; shapes must match.
    hint : str, optional
        Shown after a wrong answer.

    Examples
    --------
    >>> ex = Exercise("How many windows?", expected=4)
    >>> ex.check("4")
    True
    >>> ex.check("5")
    False
    >>> "Not yet" in ex.feedback.value
    True
    """

    def __init__(self, question, expected, hint=""):
        self.expected = expected
        self.hint = hint
        self.question = widgets.HTML(question)
        self.answer = widgets.Text(placeholder="your answer", layout=widgets.Layout(width="24em"))
        self.button = widgets.Button(description="Check", button_style="primary")
        self.feedback = widgets.HTML()
        self.button.on_click(lambda _: self.check(self.answer.value))
        self.widget = widgets.VBox([self.question, widgets.HBox([self.answer, self.button]), self.feedback])

    def check(self, text):
        """Check ``text``, show the verdict in ``feedback`` and return whether it is right."""
        try:
            answer = parse_answer(text)
        except ValueError as exc:
            self.feedback.value = f"<span style='color:#b35900'>Could not read that: {exc}.</span>"
            return False
        right = _matches(answer, self.expected)
        if right:
            self.feedback.value = "<span style='color:#1a7f37'><b>Right!</b></span>"
        else:
            extra = f" Hint: {self.hint}" if self.hint else ""
            self.feedback.value = f"<span style='color:#b31d28'>Not yet, try again.{extra}</span>"
        return right

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
