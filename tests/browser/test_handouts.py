"""Handouts: the README's command renders a lesson, with its saved pictures, to a PDF (tested on one lesson).

``python -m pooling_lib.handouts`` renders every lesson into handouts/; here one
lesson goes to a temporary folder through the same command line. Chromium
prints it, so this sits with the browser tests (and their chromium check).
"""

import json
import re
import subprocess
import sys

import pytest
from jupyter_driver import ROOT, readme_command_lines

from pooling_lib import handouts

LESSON = ROOT / "notebooks" / "02-windows-and-strides.ipynb"


def saved_pictures(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = sum("image/png" in o.get("data", {}) for c in nb["cells"] if c["cell_type"] == "code"
                  for o in c.get("outputs", []))
    markdown = sum(len(re.findall(r"!\[[^\]]*\]\(", "".join(c["source"]))) for c in nb["cells"]
                   if c["cell_type"] == "markdown")
    return outputs + markdown


def test_readme_names_the_handouts_command():
    assert "python -m pooling_lib.handouts" in readme_command_lines()


def test_one_lesson_prints_to_a_pdf_with_its_pictures(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pooling_lib.handouts", str(LESSON), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / f"{LESSON.stem}.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-"), data[:20]
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 2, f"{pdf.name}: {pages} pages"
    assert len(re.findall(rb"/Subtype\s*/Image", data)) >= 1, f"{pdf.name} has no picture"


def test_the_printed_page_embeds_every_saved_picture_and_nothing_remote():
    html = handouts.lesson_html(LESSON)
    embedded = len(re.findall(r"<img[^>]+src=\"data:image/(png|jpeg|svg)", html))
    assert embedded == saved_pictures(LESSON) >= 1
    assert re.findall(r"(?:src|href)=[\"']https?://", html) == []


def test_lesson_html_rejects_a_missing_notebook(tmp_path):
    with pytest.raises(ValueError, match="notebook must be an existing .ipynb file, got '.*nope.ipynb'"):
        handouts.lesson_html(tmp_path / "nope.ipynb")


def test_strip_remote_rejects_bytes():
    with pytest.raises(TypeError, match="html must be a str, got bytes"):
        handouts.strip_remote(b"<p></p>")


def test_render_rejects_an_empty_list(tmp_path):
    with pytest.raises(ValueError, match="notebooks must name at least one lesson, got none"):
        handouts.render([], tmp_path)
