"""Import and export of BERT checkpoints: HF, google-research TF1, keras-hub, Keras, run dirs.

`load_checkpoint` recognises the format on disk through `CHECKPOINTS`, the one registry of
formats (`CheckpointFormat` subclasses), and returns a `LoadedCheckpoint` with the tokenizer
settings (vocabulary, casing, word limit); `save_checkpoint` writes a model in a named format.
`load_hf_checkpoint` reads every BERT layout HF writes (safetensors or pytorch_model.bin, read
without torch); `LoadedCheckpoint.task_model` builds the bert_tf task model of an HF head.

Example:
    >>> from bert_tf.checkpoints import load_hf_checkpoint, save_hf_checkpoint
    >>> loaded = load_hf_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> save_hf_checkpoint(loaded.model, "copy/", tokenizer=loaded.tokenizer)  # doctest: +SKIP
"""

from bert_tf.checkpoints.any_checkpoint import (
    CHECKPOINTS,
    FORMATS,
    checkpoint_format,
    load_checkpoint,
    save_checkpoint,
)
from bert_tf.checkpoints.checkpoint_error import CheckpointError
from bert_tf.checkpoints.checkpoint_format import CheckpointFormat
from bert_tf.checkpoints.checkpoint_registry import CheckpointRegistry
from bert_tf.checkpoints.checkpoint_warning import CheckpointWarning
from bert_tf.checkpoints.config_json import config_from_json_dict, config_to_hf_dict
from bert_tf.checkpoints.google_checkpoint import load_google_checkpoint
from bert_tf.checkpoints.hf_checkpoint import load_hf_checkpoint, save_hf_checkpoint
from bert_tf.checkpoints.keras_hub_preset import load_keras_hub_preset, save_keras_hub_preset
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions
from bert_tf.checkpoints.torch_bin import read_torch_bin
from bert_tf.checkpoints.weight_mapping import WeightMapping

__all__ = [
    "CHECKPOINTS",
    "FORMATS",
    "CheckpointError",
    "CheckpointFormat",
    "CheckpointRegistry",
    "CheckpointWarning",
    "LoadOptions",
    "LoadedCheckpoint",
    "SaveOptions",
    "WeightMapping",
    "checkpoint_format",
    "config_from_json_dict",
    "config_to_hf_dict",
    "load_checkpoint",
    "load_google_checkpoint",
    "load_hf_checkpoint",
    "load_keras_hub_preset",
    "read_torch_bin",
    "save_checkpoint",
    "save_hf_checkpoint",
    "save_keras_hub_preset",
]
