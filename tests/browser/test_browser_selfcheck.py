"""The browser checks themselves: each one fires on a notebook broken on purpose.

A check that cannot fail proves nothing. This notebook (written into the
server's temporary copy, never into notebooks/) has a picture from outside the
machine, an explorer whose redraw raises for one slider value, and a cell that
raises; the test expects every one of them to be caught.
"""

import nbformat
import pytest
from jupyter_driver import find_explorers, log_console_text, open_notebook, page_problems, run_all

pytestmark = pytest.mark.browser

EXPLORER = '''\
import ipywidgets as widgets
from pooling_lib.explorers.base import Explorer


class BrokenOnPurpose(Explorer):
    figsize = (2, 1)

    def make_controls(self):
        return {"n": widgets.IntSlider(value=1, min=1, max=3, description="n")}

    def draw(self, fig, **values):
        self.text = fig.text(0.5, 0.5, "")

    def update(self, n):
        if n == 2:
            raise ValueError("redraw broken on purpose")
        self.text.set_text(str(n))
        self.caption.value = f"n = {n}"


BrokenOnPurpose()'''

OUTSIDE = "http://example.invalid/picture.png"


def test_the_checks_catch_a_notebook_broken_on_purpose(browser_context, jupyter):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"![a picture from outside]({OUTSIDE})"),
        nbformat.v4.new_code_cell(EXPLORER),
        nbformat.v4.new_code_cell("1 / 0"),
    ]
    path = jupyter.root / "notebooks" / "99-broken-on-purpose.ipynb"
    nbformat.write(nb, path)
    # The outside request is recorded, then stopped here: nothing leaves the machine.
    browser_context.route("http://example.invalid/**", lambda route: route.abort())
    page = browser_context.new_page()
    try:
        open_notebook(page, jupyter, path)
        run_all(page)

        problems = page_problems(page)
        assert any("ZeroDivisionError" in p for p in problems), problems

        explorers = find_explorers(page)
        assert len(explorers) == 1
        assert explorers[0].controls[0]["kind"] == "slider"
        move = explorers[0].move(0, "ArrowRight")
        assert not move.picture and not move.caption, move
        assert "redraw broken on purpose" in log_console_text(page)

        assert browser_context.network.outside() == [OUTSIDE]
    finally:
        page.close()
        path.unlink()
