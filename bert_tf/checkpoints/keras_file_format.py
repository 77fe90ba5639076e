"""`KerasFileFormat`: a Keras `.keras` file of a bert_tf model, read and written.

The file holds a `BertBackbone`, a `BertPretrainer` or a task model (`BertClassifier`, ...);
the loaded checkpoint's backbone is its backbone, a pre-trainer keeps its heads and a task
model is `LoadedCheckpoint.task`. A `.keras` file carries no tokenizer: when the folder it is
in records one (tokenizer_config.json, read by `TokenizerSettings`), that vocabulary, casing
and word limit come with it; otherwise the caller names the vocabulary.

Example:
    >>> from bert_tf.config import BertConfig
    >>> from bert_tf.models import BertBackbone
    >>> config = BertConfig(vocab_size=30, hidden_size=16, num_layers=1, num_heads=2,
    ...                     intermediate_size=32, max_position_embeddings=16)
    >>> fmt = KerasFileFormat()
    >>> [p.name for p in fmt.save(BertBackbone(config), "tiny.keras")]
    ['tiny.keras']
    >>> fmt.detect("tiny.keras"), fmt.load("tiny.keras").config.hidden_size
    (True, 16)
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_format import CheckpointFormat, backbone_of
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions


def recorded_tokenizer(directory: Path) -> tuple[Any, Path | None]:
    """(`TokenizerSettings` or None, its vocabulary file or None) recorded in ``directory``."""
    from bert_tf.text.tokenizer_settings import VOCAB_FILE, TokenizerSettings

    settings = TokenizerSettings.read(directory)
    vocab = directory / (settings.vocab_file if settings else VOCAB_FILE)
    return settings, vocab if vocab.is_file() else None


def settle_tokenizer(
    loaded: LoadedCheckpoint, directory: Path | None, options: LoadOptions
) -> LoadedCheckpoint:
    """Give ``loaded`` the tokenizer settings ``directory`` records (and ``options`` ask for)."""
    settings, vocab = recorded_tokenizer(directory) if directory else (None, None)
    loaded.vocab_file = options.vocab_override() or vocab
    loaded.lower_case = options.casing(settings.lower_case if settings else None)
    loaded.max_chars_per_word = settings.max_chars_per_word if settings else None
    return loaded


def _register_models() -> None:
    """Import every `bert_tf.models` module: each registers its model class with Keras."""
    import bert_tf.models

    for module in pkgutil.iter_modules(bert_tf.models.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"bert_tf.models.{module.name}")


def load_keras_model(path: Path, with_heads: bool) -> LoadedCheckpoint:
    """A `LoadedCheckpoint` of the bert_tf model in the `.keras` file ``path``."""
    import keras

    from bert_tf.models import BertBackbone, BertPretrainer

    _register_models()
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    model = keras.saving.load_model(path, compile=False)
    backbone = backbone_of(model, str(path))
    keep = isinstance(model, BertPretrainer) and with_heads
    task = None if isinstance(model, (BertBackbone, BertPretrainer)) else model
    return LoadedCheckpoint(
        model=model if keep else backbone,
        backbone=backbone,
        config=backbone.config,
        source=str(path),
        task=task,
    )


class KerasFileFormat(CheckpointFormat):
    """A `.keras` file; see the module docstring."""

    name = "keras"
    description = "a .keras file of a bert_tf BertBackbone, BertPretrainer or task model"

    def detect(self, path: str | Path) -> bool:
        path = Path(path)
        return path.suffix == ".keras" and path.is_file()

    def vocab_file(self, path: str | Path) -> Path | None:
        settings, vocab = recorded_tokenizer(Path(path).parent)
        return vocab if settings is not None else None

    def load(self, path: str | Path, options: LoadOptions | None = None) -> LoadedCheckpoint:
        options = options or LoadOptions()
        path = Path(path)
        loaded = load_keras_model(path, options.with_heads)
        settings, _ = recorded_tokenizer(path.parent)
        return settle_tokenizer(loaded, path.parent if settings else None, options)

    def save(self, model: Any, path: str | Path, options: SaveOptions | None = None) -> list[Path]:
        path = Path(path)
        if path.suffix != ".keras":
            raise ValueError(f"{path}: a Keras model file's name ends in .keras")
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
        return [path]
