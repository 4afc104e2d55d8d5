"""Exercise boxes that tell a student at once whether an answer is right, and why.

Three kinds of question, all built by the lesson modules in
:mod:`pooling_lib.lessons` (which compute the expected answer from the
exercise's own data with the library, so no answer is written in a notebook):

* :class:`Exercise`: type a number, a tuple or a nested list; Enter or the
  Check button submits. A wrong answer that matches a known misconception gets
  its own message (``misconceptions={5: "check where the last window starts"}``).
* :class:`Choice`: a concept question with options; picking one shows at once
  whether it is right and the explanation written for that option.
* :class:`Prediction`: "predict, then check": pick a prediction, try it on the
  explorer (the question says which control to move), then press Reveal.

A lesson module collects its exercises in an :class:`ExerciseSet`, and the
notebook shows one by name::

    from pooling_lib.lessons import windows_and_strides as lesson
    lesson.exercise("output-size")
"""

import ast
import html
import re

import ipywidgets as widgets
import numpy as np

__all__ = ["Exercise", "Choice", "Prediction", "ExerciseSet", "parse_answer"]

_RIGHT = "#1a7f37"  # green, 5.1:1 on white
_WRONG = "#b31d28"  # red, 6.3:1 on white
_UNREAD = "#8a4600"  # brown, 6.6:1 on white
_FONT = "font-size:15px"  # readable at projector distance


def parse_answer(text):
    """Turn what a student typed into a number, a tuple or an array.

    Parameters
    ----------
    text : str
        A Python literal: ``3``, ``2.5``, ``(2, 3)``, ``2, 3``,
        ``[[1, 2], [3, 4]]``, ``nan``, ``inf``, ``-inf``; ``True``/``False``
        and quoted words are accepted as they are.

    Returns
    -------
    object
        The parsed value (lists become arrays).

    Raises
    ------
    TypeError
        If `text` is not a string.
    ValueError
        If `text` is empty or not a literal.

    Examples
    --------
    >>> parse_answer("[[5, 7], [13, 15]]")
    array([[ 5,  7],
           [13, 15]])
    >>> parse_answer(" 2 ")
    2
    >>> parse_answer("2, 3")
    (2, 3)
    >>> parse_answer("-inf")
    -inf
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise ValueError("the answer is empty")
    cleaned = re.sub(r"\b(nan|inf)\b", r"float('\1')", stripped)
    try:
        if cleaned != stripped:
            # only literals and float('nan') / float('inf'): no names, no builtins but float
            tree = ast.parse(cleaned, mode="eval")
            allowed = (ast.Expression, ast.Constant, ast.List, ast.Tuple, ast.UnaryOp, ast.USub, ast.UAdd,
                       ast.Call, ast.Name, ast.Load)
            for node in ast.walk(tree):
                if not isinstance(node, allowed) or (isinstance(node, ast.Name) and node.id != "float"):
                    raise ValueError(f"unexpected {type(node).__name__}")
            value = eval(compile(tree, "<answer>", "eval"), {"__builtins__": {"float": float}}, {})
        else:
            value = ast.literal_eval(cleaned)
    except (ValueError, SyntaxError, TypeError, NameError, MemoryError, RecursionError) as exc:
        raise ValueError(f"could not read {text!r} as a number, tuple or nested list") from exc
    if isinstance(value, list):
        try:
            return np.array(value)
        except ValueError as exc:  # ragged lists
            raise ValueError(f"the rows of {text!r} have different lengths") from exc
    return value


def _matches(answer, expected, tolerance=1e-3):
    if isinstance(expected, str) or isinstance(answer, str):
        return str(answer).strip().lower() == str(expected).strip().lower()
    a = np.asarray(answer)
    e = np.asarray(expected)
    if a.shape != e.shape:
        return False
    if a.dtype.kind in "fiub" and e.dtype.kind in "fiub":
        return bool(np.allclose(a, e, rtol=tolerance, atol=tolerance, equal_nan=True))
    return bool(np.array_equal(a, e))


#: Options, answer box and buttons as large as the question (the widgets' default is 13 px).
_CSS = ("<style>.pooling-exercise .widget-radio-box label,.pooling-exercise input[type=text],"
        ".pooling-exercise button{font-size:15px}.pooling-exercise .widget-radio-box label{line-height:1.6}</style>")


def _box(children):
    box = widgets.VBox([*children, widgets.HTML(_CSS)])
    box.add_class("pooling-exercise")
    return box


def _say(colour, text):
    return f"<div style='color:{colour};{_FONT}'>{text}</div>"


def _pairs(misconceptions):
    if misconceptions is None:
        return []
    if isinstance(misconceptions, dict):
        items = list(misconceptions.items())
    else:
        try:
            items = [tuple(item) for item in misconceptions]
        except TypeError:
            raise TypeError(
                "misconceptions must be a dict {wrong answer: message} or a list of (wrong answer, message) "
                f"pairs, got {type(misconceptions).__name__}"
            ) from None
    for item in items:
        if len(item) != 2 or not isinstance(item[1], str):
            raise TypeError(f"each misconception must be a (wrong answer, message str) pair, got {item!r}")
    return items


class Exercise:
    """A question, an answer box, a Check button and instant feedback.

    Parameters
    ----------
    question : str
        The question (HTML allowed).
    expected : object
        The right answer, computed by the library from the exercise's data:
        a number, a tuple, an array or a short word. Numbers are compared
        with the tolerance; shapes must match.
    hint : str, optional
        Shown after a wrong answer that matches no misconception.
    misconceptions : dict or list of (answer, str) pairs, optional
        Wrong answers that a known mistake produces, each with its own
        message (list of pairs when the wrong answers are arrays). The
        message is shown instead of the hint.
    explanation : str, optional
        Shown after the right answer: why it is right.
    tolerance : float, optional
        Absolute and relative tolerance for numbers (default 1e-3).

    Attributes
    ----------
    answer : ipywidgets.Text
        The answer box; Enter submits (``continuous_update=False``: its
        value changes, and the answer is checked, on Enter or when the box
        loses focus).
    button : ipywidgets.Button
        Checks the answer again (also the same answer twice).
    feedback : ipywidgets.HTML
        The verdict.
    widget : ipywidgets.VBox
        What the notebook shows.

    Notes
    -----
    The expected answer is not a widget trait, so it is never sent to the
    browser nor saved in the notebook; :attr:`solution` gives it to the
    teacher's guide.

    Examples
    --------
    >>> ex = Exercise("How many windows?", expected=2, misconceptions={3: "the last window must fit"})
    >>> ex.check("2")
    True
    >>> ex.check("3")
    False
    >>> "the last window must fit" in ex.feedback.value
    True
    >>> ex.answer.value = "2"   # what pressing Enter in the box does
    >>> "Right" in ex.feedback.value
    True
    """

    def __init__(self, question, expected, *, hint="", misconceptions=None, explanation="", tolerance=1e-3):
        if not isinstance(question, str):
            raise TypeError(f"question must be a string, got {type(question).__name__}")
        if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or not tolerance >= 0:
            raise ValueError(f"tolerance must be a number >= 0, got {tolerance!r}")
        self.expected = expected
        self.hint = hint
        self.explanation = explanation
        self.tolerance = float(tolerance)
        self.misconceptions = _pairs(misconceptions)
        for wrong, _ in self.misconceptions:
            if _matches(wrong, expected, self.tolerance):
                raise ValueError(f"misconception answer {wrong!r} equals the expected answer")
        self.question = widgets.HTML(f"<div style='{_FONT}'>{question}</div>")
        self.answer = widgets.Text(
            placeholder="type your answer, then Enter",
            continuous_update=False,
            layout=widgets.Layout(width="24em"),
        )
        self.button = widgets.Button(description="Check", button_style="primary")
        self.feedback = widgets.HTML()
        self.button.on_click(lambda _: self.check(self.answer.value))
        self.answer.observe(self._on_submit, names="value")
        self.widget = _box([self.question, widgets.HBox([self.answer, self.button]), self.feedback])

    def _on_submit(self, change):
        if change["new"].strip():
            self.check(change["new"])

    @property
    def solution(self):
        """The expected answer, as text (for the teacher's guide)."""
        value = self.expected
        if isinstance(value, str):
            return value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float):  # 11.0 -> '11', 10.999999999999998 -> '11', 5.444444444 -> '5.444444'
            return np.format_float_positional(round(value, 6), trim="-")
        return repr(value)

    def check(self, text):
        """Check ``text``, show the verdict in ``feedback`` and return whether it is right."""
        try:
            answer = parse_answer(text)
        except (TypeError, ValueError) as exc:
            self.feedback.value = _say(_UNREAD, f"Could not read that: {html.escape(str(exc))}.")
            return False
        if _matches(answer, self.expected, self.tolerance):
            why = f" {self.explanation}" if self.explanation else ""
            self.feedback.value = _say(_RIGHT, f"<b>Right!</b>{why}")
            return True
        for wrong, message in self.misconceptions:
            if _matches(answer, wrong, self.tolerance):
                self.feedback.value = _say(_WRONG, f"Not yet: {message}")
                return False
        extra = f" Hint: {self.hint}" if self.hint else ""
        self.feedback.value = _say(_WRONG, f"Not yet, try again.{extra}")
        return False

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class Choice:
    """A concept question: pick one option, see at once why it is right or not.

    Parameters
    ----------
    question : str
        The question (HTML allowed).
    options : dict of str to str
        Each option's label and its explanation, in the order shown. Every
        option gets an explanation: the right one says why it is right, each
        wrong one names the mistake behind it.
    answer : str
        The label of the right option.

    Attributes
    ----------
    options : ipywidgets.RadioButtons
        The options (arrow keys move between them); none is picked at first.
    feedback : ipywidgets.HTML
        The verdict and the picked option's explanation.

    Examples
    --------
    >>> q = Choice("Is max pooling a convolution?",
    ...            {"yes": "A convolution is a weighted sum; max is not one.",
    ...             "no": "Right: the max of a window is no weighted sum of it."}, answer="no")
    >>> q.choose("yes")
    False
    >>> "weighted sum" in q.feedback.value
    True
    >>> q.choose("no")
    True
    """

    def __init__(self, question, options, answer):
        if not isinstance(question, str):
            raise TypeError(f"question must be a string, got {type(question).__name__}")
        if not isinstance(options, dict):
            raise TypeError(f"options must be a dict {{label: explanation}}, got {type(options).__name__}")
        if len(options) < 2:
            raise ValueError(f"options must hold at least 2 options, got {len(options)}")
        for label, why in options.items():
            if not isinstance(label, str) or not isinstance(why, str) or not why.strip():
                raise TypeError(f"each option must be a label str with an explanation str, got {label!r}: {why!r}")
        if answer not in options:
            raise ValueError(f"answer must be one of the option labels {list(options)}, got {answer!r}")
        self.explanations = dict(options)
        self.expected = answer
        self.question = widgets.HTML(f"<div style='{_FONT}'>{question}</div>")
        self.options = widgets.RadioButtons(
            options=list(options), value=None, layout=widgets.Layout(width="max-content")
        )
        self.feedback = widgets.HTML()
        self.options.observe(self._on_pick, names="value")
        self.widget = _box(self._children())

    def _children(self):
        return [self.question, self.options, self.feedback]

    def _on_pick(self, change):
        if change["new"] is not None:
            self.verdict(change["new"])

    @property
    def solution(self):
        """The right option and its explanation (for the teacher's guide)."""
        return f"{self.expected}: {self.explanations[self.expected]}"

    def verdict(self, label):
        """Show whether ``label`` is right, with its explanation; return whether it is."""
        right = label == self.expected
        head = "<b>Right!</b>" if right else "<b>Not quite.</b>"
        self.feedback.value = _say(_RIGHT if right else _WRONG, f"{head} {self.explanations[label]}")
        return right

    def choose(self, label):
        """Pick the option ``label`` as a student would; return whether it is right."""
        if label not in self.explanations:
            raise ValueError(f"label must be one of {list(self.explanations)}, got {label!r}")
        if self.options.value == label:
            return self.verdict(label)
        self.options.value = label
        return label == self.expected

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class Prediction(Choice):
    """Predict, then check: pick a prediction, try it on the explorer, press Reveal.

    Parameters
    ----------
    question : str
        The question (HTML allowed).
    options : dict of str to str
        Each prediction's label and its explanation, shown after Reveal.
    answer : str
        The label of the right prediction.
    try_it : str
        What to do on the explorer to find out (e.g. "drag <b>shift</b> from
        0 to 3 and watch the max-pooled change"), shown once a prediction is
        picked.

    Attributes
    ----------
    reveal : ipywidgets.Button
        Shows the verdict; enabled once a prediction is picked.

    Examples
    --------
    >>> q = Prediction("Which output changes least under a 1-px shift?",
    ...                {"conv map": "Every value moves with the shift.",
    ...                 "max-pooled": "A window's max often stays inside the window."},
    ...                answer="max-pooled", try_it="Drag shift to 1.")
    >>> q.choose("conv map")
    False
    >>> "Drag shift" in q.feedback.value
    True
    >>> q.reveal.click()
    >>> "Not quite" in q.feedback.value
    True
    """

    def __init__(self, question, options, answer, try_it):
        if not isinstance(try_it, str) or not try_it.strip():
            raise TypeError(f"try_it must be a non-empty string saying what to try, got {try_it!r}")
        self.try_it = try_it
        self.reveal = widgets.Button(description="Reveal", button_style="primary", disabled=True)
        super().__init__(question, options, answer)
        self.reveal.on_click(lambda _: self.verdict(self.options.value))

    def _children(self):
        return [self.question, self.options, self.reveal, self.feedback]

    def _on_pick(self, change):
        if change["new"] is not None:
            self.reveal.disabled = False
            self.feedback.value = _say(
                "inherit", f"Your prediction: <b>{html.escape(change['new'])}</b>. Now {self.try_it} "
                "Then press <b>Reveal</b>."
            )

    def choose(self, label):
        """Pick the prediction ``label``; return whether it is right (the verdict waits for Reveal)."""
        if label not in self.explanations:
            raise ValueError(f"label must be one of {list(self.explanations)}, got {label!r}")
        self.options.value = label
        return label == self.expected


class ExerciseSet:
    """A lesson's exercises by name, each built fresh when the notebook asks for it.

    Examples
    --------
    >>> exercises = ExerciseSet()
    >>> @exercises.add("two")
    ... def _two():
    ...     return Exercise("1 + 1?", expected=1 + 1)
    >>> exercises.names()
    ['two']
    >>> exercises("two").check("2")
    True
    >>> exercises.solutions()
    {'two': '2'}
    """

    def __init__(self):
        self._makers = {}

    def add(self, name):
        """Decorator: register a function that builds the exercise ``name``."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty string, got {name!r}")
        if name in self._makers:
            raise ValueError(f"an exercise named {name!r} is already registered")

        def register(make):
            self._makers[name] = make
            return make

        return register

    def __call__(self, name):
        """Build the exercise ``name``."""
        if name not in self._makers:
            raise ValueError(f"name must be one of {self.names()}, got {name!r}")
        return self._makers[name]()

    def names(self):
        """The exercises' names, in the order they were registered."""
        return list(self._makers)

    def solutions(self):
        """Each exercise's answer as text, by name (for the teacher's guide and tests)."""
        return {name: make().solution for name, make in self._makers.items()}
