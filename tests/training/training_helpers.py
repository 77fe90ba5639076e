"""Helpers of the training tests (plain functions; fixtures stay in conftest.py)."""

from __future__ import annotations

from pathlib import Path


def tiny_run_config(records: dict, output_dir: Path, **changes):
    """A PretrainingConfig of a tiny model (2 layers, hidden 64) on `pretraining_records`."""
    from bert_tf.training.pretraining_config import PretrainingConfig

    values = dict(
        train_data=records["pattern"],
        output_dir=str(output_dir),
        preset="bert_tiny",
        vocab=records["vocab"],
        config_overrides=dict(
            hidden_size=64, num_heads=2, intermediate_size=128, max_position_embeddings=32
        ),
        max_seq_length=records["max_seq_length"],
        max_predictions_per_seq=records["max_predictions_per_seq"],
        batch_size=16,
        num_train_steps=12,
        num_warmup_steps=2,
        learning_rate=1e-3,
        jit_compile=False,
        verbose=0,
        log_every=2,
    )
    values.update(changes)
    return PretrainingConfig(**values)
