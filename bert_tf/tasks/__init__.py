"""Task shapes: one registered unit per kind of task, found by task name or served task.

Each `*_task.py` module here registers one shape (`register_shape`): classification and
regression (GLUE, CSV/TSV/JSONL), span QA (SQuAD), tagging (CoNLL), embeddings, and any
shape added since; `task_names()` lists what `bert-tf finetune --task` takes.
A shape owns its config, readers, features, head, metrics, serving signatures and serving
result types (see `task_shape.py`); `docs/design.md` says how to add one.

Example:
    >>> task = make_task("glue/mrpc", max_seq_length=128)
    >>> type(task).__name__, task.main_metric, task.labels
    ('ClassificationTask', 'f1', ['0', '1'])
    >>> served_shape("span").__name__
    'SpanTask'
"""

from __future__ import annotations

from typing import Any

from bert_tf.tasks.shape_registry import (
    parse_results,
    register_shape,
    served_shape,
    shapes,
    task_names,
    task_shape,
)
from bert_tf.tasks.task_shape import TaskConfig, TaskShape


def make_task(name: str, **options: Any) -> TaskShape:
    """The task shape for a command-line task name, configured by `options` (its config's
    fields: max_seq_length, labels, freeze_encoder, feature_layers, stride, doc_stride, ...)."""
    return task_shape(name).from_options(name, **options)


def task_from_config(values: dict[str, Any]) -> TaskShape:
    """A task back from its `get_config()` JSON (as a trained-model bundle stores it)."""
    values = dict(values)
    name = values.pop("task")
    return make_task(name, **values)


__all__ = [
    "TaskConfig",
    "TaskShape",
    "make_task",
    "parse_results",
    "register_shape",
    "served_shape",
    "shapes",
    "task_from_config",
    "task_names",
    "task_shape",
]
