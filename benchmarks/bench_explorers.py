"""Step time of every lesson's live explorer, against the 50 ms median target.

For each explorer class that :func:`pooling_lib.explorers.all_explorers`
finds, this builds the explorer, then moves each of its controls through its
values, one control at a time (sliders: every value, or about a dozen evenly
spaced ones on long sliders; toggles, dropdowns and check boxes: every
option), and puts the control back before moving the next one. Each move is
one step, timed by :meth:`pooling_lib.explorers.base.Explorer.step_times`: the
explorer updates its artists and renders the PNG that the notebook shows,
i.e. what a student waits for after moving a slider (minus the browser
showing the image).

It prints, per explorer, the number of steps, the median and the worst step
time in milliseconds (with the move that was worst) and PASS/FAIL against the
target: median step at most 50 ms. ``--formats`` also times each explorer's
picture alone as SVG and as PNG (at its ``render_width``) in the same run, so
their ratio is robust to the machine's load.

``--widget`` moves the controls by setting ``control.value`` instead, which
is what the browser does when a student drags a slider: the explorer's
observer redraws once. (``Explorer.set``, behind ``step_times``, applies a
value again when the explorer moved the control away from it, e.g. a
dropdown that resets itself after loading a case, and then renders twice.)

Run it from the repository root, with the notebook requirements installed::

    python benchmarks/bench_explorers.py
    python benchmarks/bench_explorers.py --widget          # moves as the browser makes them
    python benchmarks/bench_explorers.py --per-control     # also each control's median and worst
    python benchmarks/bench_explorers.py --only Windows    # explorers whose name contains "Windows"
"""

import argparse
import json
import os
import platform
import time
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from pooling_lib.explorers import all_explorers

TARGET_MS = 50.0  # median step, per explorer


def sweep_values(control, most):
    """The values to move ``control`` through (its current value excluded), in order."""
    if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        values = list(range(control.min, control.max + 1, max(1, control.step)))
    elif isinstance(control, (widgets.FloatSlider, widgets.BoundedFloatText)):
        values = list(np.linspace(control.min, control.max, most))
    elif isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        values = [not control.value]
    elif hasattr(control, "options"):  # Dropdown, ToggleButtons, SelectionSlider, RadioButtons
        values = [value for _, value in control._options_full]
    else:
        raise TypeError(f"no rule to move a {type(control).__name__}")
    if len(values) > most:  # long slider: evenly spaced values, both ends included
        values = [values[round(k)] for k in np.linspace(0, len(values) - 1, most)]
    return [value for value in values if value != control.value]


def timed_steps(explorer, moves, via_widget):
    """Make each move; return ``(moves made, wall seconds, CPU seconds)``.

    ``via_widget``: set the widget's value, as the browser does (its observer
    redraws once; a move to the value the control already has fires no event
    and is left out); otherwise ``Explorer.set``. CPU time is this process's
    (``time.process_time``): on a machine shared with other work it is what
    the step costs, while the wall time also counts waiting for the processor.
    """
    made, wall, cpu = [], [], []
    for move in moves:
        ((name, value),) = move.items()
        if via_widget and explorer.controls[name].value == value:
            continue
        start, start_cpu = time.perf_counter(), time.process_time()
        if via_widget:
            explorer.controls[name].value = value  # the widget's observer redraws
        else:
            explorer.set(**move)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        made.append(move)
    return made, np.array(wall), np.array(cpu)


def measure(cls, most, via_widget=False):
    """Build one explorer, sweep every control; return (build seconds, [(control, value, wall, cpu)])."""
    start = time.perf_counter()
    explorer = cls()
    build = time.perf_counter() - start
    explorer.refresh()  # warm-up: first-use costs (fonts, caches) are not a slider step
    steps = []
    for name, control in explorer.controls.items():
        original = control.value
        # values are read when the control's turn comes: another control may have changed its range
        moves = [{name: value} for value in sweep_values(control, most)] + [{name: original}]
        moves, wall, cpu = timed_steps(explorer, moves, via_widget)
        steps += [(name, move[name], w, c) for move, w, c in zip(moves, wall, cpu)]
    return build, steps


def _time(function):
    start = time.process_time()
    function()
    return time.process_time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--most", type=int, default=12,
                        help="at most this many values per control (default 12)")
    parser.add_argument("--only", default="", help="only explorers whose class name contains this")
    parser.add_argument("--per-control", action="store_true", help="also print each control's times")
    parser.add_argument("--json", default="", help="also write the table as JSON to this file")
    parser.add_argument("--formats", action="store_true",
                        help="also time the picture alone as SVG and as PNG (same run, so their ratio is fair)")
    parser.add_argument("--widget", action="store_true",
                        help="move each control by setting its widget value (what a browser does) instead"
                             " of Explorer.step_times")
    args = parser.parse_args()

    classes = [cls for cls in all_explorers() if args.only in cls.__name__]
    how = "widget.value = v (as in the browser)" if args.widget else "Explorer.step_times"
    print(f"explorer step times: {len(classes)} explorers, target {TARGET_MS:.0f} ms per step, moves by {how}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()},"
          f" load average {os.getloadavg()[0]:.1f}")
    print()
    head = (f"{'explorer':<22} {'module':<10} {'build':>7} {'steps':>5} {'median':>7} {'worst':>7}"
            f" {'cpu med':>7} {'cpu max':>7}  {'worst step':<22} verdict")
    print(head)
    print("-" * len(head))
    failed = []
    rows = []
    for cls in classes:
        build, steps = measure(cls, args.most, args.widget)
        ms = np.array([w for _, _, w, _ in steps]) * 1e3
        cpu = np.array([c for _, _, _, c in steps]) * 1e3
        worst = int(np.argmax(cpu))
        ok = np.median(cpu) <= TARGET_MS
        failed += [] if ok else [cls.__name__]
        move = f"{steps[worst][0]}={steps[worst][1]!r}"
        print(f"{cls.__name__:<22} {cls.__module__.rsplit('.', 1)[-1]:<10} {build * 1e3:7.0f} {len(ms):5d}"
              f" {np.median(ms):7.1f} {ms.max():7.1f} {np.median(cpu):7.1f} {cpu.max():7.1f}"
              f"  {move[:22]:<22} {'PASS' if ok else 'FAIL'}")
        rows.append({"explorer": cls.__name__, "steps": len(ms), "median_ms": float(np.median(ms)),
                     "worst_ms": float(ms.max()), "cpu_median_ms": float(np.median(cpu)),
                     "cpu_worst_ms": float(cpu.max())})
        if args.formats:
            explorer = cls()
            svg = np.median([_time(explorer.svg) for _ in range(7)]) * 1e3
            png = np.median([_time(explorer.png) for _ in range(7)]) * 1e3
            rows[-1].update(svg_cpu_ms=float(svg), png_cpu_ms=float(png))
            print(f"    picture alone (CPU): SVG {svg:.1f} ms, PNG {png:.1f} ms ({png / svg:.2f}x); live format "
                  f"{explorer.image_format}")
        if args.per_control:
            for name in dict.fromkeys(n for n, _, _, _ in steps):
                sub = np.array([c for n, _, _, c in steps if n == name]) * 1e3
                print(f"    {name:<18} {len(sub):>5} steps  CPU median {np.median(sub):7.1f}  worst {sub.max():7.1f}")
    print("-" * len(head))
    print("times in ms (wall: median, worst; CPU of this process: median, worst; the verdict uses the CPU")
    print("median, which the machine's other work does not inflate); build = constructing the explorer")
    print("(not a step); a step = set one control,")
    print("update the figure, render the picture the notebook shows (SVG or PNG, see --formats)")
    verdict = "PASS" if not failed else "FAIL (" + ", ".join(failed) + ")"
    print(f"median step (CPU) <= {TARGET_MS:.0f} ms: {verdict}; load average at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"load_average": os.getloadavg()[0], "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
