"""Task features: examples from `bert_tf.data.readers` -> model inputs, labels and the maps that
prediction needs to go back from (windowed) features to examples.

The windows are built by in-graph functions (`classification_windows`, `span_windows`,
`tagging_windows` over the primitives of `window_ops`) that the serving signatures of
`bert_tf.export` call too, so training and serving cut text the same way. Names load on first
use, so `bert_tf.data.features.windows` can be imported without starting TensorFlow.

Example:
    >>> from bert_tf.data.features import ClassificationFeatures, SquadFeatures, TaggingFeatures
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "IGNORE_LABEL": "bert_tf.data.features.tagging_features",
    "MODEL_INPUTS": "bert_tf.data.features.windows",
    "ClassificationFeatures": "bert_tf.data.features.classification_features",
    "SquadFeatures": "bert_tf.data.features.squad_features",
    "TaggingFeatures": "bert_tf.data.features.tagging_features",
    "answer_token_span": "bert_tf.data.features.squad_answers",
    "classification_windows": "bert_tf.data.features.classification_windows",
    "span_windows": "bert_tf.data.features.span_windows",
    "tagging_windows": "bert_tf.data.features.tagging_windows",
    "word_pieces": "bert_tf.data.features.tagging_windows",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bert_tf.data.features' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
