"""`KerasWeightsFormat`: a Keras `.weights.h5` file of a `BertPretrainer` or `BertBackbone`.

The file holds weights only, so loading needs the architecture (`LoadOptions.config`, e.g.
the ``bert_config`` of a warm start); a pre-trainer's file keeps its heads. As for `.keras`
files, the tokenizer is the one its folder records (tokenizer_config.json), if any.

Example:
    >>> from bert_tf.config import BertConfig
    >>> from bert_tf.models import BertBackbone
    >>> config = BertConfig(vocab_size=30, hidden_size=16, num_layers=1, num_heads=2,
    ...                     intermediate_size=32, max_position_embeddings=16)
    >>> fmt = KerasWeightsFormat()
    >>> _ = fmt.save(BertBackbone(config), "tiny.weights.h5")
    >>> fmt.load("tiny.weights.h5", LoadOptions(config=config)).has_heads
    False
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_format import CheckpointFormat
from bert_tf.checkpoints.keras_file_format import recorded_tokenizer, settle_tokenizer
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions

SUFFIX = ".weights.h5"


class KerasWeightsFormat(CheckpointFormat):
    """A `.weights.h5` file; see the module docstring."""

    name = "keras-weights"
    description = "a .weights.h5 file of a BertPretrainer or BertBackbone (with its config)"

    def detect(self, path: str | Path) -> bool:
        path = Path(path)
        return path.name.endswith(SUFFIX) and path.is_file()

    def vocab_file(self, path: str | Path) -> Path | None:
        settings, vocab = recorded_tokenizer(Path(path).parent)
        return vocab if settings is not None else None

    def load(self, path: str | Path, options: LoadOptions | None = None) -> LoadedCheckpoint:
        from bert_tf.models import BertBackbone, BertPretrainer

        options = options or LoadOptions()
        path = Path(path)
        if options.config is None:
            raise ValueError(
                f"{path}: a .weights.h5 file holds no architecture; loading it needs the "
                "model's bert_config"
            )
        if not path.is_file():
            raise FileNotFoundError(f"weights file not found: {path}")
        pretrainer = BertPretrainer(BertBackbone(options.config))
        try:
            pretrainer.load_weights(path)
            model: Any = pretrainer if options.with_heads else pretrainer.backbone
        except ValueError:  # a backbone's weights
            model = pretrainer.backbone
            model.load_weights(path)
        loaded = LoadedCheckpoint(
            model=model, backbone=pretrainer.backbone, config=options.config, source=str(path)
        )
        settings, _ = recorded_tokenizer(path.parent)
        return settle_tokenizer(loaded, path.parent if settings else None, options)

    def save(self, model: Any, path: str | Path, options: SaveOptions | None = None) -> list[Path]:
        path = Path(path)
        if not path.name.endswith(SUFFIX):
            raise ValueError(f"{path}: a Keras weights file's name ends in {SUFFIX}")
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save_weights(path)
        return [path]
