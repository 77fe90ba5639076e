"""`ClassificationTask`: sentence and sentence-pair classification, and regression.

GLUE tasks read GLUE's TSVs and score with their official metrics (MRPC/QQP pick by F1, CoLA
by Matthews correlation, STS-B by Pearson); the generic task names `csv`, `tsv` and `jsonl`
read files with `text`, optional `text_pair` and `label` and score by accuracy (Pearson for
regression, `labels=()`). Long texts can be read as sliding windows (`stride`); an example's
prediction is the mean of its windows' logits. Whether the model reads pairs is learned
from the training file and saved with the model. Predictions are written in the GLUE
submission format (`index<TAB>prediction`) that `bert-tf score` reads. Served as
"classification" (label, label id, probabilities) or "regression" (score).

Example:
    >>> task = ClassificationTask.from_options("glue/cola", max_seq_length=64)
    >>> task.main_metric, task.labels
    ('matthews_correlation', ['0', '1'])
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bert_tf.config import option
from bert_tf.tasks.shape_registry import register_shape
from bert_tf.tasks.task_shape import TaskConfig, TaskShape
from bert_tf.tasks.window_aggregation import average_window_logits

_MAIN_METRIC = {"cola": "matthews_correlation", "mrpc": "f1", "qqp": "f1", "stsb": "pearson"}
FORMATS = ("csv", "tsv", "jsonl")  # the generic reader's file formats (GLUE has its own)


@dataclasses.dataclass(frozen=True)
class ClassificationConfig(TaskConfig):
    """Classification settings (labels=() means regression on one output)."""

    stride: int | None = option(None, "read long texts as windows this far apart")
    pair: bool | None = option(
        None, "reads (text, text_pair); None: learned from the data", cli=False
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.stride is not None and (not isinstance(self.stride, int) or self.stride < 1):
            raise ValueError(f"stride must be a positive integer or None, got {self.stride!r}")
        if self.task.startswith("glue/"):
            from bert_tf.data.readers.glue import GLUE_TASKS, glue_task_name

            glue = glue_task_name(self.task)
            if self.labels is None:
                object.__setattr__(self, "labels", tuple(GLUE_TASKS[glue].labels))


@register_shape
class ClassificationTask(TaskShape):
    """Single-text or pair classification, or regression; see the module docstring.

    Example:
        >>> ClassificationTask(ClassificationConfig("csv", labels=("x", "y"))).num_outputs()
        2
    """

    shape = "classification"
    task_names = ("glue/", *FORMATS)
    served_as = ("classification", "regression")
    config_class = ClassificationConfig
    free_text_fields = ("id", "text", "text_pair")
    model_class = "bert_tf.models.bert_classifier:BertClassifier"
    serving_module = "bert_tf.tasks.classification_module:ClassificationModule"
    results = {
        "classification": "bert_tf.tasks.classification_result:ClassificationResult",
        "regression": "bert_tf.tasks.regression_result:RegressionResult",
    }
    sample_inputs = {
        "text": ["Peter Blackburn visited Brussels in May.", "BERT reads the whole sentence."],
        "text_pair": ["He went to Belgium.", "It is bidirectional."],
    }

    def __init__(self, config: ClassificationConfig) -> None:
        super().__init__(config)
        self.glue = None
        if config.task.startswith("glue/"):
            from bert_tf.data.readers.glue import glue_task_name

            self.glue = glue_task_name(config.task)
        elif config.task not in FORMATS:
            raise ValueError(f"unknown classification task {config.task!r}")

    @property
    def main_metric(self) -> str:  # type: ignore[override]
        if self.glue is not None:
            return _MAIN_METRIC.get(self.glue, "accuracy")
        return "pearson" if self.is_regression else "accuracy"

    @property
    def stride(self) -> int | None:
        return self.config.stride

    @property
    def is_regression(self) -> bool:
        return self.config.labels == ()

    @property
    def served_task(self) -> str:
        return "regression" if self.is_regression else "classification"

    def serving_settings(self) -> dict[str, Any]:
        return {"stride": self.stride}

    def num_outputs(self) -> int:
        return 1 if self.is_regression else len(self.labels or [])

    def read_file(self, path: str | os.PathLike) -> list:
        if self.glue is not None:
            from bert_tf.data.readers.glue import read_glue

            return read_glue(self.glue, path)
        from bert_tf.data.readers.generic import read_text_examples

        kind = None if self.name == "csv" else self.name
        return read_text_examples(path, file_format=kind, regression=self.is_regression)

    def to_record(self, example: Any) -> dict[str, Any]:
        return {
            "id": example.guid,
            "text": example.text_a,
            "text_pair": example.text_b,
            "label": None if example.label is None else str(example.label),
        }

    def from_record(self, fields: Mapping[str, list[Any]]) -> Any:
        from bert_tf.data.readers.records import TextExample
        from bert_tf.tasks.task_records import first

        label = first(fields, "label")
        if label is not None:
            label = float(label) if self.is_regression else str(label)
        guid = str(first(fields, "id", ""))
        return TextExample(guid, first(fields, "text", ""), first(fields, "text_pair"), label)

    def serving_request(self, example: Any) -> dict[str, Any]:
        request = {"text": example.text_a}
        if self.pair:
            request["text_pair"] = example.text_b or ""
        return request

    def learn_from(self, examples: Sequence[Any]) -> None:
        if self.labels is None:
            values = {example.label for example in examples if example.label is not None}
            if not values:
                raise ValueError("the training file has no labels")
            self.replace(labels=tuple(sorted(str(value) for value in values)))
        if self.config.pair is None and examples:
            self.replace(pair=examples[0].text_b is not None)

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        from bert_tf.data.features import ClassificationFeatures

        return ClassificationFeatures(
            tokenizer, self.max_seq_length, self.labels, stride=self.stride
        ).build(examples)

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        return self.model_type()(
            backbone, self.num_outputs(), dropout=dropout, feature_layers=self.feature_layers
        )

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
        return self.score_values(examples, self.decode(predictions))

    def served_metrics(self, examples: Sequence[Any], results: Sequence[Any]) -> dict[str, float]:
        values = [result.score if self.is_regression else result.label for result in results]
        return self.score_values(examples, values)

    def score_values(self, examples: Sequence[Any], predicted: Sequence[Any]) -> dict[str, float]:
        """GLUE's official metrics, else accuracy (Pearson for regression), of predicted
        label names (JSON files: also class indices) or scores."""
        gold = [example.label for example in examples]
        if self.is_regression:
            try:
                predicted = [float(value) for value in predicted]
            except (TypeError, ValueError):
                raise ValueError("regression predictions must be numbers") from None
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
    ) -> str:
        return self.write_index_predictions(out_dir, enumerate(self.decode(predictions)))
