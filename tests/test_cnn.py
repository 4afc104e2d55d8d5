"""The tiny CNN: naive loop references, finite-difference gradients, validation, a smoke run."""

import numpy as np
import pytest

from pooling_lib.cnn import (
    Comparison,
    Digits,
    TinyCNN,
    compare_downsampling,
    conv2d,
    conv2d_backward,
    evaluate,
    load_digits_split,
    shift_consistency,
    shift_images,
    softmax,
    softmax_cross_entropy,
    train,
)

PARAMS = ("conv_w", "conv_b", "dense_w", "dense_b")


def has_blur():
    try:
        import pooling_lib.blur  # noqa: F401  (library-new's module; the blur option needs it)
    except ImportError:
        return False
    return True


needs_blur = pytest.mark.skipif(not has_blur(), reason="pooling_lib.blur not available yet")


# ---------------------------------------------------------------- naive references
def naive_conv(x, w, b, s=1):
    m, h, wd, _ = x.shape
    k, _, _, cout = w.shape
    out = np.zeros((m, (h - k) // s + 1, (wd - k) // s + 1, cout))
    for n in range(m):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                for c in range(cout):
                    patch = x[n, i * s:i * s + k, j * s:j * s + k, :]
                    out[n, i, j, c] = np.sum(patch * w[:, :, :, c]) + b[c]
    return out


def naive_pool(a, f, s, method):
    m, h, w, c = a.shape
    ho, wo = (h - f) // s + 1, (w - f) // s + 1
    out = np.zeros((m, ho, wo, c))
    for n in range(m):
        for i in range(ho):
            for j in range(wo):
                for ch in range(c):
                    window = a[n, i * s:i * s + f, j * s:j * s + f, ch]
                    out[n, i, j, ch] = window.max() if method == "max" else window.mean()
    return out


def naive_logits(model, x):
    p = model.params
    conv = naive_conv(x, p["conv_w"], p["conv_b"])
    relu = np.where(conv > 0, conv, 0.0)
    f, s = model.pool_size, model.pool_stride
    if model.downsample in ("max", "mean"):
        pooled = naive_pool(relu, f, s, model.downsample)
    elif model.downsample == "conv":
        down = naive_conv(relu, p["down_w"], p["down_b"], s)
        pooled = np.where(down > 0, down, 0.0)
    else:  # blur_pool is tested on its own (library-new's tests); here it is one layer of the network
        from pooling_lib.blur import blur_pool
        pooled = blur_pool(relu, f, s, filter_size=model.blur_filter, method="max")
    if model.head == "gap":
        flat = np.array([[pooled[n, :, :, c].sum() / (pooled.shape[1] * pooled.shape[2])
                          for c in range(pooled.shape[3])] for n in range(len(x))])
    else:
        flat = pooled.reshape(len(x), -1)
    logits = np.zeros((len(x), model.n_classes))
    for n in range(len(x)):
        for k in range(model.n_classes):
            logits[n, k] = sum(flat[n, d] * p["dense_w"][d, k] for d in range(flat.shape[1])) + p["dense_b"][k]
    return logits


def naive_loss(model, x, y):
    logits = naive_logits(model, x)
    total = 0.0
    for n in range(len(x)):
        row = logits[n]
        total += np.log(np.sum(np.exp(row - row.max()))) + row.max() - row[y[n]]
    return total / len(x)


# ---------------------------------------------------------------- forward
def test_conv2d_matches_naive_loops():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 6, 7, 3))
    w = rng.normal(size=(3, 3, 3, 4))
    b = rng.normal(size=4)
    np.testing.assert_allclose(conv2d(x, w, b), naive_conv(x, w, b), rtol=1e-12, atol=1e-12)


def test_conv2d_hand_computed():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    w = np.ones((3, 3, 1, 1))
    # sums of the four 3x3 patches of arange(16).reshape(4, 4)
    np.testing.assert_array_equal(conv2d(x, w, np.array([1.0]))[0, :, :, 0], [[46.0, 55.0], [82.0, 91.0]])


@pytest.mark.parametrize("head", ["dense", "gap"])
@pytest.mark.parametrize("pooling", ["max", "mean", "conv"])
@pytest.mark.parametrize("pool_size, pool_stride", [(2, None), (3, 1), (3, 2)])
def test_forward_matches_naive_network(pooling, pool_size, pool_stride, head):
    model = TinyCNN(pooling, n_filters=3, pool_size=pool_size, pool_stride=pool_stride, head=head, seed=2)
    x = np.random.default_rng(3).normal(size=(4, 8, 8, 1))
    logits, cache = model.forward(x)
    np.testing.assert_allclose(logits, naive_logits(model, x), rtol=1e-10, atol=1e-12)
    s = pool_size if pool_stride is None else pool_stride
    side = (6 - pool_size) // s + 1
    assert cache["pooled"].shape == (4, side, side, 3)
    assert model.pooled_shape == (side, side, 3)


def test_shapes_through_the_network():
    model = TinyCNN("max", n_filters=5, seed=0)
    x = np.zeros((7, 8, 8, 1))
    logits, cache = model.forward(x)
    assert logits.shape == (7, 10)
    assert cache["conv"].shape == cache["relu"].shape == (7, 6, 6, 5)
    assert cache["pooled"].shape == cache["indices"].shape == (7, 3, 3, 5)
    assert model.params["conv_w"].shape == (3, 3, 1, 5)
    assert model.params["dense_w"].shape == (45, 10)
    assert model.n_params == 3 * 3 * 5 + 5 + 45 * 10 + 10
    _, grads = model.loss(x, np.arange(7), need_x=True)
    assert {k: grads[k].shape for k in PARAMS} == {k: model.params[k].shape for k in PARAMS}
    assert grads["x"].shape == x.shape
    assert "indices" not in TinyCNN("mean").forward(x)[1]


def test_other_input_shapes():
    model = TinyCNN("mean", n_filters=2, input_shape=(10, 9, 3), kernel=5, n_classes=4)
    assert model.conv_shape == (6, 5, 2)
    assert model.pooled_shape == (3, 2, 2)
    assert model.forward(np.ones((2, 10, 9, 3)))[0].shape == (2, 4)


def test_softmax_and_cross_entropy_hand_computed():
    np.testing.assert_allclose(softmax(np.array([[1.0, 1.0, 1.0, 1.0]])), [[0.25] * 4])
    loss, grad = softmax_cross_entropy(np.array([[0.0, np.log(3.0)]]), np.array([1]))
    assert loss == pytest.approx(np.log(4 / 3))
    np.testing.assert_allclose(grad, [[0.25, -0.25]])


def test_cross_entropy_is_stable_for_huge_logits():
    loss, grad = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert loss == pytest.approx(1000.0)
    assert np.all(np.isfinite(grad))


def test_predict_and_evaluate():
    model = TinyCNN(seed=4)
    x = np.random.default_rng(0).random((6, 8, 8, 1))
    logits = naive_logits(model, x)
    np.testing.assert_array_equal(model.predict(x), logits.argmax(axis=1))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(model.predict_proba(x), e / e.sum(axis=1, keepdims=True))
    y = logits.argmax(axis=1)
    y_wrong = (y + 1) % 10
    y_half = np.where(np.arange(6) < 3, y, y_wrong)
    assert evaluate(model, x, y) == 1.0
    assert evaluate(model, x, y_wrong) == 0.0
    assert evaluate(model, x, y_half) == 0.5


# ---------------------------------------------------------------- gradients
def tie_free_batch(model, m=3, seed=0):
    """Random images clear of every kink: ReLU inputs away from 0, no near-ties in a max window."""
    rng = np.random.default_rng(seed)
    p = model.params
    f = model.pool_size
    s = 1 if model.downsample == "blur" else model.pool_stride   # blur pools with stride 1 first
    for _ in range(100):
        x = rng.normal(size=(m, *model.input_shape))
        conv = naive_conv(x, p["conv_w"], p["conv_b"])
        relu = np.where(conv > 0, conv, 0.0)
        clear = np.abs(conv).min() > 1e-3
        if model.downsample in ("max", "blur"):
            ho, wo = (relu.shape[1] - f) // s + 1, (relu.shape[2] - f) // s + 1
            for i in range(ho):
                for j in range(wo):
                    win = np.sort(relu[:, i * s:i * s + f, j * s:j * s + f].reshape(m, f * f, -1), axis=1)
                    top, second = win[:, -1], win[:, -2]
                    clear &= np.where(top > 0, top - second, np.inf).min() > 1e-3
        if model.downsample == "conv":
            clear &= np.abs(naive_conv(relu, p["down_w"], p["down_b"], model.pool_stride)).min() > 1e-3
        if clear:
            return x
    raise AssertionError("no tie-free batch found")


def numeric_grad(f, array, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of array (in place, restored)."""
    grad = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + eps
        up = f()
        array[idx] = old - eps
        down = f()
        array[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def rel_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def check_network_gradient(model):
    rng = np.random.default_rng(6)
    for k in model.params:  # non-zero biases, so every parameter is exercised
        if k.endswith("_b"):
            model.params[k] = rng.normal(scale=0.1, size=model.params[k].shape)
    x = tie_free_batch(model)
    y = np.array([1, 7, 4])
    loss, grads = model.loss(x, y, need_x=True)
    assert loss == pytest.approx(naive_loss(model, x, y), rel=1e-12)
    assert set(grads) == set(model.params) | {"x"}

    def f():
        return model.loss(x, y)[0]

    for name in model.params:
        numeric = numeric_grad(f, model.params[name])
        assert np.linalg.norm(numeric) > 0, name
        assert rel_error(grads[name], numeric) < 1e-6, name
    numeric_x = numeric_grad(f, x)
    assert rel_error(grads["x"], numeric_x) < 1e-6


@pytest.mark.parametrize("head", ["dense", "gap"])
@pytest.mark.parametrize("downsample", ["max", "mean", "conv"])
@pytest.mark.parametrize("pool_size, pool_stride", [(2, None), (3, 1)])
def test_whole_network_gradient_matches_finite_differences(downsample, head, pool_size, pool_stride):
    model = TinyCNN(downsample, n_filters=3, pool_size=pool_size, pool_stride=pool_stride, head=head, seed=5)
    check_network_gradient(model)


@needs_blur
@pytest.mark.parametrize("head", ["dense", "gap"])
@pytest.mark.parametrize("blur_filter", [3, 4])
def test_blur_network_gradient_matches_finite_differences(head, blur_filter):
    model = TinyCNN("blur", n_filters=3, head=head, blur_filter=blur_filter, seed=5)
    check_network_gradient(model)


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_strided_conv_matches_naive_loops_and_finite_differences(stride):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 7, 8, 3))
    w = rng.normal(size=(2, 3, 3, 4))
    b = rng.normal(size=4)
    out = conv2d(x, w, b, stride=stride)
    # naive_conv takes square filters: compare a square-filter version, then the general one by shape
    np.testing.assert_allclose(conv2d(x, w[:, :2], b, stride=stride), naive_conv(x, w[:, :2], b, stride),
                               rtol=1e-12, atol=1e-12)
    assert out.shape == (2, (7 - 2) // stride + 1, (8 - 3) // stride + 1, 4)
    g = rng.normal(size=out.shape)
    gw, gb, gx = conv2d_backward(x, w, g, stride=stride)
    for array, exact in ((x, gx), (w, gw), (b, gb)):
        numeric = numeric_grad(lambda: float(np.sum(conv2d(x, w, b, stride=stride) * g)), array)
        assert rel_error(exact, numeric) < 1e-8


def test_strided_conv_hand_computed():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    out = conv2d(x, np.ones((2, 2, 1, 1)), np.zeros(1), stride=2)
    np.testing.assert_array_equal(out[0, :, :, 0], [[10.0, 18.0], [42.0, 50.0]])
    _, _, gx = conv2d_backward(np.zeros((1, 5, 5, 1)), np.ones((2, 2, 1, 1)), np.ones((1, 2, 2, 1)), stride=2)
    # stride 2 with 2x2 filters on 5x5: the last row and column are read by no patch
    np.testing.assert_array_equal(gx[0, :, :, 0], [[1, 1, 1, 1, 0]] * 4 + [[0] * 5])


def test_gap_head_spreads_each_feature_gradient_over_its_map():
    model = TinyCNN("max", n_filters=2, head="gap", seed=0)
    assert model.params["dense_w"].shape == (2, 10)
    assert model.n_params == 3 * 3 * 2 + 2 + 2 * 10 + 10
    x = np.random.default_rng(0).random((1, 8, 8, 1))
    logits, cache = model.forward(x)
    np.testing.assert_allclose(cache["features"], cache["pooled"].mean(axis=(1, 2)))
    grad_logits = np.zeros((1, 10))
    grad_logits[0, 3] = 1.0
    grads = model.backward(cache, grad_logits)
    np.testing.assert_allclose(grads["dense_w"][:, 3], cache["features"][0])
    # each of the 3x3 pooled cells of map c receives dense_w[c, 3] / 9
    inner = model.backward_pooled(cache, np.broadcast_to(model.params["dense_w"][:, 3] / 9, (1, 3, 3, 2)))
    np.testing.assert_allclose(grads["conv_w"], inner["conv_w"])


@pytest.mark.parametrize("downsample, params", [
    ("max", 3 * 3 * 4 + 4 + 36 * 10 + 10),
    ("mean", 3 * 3 * 4 + 4 + 36 * 10 + 10),
    ("blur", 3 * 3 * 4 + 4 + 36 * 10 + 10),
    ("conv", 3 * 3 * 4 + 4 + 2 * 2 * 4 * 4 + 4 + 36 * 10 + 10),
])
def test_every_downsampling_gives_3x3_maps(downsample, params):
    model = TinyCNN(downsample, n_filters=4)
    assert model.pooled_shape == (3, 3, 4)
    assert model.n_params == params
    assert model.pooling == downsample


def test_blur_shape_follows_its_stride_one_pooling():
    # blur_pool: 2x2 max with stride 1 (6 -> 5), blur (5), keep every 2nd cell from the first: 3
    assert TinyCNN("blur", pool_size=2).pooled_shape == (3, 3, 8)
    # 3x3 windows (6 -> 4), stride 3: cells 0 and 3
    assert TinyCNN("blur", pool_size=3, pool_stride=3).pooled_shape == (2, 2, 8)
    assert TinyCNN("max", pool_size=3, pool_stride=3).pooled_shape == (2, 2, 8)


@needs_blur
def test_blur_forward_matches_naive_network():
    model = TinyCNN("blur", n_filters=3, seed=2)
    x = np.random.default_rng(3).normal(size=(4, 8, 8, 1))
    logits, cache = model.forward(x)
    np.testing.assert_allclose(logits, naive_logits(model, x), rtol=1e-10, atol=1e-12)
    assert cache["pooled"].shape == (4, *model.pooled_shape)


def test_max_pooling_gradient_reaches_only_the_maxima():
    model = TinyCNN("max", n_filters=2, seed=1)
    x = tie_free_batch(model, m=1)
    _, cache = model.forward(x)
    grads = model.backward_pooled(cache, np.ones((1, *model.pooled_shape)), need_x=False)
    relu = cache["relu"][0]
    expected = np.zeros_like(relu)
    for i in range(3):
        for j in range(3):
            for c in range(2):
                win = relu[2 * i:2 * i + 2, 2 * j:2 * j + 2, c]
                r, q = np.unravel_index(np.argmax(win), win.shape)
                expected[2 * i + r, 2 * j + q, c] = 1.0
    np.testing.assert_array_equal(grads["relu"][0], expected)
    np.testing.assert_array_equal(grads["conv"][0], expected * (cache["conv"][0] > 0))


def test_mean_pooling_gradient_spreads_a_quarter():
    model = TinyCNN("mean", n_filters=2, seed=1)
    _, cache = model.forward(np.random.default_rng(0).random((1, 8, 8, 1)))
    grads = model.backward_pooled(cache, np.ones((1, 3, 3, 2)), need_x=False)
    np.testing.assert_array_equal(grads["relu"], np.full((1, 6, 6, 2), 0.25))


# ---------------------------------------------------------------- training
@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


def test_digits_split(digits):
    assert digits.x_train.shape == (1347, 8, 8, 1)
    assert digits.x_test.shape == (450, 8, 8, 1)
    assert digits.y_train.shape == (1347,)
    assert 0.0 == digits.x_train.min() and digits.x_train.max() == 1.0
    assert set(np.unique(digits.y_test)) == set(range(10))


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("pooling", ["max", "mean"])
def test_smoke_training_reduces_the_loss(digits, pooling, optimizer):
    x, y = digits.x_train[:300], digits.y_train[:300]
    x_copy = x.copy()
    model = TinyCNN(pooling, seed=0)
    before, _ = model.loss(x, y)
    lr = 0.01 if optimizer == "adam" else 0.1
    history = train(model, x, y, epochs=4, lr=lr, optimizer=optimizer,
                    x_val=digits.x_test[:100], y_val=digits.y_test[:100])
    after, _ = model.loss(x, y)
    assert after < 0.5 * before
    assert history["loss"][-1] < history["loss"][0]
    assert len(history["loss"]) == len(history["val_accuracy"]) == 4
    assert history["val_accuracy"][-1] > 0.5  # chance is 0.1
    assert history["seconds"] > 0
    np.testing.assert_array_equal(x, x_copy)


def test_training_is_reproducible(digits):
    x, y = digits.x_train[:100], digits.y_train[:100]
    a, b, c = TinyCNN(seed=1), TinyCNN(seed=1), TinyCNN(seed=1)
    train(a, x, y, epochs=2, seed=3)
    train(b, x, y, epochs=2, seed=3)
    train(c, x, y, epochs=2, seed=4)
    for k in PARAMS:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert not np.array_equal(a.params["dense_w"], c.params["dense_w"])


def test_training_with_progress_bar(digits, capsys):
    history = train(TinyCNN(), digits.x_train[:64], digits.y_train[:64], epochs=2, progress=True)
    assert len(history["loss"]) == 2
    assert "max downsampling" in capsys.readouterr().err


# ---------------------------------------------------------------- validation
IMAGES = np.zeros((2, 8, 8, 1))
LABELS = np.array([0, 1])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"downsample": "min"}, ValueError, r"downsample must be one of \('max', 'mean', 'blur', 'conv'\), got 'min'"),
    ({"head": "flat"}, ValueError, r"head must be one of \('dense', 'gap'\), got 'flat'"),
    ({"blur_filter": 0}, ValueError, "blur_filter must be a positive integer, got 0"),
    ({"blur_filter": 8}, ValueError, "blur_filter must be at most 7, got 8"),
    ({"blur_filter": 2.0}, TypeError, "blur_filter must be an integer, got 2.0"),
    ({"n_filters": 2.0}, TypeError, "n_filters must be an integer, got 2.0"),
    ({"n_filters": 0}, ValueError, "n_filters must be a positive integer, got 0"),
    ({"kernel": 0}, ValueError, "kernel must be a positive integer, got 0"),
    ({"pool_size": 0}, ValueError, "pool_size must be a positive integer, got 0"),
    ({"pool_stride": -1}, ValueError, "pool_stride must be a positive integer, got -1"),
    ({"n_classes": 1}, ValueError, "n_classes must be a .* integer, got 1"),
    ({"seed": -2}, ValueError, "seed must be a non-negative integer, got -2"),
    ({"input_shape": (8, 8)}, TypeError, r"input_shape must be a tuple \(h, w, c\), got \(8, 8\)"),
    ({"input_shape": 8}, TypeError, "input_shape must be a tuple .*, got 8"),
    ({"input_shape": (8, 0, 1)}, ValueError, "input_shape must be a positive integer, got 0"),
    ({"kernel": 9}, ValueError, r"kernel must fit in the image \(8, 8\), got 9"),
    ({"pool_size": 7}, ValueError, r"pool_size must fit in the convolution's output \(6, 6\), got 7"),
])
def test_model_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        TinyCNN(**kwargs)


@pytest.mark.parametrize("x, error, match", [
    (np.zeros((2, 8, 8, 1), dtype=object), TypeError, "x must have an integer or floating-point dtype, got dtype object"),
    (np.zeros((8, 8, 1)), ValueError, r"x must be a batch of shape .*, got 3 dimensions with shape \(8, 8, 1\)"),
    (np.zeros((2, 7, 8, 1)), ValueError, r"x must have images of shape \(8, 8, 1\), got shape \(2, 7, 8, 1\)"),
    (np.zeros((0, 8, 8, 1)), ValueError, r"x must hold at least one image, got shape \(0, 8, 8, 1\)"),
])
def test_image_validation(x, error, match):
    with pytest.raises(error, match=match):
        TinyCNN().forward(x)


@pytest.mark.parametrize("y, error, match", [
    (np.array([0.0, 1.0]), TypeError, "y must hold integer class labels, got dtype float64"),
    (np.array([0, 1, 2]), ValueError, r"y must have shape \(2,\), one label per image, got shape \(3,\)"),
    (np.array([0, 10]), ValueError, r"y must hold labels in \[0, 10\), got 10"),
    (np.array([-1, 0]), ValueError, r"y must hold labels in \[0, 10\), got -1"),
])
def test_label_validation(y, error, match):
    with pytest.raises(error, match=match):
        TinyCNN().loss(IMAGES, y)
    with pytest.raises(error, match=match):
        evaluate(TinyCNN(), IMAGES, y)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
    ({"batch_size": 1.5}, TypeError, "batch_size must be an integer, got 1.5"),
    ({"lr": "fast"}, TypeError, "lr must be a real number, got 'fast'"),
    ({"lr": 0.0}, ValueError, "lr must be positive, got 0.0"),
    ({"lr": float("nan")}, ValueError, "lr must be finite, got nan"),
    ({"optimizer": "rmsprop"}, ValueError, "optimizer must be 'adam' or 'sgd', got 'rmsprop'"),
    ({"momentum": 1.0}, ValueError, r"momentum must be in \[0, 1\), got 1.0"),
    ({"seed": -1}, ValueError, "seed must be a non-negative integer, got -1"),
    ({"progress": "yes"}, TypeError, "progress must be True or False, got 'yes'"),
    ({"x_val": IMAGES}, ValueError, "x_val and y_val must be given together, got only x_val"),
    ({"y_val": LABELS}, ValueError, "x_val and y_val must be given together, got only y_val"),
    ({"x_val": np.zeros((2, 8, 8)), "y_val": LABELS}, ValueError, "x_val must be a batch of shape"),
    ({"x_val": IMAGES, "y_val": np.array([0])}, ValueError, r"y_val must have shape \(2,\)"),
])
def test_train_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        train(TinyCNN(), IMAGES, LABELS, **kwargs)


def test_train_rejects_other_models():
    with pytest.raises(TypeError, match="model must be a TinyCNN, got dict"):
        train({}, IMAGES, LABELS)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"test_size": "half"}, TypeError, "test_size must be a real number, got 'half'"),
    ({"test_size": 0}, ValueError, "test_size must be positive, got 0.0"),
    ({"test_size": 1.0}, ValueError, "test_size must be below 1, got 1.0"),
    ({"seed": 1.5}, TypeError, "seed must be an integer, got 1.5"),
])
def test_digits_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_digits_split(**kwargs)


# ---------------------------------------------------------------- shifts
def test_shift_images_hand_computed():
    x = np.arange(1, 10).reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(shift_images(x, 1, 0)[0, :, :, 0], [[0, 0, 0], [1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(shift_images(x, 0, -1)[0, :, :, 0], [[2, 3, 0], [5, 6, 0], [8, 9, 0]])
    np.testing.assert_array_equal(shift_images(x, -2, 2)[0, :, :, 0], [[0, 0, 7], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(shift_images(x, 0, 0), x)
    assert shift_images(x.astype(np.float32), 1, 1).dtype == np.float32
    x_copy = x.copy()
    shift_images(x, 1, 1)
    np.testing.assert_array_equal(x, x_copy)


@pytest.mark.parametrize("args, error, match", [
    ((np.zeros((3, 3, 1)), 1, 0), ValueError, r"x must be a batch of shape \(m, h, w, c\), got shape \(3, 3, 1\)"),
    ((np.zeros((1, 3, 3, 1)), 3, 0), ValueError, "dy must be below the image height 3, got 3"),
    ((np.zeros((1, 3, 3, 1)), 0, 3), ValueError, "dx must be below the image width 3, got 3"),
    ((np.zeros((1, 3, 3, 1)), -3, 0), ValueError, "dy must be a .* integer, got -3"),
    ((np.zeros((1, 3, 3, 1)), 0.5, 0), TypeError, "dy must be an integer, got 0.5"),
])
def test_shift_images_validation(args, error, match):
    with pytest.raises(error, match=match):
        shift_images(*args)


def edge_model():
    """Predicts 1 when the convolution (which reads only pixels 1..6 of each axis) sees anything, else 0."""
    model = TinyCNN("max", n_filters=1, seed=0)
    model.params["conv_w"][...] = 0.0
    model.params["conv_w"][1, 1, 0, 0] = 1.0     # each 3x3 patch's centre: pixels 1..6 of the 8x8 image
    model.params["dense_w"][...] = 0.0
    model.params["dense_w"][:, 1] = 1.0
    model.params["dense_b"][...] = 0.0
    model.params["dense_b"][0] = 0.5
    return model


def test_shift_consistency_hand_computed():
    model = edge_model()
    x = np.zeros((2, 8, 8, 1))
    x[0, 3, 0, 0] = 1.0   # column 0: invisible (class 0); right shift -> column 1, visible: class 1
    x[1, 3, 3, 0] = 1.0   # in the middle: every 1-px shift keeps it visible (class 1)
    np.testing.assert_array_equal(model.predict(x), [0, 1])
    # image 0 keeps its class under up, down and left (3 of 4); image 1 under all four
    assert shift_consistency(model, x) == (3 + 4) / 8
    # 3-px shifts: image 0 right -> column 3 (visible, changes); image 1 up -> row 0 and left -> column 0
    # (invisible, both change), down -> row 6 and right -> column 6 (still visible)
    assert shift_consistency(model, x, shifts=(3,)) == (3 + 2) / 8
    assert shift_consistency(model, x, shifts=(1, 3)) == (7 + 5) / 16


def test_shift_consistency_matches_a_naive_loop(digits):
    model = TinyCNN("max", seed=0)
    train(model, digits.x_train[:200], digits.y_train[:200], epochs=2)
    x = digits.x_test[:40]
    base = [model.predict(x[n:n + 1])[0] for n in range(len(x))]
    same = 0
    for n in range(len(x)):
        for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            moved = np.zeros((1, 8, 8, 1))
            for i in range(8):
                for j in range(8):
                    if 0 <= i - dy < 8 and 0 <= j - dx < 8:
                        moved[0, i, j] = x[n, i - dy, j - dx]
            same += model.predict(moved)[0] == base[n]
    assert shift_consistency(model, x) == same / (4 * len(x))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"model": {}}, TypeError, "model must be a TinyCNN, got dict"),
    ({"shifts": 1}, TypeError, r"shifts must be a sequence of pixel counts such as \(1,\), got 1"),
    ({"shifts": ()}, ValueError, r"shifts must hold at least one pixel count, got \(\)"),
    ({"shifts": (0,)}, ValueError, "shifts must be a positive integer, got 0"),
    ({"x": np.zeros((2, 7, 7, 1))}, ValueError, r"x must have images of shape \(8, 8, 1\)"),
])
def test_shift_consistency_validation(kwargs, error, match):
    args = {"model": TinyCNN(), "x": IMAGES, "shifts": (1,)}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        shift_consistency(args["model"], args["x"], args["shifts"])


# ---------------------------------------------------------------- comparison
def small_digits(digits):
    return Digits(digits.x_train[:120], digits.y_train[:120], digits.x_test[:60], digits.y_test[:60])


def test_compare_downsampling_runs_are_what_train_gives(digits):
    data = small_digits(digits)
    result = compare_downsampling(["mean", ("conv", "gap")], seeds=[0, 3], data=data, epochs=2, lr=0.02)
    assert isinstance(result, Comparison)
    assert [(r.method, r.head, r.seed) for r in result.runs] == [
        ("mean", "dense", 0), ("mean", "dense", 3), ("conv", "gap", 0), ("conv", "gap", 3)]
    for run in result.runs:
        model = TinyCNN(run.method, head=run.head, seed=run.seed)
        train(model, data.x_train, data.y_train, epochs=2, seed=run.seed, lr=0.02)
        assert run.params == model.n_params
        assert run.accuracy == evaluate(model, data.x_test, data.y_test)
        assert run.consistency == shift_consistency(model, data.x_test)
        assert run.seconds > 0
    summary = result.summary()
    assert [(s.method, s.head) for s in summary] == [("mean", "dense"), ("conv", "gap")]
    first = summary[0]
    accs = [r.accuracy for r in result.runs[:2]]
    assert first.accuracy_mean == pytest.approx(sum(accs) / 2)
    assert (first.accuracy_min, first.accuracy_max) == (min(accs), max(accs))
    text = str(result)
    assert text.splitlines()[0] == "mean over 2 seeds (min to max)"
    assert "kept under 1-px shifts" in text and "s per run" in text
    assert len(text.splitlines()) == 4
    assert "s per run" not in result.table(seconds=False)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"methods": ["min"]}, ValueError, r"method must be one of \('max', 'mean', 'blur', 'conv'\), got 'min'"),
    ({"methods": [("max", "flat")]}, ValueError, r"head must be one of \('dense', 'gap'\), got 'flat'"),
    ({"methods": [3]}, TypeError, "each method must be a downsampling name or a .* pair, got 3"),
    ({"methods": []}, ValueError, r"methods must name at least one method, got \[\]"),
    ({"seeds": []}, ValueError, "seeds must hold at least one seed, got none"),
    ({"seeds": [-1]}, ValueError, "seeds must be a non-negative integer, got -1"),
    ({"data": (1, 2)}, TypeError, "data must be a Digits tuple .*, got tuple"),
    ({"shifts": ()}, ValueError, "shifts must hold at least one pixel count"),
])
def test_compare_downsampling_validation(kwargs, error, match):
    args = {"methods": ["max"], "seeds": [0], "epochs": 1}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        compare_downsampling(**args)
