"""Pooling a batch: one sample at a time (a Python loop) or all at once, and timing both.

:func:`pooling_lib.pool` accepts one sample ``(h, w, c)`` or a batch
``(m, h, w, c)``. :func:`pool_each_sample` is the slow way (a Python loop
over the samples), :func:`time_loop_vs_batch` measures both ways for
several batch sizes, and :func:`example_batch` makes a seeded batch of
image-like samples to measure them on (lesson 05).
"""

import time

import numpy as np

from ._checks import as_pool_array, check_flag, check_int
from .core import pool

__all__ = ["example_batch", "pool_each_sample", "time_loop_vs_batch"]


def example_batch(m=64, shape=(28, 28, 8), seed=0):
    """A seeded batch of smooth, image-like samples (a few bright blobs per channel).

    Parameters
    ----------
    m : int, optional
        Number of samples.
    shape : (int, int, int), optional
        ``(h, w, c)`` of one sample.
    seed : int, optional
        Seed of ``np.random.default_rng``.

    Returns
    -------
    ndarray of float64, shape (m, h, w, c)
        Values in [0, 1): three Gaussian blobs per sample and channel plus a
        little noise.

    Examples
    --------
    >>> x = example_batch(2, (4, 4, 1))
    >>> x.shape
    (2, 4, 4, 1)
    >>> bool(x.min() >= 0) and bool(x.max() < 1)
    True
    """
    m = check_int(m, "m", 1)
    h, w, c = _check_shape(shape)
    rng = np.random.default_rng(check_int(seed, "seed", 0))
    centres = rng.uniform(0, 1, (m, c, 3, 2)) * (h, w)
    widths = rng.uniform(0.08, 0.2, (m, c, 3)) * min(h, w)
    rows = np.arange(h)[:, None]
    cols = np.arange(w)[None, :]
    blobs = np.exp(-((rows - centres[..., 0, None, None]) ** 2 + (cols - centres[..., 1, None, None]) ** 2)
                   / (2 * widths[..., None, None] ** 2))
    images = blobs.sum(axis=2) + 0.1 * rng.uniform(0, 1, (m, c, h, w))
    images /= images.max(axis=(2, 3), keepdims=True) * 1.0001
    return np.ascontiguousarray(images.transpose(0, 2, 3, 1))


def _check_shape(shape):
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise TypeError(f"shape must be a tuple (h, w, c), got {shape!r}")
    return tuple(check_int(n, "shape", 1) for n in shape)


def pool_each_sample(x, f, stride=None, *, method="max"):
    """Pool a batch the slow way: one :func:`pool` call per ``(h, w, c)`` sample.

    Parameters
    ----------
    x : array_like, shape (m, h, w, c)
        A batch.
    f, stride, method
        As in :func:`pool`.

    Returns
    -------
    ndarray, shape (m, ho, wo, c)
        The samples' results stacked; equal to ``pool(x, f, stride, method=method)``.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> batch = np.stack([x, x + 16])[..., None]
    >>> pool_each_sample(batch, 2)[..., 0]
    array([[[ 5,  7],
            [13, 15]],
    <BLANKLINE>
           [[21, 23],
            [29, 31]]])
    """
    x = as_pool_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (m, h, w, c), got shape {x.shape}")
    return np.stack([pool(sample, f, stride, method=method) for sample in x])


def time_loop_vs_batch(batch_sizes, f=2, stride=None, *, method="max", shape=(28, 28, 8),
                       repeats=5, progress=False, data=None, seed=0):
    """Time a Python loop over samples against one :func:`pool` call on the batch.

    Parameters
    ----------
    batch_sizes : sequence of int
        The batch sizes ``m`` to measure.
    f, stride, method
        As in :func:`pool`.
    shape : (int, int, int), optional
        ``(h, w, c)`` of one sample of the random data (ignored with `data`).
    repeats : int, optional
        Each measurement is repeated this many times; the median is kept.
    progress : bool, optional
        Show a tqdm progress bar (one step per batch size).
    data : array_like, shape (M, h, w, c), optional
        Samples to pool; batch ``m`` uses ``data[:m]``, so ``M`` must be at
        least ``max(batch_sizes)``. Default: standard normal numbers of
        shape ``(max(batch_sizes), *shape)`` from ``np.random.default_rng(seed)``.
    seed : int, optional
        Seed of the default data.

    Returns
    -------
    dict
        ``'batch_sizes'``: int array of the sizes; ``'loop'`` and
        ``'batch'``: float arrays of the same length, the median seconds of
        :func:`pool_each_sample` and of one ``pool`` call on the batch.

    Notes
    -----
    Both ways run once before timing (a warm-up), then alternate ``repeats``
    times, so that a slow moment of the machine hits both alike. The numbers
    depend on the machine; only their ratio is worth comparing.

    Examples
    --------
    >>> t = time_loop_vs_batch([1, 2], shape=(4, 4, 1), repeats=1)
    >>> t["loop"].shape, t["batch"].shape
    ((2,), (2,))
    >>> bool((t["loop"] > 0).all() and (t["batch"] > 0).all())
    True
    """
    if isinstance(batch_sizes, (int, np.integer)) or not hasattr(batch_sizes, "__len__"):
        raise TypeError(f"batch_sizes must be a sequence of integers, got {batch_sizes!r}")
    if len(batch_sizes) == 0:
        raise ValueError(f"batch_sizes must not be empty, got {batch_sizes!r}")
    sizes = [check_int(m, "batch_sizes", 1) for m in batch_sizes]
    repeats = check_int(repeats, "repeats", 1)
    progress = check_flag(progress, "progress")
    if data is None:
        rng = np.random.default_rng(check_int(seed, "seed", 0))
        data = rng.standard_normal((max(sizes), *_check_shape(shape)))
    else:
        data = as_pool_array(data, "data")
        if data.ndim != 4:
            raise ValueError(f"data must have shape (M, h, w, c), got shape {data.shape}")
        if data.shape[0] < max(sizes):
            raise ValueError(
                f"data must hold at least max(batch_sizes) = {max(sizes)} samples, got {data.shape[0]}"
            )
    pool(data[:1], f, stride, method=method)  # bad f, stride or method fail here, before any timing

    steps = sizes
    if progress:
        from tqdm.auto import tqdm

        # no rate ("15.68batch size/s" reads as nonsense): how many batch sizes are done, and the time
        steps = tqdm(sizes, desc="measuring", unit="batch size",
                     bar_format="{desc}: {bar} {n_fmt}/{total_fmt} batch sizes [{elapsed}<{remaining}]")
    loop_times, batch_times = [], []
    for m in steps:
        x = data[:m]
        pool_each_sample(x, f, stride, method=method)
        pool(x, f, stride, method=method)
        loops, batches = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            pool_each_sample(x, f, stride, method=method)
            middle = time.perf_counter()
            pool(x, f, stride, method=method)
            end = time.perf_counter()
            loops.append(middle - start)
            batches.append(end - middle)
        loop_times.append(np.median(loops))
        batch_times.append(np.median(batches))
    return {"batch_sizes": np.array(sizes), "loop": np.array(loop_times), "batch": np.array(batch_times)}
