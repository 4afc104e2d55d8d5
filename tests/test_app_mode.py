"""The app mode's pages (pooling_lib.app_mode): lessons found generically, explorers run out of sight."""

import json

import pytest

from pooling_lib import app_mode
from pooling_lib.explorers import all_explorers

LESSONS = app_mode.lessons()


def test_every_lesson_notebook_is_a_lesson():
    names = sorted(p.stem for p in app_mode.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert [lesson.stem for lesson in LESSONS] == names
    assert all(lesson.title and not lesson.title[:2].isdigit() for lesson in LESSONS)


def test_links_are_relative_lesson_pages():
    assert LESSONS[0].link == f"lesson.ipynb?lesson={LESSONS[0].number}"


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSONS if lesson.number != "00"], ids=lambda x: x.stem)
def test_every_lesson_builds_an_explorer_cell(lesson):
    assert app_mode.explorer_cells(lesson.path), f"{lesson.stem}: no cell builds an explorer"


def test_a_new_lesson_is_found_without_any_edit(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# 11 · Something new\n"]},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": ["from pooling_lib.explorers.windows import WindowsExplorer\n",
                                "WindowsExplorer(f=2)"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "11-something-new.ipynb").write_text(json.dumps(nb))
    (tmp_path / "notes.ipynb").write_text(json.dumps(nb))  # not a lesson: no NN- prefix
    [lesson] = app_mode.lessons(tmp_path)
    assert (lesson.number, lesson.title) == ("11", "Something new")
    assert app_mode.explorer_cells(lesson.path) == [1]
    [explorer] = app_mode.run_lesson(lesson.path)
    assert type(explorer).__name__ == "WindowsExplorer"


def test_run_lesson_returns_the_lessons_explorers_in_order():
    lesson = app_mode.find_lesson("02")
    explorers = app_mode.run_lesson(lesson.path)
    assert [type(e).__name__ for e in explorers] == ["WindowsExplorer"]


def test_run_lesson_names_the_cell_that_fails(tmp_path):
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": ["1 / 0"]},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": ["from pooling_lib.explorers.windows import WindowsExplorer\nWindowsExplorer()"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "12-broken.ipynb"
    path.write_text(json.dumps(nb))
    with pytest.raises(RuntimeError, match=r"12-broken.ipynb, cell 0 failed in the app mode: ZeroDivisionError"):
        app_mode.run_lesson(path)


def test_cells_tagged_raises_exception_are_skipped(tmp_path):
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["raises-exception"]}, "outputs": [],
                     "execution_count": None, "source": ["1 / 0"]},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": ["from pooling_lib.explorers.windows import WindowsExplorer\nWindowsExplorer()"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "13-shows-an-error.ipynb"
    path.write_text(json.dumps(nb))
    assert len(app_mode.run_lesson(path)) == 1


def test_every_explorer_has_a_one_line_intro():
    for cls in all_explorers():
        text = app_mode.intro(cls)
        assert text != cls.__name__ and "\n" not in text, f"{cls.__name__} has no docstring line to show"


def test_find_lesson_rejects_a_non_string():
    with pytest.raises(TypeError, match="name must be a str like '02', got int 2"):
        app_mode.find_lesson(2)


def test_app_pages_call_the_module():
    for page, call in (("index.ipynb", "show_index()"), ("lesson.ipynb", "show_lesson()")):
        nb = json.loads((app_mode.NOTEBOOKS.parent / "app" / page).read_text())
        sources = ["".join(c["source"]) for c in nb["cells"]]
        assert [c["cell_type"] for c in nb["cells"]] == ["code"] and call in sources[0], page
        assert all(not c["outputs"] for c in nb["cells"]), f"app/{page} is saved with outputs"
