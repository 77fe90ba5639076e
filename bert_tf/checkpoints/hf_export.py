"""`save_hf_checkpoint`: write a bert_tf model as the HF transformers class it corresponds to.

`BertBackbone` -> `BertModel`, `BertPretrainer` -> `BertForPreTraining`, `BertClassifier` ->
`BertForSequenceClassification`, `BertTokenClassifier` -> `BertForTokenClassification`,
`BertSpanLabeler` -> `BertForQuestionAnswering` (the last two without the pooler, as HF builds
them with ``add_pooling_layer=False``).

Example:
    >>> save_hf_checkpoint(backbone, "out/")  # doctest: +SKIP
    [PosixPath('out/config.json'), PosixPath('out/model.safetensors')]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from safetensors.numpy import save_file

from bert_tf.checkpoints.config_json import config_to_hf_dict
from bert_tf.checkpoints.hf_layout import LAYOUTS
from bert_tf.checkpoints.weight_mapping import WeightMapping
from bert_tf.checkpoints.weight_names import hf_architecture
from bert_tf.models import BertBackbone, BertClassifier, BertTokenClassifier

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
VOCAB_FILE = "vocab.txt"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"


def _write_vocab(tokenizer: Any, path: Path) -> None:
    vocab = getattr(tokenizer, "vocab_file", None)
    if isinstance(vocab, (str, Path)) and Path(vocab).is_file():
        path.write_bytes(Path(vocab).read_bytes())
    elif isinstance(vocab, (list, tuple)):
        path.write_text("".join(f"{token}\n" for token in vocab), encoding="utf-8")
    else:
        raise ValueError(
            f"cannot save the tokenizer's vocabulary: its vocab_file is {vocab!r}, "
            "expected a file path or a list of tokens"
        )


def _label_config(model: Any, id2label: dict[int, str] | None) -> dict[str, Any]:
    if not isinstance(model, (BertClassifier, BertTokenClassifier)):
        if id2label is not None:
            raise ValueError(f"id2label is for classifiers, not a {type(model).__name__}")
        return {}
    labels = id2label or {i: f"LABEL_{i}" for i in range(model.num_classes)}
    if sorted(labels) != list(range(model.num_classes)):
        raise ValueError(f"id2label must name classes 0..{model.num_classes - 1}, got {labels}")
    values: dict[str, Any] = {
        "id2label": {str(i): labels[i] for i in sorted(labels)},
        "label2id": {labels[i]: i for i in sorted(labels)},
        "classifier_dropout": model.dropout,
    }
    if isinstance(model, BertClassifier) and model.is_regression:
        values["problem_type"] = "regression"
    return values


def save_hf_checkpoint(
    model: Any,
    out_dir: str | Path,
    tokenizer: Any = None,
    lower_case: bool | None = None,
    vocab_file: str | Path | None = None,
    id2label: dict[int, str] | None = None,
) -> list[Path]:
    """Write ``model`` as an HF checkpoint that `load_hf_checkpoint` (and HF) read back exactly.

    Weights are float32 safetensors with the HF class's names (``bert.`` prefix and head
    names for every model but a bare backbone); config.json names the class in
    ``architectures`` and, for classifiers, the labels.

    Args:
        model: a built `BertBackbone`, `BertPretrainer`, `BertClassifier`,
            `BertTokenClassifier` or `BertSpanLabeler`.
        out_dir: directory to create or overwrite files in.
        tokenizer: a `bert_tf.text.BertTokenizer`; its vocab goes to vocab.txt and its casing
            to tokenizer_config.json.
        lower_case: casing to record when the tokenizer does not carry ``lower_case``.
        vocab_file: a vocab.txt to copy when no tokenizer is given (with ``lower_case``).
        id2label: label names of a classifier's classes (default ``LABEL_i``, as HF).

    Returns:
        The paths written.
    """
    architecture = hf_architecture(model)  # first: TypeError for a model that is not BERT
    weights = WeightMapping(model, "hf").collect()
    if not LAYOUTS[architecture].has_pooler:
        weights = {k: v for k, v in weights.items() if not k.startswith("bert.pooler.")}
    if tokenizer is not None and vocab_file is not None:
        raise ValueError("pass a tokenizer or a vocab_file, not both")
    if vocab_file is not None and not Path(vocab_file).is_file():
        raise FileNotFoundError(f"vocab file not found: {vocab_file}")
    backbone = model if isinstance(model, BertBackbone) else model.backbone
    values = {**config_to_hf_dict(backbone.config, architecture), **_label_config(model, id2label)}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config_path, weights_path = out_dir / CONFIG_FILE, out_dir / WEIGHTS_FILE
    config_path.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
    save_file(weights, str(weights_path), metadata={"format": "pt"})
    written = [config_path, weights_path]
    if tokenizer is not None or vocab_file is not None:
        vocab_path = out_dir / VOCAB_FILE
        if tokenizer is not None:
            _write_vocab(tokenizer, vocab_path)
        elif Path(vocab_file).resolve() != vocab_path.resolve():
            vocab_path.write_bytes(Path(vocab_file).read_bytes())
        casing = getattr(tokenizer, "lower_case", None)
        casing = lower_case if casing is None else casing
        tokenizer_config: dict[str, Any] = {"tokenizer_class": "BertTokenizer"}
        if casing is not None:
            tokenizer_config["do_lower_case"] = bool(casing)
        tokenizer_path = out_dir / TOKENIZER_CONFIG_FILE
        tokenizer_path.write_text(json.dumps(tokenizer_config, indent=2) + "\n", encoding="utf-8")
        written += [vocab_path, tokenizer_path]
    return written
