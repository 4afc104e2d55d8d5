"""Weights, test accuracy, shift consistency and training time of the tiny numpy CNN's downsampling options.

Trains lesson 08's network (conv 3x3 with 8 filters -> ReLU -> 2x2 downsampling
-> head -> softmax) on scikit-learn's 8x8 digits (1347 training images, 450
test images, a stratified split with seed 0) with every downsampling option of
:class:`pooling_lib.cnn.TinyCNN` (max, mean and blur pooling, a learned
stride-2 convolution) and with max pooling under a global-average-pooling
head, once per seed, through :func:`pooling_lib.cnn.compare_downsampling`.
It prints the table the lesson shows (mean and range over the seeds), as
measured in this run, and checks the targets: at least 95% mean test accuracy
for every dense-head option, and the whole comparison in at most 60 s on a
2-core machine (lesson 08 runs it in its notebook, and CI runs every notebook).

Run it from the repository root::

    python benchmarks/bench_cnn.py               # the lesson's settings: 5 seeds, 10 epochs, batch 64
    python benchmarks/bench_cnn.py --seeds 1     # one run each
"""

import argparse
import os
import platform
import time

import numpy as np

from pooling_lib.cnn import compare_downsampling, load_digits_split
from pooling_lib.lessons import cnn_pooling

TARGET_ACCURACY = 0.95
TARGET_SECONDS = 60.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(cnn_pooling.SEEDS), help="runs per option (seeds 0..N-1)")
    parser.add_argument("--epochs", type=int, default=cnn_pooling.EPOCHS, help="training epochs per run")
    parser.add_argument("--filters", type=int, default=8, help="convolution filters (default 8)")
    parser.add_argument("--batch-size", type=int, default=cnn_pooling.BATCH_SIZE, help="images per Adam step")
    parser.add_argument("--lr", type=float, default=cnn_pooling.LR, help="Adam learning rate")
    args = parser.parse_args(argv)

    data = load_digits_split()
    print(f"digits: {len(data.x_train)} training / {len(data.x_test)} test images, 8x8")
    print(f"network: conv 3x3 x {args.filters} -> ReLU -> 2x2 downsampling -> head; "
          f"Adam lr {args.lr}, batch {args.batch_size}, {args.epochs} epochs")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}")
    print()
    start = time.perf_counter()
    comparison = compare_downsampling(cnn_pooling.METHODS, range(args.seeds), data=data, epochs=args.epochs,
                                      n_filters=args.filters, batch_size=args.batch_size, lr=args.lr)
    total = time.perf_counter() - start
    print(comparison)
    print()
    ok = total <= TARGET_SECONDS
    print(f"whole comparison ({len(comparison.runs)} runs, training and measuring): {total:.1f} s "
          f"-> {'meets' if ok else 'MISSES'} <= {TARGET_SECONDS:.0f} s")
    for row in comparison.summary():
        if row.head != "dense":
            print(f"{row.method} + {row.head} head: no accuracy target (it shows what averaging 8 maps costs)")
            continue
        met = row.accuracy_mean >= TARGET_ACCURACY
        ok &= met
        print(f"{row.method} downsampling: mean test accuracy {row.accuracy_mean:.1%} "
              f"-> {'meets' if met else 'MISSES'} >= {TARGET_ACCURACY:.0%}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
