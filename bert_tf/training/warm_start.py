"""Warm start: read an existing checkpoint and copy its weights into a new pre-trainer.

Example:
    >>> initial = load_initial_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> pretrainer = BertPretrainer(BertBackbone(initial.config))  # doctest: +SKIP
    >>> copy_initial_weights(initial, pretrainer)  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from bert_tf.checkpoints import LoadedCheckpoint, load_checkpoint
from bert_tf.config import BertConfig
from bert_tf.models import BertPretrainer

# BertConfig fields that do not change the weights (a warm start may override them).
NON_ARCHITECTURE_FIELDS = ("dropout", "attention_dropout", "initializer_range")


def load_initial_checkpoint(
    path: str | Path, bert_config: str | Path | None = None, config: BertConfig | None = None
) -> LoadedCheckpoint:
    """Load the checkpoint to warm-start from, in any format `bert_tf.checkpoints` reads.

    Args:
        path: an HF directory (safetensors, sharded safetensors or pytorch_model.bin), a
            google-research TF1 checkpoint prefix (or its directory), a keras-hub preset, a
            `.keras` file or a bert-tf run directory (a `BertBackbone` or `BertPretrainer`;
            a pre-training run's heads come with it), or a `.weights.h5` file of either
            (then `config` is required).
        bert_config: bert_config.json of a google checkpoint (default: beside the checkpoint).
        config: the architecture of a `.weights.h5` file.

    Returns:
        A `LoadedCheckpoint`: `.config`, `.backbone`, and `.model` (a `BertPretrainer` when
        the checkpoint has MLM/NSP heads), with the checkpoint's tokenizer settings.

    Raises:
        FileNotFoundError: nothing at ``path``.
        ValueError: ``path`` is no checkpoint (the message lists the formats looked for).

    Example:
        >>> load_initial_checkpoint("run/backbone.keras").config.num_layers  # doctest: +SKIP
        2
    """
    return load_checkpoint(path, with_heads=True, bert_config=bert_config, config=config)


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
