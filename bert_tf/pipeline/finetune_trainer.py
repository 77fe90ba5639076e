"""The fine-tuning Trainer's `run_fn`: `run_finetuning`, then the serving export.

TFX calls `run_fn(fn_args)` (module path `bert_tf.pipeline.finetune_trainer.run_fn`). The
task rows come from the ExampleGen's train and eval splits (written as JSONL for the
library's reader); the initial model is `fn_args.base_model`: the pre-training Trainer's
output, or an imported checkpoint (an Importer's artifact URI is the checkpoint directory
itself, which has no `Format-Serving` subdirectory). The fine-tuned run directory is exported
with `bert_tf.export.export_finetuned` into `fn_args.serving_model_dir`: the SavedModel the
Evaluator (`serve_examples`), the canary and the Pusher take.

Example:
    >>> trainer = Trainer(run_fn="bert_tf.pipeline.finetune_trainer.run_fn", ...)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from typing import Any

from bert_tf.pipeline.example_records import write_jsonl

METRICS_FILE = "finetune_metrics.json"


def resolve_base_model(base_model: str | None) -> str:
    """The directory to fine-tune from, given TFX's `<artifact uri>/Format-Serving` path."""
    if not base_model:
        raise ValueError("the fine-tuning Trainer needs a base_model (pre-trained or imported)")
    if os.path.isdir(base_model):
        return base_model
    parent = os.path.dirname(base_model.rstrip("/"))
    if os.path.isdir(parent):
        return parent
    raise FileNotFoundError(f"base model not found: {base_model}")


def run_fn(fn_args: Any) -> None:
    """Fine-tunes on the task's splits and exports the best model for serving."""
    from bert_tf.export import export_finetuned
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    custom = dict(fn_args.custom_config or {})
    data_dir = os.path.join(fn_args.model_run_dir, "data")
    os.makedirs(data_dir, exist_ok=True)
    train_file = os.path.join(data_dir, "train.jsonl")
    eval_file = os.path.join(data_dir, "eval.jsonl")
    write_jsonl(fn_args.train_files, train_file)
    write_jsonl(fn_args.eval_files, eval_file)
    run_dir = os.path.join(fn_args.model_run_dir, "finetune")
    config = FinetuneConfig(
        task="jsonl",
        train_file=train_file,
        eval_file=eval_file,
        init=resolve_base_model(fn_args.base_model),
        output_dir=run_dir,
        **custom["finetune"],
    )
    result = run_finetuning(config)
    export_finetuned(run_dir, fn_args.serving_model_dir)
    summary = {"metrics": result.metrics, "best_epoch": result.best_epoch, "run_dir": run_dir}
    with open(os.path.join(fn_args.model_run_dir, METRICS_FILE), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
