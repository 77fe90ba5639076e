"""Serving: the `BertServingClient` and the local protocol-compatible `ModelServer`.

Names load lazily, so `import bert_tf.serving` does not import TensorFlow or gRPC.

Example:
    >>> from bert_tf.serving import BertServingClient  # doctest: +SKIP
    >>> BertServingClient("localhost:8500", model="bert").predict(["great film"])  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BertServingClient": "bert_tf.serving.bert_serving_client",
    "ModelServer": "bert_tf.serving.model_server",
    "VersionManager": "bert_tf.serving.version_manager",
    "ModelVersions": "bert_tf.serving.model_versions",
    "Servable": "bert_tf.serving.servable",
    "Batcher": "bert_tf.serving.batcher",
    "ServingError": "bert_tf.serving.serving_error",
    "ServerProcess": "bert_tf.serving.server_process",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bert_tf.serving' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
