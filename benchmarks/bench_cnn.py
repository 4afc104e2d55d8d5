"""Accuracy and training time of the tiny numpy CNN (pooling_lib.cnn) on the digits.

Trains the lesson-07 network (conv 3x3 with 8 filters -> ReLU -> 2x2 pooling
-> dense -> softmax) on scikit-learn's 8x8 digits (1347 training images, 450
test images, a stratified split with seed 0), once with max pooling and once
with mean pooling, for several seeds, and prints for each run the test
accuracy and the wall time of training, as measured in this run. The target
(issue 4): at least 95% test accuracy in at most 60 s on a 2-core machine.

Run it from the repository root::

    python benchmarks/bench_cnn.py             # 5 seeds per pooling method
    python benchmarks/bench_cnn.py --seeds 1   # one run each
"""

import argparse
import os
import platform
import time

import numpy as np

from pooling_lib.cnn import TinyCNN, evaluate, load_digits_split, train

TARGET_ACCURACY = 0.95
TARGET_SECONDS = 60.0


def run(pooling, seed, data, epochs, n_filters):
    model = TinyCNN(pooling, n_filters=n_filters, seed=seed)
    start = time.perf_counter()
    train(model, data.x_train, data.y_train, epochs=epochs, seed=seed)
    seconds = time.perf_counter() - start
    return evaluate(model, data.x_test, data.y_test), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="runs per pooling method (seeds 0..N-1)")
    parser.add_argument("--epochs", type=int, default=20, help="training epochs (default 20)")
    parser.add_argument("--filters", type=int, default=8, help="convolution filters (default 8)")
    args = parser.parse_args(argv)

    data = load_digits_split()
    print(f"digits: {len(data.x_train)} training / {len(data.x_test)} test images, 8x8")
    print(f"network: conv 3x3 x {args.filters} -> ReLU -> pool 2x2 -> dense 10; "
          f"Adam lr 0.01, batch 32, {args.epochs} epochs")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}")
    print()
    print(f"{'pooling':8} {'seed':>4} {'test accuracy':>14} {'train time':>11}")
    summary = {}
    for pooling in ("max", "mean"):
        rows = []
        for seed in range(args.seeds):
            acc, sec = run(pooling, seed, data, args.epochs, args.filters)
            rows.append((acc, sec))
            print(f"{pooling:8} {seed:>4} {acc:>13.1%} {sec:>10.2f}s", flush=True)
        summary[pooling] = np.array(rows)
    print()
    ok = True
    for pooling, rows in summary.items():
        acc, sec = rows[:, 0], rows[:, 1]
        met = acc.min() >= TARGET_ACCURACY and sec.max() <= TARGET_SECONDS
        ok &= met
        print(f"{pooling:5} pooling: accuracy mean {acc.mean():.1%}, min {acc.min():.1%}, "
              f"max {acc.max():.1%}; time median {np.median(sec):.2f} s, worst {sec.max():.2f} s "
              f"-> {'meets' if met else 'MISSES'} >= {TARGET_ACCURACY:.0%} in <= {TARGET_SECONDS:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
