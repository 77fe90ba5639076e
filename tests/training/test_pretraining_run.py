"""run_pretraining: fit segments, config, resume after a crash, MLM loss falls on real text."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest
from training_helpers import tiny_run_config

from bert_tf.config import BertConfig
from bert_tf.training.callbacks import optimizer_step
from bert_tf.training.pretraining_config import PretrainingConfig
from bert_tf.training.pretraining_run import _model_config, fit_segments, run_pretraining


def test_fit_segments():
    assert fit_segments(0, 30, 10) == [(0, 0, 3, 10)]
    assert fit_segments(0, 25, 10) == [(0, 0, 2, 10), (20, 2, 3, 5)]
    assert fit_segments(4, 12, 5) == [(4, 0, 1, 1), (5, 1, 2, 5), (10, 2, 3, 2)]
    assert fit_segments(3, 5, 10) == [(3, 0, 1, 2)]
    assert fit_segments(12, 12, 5) == []
    # every batch in [start, total) is run once, in order, and epochs end on epoch boundaries
    for start, total, per_epoch in [(0, 7, 3), (5, 23, 4), (8, 9, 8), (13, 40, 6)]:
        covered = []
        for first, initial_epoch, epochs, steps in fit_segments(start, total, per_epoch):
            assert first // per_epoch == initial_epoch
            end = first + (epochs - initial_epoch) * steps
            assert end == total or end % per_epoch == 0
            covered.extend(range(first, end))
        assert covered == list(range(start, total))


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(batch_size=0), "batch_size"),
        (dict(num_warmup_steps=20, num_train_steps=10), "num_warmup_steps"),
        (dict(mixed_precision="fp8"), "mixed_precision"),
        (dict(max_predictions_per_seq=200, max_seq_length=128), "max_predictions_per_seq"),
        (dict(checkpoint_every=-1), "checkpoint_every"),
    ],
)
def test_config_validation(changes, message):
    with pytest.raises(ValueError, match=message):
        PretrainingConfig(train_data="x", output_dir="y", **changes)


def test_config_round_trip(tmp_path):
    config = PretrainingConfig(
        train_data="a/*.tfrecord,b/*.tfrecord",
        output_dir="out",
        config_overrides={"dropout": 0.0},
        mixed_precision="bf16",
    )
    config.save(tmp_path / "c.json")
    assert PretrainingConfig.load(tmp_path / "c.json") == config
    assert config.train_files == ["a/*.tfrecord", "b/*.tfrecord"]
    assert config.dtype_policy == "mixed_bfloat16"
    with pytest.raises(ValueError, match="unknown PretrainingConfig fields: epochs"):
        PretrainingConfig.from_dict({**config.to_dict(), "epochs": 3})


def test_model_config_from_preset_vocab_and_bert_config(tmp_path, minilm_vocab, minilm_dir):
    base = dict(train_data="x", output_dir="y", max_seq_length=64)
    config = _model_config(PretrainingConfig(**base, vocab=str(minilm_vocab)), None)
    assert config == BertConfig.from_preset("bert_tiny", vocab_size=30522)
    google_style = _model_config(
        PretrainingConfig(**base, bert_config=str(minilm_dir / "config.json")), None
    )
    assert (google_style.num_layers, google_style.hidden_size) == (6, 384)
    ours = tmp_path / "bert_config.json"
    ours.write_text(BertConfig.from_preset("bert_mini", vocab_size=99).to_json())
    assert _model_config(PretrainingConfig(**base, bert_config=str(ours)), None).vocab_size == 99
    with pytest.raises(ValueError, match="max_position_embeddings=32"):
        _model_config(
            PretrainingConfig(**base, config_overrides={"max_position_embeddings": 32}), None
        )


class StepLosses(keras.callbacks.Callback):
    """Per-step losses (from Keras' running epoch means) keyed by optimizer step."""

    def __init__(self):
        super().__init__()
        self.losses: dict[int, float] = {}
        self.first_step: int | None = None
        self._previous_mean = 0.0

    def on_train_begin(self, logs=None):
        if self.first_step is None:
            self.first_step = optimizer_step(self.model)

    def on_train_batch_end(self, batch, logs=None):
        mean = logs["loss"]
        previous = self._previous_mean if batch else 0.0
        self.losses[optimizer_step(self.model)] = (batch + 1) * mean - batch * previous
        self._previous_mean = mean


class Crash(keras.callbacks.Callback):
    def __init__(self, at_step: int):
        super().__init__()
        self.at_step = at_step

    def on_train_batch_end(self, batch, logs=None):
        if optimizer_step(self.model) == self.at_step:
            raise KeyboardInterrupt("simulated kill")


@pytest.mark.slow
def test_resume_continues_at_the_checkpointed_step_with_the_same_optimizer_state(
    tmp_path, pretraining_records
):
    # Deterministic run (no dropout, unshuffled data) so the resumed run can be compared
    # step by step with an uninterrupted one.
    changes = dict(
        num_train_steps=12,
        steps_per_epoch=5,
        checkpoint_every=4,
        shuffle=False,
        config_overrides=dict(
            hidden_size=64,
            num_heads=2,
            intermediate_size=128,
            max_position_embeddings=32,
            dropout=0.0,
            attention_dropout=0.0,
        ),
    )
    reference_losses = StepLosses()
    reference = run_pretraining(
        tiny_run_config(pretraining_records, tmp_path / "reference", **changes),
        callbacks=[reference_losses],
    )
    assert reference.final_step == 12

    config = tiny_run_config(pretraining_records, tmp_path / "run", **changes)
    with pytest.raises(KeyboardInterrupt):  # killed at step 6, mid-epoch 2
        run_pretraining(config, callbacks=[Crash(at_step=6)])
    index = json.loads((tmp_path / "run" / "checkpoints" / "checkpoint.json").read_text())
    assert index["step"] == 4
    assert not (tmp_path / "run" / "backbone.keras").exists()

    resumed_losses = StepLosses()
    resumed = run_pretraining(config, callbacks=[resumed_losses])
    assert resumed.initial_step == 4 and resumed_losses.first_step == 4
    assert resumed.final_step == 12
    assert sorted(resumed_losses.losses) == list(range(5, 13))
    for step in range(5, 13):  # the loss continues where it was, batch for batch
        assert resumed_losses.losses[step] == pytest.approx(
            reference_losses.losses[step], rel=1e-4
        ), step
    for mine, theirs in zip(resumed.model.weights, reference.model.weights):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=1e-4, atol=1e-6)
    # a finished run resumes at its end and trains no further
    again = run_pretraining(config)
    assert again.initial_step == again.final_step == 12 and again.history == {}


@pytest.mark.slow
def test_mlm_loss_falls_on_real_text(tmp_path, pretraining_records):
    steps = 150
    config = tiny_run_config(
        pretraining_records,
        tmp_path / "run",
        num_train_steps=steps,
        num_warmup_steps=10,
        steps_per_epoch=25,
        batch_size=32,
        learning_rate=2e-3,
        checkpoint_every=0,
    )
    result = run_pretraining(config)
    mlm = result.history["mlm_loss"]
    assert len(mlm) == steps // 25
    assert mlm[0] > 8.0  # about ln(30522) = 10.3 at the start
    assert mlm[-1] < mlm[0] - 2.0, mlm
    assert result.history["mlm_accuracy"][-1] > result.history["mlm_accuracy"][0]
    # the total is MLM + NSP
    total = result.history["mlm_loss"][-1] + result.history["nsp_loss"][-1]
    assert result.history["loss"][-1] == pytest.approx(total, rel=1e-3)

    out = tmp_path / "run"
    for name in ("backbone.keras", "pretrainer.weights.h5", "bert_config.json", "vocab.txt"):
        assert (out / name).is_file(), name
    assert PretrainingConfig.load(out / "pretraining_config.json") == config
    tokenizer_config = json.loads((out / "tokenizer_config.json").read_text())
    assert tokenizer_config["lower_case"] is tokenizer_config["do_lower_case"] is True
    backbone = keras.saving.load_model(out / "backbone.keras")
    ids = np.array([[101, 7592, 2088, 102]], "int32")
    inputs = {"input_word_ids": ids, "input_mask": np.ones_like(ids), "input_type_ids": 0 * ids}
    np.testing.assert_allclose(
        np.asarray(backbone(inputs)["sequence_output"]),
        np.asarray(result.model.backbone(inputs)["sequence_output"]),
        atol=1e-5,
    )
