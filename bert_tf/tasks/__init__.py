"""Fine-tuning tasks: one adapter per task shape, found by name through a registry.

An adapter knows what fine-tuning, evaluation and prediction need of its task: how to read its
files, build (windowed) features, put a head on a backbone, aggregate window predictions,
score with the official metric and write a predictions file.

| name | adapter | files |
|---|---|---|
| `glue/<task>` | `ClassificationTask` | GLUE TSVs (MRPC, MNLI, STS-B, ...) |
| `csv`, `tsv`, `jsonl` | `ClassificationTask` | generic text (pair) classification/regression |
| `squad-v1.1`, `squad-v2.0` | `SquadTask` | SQuAD JSON |
| `conll` | `TaggingTask` | CoNLL-2003 |

Example:
    >>> task = make_task("glue/mrpc", max_seq_length=128)
    >>> type(task).__name__, task.main_metric, task.labels
    ('ClassificationTask', 'f1', ['0', '1'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bert_tf.tasks.classification_task import ClassificationTask
from bert_tf.tasks.finetune_task import FinetuneTask
from bert_tf.tasks.squad_task import SquadTask
from bert_tf.tasks.tagging_task import TaggingTask

# Task name -> adapter; a name ending in "/" is a family ("glue/mrpc", "glue/sts-b", ...).
TASKS: dict[str, type[FinetuneTask]] = {
    "glue/": ClassificationTask,
    "csv": ClassificationTask,
    "tsv": ClassificationTask,
    "jsonl": ClassificationTask,
    "squad-v1.1": SquadTask,
    "squad-v2.0": SquadTask,
    "conll": TaggingTask,
}


def task_class(name: str) -> type[FinetuneTask]:
    """The adapter class registered for a task name (case-insensitive)."""
    key = name.lower()
    family = key.split("/", 1)[0] + "/" if "/" in key else None
    adapter = TASKS.get(key) or (TASKS.get(family) if family else None)
    if adapter is None:
        raise ValueError(
            f"unknown task {name!r}; expected glue/NAME, squad-v1.1, squad-v2.0, conll or csv"
        )
    return adapter


def make_task(name: str, labels: Sequence[str] | None = None, **settings: Any) -> FinetuneTask:
    """The task adapter for a command-line task name.

    Args:
        name: "glue/<name>", "squad-v1.1", "squad-v2.0", "conll" or "csv" (CSV/TSV/JSONL).
        labels: fixed label names (saved runs pass theirs; otherwise GLUE's or learned).
        settings: `max_seq_length`, `freeze_encoder`, `feature_layers` and task settings
            (doc_stride, max_query_length, stride).
    """
    return task_class(name)(name.lower(), labels, **settings)


__all__ = [
    "TASKS",
    "ClassificationTask",
    "FinetuneTask",
    "SquadTask",
    "TaggingTask",
    "make_task",
    "task_class",
]
