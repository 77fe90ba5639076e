"""`ClassificationTask`: GLUE tasks and generic CSV/TSV/JSONL text classification (or regression).

Long texts can be read as sliding windows (`stride`); an example's prediction is the mean of its
windows' logits. GLUE tasks score with their official metrics (MRPC/QQP pick by F1, CoLA by
Matthews correlation, STS-B by Pearson); CSV tasks by accuracy. Predictions are written in the
GLUE submission format (`index<TAB>prediction`) that `bert-tf score` reads.

Example:
    >>> task = ClassificationTask("glue/cola", max_seq_length=64)
    >>> task.main_metric
    'matthews_correlation'
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.tasks.finetune_task import FinetuneTask
from bert_tf.tasks.window_aggregation import average_window_logits

_MAIN_METRIC = {"cola": "matthews_correlation", "mrpc": "f1", "qqp": "f1", "stsb": "pearson"}


class ClassificationTask(FinetuneTask):
    """Single-text or pair classification (`labels` empty: regression on one output).

    Args:
        name: "glue/<name>" or "csv" (also "tsv", "jsonl": the generic reader).
        labels: class names (GLUE: the task's own; CSV: learned from the training file).
        max_seq_length: tokens per feature.
        stride: None truncates; an int reads long texts as windows this far apart.

    Example:
        >>> ClassificationTask("csv", ["x", "y"], 32).num_outputs()
        2
    """

    def __init__(
        self,
        name: str,
        labels: Sequence[str] | None = None,
        max_seq_length: int = 128,
        stride: int | None = None,
        **settings: Any,
    ) -> None:
        self.glue = None
        if name.startswith("glue/"):
            from bert_tf.data.readers.glue import GLUE_TASKS, glue_task_name

            self.glue = glue_task_name(name)
            labels = GLUE_TASKS[self.glue].labels if labels is None else labels
            self.main_metric = _MAIN_METRIC.get(self.glue, "accuracy")
        super().__init__(name, labels, max_seq_length, stride=stride, **settings)
        self.stride = stride
        if self.glue is None and self.is_regression:
            self.main_metric = "pearson"

    @property
    def is_regression(self) -> bool:
        return self.labels == []

    def num_outputs(self) -> int:
        return 1 if self.is_regression else len(self.labels or [])

    def read(self, path: str | os.PathLike) -> list:
        if self.glue is not None:
            from bert_tf.data.readers.glue import read_glue

            return read_glue(self.glue, path)
        from bert_tf.data.readers.generic import read_text_examples

        kind = None if self.name == "csv" else self.name
        return read_text_examples(path, file_format=kind, regression=self.is_regression)

    def learn_labels(self, examples: Sequence[Any]) -> None:
        if self.labels is None:
            values = {example.label for example in examples if example.label is not None}
            if not values:
                raise ValueError("the training file has no labels")
            self.labels = sorted(str(value) for value in values)

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        from bert_tf.data.features import ClassificationFeatures

        return ClassificationFeatures(
            tokenizer, self.max_seq_length, self.labels, stride=self.stride
        ).build(examples)

    def _task_model(self, backbone: Any, dropout: float) -> Any:
        from bert_tf.models import BertClassifier

        return BertClassifier(backbone, num_classes=self.num_outputs(), dropout=dropout)

    def loss(self) -> Any:
        import keras

        if self.is_regression:
            return keras.losses.MeanSquaredError()
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def predict(
        self,
        model: Any,
        examples: Sequence[Any],
        features: Mapping[str, np.ndarray],
        batch_size: int = 64,
    ) -> np.ndarray:
        """Per example: averaged logits [E, C] (regression: [E, 1])."""
        logits = np.asarray(self.model_outputs(model, features, batch_size))
        logits = logits.reshape(len(logits), -1)  # [N, C]
        return average_window_logits(logits, features["example_index"], len(examples))

    def decode(self, logits: np.ndarray) -> list:
        """Label names (regression: floats) from aggregated logits."""
        if self.is_regression:
            return [float(value) for value in logits[:, 0]]
        return [self.labels[int(index)] for index in np.argmax(logits, axis=-1)]

    def metrics(self, examples: Sequence[Any], predictions: np.ndarray) -> dict[str, float]:
        predicted = self.decode(predictions)
        gold = [example.label for example in examples]
        if self.glue is not None:
            from bert_tf.evaluation import glue_metrics

            return glue_metrics(self.glue, predicted, gold)
        if self.is_regression:
            from scipy.stats import pearsonr

            return {"pearson": float(pearsonr(predicted, np.asarray(gold, float))[0])}
        correct = sum(str(p) == str(g) for p, g in zip(predicted, gold))
        return {"accuracy": correct / len(gold)}

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: np.ndarray
    ) -> Path:
        path = Path(out_dir) / self.predictions_file
        lines = ["index\tprediction"]
        lines += [f"{row}\t{label}" for row, label in enumerate(self.decode(predictions))]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
