"""Binder: the pins agree with requirements.txt, and the pinned environment runs every lesson.

The second test builds a fresh virtual environment from exactly
``binder/requirements.txt`` (on the Python of ``binder/runtime.txt`` when it
is installed), runs ``binder/postBuild`` and every notebook in it; about a
minute and a half with pip's cache warm. See ``tests/binder_env_check.py``.
"""

import re
from pathlib import Path

import binder_env_check
import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines(path):
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith(("-", "./")):
            yield Requirement(line)


def test_binder_pins_satisfy_requirements_txt():
    pins = binder_env_check.pinned()
    for requirement in requirement_lines(ROOT / "requirements.txt"):
        name = binder_env_check.normalize(requirement.name)
        assert name in pins, f"{requirement} is in requirements.txt but not pinned in binder/requirements.txt"
        assert requirement.specifier.contains(pins[name]), (
            f"binder/requirements.txt pins {name}=={pins[name]}, outside requirements.txt's {requirement}"
        )


def local_lines(path):
    return [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()
            if line.split("#", 1)[0].strip().startswith(("-e", "./"))]


def test_binder_installs_this_repository_and_its_settings_and_names_a_python():
    assert local_lines(ROOT / "binder" / "requirements.txt") == ["-e .", "./jupyter-settings"]
    assert re.fullmatch(r"3\.\d+", binder_env_check.runtime_version())


def test_local_and_binder_install_the_same_folders_of_this_repository():
    assert local_lines(ROOT / "requirements.txt") == local_lines(ROOT / "binder" / "requirements.txt")


@pytest.mark.binder
def test_binder_environment_runs_every_notebook():
    summary = binder_env_check.check()
    assert summary.startswith("Binder check passed")
