"""GLUE metrics with scikit-learn/SciPy: accuracy, F1 (MRPC, QQP), Matthews correlation (CoLA),
Pearson and Spearman correlation (STS-B). Values are fractions in [0, 1] (or [-1, 1]), keyed as
the task's entry in `GLUE_TASKS` lists them.

Example:
    >>> glue_metrics("mrpc", ["1", "0", "1", "1"], ["1", "0", "0", "1"])
    {'accuracy': 0.75, 'f1': 0.8}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bert_tf.data.readers.glue import GLUE_TASKS, glue_task_name


def _class_indices(values: Sequence, labels: list[str], what: str) -> np.ndarray:
    """Maps label names (or class indices) to indices into `labels`."""
    index = {name: position for position, name in enumerate(labels)}
    out = []
    for value in values:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            if not 0 <= value < len(labels):
                raise ValueError(f"{what}: class index {value} outside 0..{len(labels) - 1}")
            out.append(int(value))
        elif isinstance(value, str) and value in index:
            out.append(index[value])
        else:
            raise ValueError(f"{what}: {value!r} is not one of the labels {labels}")
    return np.asarray(out, dtype=np.int64)


def glue_metrics(task: str, predictions: Sequence, labels: Sequence) -> dict[str, float]:
    """The official metrics of a GLUE task.

    Args:
        task: registry name ("cola", "glue/MRPC", "sts-b", ...).
        predictions: predicted label names or class indices (floats for STS-B).
        labels: gold labels, in the same form and order.

    Returns:
        e.g. `{"accuracy", "f1"}` for MRPC/QQP (F1 of the positive class "1"),
        `{"matthews_correlation"}` for CoLA, `{"pearson", "spearmanr"}` for STS-B.
    """
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

    key = glue_task_name(task)
    spec = GLUE_TASKS[key]
    if len(predictions) != len(labels):
        raise ValueError(f"{len(predictions)} predictions for {len(labels)} gold labels")
    if not len(labels):
        raise ValueError("no examples to score")
    if spec.is_regression:
        predicted = np.asarray(predictions, dtype=np.float64)
        gold = np.asarray(labels, dtype=np.float64)
        return {
            "pearson": float(pearsonr(predicted, gold)[0]),
            "spearmanr": float(spearmanr(predicted, gold)[0]),
        }
    predicted = _class_indices(predictions, spec.labels, "prediction")
    gold = _class_indices(labels, spec.labels, "gold label")
    scores = {}
    for metric in spec.metrics:
        if metric == "accuracy":
            scores[metric] = float(accuracy_score(gold, predicted))
        elif metric == "f1":
            positive = spec.labels.index("1")
            scores[metric] = float(f1_score(gold, predicted, pos_label=positive, zero_division=0))
        elif metric == "matthews_correlation":
            scores[metric] = float(matthews_corrcoef(gold, predicted))
    return scores
