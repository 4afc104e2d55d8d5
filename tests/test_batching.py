"""pooling_lib.batching: the example batch, the loop over samples and the timing function."""

import numpy as np
import pytest

from pooling_lib.batching import example_batch, pool_each_sample, time_loop_vs_batch

import reference


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
            np.testing.assert_allclose(got[k, :, :, c], reference.pool(x[k, :, :, c], f, s, method))


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
