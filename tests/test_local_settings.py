"""The course's Jupyter settings: installed where Jupyter reads them, and the same files as in the repository.

``pip install -r requirements.txt`` installs ``jupyter-settings/`` (a normal,
not editable, install: editable installs skip data files). A changed file in
the repository needs ``python -m pip install ./jupyter-settings`` again; these
tests say so instead of letting JupyterLab run on stale settings.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "jupyter-settings"
INSTALLED = [p for p in sorted((SETTINGS / "share").rglob("*")) + sorted((SETTINGS / "etc").rglob("*"))
             if p.is_file()]


@pytest.mark.parametrize("source", INSTALLED, ids=lambda p: str(p.relative_to(SETTINGS)))
def test_installed_settings_are_this_repositorys(source):
    target = Path(sys.prefix) / source.relative_to(SETTINGS)
    assert target.exists(), f"{target} is missing: run `python -m pip install -r requirements.txt`"
    assert target.read_bytes() == source.read_bytes(), (
        f"{target} differs from {source.relative_to(ROOT)}: run `python -m pip install ./jupyter-settings`"
    )


def test_every_settings_file_is_installed_by_the_package():
    pyproject = (SETTINGS / "pyproject.toml").read_text()
    for source in INSTALLED:
        assert f'"{source.relative_to(SETTINGS)}"' in pyproject, f"pyproject.toml does not install {source}"


def test_settings_switch_off_news_update_check_and_cdn():
    overrides = json.loads((SETTINGS / "share/jupyter/lab/settings/overrides.d/pooling-notebooks.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false",
                                                                         "checkForUpdates": False}
    server = json.loads((SETTINGS / "jupyter_server_config.json").read_text())
    voila = json.loads((SETTINGS / "etc/jupyter/voila.json").read_text())
    assert server["LabApp"]["news_url"] is None
    assert server["VoilaConfiguration"]["template"] == voila["VoilaConfiguration"]["template"] == "pooling-offline"
    offline_mathjax = {"mathjax_url": "null", "mathjax_config": "null"}
    assert server["ServerApp"]["tornado_settings"] == voila["Voila"]["tornado_settings"] == offline_mathjax
    template = (SETTINGS / "share/jupyter/voila/templates/pooling-offline/index.html.j2").read_text()
    voila_lab = Path(sys.prefix, "share/jupyter/voila/templates/lab/index.html.j2").read_text()
    for link in (line.strip() for line in voila_lab.splitlines() if "https://" in line and "<link" in line):
        assert link in template, f"the offline template no longer removes {link}"


def test_local_config_loads_the_binder_server_settings():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("jupyter_local_config.py", path=str(ROOT)).load_config()
    assert config.ServerApp.root_dir == str(ROOT)
    assert config.ServerApp.file_to_run == str(ROOT / "notebooks" / "00-index.ipynb")
    assert config.ServerApp.jpserver_extensions == {"notebook_shim": False}
    for section, values in json.loads((SETTINGS / "jupyter_server_config.json").read_text()).items():
        for name, value in values.items():
            assert config[section][name] == value, (section, name)
