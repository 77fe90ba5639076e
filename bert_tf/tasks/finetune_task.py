"""`FinetuneTask`: what fine-tuning, evaluation and prediction need to know about one task shape.

A task reads its files, turns examples into (windowed) features, builds the model head on a
backbone (end to end, or on frozen features), predicts over windows and aggregates back to one
answer per example, scores with the official metric and writes a predictions file. Subclasses:
`ClassificationTask` (GLUE, CSV/JSONL), `SquadTask`, `TaggingTask`; `bert_tf.tasks.make_task`
picks one by name. Training only the head on frozen features (the paper's feature-based
approach) is a task option, `freeze_encoder`, not another kind of task.

Example:
    >>> task = FinetuneTask("csv", ["neg", "pos"], 64, freeze_encoder=True, feature_layers=[-1])
    >>> task.get_config()["freeze_encoder"], task.num_outputs()
    (True, 2)
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
        freeze_encoder: train only a head on frozen features (`FeatureBasedModel`).
        feature_layers: with `freeze_encoder`, the encoder layers to concatenate (default: the
            last one).
        settings: task-specific settings (doc_stride, max_query_length, stride, ...).

    Example:
        >>> FinetuneTask("csv", ["a", "b"], 64).get_config()["labels"]
        ['a', 'b']
    """

    head = "classification"  # the FeatureBasedModel head kind with freeze_encoder
    main_metric = "accuracy"  # the dev metric that picks the best checkpoint (higher is better)
    predictions_file = "predictions.tsv"

    def __init__(
        self,
        name: str,
        labels: Sequence[str] | None = None,
        max_seq_length: int = 128,
        freeze_encoder: bool = False,
        feature_layers: Sequence[int] | None = None,
        **settings: Any,
    ) -> None:
        if feature_layers and list(feature_layers) != [-1] and not freeze_encoder:
            raise ValueError("--feature-layers needs --freeze-encoder (the feature-based head)")
        self.name = name
        self.labels = list(labels) if labels is not None else None
        self.max_seq_length = int(max_seq_length)
        self.freeze_encoder = bool(freeze_encoder)
        self.feature_layers = [int(i) for i in feature_layers] if feature_layers else None
        self.settings = dict(settings)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "labels": self.labels,
            "max_seq_length": self.max_seq_length,
            "freeze_encoder": self.freeze_encoder,
            "feature_layers": self.feature_layers,
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

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        """The task model on `backbone`: the library's task model, or with `freeze_encoder` a
        `FeatureBasedModel` on the concatenated `feature_layers` (default: the last layer)."""
        if self.freeze_encoder:
            from bert_tf.models.feature_based_model import FeatureBasedModel

            layers = self.feature_layers or [-1]
            return FeatureBasedModel(backbone, self.head, self.num_outputs(), layers, dropout)
        return self._task_model(backbone, dropout)

    def _task_model(self, backbone: Any, dropout: float) -> Any:
        raise NotImplementedError

    def loss(self) -> Any:
        """The loss of the feature-based head (the library's task models bring their own)."""
        raise NotImplementedError

    def loss_weights(self) -> Any:
        return None

    def compile(self, model: Any, optimizer: Any) -> None:
        """Compiles `model`: a task model with its own default losses, the feature-based head
        (`freeze_encoder`) with `loss()`."""
        if self.freeze_encoder:
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
