"""The README's start command, exactly as written (plus a port, a token and no browser window).

It starts JupyterLab from the repository's folder with the README's command
(its ``--allow-root`` variant when the tests run as root), and checks what a
teacher would see: the repository is the server's root, the browser is sent
to lesson 00, lesson 00's pictures load (HTTP 200, decoded with a width in
chromium), the start-up log has no warning, no "Jupyter news?" pop-up
appears, and the browser requests nothing outside the machine.

The settings come from the environment the README's install command made
(``jupyter-settings/`` installed by ``requirements.txt``), not from the test:
``tests/test_local_settings.py`` checks the installed copy is this repository's.
"""

import re
import secrets
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
from jupyter_driver import (
    ROOT,
    ServerProcess,
    browser_open_url,
    clean_env,
    free_port,
    page_problems,
    readme_command,
)

LESSON_00 = "notebooks/00-index.ipynb"


@pytest.fixture(scope="module")
def readme_lab():
    """JupyterLab started with the README's command from the repository's folder."""
    port, token = free_port(), secrets.token_hex(16)
    argv = readme_command("python -m jupyterlab")
    argv += ["--no-browser", f"--port={port}", f"--IdentityProvider.token={token}",
             "--ServerApp.port_retries=0"]
    with tempfile.TemporaryDirectory(prefix="readme-lab-") as tmp:
        env = clean_env(tmp)
        with ServerProcess(argv, port=port, cwd=ROOT, env=env, ready="/api/status", token=token,
                           log_name="readme-jupyterlab.log") as server:
            server.argv, server.runtime_dir = argv, Path(tmp) / "runtime"
            yield server


def test_readme_command_serves_the_repository_and_opens_lesson_00(readme_lab):
    log = readme_lab.log()
    assert f"Serving notebooks from local directory: {ROOT}" in log, log[-2000:]
    url = browser_open_url(readme_lab.runtime_dir)
    assert url, f"the server wrote no page for the browser to open (runtime dir {readme_lab.runtime_dir})"
    assert urllib.parse.urlsplit(url).path == f"/lab/tree/{LESSON_00}", url


def test_readme_command_starts_without_a_warning(readme_lab):
    log = readme_lab.log()
    warnings = [line for line in log.splitlines()
                if re.match(r"\[(W|E|C) ", line) and "received signal" not in line
                or "Warning" in line or "deprecated" in line.lower()]
    assert warnings == [], "the README's start command logs warnings:\n" + "\n".join(warnings)


def test_lesson_00_pictures_load_and_no_news_pop_up(readme_lab, chromium_browser, screenshots):
    url = browser_open_url(readme_lab.runtime_dir)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1400})
    statuses = {}
    outside = []
    context.on("response", lambda response: statuses.__setitem__(response.url, response.status))
    context.on("request", lambda request: None if request.url.startswith(("http://localhost", "http://127.0.0.1",
                                                                            "data:", "blob:", "about:"))
               else outside.append(request.url))
    page = context.new_page()
    try:
        page.goto(url.replace("//localhost:", "//127.0.0.1:"))
        page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=90_000)
        images = page.locator(".jp-NotebookPanel .jp-MarkdownCell img")
        page.wait_for_function(
            "() => document.querySelectorAll('.jp-NotebookPanel .jp-MarkdownCell img').length >= 3",
            timeout=60_000)
        sizes = []
        for i in range(images.count()):
            image = images.nth(i)
            image.scroll_into_view_if_needed()
            image.evaluate("img => img.complete && img.naturalWidth > 0 ? true : "
                           "new Promise(ok => { img.addEventListener('load', ok); img.addEventListener('error', ok); })")
            sizes.append((image.get_attribute("src"), image.evaluate("img => img.naturalWidth")))
        broken = [src for src, width in sizes if not width]
        assert not broken, f"lesson 00 shows broken pictures: {broken}"
        figure_responses = {u: s for u, s in statuses.items() if "/figures/" in u}
        assert len(figure_responses) >= 3, f"lesson 00's figures were not requested: {sorted(statuses)[:20]}"
        assert set(figure_responses.values()) == {200}, figure_responses
        time.sleep(3)  # the news pop-up, when on, appears within a second or two of the start
        text = page.locator("body").inner_text()
        assert "notified about official Jupyter news" not in text, "JupyterLab asks about Jupyter news"
        page.screenshot(path=screenshots / "readme-lab-00-index.png")
        assert page_problems(page) == []
        assert outside == [], f"the browser requested addresses outside this machine: {sorted(set(outside))}"
    finally:
        context.close()
