"""How this repository starts JupyterLab on a teacher's or a student's own machine.

    python -m jupyterlab --config=jupyter_local_config.py                 # as a normal user
    python -m jupyterlab --config=jupyter_local_config.py --allow-root    # as root (a container, a VM)

* The repository is the server's root, so lesson 00's pictures (``../figures/``)
  and every link between lessons resolve; the browser opens the index.
* notebook_shim is switched off: it only carries over settings of the classic
  Notebook server, which this course has none of, and it is what printed
  "DeprecationWarning: ServerApp.token config is deprecated" at every start.
  (On Binder it stays on: Binder's own start-up may pass classic settings.)
* The rest are Binder's settings, from the same files: ``jupyter-settings/
  jupyter_server_config.json`` (loaded here; binder/postBuild merges it into
  Binder's server config: the app mode at /voila/render/... uses the offline
  template, MathJax from the bundle, no news feed, no update check) and what
  ``pip install -r requirements.txt`` installed from ``jupyter-settings/``
  (JupyterLab's settings without the news pop-up, the Voila template).
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 - traitlets provides get_config() to config files
for section, values in json.loads((HERE / "jupyter-settings" / "jupyter_server_config.json").read_text()).items():
    for name, value in values.items():
        setattr(c[section], name, value)
c.ServerApp.root_dir = str(HERE)
c.ServerApp.file_to_run = str(HERE / "notebooks" / "00-index.ipynb")
c.ServerApp.jpserver_extensions = {"notebook_shim": False}
