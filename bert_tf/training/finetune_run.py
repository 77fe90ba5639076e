"""Fine-tuning run: a task file pair + an initial model -> the best model by the dev metric.

`run_finetuning` reads the task's train/dev files, builds (windowed) features, writes the
training features once to a TFRecord cache in `output_dir` and streams them through a shuffle
buffer, puts the task head on the backbone (all parameters train, or with `freeze_encoder`
only a head on frozen features) under the chosen distribution strategy and precision, trains
with BERT's AdamW + linear warm-up/decay, scores the real task metric on dev after every
epoch (keeping the best model, stopping early on a plateau) and, with `test_file`, scores the
dev-selected model once on held-out data. Only the chief writes into `output_dir`:
`model.keras` (best), `vocab.txt`, `tokenizer_config.json`, `labels.json`,
`task_config.json`, `metrics.json`, the dev predictions, `feature_cache/` and `logs/`.
`output_dir` may be any `tf.io.gfile` URL (`gs://...`), as may the data files and `init`.

Example:
    >>> config = FinetuneConfig(task="glue/mrpc", train_file="MRPC/train.tsv",
    ...                         eval_file="MRPC/dev.tsv", init="uncased_L-12_H-768/",
    ...                         output_dir="runs/mrpc")  # doctest: +SKIP
    >>> result = run_finetuning(config)  # doctest: +SKIP
    >>> result.metrics["f1"], result.best_checkpoint  # doctest: +SKIP
    (0.88, 'runs/mrpc/model.keras')
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import time
from typing import Any

from bert_tf import storage
from bert_tf.training.finetune_config import FinetuneConfig, FinetuneResult

logger = logging.getLogger(__name__)

__all__ = ["FinetuneConfig", "FinetuneResult", "run_finetuning", "tokenizer_lower_case"]


def _in_memory_dataset(task: Any, features: dict, batch_size: int, buffer: int, seed: int):
    """The features as batches of `(x, y)`, through the same shuffle as the cached path (so a
    non-chief worker's in-memory copy yields the chief's order)."""
    import tensorflow as tf

    from bert_tf.models.bert_backbone import INPUT_NAMES

    inputs = {key: features[key] for key in INPUT_NAMES}
    data = tf.data.Dataset.from_tensor_slices((inputs, task.targets(features)))
    data = data.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _shard_by_data(data: Any) -> Any:
    """Multi-worker sharding by element: each worker takes its part of every global batch (a
    single cache file cannot be split by file, and the in-memory copy has no files)."""
    import tensorflow as tf

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return data.with_options(options)


def _train_data(config: FinetuneConfig, task: Any, tokenizer: Any, examples: list) -> tuple:
    """(dataset, number of features): from the feature cache (built on a miss) or memory."""
    from bert_tf.models.bert_backbone import INPUT_NAMES
    from bert_tf.training.feature_cache import FeatureCache, fingerprint

    if not config.cache_features:
        features = task.build_features(tokenizer, examples)
        count = len(features["input_word_ids"])
        buffer = min(config.shuffle_buffer, count)
        return _in_memory_dataset(task, features, config.batch_size, buffer, config.seed), count
    settings = {
        "task": task.get_config(),
        "vocab": getattr(tokenizer, "vocab_sha256", None) or tokenizer.vocab_size,
        "lower_case": getattr(tokenizer, "lower_case", None),
    }
    cache = FeatureCache(
        storage.join(config.output_dir, "feature_cache"),
        "train",
        fingerprint([config.train_file], settings),
    )
    if cache.meta is None:
        features = task.build_features(tokenizer, examples)
        inputs = {key: features[key] for key in INPUT_NAMES}
        cache.write(inputs, task.targets(features))
    else:
        logger.info("reusing the feature cache %s", cache.records)
    count = cache.count
    buffer = min(config.shuffle_buffer, count)
    return cache.dataset(config.batch_size, buffer, config.seed), count


def _score(task: Any, model: Any, path: str, tokenizer: Any, batch_size: int) -> dict:
    examples = task.read(path)
    if not examples or not task.is_labelled(examples):
        raise ValueError(f"{path}: the test file needs labelled examples to be scored")
    features = task.build_features(tokenizer, examples)
    predictions = task.predict(model, examples, features, batch_size)
    return {key: float(value) for key, value in task.metrics(examples, predictions).items()}


def run_finetuning(config: FinetuneConfig) -> FinetuneResult:
    """Fine-tunes `config.init` on `config.task`; see the module docstring for the outputs.

    Args:
        config: the run settings.

    Returns:
        A `FinetuneResult` with the best model's dev (and test) metrics and checkpoint path.

    Example:
        >>> run_finetuning(FinetuneConfig("csv", "train.csv", "dev.csv", "bert_tiny", "out",
        ...                               vocab="vocab.txt")).metrics  # doctest: +SKIP
        {'accuracy': 0.61}
    """
    import keras

    from bert_tf.tasks.model_bundle import MODEL_FILE, ModelBundle
    from bert_tf.tasks.model_sources import load_backbone
    from bert_tf.text.sequence_length import check_sequence_length
    from bert_tf.text.tokenizer_settings import TokenizerSettings
    from bert_tf.training.callbacks.dev_metric_callback import DevMetricCallback
    from bert_tf.training.optimizers import create_optimizer
    from bert_tf.training.precision_hardware import warn_if_emulated
    from bert_tf.training.strategy import create_strategy, is_chief

    start = time.perf_counter()
    out = str(config.output_dir)
    strategy = create_strategy(config.strategy, tpu_address=config.tpu_address)
    chief = is_chief(strategy)
    if chief:
        storage.makedirs(out)
    keras.utils.set_random_seed(config.seed)

    task = config.make_task()
    train_examples = task.read(config.train_file)
    dev_examples = task.read(config.eval_file)
    if not train_examples or not dev_examples:
        raise ValueError("the train and eval files must both hold examples")
    task.learn_from(train_examples)
    warn_if_emulated(config.dtype_policy)
    previous_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(config.dtype_policy)
    try:
        with strategy.scope():
            backbone, tokenizer, vocab_file = load_backbone(
                config.init, config.vocab, config.lower_case, **config.config_overrides
            )
            check_sequence_length(
                task.max_seq_length, backbone.config.max_position_embeddings, "max_seq_length"
            )
            model = task.build_model(backbone, config.dropout)
    finally:
        keras.config.set_dtype_policy(previous_policy)
    if not chief:  # the cache is the chief's; the others build their features in memory
        config = dataclasses.replace(config, cache_features=False)
    train_data, count = _train_data(config, task, tokenizer, train_examples)
    train_data = _shard_by_data(train_data)
    dev_features = task.build_features(tokenizer, dev_examples)
    logger.info("%s: %d train examples (%d features), %d dev examples", config.task,
                len(train_examples), count, len(dev_examples))  # fmt: skip

    steps = math.ceil(count / config.batch_size) * config.epochs
    with strategy.scope():
        optimizer = create_optimizer(
            config.learning_rate,
            num_train_steps=steps,
            num_warmup_steps=int(config.warmup_ratio * steps),
            weight_decay=config.weight_decay,
        )
        task.compile(model, optimizer)
    best_path = storage.join(out, MODEL_FILE)
    dev_callback = DevMetricCallback(
        task, dev_examples, dev_features, best_path, config.early_stopping_patience,
        batch_size=max(config.batch_size, 32), save=chief,
    )  # fmt: skip
    callbacks = [dev_callback]
    if chief:
        callbacks.append(keras.callbacks.TensorBoard(storage.join(out, "logs")))
    fitted = model.fit(train_data, epochs=config.epochs, callbacks=callbacks,
                       verbose=config.verbose)  # fmt: skip

    metrics, test_metrics = dev_callback.best_metrics, None
    train_loss = [float(v) for v in fitted.history.get("loss", [])]
    if config.test_file and chief:
        best = keras.saving.load_model(best_path, compile=False)
        test_metrics = _score(task, best, config.test_file, tokenizer, max(config.batch_size, 32))
    if chief:
        run = {"finetune": dataclasses.asdict(config), "best_epoch": dev_callback.best_epoch}
        settings = TokenizerSettings.from_tokenizer(  # every option the tokenizer has
            tokenizer, lower_case=tokenizer_lower_case(tokenizer, config)
        )
        ModelBundle.write_files(out, task, settings, vocab_file, run)
        task.write_predictions(out, dev_examples, dev_callback.best_predictions)
        summary = {
            "task": config.task,
            "eval_file": config.eval_file,
            "selected_on": {"split": "dev", "file": config.eval_file},
            "measured_on": {
                "split": "test" if test_metrics is not None else "dev",
                "file": config.test_file if test_metrics is not None else config.eval_file,
            },
            "metrics": test_metrics if test_metrics is not None else metrics,
            "dev_metrics": metrics,
            "test_metrics": test_metrics,
            "best_epoch": dev_callback.best_epoch,
            "history": dev_callback.history,
            "train_loss": train_loss,
        }
        storage.write_text(storage.join(out, "metrics.json"), json.dumps(summary, indent=2) + "\n")
    return FinetuneResult(
        metrics=metrics,
        best_checkpoint=best_path,
        best_epoch=int(dev_callback.best_epoch or 0),
        history=dev_callback.history,
        output_dir=out,
        seconds=time.perf_counter() - start,
        test_metrics=test_metrics,
        train_loss=train_loss,
    )


def tokenizer_lower_case(tokenizer: Any, config: FinetuneConfig) -> bool:
    """The tokenizer's casing (its own setting when it reports one)."""
    value = getattr(tokenizer, "lower_case", None)
    return config.lower_case if value is None else bool(value)
