"""The JupyterHub path: the README's nbgitpuller link pulls the course into a student's server.

On a hub, each student has a JupyterLab of their own with nbgitpuller
installed; the README's link (``.../hub/user-redirect/git-pull?repo=...``)
makes that server clone (or update) this repository into the student's home
and open the index. Here: a JupyterLab with nbgitpuller on an empty home
folder, and a local clone of this repository as the git URL (``file://``).
The test follows the README's link with only the hub's address and the
repository's URL replaced, checks that it lands on lesson 00 of the pulled
copy, then opens lesson 02 there, runs it and moves a slider: the widgets
work in the pulled copy.
"""

import subprocess
import urllib.parse

import pytest
from jupyter_driver import README, ROOT, JupyterServer, find_explorers, open_notebook, page_problems, run_all

pytest.importorskip("nbgitpuller", reason="nbgitpuller is in requirements-test.txt")


def readme_pull_link():
    """The README's nbgitpuller link, split into its query parameters."""
    text = README.read_text(encoding="utf-8")
    links = [word.strip("`<>()") for word in text.split() if "/git-pull?" in word]
    assert links, "the README has no nbgitpuller (git-pull) link"
    parts = urllib.parse.urlsplit(links[0])
    assert parts.path.endswith("/hub/user-redirect/git-pull"), parts.path
    return dict(urllib.parse.parse_qsl(parts.query))


@pytest.fixture(scope="module")
def hub_user(tmp_path_factory):
    """A student's JupyterLab on an empty home, and a clone of this repository to pull from."""
    origin = tmp_path_factory.mktemp("origin") / "pooling-notebooks"
    subprocess.run(["git", "clone", "--quiet", "--no-local", str(ROOT), str(origin)], check=True)
    with JupyterServer(folders=(), log_name="hub-user-server.log") as server:
        server.origin = origin
        yield server


def test_readme_link_pulls_the_course_and_lesson_02_works(hub_user, browser_context, screenshots):
    query = readme_pull_link()
    repo_name = urllib.parse.urlsplit(query["repo"]).path.rstrip("/").split("/")[-1]
    assert repo_name == hub_user.origin.name, "the clone must have the repository's name, as on GitHub"
    assert query["urlpath"] == f"lab/tree/{repo_name}/notebooks/00-index.ipynb", query
    local = {**query, "repo": hub_user.origin.as_uri()}
    page = browser_context.new_page()
    page.goto(hub_user.url("/git-pull", **local))
    page.wait_for_url(f"**/lab/tree/{repo_name}/notebooks/00-index.ipynb*", timeout=120_000)
    page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=60_000)
    pulled = hub_user.root / repo_name
    assert (pulled / "notebooks" / "02-windows-and-strides.ipynb").exists(), sorted(hub_user.root.iterdir())
    assert (pulled / ".git").is_dir()
    page.close()

    page = browser_context.new_page()
    lesson = pulled / "notebooks" / "02-windows-and-strides.ipynb"
    open_notebook(page, hub_user, lesson, relpath=lesson.relative_to(hub_user.root))
    run_all(page)
    explorers = find_explorers(page)
    assert explorers, "lesson 02 pulled by nbgitpuller shows no live explorer"
    explorer = explorers[0]
    slider = next(i for i, c in enumerate(explorer.controls) if c["kind"] == "slider")
    explorer.box.scroll_into_view_if_needed()
    move = explorer.move(slider, explorer.moves_for(slider)[0])
    assert move.picture, f"the pulled lesson 02's slider did not redraw: {move}"
    page.screenshot(path=screenshots / "hub-pulled-02.png")
    assert page_problems(page) == []
    assert browser_context.network.outside() == []
    page.close()
