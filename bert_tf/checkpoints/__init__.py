"""Import and export of existing BERT checkpoints: HF, google-research TF1 and keras-hub.

`load_checkpoint` recognises the format on disk; `load_hf_checkpoint` reads every BERT layout
HF writes (safetensors or pytorch_model.bin, read without torch); `LoadedCheckpoint.task_model`
builds the bert_tf task model of an HF head.

Example:
    >>> from bert_tf.checkpoints import load_hf_checkpoint, save_hf_checkpoint
    >>> loaded = load_hf_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> save_hf_checkpoint(loaded.model, "copy/", tokenizer=loaded.tokenizer)  # doctest: +SKIP
"""

from bert_tf.checkpoints.any_checkpoint import checkpoint_format, load_checkpoint
from bert_tf.checkpoints.checkpoint_error import CheckpointError
from bert_tf.checkpoints.checkpoint_warning import CheckpointWarning
from bert_tf.checkpoints.config_json import config_from_json_dict, config_to_hf_dict
from bert_tf.checkpoints.google_checkpoint import load_google_checkpoint
from bert_tf.checkpoints.hf_checkpoint import load_hf_checkpoint, save_hf_checkpoint
from bert_tf.checkpoints.keras_hub_preset import load_keras_hub_preset, save_keras_hub_preset
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.torch_bin import read_torch_bin
from bert_tf.checkpoints.weight_mapping import WeightMapping

__all__ = [
    "CheckpointError",
    "CheckpointWarning",
    "LoadedCheckpoint",
    "WeightMapping",
    "checkpoint_format",
    "config_from_json_dict",
    "config_to_hf_dict",
    "load_checkpoint",
    "load_google_checkpoint",
    "load_hf_checkpoint",
    "load_keras_hub_preset",
    "read_torch_bin",
    "save_hf_checkpoint",
    "save_keras_hub_preset",
]
