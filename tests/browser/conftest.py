"""Fixtures for the browser tests: one JupyterLab server and one chromium for the whole session.

The tests *fail* (they do not skip) when chromium or Playwright is missing:
a classroom check that silently does nothing is worse than none.
"""

import shutil

import pytest
from jupyter_driver import ARTIFACTS, JupyterServer, NetworkLog, launch_browser, require_chromium

SCREENSHOTS = ARTIFACTS / "screenshots"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives JupyterLab and Voila in Debian's chromium (needs /usr/bin/chromium)"
    )
    config.addinivalue_line(
        "markers", "binder: builds binder/requirements.txt in a fresh venv and runs every notebook in it"
    )


_used = []


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
    problem = None
    try:
        require_chromium()
        from playwright.sync_api import sync_playwright
    except (RuntimeError, ImportError) as error:
        problem = error
    if problem is not None:
        pytest.fail(f"the browser tests cannot run: {problem}", pytrace=False)
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
