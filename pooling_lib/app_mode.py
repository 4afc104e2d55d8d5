"""The app mode: every lesson's explorers on a page of their own, without code (Voila).

Two pages in ``app/`` use this module:

* ``app/index.ipynb`` lists every lesson found in ``notebooks/NN-*.ipynb``
  when the page opens, each with a link to its explorers and their one-line
  intros (:func:`show_index`);
* ``app/lesson.ipynb?lesson=02`` runs lesson 02's code out of sight and
  shows only its explorers, each under a one-line intro, with links to the
  index and the neighbouring lessons (:func:`show_lesson`).

Nothing here is written per lesson: a new lesson (a new notebook whose code
builds an explorer) gets its page without any edit, and a page asked for a
lesson that does not exist says so and links back to the index. An
explorer's intro is the first line of its class's docstring. Voila gives
the page's query string to the kernel as ``QUERY_STRING``; in JupyterLab
(no query string) the lesson page shows the index instead.

Examples
--------
>>> [lesson.number for lesson in lessons()][:3]
['00', '01', '02']
>>> lessons()[2].title
'Windows and strides'
>>> find_lesson("02").stem, find_lesson("02-windows-and-strides").stem
('02-windows-and-strides', '02-windows-and-strides')
>>> find_lesson("77") is None
True
>>> requested_lesson("lesson=03&x=1"), requested_lesson(""), requested_lesson(None)
('03', None, None)
"""

import ast
import contextlib
import html
import json
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "NOTEBOOKS",
    "Lesson",
    "explorer_cells",
    "find_lesson",
    "intro",
    "lessons",
    "requested_lesson",
    "run_lesson",
    "show_index",
    "show_lesson",
]

#: The lessons' folder of this repository (``pooling_lib`` is installed from it in editable mode).
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The pages' file names inside ``app/`` (the links between pages are relative).
INDEX_PAGE = "index.ipynb"
LESSON_PAGE = "lesson.ipynb"

_LESSON_NAME = re.compile(r"(\d\d)-[\w-]+\.ipynb")


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook: ``number`` ("02"), ``stem`` ("02-windows-and-strides"), ``title``, ``path``."""

    number: str
    stem: str
    title: str
    path: Path

    @property
    def link(self):
        """The relative URL of this lesson's app page."""
        return f"{LESSON_PAGE}?{urllib.parse.urlencode({'lesson': self.number})}"


def _cells(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]


def _title(path, stem):
    """The first ``# `` heading of the notebook, without a leading number; the stem when there is none."""
    for cell in _cells(path):
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.startswith("# "):
                return re.sub(r"^(lesson\s+)?\d\d\s*[·:.\-–]\s*", "", line[2:].strip(), flags=re.I)
    return stem


def lessons(folder=None):
    """Every ``NN-*.ipynb`` in ``folder`` (default :data:`NOTEBOOKS`), sorted by name, as :class:`Lesson`.

    Parameters
    ----------
    folder : path-like, optional
        Where the lessons are.

    Returns
    -------
    list of Lesson
        Empty when the folder has no lesson (or does not exist).

    Examples
    --------
    >>> lessons("/nonexistent")
    []
    """
    folder = NOTEBOOKS if folder is None else Path(folder)
    found = []
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")):
        match = _LESSON_NAME.fullmatch(path.name)
        if match:
            found.append(Lesson(match.group(1), path.stem, _title(path, path.stem), path))
    return found


def find_lesson(name, folder=None):
    """The lesson whose number ("02") or stem ("02-windows-and-strides") is ``name``; None if there is none.

    Parameters
    ----------
    name : str
        A lesson number or a notebook's stem.
    folder : path-like, optional
        Where the lessons are (default :data:`NOTEBOOKS`).

    Returns
    -------
    Lesson or None

    Examples
    --------
    >>> find_lesson("../../etc/passwd") is None
    True
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str like '02', got {type(name).__name__} {name!r}")
    for lesson in lessons(folder):
        if name in (lesson.number, lesson.stem):
            return lesson
    return None


def requested_lesson(query):
    """The ``lesson`` parameter of a URL query string (``"lesson=02"`` -> ``"02"``), or None.

    Parameters
    ----------
    query : str or None
        What Voila puts into the kernel's ``QUERY_STRING`` (None outside Voila).

    Returns
    -------
    str or None
    """
    if not query:
        return None
    values = urllib.parse.parse_qs(query).get("lesson")
    return values[0] if values else None


def _explorer_classes():
    from .explorers import all_explorers

    return tuple(all_explorers())


def explorer_cells(path):
    """Indices of the code cells of notebook ``path`` that build an explorer (name one of its classes).

    Parameters
    ----------
    path : path-like
        A lesson notebook.

    Returns
    -------
    list of int

    Examples
    --------
    >>> explorer_cells(find_lesson("02").path) != []
    True
    """
    return [index for index, _ in _explorer_calls(path)]


def _explorer_calls(path):
    """``[(cell index, explorer class name)]`` of the cells whose last line calls an explorer class."""
    names = {cls.__name__ for cls in _explorer_classes()}
    found = []
    for index, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse(_python_only(source))
        except SyntaxError:
            continue
        last = tree.body[-1] if tree.body else None
        if (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
                and isinstance(last.value.func, ast.Name) and last.value.func.id in names):
            found.append((index, last.value.func.id))
    return found


def _python_only(source):
    """The cell without IPython's magics and shell lines (for parsing only)."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def intro(explorer):
    """The one-line intro of ``explorer`` (an Explorer or its class): the first line of its docstring.

    Examples
    --------
    >>> from pooling_lib.explorers.windows import WindowsExplorer
    >>> intro(WindowsExplorer).startswith("Drag window size")
    True
    """
    cls = explorer if isinstance(explorer, type) else type(explorer)
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else cls.__name__


def run_lesson(path):
    """Run the code of lesson ``path`` out of sight, up to its last explorer; return its explorers.

    Every code cell up to the last one that builds an explorer runs in a
    fresh namespace, with its output captured and dropped (printed arrays,
    figures, exercise boxes); cells tagged ``raises-exception`` (errors the
    lesson shows on purpose) are skipped. The value of each explorer cell
    is kept.

    Parameters
    ----------
    path : path-like
        A lesson notebook.

    Returns
    -------
    list
        The explorers, in the lesson's order.

    Raises
    ------
    RuntimeError
        When a cell fails; the message names the lesson and the cell.
    """
    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from IPython.utils.capture import capture_output

    path = Path(path)
    wanted = explorer_cells(path)
    if not wanted:
        return []
    shell = get_ipython()
    namespace = {"__name__": "__lesson__"}
    before = set(plt.get_fignums())
    explorers = []
    cells = _cells(path)
    try:
        with capture_output(display=True), _working_directory(path.parent):
            for index, cell in enumerate(cells[: wanted[-1] + 1]):
                tags = cell.get("metadata", {}).get("tags", [])
                if cell["cell_type"] != "code" or "raises-exception" in tags:
                    continue
                source = "".join(cell["source"])
                if shell is not None:
                    source = shell.transform_cell(source)
                try:
                    value = _exec_cell(source, namespace, f"<{path.name} cell {index}>")
                except Exception as error:
                    raise RuntimeError(f"{path.name}, cell {index} failed in the app mode: "
                                       f"{type(error).__name__}: {error}") from error
                if index in wanted and value is not None:
                    explorers.append(value)
    finally:
        for number in set(plt.get_fignums()) - before:  # the lesson's own figures, not the explorers'
            plt.close(number)
    return explorers


@contextlib.contextmanager
def _working_directory(folder):
    """Run the lesson from its own folder, as JupyterLab does (relative paths in its code resolve)."""
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def _exec_cell(source, namespace, filename):
    """Execute ``source``; return the value of its last line when that is an expression."""
    tree = ast.parse(source, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - the lesson's own code
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), filename, "eval"), namespace)  # noqa: S307


# --------------------------------------------------------------------------- the pages
_STYLE = """<style>
.pooling-app { font-size: 18px; line-height: 1.5; max-width: 60em; }
.pooling-app h1 { font-size: 30px; margin: 0.2em 0; }
.pooling-app nav a, .pooling-app li a { font-weight: bold; }
.pooling-app .intro { font-size: 19px; margin: 1.2em 0 0.3em 0; }
</style>"""


def _html(body):
    """Show ``body`` as an ipywidgets HTML: its links open in the same tab (an HTML output's open a new one)."""
    import ipywidgets as widgets
    from IPython.display import display

    display(widgets.HTML(f'{_STYLE}<div class="pooling-app">{body}</div>'))


def _nav(lesson, all_lessons):
    i = [item.stem for item in all_lessons].index(lesson.stem)
    parts = [f'<a href="{INDEX_PAGE}">All lessons</a>']
    if i > 0:
        prev = all_lessons[i - 1]
        parts.append(f'<a href="{prev.link}">← {prev.number} {html.escape(prev.title)}</a>')
    if i + 1 < len(all_lessons):
        nxt = all_lessons[i + 1]
        parts.append(f'<a href="{nxt.link}">{nxt.number} {html.escape(nxt.title)} →</a>')
    return "<nav>" + " · ".join(parts) + "</nav>"


def show_index(folder=None):
    """Display the list of lessons, each linked to its app page with its explorers' intros."""
    items = []
    classes = _explorer_classes()
    for lesson in lessons(folder):
        names = {name for _, name in _explorer_calls(lesson.path)}
        intros = [intro(cls) for cls in classes if cls.__name__ in names]
        detail = "; ".join(html.escape(text) for text in intros) or "no explorer in this lesson"
        items.append(f'<li><a href="{lesson.link}">{lesson.number} · {html.escape(lesson.title)}</a>: '
                     f'{detail}</li>')
    if not items:
        _html("<h1>Pooling, step by step</h1><p>No lessons were found in notebooks/.</p>")
        return
    _html("<h1>Pooling, step by step: the explorers</h1>"
          "<p>Pick a lesson. Each page shows only its live pictures: drag a slider, or click it and use "
          "the arrow keys, and the picture and the text under it follow.</p>"
          f"<ol start='0' style='list-style: none; padding-left: 0'>{''.join(items)}</ol>")


def show_lesson(query=None, folder=None):
    """Display the app page of the lesson ``query`` asks for (default: the kernel's ``QUERY_STRING``).

    Without a lesson in the query (JupyterLab, or a bare link) the index is
    shown; for a lesson that does not exist, a message and a link to the index.
    """
    from IPython.display import display

    if query is None:
        query = os.environ.get("QUERY_STRING", "")
    name = requested_lesson(query)
    if name is None:
        show_index(folder)
        return
    lesson = find_lesson(name, folder)
    if lesson is None:
        _html(f"<h1>No lesson {html.escape(name)}</h1><p>There is no lesson {html.escape(name)} (yet). "
              f'<a href="{INDEX_PAGE}">All lessons</a></p>')
        return
    all_lessons = lessons(folder)
    _html(f"{_nav(lesson, all_lessons)}<h1>{lesson.number} · {html.escape(lesson.title)}</h1>")
    explorers = run_lesson(lesson.path)
    if not explorers:
        _html("<p>This lesson has no live explorer; open the lesson itself in JupyterLab.</p>")
    for explorer in explorers:
        _html(f'<p class="intro">{html.escape(intro(explorer))}</p>')
        display(explorer)
    _html(_nav(lesson, all_lessons))

