"""The app mode: Voila renders a lesson without its code, and its explorer still follows the sliders.

This is the page the README's app-mode link opens on Binder
(``/voila/render/notebooks/02-windows-and-strides.ipynb``), served here the
same way: by the JupyterLab server, with binder/'s Voila template and config.
"""

import pytest
from jupyter_driver import EXPLORER_SELECTOR, NOTEBOOKS, find_explorers, page_problems

pytestmark = pytest.mark.browser

APP_MODE_NOTEBOOK = NOTEBOOKS / "02-windows-and-strides.ipynb"


def test_app_mode_shows_explorer_without_code_and_slider_redraws(browser_context, jupyter, screenshots):
    assert APP_MODE_NOTEBOOK.exists(), f"{APP_MODE_NOTEBOOK} (the README's app-mode link) is missing"
    page = browser_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("console", lambda msg: errors.append(f"console error: {msg.text}") if msg.type == "error" else None)

    page.goto(jupyter.voila_url(APP_MODE_NOTEBOOK))
    # Voila runs every cell, then shows the page and renders the widgets.
    page.wait_for_selector(EXPLORER_SELECTOR, timeout=120_000)

    assert page.locator(".jp-InputArea .jp-Editor, .jp-InputArea .cm-editor").count() == 0, (
        "the app mode shows code cells"
    )
    explorers = find_explorers(page)
    assert explorers, "the app mode shows no explorer"
    explorer = explorers[0]
    sliders = [i for i, c in enumerate(explorer.controls) if c["kind"] == "slider"]
    assert sliders, f"the first explorer has no slider ({explorer.describe()})"
    explorer.box.scroll_into_view_if_needed()
    action = explorer.moves_for(sliders[0])[0]
    move = explorer.move(sliders[0], action)
    assert move.picture, f"app mode: slider {move.control!r} {action} did not change the picture: {move}"
    explorer.box.screenshot(path=screenshots / f"app-mode-{APP_MODE_NOTEBOOK.stem}.png")
    page.screenshot(path=screenshots / f"app-mode-{APP_MODE_NOTEBOOK.stem}-page.png", full_page=True)

    assert page_problems(page) == [], "the app mode shows errors"
    assert errors == [], "errors in the browser console (app mode)"
    assert browser_context.network.outside() == [], "the app mode requested addresses outside this machine"
    page.close()
