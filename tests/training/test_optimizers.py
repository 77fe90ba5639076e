"""create_optimizer: AdamW/LAMB, weight-decay exclusion, clipping, gradient accumulation."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from bert_tf.training.optimizers import create_optimizer


def small_model(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), keras.layers.LayerNormalization()]
    )


def test_weight_decay_skips_layer_norm_and_biases_of_the_pretrainer(tiny_pretrainer):
    optimizer = create_optimizer(1e-3, num_train_steps=10, num_warmup_steps=1)
    optimizer.build(tiny_pretrainer.trainable_variables)
    variables = tiny_pretrainer.trainable_variables
    decayed = {v.path for v in variables if optimizer._use_weight_decay(v)}
    # The TensorFlow optimizer asks with the tf.Variable ("<path>:0"), Keras with the variable.
    assert decayed == {v.path for v in variables if optimizer._use_weight_decay(v.value)}
    skipped = {v.path for v in tiny_pretrainer.trainable_variables} - decayed
    assert skipped and decayed
    for path in skipped:
        assert path.endswith(("/gamma", "/beta", "/bias")), path
    assert {p for p in decayed if "layer_norm" in p or p.endswith("/bias")} == set()
    assert "embeddings/word_embeddings/embeddings" in decayed
    assert "mlm_head/bias" in skipped  # the MLM output bias, as in BERT
    assert any(p.endswith("attention/query/kernel") for p in decayed)


def test_weight_decay_is_decoupled_and_excluded_variables_do_not_move():
    model = small_model()
    optimizer = create_optimizer(0.1, num_train_steps=10, num_warmup_steps=0, weight_decay=0.5)
    optimizer.build(model.trainable_variables)
    before = [v.numpy().copy() for v in model.trainable_variables]
    # Zero gradients: Adam's step is 0, so only the decay (var -= lr * wd * var) acts.
    optimizer.apply_gradients(
        [(np.zeros(v.shape, "float32"), v) for v in model.trainable_variables]
    )
    for variable, old in zip(model.trainable_variables, before):
        if variable.name == "kernel":
            np.testing.assert_allclose(variable.numpy(), old * (1 - 0.1 * 0.5), rtol=1e-6)
        else:  # bias, gamma, beta
            np.testing.assert_array_equal(variable.numpy(), old)


def test_global_norm_clipping():
    optimizer = create_optimizer(1e-3, 10, 0, clipnorm=1.0)
    assert optimizer.global_clipnorm == 1.0
    grads = [np.full((3,), 4.0, "float32"), np.full((4,), 3.0, "float32")]
    clipped = optimizer._clip_gradients(grads)
    norm = np.sqrt(sum(float(np.sum(np.square(g))) for g in clipped))
    assert norm == pytest.approx(1.0, rel=1e-5)
    assert create_optimizer(1e-3, 10, 0, clipnorm=None).global_clipnorm is None


def test_gradient_accumulation_equals_one_big_batch():
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    y = np.random.default_rng(1).normal(size=(16, 3)).astype("float32")
    weights = {}
    for accumulation, batch_size in ((1, 8), (2, 4)):
        model = small_model(seed=3)
        optimizer = create_optimizer(
            1e-2, 10, 0, weight_decay=0.01, gradient_accumulation_steps=accumulation
        )
        model.compile(optimizer, loss="mse")
        model.fit(x, y, batch_size=batch_size, shuffle=False, verbose=0)
        assert int(optimizer.iterations) == 2  # two updates either way
        weights[accumulation] = [v.numpy() for v in model.trainable_variables]
    for big, accumulated in zip(weights[1], weights[2]):
        np.testing.assert_allclose(accumulated, big, rtol=1e-4, atol=1e-6)


def test_lamb_with_accumulation_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = x[:, :3] * 2.0 + 0.5
    model = small_model()
    optimizer = create_optimizer(
        0.05,
        num_train_steps=20,
        num_warmup_steps=2,
        optimizer="lamb",
        gradient_accumulation_steps=2,
    )
    assert type(optimizer).__name__ == "Lamb"
    model.compile(optimizer, loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=10, shuffle=False, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < 0.8 * losses[0]
    assert int(optimizer.iterations) == 20  # 10 epochs x 4 batches / 2 accumulated


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(optimizer="sgd"), "unknown optimizer"),
        (dict(gradient_accumulation_steps=0), "gradient_accumulation_steps"),
        (dict(num_warmup_steps=20), "num_warmup_steps"),
    ],
)
def test_bad_arguments(kwargs, message):
    arguments = dict(learning_rate=1e-4, num_train_steps=10, num_warmup_steps=1) | kwargs
    with pytest.raises(ValueError, match=message):
        create_optimizer(**arguments)
