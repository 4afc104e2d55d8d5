"""Lesson 05: the loop over samples, the timing function and the batch explorer."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from pooling_lib.explorers.batch import (
    SIZES,
    BatchExplorer,
    example_batch,
    figures,
    pool_each_sample,
    time_loop_vs_batch,
)


def naive_pool(image, f, s, method):
    """Pool one 2-D image with explicit loops over the windows that fit."""
    h, w = image.shape
    rows = range(0, h - f + 1, s)
    cols = range(0, w - f + 1, s)
    out = np.empty((len(rows), len(cols)))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            window = image[r:r + f, c:c + f]
            out[i, j] = window.max() if method == "max" else window.sum() / (f * f)
    return out


# ---------------------------------------------------------------- example_batch
def test_example_batch_shape_range_and_seed():
    x = example_batch(3, (10, 12, 2), seed=4)
    assert x.shape == (3, 10, 12, 2)
    assert x.min() >= 0 and x.max() < 1
    np.testing.assert_array_equal(x, example_batch(3, (10, 12, 2), seed=4))
    assert not np.array_equal(x, example_batch(3, (10, 12, 2), seed=5))


def test_example_batch_rejects_bad_shape():
    with pytest.raises(TypeError, match=r"shape must be a tuple \(h, w, c\), got \(4, 4\)"):
        example_batch(2, (4, 4))


def test_example_batch_rejects_zero_samples():
    with pytest.raises(ValueError, match="m must be a positive integer, got 0"):
        example_batch(0)


# ---------------------------------------------------------------- pool_each_sample
@pytest.mark.parametrize("method", ["max", "mean"])
@pytest.mark.parametrize("f, s", [(2, 2), (3, 1), (3, 2)])
def test_pool_each_sample_matches_naive_loops(method, f, s):
    x = np.random.default_rng(1).standard_normal((3, 7, 8, 2))
    got = pool_each_sample(x, f, s, method=method)
    for k in range(3):
        for c in range(2):
            np.testing.assert_allclose(got[k, :, :, c], naive_pool(x[k, :, :, c], f, s, method))


def test_pool_each_sample_hand_computed():
    x = np.arange(16).reshape(4, 4)
    batch = np.stack([x, x + 16])[..., None]
    np.testing.assert_array_equal(pool_each_sample(batch, 2)[..., 0],
                                  [[[5, 7], [13, 15]], [[21, 23], [29, 31]]])


def test_pool_each_sample_rejects_single_sample():
    with pytest.raises(ValueError, match=r"x must be a batch of shape \(m, h, w, c\), got shape \(4, 4, 1\)"):
        pool_each_sample(np.zeros((4, 4, 1)), 2)


# ---------------------------------------------------------------- time_loop_vs_batch
def test_timing_returns_positive_times_of_the_right_shape():
    t = time_loop_vs_batch([1, 3, 8], 2, shape=(8, 8, 2), repeats=2)
    np.testing.assert_array_equal(t["batch_sizes"], [1, 3, 8])
    for key in ("loop", "batch"):
        assert t[key].shape == (3,)
        assert t[key].dtype.kind == "f"
        assert np.all(t[key] > 0)


def test_timing_with_data_and_progress_bar(capsys):
    data = example_batch(4, (6, 6, 1))
    t = time_loop_vs_batch([2, 4], 3, 1, method="mean", repeats=1, progress=True, data=data)
    assert t["loop"].shape == (2,) and np.all(t["loop"] > 0)
    assert "measuring" in capsys.readouterr().err


def test_timing_rejects_int_batch_sizes():
    with pytest.raises(TypeError, match="batch_sizes must be a sequence of integers, got 4"):
        time_loop_vs_batch(4)


def test_timing_rejects_empty_batch_sizes():
    with pytest.raises(ValueError, match=r"batch_sizes must not be empty, got \[\]"):
        time_loop_vs_batch([])


def test_timing_rejects_zero_batch_size():
    with pytest.raises(ValueError, match="batch_sizes must be a positive integer, got 0"):
        time_loop_vs_batch([1, 0])


def test_timing_rejects_float_batch_size():
    with pytest.raises(TypeError, match="batch_sizes must be an integer, got 2.0"):
        time_loop_vs_batch([2.0])


def test_timing_rejects_zero_repeats():
    with pytest.raises(ValueError, match="repeats must be a positive integer, got 0"):
        time_loop_vs_batch([1], repeats=0)


def test_timing_rejects_non_bool_progress():
    with pytest.raises(TypeError, match="progress must be True or False, got 1"):
        time_loop_vs_batch([1], progress=1)


def test_timing_rejects_data_that_is_not_a_batch():
    with pytest.raises(ValueError, match=r"data must have shape \(M, h, w, c\), got shape \(4, 4, 1\)"):
        time_loop_vs_batch([1], data=np.zeros((4, 4, 1)))


def test_timing_rejects_too_few_samples():
    with pytest.raises(ValueError, match="data must hold at least max.batch_sizes. = 5 samples, got 2"):
        time_loop_vs_batch([1, 5], data=np.zeros((2, 4, 4, 1)))


def test_timing_rejects_bad_method_before_timing():
    with pytest.raises(ValueError, match="method must be 'max' or 'mean', got 'min'"):
        time_loop_vs_batch([1], method="min", shape=(4, 4, 1))


# ---------------------------------------------------------------- the explorer
@pytest.fixture(scope="module")
def explorer():
    return BatchExplorer()


@pytest.mark.parametrize("m, sample, channel, f, s, method", [
    (16, 0, 0, 2, 2, "max"),
    (5, 4, 7, 3, 1, "mean"),
    (64, 63, 3, 4, 3, "max"),
    (1, 0, 2, 2, 4, "mean"),
    (33, 20, 1, 3, 2, "max"),
])
def test_explorer_panels_follow_the_sliders(explorer, m, sample, channel, f, s, method):
    ex = explorer
    ex.controls["m"].value = m  # first, so that the sample slider's range allows `sample`
    moves = {"sample": sample, "channel": channel, "f": f, "stride": s, "method": method}
    for name, value in moves.items():
        ex.controls[name].value = value
    assert ex.controls["sample"].max == m - 1
    image = ex.batch[sample, :, :, channel]
    np.testing.assert_array_equal(ex.before.get_array(), image)
    np.testing.assert_allclose(ex.after.get_array(), naive_pool(image, f, s, method))
    assert f"sample {sample}, channel {channel}: 28×28" == ex.before_title.get_text()

    # the chart: the fixed sizes plus m, loop and batch times in ms from the cache, m marked
    sizes = sorted(set(SIZES) | {m})
    cached = np.array([ex.timings[(k, f, s, method)] for k in sizes])
    assert np.all(cached > 0)
    np.testing.assert_array_equal(ex.loop_line.get_xdata(), sizes)
    np.testing.assert_allclose(ex.loop_line.get_ydata(), cached[:, 0] * 1000)
    np.testing.assert_allclose(ex.batch_line.get_ydata(), cached[:, 1] * 1000)
    np.testing.assert_array_equal(ex.now.get_xdata(), [m, m])
    np.testing.assert_array_equal(ex.now_line.get_xdata(), [m, m])

    # the caption: the equality check and the two times with their ratio
    assert "<code>np.array_equal(loop, one_call)</code> = True" in ex.caption.value
    loop_ms, batch_ms, ratio = re.search(
        r"loop ([\d.]+) ms, one call ([\d.]+) ms, ([\d.]+)× faster", ex.caption.value).groups()
    loop_s, batch_s = ex.timings[(m, f, s, method)]
    assert float(loop_ms) == pytest.approx(loop_s * 1000, abs=0.051)
    assert float(batch_ms) == pytest.approx(batch_s * 1000, abs=0.051)
    assert float(ratio) == pytest.approx(loop_s / batch_s, abs=0.051)
    assert f"batch of shape ({m}, 28, 28, 8)" in ex.caption.value


def test_explorer_lowers_sample_with_batch_size():
    ex = BatchExplorer(m=40)
    ex.controls["sample"].value = 30
    ex.controls["m"].value = 10
    assert ex.controls["sample"].max == 9
    assert ex.controls["sample"].value == 9
    np.testing.assert_array_equal(ex.before.get_array(), ex.batch[9, :, :, 0])


def test_explorer_accepts_sample_below_a_starting_batch_size():
    ex = BatchExplorer(m=40, sample=30, channel=6)
    assert ex.controls["sample"].value == 30
    assert ex.controls["sample"].max == 39
    np.testing.assert_array_equal(ex.before.get_array(), ex.batch[30, :, :, 6])


def test_explorer_measures_each_setting_once():
    ex = BatchExplorer()
    before = dict(ex.timings)
    ex.controls["channel"].value = 5  # same pooling settings: nothing new to measure
    assert ex.timings == before
    ex.controls["f"].value = 3
    assert {(k, 3, 2, "max") for k in SIZES + (16,)} <= set(ex.timings)


def test_explorer_data_is_the_documented_batch():
    np.testing.assert_array_equal(BatchExplorer().batch, example_batch(64))


def test_figures_yield_the_batch_explorer():
    made = list(figures())
    assert [name for name, _ in made] == ["05-batch-explorer"]
    assert isinstance(made[0][1], Figure)
