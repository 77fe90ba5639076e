"""The tokenizer/task contract that travels with an exported model.

Written as `assets/bert_tf_contract.json` (beside `assets/vocab.txt`) and served by the
`contract` signature, so a client reads it over the wire and `load_exported` can refuse a
tokenizer that would feed the model different ids.

Example:
    >>> check_tokenizer({"vocab_sha256": "ab", "lower_case": True}, tokenizer)  # doctest: +SKIP
    Traceback (most recent call last):
    ValueError: the tokenizer does not match the exported model: vocab_sha256 is 'cd' ...
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTRACT_FORMAT = "bert_tf.export/1"
CONTRACT_FILE = "bert_tf_contract.json"
VOCAB_FILE = "vocab.txt"
SIGNATURES = ("serving_default", "serve_tokens", "serve_examples", "contract")
# What makes a tokenizer give the ids the model was trained on (options as BertTokenizer's).
TOKENIZER_FIELDS = ("vocab_sha256", "vocab_size", "lower_case", "max_chars_per_word",
                    "strip_accents", "tokenize_chinese_chars", "special_tokens_in_strings",
                    "never_split", "do_basic_tokenize")  # fmt: skip


def _tokenizer_fields(tokenizer: Any) -> dict[str, Any]:
    """The tokenizer's contract fields, as JSON holds them (lists, not tuples)."""
    values = {field: getattr(tokenizer, field) for field in TOKENIZER_FIELDS}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


PREPROCESSOR_FIELDS = ("seq_length", "truncation")


def build_contract(module: Any) -> dict[str, Any]:
    """The contract of a `ServingModule` (see serving_contract.md for the fields)."""
    tokenizer = module.tokenizer
    return {
        "format": CONTRACT_FORMAT,
        "task": module.task,
        "label_names": module.label_names,
        **_tokenizer_fields(tokenizer),
        "seq_length": module.seq_length,
        "truncation": module.preprocessor.truncation,
        "max_text_bytes": module.max_text_bytes,
        "inputs": list(module.input_names),
        "list_inputs": list(module.list_inputs),
        "outputs": list(module.outputs),
        "token_outputs": list(module.token_outputs),
        "task_settings": module.settings,
        "signatures": list(SIGNATURES),
        "bert_tf_version": _version(),
    }


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("bert_tf")
    except metadata.PackageNotFoundError:
        return "unknown"


def read_contract(export_dir: str | Path) -> dict[str, Any]:
    """The contract JSON of an exported model directory."""
    from bert_tf import storage

    path = storage.join(export_dir, "assets", CONTRACT_FILE)
    if not storage.isfile(path):
        raise FileNotFoundError(f"{export_dir} is not a bert_tf export: no assets/{CONTRACT_FILE}")
    contract = json.loads(storage.read_text(path))
    if contract.get("format") != CONTRACT_FORMAT:
        raise ValueError(
            f"{path}: contract format {contract.get('format')!r}, expected {CONTRACT_FORMAT!r}"
        )
    return contract


def check_tokenizer(contract: dict[str, Any], tokenizer: Any) -> None:
    """Raises ValueError naming the first field where `tokenizer` differs from `contract`.

    `tokenizer` is a `BertTokenizer` or a `BertPreprocessor` (then its `seq_length` and
    `truncation` are checked too).
    """
    preprocessor = None
    if hasattr(tokenizer, "tokenizer") and hasattr(tokenizer, "seq_length"):
        preprocessor, tokenizer = tokenizer, tokenizer.tokenizer
    found = _tokenizer_fields(tokenizer)
    if preprocessor is not None:
        found.update({field: getattr(preprocessor, field) for field in PREPROCESSOR_FIELDS})
    for field, value in found.items():
        if field in contract and contract[field] != value:
            raise ValueError(
                f"the tokenizer does not match the exported model: {field} is {value!r} here "
                f"but {contract[field]!r} in the model's contract"
            )
