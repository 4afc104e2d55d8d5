"""Step time of every lesson's live explorer, against the 150 ms target.

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
target: every step at most 150 ms.

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
import os
import platform
import time

import ipywidgets as widgets
import numpy as np

from pooling_lib.explorers import all_explorers

TARGET_MS = 150.0


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


def widget_steps(explorer, moves):
    """Like ``Explorer.step_times``, but each move sets the widget's value, as the browser does.

    Returns ``(moves made, seconds)``: a move to the value the control already
    has (e.g. a dropdown that reset itself) fires no event and is left out.
    """
    made, times = [], []
    for move in moves:
        ((name, value),) = move.items()
        if explorer.controls[name].value == value:
            continue
        start = time.perf_counter()
        explorer.controls[name].value = value  # the widget's observer redraws
        times.append(time.perf_counter() - start)
        made.append(move)
    return made, np.array(times)


def measure(cls, most, via_widget=False):
    """Build one explorer, sweep every control; return (build seconds, [(control, value, seconds)])."""
    start = time.perf_counter()
    explorer = cls()
    build = time.perf_counter() - start
    explorer.refresh()  # warm-up: first-use costs (fonts, caches) are not a slider step
    steps = []
    for name, control in explorer.controls.items():
        original = control.value
        # values are read when the control's turn comes: another control may have changed its range
        moves = [{name: value} for value in sweep_values(control, most)] + [{name: original}]
        if via_widget:
            moves, times = widget_steps(explorer, moves)
        else:
            times = explorer.step_times(moves)
        steps += [(name, move[name], t) for move, t in zip(moves, times)]
    return build, steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--most", type=int, default=12,
                        help="at most this many values per control (default 12)")
    parser.add_argument("--only", default="", help="only explorers whose class name contains this")
    parser.add_argument("--per-control", action="store_true", help="also print each control's times")
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
            f"  {'worst step':<26} verdict")
    print(head)
    print("-" * len(head))
    failed = []
    for cls in classes:
        build, steps = measure(cls, args.most, args.widget)
        ms = np.array([t for _, _, t in steps]) * 1e3
        worst = int(np.argmax(ms))
        ok = ms.max() <= TARGET_MS
        failed += [] if ok else [cls.__name__]
        move = f"{steps[worst][0]}={steps[worst][1]!r}"
        print(f"{cls.__name__:<22} {cls.__module__.rsplit('.', 1)[-1]:<10} {build * 1e3:7.0f} {len(ms):5d}"
              f" {np.median(ms):7.1f} {ms.max():7.1f}  {move[:26]:<26} {'PASS' if ok else 'FAIL'}")
        if args.per_control:
            for name in dict.fromkeys(n for n, _, _ in steps):
                sub = np.array([t for n, _, t in steps if n == name]) * 1e3
                print(f"    {name:<18} {len(sub):>5} steps  median {np.median(sub):7.1f}  worst {sub.max():7.1f}")
    print("-" * len(head))
    print("times in ms; build = constructing the explorer (not a step); a step = set one control,")
    print("update the figure, render the PNG the notebook shows")
    verdict = "PASS" if not failed else "FAIL (" + ", ".join(failed) + ")"
    print(f"every step <= {TARGET_MS:.0f} ms: {verdict}; load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
