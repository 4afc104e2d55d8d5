"""Lesson modules of lessons 05-09: helpers against naive loops, exercise answers and messages by hand."""

import math

import numpy as np
import pytest

from pooling_lib.cnn import TinyCNN
from pooling_lib.lessons import cnn_pooling, global_adaptive, gradient_checks, padding, single_vs_batch

MODULES = [single_vs_batch, padding, gradient_checks, cnn_pooling, global_adaptive]


def feedback(exercise, text):
    right = exercise.check(text)
    return right, exercise.feedback.value


# ---------------------------------------------------------------- every module
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_exercise_builds_and_accepts_its_own_solution(module):
    names = module.exercises.names()
    assert len(names) >= 4
    kinds = {type(module.exercise(name)).__name__ for name in names}
    assert "Choice" in kinds                       # at least one concept / why question
    for name in names:
        ex = module.exercise(name)
        if type(ex).__name__ == "Exercise":
            assert ex.check(ex.solution), name


# ---------------------------------------------------------------- lesson 05
def test_layout_round_trip_and_views():
    x = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    t = single_vs_batch.to_torch_layout(x)
    assert t.shape == (2, 5, 3, 4)
    assert t[1, 4, 2, 3] == x[1, 2, 3, 4]
    assert np.shares_memory(t, x)
    np.testing.assert_array_equal(single_vs_batch.from_torch_layout(t), x)


def test_single_vs_batch_answers_and_messages():
    ex = single_vs_batch.exercise("pooled-shape")
    assert ex.check("(32, 14, 14, 8)")
    right, text = feedback(ex, "(32, 14, 14, 4)")
    assert not right and "Channels are pooled one by one" in text
    right, text = feedback(ex, "(16, 14, 14, 8)")
    assert not right and "batch axis is never pooled" in text
    assert single_vs_batch.exercise("sample-one").check("[[21, 23], [29, 31]]")
    right, text = feedback(single_vs_batch.exercise("sample-one"), "[[5, 7], [13, 15]]")
    assert not right and "That is sample 0" in text
    ex = single_vs_batch.exercise("values")
    assert ex.check("120")                          # (10, 2, 2, 3)
    assert "multiply by the channels" in feedback(ex, "40")[1]
    assert single_vs_batch.exercise("torch-layout").choose("np.transpose(x, (0, 2, 3, 1))")


# ---------------------------------------------------------------- lesson 06
def test_padding_answers_and_messages():
    ex = padding.exercise("ceil-count")
    assert ex.check("4")            # ceil(10 / 3) + 1 = 5, but window 5 would start at 4*3 - 1 = 11 > 10
    right, text = feedback(ex, "5")
    assert not right and "Check where the last window starts" in text and "11" in text
    ex = padding.exercise("same-padding")
    assert ex.check("(1, 2)")       # out ceil(7/3) = 3, total (3-1)*3 + 4 - 7 = 3
    assert "odd cell at the end" in feedback(ex, "(2, 1)")[1]
    ex = padding.exercise("divisor")
    assert ex.check("4")            # rows 0-1 and columns 0-1 of the window are padding: 2 x 2 real cells
    assert "count_include_pad=True" in feedback(ex, "16")[1]
    ex = padding.exercise("dilated-count")
    assert ex.check("5")            # span 2 * 2 + 1 = 5: (9 - 5) / 1 + 1
    assert "undilated" in feedback(ex, "7")[1]
    assert padding.exercise("same-as-torch").choose("when the total padding is even: then p = total / 2")
    assert padding.exercise("why-drop").choose("it would hold no input cell, only padding")


# ---------------------------------------------------------------- lesson 07
def test_relative_error_and_mask_memory_by_hand():
    assert gradient_checks.relative_error([1.0, 2.5], [1.0, 2.0]) == pytest.approx(0.25)
    outputs, mask, index = gradient_checks.mask_memory(64, 112, 64, 3, 2)
    assert outputs == 64 * 55 * 55 * 64
    assert mask == outputs * 9 * 8 and index == outputs * 8


def test_check_geometry_overlaps_and_pads():
    f, s, p = gradient_checks.CHECK_GEOMETRY
    assert f > s and p >= 1


def test_gradient_checks_answers_and_messages():
    ex = gradient_checks.exercise("all-sum")
    assert ex.check("3")
    assert "first, last and split" in feedback(ex, "1")[1]
    ex = gradient_checks.exercise("split-cell")
    assert ex.check("1")            # 4 windows of stride 1 contain (1, 1), each gives 1/4
    assert "one window's share" in feedback(ex, "0.25")[1]
    ex = gradient_checks.exercise("post-windows")
    assert ex.check("3")            # 8 // 4 + 1
    assert "ceil_mode" in feedback(ex, "2")[1]
    assert gradient_checks.exercise("why-all-wrong").choose("all hands on more gradient than arrived")


# ---------------------------------------------------------------- lesson 08
@pytest.mark.parametrize("method", cnn_pooling.METHODS)
def test_gradient_check_passes_for_every_option(method):
    down, head = (method, "dense") if isinstance(method, str) else method
    worst, n_weights = cnn_pooling.gradient_check(down, head)
    assert worst < 1e-6
    assert n_weights == TinyCNN(down, n_filters=3, head=head).n_params


def test_gradient_check_sees_a_wrong_gradient(monkeypatch):
    # a backward pass that forgets the 1/4 of mean pooling must fail the check
    import pooling_lib.cnn as cnn

    original = cnn.unpool_avg
    monkeypatch.setattr(cnn, "unpool_avg", lambda grad, shape, f, stride=None: 4 * original(grad, shape, f, stride))
    worst, _ = cnn_pooling.gradient_check("mean")
    assert worst > 0.1


def test_parameter_table_by_hand():
    lines = cnn_pooling.parameter_table()
    conv = 3 * 3 * 8 + 8
    assert lines[1].endswith(f"total {conv + 72 * 10 + 10}")
    assert lines[4].endswith(f"total {conv + 2 * 2 * 8 * 8 + 8 + 72 * 10 + 10}")
    assert lines[5].endswith(f"total {conv + 8 * 10 + 10}")


def test_resnet18_sizes_by_hand():
    rows = cnn_pooling.resnet18_layers()
    # 224 -> conv 7/2 pad 3: (224 + 6 - 7) // 2 + 1 = 112 -> pool 3/2 pad 1: (112 + 2 - 3) // 2 + 1 = 56
    assert [r[2] for r in rows] == ["112x112x64", "56x56x64", "56x56x64", "28x28x128", "14x14x256",
                                    "7x7x512", "512", "1000"]


def test_cnn_pooling_answers_and_messages():
    ex = cnn_pooling.exercise("after-pooling")
    assert ex.check("16")           # 10 -> 8 -> 4, 4 * 4
    assert "pooled directly" in feedback(ex, "25")[1]
    assert "one side" in feedback(ex, "4")[1]
    ex = cnn_pooling.exercise("gap-weights")
    assert ex.check(str(3 * 3 * 4 + 4 + 4 * 10 + 10))
    assert "dense head" in feedback(ex, str(3 * 3 * 4 + 4 + 36 * 10 + 10))[1]
    assert cnn_pooling.exercise("max-is-not-a-convolution").choose(
        "no: it can learn average pooling, but not max pooling")


# ---------------------------------------------------------------- lesson 09
def naive_lp_nan_windows(x, p, f):
    count = 0
    for i in range(0, x.shape[0] - f + 1, f):
        for j in range(0, x.shape[1] - f + 1, f):
            cells = x[i:i + f, j:j + f].ravel()
            if p != int(p) and (cells < 0).any():
                count += 1
            elif p != 1 and sum(c ** p for c in cells) < 0:
                count += 1
    return count


@pytest.mark.parametrize("f", [2, 3])
def test_nan_powers_match_the_definition(f):
    from pooling_lib.examples import lp_input
    from pooling_lib.explorers.adaptive import P_VALUES

    x = lp_input(negative=True)
    expected = {p: n for p in P_VALUES if (n := naive_lp_nan_windows(x, p, f))}
    assert global_adaptive.nan_powers(f) == expected
    assert set(expected) == {1.5, 3}                 # the lesson's claim for the explorer's own input
    assert global_adaptive.nan_powers(f, negative=False) == {}


def naive_adaptive_max(plane, out):
    n_rows, n_cols = plane.shape
    result = np.zeros((out, out))
    for i in range(out):
        for j in range(out):
            r0, r1 = i * n_rows // out, math.ceil((i + 1) * n_rows / out)
            c0, c1 = j * n_cols // out, math.ceil((j + 1) * n_cols / out)
            result[i, j] = plane[r0:r1, c0:c1].max()
    return result


@pytest.mark.parametrize("shape", [(2, 5, 5, 3), (1, 9, 7, 2), (1, 3, 2, 1)])
def test_spatial_pyramid_matches_naive_bins(shape):
    x = np.random.default_rng(0).random(shape)
    out = global_adaptive.spatial_pyramid(x, levels=(1, 2, 4))
    assert out.shape == (shape[0], shape[3] * 21)
    for n in range(shape[0]):
        parts = [np.stack([naive_adaptive_max(x[n, :, :, c], level) for c in range(shape[3])], axis=-1).ravel()
                 for level in (1, 2, 4)]
        np.testing.assert_array_equal(out[n], np.concatenate(parts))


def test_spatial_pyramid_rejects_a_single_image():
    with pytest.raises(ValueError, match=r"x must be a batch of shape \(m, h, w, c\), got shape \(4, 4\)"):
        global_adaptive.spatial_pyramid(np.zeros((4, 4)))


@pytest.mark.parametrize("f, stride", [(2, None), (3, 1), (2, 1)])
@pytest.mark.parametrize("method", ["max", "mean"])
def test_pool_volume_and_sequence_match_naive_loops(f, stride, method):
    rng = np.random.default_rng(1)
    s = f if stride is None else stride
    reduce = np.max if method == "max" else np.mean
    v = rng.random((2, 5, 6, 7, 2))
    out = global_adaptive.pool_volume(v, f, stride, method)
    to, ho, wo = ((n - f) // s + 1 for n in v.shape[1:4])
    assert out.shape == (2, to, ho, wo, 2)
    for idx in np.ndindex(out.shape):
        n, t, i, j, c = idx
        block = v[n, t * s:t * s + f, i * s:i * s + f, j * s:j * s + f, c]
        assert out[idx] == pytest.approx(reduce(block), rel=1e-12)
    seq = rng.random((3, 9, 2))
    out = global_adaptive.pool_sequence(seq, f, stride, method)
    for n, t, c in np.ndindex(out.shape):
        assert out[n, t, c] == pytest.approx(reduce(seq[n, t * s:t * s + f, c]), rel=1e-12)


def test_global_adaptive_answers_and_messages():
    ex = global_adaptive.exercise("bins")
    assert ex.check("[(0, 3), (2, 5), (4, 7)]")
    assert "round UP" in feedback(ex, "[(0, 2), (2, 4), (4, 7)]")[1]
    ex = global_adaptive.exercise("global-shape")
    assert ex.check("(16, 32)")
    assert "keepdims=True" in feedback(ex, "(16, 1, 1, 32)")[1]
    ex = global_adaptive.exercise("lp-two")
    assert ex.check("10")           # sqrt(36 + 64)
    assert "p = 1" in feedback(ex, "14")[1]
    ex = global_adaptive.exercise("pyramid-length")
    assert ex.check("5376")         # 256 * (1 + 4 + 16)
    assert "l·l bins" in feedback(ex, "1792")[1]
    assert global_adaptive.exercise("odd-power").choose("NaN exactly when the sum of the cubes is negative")
