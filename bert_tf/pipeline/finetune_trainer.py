"""The fine-tuning Trainer's `run_fn`: `run_finetuning` on the ExampleGen's splits, then the
serving export.

TFX calls `run_fn(fn_args)` (module path `bert_tf.pipeline.finetune_trainer.run_fn`). The task
examples are TaskExampleGen's records (the shape's raw fields): the train and eval split
directories are the run's train and eval files, read back through the task's shape, and their
features are built by the same in-graph preprocessing as anywhere else. The initial model is
`fn_args.base_model`: the pre-training Trainer's output, or an imported checkpoint (an
Importer's artifact URI is the checkpoint itself, a directory or a file, with no
`Format-Serving` below it). The fine-tuned run directory is exported with
`bert_tf.export.export_finetuned` into `fn_args.serving_model_dir`: the SavedModel the
Evaluator, the canary and the Pusher take.

Example:
    >>> trainer = Trainer(run_fn="bert_tf.pipeline.finetune_trainer.run_fn", ...)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import Any

from bert_tf import storage

METRICS_FILE = "finetune_metrics.json"
SERVING_FORMAT = "Format-Serving"


def resolve_base_model(base_model: str | None) -> str:
    """What to fine-tune from, given TFX's `<artifact uri>/Format-Serving` path: the
    pre-training Trainer's model directory, or an imported checkpoint (a directory, a file
    or a TF1 checkpoint prefix; the checkpoint loader says what it cannot read)."""
    if not base_model:
        raise ValueError("the fine-tuning Trainer needs a base_model (pre-trained or imported)")
    if storage.exists(base_model):
        return base_model
    if base_model.rstrip("/").endswith("/" + SERVING_FORMAT):
        return storage.dirname(base_model)  # an Importer's URI is the checkpoint
    raise FileNotFoundError(f"base model not found: {base_model}")


def split_directory(file_patterns: list[str]) -> str:
    """The split directory of TFX's `[<uri>/Split-<name>/*]` file patterns."""
    directories = {storage.dirname(pattern) for pattern in file_patterns}
    if len(directories) != 1:
        raise ValueError(f"expected the files of one split, got {sorted(file_patterns)}")
    return directories.pop()


def run_fn(fn_args: Any) -> None:
    """Fine-tunes on the task's splits and exports the best model for serving."""
    from bert_tf.export import export_finetuned
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    settings = dict((fn_args.custom_config or {})["finetune"])
    run_dir = storage.join(fn_args.model_run_dir, "finetune")
    config = FinetuneConfig(
        **settings,
        train_file=split_directory(fn_args.train_files),
        eval_file=split_directory(fn_args.eval_files),
        output_dir=run_dir,
        init=resolve_base_model(fn_args.base_model),
    )
    result = run_finetuning(config)
    export_finetuned(run_dir, fn_args.serving_model_dir)
    summary = {"metrics": result.metrics, "best_epoch": result.best_epoch, "run_dir": run_dir}
    storage.write_text(
        storage.join(fn_args.model_run_dir, METRICS_FILE), json.dumps(summary, indent=2)
    )
