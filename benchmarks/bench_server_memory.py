"""Memory of one student's session: the Jupyter server itself next to each lesson's kernel.

A student's session on Binder or a JupyterHub is one Jupyter server (JupyterLab,
Voila's extension, nbgitpuller) plus one kernel per open notebook. This script
starts the server the browser tests use (tests/browser/jupyter_driver.py), opens
each lesson in headless chromium, runs all its cells, moves nothing, and reads
from /proc (Linux):

* the server's resident memory (VmRSS) after the lesson ran, and its peak (VmHWM);
* the kernel's peak resident memory (VmHWM);

then shuts the kernel down before the next lesson. It also measures the app
mode: the stand-alone ``voila app`` server and the kernel of one lesson page.
Results go to benchmarks/results/server_memory.json and a table on stdout.

    python benchmarks/bench_server_memory.py            # every lesson
    python benchmarks/bench_server_memory.py 02 08      # some lessons
"""

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "browser"))

from jupyter_driver import (  # noqa: E402
    ROOT,
    JupyterServer,
    ServerProcess,
    clean_env,
    free_port,
    launch_browser,
    lesson_notebooks,
    open_notebook,
    peak_memory_mb,
    run_all,
)


def rss_mb(pid):
    """Resident memory (VmRSS) of process ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def children(pid):
    """Pids of the direct children of ``pid``."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(proc.name))
    return found


def lab_rows(playwright, wanted):
    rows = []
    with JupyterServer(log_name="bench-server-memory.log") as server:
        browser = launch_browser(playwright)
        for notebook in lesson_notebooks():
            if wanted and notebook.name[:2] not in wanted:
                continue
            context = browser.new_context(viewport={"width": 1280, "height": 1400})
            page = context.new_page()
            open_notebook(page, server, notebook)
            seconds = run_all(page)
            kernel = server.kernel_pid(server.kernel_id_for(notebook))
            row = {"lesson": notebook.stem, "run_all_s": round(seconds, 1),
                   "kernel_peak_mb": round(peak_memory_mb(kernel), 1),
                   "server_rss_mb": round(rss_mb(server.proc.pid), 1),
                   "server_peak_mb": round(peak_memory_mb(server.proc.pid), 1)}
            rows.append(row)
            print(row, flush=True)
            context.close()
            server.shutdown_kernels()
            time.sleep(1)
        browser.close()
    return rows


def app_row(playwright, lesson="02"):
    port = free_port()
    argv = [sys.executable, "-m", "voila", "app", "--no-browser", f"--port={port}"]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, ServerProcess(argv, port=port, cwd=ROOT, env=clean_env(tmp),
                                                             log_name="bench-voila-memory.log") as voila:
        browser = launch_browser(playwright)
        page = browser.new_page()
        page.goto(voila.url("/voila/render/lesson.ipynb", lesson=lesson), timeout=300_000)
        page.wait_for_selector("img.widget-image", timeout=300_000)
        kernels = [pid for pid in children(voila.proc.pid) if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        row = {"lesson": f"app mode, lesson {lesson}", "server_rss_mb": round(rss_mb(voila.proc.pid), 1),
               "server_peak_mb": round(peak_memory_mb(voila.proc.pid), 1),
               "kernel_peak_mb": round(max(peak_memory_mb(pid) for pid in kernels), 1) if kernels else None}
        print(row, flush=True)
        browser.close()
    return row


def main(argv):
    from playwright.sync_api import sync_playwright

    wanted = set(argv)
    with sync_playwright() as playwright:
        rows = lab_rows(playwright, wanted)
        app = app_row(playwright)
    out = HERE / "results" / "server_memory.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"lab": rows, "app": app, "python": sys.version.split()[0],
                               "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, indent=2))
    print(f"\n| lesson | kernel peak MB | server RSS MB | server peak MB |\n|---|---|---|---|")
    for row in rows + [app]:
        print(f"| {row['lesson']} | {row['kernel_peak_mb']} | {row['server_rss_mb']} | {row['server_peak_mb']} |")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
