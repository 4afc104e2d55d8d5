"""How fast the explorers feel in a real browser, and what each lesson's kernel costs.

For every ``notebooks/NN-*.ipynb`` this opens JupyterLab in Debian's
chromium (the same machinery as ``tests/browser/``), runs all cells from the
Run menu and reports:

* **run all**: seconds from "Run All Cells" to every cell done and the kernel idle;
* **slider move to new picture**, for every explorer: 10 moves of its first
  slider with the keyboard (ArrowRight/ArrowLeft on the handle, back and
  forth), each timed inside the page from the key press to the new picture
  loaded in its ``<img>``; median and worst (target: median <= 250 ms);
* **kernel peak memory**: the kernel process's peak resident set (VmHWM in
  /proc, Linux) after the run and the moves (target <= 300 MB);
* **display scale**: the picture's on-screen width over its pixel width
  (above 1 the browser enlarges the PNG and its numbers blur).

Run it from the repository root (it needs /usr/bin/chromium and playwright,
like the browser tests)::

    python benchmarks/bench_browser.py                 # every notebook
    python benchmarks/bench_browser.py 01 03           # only notebooks whose names start so

It prints a table and writes it as JSON to ``benchmarks/results/browser.json``.
It is a measurement, not a test: it fails only when something cannot run.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from jupyter_driver import (
    JupyterServer,
    find_explorers,
    launch_browser,
    lesson_notebooks,
    open_notebook,
    peak_memory_mb,
    run_all,
)

MOVES = 10
TARGET_MEDIAN_MS = 250
TARGET_MEMORY_MB = 300
RESULTS = ROOT / "benchmarks" / "results" / "browser.json"


def display_scale(explorer):
    return explorer.img.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")


def time_explorer(explorer, moves=MOVES):
    """Milliseconds of ``moves`` moves of the explorer's first slider (or first control)."""
    sliders = [i for i, c in enumerate(explorer.controls) if c["kind"] == "slider"]
    index = sliders[0] if sliders else 0
    control = explorer.controls[index]
    times, unchanged = [], 0
    step = "ArrowRight"
    for _ in range(moves):
        if control["kind"] == "slider":  # back and forth between the ends
            state = explorer.slider_state(index)
            if step == "ArrowRight" and state["now"] >= state["max"]:
                step = "ArrowLeft"
            elif step == "ArrowLeft" and state["now"] <= state["min"]:
                step = "ArrowRight"
            action = step
        else:
            action = explorer.moves_for(index)[0]
        move = explorer.move(index, action)
        if move is None or not move.picture:
            unchanged += 1
            continue
        times.append(move.ms)
    return control, times, unchanged


def bench_notebook(context, server, notebook):
    page = context.new_page()
    open_notebook(page, server, notebook)
    kernel = server.kernel_id_for(notebook)
    pid = server.kernel_pid(kernel) if kernel else None
    seconds = run_all(page)
    rows = []
    for explorer in find_explorers(page):
        explorer.box.scroll_into_view_if_needed()
        control, times, unchanged = time_explorer(explorer)
        rows.append({
            "notebook": notebook.name,
            "explorer": explorer.index,
            "control": f"{control['kind']} {control['description']}",
            "moves": len(times),
            "unchanged": unchanged,
            "median_ms": statistics.median(times) if times else None,
            "worst_ms": max(times) if times else None,
            "display_scale": display_scale(explorer),
        })
    memory = peak_memory_mb(pid) if pid else None
    page.close()
    server.shutdown_kernels()
    return {"notebook": notebook.name, "run_all_s": seconds, "kernel_peak_mb": memory, "explorers": rows}


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def print_table(results):
    print()
    print("| notebook | run all (s) | kernel peak (MB) | explorer | control moved | median (ms) | worst (ms) "
          "| display scale |")
    print("|---|---:|---:|---|---|---:|---:|---:|")
    for r in results:
        explorers = r["explorers"] or [None]
        for k, e in enumerate(explorers):
            head = (f"| {r['notebook']} | {fmt(r['run_all_s'], '.1f')} | {fmt(r['kernel_peak_mb'], '.0f')} "
                    if k == 0 else "| | | ")
            if e is None:
                print(head + "| (no explorer) | | | | |")
                continue
            note = f" ({e['unchanged']} moves left the picture unchanged)" if e["unchanged"] else ""
            print(head + f"| {e['explorer']} | {e['control']}{note} | {fmt(e['median_ms'], '.0f')} "
                         f"| {fmt(e['worst_ms'], '.0f')} | {e['display_scale']:.2f} |")
    medians = [e["median_ms"] for r in results for e in r["explorers"] if e["median_ms"] is not None]
    memories = [r["kernel_peak_mb"] for r in results if r["kernel_peak_mb"] is not None]
    print()
    if medians:
        slow = [f"{r['notebook']} #{e['explorer']}" for r in results for e in r["explorers"]
                if e["median_ms"] is not None and e["median_ms"] > TARGET_MEDIAN_MS]
        print(f"slider move to new picture: worst median {max(medians):.0f} ms "
              f"(target <= {TARGET_MEDIAN_MS} ms): {'met' if not slow else 'NOT met by ' + ', '.join(slow)}")
    if memories:
        big = [r["notebook"] for r in results if (r["kernel_peak_mb"] or 0) > TARGET_MEMORY_MB]
        print(f"kernel peak memory: largest {max(memories):.0f} MB (target <= {TARGET_MEMORY_MB} MB): "
              f"{'met' if not big else 'NOT met by ' + ', '.join(big)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefixes", nargs="*", help="only notebooks whose names start with these")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    notebooks = [nb for nb in lesson_notebooks()
                 if not args.prefixes or any(nb.name.startswith(p) for p in args.prefixes)]
    if not notebooks:
        sys.exit("no notebooks/NN-*.ipynb to measure")
    started = time.perf_counter()
    results = []
    with JupyterServer() as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 1400})
        for notebook in notebooks:
            print(f"measuring {notebook.name} ...", flush=True)
            results.append(bench_notebook(context, server, notebook))
        browser.close()
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{time.perf_counter() - started:.0f} s in all; results in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
