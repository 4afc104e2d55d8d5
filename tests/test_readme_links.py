"""The README's Binder, app-mode and nbgitpuller links point at files this repository has."""

import re
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def urlpaths():
    return [urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["urlpath"][0]
            for url in re.findall(r"https://[^\s)`]+urlpath=[^\s)`]+", README)]


def test_every_urlpath_opens_a_file_of_the_repository():
    paths = urlpaths()
    assert len(paths) >= 3, paths  # the two Binder badges and the nbgitpuller link
    for urlpath in paths:
        match = re.fullmatch(r"(?:lab/tree|voila/render)/(.+)", urlpath)
        assert match, f"unexpected urlpath {urlpath!r}"
        relative = match.group(1).removeprefix("pooling-notebooks/")  # nbgitpuller clones into that folder
        assert (ROOT / relative).is_file(), f"{urlpath} opens {relative}, which does not exist"


def test_the_app_mode_badge_opens_the_app_index():
    assert "voila/render/app/index.ipynb" in urlpaths()


def test_readme_links_to_files_that_exist():
    for target in re.findall(r"\]\(((?:notebooks|app|jupyter-settings|figures|benchmarks)/[^)#]*)\)", README):
        assert (ROOT / target).exists(), target
    assert (ROOT / "jupyter_local_config.py").is_file()
