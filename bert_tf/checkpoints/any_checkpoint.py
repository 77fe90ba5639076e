"""The one checkpoint loader: `CHECKPOINTS`, the registry of every format bert_tf reads.

Formats, in detection order: ``"keras"`` (a `.keras` file), ``"keras-weights"`` (a
`.weights.h5` file with its config), ``"bert-tf"`` (a run directory: model.keras or
backbone.keras beside vocab.txt + tokenizer_config.json), ``"keras-hub"`` (a keras-hub
preset), ``"hf"`` (config.json + model.safetensors, sharded safetensors or pytorch_model.bin)
and ``"google"`` (a google-research TF1 checkpoint; read-only). `load_checkpoint`,
`checkpoint_format` and `save_checkpoint` are the registry's `load`, `detect` and `save`;
`bert-tf finetune --init`, pre-training warm starts, `bert-tf convert` and
`BertBackbone.from_preset` all load through it.

Example:
    >>> checkpoint_format("all-MiniLM-L6-v2/")  # doctest: +SKIP
    'hf'
    >>> loaded = load_checkpoint("uncased_L-2_H-128_A-2/")  # doctest: +SKIP
    >>> loaded.backbone, loaded.lower_case, loaded.max_chars_per_word  # doctest: +SKIP
    (<BertBackbone ...>, True, 200)
    >>> "google" in FORMATS
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_registry import CheckpointRegistry
from bert_tf.checkpoints.google_format import GoogleFormat
from bert_tf.checkpoints.hf_format import HfFormat
from bert_tf.checkpoints.keras_file_format import KerasFileFormat
from bert_tf.checkpoints.keras_hub_format import KerasHubFormat
from bert_tf.checkpoints.keras_weights_format import KerasWeightsFormat
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.run_directory_format import RunDirectoryFormat

CHECKPOINTS = CheckpointRegistry(
    [
        KerasFileFormat(),
        KerasWeightsFormat(),
        RunDirectoryFormat(),
        KerasHubFormat(),
        HfFormat(),
        GoogleFormat(),
    ]
)
FORMATS = CHECKPOINTS.names


def checkpoint_format(path: str | Path) -> str:
    """The name of ``path``'s format (one of `FORMATS`).

    Raises:
        FileNotFoundError: nothing at ``path``.
        ValueError: none fits; the message names the path and lists every format.
    """
    return CHECKPOINTS.detect(path).name


def load_checkpoint(
    path: str | Path,
    with_heads: bool = True,
    load_tokenizer: bool = False,
    format: str | None = None,
    **options: Any,
) -> LoadedCheckpoint:
    """Load the checkpoint at ``path``, whichever format it is in (see `LoadOptions`).

    Raises:
        FileNotFoundError: nothing at ``path``.
        ValueError: ``path`` is none of the formats (the message lists them).
    """
    return CHECKPOINTS.load(
        path, format, with_heads=with_heads, load_tokenizer=load_tokenizer, **options
    )


def save_checkpoint(model: Any, path: str | Path, format: str, **options: Any) -> list[Path]:
    """Write ``model`` at ``path`` in ``format`` (see `SaveOptions`); the paths written."""
    return CHECKPOINTS.save(model, path, format, **options)
