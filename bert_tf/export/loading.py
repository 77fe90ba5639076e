"""`load_exported`: load a bert_tf SavedModel, checking a tokenizer against its contract.

Example:
    >>> tokenizer = BertTokenizer("vocab.txt")  # doctest: +SKIP
    >>> model = load_exported("models/sst2/1", tokenizer=tokenizer)  # doctest: +SKIP
    >>> model(text=["a fine film"])["label"]  # doctest: +SKIP
    array([b'positive'], dtype=object)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np


class ExportedModel:
    """A loaded export: its signatures, its contract, and a call on `serving_default`.

    Args:
        path: the export (version) directory.
        loaded: the object `tf.saved_model.load` returned.
        contract: the contract JSON as a dict.
    """

    def __init__(self, path: Path, loaded: Any, contract: dict[str, Any]) -> None:
        self.path = path
        self.loaded = loaded
        self.contract = contract
        self.signatures = loaded.signatures

    @property
    def task(self) -> str:
        return self.contract["task"]

    def __call__(self, signature: str = "serving_default", **inputs: Any) -> dict[str, np.ndarray]:
        """Runs one signature on numpy-convertible inputs; numpy outputs."""
        import tensorflow as tf

        if signature not in self.signatures:
            raise KeyError(f"no signature {signature!r}; have {sorted(self.signatures)}")
        function = self.signatures[signature]
        expected = set(function.structured_input_signature[1])
        if set(inputs) != expected:
            raise ValueError(
                f"signature {signature} takes {sorted(expected)}, got {sorted(inputs)}"
            )
        specs = function.structured_input_signature[1]
        tensors = {k: tf.convert_to_tensor(v, dtype=specs[k].dtype) for k, v in inputs.items()}
        return {key: value.numpy() for key, value in function(**tensors).items()}


def load_exported(path: str | os.PathLike, tokenizer: Any = None) -> ExportedModel:
    """Loads an export of `export_for_serving`.

    Args:
        path: the export (version) directory.
        tokenizer: optional `BertTokenizer` or `BertPreprocessor` that will feed the model
            (e.g. for `serve_tokens`); a ValueError names the first contract field it differs in.
    """
    import tensorflow as tf
    import tensorflow_text  # noqa: F401 (registers the tokenizer's ops before loading)

    from bert_tf import storage
    from bert_tf.export.contract import check_tokenizer, read_contract

    path = os.fspath(path) if storage.is_url(path) else Path(path)  # a Path unless a URL
    contract = read_contract(path)
    if tokenizer is not None:
        check_tokenizer(contract, tokenizer)
    return ExportedModel(path, tf.saved_model.load(str(path)), contract)
