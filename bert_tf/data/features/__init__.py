"""Task features: examples from `bert_tf.data.readers` -> model inputs, labels and the maps that
prediction needs to go back from (windowed) features to examples.

Example:
    >>> from bert_tf.data.features import ClassificationFeatures, SquadFeatures, TaggingFeatures
"""

from bert_tf.data.features.classification_features import ClassificationFeatures
from bert_tf.data.features.squad_features import SquadFeatures, answer_token_span
from bert_tf.data.features.tagging_features import IGNORE_LABEL, TaggingFeatures
from bert_tf.data.features.windows import (
    MODEL_INPUTS,
    best_window_per_position,
    window_spans,
)

__all__ = [
    "IGNORE_LABEL",
    "MODEL_INPUTS",
    "ClassificationFeatures",
    "SquadFeatures",
    "TaggingFeatures",
    "answer_token_span",
    "best_window_per_position",
    "window_spans",
]
