"""`PretrainingConfig`: everything one `run_pretraining` call needs, as a dataclass.

Example:
    >>> config = PretrainingConfig(train_data="data/*.tfrecord", output_dir="run", batch_size=32)
    >>> PretrainingConfig.from_dict(config.to_dict()) == config
    True
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from bert_tf.config import PRESETS, option

MIXED_PRECISION = {"none": "float32", "bf16": "mixed_bfloat16", "fp16": "mixed_float16"}
STRATEGIES = ("default", "one_device", "mirrored", "multi_worker_mirrored", "tpu")  # see strategy


@dataclasses.dataclass(frozen=True)
class PretrainingConfig:
    """Settings of a BERT pre-training run (masked LM + next sentence prediction).

    Steps count optimizer updates; with gradient accumulation each is
    `gradient_accumulation_steps` batches. `batch_size` is the global batch (all replicas).
    """

    train_data: str  # glob pattern(s) of pre-training TFRecords, comma-separated for several
    output_dir: str  # checkpoints/, logs/, the final backbone and the configs go here
    preset: str = option("bert_tiny", "BertConfig preset (unless --config or --init says)",
                         choices=tuple(sorted(PRESETS)))  # fmt: skip
    bert_config: str | None = None  # bert_config.json / config.json (google, HF or BertConfig)
    config_overrides: dict[str, Any] = dataclasses.field(default_factory=dict)  # e.g. dropout
    vocab: str | None = option(None, "vocab.txt: sets vocab_size, saved with the model")
    lower_case: bool = True  # recorded with the vocab (tokenizer_config.json do_lower_case)
    init: str | None = option(None, "warm start: any checkpoint format bert-tf convert reads")
    max_seq_length: int = option(128, "sequence length the TFRecords were written with")
    max_predictions_per_seq: int = option(20, "masked positions per sequence in the TFRecords")
    batch_size: int = option(32, "global batch size (all replicas)")
    num_train_steps: int = option(1000, "optimizer updates of the whole run")
    num_warmup_steps: int | None = option(None, "linear warm-up updates (default: the ratio)")
    warmup_ratio: float = option(0.1, "warm-up fraction of the run without --num-warmup-steps")
    steps_per_epoch: int | None = option(None, "updates per Keras epoch (default min(1000, all))")
    learning_rate: float = option(1e-4, "peak learning rate")
    optimizer: str = option("adamw", "optimizer", choices=("adamw", "lamb"))
    weight_decay: float = option(0.01, "decoupled weight decay (not LayerNorm or biases)")
    clipnorm: float | None = option(1.0, "global gradient norm clip (0: off)")
    gradient_accumulation_steps: int = option(1, "batches per optimizer update")
    mixed_precision: str = option(
        "none", "bf16 or fp16 (fp16 adds loss scaling)", choices=tuple(MIXED_PRECISION)
    )
    jit_compile: bool | None = None  # XLA; None = Keras' rule (on for GPU/TPU/JAX, off for TF CPU)
    steps_per_execution: int = option(1, "batches per tf.function call (TPU: more)")
    strategy: str = option("default", "tf.distribute strategy", choices=STRATEGIES)
    tpu_address: str | None = None  # for strategy="tpu"
    checkpoint_every: int = option(1000, "updates between checkpoints (0: only at the end)")
    keep_checkpoints: int = option(3, "newest checkpoint files kept")
    log_every: int = option(100, "updates between TensorBoard writes")
    shuffle: bool = True  # shuffle files and examples (resume then re-shuffles, see run)
    shuffle_buffer: int = option(10_000, "examples in the shuffle buffer")
    seed: int = option(12345, "weight init, dropout and shuffle seed")
    verbose: int = 1  # Keras fit verbosity: 1 progress bar, 2 one line per epoch, 0 silent

    def __post_init__(self) -> None:
        positive = (
            "batch_size",
            "num_train_steps",
            "max_seq_length",
            "max_predictions_per_seq",
            "gradient_accumulation_steps",
            "steps_per_execution",
            "keep_checkpoints",
            "log_every",
        )
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ValueError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if self.num_warmup_steps is not None and not (
            0 <= self.num_warmup_steps <= self.num_train_steps
        ):
            raise ValueError(
                f"num_warmup_steps must be in [0, num_train_steps={self.num_train_steps}], "
                f"got {self.num_warmup_steps}"
            )
        if self.steps_per_epoch is not None and self.steps_per_epoch < 1:
            raise ValueError(f"steps_per_epoch must be >= 1, got {self.steps_per_epoch}")
        if self.checkpoint_every < 0:
            raise ValueError(f"checkpoint_every must be >= 0, got {self.checkpoint_every}")
        if self.mixed_precision not in MIXED_PRECISION:
            raise ValueError(
                f"mixed_precision must be one of {', '.join(MIXED_PRECISION)}, "
                f"got {self.mixed_precision!r}"
            )
        if self.max_predictions_per_seq > self.max_seq_length:
            raise ValueError(
                f"max_predictions_per_seq={self.max_predictions_per_seq} exceeds "
                f"max_seq_length={self.max_seq_length}"
            )

    @property
    def warmup_steps(self) -> int:
        """Warm-up updates: `num_warmup_steps`, else `warmup_ratio` of `num_train_steps`."""
        if self.num_warmup_steps is not None:
            return self.num_warmup_steps
        return int(self.warmup_ratio * self.num_train_steps)

    @property
    def dtype_policy(self) -> str:
        """The Keras dtype policy name of `mixed_precision`."""
        return MIXED_PRECISION[self.mixed_precision]

    @property
    def train_files(self) -> list[str]:
        """`train_data` split on commas into glob patterns."""
        return [part.strip() for part in self.train_data.split(",") if part.strip()]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> PretrainingConfig:
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown PretrainingConfig fields: {', '.join(unknown)}")
        return cls(**values)

    def save(self, path: str | os.PathLike) -> None:
        """Write the config as JSON (`pretraining_config.json` in a run's output_dir)."""
        from bert_tf import storage

        storage.write_text(path, json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> PretrainingConfig:
        from bert_tf import storage

        return cls.from_dict(json.loads(storage.read_text(path)))
