"""`FinetuneTask`: what fine-tuning, evaluation and prediction need to know about one task shape.

A task reads its files, turns examples into (windowed) features, builds the model head on a
backbone (end to end, or on frozen features), predicts over windows and aggregates back to one
answer per example, scores with the official metric and writes a predictions file. Subclasses:
`ClassificationTask` (GLUE, CSV/JSONL), `SquadTask`, `TaggingTask`; `make_task` picks one.

Example:
    >>> task = make_task("glue/mrpc", max_seq_length=128)  # doctest: +SKIP
    >>> task.main_metric, task.labels  # doctest: +SKIP
    ('f1', ['0', '1'])
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.data.features.windows import MODEL_INPUTS


class FinetuneTask:
    """Base of the task adapters; subclasses fill in the task-specific methods.

    Args:
        name: the task name as given on the command line ("glue/mrpc", "squad-v2.0", ...).
        labels: label names in index order (None: learn them from the training file).
        max_seq_length: tokens per feature (window).
        settings: task-specific settings (doc_stride, max_query_length, stride, ...).

    Example:
        >>> FinetuneTask("csv", ["a", "b"], 64).get_config()["labels"]
        ['a', 'b']
    """

    head = "classification"  # FeatureBasedModel head kind
    main_metric = "accuracy"  # the dev metric that picks the best checkpoint (higher is better)
    predictions_file = "predictions.tsv"

    def __init__(
        self,
        name: str,
        labels: Sequence[str] | None = None,
        max_seq_length: int = 128,
        **settings: Any,
    ) -> None:
        self.name = name
        self.labels = list(labels) if labels is not None else None
        self.max_seq_length = int(max_seq_length)
        self.settings = dict(settings)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "labels": self.labels,
            "max_seq_length": self.max_seq_length,
            **self.settings,
        }

    # --- data -------------------------------------------------------------------------------
    def read(self, path: str | os.PathLike) -> list:
        """The examples of one file of this task."""
        raise NotImplementedError

    @staticmethod
    def is_labelled(examples: Sequence[Any]) -> bool:
        """Whether every example has gold labels (test files do not; no metrics then)."""
        for example in examples:
            if getattr(example, "label", "") is None or getattr(example, "labels", "") is None:
                return False
            if hasattr(example, "answers") and not (example.answers or example.is_impossible):
                return False
        return True

    def learn_labels(self, examples: Sequence[Any]) -> None:
        """Sets `labels` from training examples when the task has no fixed label set."""
        if self.labels is None:
            raise ValueError(f"task {self.name} cannot learn its labels from data")

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def targets(self, features: Mapping[str, np.ndarray]) -> Any:
        """The `y` of `model.fit` for these features (their `labels`, unless a task differs)."""
        return features["labels"]

    # --- model ------------------------------------------------------------------------------
    def num_outputs(self) -> int:
        return len(self.labels or [])

    def build_model(
        self,
        backbone: Any,
        freeze_encoder: bool = False,
        feature_layers: Sequence[int] | None = None,
        dropout: float = 0.1,
    ) -> Any:
        """The task model on `backbone`: the library's task model, or with `freeze_encoder` a
        `FeatureBasedModel` on the concatenated `feature_layers` (default: the last layer)."""
        if freeze_encoder:
            from bert_tf.models.feature_based_model import FeatureBasedModel

            return FeatureBasedModel(
                backbone, self.head, self.num_outputs(), feature_layers or [-1], dropout
            )
        if feature_layers and list(feature_layers) != [-1]:
            raise ValueError("--feature-layers needs --freeze-encoder (the feature-based head)")
        return self._task_model(backbone, dropout)

    def _task_model(self, backbone: Any, dropout: float) -> Any:
        raise NotImplementedError

    def loss(self) -> Any:
        """The loss of the feature-based head (the library's task models bring their own)."""
        raise NotImplementedError

    def loss_weights(self) -> Any:
        return None

    def compile(self, model: Any, optimizer: Any) -> None:
        """Compiles `model`: task models with their default losses, `FeatureBasedModel`
        with `loss()`."""
        from bert_tf.models.feature_based_model import FeatureBasedModel

        if isinstance(model, FeatureBasedModel):
            model.compile(optimizer=optimizer, loss=self.loss(), loss_weights=self.loss_weights())
        else:
            model.compile(optimizer=optimizer)

    # --- prediction and scoring -------------------------------------------------------------
    @staticmethod
    def model_outputs(model: Any, features: Mapping[str, np.ndarray], batch_size: int = 64):
        """Runs the model over the features' inputs (numpy out, dicts kept)."""
        inputs = {key: features[key] for key in MODEL_INPUTS}
        return model.predict(inputs, batch_size=batch_size, verbose=0)

    def predict(
        self,
        model: Any,
        examples: Sequence[Any],
        features: Mapping[str, np.ndarray],
        batch_size: int = 64,
    ) -> Any:
        """One prediction per example (aggregated over its windows)."""
        raise NotImplementedError

    def metrics(self, examples: Sequence[Any], predictions: Any) -> dict[str, float]:
        raise NotImplementedError

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: Any
    ) -> Path:
        """Writes the predictions file into `out_dir`; returns its path."""
        raise NotImplementedError


def make_task(name: str, labels: Sequence[str] | None = None, **settings: Any) -> FinetuneTask:
    """The task adapter for a command-line task name.

    Args:
        name: "glue/<name>", "squad-v1.1", "squad-v2.0", "conll" or "csv" (CSV/TSV/JSONL).
        labels: fixed label names (saved runs pass theirs; otherwise GLUE's or learned).
        settings: `max_seq_length` and task settings (doc_stride, max_query_length, stride).
    """
    from bert_tf.tasks.classification_task import ClassificationTask
    from bert_tf.tasks.squad_task import SquadTask
    from bert_tf.tasks.tagging_task import TaggingTask

    key = name.lower()
    if key.startswith("glue/") or key in ("csv", "jsonl", "tsv"):
        return ClassificationTask(key, labels, **settings)
    if key in ("squad-v1.1", "squad-v2.0"):
        return SquadTask(key, labels, **settings)
    if key == "conll":
        return TaggingTask(key, labels, **settings)
    raise ValueError(
        f"unknown task {name!r}; expected glue/NAME, squad-v1.1, squad-v2.0, conll or csv"
    )
