"""Recognise a checkpoint's format from what is on disk, and load it: one entry point.

Formats: ``"hf"`` (config.json with ``model_type`` + model.safetensors / pytorch_model.bin),
``"keras-hub"`` (a keras-hub preset: config.json of a keras_hub model + model.weights.h5),
``"google"`` (a google-research TF1 checkpoint prefix, or a directory with bert_config.json
and one), ``"bert-tf"`` (a `bert-tf` run directory with backbone.keras or model.keras, or a
.keras file).

Example:
    >>> checkpoint_format("all-MiniLM-L6-v2/")  # doctest: +SKIP
    'hf'
    >>> load_checkpoint("uncased_L-2_H-128_A-2/").backbone  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

from bert_tf.checkpoints.google_checkpoint import load_google_checkpoint
from bert_tf.checkpoints.hf_checkpoint import load_hf_checkpoint
from bert_tf.checkpoints.hf_weights_file import WEIGHTS_FILES
from bert_tf.checkpoints.keras_hub_preset import is_keras_hub_preset, load_keras_hub_preset
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint

FORMATS = ("hf", "keras-hub", "google", "bert-tf")
_KERAS_FILES = ("backbone.keras", "model.keras")


def _google_prefix(path: Path) -> Path | None:
    if Path(f"{path}.index").is_file():
        return path
    if path.is_dir():
        if (path / "checkpoint").is_file():
            return path  # load_google_checkpoint follows the checkpoint file
        indexes = sorted(path.glob("*.ckpt*.index"))
        if len(indexes) == 1:
            return indexes[0].with_suffix("")
    return None


def checkpoint_format(path: str | Path) -> str:
    """One of `FORMATS`; ValueError naming what was looked for when none fits."""
    path = Path(path)
    if path.suffix == ".keras" and path.is_file():
        return "bert-tf"
    if path.is_dir() and any((path / name).is_file() for name in _KERAS_FILES):
        return "bert-tf"
    if path.is_dir() and is_keras_hub_preset(path):
        return "keras-hub"
    weights = [*WEIGHTS_FILES, *(f"{name}.index.json" for name in WEIGHTS_FILES)]
    if path.is_dir() and any((path / name).is_file() for name in weights):
        return "hf"
    if _google_prefix(path) is not None:
        return "google"
    if not path.exists() and not Path(f"{path}.index").exists():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    raise ValueError(
        f"{path}: not a checkpoint this reads (an HF directory with config.json + "
        "model.safetensors or pytorch_model.bin, a keras-hub preset, a google-research TF1 "
        "checkpoint with bert_config.json, or a bert-tf backbone.keras / model.keras)"
    )


def _load_keras(path: Path) -> LoadedCheckpoint:
    import keras

    from bert_tf.models import BertBackbone

    folder = path.parent if path.is_file() else path
    if path.is_dir():
        path = next(path / name for name in _KERAS_FILES if (path / name).is_file())
    model = keras.saving.load_model(path, compile=False)
    backbone = model if isinstance(model, BertBackbone) else getattr(model, "backbone", None)
    if not isinstance(backbone, BertBackbone):
        raise ValueError(f"{path}: holds a {type(model).__name__}, not a bert_tf BERT model")
    lower_case = True
    tokenizer_config = folder / "tokenizer_config.json"
    if tokenizer_config.is_file():
        values = json.loads(tokenizer_config.read_text(encoding="utf-8"))
        lower_case = bool(values.get("lower_case", values.get("do_lower_case", True)))
    vocab = folder / "vocab.txt"
    return LoadedCheckpoint(
        model=model,
        backbone=backbone,
        config=backbone.config,
        vocab_file=vocab if vocab.is_file() else None,
        lower_case=lower_case,
        source=str(path),
    )


def load_checkpoint(
    path: str | Path, with_heads: bool = True, load_tokenizer: bool = False
) -> LoadedCheckpoint:
    """Load an HF, keras-hub, google-research or bert-tf checkpoint, whichever ``path`` is.

    Raises:
        FileNotFoundError: nothing at ``path``.
        ValueError: ``path`` is none of the formats (the message lists them).
    """
    path = Path(path)
    kind = checkpoint_format(path)
    if kind == "hf":
        return load_hf_checkpoint(path, with_heads=with_heads, load_tokenizer=load_tokenizer)
    if kind == "keras-hub":
        return load_keras_hub_preset(path, load_tokenizer=load_tokenizer)
    if kind == "google":
        folder = path if path.is_dir() else path.parent
        return load_google_checkpoint(
            _google_prefix(path),
            folder / "bert_config.json",
            with_heads=with_heads,
            load_tokenizer=load_tokenizer,
        )
    return _load_keras(path)
