"""Every lesson in JupyterLab, in a real browser, the way a student meets it.

For each ``notebooks/NN-*.ipynb`` (found when the tests run): open it, check
that the saved file shows no broken widget, run all cells from the Run menu,
then move every control of every explorer (the keyboard on a slider's handle,
a click on a toggle or a check box, a choice in a drop-down) and check that
its picture changed. Nothing may show an error (a widget that cannot
display, a traceback, a message in the log console), and the browser may
request nothing outside this machine. Each explorer is photographed after
each control's first move (see ``test-artifacts/screenshots/``).
"""

import re
import time

import pytest
from jupyter_driver import (
    find_explorers,
    lesson_notebooks,
    log_console_text,
    open_notebook,
    page_problems,
    run_all,
    saved_explorer_count,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = lesson_notebooks()


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "control"


def watch_console(page):
    """Collect uncaught page errors and console errors."""
    errors = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("console", lambda msg: errors.append(f"console error: {msg.text}") if msg.type == "error" else None)
    return errors


def test_there_are_lesson_notebooks():
    assert NOTEBOOKS, "no notebooks/NN-*.ipynb found: the browser tests would check nothing"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_explorer_redraws_in_jupyterlab(notebook, browser_context, jupyter, screenshots):
    page = browser_context.new_page()
    console_errors = watch_console(page)
    started = time.perf_counter()

    open_notebook(page, jupyter, notebook)
    assert page_problems(page) == [], f"{notebook.name} as saved (before running) shows errors"

    seconds = run_all(page)
    print(f"{notebook.name}: run all {seconds:.1f} s")
    assert page_problems(page) == [], f"{notebook.name} shows errors after Run All"

    explorers = find_explorers(page)
    saved = saved_explorer_count(notebook)
    if saved:
        assert len(explorers) == saved, (
            f"{notebook.name}: the saved file shows {saved} explorers, the live page {len(explorers)}"
        )
    if not notebook.name.startswith("00-"):
        assert explorers, f"{notebook.name}: a lesson without a live explorer (no picture with its controls)"

    for explorer in explorers:
        explorer.box.scroll_into_view_if_needed()
        where = f"{notebook.name}, explorer {explorer.index}"
        # Last control first: a control that limits another (window f limits padding p)
        # usually comes before it, and moving it to an end could pin the other one.
        for i, control in reversed(list(enumerate(explorer.controls))):
            what = f"{control['kind']} {control['description']!r}"
            moves = []
            for action in explorer.moves_for(i):
                try:
                    move = explorer.move(i, action)
                except Exception as error:  # noqa: BLE001 - any failure of the move is reported with its context
                    pytest.fail(f"{where} ({explorer.describe()}): {what} {action}: {error}\n"
                                f"log console:\n{log_console_text(page)}", pytrace=False)
                if move is None:  # End/Home on a slider already there
                    continue
                if not moves:
                    name = f"{notebook.stem}-explorer{explorer.index}-{slug(control['description'])}.png"
                    explorer.box.screenshot(path=screenshots / name)
                if not (move.picture or move.caption):
                    print(f"note: {where}: {what} {action} changed neither the picture nor the caption")
                moves.append(move)
            assert moves, f"{where}: {what} cannot be moved"
            assert any(m.picture for m in moves), (
                f"{where}: moving {what} never changed the picture: {moves}\n"
                f"log console:\n{log_console_text(page)}"
            )

    assert log_console_text(page) == "", f"{notebook.name}: messages in JupyterLab's log console"
    assert page_problems(page) == [], f"{notebook.name} shows errors after the controls moved"
    assert console_errors == [], f"{notebook.name}: errors in the browser console"
    outside = browser_context.network.outside()
    assert outside == [], f"{notebook.name}: the browser requested addresses outside this machine"
    print(f"{notebook.name}: {len(explorers)} explorers, {time.perf_counter() - started:.1f} s in all")
    page.close()
