"""The official metrics of an exported model, asked the way a client asks it.

`evaluate_export` sends each labelled example through the SavedModel's `serving_default`
(the raw inputs its task shape asks with, `TaskShape.serving_request`), reads the answers as
the served task's typed results, and scores them with the shape's official metric
(`TaskShape.served_metrics`: GLUE's metrics or accuracy, SQuAD EM/F1, conlleval entity F1,
multiple-choice accuracy). The pipeline's evaluator blesses models on these figures, so
what is measured is the model as served: tokenizer, windows and decoding included.

Example:
    >>> task = make_task("squad-v1.1")  # doctest: +SKIP
    >>> evaluate_export("serving/qa/3", task, task.read("dev-v1.1.json"))  # doctest: +SKIP
    {'exact_match': 81.2, 'f1': 88.5}
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def request_columns(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Requests as one array per input (a list input's rows padded with "", absent, to the
    longest)."""
    columns = {}
    for name in names:
        values = [row[name] for row in rows]
        if any(isinstance(value, list | tuple) for value in values):
            width = max(len(value) for value in values)
            values = [list(value) + [""] * (width - len(value)) for value in values]
        columns[name] = np.array(values, dtype=object)
    return columns


def answer_examples(
    exported: Any, task: Any, examples: Sequence[Any], batch_size: int = 32
) -> list[Any]:
    """One typed result per example from the export's `serving_default`."""
    from bert_tf.tasks import parse_results

    contract = exported.contract
    names, results = contract["inputs"], []
    for start in range(0, len(examples), batch_size):
        rows = [task.serving_request(example) for example in examples[start : start + batch_size]]
        outputs = exported(**request_columns(rows, names))
        results += parse_results(contract["task"], outputs, contract.get("label_names") or [])
    return results


def evaluate_export(
    path: str | os.PathLike, task: Any, examples: Sequence[Any], batch_size: int = 32
) -> dict[str, float]:
    """The shape's official metrics of the export at `path` on labelled `examples`."""
    from bert_tf.export.loading import load_exported

    if not examples or not task.is_labelled(examples):
        raise ValueError("evaluating an export needs labelled examples")
    exported = load_exported(path)
    if exported.task not in type(task).served_as:
        raise ValueError(f"{path} serves {exported.task!r}, not the {task.shape} task {task.name}")
    results = answer_examples(exported, task, examples, batch_size)
    return {key: float(value) for key, value in task.served_metrics(examples, results).items()}
