"""Fine-tuning run: a task file pair + an initial model -> the best model by the dev metric.

`run_finetuning` reads the task's train/dev files, builds (windowed) features, puts the task
head on the backbone (all parameters train, or with `freeze_encoder` only a head on frozen
features), trains with BERT's AdamW + linear warm-up/decay, scores the real task metric on dev
after every epoch (keeping the best model, stopping early on a plateau), and writes into
`output_dir`: `model.keras` (best), `vocab.txt`, `tokenizer_config.json`, `labels.json`,
`task_config.json`, `metrics.json`, the dev predictions file and TensorBoard logs (`logs/`).

Example:
    >>> config = FinetuneConfig(task="glue/mrpc", train_file="MRPC/train.tsv",
    ...                         eval_file="MRPC/dev.tsv", init="uncased_L-12_H-768/",
    ...                         output_dir="runs/mrpc")  # doctest: +SKIP
    >>> result = run_finetuning(config)  # doctest: +SKIP
    >>> result.metrics["f1"], result.best_checkpoint  # doctest: +SKIP
    (0.88, PosixPath('runs/mrpc/model.keras'))
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class FinetuneConfig:
    """Settings of one fine-tuning run (defaults: BERT's recommended fine-tuning values)."""

    task: str  # glue/<name>, squad-v1.1, squad-v2.0, conll or csv
    train_file: str  # training file in the task's public format
    eval_file: str  # dev file: picks the best epoch and gives the reported metrics
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


def _task(config: FinetuneConfig) -> Any:
    from bert_tf.tasks import make_task

    settings: dict[str, Any] = {
        "max_seq_length": config.max_seq_length,
        "freeze_encoder": config.freeze_encoder,
        "feature_layers": config.feature_layers,
    }
    if config.task.lower().startswith("squad"):
        settings.update(doc_stride=config.doc_stride, max_query_length=config.max_query_length)
    else:
        settings["stride"] = config.window_stride
    return make_task(config.task, **settings)


def _dataset(task: Any, features: dict, batch_size: int, seed: int) -> Any:
    import tensorflow as tf

    from bert_tf.data.features import MODEL_INPUTS

    inputs = {key: features[key] for key in MODEL_INPUTS}
    count = len(features["input_word_ids"])
    data = tf.data.Dataset.from_tensor_slices((inputs, task.targets(features)))
    data = data.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def run_finetuning(config: FinetuneConfig) -> FinetuneResult:
    """Fine-tunes `config.init` on `config.task`; see the module docstring for the outputs.

    Args:
        config: the run settings.

    Returns:
        A `FinetuneResult` with the best model's dev metrics and checkpoint path.

    Example:
        >>> run_finetuning(FinetuneConfig("csv", "train.csv", "dev.csv", "bert_tiny", "out",
        ...                               vocab_file="vocab.txt")).metrics  # doctest: +SKIP
        {'accuracy': 0.61}
    """
    import keras

    from bert_tf.tasks.model_sources import MODEL_FILE, load_backbone, save_run_files
    from bert_tf.training.callbacks.dev_metric_callback import DevMetricCallback
    from bert_tf.training.optimizers import create_optimizer

    if config.epochs < 1 or config.batch_size < 1:
        raise ValueError("epochs and batch_size must be at least 1")
    if not 0.0 <= config.warmup_proportion < 1.0:
        raise ValueError(f"warmup_proportion must be in [0, 1), got {config.warmup_proportion}")
    start = time.perf_counter()
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(config.seed)

    task = _task(config)
    train_examples = task.read(config.train_file)
    dev_examples = task.read(config.eval_file)
    if not train_examples or not dev_examples:
        raise ValueError("the train and eval files must both hold examples")
    task.learn_labels(train_examples)
    backbone, tokenizer, vocab_file = load_backbone(
        config.init, config.vocab_file, config.lower_case, **config.config_overrides
    )
    train_features = task.build_features(tokenizer, train_examples)
    dev_features = task.build_features(tokenizer, dev_examples)
    count = len(train_features["input_word_ids"])
    logger.info(
        "%s: %d train examples (%d features), %d dev examples",
        config.task,
        len(train_examples),
        count,
        len(dev_examples),
    )

    model = task.build_model(backbone, config.dropout)
    steps = math.ceil(count / config.batch_size) * config.epochs
    optimizer = create_optimizer(
        config.learning_rate,
        num_train_steps=steps,
        num_warmup_steps=int(config.warmup_proportion * steps),
        weight_decay=config.weight_decay,
    )
    task.compile(model, optimizer)
    best_path = out / MODEL_FILE
    dev_callback = DevMetricCallback(
        task,
        dev_examples,
        dev_features,
        best_path,
        config.early_stopping_patience,
        batch_size=max(config.batch_size, 32),
    )
    callbacks = [dev_callback, keras.callbacks.TensorBoard(str(out / "logs"))]
    model.fit(
        _dataset(task, train_features, config.batch_size, config.seed),
        epochs=config.epochs,
        callbacks=callbacks,
        verbose=config.verbose,
    )

    extra = {"finetune": dataclasses.asdict(config), "best_epoch": dev_callback.best_epoch}
    save_run_files(out, vocab_file, tokenizer_lower_case(tokenizer, config), task, extra)
    predictions, metrics = dev_callback.best_predictions, dev_callback.best_metrics
    task.write_predictions(out, dev_examples, predictions)
    summary = {
        "task": config.task,
        "eval_file": config.eval_file,
        "metrics": metrics,
        "best_epoch": dev_callback.best_epoch,
        "history": dev_callback.history,
    }
    (out / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return FinetuneResult(
        metrics=metrics,
        best_checkpoint=best_path,
        best_epoch=int(dev_callback.best_epoch or 0),
        history=dev_callback.history,
        output_dir=out,
        seconds=time.perf_counter() - start,
    )


def tokenizer_lower_case(tokenizer: Any, config: FinetuneConfig) -> bool:
    """The tokenizer's casing (its own setting when it reports one)."""
    value = getattr(tokenizer, "lower_case", None)
    return config.lower_case if value is None else bool(value)
