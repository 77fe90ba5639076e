"""`compress_run`: a fine-tuning run directory -> a compressed run directory, scored.

It loads the run (`ModelBundle`: task model, tokenizer, task config), then by `method`:

- "distill": trains a student of `num_layers` (default: half the teacher's) and optional
  `hidden_size` on the train file (features and targets exactly as fine-tuning builds
  them) with `bert_tf.compression.distillation.distill`;
- "int8": quantizes the teacher's encoder Dense layers (`quantize_int8`);
- "distill+int8": both, the student quantized.

Teacher and compressed model are scored on the eval file with the task's official metrics
(`task.predict` + `task.metrics`, as `bert-tf finetune` scores dev). `output_dir` becomes a
run directory `bert-tf export` / `export_finetuned` reads (`model.keras`, `vocab.txt`,
`tokenizer_config.json`, `task_config.json` with the compression under "run", `labels.json`,
`metrics.json`, the eval predictions) plus `compression_summary.json`:
{method, task, teacher: {metrics, parameters, weight_bytes}, student: {...}, drop,
main_metric, logit_gap, ...}. An int8 model cannot be saved as `model.keras` (see
`quantization`), so `model.keras` holds the float model and "quantization": "int8" is
recorded; `load_compressed` / `export_compressed` quantize again on load (bit for bit the
same int8 weights), and `export_dir` writes that SavedModel right away.

Example:
    >>> result = compress_run("runs/mrpc", "MRPC/train.tsv", "MRPC/dev.tsv",
    ...                       "runs/mrpc-small", method="distill", num_layers=6,
    ...                       temperature=2.0, alpha=0.5)  # doctest: +SKIP
    >>> result.summary["drop"]["f1"], result.summary["student"]["parameters"]  # doctest: +SKIP
    (0.012, 67000000)
    >>> export_compressed("runs/mrpc-small", "models/mrpc-small/1")  # doctest: +SKIP
    PosixPath('models/mrpc-small/1')
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from bert_tf import storage
from bert_tf.compression.distillation import DistillConfig

logger = logging.getLogger(__name__)

METHODS = ("distill", "int8", "distill+int8")
SUMMARY_FILE = "compression_summary.json"


@dataclasses.dataclass
class CompressionResult:
    """What `compress_run` produced."""

    summary: dict[str, Any]  # the contents of compression_summary.json
    output_dir: str  # the compressed run directory
    model: Any  # the compressed Keras model (int8 when the method quantizes)
    export_dir: str | None = None  # the SavedModel, when `export_dir` was given


def _train_dataset(task: Any, tokenizer: Any, path: str, batch_size: int, seed: int):
    """`(x, y)` batches of the train file, built and shuffled as fine-tuning builds them."""
    import tensorflow as tf

    from bert_tf.models.bert_backbone import INPUT_NAMES

    examples = task.read(path)
    if not examples:
        raise ValueError(f"{path}: no training examples")
    features = task.build_features(tokenizer, examples)
    inputs = {key: features[key] for key in INPUT_NAMES}
    data = tf.data.Dataset.from_tensor_slices((inputs, task.targets(features)))
    data = data.shuffle(len(features["input_word_ids"]), seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _score(task: Any, model: Any, examples: list, features: dict, batch_size: int) -> tuple:
    predictions = task.predict(model, examples, features, batch_size)
    metrics = {key: float(value) for key, value in task.metrics(examples, predictions).items()}
    return metrics, predictions


def _size(model: Any) -> dict[str, Any]:
    from bert_tf.compression.distillation import parameter_count
    from bert_tf.compression.quantization import parameter_bytes, quantized_layers

    backbone = model.backbone.config
    return {
        "parameters": parameter_count(model),
        "weight_bytes": parameter_bytes(model),
        "num_layers": backbone.num_layers,
        "hidden_size": backbone.hidden_size,
        "int8_layers": len(quantized_layers(model)),
    }


def compress_run(
    run_dir: str | os.PathLike,
    train_file: str | os.PathLike | None,
    eval_file: str | os.PathLike,
    output_dir: str | os.PathLike,
    method: str = "distill",
    *,
    num_layers: int | None = None,
    hidden_size: int | None = None,
    student_config: dict[str, Any] | None = None,
    layer_map: str = "every_other",
    distill_config: DistillConfig | None = None,
    batch_size: int = 32,
    seed: int = 0,
    export_dir: str | os.PathLike | None = None,
    **distill_settings: Any,
) -> CompressionResult:
    """Compresses the model of a fine-tuning run and scores it against the teacher.

    Args:
        run_dir: a `bert-tf finetune --output-dir` directory (the teacher).
        train_file: the task's training file (any format the task reads); needed by the
            distilling methods, unused (may be None) for "int8".
        eval_file: the labelled file both models are scored on (the task's dev file).
        output_dir: the compressed run directory to write (created; files replaced).
        method: "distill", "int8" or "distill+int8".
        num_layers: student encoder layers (default: half the teacher's, at least 1).
        hidden_size: student width (default: the teacher's; a narrower student starts from
            random weights, so give it more epochs and `hidden_weight`).
        student_config: other `BertConfig` fields of the student (num_heads,
            intermediate_size, ...).
        layer_map: which teacher layers initialise the student ("every_other", "first",
            "last", "none").
        distill_config: a `DistillConfig` (temperature, alpha, soft_loss, hidden_weight,
            epochs, learning_rate, ...).
        batch_size: training and scoring batch size.
        seed: student initialisation and shuffling seed.
        export_dir: also write the TF Serving SavedModel of the compressed model there.
        distill_settings: `DistillConfig` fields overriding `distill_config`
            (temperature=2.0, alpha=0.5, epochs=3, verbose=0, ...); None values are left
            out, so a command line can pass its unset flags through.

    Returns:
        A `CompressionResult` (its `summary` is `compression_summary.json`).
    """
    import keras

    from bert_tf.compression.distillation import distill, logit_gap
    from bert_tf.compression.quantization import quantize_int8
    from bert_tf.models.bert_backbone import INPUT_NAMES
    from bert_tf.tasks.model_bundle import ModelBundle

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    distilling = method.startswith("distill")
    if distilling and not train_file:
        raise ValueError(f"method {method!r} trains a student: it needs the train file")
    layer_map = layer_map or "every_other"
    batch_size, seed = batch_size or 32, 0 if seed is None else seed
    start = time.perf_counter()
    run_dir, out = os.fspath(run_dir), os.fspath(output_dir)
    bundle = ModelBundle.load(run_dir)
    task, teacher = bundle.task, bundle.model
    tokenizer = bundle.tokenizer()
    eval_examples = task.read(eval_file)
    if not eval_examples or not task.is_labelled(eval_examples):
        raise ValueError(f"{eval_file}: the eval file needs labelled examples to be scored")
    eval_features = task.build_features(tokenizer, eval_examples)
    teacher_metrics, _ = _score(task, teacher, eval_examples, eval_features, batch_size)

    record: dict[str, Any] = {"method": method, "teacher_dir": run_dir}
    float_model = teacher
    if distilling:
        keras.utils.set_random_seed(seed)
        teacher_layers = teacher.backbone.config.num_layers
        shape = {"num_layers": num_layers or max(teacher_layers // 2, 1), **(student_config or {})}
        if hidden_size is not None:
            shape["hidden_size"] = hidden_size
        settings = {key: value for key, value in distill_settings.items() if value is not None}
        config = dataclasses.replace(distill_config or DistillConfig(), **settings)
        data = _train_dataset(task, tokenizer, os.fspath(train_file), batch_size, seed)
        float_model = distill(teacher, shape, data, config, layer_map=layer_map)
        record.update(student=shape, layer_map=layer_map, distill=dataclasses.asdict(config))
    model = quantize_int8(float_model) if method.endswith("int8") else float_model
    if method.endswith("int8"):
        record["quantization"] = "int8"
    metrics, predictions = _score(task, model, eval_examples, eval_features, batch_size)
    inputs = {key: eval_features[key] for key in INPUT_NAMES}
    main = task.main_metric
    summary = {
        "method": method,
        "task": task.name,
        "teacher_dir": run_dir,
        "train_file": None if train_file is None else os.fspath(train_file),
        "eval_file": os.fspath(eval_file),
        "main_metric": main,
        "teacher": {"metrics": teacher_metrics, **_size(teacher)},
        "student": {"metrics": metrics, **_size(model)},
        "drop": {key: teacher_metrics[key] - metrics[key] for key in teacher_metrics},
        "logit_gap": logit_gap(teacher, model, inputs, batch_size),  # mean |teacher - student|
        "compression": record,
        "seconds": time.perf_counter() - start,
    }
    storage.makedirs(out)
    ModelBundle(float_model, task, bundle.tokenizer_settings, run_dir).save(out, run=record)
    task.write_predictions(out, eval_examples, predictions)
    metrics_json = {"task": task.name, "eval_file": summary["eval_file"], "metrics": metrics,
                    "dev_metrics": metrics, "teacher_metrics": teacher_metrics}  # fmt: skip
    storage.write_text(storage.join(out, "metrics.json"), json.dumps(metrics_json, indent=2) + "\n")
    storage.write_text(storage.join(out, SUMMARY_FILE), json.dumps(summary, indent=2) + "\n")
    before, after = teacher_metrics.get(main, float("nan")), metrics.get(main, float("nan"))
    logger.info("%s %s: %s %.4f -> %.4f", task.name, method, main, before, after)
    exported = None
    if export_dir is not None:
        exported = str(_export(model, bundle, export_dir))
    return CompressionResult(summary, out, model, exported)


def load_compressed(directory: str | os.PathLike) -> Any:
    """The `ModelBundle` of a `compress_run` directory, its model int8 again when recorded."""
    from bert_tf.compression.quantization import quantize_int8
    from bert_tf.tasks.model_bundle import TASK_CONFIG_FILE, ModelBundle

    bundle = ModelBundle.load(directory)
    config = json.loads(storage.read_text(storage.join(os.fspath(directory), TASK_CONFIG_FILE)))
    if config.get("run", {}).get("quantization") == "int8":
        bundle.model = quantize_int8(bundle.model, in_place=True)
    return bundle


def _export(model: Any, bundle: Any, export_dir: str | os.PathLike, **options: Any) -> Path | str:
    from bert_tf.export.exporter import export_for_serving

    task = bundle.task
    return export_for_serving(
        model,
        bundle.preprocessor(),
        export_dir,
        task.served_task,
        task.labels or None,
        pair=task.pair,
        **options,
        **task.serving_settings(),
    )


def export_compressed(
    directory: str | os.PathLike, export_dir: str | os.PathLike, **options: Any
) -> Path | str:
    """`export_finetuned` for a `compress_run` directory: the int8 model when recorded.

    Args:
        directory: a `compress_run` output directory.
        export_dir: the version directory to write, e.g. `models/NAME/1`.
        options: passed to `export_for_serving` (warmup, max_text_bytes, overwrite, ...).
    """
    bundle = load_compressed(directory)
    return _export(bundle.model, bundle, export_dir, **options)


__all__ = [
    "METHODS",
    "SUMMARY_FILE",
    "CompressionResult",
    "compress_run",
    "export_compressed",
    "load_compressed",
]
