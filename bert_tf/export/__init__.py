"""Export for TF Serving: SavedModels whose signatures take raw text and answer in task terms.

`export_for_serving` writes one from a Keras task model and its preprocessor,
`export_finetuned` from a `bert-tf finetune` output directory, `export_fill_mask` from a
pre-trained masked LM checkpoint; `load_exported` loads one
(refusing a tokenizer whose contract differs); `check_serving_ops` lists the ops of an
export that the `tensorflow/serving:2.16.1` model server does not register.

Example:
    >>> from bert_tf.export import export_for_serving, load_exported  # doctest: +SKIP
    >>> export_for_serving(model, preprocessor, "models/mrpc/1", "classification",
    ...                    label_names=["0", "1"], pair=True)  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "check_serving_ops": "bert_tf.export.op_check",
    "export_fill_mask": "bert_tf.export.pretrained_export",
    "export_finetuned": "bert_tf.export.finetuned_export",
    "export_for_serving": "bert_tf.export.exporter",
    "load_exported": "bert_tf.export.loading",
    "read_contract": "bert_tf.export.contract",
    "serving_ops_used": "bert_tf.export.op_check",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bert_tf.export' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
