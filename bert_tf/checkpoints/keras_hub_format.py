"""`KerasHubFormat`: local keras-hub BERT presets, read and written (needs keras-hub).

A preset directory as ``save_to_preset`` writes it: config.json of a ``keras_hub>`` model,
model.weights.h5, and with a tokenizer tokenizer.json (its ``lowercase``) and
assets/tokenizer/vocabulary.txt. See `load_keras_hub_preset` / `save_keras_hub_preset`;
a pre-trainer's heads are not part of a backbone preset, so `save` writes its backbone.

Example:
    >>> KerasHubFormat().detect("bert_tiny_en_uncased/")  # doctest: +SKIP
    True
    >>> KerasHubFormat().name
    'keras-hub'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_format import CheckpointFormat, backbone_of, files_under
from bert_tf.checkpoints.keras_hub_preset import (
    VOCAB_PATH,
    is_keras_hub_preset,
    load_keras_hub_preset,
    save_keras_hub_preset,
)
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions


class KerasHubFormat(CheckpointFormat):
    """A keras-hub preset directory; see the module docstring."""

    name = "keras-hub"
    description = "a keras-hub preset (config.json of a keras_hub model + model.weights.h5)"

    def detect(self, path: str | Path) -> bool:
        return Path(path).is_dir() and is_keras_hub_preset(path)

    def vocab_file(self, path: str | Path) -> Path | None:
        vocab = Path(path) / VOCAB_PATH
        return vocab if vocab.is_file() else None

    def load(self, path: str | Path, options: LoadOptions | None = None) -> LoadedCheckpoint:
        options = options or LoadOptions()
        loaded = load_keras_hub_preset(path, load_tokenizer=False)
        recorded = loaded.lower_case if (Path(path) / "tokenizer.json").is_file() else None
        loaded.lower_case = options.casing(recorded)
        loaded.vocab_file = options.vocab_override() or loaded.vocab_file
        return loaded

    def save(self, model: Any, path: str | Path, options: SaveOptions | None = None) -> list[Path]:
        options = options or SaveOptions()
        out = save_keras_hub_preset(
            backbone_of(model, str(path)),
            path,
            vocab_file=options.vocab_file,
            lower_case=options.casing(),
            allow_gelu_approximation=options.allow_gelu_approximation,
        )
        return files_under(Path(out))
