"""`python -m pooling_lib.figures FOLDER` regenerates every picture into FOLDER."""

import re
import subprocess
import sys

from pooling_lib.explorers import lesson_modules

POST_FIGURES = ["post-figure-1-windows", "post-figure-2-max-unpooling", "post-figure-3-average-unpooling"]


def test_figure_script_writes_every_picture(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pooling_lib.figures", str(tmp_path)],
                          check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    written = sorted(tmp_path.glob("*.png"))
    # the script lists what it wrote, and wrote nothing else
    assert sorted(line for line in done.stdout.splitlines() if line) == [str(p) for p in written]
    for path in written:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG"), path.name
        assert len(data) > 5000, f"{path.name} is suspiciously small ({len(data)} bytes)"
    names = {p.stem for p in written}
    for name in POST_FIGURES:
        assert name in names
    # one picture (at least) for each lesson module that makes figures, named "NN-..." after its lesson
    lessons = [m for m in lesson_modules() if hasattr(m, "figures")]
    numbered = [n for n in names if re.fullmatch(r"\d\d-[a-z0-9-]+", n)]
    assert len(numbered) >= len(lessons)
    assert {"02-windows-explorer", "03-positions-explorer"} <= names
