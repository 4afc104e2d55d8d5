"""The app mode: one page per lesson with only its explorers, no code, working offline and through links.

Two ways in, as the README says:

* Binder's: the JupyterLab server's Voila extension at ``/voila/render/app/index.ipynb``
  (the README's app-mode badge), served here the same way, with jupyter-settings/;
* locally: the README's ``python -m voila app`` (plus a port and no browser window),
  run from the repository's folder with the settings ``requirements.txt`` installed.

On each: the index lists the lessons; the test follows the link to lesson 02,
moves a slider there, follows the "next" link to lesson 03 and moves a
slider there too. No page may show code, an error, or a failed request, and
the browser may request nothing outside the machine, and a page for a lesson
that does not exist says so. (The lessons themselves are not Voila pages: Voila
0.5 cannot inline a picture given as ``../figures/...``, which lesson 00 uses.)
"""

import tempfile
import urllib.parse

import pytest
from jupyter_driver import (
    EXPLORER_SELECTOR,
    ROOT,
    NetworkLog,
    ServerProcess,
    clean_env,
    find_explorers,
    free_port,
    page_problems,
    readme_command,
)

from pooling_lib import app_mode

FIRST, SECOND = app_mode.find_lesson("02"), app_mode.find_lesson("03")
#: Seconds for a lesson page: Voila runs the lesson's code before it shows the explorers.
PAGE_TIMEOUT = 180


#: Voila's page, when left, asks the server to shut its kernel down with a beacon that carries the
#: _xsrf cookie, which the JupyterLab server sets only on its own pages: opened straight from a link,
#: the app mode on the JupyterLab server gets a 403 there (the kernel is then culled when idle). That
#: request, and the console line about it, are the only failures the Binder path may show.
_SHUTDOWN_BEACON = "/voila/api/shutdown/"


def watch(page):
    """Uncaught errors, console errors and failed responses of ``page``."""
    problems = []
    beacon_failures = []

    def on_response(response):
        if response.status >= 400:
            (beacon_failures if _SHUTDOWN_BEACON in response.url else problems).append(
                f"HTTP {response.status} {response.url}")

    def on_console(msg):
        if msg.type == "error":
            if "403 (Forbidden)" in msg.text and beacon_failures:
                return
            problems.append(f"console error: {msg.text}")

    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    return problems


def move_a_slider(page, where, screenshot):
    """Wait for the page's explorers, move the first slider one step; the picture must change."""
    try:
        page.wait_for_selector(EXPLORER_SELECTOR, timeout=PAGE_TIMEOUT * 1000)
    except Exception:
        page.screenshot(path=screenshot.with_name(f"stuck-{screenshot.name}"), full_page=True)
        raise
    assert page.locator(".jp-InputArea .jp-Editor, .jp-InputArea .cm-editor, .jp-InputArea").count() == 0, (
        f"{where}: the app mode shows code cells")
    explorers = find_explorers(page)
    assert explorers, f"{where}: no explorer"
    for explorer in explorers:
        sliders = [i for i, c in enumerate(explorer.controls) if c["kind"] == "slider"]
        if sliders:
            break
    else:
        raise AssertionError(f"{where}: no explorer with a slider ({[e.describe() for e in explorers]})")
    explorer.box.scroll_into_view_if_needed()
    action = explorer.moves_for(sliders[0])[0]
    move = explorer.move(sliders[0], action)
    assert move.picture, f"{where}: slider {move.control!r} {action} did not change the picture: {move}"
    page.screenshot(path=screenshot, full_page=True)
    return explorers


def follow_the_app(context, index_url, screenshots, name):
    """Index -> lesson 02 (move a slider) -> its "next" link, lesson 03 (move a slider)."""
    assert FIRST and SECOND, "lessons 02 and 03 are needed for the app-mode test"
    page = context.new_page()
    problems = watch(page)
    page.goto(index_url)
    page.wait_for_selector(f"a[href='{FIRST.link}']", timeout=PAGE_TIMEOUT * 1000)
    links = page.locator(".pooling-app li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert links == [lesson.link for lesson in app_mode.lessons()], "the index does not list every lesson"
    page.screenshot(path=screenshots / f"{name}-index.png", full_page=True)

    page.locator(f"a[href='{FIRST.link}']").click()
    move_a_slider(page, f"{name}: {FIRST.stem}", screenshots / f"{name}-{FIRST.stem}.png")
    assert urllib.parse.urlsplit(page.url).query == f"lesson={FIRST.number}", page.url

    page.locator(f"nav a[href='{SECOND.link}']").first.click()
    move_a_slider(page, f"{name}: {SECOND.stem}", screenshots / f"{name}-{SECOND.stem}.png")
    assert urllib.parse.urlsplit(page.url).query == f"lesson={SECOND.number}", page.url

    assert page_problems(page) == [], f"{name}: the app mode shows errors"
    assert problems == [], f"{name}: errors or failed requests"
    assert context.network.outside() == [], f"{name}: requests outside this machine"
    page.close()


def test_app_mode_on_binders_path_follows_a_link_and_moves_sliders(browser_context, jupyter, screenshots):
    follow_the_app(browser_context, jupyter.url("/voila/render/app/index.ipynb"), screenshots, "binder-app")


def test_a_lesson_that_does_not_exist_is_not_a_broken_page(browser_context, jupyter):
    page = browser_context.new_page()
    problems = watch(page)
    page.goto(jupyter.url("/voila/render/app/lesson.ipynb", lesson="77"), timeout=PAGE_TIMEOUT * 1000)
    page.wait_for_selector("text=No lesson 77", timeout=PAGE_TIMEOUT * 1000)
    assert page.locator("a[href='index.ipynb']").count() == 1
    assert problems == []
    page.close()


@pytest.fixture(scope="module")
def readme_voila():
    """The README's app-mode command, run from the repository's folder."""
    port = free_port()
    argv = readme_command("python -m voila") + ["--no-browser", f"--port={port}"]
    with tempfile.TemporaryDirectory(prefix="readme-voila-") as tmp:
        with ServerProcess(argv, port=port, cwd=ROOT, env=clean_env(tmp), ready="/",
                           log_name="readme-voila.log") as server:
            yield server


def test_readme_app_mode_follows_a_link_and_moves_sliders(chromium_browser, readme_voila, screenshots):
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1400})
    context.network = NetworkLog(context)
    try:
        page = context.new_page()
        problems = watch(page)
        page.goto(readme_voila.url("/"))  # where `voila app` sends the browser: the list of pages
        start = page.locator("a", has_text="Start here")
        start.wait_for(timeout=60_000)
        index_url = start.evaluate("a => a.href")
        assert urllib.parse.urlsplit(index_url).path == "/voila/render/index.ipynb", index_url
        assert problems == [], problems
        page.close()
        follow_the_app(context, index_url, screenshots, "readme-app")
    finally:
        context.close()
    assert "Traceback" not in readme_voila.log(), readme_voila.log()[-3000:]
