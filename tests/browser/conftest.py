"""Fixtures for the browser tests: one JupyterLab server and one chromium for the whole session.

Every test in tests/browser/ is marked ``browser`` (``-m 'not browser'`` leaves them out).
Before the first one runs, chromium is looked for once. When it is missing and
this is root on a Debian-like machine, the session says so and installs it
with apt-get (set POOLING_NO_APT=1 to forbid that). When it stays missing, the
first browser test *errors* with one message saying what to do, and the others
are skipped with a pointer to it: a classroom check that silently does nothing
is worse than none, and eleven copies of one error help nobody.
"""

import shutil
from pathlib import Path

import pytest
from jupyter_driver import (
    ARTIFACTS,
    JupyterServer,
    NetworkLog,
    can_install_chromium,
    chromium_problem,
    install_chromium,
    launch_browser,
)

HERE = Path(__file__).resolve().parent

SCREENSHOTS = ARTIFACTS / "screenshots"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives JupyterLab and Voila in Debian's chromium (needs /usr/bin/chromium)"
    )
    config.addinivalue_line(
        "markers", "binder: builds binder/requirements.txt in a fresh venv and runs every notebook in it"
    )


_used = []
_chromium = {"problem": None, "reported": False}


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser/ ``browser``; look for chromium once if any will run."""
    browser_items = []
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            browser_items.append(item)
    if not browser_items:
        return
    markexpr = config.getoption("markexpr", "")
    if markexpr and "not browser" in markexpr:
        return
    problem = chromium_problem()
    if problem and "chromium" in problem and can_install_chromium():
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        say = (lambda text: reporter.write_line(text, yellow=True)) if reporter else print
        install_chromium(say)
        problem = chromium_problem()
    _chromium["problem"] = problem


def pytest_runtest_setup(item):
    """Without chromium: the first browser test fails with the one message, the others skip."""
    problem = _chromium["problem"]
    if problem is None or item.get_closest_marker("browser") is None:
        return
    if not _chromium["reported"]:
        _chromium["reported"] = True
        pytest.fail(f"the browser tests cannot run: {problem}", pytrace=False)
    pytest.skip("chromium is missing: see the first browser test's failure")


def pytest_terminal_summary(terminalreporter):
    if _used:
        terminalreporter.write_line(f"browser screenshots: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def screenshots():
    """The folder the explorers' screenshots go to (emptied at the start of the session)."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    _used.append(True)
    print(f"\nbrowser screenshots go to {SCREENSHOTS}")
    return SCREENSHOTS


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def jupyter():
    """JupyterLab (Voila as its server extension) on a free loopback port, on a copy of the notebooks."""
    with JupyterServer() as server:
        yield server


@pytest.fixture
def browser_context(chromium_browser, jupyter):
    """A fresh browser context whose every request is recorded in ``context.network``."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1400})
    context.network = NetworkLog(context)
    yield context
    context.close()
    jupyter.shutdown_kernels()
