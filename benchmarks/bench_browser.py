"""How fast the explorers feel in a real browser, and what each lesson's kernel costs.

For every ``notebooks/NN-*.ipynb`` this opens JupyterLab in Debian's
chromium (the same machinery as ``tests/browser/``), runs all cells from the
Run menu and reports:

* **run all**: seconds from "Run All Cells" to every cell done and the kernel idle;
* **slider move to new picture**, for every explorer: 10 moves of its first
  slider with the keyboard (ArrowRight/ArrowLeft on the handle, back and
  forth), each timed inside the page from the key press to the new picture
  loaded in its ``<img>``; median and worst;
* **click to new picture**, for every explorer that selects cells: real
  clicks on output and input cells (where the explorer, built here with the
  notebook's own arguments, says they are), each timed from the mouse press
  to the new picture loaded; median and worst;
* targets per notebook, over its slider moves and clicks together: median
  <= 100 ms and worst <= 200 ms;
* **kernel peak memory**: the kernel process's peak resident set (VmHWM in
  /proc, Linux) after the run and the moves (target <= 300 MB);
* **picture**: its format (SVG is vector; a PNG's display scale, on-screen
  width over pixel width, must stay <= 0.5 to be crisp at device pixel ratio 2).

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

from test_browser_explorers import build, notebook_explorers  # the notebook's explorers, built here too

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
CLICKS = 8
TARGET_MEDIAN_MS = 100
TARGET_WORST_MS = 200
TARGET_MEMORY_MB = 300
RESULTS = ROOT / "benchmarks" / "results" / "browser.json"


def picture_kind(explorer):
    """'SVG', or 'PNG x<scale>' (on-screen width over pixel width)."""
    kind = explorer.img.evaluate("async (img) => (await (await fetch(img.src)).blob()).type")
    if "svg" in kind:
        return "SVG"
    scale = explorer.img.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")
    return f"PNG x{scale:.2f}"


_ARM_CLICK = """(img) => {
    const timer = {start: null, loaded: null};
    window.__clickTimer = timer;
    document.addEventListener('mousedown', () => { timer.start = performance.now(); }, {capture: true, once: true});
    img.addEventListener('load', () => { timer.loaded = performance.now(); }, {once: true});
    return img.src;
}"""


def time_clicks(page, explorer, model, clicks=CLICKS):
    """Milliseconds from mouse press to new picture, for clicks on output and input cells in turn."""
    grids = model.selection_grids(model.values())
    targets = []
    for role, (_, (rows, cols)) in grids.items():
        targets += [(role, r, c) for r in range(rows) for c in range(cols)][:clicks // len(grids)]
    times = []
    for role, r, c in targets:
        box = explorer.img.bounding_box()
        fx, fy = model.cell_centre(role, r, c)
        old = explorer.img.evaluate(_ARM_CLICK)
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_function("([img, old]) => img.src !== old && window.__clickTimer.loaded !== null",
                               arg=[explorer.img.element_handle(), old], timeout=15000, polling="raf")
        timer = page.evaluate("() => window.__clickTimer")
        times.append(timer["loaded"] - timer["start"])
        model.click(fx, fy)  # keep the model's selection in step (a click on the selected cell clears)
    page.mouse.move(0, 0)  # off the picture, as a student's pointer going to a slider (keys go to the slider)
    return times


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
    calls, classes = notebook_explorers(notebook)
    for explorer in find_explorers(page):
        explorer.box.scroll_into_view_if_needed()
        model = build(calls[explorer.index], classes) if explorer.index < len(calls) else None
        clicks = time_clicks(page, explorer, model) if model is not None and model.selectable else []
        control, times, unchanged = time_explorer(explorer)
        rows.append({
            "all_ms": times + clicks,
            "clicks": len(clicks),
            "click_median_ms": statistics.median(clicks) if clicks else None,
            "click_worst_ms": max(clicks) if clicks else None,
            "notebook": notebook.name,
            "explorer": explorer.index,
            "control": f"{control['kind']} {control['description']}",
            "moves": len(times),
            "unchanged": unchanged,
            "median_ms": statistics.median(times) if times else None,
            "worst_ms": max(times) if times else None,
            "picture": picture_kind(explorer),
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
          "| clicks | click median (ms) | click worst (ms) | picture |")
    print("|---|---:|---:|---|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        explorers = r["explorers"] or [None]
        for k, e in enumerate(explorers):
            head = (f"| {r['notebook']} | {fmt(r['run_all_s'], '.1f')} | {fmt(r['kernel_peak_mb'], '.0f')} "
                    if k == 0 else "| | | ")
            if e is None:
                print(head + "| (no explorer) | | | | | | | |")
                continue
            note = f" ({e['unchanged']} moves left the picture unchanged)" if e["unchanged"] else ""
            print(head + f"| {e['explorer']} | {e['control']}{note} | {fmt(e['median_ms'], '.0f')} "
                         f"| {fmt(e['worst_ms'], '.0f')} | {e['clicks']} | {fmt(e['click_median_ms'], '.0f')} "
                         f"| {fmt(e['click_worst_ms'], '.0f')} | {e['picture']} |")
    memories = [r["kernel_peak_mb"] for r in results if r["kernel_peak_mb"] is not None]
    print()
    for r in results:
        ms = [m for e in r["explorers"] for m in e.get("all_ms", [])]
        if ms:
            median, worst = statistics.median(ms), max(ms)
            ok = median <= TARGET_MEDIAN_MS and worst <= TARGET_WORST_MS
            print(f"{r['notebook']}: {len(ms)} moves and clicks, median {median:.0f} ms, worst {worst:.0f} ms "
                  f"(targets <= {TARGET_MEDIAN_MS} / {TARGET_WORST_MS} ms): {'met' if ok else 'NOT met'}")
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
