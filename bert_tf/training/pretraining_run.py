"""`run_pretraining`: BERT pre-training (masked LM + NSP) from TFRecords, resumable.

Example:
    >>> from bert_tf.training.pretraining_run import PretrainingConfig, run_pretraining
    >>> result = run_pretraining(PretrainingConfig(
    ...     train_data="data/pretraining-*", output_dir="run", preset="bert_tiny",
    ...     vocab="vocab.txt", batch_size=32, num_train_steps=10_000, num_warmup_steps=100,
    ...     checkpoint_every=1000))  # doctest: +SKIP
    >>> result.final_step, result.backbone_path  # doctest: +SKIP
    (10000, 'run/backbone.keras')
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf

from bert_tf import storage
from bert_tf.checkpoints.config_json import read_config_json
from bert_tf.config import BertConfig
from bert_tf.data.pretraining.reader import read_pretraining_dataset
from bert_tf.models import BertBackbone, BertPretrainer
from bert_tf.training.callbacks import StepCheckpoint, TrainingLogger
from bert_tf.training.optimizers import create_optimizer
from bert_tf.training.precision_hardware import warn_if_emulated
from bert_tf.training.pretraining_config import PretrainingConfig
from bert_tf.training.strategy import create_strategy, is_chief
from bert_tf.training.warm_start import copy_initial_weights, load_initial_checkpoint

__all__ = ["PretrainingConfig", "PretrainingResult", "run_pretraining"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class PretrainingResult:
    """What `run_pretraining` did.

    Attributes:
        model: the trained `BertPretrainer` (float32 weights; its backbone is `model.backbone`).
        history: per-epoch logs (loss, mlm_loss, nsp_loss, mlm_accuracy, nsp_accuracy).
        initial_step: the optimizer step the run started at (> 0 when it resumed).
        final_step: the optimizer step it ended at (= num_train_steps).
        backbone_path: the saved `backbone.keras` (a local path or URL).
    """

    model: Any
    history: dict[str, list[float]]
    initial_step: int
    final_step: int
    backbone_path: str


def _read_bert_config(path: str) -> BertConfig:
    """A BertConfig JSON (our field names) or a google/HF bert_config.json."""
    values = json.loads(storage.read_text(path))
    if "num_layers" in values:  # BertConfig.to_json
        return BertConfig.from_dict(values)
    return read_config_json(path)


def _count_vocab(path: str) -> int:
    return sum(1 for line in storage.read_text(path).splitlines() if line)


def _model_config(config: PretrainingConfig, initial: Any) -> BertConfig:
    if initial is not None:
        base = initial.config
    elif config.bert_config:
        base = _read_bert_config(config.bert_config)
    else:
        base = BertConfig.from_preset(config.preset)
    overrides = dict(config.config_overrides)
    if config.vocab:
        size = _count_vocab(config.vocab)
        if initial is not None and size != base.vocab_size:
            raise ValueError(
                f"{config.vocab} has {size} tokens but the warm-start checkpoint has "
                f"vocab_size={base.vocab_size}"
            )
        overrides.setdefault("vocab_size", size)
    model_config = base.replace(**overrides)
    if model_config.max_position_embeddings < config.max_seq_length:
        raise ValueError(
            f"max_seq_length={config.max_seq_length} exceeds the model's "
            f"max_position_embeddings={model_config.max_position_embeddings}"
        )
    return model_config


def fit_segments(start: int, total: int, steps_per_epoch: int) -> list[tuple[int, int, int, int]]:
    """The `fit` calls that run batches [start, total) in epochs of `steps_per_epoch` batches,
    as (first batch, initial_epoch, epochs, steps_per_epoch): a partial epoch first when
    resuming mid-epoch, then the whole epochs, then a partial last one.

    Example:
        >>> fit_segments(25, 100, 10)
        [(25, 2, 3, 5), (30, 3, 10, 10)]
    """
    segments = []
    while start < total:
        epoch, offset = divmod(start, steps_per_epoch)
        if offset == 0 and total - start >= steps_per_epoch:
            whole = (total - start) // steps_per_epoch
            segments.append((start, epoch, epoch + whole, steps_per_epoch))
            start += whole * steps_per_epoch
        else:
            steps = min(steps_per_epoch - offset, total - start)
            segments.append((start, epoch, epoch + 1, steps))
            start += steps
    return segments


def _dataset(config: PretrainingConfig, start_batch: int, strategy: Any = None) -> Any:
    """The training stream from batch `start_batch` on. Unshuffled data is skipped exactly to
    that batch; shuffled data (whose file interleave is not deterministic) is re-shuffled with
    the seed offset by `start_batch`, so a resumed run sees a fresh order rather than the
    exact continuation.

    Under MultiWorkerMirroredStrategy every worker reads the same global-batch stream (the
    same seed and a fixed interleave order) and keeps its replicas' slices of each batch, so
    a step trains on the global batch a single process would, whatever the number of files.
    """
    if strategy is not None and strategy.extended._in_multi_worker_mode():
        return strategy.distribute_datasets_from_function(
            lambda context: _worker_slices(config, start_batch, context)
        )
    return _global_batches(config, start_batch)


def _worker_slices(config: PretrainingConfig, start_batch: int, context: Any) -> Any:
    """This input pipeline's rows of every global batch, as per-replica batches."""
    per_replica = context.get_per_replica_batch_size(config.batch_size)
    local = per_replica * (context.num_replicas_in_sync // context.num_input_pipelines)
    first = context.input_pipeline_id * local

    def keep(x: Any, y: Any) -> Any:
        return tf.nest.map_structure(lambda t: t[first : first + local], (x, y))

    batches = _global_batches(config, start_batch, deterministic=True).map(keep)
    return batches.rebatch(per_replica)


def _global_batches(
    config: PretrainingConfig, start_batch: int, deterministic: bool | None = None
) -> tf.data.Dataset:
    dataset = read_pretraining_dataset(
        config.train_files,
        config.batch_size,
        config.max_seq_length,
        config.max_predictions_per_seq,
        shuffle=config.shuffle,
        shuffle_buffer=config.shuffle_buffer,
        seed=config.seed + start_batch if config.shuffle else None,
        repeat=True,
        deterministic=deterministic,
    )
    if not config.shuffle and start_batch:
        dataset = dataset.skip(start_batch)
    return dataset


def _build(config: PretrainingConfig, model_config: BertConfig, initial: Any) -> BertPretrainer:
    backbone = BertBackbone(model_config, dtype=config.dtype_policy)
    pretrainer = BertPretrainer(backbone)
    if initial is not None:
        copied = copy_initial_weights(initial, pretrainer)
        logger.info("warm start from %s: %s", initial.source, ", ".join(copied))
    optimizer = create_optimizer(
        config.learning_rate,
        num_train_steps=config.num_train_steps,
        num_warmup_steps=config.warmup_steps,
        weight_decay=config.weight_decay,
        optimizer=config.optimizer,
        clipnorm=config.clipnorm,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
    )
    if config.mixed_precision == "fp16":
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    pretrainer.compile(
        optimizer,
        jit_compile="auto" if config.jit_compile is None else config.jit_compile,
        steps_per_execution=config.steps_per_execution,
    )
    return pretrainer


def _warn_about_changes(config: PretrainingConfig, saved_path: str) -> None:
    """Log the settings that differ from an earlier run in the same output_dir (a resumed
    run normally keeps them; a longer num_train_steps is a legitimate change)."""
    if not storage.isfile(saved_path):
        return
    try:
        saved = json.loads(storage.read_text(saved_path))
    except json.JSONDecodeError:
        return
    changed = sorted(k for k, v in config.to_dict().items() if k in saved and saved[k] != v)
    if changed:
        logger.warning("%s: settings changed since the last run: %s", saved_path, changed)


def _save_outputs(config: PretrainingConfig, pretrainer: BertPretrainer, out: str) -> Any:
    """Write the float32 backbone (.keras), the pre-trainer weights, configs and vocab."""
    model_config = pretrainer.backbone.config
    final = BertPretrainer(BertBackbone(model_config, dtype="float32"))
    final.set_weights(pretrainer.get_weights())
    final.backbone.save(storage.join(out, "backbone.keras"))
    final.save_weights(storage.join(out, "pretrainer.weights.h5"))
    storage.write_text(storage.join(out, "bert_config.json"), model_config.to_json() + "\n")
    if config.vocab:
        from bert_tf.text.bert_tokenizer import DEFAULT_MAX_CHARS_PER_WORD
        from bert_tf.text.tokenizer_settings import TokenizerSettings

        settings = TokenizerSettings(  # create-pretraining-data's word limit
            lower_case=config.lower_case, max_chars_per_word=DEFAULT_MAX_CHARS_PER_WORD
        )
        settings.write(out, vocab_source=config.vocab)
    return final


def run_pretraining(
    config: PretrainingConfig, callbacks: Sequence[keras.callbacks.Callback] = ()
) -> PretrainingResult:
    """Pre-train (or continue pre-training) a BERT model on TFRecords; resumes by itself.

    When `output_dir/checkpoints` holds a checkpoint of an earlier, interrupted run of this
    config, training restarts at its step with its weights and optimizer state (iterations,
    moments, loss scale); a finished run returns at once. The data position is restored
    exactly for unshuffled data (batches are skipped) and approximately for shuffled data
    (a fresh shuffle, seeded by the step). With fp16, batches whose gradients overflow are
    skipped by loss scaling and do not count as steps, so the final step can fall short of
    `num_train_steps` by the number of skipped batches.

    Writes `pretraining_config.json`, `checkpoints/`, TensorBoard logs under `logs/train`
    and, at the end, `backbone.keras`, `pretrainer.weights.h5`, `bert_config.json` and the
    vocab with its tokenizer config.

    Args:
        config: the run's settings.
        callbacks: extra Keras callbacks for `fit`.

    Returns:
        A `PretrainingResult`.
    """
    out = str(config.output_dir)
    checkpoints = storage.join(out, "checkpoints")
    strategy = create_strategy(config.strategy, tpu_address=config.tpu_address)
    chief = is_chief(strategy)  # only the chief writes configs, checkpoints and outputs
    warn_if_emulated(config.dtype_policy)
    if chief:
        storage.makedirs(out)
        _warn_about_changes(config, storage.join(out, "pretraining_config.json"))
        config.save(storage.join(out, "pretraining_config.json"))
    keras.utils.set_random_seed(config.seed)
    initial = None
    if config.init:  # a .weights.h5 file needs the architecture from bert_config / preset
        architecture = _model_config(config, None) if config.init.endswith(".weights.h5") else None
        initial = load_initial_checkpoint(config.init, config.bert_config, architecture)
    model_config = _model_config(config, initial)
    with strategy.scope():
        pretrainer = _build(config, model_config, initial)
        start = StepCheckpoint.restore_latest(pretrainer, checkpoints)
    if start:
        logger.info("resuming at step %d from %s", start, checkpoints)
    accumulation = config.gradient_accumulation_steps
    steps_per_epoch = config.steps_per_epoch or min(1000, config.num_train_steps)
    all_callbacks = [
        StepCheckpoint(checkpoints, config.checkpoint_every, config.keep_checkpoints, chief),
        TrainingLogger(
            storage.join(out, "logs", "train"), config.batch_size, config.log_every, chief
        ),
        *callbacks,
    ]
    history: dict[str, list[float]] = {}
    segments = fit_segments(
        start * accumulation,
        config.num_train_steps * accumulation,
        steps_per_epoch * accumulation,
    )
    for first_batch, initial_epoch, epochs, steps in segments:
        fitted = pretrainer.fit(
            _dataset(config, first_batch, strategy),
            initial_epoch=initial_epoch,
            epochs=epochs,
            steps_per_epoch=steps,
            callbacks=all_callbacks,
            verbose=config.verbose,
        )
        for key, values in fitted.history.items():
            history.setdefault(key, []).extend(float(v) for v in values)
    final = _save_outputs(config, pretrainer, out) if chief else pretrainer
    final_step = int(keras.ops.convert_to_numpy(pretrainer.optimizer.iterations))
    return PretrainingResult(final, history, start, final_step, storage.join(out, "backbone.keras"))
