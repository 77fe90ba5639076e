"""Settings and results of a fine-tuning run (`run_finetuning`).

Example:
    >>> FinetuneConfig("csv", "train.csv", "dev.csv", "bert_tiny", "out").precision
    'float32'
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from bert_tf.training.pretraining_config import MIXED_PRECISION

PRECISIONS = tuple(MIXED_PRECISION.values())  # Keras dtype policies


@dataclasses.dataclass
class FinetuneConfig:
    """Settings of one fine-tuning run (defaults: BERT's recommended fine-tuning values)."""

    task: str  # glue/<name>, squad-v1.1, squad-v2.0, conll or csv
    train_file: str  # training file in the task's public format
    eval_file: str  # dev file: picks the best epoch (and gives the metrics without test_file)
    init: str  # preset name, .keras file, HF checkpoint dir, or a previous run's dir
    output_dir: str  # where the model, tokenizer, configs, metrics and logs go
    vocab_file: str | None = None  # WordPiece vocabulary (required with a preset)
    lower_case: bool = True  # tokenizer casing when the init source does not record it
    max_seq_length: int = 128  # tokens per feature (window)
    doc_stride: int = 128  # SQuAD: how far context windows start apart
    max_query_length: int = 64  # SQuAD: question tokens kept
    window_stride: int | None = None  # classification/tagging: windows over long texts
    learning_rate: float = 2e-5  # BERT recommends one of 2e-5, 3e-5, 5e-5
    epochs: int = 3  # BERT recommends 2 to 4
    batch_size: int = 32  # BERT recommends 16 or 32
    warmup_proportion: float = 0.1  # fraction of steps with linear warm-up
    weight_decay: float = 0.01  # decoupled, not on LayerNorm or biases
    early_stopping_patience: int | None = None  # epochs without dev gain before stopping
    freeze_encoder: bool = False  # feature-based: train only a head on frozen features
    feature_layers: list[int] | None = None  # encoder layers to concatenate (frozen only)
    dropout: float = 0.1  # dropout before the task head
    seed: int = 0  # shuffling and head initialization
    verbose: int = 1  # Keras progress bars: 0 none, 1 bar, 2 one line per epoch
    test_file: str | None = None  # held-out file scored once with the dev-selected model
    strategy: str = "default"  # see bert_tf.training.strategy.create_strategy
    tpu_address: str | None = None  # for strategy="tpu"
    precision: str = "float32"  # or "mixed_bfloat16" / "mixed_float16" (with loss scaling)
    cache_features: bool = True  # write train features once as TFRecords and stream them
    shuffle_buffer: int = 10_000  # training examples in the shuffle buffer (cached path)
    config_overrides: dict[str, Any] = dataclasses.field(default_factory=dict)  # preset fields


@dataclasses.dataclass
class FinetuneResult:
    """What a run produced."""

    metrics: dict[str, float]  # dev metrics of the best model
    best_checkpoint: Path  # the saved best model (`.keras`)
    best_epoch: int  # 1-based epoch of the best model
    history: list[dict[str, float]]  # dev metrics after each epoch
    output_dir: Path
    seconds: float
    test_metrics: dict[str, float] | None = None  # the best model on test_file, if given
    train_loss: list[float] = dataclasses.field(default_factory=list)  # mean loss per epoch
