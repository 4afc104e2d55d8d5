"""Build the Binder environment from scratch and run every lesson in it.

Binder (repo2docker) builds its image from ``binder/``: the Python of
``runtime.txt``, ``pip install -r binder/requirements.txt`` run from the
repository root, then ``binder/postBuild``. This check does the same on this
machine, in a new virtual environment in a temporary folder:

1. finds the Python that ``runtime.txt`` names (``python3.11`` for
   ``python-3.11``); when it is not installed it uses the current Python and
   says so;
2. creates a fresh venv and installs exactly ``binder/requirements.txt`` into
   it (pip's cache is reused, so this takes under a minute when the wheels are
   cached), then runs ``pip check`` and checks every ``==`` pin;
3. runs ``binder/postBuild`` with that venv first on PATH, and checks that the
   files of ``jupyter-settings/`` (installed by pip, the server config merged by
   postBuild) are where JupyterLab and Voila read them;
4. checks that every third-party module the notebooks and ``pooling_lib``
   import belongs to a package pinned in ``binder/requirements.txt`` (not one
   that only happens to come along with another);
5. runs every ``notebooks/NN-*.ipynb`` top to bottom in that venv's kernel
   (nbclient, a fresh matplotlib config folder as on a new Binder) and fails on
   any error or any output on stderr (a warning, or matplotlib building its
   font cache because postBuild did not).

Run it by hand with ``python tests/binder_env_check.py`` (``--keep`` keeps the
venv and prints where), or through pytest: ``tests/test_binder_env.py``.
"""

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
REQUIREMENTS = BINDER / "requirements.txt"
RUNTIME = BINDER / "runtime.txt"
#: The course's Jupyter settings, installed by the `./jupyter-settings` line of both requirements files.
SETTINGS = ROOT / "jupyter-settings"
#: Lines of binder/requirements.txt that install a folder of this repository rather than a pinned package.
LOCAL_LINES = ("-e .", "./jupyter-settings")
NOTEBOOK_TIMEOUT = 300  # seconds per cell


class BinderCheckError(AssertionError):
    """The Binder environment is broken; the message says how."""


def log(message):
    print(f"[binder check] {message}", flush=True)


# --------------------------------------------------------------------------- which Python
def runtime_version():
    """The ``major.minor`` that binder/runtime.txt asks for (``python-3.11`` -> ``3.11``)."""
    text = RUNTIME.read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)(\.\d+)?", text)
    if not match:
        raise BinderCheckError(f"binder/runtime.txt must read like 'python-3.11', got {text!r}")
    return f"{match.group(1)}.{match.group(2)}"


def python_version(python):
    out = subprocess.run([python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def find_python(wanted):
    """``(executable, full version, note)`` for Python ``wanted``, or the current Python with a note."""
    path = shutil.which(f"python{wanted}")
    if path:
        try:
            version = python_version(path)
        except (OSError, subprocess.CalledProcessError):
            version = ""
        if version.startswith(wanted + "."):
            return path, version, f"Python {version} ({path}), as binder/runtime.txt asks"
    version = python_version(sys.executable)
    note = (f"binder/runtime.txt asks for Python {wanted}, which is not installed here: "
            f"used the current Python {version} ({sys.executable}) instead")
    return sys.executable, version, note


# --------------------------------------------------------------------------- the environment
def pinned():
    """``{normalized name: version}`` of every ``name==version`` line in binder/requirements.txt."""
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)", line)
        if match:
            pins[normalize(match.group(1))] = match.group(2)
        elif line and line not in LOCAL_LINES:
            raise BinderCheckError(f"binder/requirements.txt: {line!r} is not an exact 'name==version' pin")
    return pins


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def run(cmd, env=None, cwd=ROOT, what=None):
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise BinderCheckError(
            f"{what or ' '.join(map(str, cmd))} failed (exit {result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def build(venv, python):
    """Create ``venv`` with ``python`` and install binder/requirements.txt as repo2docker does."""
    run([python, "-m", "venv", venv], what="creating the venv")
    vpython = venv / "bin" / "python"
    # repo2docker runs pip from the repository root: `-e .` means this repository.
    run([vpython, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS.relative_to(ROOT)],
        what="pip install -r binder/requirements.txt")
    run([vpython, "-m", "pip", "check"], what="pip check")
    installed = json.loads(run([vpython, "-c", (
        "import json, importlib.metadata as m; "
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))")]))
    installed = {normalize(k): v for k, v in installed.items()}
    for name, version in pinned().items():
        if installed.get(name) != version:
            raise BinderCheckError(f"{name}=={version} is pinned, but the venv has {installed.get(name)}")
    if "pooling-notebooks" not in installed:
        raise BinderCheckError("`-e .` did not install pooling-notebooks")
    if "pooling-notebooks-jupyter-settings" not in installed:
        raise BinderCheckError("`./jupyter-settings` did not install pooling-notebooks-jupyter-settings")
    return vpython


def env_with(venv, **extra):
    env = dict(os.environ)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    for name in ("PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
        env.pop(name, None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def post_build(venv, env):
    """Run binder/postBuild in the venv; check jupyter-settings/ is where JupyterLab and Voila read it."""
    run([BINDER / "postBuild"], env=env, what="binder/postBuild")
    share, etc = venv / "share" / "jupyter", venv / "etc" / "jupyter"
    for source in sorted(p for p in (SETTINGS / "share" / "jupyter").rglob("*") if p.is_file()):
        target = share / source.relative_to(SETTINGS / "share" / "jupyter")
        if not target.exists() or target.read_bytes() != source.read_bytes():
            raise BinderCheckError(f"binder/requirements.txt did not install {source.relative_to(ROOT)} as {target}")
    for source in sorted(p for p in (SETTINGS / "etc" / "jupyter").rglob("*") if p.is_file()):
        target = etc / source.relative_to(SETTINGS / "etc" / "jupyter")
        if not target.exists() or target.read_bytes() != source.read_bytes():
            raise BinderCheckError(f"binder/requirements.txt did not install {source.relative_to(ROOT)} as {target}")
    config = json.loads((etc / "jupyter_server_config.json").read_text())
    wanted = json.loads((SETTINGS / "jupyter_server_config.json").read_text())
    for section, values in wanted.items():
        for key, value in values.items():
            if config.get(section, {}).get(key) != value:
                raise BinderCheckError(f"postBuild did not set {section}.{key} in the server config")
    # JupyterLab in the venv must find the settings override in its application directory.
    paths = run([venv / "bin" / "jupyter", "lab", "path"], env=env)
    app_dir = re.search(r"Application directory:\s*(\S+)", paths).group(1)
    if Path(app_dir).resolve() != (share / "lab").resolve():
        raise BinderCheckError(f"JupyterLab's application directory is {app_dir}, not {share / 'lab'}")


# --------------------------------------------------------------------------- imports
def notebook_sources():
    for path in lesson_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                # IPython magics and shell lines are not Python
                lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
                yield path.name, "\n".join(lines)
    for path in sorted((ROOT / "pooling_lib").rglob("*.py")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def imported_modules():
    """``{top-level module: first file that imports it}`` over the notebooks and pooling_lib."""
    found = {}
    for where, source in notebook_sources():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], where)
    return found


def check_imports(vpython, env):
    """Every third-party import must come from a package pinned in binder/requirements.txt."""
    modules = imported_modules()
    script = (
        "import json, sys, importlib.util, importlib.metadata as m\n"
        "dists = m.packages_distributions()\n"
        "def owner(k):\n"
        "    if k in sys.stdlib_module_names: return 'stdlib'\n"
        "    if k in dists: return dists[k]\n"
        "    return None if importlib.util.find_spec(k) is None else 'unknown'\n"
        "print(json.dumps({k: owner(k) for k in json.loads(sys.argv[1])}))\n"
    )
    owners = json.loads(run([vpython, "-c", script, json.dumps(sorted(modules))], env=env))
    pins = pinned()
    problems = []
    for module, dists in sorted(owners.items()):
        where = modules[module]
        if dists == "stdlib" or module == "pooling_lib":
            continue
        if dists is None:
            problems.append(f"{module} (imported by {where}) is not installed in the Binder environment")
        elif dists == "unknown" or not any(normalize(d) in pins for d in dists):
            problems.append(f"{module} (imported by {where}) comes from {dists}, "
                            "which binder/requirements.txt does not pin")
    if problems:
        raise BinderCheckError("undeclared dependencies:\n  " + "\n  ".join(problems))
    return sorted(m for m, d in owners.items() if d != "stdlib" and m != "pooling_lib")


# --------------------------------------------------------------------------- notebooks
def lesson_notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


_PROBE = "import sys, pooling_lib\nprint(sys.prefix)\nprint(pooling_lib.__file__)"


def execute_notebooks(prefix):
    """Run inside the Binder venv (``--execute PREFIX``): execute every lesson; return problems."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    problems = []
    for path in lesson_notebooks():
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(_PROBE))
        client = NotebookClient(nb, timeout=NOTEBOOK_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        started = time.perf_counter()
        try:
            client.execute()
        except CellExecutionError as error:
            problems.append(f"{path.name}: {str(error)[-2000:]}")
            continue
        seconds = time.perf_counter() - started
        for index, cell in enumerate(nb.cells[:-1]):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    problems.append(f"{path.name}, cell {index}: output on stderr: {output['text'][:500]!r}")
        probe = "".join(o.get("text", "") for o in nb.cells[-1].outputs).split()
        if len(probe) != 2 or Path(probe[0]).resolve() != Path(prefix).resolve():
            problems.append(f"{path.name}: the kernel did not run in the Binder venv ({probe})")
        elif not Path(probe[1]).resolve().is_relative_to(ROOT):
            problems.append(f"{path.name}: pooling_lib came from {probe[1]}, not this repository")
        print(f"  {path.name}: ran in {seconds:.1f} s", flush=True)
    return problems


def run_notebooks(vpython, venv, env):
    out = subprocess.run([vpython, Path(__file__).resolve(), "--execute", venv], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    print(out.stdout, end="")
    if out.returncode != 0:
        raise BinderCheckError(f"notebooks failed in the Binder environment:\n{out.stdout[-4000:]}"
                               f"\n{out.stderr[-4000:]}")


# --------------------------------------------------------------------------- the whole check
def check(keep=False):
    """Build the Binder environment, run every notebook in it; return a summary. Raises BinderCheckError."""
    started = time.perf_counter()
    notebooks = lesson_notebooks()
    if not notebooks:
        raise BinderCheckError("no notebooks/NN-*.ipynb to run")
    python, _, note = find_python(runtime_version())
    log(note)
    workdir = Path(tempfile.mkdtemp(prefix="binder-check-"))
    venv = workdir / "venv"
    try:
        t = time.perf_counter()
        vpython = build(venv, python)
        log(f"venv built from binder/requirements.txt in {time.perf_counter() - t:.0f} s ({venv})")
        env = env_with(
            venv,
            MPLCONFIGDIR=workdir / "mplconfig",       # a new Binder user has no font cache yet
            JUPYTER_DATA_DIR=workdir / "jupyter-data",  # no kernelspec from this machine's user
            JUPYTER_CONFIG_DIR=workdir / "jupyter-config",
            JUPYTER_RUNTIME_DIR=workdir / "jupyter-runtime",
        )
        post_build(venv, env)
        log("postBuild ran; its files are where JupyterLab and Voila read them")
        third_party = check_imports(vpython, env)
        log(f"every third-party import is pinned: {', '.join(third_party)}")
        t = time.perf_counter()
        log(f"running {len(notebooks)} notebooks in the Binder venv ...")
        run_notebooks(vpython, venv, env)
        log(f"all notebooks ran in {time.perf_counter() - t:.0f} s")
    finally:
        if keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    summary = f"Binder check passed in {time.perf_counter() - started:.0f} s; {note}"
    log(summary)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the venv (prints where)")
    parser.add_argument("--execute", metavar="PREFIX", help=argparse.SUPPRESS)  # inside the venv
    args = parser.parse_args(argv)
    if args.execute:
        problems = execute_notebooks(args.execute)
        if problems:
            print("\n".join(problems))
            sys.exit(1)
        return
    try:
        check(keep=args.keep)
    except BinderCheckError as error:
        sys.exit(f"[binder check] FAILED: {error}")


if __name__ == "__main__":
    main()
