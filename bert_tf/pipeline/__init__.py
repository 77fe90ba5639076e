"""The TFX pipeline: corpus -> vocabulary -> pre-training data -> pre-train -> fine-tune ->
evaluate (blessing) -> serving canary -> push, with lineage in ML Metadata.

`create_pipeline(config)` builds it (pure), `run_local(config)` runs it with LocalDagRunner,
`compile_kubeflow(config, output)` writes a Kubeflow Pipelines v2 / Vertex AI job spec,
`list_runs(metadata_file)` reads back what ran. TFX is imported only when these are used.

Example:
    >>> from bert_tf.pipeline import PipelineConfig
    >>> PipelineConfig().push.model_name
    'bert_tf_docstring'
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ConfigError": "bert_tf.pipeline.typed_config",
    "PipelineConfig": "bert_tf.pipeline.pipeline_config",
    "compile_kubeflow": "bert_tf.pipeline.kubeflow_compile",
    "create_pipeline": "bert_tf.pipeline.create_pipeline",
    "list_runs": "bert_tf.pipeline.run_status",
    "run_local": "bert_tf.pipeline.local_run",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bert_tf.pipeline' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
