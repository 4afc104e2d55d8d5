"""Drive the lessons in a real browser: a Jupyter server on loopback, Debian's chromium, the widgets.

Shared by the browser tests (``tests/browser/``) and the browser benchmark
(``benchmarks/bench_browser.py``). It knows three things:

* how to start JupyterLab (or Voila through the same server) on a free
  loopback port with a random token, on a *temporary copy* of the notebooks
  (running them in the browser must not touch the committed files), with the
  same files ``binder/postBuild`` installs on Binder (no news pop-up, no update
  check, Voila's app mode without CDN requests);
* how to open a notebook, run all its cells from the Run menu and wait until
  every cell has run and the kernel is idle;
* how to find every explorer on a page (an ``ipywidgets.Image`` next to its
  box of controls) and move each control the way a student does: the
  keyboard on a slider's handle, a click on a toggle button or a check box,
  a choice in a drop-down. A move counts when the picture's bytes change.

It also records every request the browser makes, to check that nothing
leaves the machine.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
#: What the server's copy contains besides the notebooks (for relative links and pictures).
COPIED_FOLDERS = ("notebooks", "figures", "app")
#: The course's Jupyter settings (jupyter-settings/), which requirements.txt and
#: binder/requirements.txt install and binder/postBuild merges; the tests start the
#: server on the very same files: JupyterLab's settings override (no news pop-up, no
#: update check), the server config (Voila's template and MathJax from the bundle, not
#: a CDN, no news feed) and the Voila template.
SETTINGS = ROOT / "jupyter-settings"
LAB_SETTINGS = SETTINGS / "share" / "jupyter" / "lab" / "settings"
SERVER_CONFIG = SETTINGS / "jupyter_server_config.json"
JUPYTER_DATA = SETTINGS / "share" / "jupyter"
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}

#: Seconds: a whole notebook must run within this (lessons aim at <= 15 s).
RUN_ALL_TIMEOUT = 120
#: Seconds: one control move must redraw within this.
MOVE_TIMEOUT = 15


def lesson_notebooks(root=ROOT):
    """Every ``notebooks/NN-*.ipynb``, sorted by name (found at run time)."""
    return sorted((Path(root) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def saved_explorer_count(path):
    """How many explorers the saved notebook shows: outputs with a widget view *and* its PNG fallback."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    count = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data and "image/png" in data:
                count += 1
    return count


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(tmp):
    """The environment for a server under test: no user settings, workspaces or kernelspecs of this machine."""
    tmp = Path(tmp)
    env = dict(os.environ)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp / "user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp / "workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")
    env["JUPYTER_DATA_DIR"] = str(tmp / "user-data")  # no kernelspec from this user
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "user-config")  # no ~/.jupyter config
    env.pop("JUPYTER_TOKEN", None)
    return env


def stop_process(proc, timeout=20):
    """End a running ``Popen`` (None or already ended: nothing to do); kill it after ``timeout`` s."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class ServerProcess:
    """Any command that serves HTTP on ``port`` (a README's command), started and stopped by the tests.

    ``ready`` is a URL path that answers once the server is up (``/api/status`` for
    JupyterLab, ``/`` for Voila). Output goes to ``log_path``; ``log()`` returns it.
    Use as a context manager.
    """

    def __init__(self, cmd, *, port, cwd, env, ready="/", log_name="server.log", token=None, timeout=90):
        self.cmd, self.port, self.cwd, self.env = [str(c) for c in cmd], port, cwd, env
        self.ready, self.token, self.timeout = ready, token, timeout
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = ARTIFACTS / "browser-logs" / log_name
        self.proc = None

    def __enter__(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT, env=self.env,
                                     cwd=self.cwd)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._log.close()
                raise RuntimeError(f"{' '.join(self.cmd)} exited with code {self.proc.returncode}:\n"
                                   f"{self.log()[-3000:]}")
            try:
                self.get(self.ready, timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"{' '.join(self.cmd)} did not answer within {self.timeout} s:\n{self.log()[-3000:]}")

    def __exit__(self, *exc):
        stop_process(self.proc)
        if not self._log.closed:
            self._log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def url(self, path, **query):
        if self.token:
            query = {**query, "token": self.token}
        return f"{self.base}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")

    def get(self, path, timeout=10):
        """``(status, body bytes)`` of a GET on the server (with the token, when there is one)."""
        headers = {"Authorization": f"token {self.token}"} if self.token else {}
        request = urllib.request.Request(f"{self.base}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


INSTALL_NOTICE = (
    "The browser tests need Debian's chromium at /usr/bin/chromium, which is missing. Running as root "
    "on a Debian-like system, they install it now with `apt-get update && apt-get install -y chromium` "
    "(a few hundred MB, a minute or two). Set POOLING_NO_APT=1 to forbid this."
)


def can_install_chromium():
    """True when :func:`install_chromium` may run: the default path, root, apt-get, and not forbidden."""
    return (CHROMIUM == Path("/usr/bin/chromium") and hasattr(os, "geteuid") and os.geteuid() == 0
            and shutil.which("apt-get") is not None and not os.environ.get("POOLING_NO_APT"))


def install_chromium(say=print):
    """As root on Debian/Ubuntu, install Debian's chromium package; ``say`` tells the user first."""
    say(INSTALL_NOTICE)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL)
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    say("chromium installed." if CHROMIUM.exists() else
        f"apt-get could not install chromium: {result.stderr.strip()[-500:]}")


def chromium_problem():
    """None when chromium and Playwright are usable, else one sentence saying what is missing and what to do."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Playwright is not installed: `python -m pip install -r requirements-test.txt` "
                "(never `playwright install`: the tests use Debian's chromium).")
    if CHROMIUM.exists():
        return None
    how = ("install it as root with `apt-get update && apt-get install -y chromium`, "
           "or point the CHROMIUM environment variable at a chromium executable")
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        why = "not root, so they cannot install it"
    elif not shutil.which("apt-get"):
        why = "no apt-get on this machine"
    elif os.environ.get("POOLING_NO_APT"):
        why = "POOLING_NO_APT forbids installing it"
    else:
        why = "apt-get did not install it"
    return (f"The browser tests need chromium at {CHROMIUM}, which is missing ({why}): {how}. "
            "Do not run `playwright install`: it downloads a browser build, which cannot work here. "
            "To run everything else: python -m pytest -m 'not browser'.")


def require_chromium():
    """The chromium executable, or a RuntimeError that says how to install it (never a skip).

    Installs nothing: the test session's conftest installs it once, after saying so.
    """
    problem = chromium_problem()
    if problem:
        raise RuntimeError(problem)
    return str(CHROMIUM)


def launch_browser(playwright):
    """Headless Debian chromium through Playwright."""
    return playwright.chromium.launch(
        executable_path=require_chromium(), headless=True, args=CHROMIUM_ARGS
    )


def is_local(url):
    """True for URLs that stay on this machine: loopback hosts, data:, blob:, about:."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.hostname in LOOPBACK_HOSTS


class NetworkLog:
    """Every request and websocket a browser context opens."""

    def __init__(self, context):
        self.urls = []
        context.on("request", lambda request: self.urls.append(request.url))
        context.on("page", self._watch_page)

    def _watch_page(self, page):
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def outside(self):
        """The URLs that left loopback (should be none)."""
        return sorted({url for url in self.urls if not is_local(url)})


# --------------------------------------------------------------------------- the server
class JupyterServer:
    """JupyterLab (with Voila as a server extension) on a temporary copy of the notebooks.

    Use as a context manager. ``url(path)`` gives a URL with the token.
    """

    def __init__(self, root=ROOT, log_dir=None, python=sys.executable, extra_args=(), folders=COPIED_FOLDERS,
                 log_name="jupyter-server.log"):
        self.source = Path(root)
        self.folders, self.log_name = tuple(folders), log_name
        self.extra_args = list(extra_args)
        self.python = python
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_dir = Path(log_dir) if log_dir else ARTIFACTS / "browser-logs"
        self.proc = None
        self._tmp = None

    def __enter__(self):
        self._tmp = Path(tempfile.mkdtemp(prefix="pooling-classroom-"))
        self.root = self._tmp / "course"
        self.root.mkdir()
        for name in self.folders:
            if (self.source / name).is_dir():
                shutil.copytree(self.source / name, self.root / name,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        (self._tmp / "config").mkdir()
        shutil.copy(SERVER_CONFIG, self._tmp / "config" / "jupyter_server_config.json")
        env = clean_env(self._tmp)
        env["JUPYTER_CONFIG_PATH"] = str(self._tmp / "config")
        env["JUPYTER_PATH"] = str(JUPYTER_DATA)
        cmd = [
            self.python, "-m", "jupyter", "lab",
            "--no-browser",
            "--ServerApp.open_browser=False",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.app_settings_dir={LAB_SETTINGS}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        cmd += self.extra_args
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.log_dir / self.log_name
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     cwd=self.root)
        try:
            self._wait_until_up()
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the Jupyter server exited with code {self.proc.returncode}; see {self.log_path}"
                )
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the Jupyter server did not answer within {timeout} s; see {self.log_path}")

    def __exit__(self, *exc):
        stop_process(self.proc)
        if getattr(self, "_log", None):
            self._log.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def url(self, path, **query):
        query = {**query, "token": self.token}
        return f"{self.base}{path}?{urllib.parse.urlencode(query)}"

    def api(self, method, path, timeout=5):
        """Call the server's REST API; return the decoded JSON (or None)."""
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_url(self, notebook):
        """JupyterLab with only ``notebook`` open (a fresh workspace per notebook)."""
        return self.url(f"/lab/workspaces/{Path(notebook).stem}/tree/notebooks/{Path(notebook).name}",
                        reset="")

    def voila_url(self, notebook):
        """The app mode: Voila renders ``notebook`` without its code cells."""
        return self.url(f"/voila/render/notebooks/{Path(notebook).name}")

    def kernel_id_for(self, notebook):
        """The id of the kernel of the session that has ``notebook`` open (None when there is none)."""
        name = Path(notebook).name
        for session in self.api("GET", "/api/sessions"):
            if Path(session.get("path", "")).name == name and session.get("kernel"):
                return session["kernel"]["id"]
        return None

    def kernel_ids(self):
        """Ids of the running kernels."""
        return [k["id"] for k in self.api("GET", "/api/kernels")]

    def shutdown_kernels(self):
        """Shut down every kernel (between notebooks, to keep memory down)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel_id in self.kernel_ids():
            self.api("DELETE", f"/api/kernels/{kernel_id}")

    def kernel_pid(self, kernel_id):
        """The pid of kernel ``kernel_id`` (Linux: found in /proc by its connection file)."""
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(f"kernel-{kernel_id}.json".encode() in part for part in cmdline):
                return int(proc.name)
        return None


def peak_memory_mb(pid):
    """Peak resident memory (VmHWM) of process ``pid`` in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


# --------------------------------------------------------------------------- JupyterLab pages
_CODE_PROMPTS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"""

_KERNEL_STATUS = """() => {
    const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    return el ? el.getAttribute('data-status') : null;
}"""


def open_notebook(page, server, notebook, timeout=60, relpath=None):
    """Open ``notebook`` in JupyterLab; wait until every cell is on the page and the kernel is idle.

    JupyterLab attaches a long notebook's cells a few at a time; the check of
    what the saved file shows must wait for all of them. ``relpath`` (a path
    under the server's root) opens a notebook outside ``notebooks/``.
    """
    if relpath is None:
        path, url = server.root / "notebooks" / Path(notebook).name, server.lab_url(notebook)
    else:
        path = server.root / relpath
        url = server.url(f"/lab/workspaces/{Path(relpath).stem}/tree/{Path(relpath).as_posix()}", reset="")
    cells = len(json.loads(path.read_text(encoding="utf-8"))["cells"])
    page.goto(url)
    page.wait_for_function(
        "(n) => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')"
        ".length >= n", arg=cells, timeout=timeout * 1000)
    wait_kernel_idle(page, timeout)


def wait_kernel_idle(page, timeout=60):
    page.wait_for_function(f"() => ({_KERNEL_STATUS})() === 'idle'", timeout=timeout * 1000)


def menu_command(page, menu, command):
    """Click ``menu`` in the menu bar, then the item that runs ``command``."""
    page.locator(".lm-MenuBar-item", has_text=menu).first.click()
    page.locator(f".lm-Menu-item[data-command='{command}']").click()


def run_all(page, timeout=RUN_ALL_TIMEOUT):
    """Clear every output, run all cells from the Run menu, wait until all ran; return seconds.

    Clearing first means nothing shown afterwards is left over from the saved
    file. When no cell has started 15 s after the click (JupyterLab still busy
    with its start), the menu is used once more. On a timeout the page is
    saved as a screenshot in test-artifacts/browser-logs/ and the error says
    which cells had not run.
    """
    from playwright.sync_api import TimeoutError as WaitTimeout

    menu_command(page, "Edit", "editmenu:clear-all")
    page.wait_for_function(f"() => ({_CODE_PROMPTS})().every(p => !/\\d/.test(p))", timeout=10000)
    start = time.perf_counter()
    for attempt in range(2):
        menu_command(page, "Run", "runmenu:run-all")
        try:
            page.wait_for_function(f"() => ({_CODE_PROMPTS})().some(p => /[*\\d]/.test(p))", timeout=15000)
            break
        except WaitTimeout:
            if attempt:
                raise _stuck(page, "no cell started after Run > Run All Cells (twice)") from None
    try:
        page.wait_for_function(
            f"""() => {{
                const prompts = ({_CODE_PROMPTS})();
                return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p))
                       && ({_KERNEL_STATUS})() === 'idle';
            }}""",
            timeout=timeout * 1000,
            polling=50,
        )
    except WaitTimeout:
        raise _stuck(page, f"the cells had not all run after {timeout} s") from None
    return time.perf_counter() - start


def _stuck(page, what):
    """A RuntimeError describing a notebook that did not run, with a screenshot saved."""
    folder = ARTIFACTS / "browser-logs"
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"stuck-{int(time.time())}.png"
    page.screenshot(path=shot)
    prompts = page.evaluate(_CODE_PROMPTS)
    return RuntimeError(f"{page.title()}: {what}; kernel {page.evaluate(_KERNEL_STATUS)!r}, "
                        f"prompts {prompts}; screenshot {shot}")


def page_problems(page, scope="body"):
    """What a student would see as broken: widget errors, error/stderr output, Voila's cell errors."""
    return page.evaluate(
        """(scope) => {
            const root = document.querySelector(scope) || document.body;
            const found = [];
            // Every text node, also those scrolled out of view, but not scripts, styles or code.
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: n =>
                n.parentElement && n.parentElement.closest('script, style, template, .jp-Editor, .cm-editor')
                    ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
            const parts = [];
            while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
            const text = parts.join('');
            for (const phrase of ['Error displaying widget', 'There was an error when executing cell',
                                  'Traceback (most recent call last)']) {
                if (text.includes(phrase)) {
                    const at = text.indexOf(phrase);
                    found.push(text.slice(Math.max(0, at - 200), at + 400));
                }
            }
            for (const el of root.querySelectorAll(
                    '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error')) {
                found.push('stderr/error output: ' + el.textContent.slice(0, 600));
            }
            return [...new Set(found)];
        }""",
        scope,
    )


def log_console_text(page):
    """What JupyterLab's log console holds ('' when it is empty).

    An exception inside a widget callback (a slider's redraw that fails) shows
    up only there: the status bar counts it, and the log console has the traceback.
    """
    has_messages = page.evaluate(
        """() => Array.from(document.querySelectorAll('.jp-LogConsoleStatusItem'))
                 .some(e => !e.classList.contains('lm-mod-hidden') && e.innerText.trim() !== '')"""
    )
    if not has_messages:
        return ""
    if not page.locator(".jp-LogConsolePanel").count():
        menu_command(page, "View", "logconsole:open")
        page.wait_for_selector(".jp-LogConsolePanel", timeout=10000)
    return page.locator(".jp-LogConsolePanel").first.inner_text()


# --------------------------------------------------------------------------- explorers
EXPLORER_SELECTOR = ".widget-vbox:has(> img.widget-image):has(> .widget-hbox)"

_CONTROL_KINDS = """(box) => Array.from(box.querySelector(':scope > .widget-hbox').children).map(el => {
    const c = el.classList;
    const labels = Array.from(el.querySelectorAll('.widget-label, .widget-label-basic'))
        .map(l => l.textContent.replace(/\u200b/g, '').trim()).filter(Boolean);
    const description = labels[0] || el.textContent.trim().slice(0, 30);
    let kind = 'unknown';
    if (c.contains('widget-slider')) kind = el.querySelector('.noUi-handle') ? 'slider' : 'unknown';
    else if (c.contains('widget-toggle-buttons')) kind = 'toggle-buttons';
    else if (c.contains('widget-dropdown')) kind = 'dropdown';
    else if (c.contains('widget-checkbox')) kind = 'checkbox';
    else if (c.contains('widget-toggle-button')) kind = 'toggle-button';
    else if (c.contains('widget-radio')) kind = 'radio';
    return {kind, description, classes: el.className};
})"""

_ARM_TIMER = """(img) => {
    // Marks the student's gesture, the new picture's arrival, and (in JupyterLab) the
    // kernel going busy then idle again: once it is idle, every update it sent has arrived.
    const timer = {start: null, loaded: null, busy: false, done: false, indicator: false};
    window.__explorerTimer = timer;
    const mark = () => { if (timer.start === null) timer.start = performance.now(); };
    for (const type of ['keydown', 'mousedown', 'change']) {
        document.addEventListener(type, mark, {capture: true, once: true});
    }
    img.addEventListener('load', () => { timer.loaded = performance.now(); }, {once: true});
    const indicator = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    if (indicator) {
        timer.indicator = true;
        new MutationObserver((records, observer) => {
            const status = indicator.getAttribute('data-status');
            if (status === 'busy') timer.busy = true;
            if (status === 'idle' && timer.busy) { timer.done = true; observer.disconnect(); }
        }).observe(indicator, {attributes: true, attributeFilter: ['data-status']});
    }
    return img.src;
}"""

_DIGEST = """async (img) => {
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(hash, b => b.toString(16).padStart(2, '0')).join('');
}"""


class Move:
    """What one control move did.

    ``picture`` and ``caption`` say whether the picture's bytes and the
    caption under it changed; ``ms`` is the time from the student's key
    press (or click) to the new picture loaded in the page (nan when only
    the caption changed).
    """

    def __init__(self, control, action, picture, caption, ms):
        self.control, self.action, self.picture, self.caption, self.ms = control, action, picture, caption, ms

    def __repr__(self):
        return (f"Move({self.control!r}, {self.action!r}, picture={self.picture}, "
                f"caption={self.caption}, {self.ms:.0f} ms)")


_CAPTION = "(box) => { const c = box.querySelector(':scope > .widget-html'); return c ? c.innerHTML : ''; }"

_PICTURE_LOADED = ("([img, old]) => img.src !== old && img.complete && img.naturalWidth > 0"
                   " && window.__explorerTimer.loaded !== null")


class ExplorerView:
    """One explorer on the page: its picture, its controls, and how to move them."""

    def __init__(self, page, locator, index):
        self.page, self.box, self.index = page, locator, index
        self.img = locator.locator(":scope > img.widget-image")
        self.controls = locator.evaluate(_CONTROL_KINDS)

    def describe(self):
        return ", ".join(f"{c['kind']} {c['description']!r}" for c in self.controls)

    def control(self, i):
        return self.box.locator(":scope > .widget-hbox > *").nth(i)

    def digest(self):
        """SHA-256 of the picture's bytes as the page has them."""
        return self.img.evaluate(_DIGEST)

    def slider_state(self, i):
        handle = self.control(i).locator(".noUi-handle").first
        return {k: float(handle.get_attribute(f"aria-value{k}")) for k in ("now", "min", "max")}

    def moves_for(self, i):
        """The gestures that move control ``i`` from where it is now: a step, then both ends."""
        kind = self.controls[i]["kind"]
        if kind == "slider":
            s = self.slider_state(i)
            if s["now"] < s["max"]:
                return ["ArrowRight", "End", "Home"]
            return ["ArrowLeft", "Home", "End"]
        if kind in ("toggle-buttons", "radio"):
            return ["click another option"]
        if kind == "dropdown":
            return ["select another option"]
        if kind in ("checkbox", "toggle-button"):
            return ["click", "click again"]
        raise AssertionError(
            f"explorer {self.index}: no rule to move control {i} ({self.controls[i]['classes']})"
        )

    def _act(self, i, action):
        el = self.control(i)
        kind = self.controls[i]["kind"]
        if kind == "slider":
            handle = el.locator(".noUi-handle").first
            handle.hover()  # the pointer leaves any picture (ipyevents gives a picture under it the keys)
            handle.focus()
            s = self.slider_state(i)
            if (action in ("End", "ArrowRight") and s["now"] >= s["max"]) or (
                    action in ("Home", "ArrowLeft") and s["now"] <= s["min"]):
                return False  # already there: this gesture moves nothing
            self.page.keyboard.press(action)
        elif kind == "toggle-buttons":
            el.locator("button.widget-toggle-button:not(.mod-active)").first.click()
        elif kind == "radio":
            el.locator("input[type=radio]:not(:checked)").first.click()
        elif kind == "dropdown":
            select = el.locator("select")
            current = select.input_value()
            options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            select.select_option(next(v for v in options if v != current))
        elif kind == "checkbox":
            el.locator("input[type=checkbox]").click()
        elif kind == "toggle-button":
            el.click()
        return True

    def move(self, i, action, timeout=MOVE_TIMEOUT, grace=3.0, settle=0.5):
        """Do ``action`` on control ``i`` and wait for the explorer to answer; return a :class:`Move`.

        Waits until the picture changes, or the caption changes, or (in
        JupyterLab) the kernel has handled the move and is idle again; at most
        ``timeout`` s. Then, if the picture has not changed, waits up to ``grace`` s
        more for it when the caption changed (a redraw sends the caption first),
        ``settle`` s otherwise. Returns None
        when the gesture moves nothing (End on a slider already at its end).
        """
        from playwright.sync_api import TimeoutError as WaitTimeout

        name = self.controls[i]["description"]
        before = self.digest()
        img = self.img.element_handle()
        box = self.box.element_handle()
        old_caption = self.box.evaluate(_CAPTION)
        old_src = img.evaluate(_ARM_TIMER)
        if not self._act(i, action):
            return None
        answered = (f"([img, old, box, oldCaption]) => ({_PICTURE_LOADED})([img, old])"
                    f" || ({_CAPTION})(box) !== oldCaption || window.__explorerTimer.done")
        try:
            self.page.wait_for_function(answered, arg=[img, old_src, box, old_caption],
                                        timeout=timeout * 1000, polling="raf")
        except WaitTimeout:  # no answer at all: reported as a move that changed nothing
            pass
        if not self.page.evaluate(_PICTURE_LOADED, [img, old_src]):
            # The caption came first, or the kernel is idle and its last messages are
            # still being rendered: give the picture a little longer.
            changed_caption = self.box.evaluate(_CAPTION) != old_caption
            try:
                self.page.wait_for_function(_PICTURE_LOADED, arg=[img, old_src], polling="raf",
                                            timeout=(grace if changed_caption else settle) * 1000)
            except WaitTimeout:  # the picture stayed the same
                pass
        timer = self.page.evaluate("() => window.__explorerTimer")
        after = self.digest()
        caption_changed = self.box.evaluate(_CAPTION) != old_caption
        loaded = timer["loaded"] is not None and timer["start"] is not None
        ms = timer["loaded"] - timer["start"] if loaded else float("nan")
        return Move(name, action, before != after, caption_changed, ms)


def find_explorers(page, scope=""):
    """Every explorer on the page, in document order."""
    locator = page.locator(f"{scope} {EXPLORER_SELECTOR}".strip())
    return [ExplorerView(page, locator.nth(i), i) for i in range(locator.count())]


# --------------------------------------------------------------------------- the README's commands
README = ROOT / "README.md"


def readme_command_lines(readme=README):
    """Every command line in the README's ```bash blocks, split at ``&&`` (comments dropped)."""
    import re

    lines = []
    for block in re.findall(r"```bash\n(.*?)```", Path(readme).read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.extend(part.strip() for part in line.split("&&"))
    return lines


def readme_command(program, *, as_root=None, readme=README):
    """The README's command that starts ``program`` (e.g. ``"python -m jupyterlab"``), as an argv list.

    ``as_root`` (default: whether this process is root) picks the README's variant
    with ``--allow-root`` when there is one. ``python`` becomes this interpreter.
    """
    import shlex

    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    found = [shlex.split(line) for line in readme_command_lines(readme) if line.startswith(program + " ")
             or line == program]
    if not found:
        raise AssertionError(f"the README has no command starting with {program!r}")
    rooted = [argv for argv in found if "--allow-root" in argv]
    plain = [argv for argv in found if "--allow-root" not in argv]
    argv = (rooted or plain)[0] if as_root else (plain or rooted)[0]
    if argv[0] == "python":
        argv = [sys.executable, *argv[1:]]
    return argv


def browser_open_url(runtime_dir):
    """The URL Jupyter Server would open in a browser, or None.

    With a file to open, the server's browser start page is
    ``jpserver-file-to-run-<pid>-open.html``; without, ``jpserver-<pid>-open.html``.
    """
    import re

    runtime_dir = Path(runtime_dir)
    pages = sorted(runtime_dir.glob("jpserver-file-to-run-*-open.html")) or sorted(
        runtime_dir.glob("jpserver-[0-9]*-open.html"))
    for path in pages:
        match = re.search(r'url=([^"\s>]+)', path.read_text())
        if match:
            return match.group(1).replace("&amp;", "&")
    return None
