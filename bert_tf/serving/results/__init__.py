"""Typed answers of the `serving_default` signature, one class per task of the contract.

Example:
    >>> import numpy as np
    >>> parse_results("regression", {"score": np.array([0.5], np.float32)}, [])
    [RegressionResult(score=0.5)]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bert_tf.serving.results.classification_result import ClassificationResult
from bert_tf.serving.results.embedding_result import EmbeddingResult
from bert_tf.serving.results.entity import Entity
from bert_tf.serving.results.regression_result import RegressionResult
from bert_tf.serving.results.span_result import SpanResult
from bert_tf.serving.results.tagging_result import TaggingResult

RESULTS = {
    "classification": ClassificationResult,
    "regression": RegressionResult,
    "span": SpanResult,
    "tagging": TaggingResult,
    "embedding": EmbeddingResult,
}

__all__ = [
    "ClassificationResult",
    "EmbeddingResult",
    "Entity",
    "RegressionResult",
    "SpanResult",
    "TaggingResult",
    "RESULTS",
    "parse_results",
]


def parse_results(task: str, outputs: dict[str, np.ndarray], label_names: list[str]) -> list[Any]:
    """One typed result per row of `outputs` for the contract's `task`."""
    if task not in RESULTS:
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(RESULTS)}")
    missing = [name for name in RESULTS[task].__dataclass_fields__ if name not in outputs]
    if task == "tagging":
        missing = [n for n in ("entity_label", "entity_count") if n not in outputs]
    if missing:
        raise ValueError(f"a {task} answer needs outputs {missing}; got {sorted(outputs)}")
    return RESULTS[task].from_outputs(outputs, label_names)
