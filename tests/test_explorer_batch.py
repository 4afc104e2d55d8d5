"""Lesson 05's BatchExplorer: the panels, the chart and the caption follow the sliders."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from pooling_lib.batching import example_batch
from pooling_lib.explorers.batch import SIZES, BatchExplorer, figures

import reference


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
    np.testing.assert_allclose(ex.after.get_array(), reference.pool(image, f, s, method))
    assert ex.before_title.get_text() == "input 28×28"
    ho = (28 - f) // s + 1
    assert ex.after_title.get_text() == f"{method} → {ho}×{ho}"
    assert f"Shown: sample {sample}, channel {channel}, before and after {method} pooling" in ex.caption.value

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


def test_every_text_is_legible_in_a_narrow_window():
    ex = BatchExplorer(m=64, f=3, stride=1, method="mean")
    assert ex.smallest_text_px(468) >= 11
    assert ex.smallest_text_px(848) >= 13


def test_sample_slider_is_disabled_for_a_batch_of_one():
    ex = BatchExplorer(m=1)
    assert ex.controls["sample"].disabled
    assert "is disabled: the batch holds one sample" in ex.caption.value
