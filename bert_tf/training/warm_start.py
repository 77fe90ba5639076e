"""Warm start: read an existing checkpoint and copy its weights into a new pre-trainer.

Example:
    >>> initial = load_initial_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> pretrainer = BertPretrainer(BertBackbone(initial.config))  # doctest: +SKIP
    >>> copy_initial_weights(initial, pretrainer)  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras

from bert_tf.checkpoints import LoadedCheckpoint, load_google_checkpoint, load_hf_checkpoint
from bert_tf.config import BertConfig
from bert_tf.models import BertBackbone, BertPretrainer

# BertConfig fields that do not change the weights (a warm start may override them).
NON_ARCHITECTURE_FIELDS = ("dropout", "attention_dropout", "initializer_range")


def _is_google_prefix(path: Path) -> bool:
    if path.is_dir():
        return (path / "checkpoint").is_file()
    return Path(f"{path}.index").is_file()


def load_initial_checkpoint(
    path: str | Path, bert_config: str | Path | None = None, config: BertConfig | None = None
) -> LoadedCheckpoint:
    """Load the checkpoint to warm-start from, whatever its format.

    Args:
        path: an HF directory (config.json + model.safetensors), a google-research TF1
            checkpoint prefix (or its directory), a `.keras` file of a `BertBackbone` or
            `BertPretrainer`, or a `.weights.h5` file of either (then `config` is required).
        bert_config: bert_config.json of a google checkpoint (default: beside the checkpoint).
        config: the architecture of a `.weights.h5` file.

    Returns:
        A `LoadedCheckpoint`: `.config`, `.backbone`, and `.model` (a `BertPretrainer` when
        the checkpoint has MLM/NSP heads).

    Example:
        >>> load_initial_checkpoint("run/backbone.keras").config.num_layers  # doctest: +SKIP
        2
    """
    path = Path(path)
    if path.is_dir() and (path / "model.safetensors").is_file():
        return load_hf_checkpoint(path, load_tokenizer=False)
    if _is_google_prefix(path):
        folder = path if path.is_dir() else path.parent
        config_path = Path(bert_config) if bert_config else folder / "bert_config.json"
        return load_google_checkpoint(path, config_path, load_tokenizer=False)
    if not path.exists():
        raise FileNotFoundError(f"warm-start checkpoint not found: {path}")
    if path.name.endswith(".weights.h5"):
        if config is None:
            raise ValueError(f"{path}: a .weights.h5 warm start needs the model's bert_config")
        pretrainer = BertPretrainer(BertBackbone(config))
        try:
            pretrainer.load_weights(path)
            model: Any = pretrainer
        except ValueError:
            model = pretrainer.backbone
            model.load_weights(path)
        return LoadedCheckpoint(
            model=model, backbone=pretrainer.backbone, config=config, source=str(path)
        )
    if path.suffix == ".keras":
        model = keras.saving.load_model(path, compile=False)
        if isinstance(model, BertPretrainer):
            backbone = model.backbone
        elif isinstance(model, BertBackbone):
            backbone = model
        else:
            raise ValueError(f"{path}: holds a {type(model).__name__}, not a BERT backbone")
        return LoadedCheckpoint(
            model=model, backbone=backbone, config=backbone.config, source=str(path)
        )
    raise ValueError(
        f"{path}: not a warm-start checkpoint (expected an HF directory, a google-research "
        "checkpoint prefix, a .keras or a .weights.h5 file)"
    )


def check_same_architecture(initial: BertConfig, target: BertConfig, source: str) -> None:
    """Raise ValueError naming every architecture field where `target` differs from `initial`."""
    ignored = set(NON_ARCHITECTURE_FIELDS)
    left, right = initial.to_dict(), target.to_dict()
    diffs = [
        f"{k}={left[k]} vs {right[k]}" for k in left if k not in ignored and left[k] != right[k]
    ]
    if diffs:
        raise ValueError(f"{source}: checkpoint and model differ in {'; '.join(diffs)}")


def copy_initial_weights(initial: LoadedCheckpoint, pretrainer: BertPretrainer) -> list[str]:
    """Copy the backbone (and, when present, the MLM/NSP heads) into `pretrainer`.

    Returns the parts copied, e.g. ["backbone", "mlm_head", "nsp_head"]. New heads keep
    their fresh initialisation when the checkpoint has none.
    """
    check_same_architecture(initial.config, pretrainer.backbone.config, initial.source)
    pretrainer.backbone.set_weights(initial.backbone.get_weights())
    copied = ["backbone"]
    if isinstance(initial.model, BertPretrainer):
        for name in ("mlm_head", "nsp_head"):
            getattr(pretrainer, name).set_weights(getattr(initial.model, name).get_weights())
            copied.append(name)
    return copied
