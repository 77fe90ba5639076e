"""Import and export of existing BERT checkpoints: HF safetensors and google-research TF1.

Example:
    >>> from bert_tf.checkpoints import load_hf_checkpoint, save_hf_checkpoint
    >>> loaded = load_hf_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> save_hf_checkpoint(loaded.model, "copy/", tokenizer=loaded.tokenizer)  # doctest: +SKIP
"""

from bert_tf.checkpoints.checkpoint_error import CheckpointError
from bert_tf.checkpoints.checkpoint_warning import CheckpointWarning
from bert_tf.checkpoints.config_json import config_from_json_dict, config_to_hf_dict
from bert_tf.checkpoints.google_checkpoint import load_google_checkpoint
from bert_tf.checkpoints.hf_checkpoint import load_hf_checkpoint, save_hf_checkpoint
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.torch_bin import read_torch_bin
from bert_tf.checkpoints.weight_mapping import WeightMapping

__all__ = [
    "CheckpointError",
    "CheckpointWarning",
    "LoadedCheckpoint",
    "WeightMapping",
    "config_from_json_dict",
    "config_to_hf_dict",
    "load_google_checkpoint",
    "load_hf_checkpoint",
    "read_torch_bin",
    "save_hf_checkpoint",
]
