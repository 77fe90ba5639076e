"""Settings and results of a fine-tuning run (`run_finetuning`).

The config is frozen and checked when built. What belongs to the task's shape (SQuAD's
`doc_stride`, a classifier's `stride`, ...) goes in `task_options`: the shape's own config
(`bert_tf.tasks`) validates it, so this class carries no single shape's settings.

Example:
    >>> config = FinetuneConfig("squad-v1.1", "train.json", "dev.json", "bert_tiny", "out",
    ...                         task_options={"doc_stride": 64})
    >>> config.dtype_policy, config.task_options["doc_stride"]
    ('float32', 64)
    >>> FinetuneConfig("csv", "t.csv", "d.csv", "bert_tiny", "out", epochs=0)
    Traceback (most recent call last):
    ValueError: epochs must be at least 1, got 0
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bert_tf.config import option
from bert_tf.training.pretraining_config import MIXED_PRECISION, STRATEGIES

PRECISIONS = tuple(MIXED_PRECISION)  # "none", "bf16", "fp16"


@dataclasses.dataclass(frozen=True)
class FinetuneConfig:
    """Settings of one fine-tuning run (defaults: BERT's recommended fine-tuning values)."""

    task: str  # a registered task name (`bert_tf.tasks.task_names()`): glue/<name>, csv, ...
    train_file: str  # training file in the task's public format
    eval_file: str  # dev file: picks the best epoch (and gives the metrics without test_file)
    init: str  # a preset (random weights) or a checkpoint in any format bert-tf reads
    output_dir: str  # where the model, tokenizer, configs, metrics and logs go
    vocab: str | None = option(None, "WordPiece vocab.txt (required with a preset)")
    lower_case: bool = True  # tokenizer casing when the init source does not record it
    max_seq_length: int | None = option(None, "tokens per feature (default: the task's own)")
    task_options: dict[str, Any] = dataclasses.field(default_factory=dict)  # the shape's own
    learning_rate: float = option(2e-5, "peak learning rate (BERT: 2e-5, 3e-5 or 5e-5)")
    epochs: int = option(3, "training epochs (BERT: 2 to 4)")
    batch_size: int = option(32, "global batch size (BERT: 16 or 32)")
    warmup_ratio: float = option(0.1, "fraction of the steps with linear warm-up")
    weight_decay: float = option(0.01, "decoupled AdamW weight decay (not LayerNorm or biases)")
    early_stopping_patience: int | None = option(None, "epochs without dev gain before stopping")
    freeze_encoder: bool = False  # feature-based: train only a head on frozen features
    feature_layers: list[int] | None = None  # encoder layers to concatenate (frozen only)
    dropout: float = option(0.1, "dropout before the task head")
    seed: int = option(0, "shuffling and head initialization seed")
    verbose: int = 1  # Keras progress bars: 0 none, 1 bar, 2 one line per epoch
    test_file: str | None = None  # held-out file scored once with the dev-selected model
    strategy: str = option("default", "tf.distribute strategy", choices=STRATEGIES)
    tpu_address: str | None = None  # for strategy="tpu"
    mixed_precision: str = option(
        "none", "bf16 or fp16 (fp16 adds loss scaling), as in pretrain", choices=PRECISIONS
    )
    cache_features: bool = True  # write train features once as TFRecords and stream them
    shuffle_buffer: int = option(10_000, "training examples in the shuffle buffer")
    config_overrides: dict[str, Any] = dataclasses.field(default_factory=dict)  # preset fields

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ValueError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if self.mixed_precision not in MIXED_PRECISION:
            raise ValueError(
                f"mixed_precision must be one of {', '.join(MIXED_PRECISION)}, "
                f"got {self.mixed_precision!r}"
            )
        if not self.make_task().fine_tunes:  # the task and its options are checked now
            raise ValueError(
                f"task {self.task!r} is served from a pre-trained encoder, not fine-tuned"
            )

    @property
    def dtype_policy(self) -> str:
        """The Keras dtype policy of `mixed_precision`."""
        return MIXED_PRECISION[self.mixed_precision]

    def make_task(self) -> Any:
        """The run's task shape, configured from this config."""
        from bert_tf.tasks import make_task

        common: dict[str, Any] = {
            "freeze_encoder": self.freeze_encoder,
            "feature_layers": self.feature_layers,
        }
        if self.max_seq_length is not None:
            common["max_seq_length"] = self.max_seq_length
        return make_task(self.task, **common, **self.task_options)


@dataclasses.dataclass
class FinetuneResult:
    """What a run produced."""

    metrics: dict[str, float]  # dev metrics of the best model
    best_checkpoint: str  # the saved best model (`.keras`)
    best_epoch: int  # 1-based epoch of the best model
    history: list[dict[str, float]]  # dev metrics after each epoch
    output_dir: str
    seconds: float
    test_metrics: dict[str, float] | None = None  # the best model on test_file, if given
    train_loss: list[float] = dataclasses.field(default_factory=list)  # mean loss per epoch
