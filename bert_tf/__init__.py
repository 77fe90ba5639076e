"""bert_tf: BERT pre-training, fine-tuning and serving on TensorFlow/Keras 3.

Public names are imported lazily so that `import bert_tf` stays cheap and has no
side effects; `bert_tf.BertClassifier` loads Keras on first use.

Example:
    >>> import bert_tf
    >>> bert_tf.BertConfig.from_preset("bert_tiny").num_layers
    2
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "BertConfig": "bert_tf.config",
    "BertBackbone": "bert_tf.models",
    "BertPretrainer": "bert_tf.models",
    "BertClassifier": "bert_tf.models",
    "BertSpanLabeler": "bert_tf.models",
    "BertTokenClassifier": "bert_tf.models",
    "BertTokenizer": "bert_tf.text",
    "BertPreprocessor": "bert_tf.text",
    "learn_vocabulary": "bert_tf.text",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bert_tf' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
