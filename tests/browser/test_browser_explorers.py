"""Lessons 02-04's explorers in JupyterLab, read and pointed at the way a class does.

For each of the three notebooks: open it in JupyterLab in chromium at a
1280-px-wide window, run all cells, then for every explorer on the page:

* measure the picture's rendered width and check that it fills the output
  area (it scales with the notebook), that it is crisp at device pixel ratio
  2 (SVG, or a PNG of twice the pixels it is shown with), and that its smallest
  text, as the explorer's own :meth:`~pooling_lib.explorers.base.Explorer.smallest_text_px`
  computes it for the measured width, is at least 13 CSS px; the caption's
  font at least 13 px;
* narrow the window to 900 px and check the same with 11 px;
* click a real output cell and a real input cell of the picture (where the
  explorer, built in this process with the notebook's own arguments, says
  they are), check that the picture changed and that the caption is the
  one the explorer writes for that selection; press Escape and check that
  the selection is cleared.

Screenshots of each state at both widths go to ``test-artifacts/screenshots/``.
"""

import ast
import html
import json
import re
from html.parser import HTMLParser

import pytest
from jupyter_driver import NOTEBOOKS, find_explorers, log_console_text, open_notebook, page_problems, run_all

from pooling_lib.explorers import all_explorers

pytestmark = pytest.mark.browser

LESSONS = ["02-windows-and-strides.ipynb", "03-maximum-positions.ipynb", "04-backward-pass-and-unpooling.ipynb"]
#: Smallest text allowed, CSS px, by window width.
SMALLEST = {1280: 13.0, 900: 11.0}
#: Which cells to click, per explorer class: an output cell and an input cell.
CLICKS = {
    "WindowsExplorer": [("output", 1, 0), ("input", 2, 3)],
    "PositionsExplorer": [("output", 1, 1), ("input", 2, 0)],
    "UnpoolingExplorer": [("output", 0, 1), ("input", 1, 1)],
}

_IMG_STATE = """(img) => ({src: img.src, width: img.getBoundingClientRect().width,
    height: img.getBoundingClientRect().height, natural: img.naturalWidth,
    parent: img.parentElement.getBoundingClientRect().width})"""
_CAPTION_TEXT = "(box) => { const c = box.querySelector(':scope > .widget-html'); return c ? c.innerText : ''; }"
_CAPTION_PX = ("(box) => parseFloat(getComputedStyle(box.querySelector(':scope > .widget-html .widget-html-content')"
               " || box.querySelector(':scope > .widget-html')).fontSize)")
_CHANGED = """([img, box, oldSrc, oldCaption]) => img.src !== oldSrc && img.complete && img.naturalWidth > 0
    && (box.querySelector(':scope > .widget-html') || {}).innerText !== oldCaption"""


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def caption_text(value):
    """What the browser shows of a caption's HTML, whitespace collapsed."""
    parser = _Text()
    parser.feed(value)
    return normal(html.unescape("".join(parser.parts)))


def normal(text):
    return re.sub(r"\s+", " ", text).strip()


def notebook_explorers(path):
    """The explorers the notebook builds, in order, as the source text of their constructor calls."""
    classes = {cls.__name__: cls for cls in all_explorers()}
    calls = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse(source)
        if not tree.body or not isinstance(tree.body[-1], ast.Expr):
            continue
        call = tree.body[-1].value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in classes:
            calls.append(ast.get_source_segment(source, call))
    return calls, classes


def build(call, classes):
    """The same explorer as the notebook's, built here (its geometry tells where the cells are)."""
    return eval(call, {"__builtins__": {}}, dict(classes))  # noqa: S307 - the notebook's own constructor call


def check_legible(page, view, model, width, where, screenshots, tag):
    state = view.img.evaluate(_IMG_STATE)
    assert state["width"] >= 0.95 * state["parent"], f"{where}: the picture does not fill the output ({state})"
    if model.image_format == "svg":  # vector: crisp at any size and device pixel ratio
        assert bytes(model.image.value).lstrip().startswith(b"<?xml"), f"{where}: not an SVG picture"
    else:
        assert state["natural"] >= 1.9 * state["width"], (
            f"{where}: {state['natural']} px PNG shown {state['width']:.0f} px wide: not crisp at device pixel "
            "ratio 2")
    smallest = model.smallest_text_px(state["width"])
    print(f"{where} at {width} px: picture {state['width']:.0f} CSS px wide, smallest text {smallest:.1f} px, "
          f"{model.image_format.upper()}")
    assert smallest >= SMALLEST[width], (
        f"{where} at {width} px: smallest text {smallest:.1f} CSS px < {SMALLEST[width]} "
        f"({model.text_sizes(state['width'])[:3]})")
    caption_px = view.box.evaluate(_CAPTION_PX)
    assert caption_px >= 13, f"{where}: caption font {caption_px} px"
    view.box.screenshot(path=screenshots / f"explorers-{tag}-{width}.png")
    return state


def click_cell(page, view, model, role, row, col, timeout=15):
    """Click cell (row, col) of ``role`` on the page; wait for the new picture and caption."""
    box = view.img.bounding_box()
    fx, fy = model.cell_centre(role, row, col)
    old_src = view.img.evaluate("(img) => img.src")
    old_caption = view.box.evaluate(_CAPTION_TEXT)
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    page.wait_for_function(_CHANGED, arg=[view.img.element_handle(), view.box.element_handle(), old_src,
                                          old_caption], timeout=timeout * 1000, polling="raf")


def press_escape(page, view, timeout=15):
    old_src = view.img.evaluate("(img) => img.src")
    old_caption = view.box.evaluate(_CAPTION_TEXT)
    box = view.img.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)  # keys reach the picture while the pointer is on it
    page.keyboard.press("Escape")
    page.wait_for_function(_CHANGED, arg=[view.img.element_handle(), view.box.element_handle(), old_src,
                                          old_caption], timeout=timeout * 1000, polling="raf")


@pytest.mark.parametrize("name", LESSONS, ids=lambda n: n[:2])
def test_explorers_are_legible_and_answer_clicks(name, chromium_browser, jupyter, screenshots):
    path = NOTEBOOKS / name
    calls, classes = notebook_explorers(path)
    assert calls, f"{name}: no explorer built by the notebook"
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        open_notebook(page, jupyter, path)
        run_all(page)
        assert page_problems(page) == [], f"{name} shows errors after Run All"
        views = find_explorers(page)
        assert len(views) == len(calls), f"{name}: {len(views)} explorers on the page, {len(calls)} in the file"
        for index, (view, call) in enumerate(zip(views, calls)):
            model = build(call, classes)
            where = f"{name} explorer {index} ({call})"
            tag = f"{path.stem[:2]}-{index}"
            view.box.scroll_into_view_if_needed()
            check_legible(page, view, model, 1280, where, screenshots, f"{tag}-start")

            for role, row, col in CLICKS[type(model).__name__]:
                before = view.digest()
                click_cell(page, view, model, role, row, col)
                model.select(role, row, col)
                assert view.digest() != before, f"{where}: clicking {role} ({row}, {col}) left the picture"
                shown = normal(view.box.evaluate(_CAPTION_TEXT))
                assert shown == caption_text(model.caption.value), (
                    f"{where}: after clicking {role} ({row}, {col}) the caption reads\n{shown}\n"
                    f"but the explorer writes\n{caption_text(model.caption.value)}")
                view.box.screenshot(path=screenshots / f"explorers-{tag}-{role}-1280.png")
                if role == "input":
                    page.set_viewport_size({"width": 900, "height": 1000})
                    page.wait_for_timeout(400)
                    view.box.scroll_into_view_if_needed()
                    check_legible(page, view, model, 900, where, screenshots, f"{tag}-{role}")
                    page.set_viewport_size({"width": 1280, "height": 1000})
                    page.wait_for_timeout(400)
            press_escape(page, view)
            model.clear_selection()
            assert normal(view.box.evaluate(_CAPTION_TEXT)) == caption_text(model.caption.value), (
                f"{where}: Escape did not clear the selection")
        assert log_console_text(page) == "", f"{name}: messages in JupyterLab's log console"
    finally:
        context.close()
        jupyter.shutdown_kernels()
