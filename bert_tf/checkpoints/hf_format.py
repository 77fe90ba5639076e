"""`HfFormat`: HF transformers BERT directories, read and written.

Read: config.json with model.safetensors, sharded safetensors (model.safetensors.index.json
+ shards), or pytorch_model.bin (sharded or not; read without torch), in every ``BertFor*``
layout (`load_hf_checkpoint`). Written: config.json + model.safetensors (+ vocab.txt and HF's
tokenizer_config.json) by `save_hf_checkpoint`. Casing: HF's tokenizer_config.json
``do_lower_case``, with its other tokenizer settings (``strip_accents``,
``tokenize_chinese_chars``, ``never_split`` and added special tokens, ``model_max_length``);
the word limit is HF's 100 (recorded as None, the tokenizer default).

Example:
    >>> HfFormat().detect("all-MiniLM-L6-v2/")  # doctest: +SKIP
    True
    >>> HfFormat().load("all-MiniLM-L6-v2/").lower_case  # doctest: +SKIP
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_format import CheckpointFormat
from bert_tf.checkpoints.hf_checkpoint import load_hf_checkpoint, read_lower_case
from bert_tf.checkpoints.hf_export import VOCAB_FILE, save_hf_checkpoint
from bert_tf.checkpoints.hf_weights_file import WEIGHTS_FILES
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions

_WEIGHTS = (*WEIGHTS_FILES, *(f"{name}.index.json" for name in WEIGHTS_FILES))


class HfFormat(CheckpointFormat):
    """An HF directory; see the module docstring."""

    name = "hf"
    description = (
        "an HF directory (config.json + model.safetensors, sharded "
        "model.safetensors.index.json, or pytorch_model.bin)"
    )

    def detect(self, path: str | Path) -> bool:
        path = Path(path)
        return path.is_dir() and any((path / name).is_file() for name in _WEIGHTS)

    def vocab_file(self, path: str | Path) -> Path | None:
        vocab = Path(path) / VOCAB_FILE
        return vocab if vocab.is_file() else None

    def load(self, path: str | Path, options: LoadOptions | None = None) -> LoadedCheckpoint:
        options = options or LoadOptions()
        path = Path(path)
        recorded = read_lower_case(path) if path.is_dir() else None
        loaded = load_hf_checkpoint(
            path,
            with_heads=options.with_heads,
            load_tokenizer=False,
            lower_case=options.casing(recorded),
            strict=options.strict,
        )
        loaded.vocab_file = options.vocab_override() or loaded.vocab_file
        return loaded

    def save(self, model: Any, path: str | Path, options: SaveOptions | None = None) -> list[Path]:
        options = options or SaveOptions()
        return save_hf_checkpoint(
            model,
            path,
            lower_case=options.lower_case,
            vocab_file=options.vocab_file,
            id2label=options.id2label,
        )
