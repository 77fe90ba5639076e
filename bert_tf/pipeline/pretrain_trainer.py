"""The pre-training Trainer's `run_fn`: `run_pretraining` on the pipeline's TFRecords.

TFX calls `run_fn(fn_args)` (given to the Trainer as the module path
`bert_tf.pipeline.pretrain_trainer.run_fn`, so TFX packages no wheel). The records are the
`train` split of the pre-training `Examples`; their vocabulary lies beside them.

Checkpoints live in a work directory that is stable across pipeline runs,
`<work_dir>/<key>` with the key a hash of the input records and the settings: a run killed
midway leaves its step checkpoints there, and the rerun (a new execution with new output
URIs) continues from the newest one instead of starting over. The run's outputs (backbone,
MLM/NSP heads, configs, vocabulary: a directory `load_backbone` accepts) go to
`fn_args.serving_model_dir`, which the fine-tuning Trainer receives as `fn_args.base_model`
(and `FillMaskExport`, when the pipeline also serves fill-mask).

Example:
    >>> trainer = Trainer(run_fn="bert_tf.pipeline.pretrain_trainer.run_fn", ...)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from typing import Any

import keras

from bert_tf import storage
from bert_tf.pipeline.artifacts import vocab_path

# Fault injection for the resume test: SIGKILL this process once the optimizer reaches this
# step (after that step's checkpoint is written), as a preempted machine would be killed.
KILL_AT_STEP_ENV = "BERT_TF_PIPELINE_KILL_AT_STEP"
OUTPUT_FILES = (
    "backbone.keras",
    "pretrainer.weights.h5",  # the MLM and NSP heads: what a fill-mask export serves
    "bert_config.json",
    "vocab.txt",
    "tokenizer_config.json",
    "pretraining_config.json",
)
SUMMARY_FILE = "pretraining_summary.json"


class KillAtStep(keras.callbacks.Callback):
    """Kills the process (SIGKILL, no cleanup) at optimizer step `step`."""

    def __init__(self, step: int):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if int(keras.ops.convert_to_numpy(self.model.optimizer.iterations)) >= self.step:
            os.kill(os.getpid(), signal.SIGKILL)


def work_key(train_files: list[str], settings: dict[str, Any]) -> str:
    """Names the checkpoint directory of these records and settings."""
    text = json.dumps({"train_files": sorted(train_files), "settings": settings}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_fn(fn_args: Any) -> None:
    """Pre-trains (or resumes pre-training) and writes the backbone to serving_model_dir."""
    from bert_tf.training.pretraining_run import PretrainingConfig, run_pretraining

    custom = dict(fn_args.custom_config or {})
    settings = dict(custom["pretraining"])
    train_files = list(fn_args.train_files)
    examples_uri = storage.dirname(storage.dirname(train_files[0]))  # <uri>/Split-train/*
    out = storage.join(custom["work_dir"], work_key(train_files, settings))
    config = PretrainingConfig.from_dict(
        {
            **settings,
            "train_data": ",".join(train_files),
            "output_dir": out,
            "vocab": vocab_path(examples_uri),
            "num_train_steps": int(fn_args.train_steps or settings.get("num_train_steps", 1)),
        }
    )
    kill_at = os.environ.get(KILL_AT_STEP_ENV)
    callbacks = [KillAtStep(int(kill_at))] if kill_at else []
    result = run_pretraining(config, callbacks=callbacks)
    target = fn_args.serving_model_dir
    storage.makedirs(target)
    for name in OUTPUT_FILES:
        if storage.exists(storage.join(out, name)):
            storage.copy_file(storage.join(out, name), storage.join(target, name))
    summary = {
        "work_dir": out,
        "initial_step": result.initial_step,
        "final_step": result.final_step,
        "final_metrics": {key: values[-1] for key, values in result.history.items() if values},
    }
    storage.write_text(storage.join(target, SUMMARY_FILE), json.dumps(summary, indent=2))
