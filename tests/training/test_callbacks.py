"""StepCheckpoint (save every N optimizer steps, prune, restore with optimizer state) and
TrainingLogger (TensorBoard scalars by optimizer step)."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from bert_tf.training.callbacks import StepCheckpoint, TrainingLogger, optimizer_step
from bert_tf.training.optimizers import create_optimizer

X = np.random.default_rng(0).normal(size=(48, 4)).astype("float32")
Y = np.random.default_rng(1).normal(size=(48, 3)).astype("float32")


def compiled_model(accumulation: int = 1) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), keras.layers.LayerNormalization()]
    )
    optimizer = create_optimizer(1e-2, 100, 2, gradient_accumulation_steps=accumulation)
    model.compile(optimizer, loss="mse")
    return model


def test_saves_every_n_steps_keeps_the_newest_and_restores_optimizer_state(tmp_path):
    model = compiled_model()
    checkpoint = StepCheckpoint(tmp_path, save_every=2, keep=2)
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[checkpoint])
    # 6 steps: saved at 2, 4, 6 (the end adds nothing new); the oldest was pruned
    assert sorted(p.name for p in tmp_path.glob("ckpt-*")) == [
        "ckpt-00000004.weights.h5",
        "ckpt-00000006.weights.h5",
    ]
    index = json.loads((tmp_path / "checkpoint.json").read_text())
    assert index["latest"] == "ckpt-00000006.weights.h5" and index["step"] == 6
    assert StepCheckpoint.latest(tmp_path) == (str(tmp_path / "ckpt-00000006.weights.h5"), 6)

    restored = compiled_model()
    assert StepCheckpoint.restore_latest(restored, tmp_path) == 6
    assert optimizer_step(restored) == 6
    for mine, theirs in zip(restored.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(mine), np.asarray(theirs))  # moments too
    for mine, theirs in zip(restored.weights, model.weights):
        np.testing.assert_array_equal(np.asarray(mine), np.asarray(theirs))


def test_end_of_training_is_saved_and_steps_count_updates_under_accumulation(tmp_path):
    model = compiled_model(accumulation=2)
    checkpoint = StepCheckpoint(tmp_path, save_every=0)
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[checkpoint])
    assert StepCheckpoint.latest(tmp_path)[1] == 3  # 6 batches = 3 updates, saved at the end
    restored = compiled_model(accumulation=2)
    assert StepCheckpoint.restore_latest(restored, tmp_path) == 3


def test_steps_per_execution_saves_when_a_multiple_is_crossed(tmp_path):
    model = compiled_model()
    model.compile(model.optimizer, loss="mse", steps_per_execution=3)
    checkpoint = StepCheckpoint(tmp_path, save_every=2, keep=5)
    model.fit(X, Y, batch_size=8, shuffle=False, verbose=0, callbacks=[checkpoint])
    # Keras reports only after steps 3 and 6; both crossed a multiple of 2
    names = sorted(p.name for p in tmp_path.glob("ckpt-*"))
    assert names == ["ckpt-00000003.weights.h5", "ckpt-00000006.weights.h5"]


def test_nothing_to_restore_and_broken_index(tmp_path):
    assert StepCheckpoint.restore_latest(compiled_model(), tmp_path) == 0
    (tmp_path / "checkpoint.json").write_text('{"latest": "ckpt-00000009.weights.h5", "step": 9}')
    with pytest.raises(FileNotFoundError, match="ckpt-00000009"):
        StepCheckpoint.latest(tmp_path)
    (tmp_path / "checkpoint.json").write_text("not json")
    with pytest.raises(ValueError, match="checkpoint index"):
        StepCheckpoint.latest(tmp_path)


def test_interrupted_fit_writes_nothing_after_the_last_checkpoint(tmp_path):
    class Crash(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if optimizer_step(self.model) == 3:
                raise RuntimeError("killed")

    model = compiled_model()
    with pytest.raises(RuntimeError, match="killed"):
        model.fit(
            X,
            Y,
            batch_size=8,
            verbose=0,
            shuffle=False,
            callbacks=[StepCheckpoint(tmp_path, save_every=2), Crash()],
        )
    assert StepCheckpoint.latest(tmp_path)[1] == 2


def read_scalars(log_dir) -> dict[str, list[tuple[int, float]]]:
    scalars: dict[str, list[tuple[int, float]]] = {}
    for path in sorted(log_dir.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                number = float(tf.make_ndarray(value.tensor))
                scalars.setdefault(value.tag, []).append((event.step, number))
    return scalars


def test_training_logger_writes_losses_learning_rate_and_throughput(tmp_path):
    model = compiled_model()
    logger = TrainingLogger(tmp_path, global_batch_size=8, log_every=2)
    history = model.fit(X, Y, batch_size=8, epochs=2, verbose=0, callbacks=[logger])
    scalars = read_scalars(tmp_path)
    assert {"loss", "learning_rate", "sequences_per_second", "steps_per_second"} <= set(scalars)
    assert [step for step, _ in scalars["loss"]] == [2, 4, 6, 8, 10, 12]
    learning_rates = dict(scalars["learning_rate"])
    schedule = model.optimizer._learning_rate
    assert learning_rates[6] == pytest.approx(float(schedule(6)), rel=1e-5)
    assert all(value > 0 for _, value in scalars["sequences_per_second"])
    assert scalars["loss"][-1][1] == pytest.approx(history.history["loss"][-1], rel=1e-5)


def test_checkpoint_of_another_model_is_refused_with_a_clear_error(tmp_path):
    model = compiled_model()
    model.fit(X, Y, batch_size=8, verbose=0, callbacks=[StepCheckpoint(tmp_path, save_every=0)])
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
    other.compile(create_optimizer(1e-2, 100, 2), loss="mse")
    with pytest.raises(ValueError, match="does not fit the model being trained"):
        StepCheckpoint.restore_latest(other, tmp_path)
