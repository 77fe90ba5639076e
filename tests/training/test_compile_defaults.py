"""`compile()` without an optimizer is BERT's recipe: warm-up then linear decay over the run
that `fit` or `compile(num_train_steps=...)` gives, no decay of LayerNorm/bias, clipping 1.0."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from bert_tf.models import BertBackbone, BertClassifier
from bert_tf.training.optimizers import schedule_of

SEQ = 8


def classifier(seed: int = 0) -> BertClassifier:
    keras.utils.set_random_seed(seed)
    backbone = BertBackbone.from_preset(
        "bert_tiny",
        vocab_size=40,
        hidden_size=32,
        num_heads=2,
        intermediate_size=64,
        max_position_embeddings=SEQ,
    )
    return BertClassifier(backbone, num_classes=2)


def data(n: int, seed: int = 0) -> tuple[dict, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = {
        "input_word_ids": rng.integers(5, 40, (n, SEQ)).astype("int32"),
        "input_mask": np.ones((n, SEQ), "int32"),
        "input_type_ids": np.zeros((n, SEQ), "int32"),
    }
    return x, rng.integers(0, 2, n).astype("int32")


class RateLog(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.rates: list[float] = []

    def on_train_batch_begin(self, batch, logs=None) -> None:
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))


def test_fit_fills_in_warmup_then_linear_decay_to_zero():
    model = classifier()
    model.compile()
    x, y = data(40)
    log = RateLog()
    model.fit(x, y, batch_size=4, epochs=2, callbacks=[log], verbose=0)  # 20 updates
    schedule = schedule_of(model.optimizer)
    assert (schedule.num_train_steps, schedule.num_warmup_steps) == (20, 2)
    expected = [5e-5 * s / 2 if s < 2 else 5e-5 * (20 - s) / 20 for s in range(20)]  # google's
    np.testing.assert_allclose(log.rates, expected, rtol=1e-5, atol=1e-12)
    assert int(model.optimizer.iterations) == 20
    assert log.rates.index(max(log.rates)) == 2


def test_compile_takes_the_run_length_and_warmup_ratio():
    model = classifier()
    model.compile(num_train_steps=50, warmup_ratio=0.2, learning_rate=3e-5)
    schedule = schedule_of(model.optimizer)
    assert (schedule.num_train_steps, schedule.num_warmup_steps) == (50, 10)
    assert schedule.peak_learning_rate == 3e-5
    x, y = data(8)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # a given length is kept
    assert schedule_of(model.optimizer).num_train_steps == 50
    with pytest.raises(ValueError, match="default optimizer"):
        classifier().compile(optimizer=keras.optimizers.Adam(1e-3), num_train_steps=10)


def test_bert_adamw_settings_and_no_decay_of_layer_norm_or_bias():
    model = classifier()
    model.compile()
    optimizer = model.optimizer
    assert type(optimizer).__name__ == "AdamW"
    assert (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon) == (0.9, 0.999, 1e-6)
    assert optimizer.weight_decay == 0.01 and optimizer.global_clipnorm == 1.0
    optimizer.build(model.trainable_variables)
    decayed = {v.path for v in model.trainable_variables if optimizer._use_weight_decay(v)}
    skipped = {v.path for v in model.trainable_variables} - decayed
    assert any("layer_norm" in p for p in skipped) and any(p.endswith("/bias") for p in skipped)
    assert all(p.endswith(("/gamma", "/beta", "/bias")) for p in skipped), skipped
    assert any(p.endswith("word_embeddings/embeddings") for p in decayed)


def test_gradient_norm_is_clipped():
    model = classifier()
    model.compile()
    grads = [np.full(v.shape, 1e3, "float32") for v in model.trainable_variables]
    clipped = model.optimizer._clip_gradients(grads)  # what apply_gradients does first
    norm = np.sqrt(sum(float(np.sum(np.square(g))) for g in clipped))
    assert norm == pytest.approx(1.0, rel=1e-4)
    ratios = [float(np.max(c) / 1e3) for c in clipped]
    assert max(ratios) == pytest.approx(min(ratios))  # one global scale, not per tensor


def test_pretrainer_compile_defaults_to_bert_pretraining_recipe(tiny_pretrainer):
    tiny_pretrainer.compile()
    assert type(tiny_pretrainer.optimizer).__name__ == "AdamW"
    schedule = schedule_of(tiny_pretrainer.optimizer)
    assert schedule.peak_learning_rate == 1e-4 and schedule.is_open
    tiny_pretrainer.compile("lamb", num_train_steps=100)
    assert type(tiny_pretrainer.optimizer).__name__ == "Lamb"
    assert schedule_of(tiny_pretrainer.optimizer).num_warmup_steps == 10
    assert tiny_pretrainer.optimizer.global_clipnorm == 1.0
