"""Lesson 08's explorer: what it shows equals a naive recomputation from the model's weights."""

import re

import matplotlib.colors as mcolors
import numpy as np
import pytest

from pooling_lib.cnn import TinyCNN, load_digits_split, train
from pooling_lib.cnn_trace import default_models
from pooling_lib.explorers.cnn import CnnExplorer, figures
from pooling_lib.palette import FADED_INK, WINNER_EDGE


@pytest.fixture(scope="module")
def explorer():
    return CnnExplorer()


# ---------------------------------------------------------------- naive references
def naive_feature_map(model, image, k):
    """ReLU(conv) of filter k, by loops over the 3x3 patches."""
    w, b = model.params["conv_w"], model.params["conv_b"]
    size = w.shape[0]
    h, wd, _ = image.shape
    out = np.zeros((h - size + 1, wd - size + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = max(0.0, float(np.sum(image[i:i + size, j:j + size, :] * w[:, :, :, k]) + b[k]))
    return out


def naive_pool_and_winners(a, f, method):
    ho, wo = a.shape[0] // f, a.shape[1] // f
    pooled = np.zeros((ho, wo))
    winners = []
    for i in range(ho):
        for j in range(wo):
            window = a[i * f:(i + 1) * f, j * f:(j + 1) * f]
            if method == "mean":
                pooled[i, j] = window.sum() / (f * f)
                continue
            best = (0, 0)
            for r in range(f):
                for c in range(f):
                    if window[r, c] > window[best]:
                        best = (r, c)
            pooled[i, j] = window[best]
            winners.append((i * f + best[0], j * f + best[1]))
    return pooled, winners


def naive_input_gradient(model, image, k, method):
    """d(sum of filter k's pooled map)/d(image): each cell's share, gated by the ReLU, spread over its patch."""
    a = naive_feature_map(model, image, k)
    f = model.pool_size
    share = np.zeros_like(a)
    if method == "max":
        for r, c in naive_pool_and_winners(a, f, "max")[1]:
            share[r, c] += 1.0
    else:
        share[:] = 1.0 / (f * f)
    w = model.params["conv_w"][:, :, :, k].sum(axis=-1)  # one input channel for the digits
    size = w.shape[0]
    grad = np.zeros(image.shape[:2])
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] > 0:
                grad[i:i + size, j:j + size] += share[i, j] * w
    return grad


def naive_prediction(model, image):
    maps = [naive_feature_map(model, image, k) for k in range(model.conv_shape[2])]
    pooled = np.stack([naive_pool_and_winners(a, model.pool_size, model.pooling)[0] for a in maps], axis=-1)
    logits = pooled.reshape(-1) @ model.params["dense_w"] + model.params["dense_b"]
    return int(np.argmax(logits))


# ---------------------------------------------------------------- the displayed data
CASES = [(0, "max", 0), (0, "mean", 0), (7, "max", 3), (123, "mean", 5), (449, "max", 7), (31, "max", 1)]


@pytest.mark.parametrize("example, pooling, k", CASES)
def test_panels_show_the_recomputed_maps(explorer, example, pooling, k):
    explorer.set(example=example, pooling=pooling, filter=k)
    model = explorer.models[pooling]
    image = explorer.x[example]
    label = int(explorer.y[example])
    np.testing.assert_array_equal(explorer.input_image.get_array(), image[..., 0])

    a = naive_feature_map(model, image, k)
    np.testing.assert_allclose(explorer.conv_view.values, a, rtol=1e-12, atol=1e-12)
    pooled, winners = naive_pool_and_winners(a, model.pool_size, pooling)
    np.testing.assert_allclose(explorer.pooled_view.values, pooled, rtol=1e-12, atol=1e-12)

    grad = naive_input_gradient(model, image, k, pooling)
    np.testing.assert_allclose(explorer.grad_image.get_array(), grad, rtol=1e-10, atol=1e-12)
    reach = int((np.abs(grad) > 1e-12).sum())
    assert f"the gradient reaches {reach} of the 64 input pixels" in explorer.caption.value
    # pixels that get nothing carry a grey dot
    assert len(explorer.zero_marks.get_offsets()) == 64 - reach

    if pooling == "max":
        rings = {(int(r), int(c)) for c, r in explorer.winner_rings.get_offsets()}
        assert rings == set(winners)
        assert explorer.winner_rings.get_visible()
        assert f"so it reaches {len(set(winners))} of the 36 cells" in explorer.caption.value
        live = sum(a[r, c] > 0 for r, c in winners)
        assert f"the ReLU lets it through at {live} of them" in explorer.caption.value
    else:
        assert not explorer.winner_rings.get_visible()
        assert "so it reaches all 36 cells" in explorer.caption.value
        assert f"the ReLU lets it through at {int((a > 0).sum())} of them" in explorer.caption.value

    pred = naive_prediction(model, image)
    assert explorer.titles["input"].get_text().startswith(f"#{example}: a {label}\npredicted {pred} ")
    assert re.search(rf"Label {label}; the model predicts {pred} with probability (0\.\d\d|1\.00)",
                     explorer.caption.value)


def test_max_pooling_reaches_fewer_pixels_than_mean(explorer):
    """The lesson's claim, over the first 40 test digits and every filter."""
    fewer = 0
    total = 0
    for example in range(40):
        for k in range(8):
            counts = {}
            for pooling in ("max", "mean"):
                grad = naive_input_gradient(explorer.models[pooling], explorer.x[example], k, pooling)
                counts[pooling] = int((np.abs(grad) > 1e-12).sum())
            fewer += counts["max"] <= counts["mean"]
            total += 1
    assert fewer / total > 0.8


def test_winner_rings_are_grey_where_the_relu_blocks(explorer):
    explorer.set(example=0, pooling="max", filter=0)
    a = explorer.conv_view.values
    colours = explorer.winner_rings.get_edgecolors()
    for (c, r), colour in zip(explorer.winner_rings.get_offsets(), colours):
        expected = WINNER_EDGE if a[int(r), int(c)] > 0 else FADED_INK
        assert mcolors.to_hex(colour).lower() == expected.lower()


def test_sliders_cover_the_test_set_and_the_filters(explorer):
    assert explorer.controls["example"].max == len(explorer.x) - 1 == 449
    assert explorer.controls["filter"].max == 7


def test_default_models_are_trained_and_cached():
    models, data = default_models()
    again, _ = default_models()
    assert again["max"] is models["max"]
    for pooling, model in models.items():
        assert model.pooling == pooling
        pred = np.array([naive_prediction(model, img) for img in data.x_test[:100]])
        assert np.mean(pred == data.y_test[:100]) > 0.85


def test_models_and_data_can_be_passed_in():
    data = load_digits_split(seed=1)
    models = {p: TinyCNN(p, n_filters=3, seed=2) for p in ("max", "mean")}
    for model in models.values():
        train(model, data.x_train[:200], data.y_train[:200], epochs=2)
    ex = CnnExplorer(models=models, data=(data.x_test[:5], data.y_test[:5]), example=4, filter=2)
    assert ex.controls["example"].max == 4
    assert ex.controls["filter"].max == 2
    np.testing.assert_allclose(ex.conv_view.values, naive_feature_map(models["max"], data.x_test[4], 2))


# ---------------------------------------------------------------- validation
def test_models_must_be_a_dict_with_both_methods():
    with pytest.raises(TypeError, match="models must be a dict with keys 'max' and 'mean', got"):
        CnnExplorer(models={"max": TinyCNN("max")})


def test_models_must_match_their_key():
    with pytest.raises(TypeError, match=r"models\['mean'\] must be a TinyCNN with pooling='mean', got TinyCNN\(downsample='max'"):
        CnnExplorer(models={"max": TinyCNN("max"), "mean": TinyCNN("max")})


def test_models_must_share_the_architecture():
    with pytest.raises(ValueError, match=r"models must have the same architecture, got conv shapes \(6, 6, 8\) and \(6, 6, 4\)"):
        CnnExplorer(models={"max": TinyCNN("max"), "mean": TinyCNN("mean", n_filters=4)})


def test_data_must_fit_the_models():
    with pytest.raises(ValueError, match=r"data must be images of shape .*got shapes \(3, 8, 8\) and \(3,\)"):
        CnnExplorer(data=(np.zeros((3, 8, 8)), np.zeros(3, dtype=int)))


def test_figures():
    (name, fig), = list(figures())
    assert name == "08-cnn-explorer"
    assert len(fig.axes) == 4


def test_every_text_is_legible_in_a_narrow_window(explorer):
    for pooling in ("max", "mean"):
        explorer.set(example=3, pooling=pooling, filter=4)
        assert explorer.smallest_text_px(468) >= 11
        assert explorer.smallest_text_px(848) >= 13
