"""`RunDirectoryFormat`: a bert_tf run directory, read and written.

What `bert-tf pretrain` and `bert-tf finetune` leave behind: ``model.keras`` (a fine-tuned
task model) or ``backbone.keras`` (a pre-trained backbone, with ``pretrainer.weights.h5``
holding its MLM/NSP heads) beside ``vocab.txt`` and ``tokenizer_config.json``. The tokenizer
settings (casing, word limit, the vocabulary's hash) are read and written through
`bert_tf.text.tokenizer_settings.TokenizerSettings`; a vocabulary whose hash differs from the
recorded one is refused. `save` writes the same layout.

Example:
    >>> from bert_tf.config import BertConfig
    >>> from bert_tf.models import BertBackbone
    >>> config = BertConfig(vocab_size=30522, hidden_size=16, num_layers=1, num_heads=2,
    ...                     intermediate_size=32, max_position_embeddings=16)
    >>> fmt = RunDirectoryFormat()
    >>> options = SaveOptions(vocab_file="vocab.txt", lower_case=False, max_chars_per_word=200)
    >>> [p.name for p in fmt.save(BertBackbone(config), "run", options)]
    ['backbone.keras', 'vocab.txt', 'tokenizer_config.json']
    >>> loaded = fmt.load("run")
    >>> loaded.lower_case, loaded.max_chars_per_word, loaded.vocab_file.name
    (False, 200, 'vocab.txt')
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_format import CheckpointFormat
from bert_tf.checkpoints.keras_file_format import (
    load_keras_model,
    recorded_tokenizer,
    settle_tokenizer,
)
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions

MODEL_FILES = ("model.keras", "backbone.keras")  # a fine-tuning run's, a pre-training run's
HEADS_FILE = "pretrainer.weights.h5"  # a pre-training run's MLM/NSP heads (and backbone)


def _check_vocab_hash(directory: Path) -> None:
    settings, vocab = recorded_tokenizer(directory)
    if settings is None or not settings.vocab_sha256 or vocab is None:
        return
    digest = hashlib.sha256(vocab.read_bytes()).hexdigest()
    if digest != settings.vocab_sha256:
        raise ValueError(
            f"{vocab}: its SHA-256 {digest[:12]}... is not the {settings.vocab_sha256[:12]}... "
            f"that {directory / 'tokenizer_config.json'} records; the model was trained with "
            "another vocabulary"
        )


class RunDirectoryFormat(CheckpointFormat):
    """A bert_tf run directory; see the module docstring."""

    name = "bert-tf"
    description = (
        "a bert-tf run directory (model.keras or backbone.keras beside vocab.txt + "
        "tokenizer_config.json)"
    )

    def detect(self, path: str | Path) -> bool:
        path = Path(path)
        return path.is_dir() and any((path / name).is_file() for name in MODEL_FILES)

    def vocab_file(self, path: str | Path) -> Path | None:
        return recorded_tokenizer(Path(path))[1]

    def load(self, path: str | Path, options: LoadOptions | None = None) -> LoadedCheckpoint:
        from bert_tf.models import BertPretrainer

        options = options or LoadOptions()
        path = Path(path)
        model_file = next((path / n for n in MODEL_FILES if (path / n).is_file()), None)
        if model_file is None:
            raise FileNotFoundError(f"{path}: no {' or '.join(MODEL_FILES)} in the directory")
        if options.vocab_file is None:
            _check_vocab_hash(path)
        loaded = load_keras_model(model_file, options.with_heads)
        heads = path / HEADS_FILE
        if model_file.name == "backbone.keras" and options.with_heads and heads.is_file():
            pretrainer = BertPretrainer(loaded.backbone)
            pretrainer.load_weights(heads)
            loaded.model = pretrainer
        loaded.source = str(path)
        return settle_tokenizer(loaded, path, options)

    def save(self, model: Any, path: str | Path, options: SaveOptions | None = None) -> list[Path]:
        from bert_tf.models import BertBackbone, BertPretrainer
        from bert_tf.text.tokenizer_settings import CONFIG_FILE, TokenizerSettings

        options = options or SaveOptions()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if isinstance(model, (BertBackbone, BertPretrainer)):
            backbone = model if isinstance(model, BertBackbone) else model.backbone
            backbone.save(path / "backbone.keras")
            written = [path / "backbone.keras"]
            if isinstance(model, BertPretrainer):
                model.save_weights(path / HEADS_FILE)
                written.append(path / HEADS_FILE)
        else:
            model.save(path / "model.keras")
            written = [path / "model.keras"]
        if options.vocab_file is not None:
            settings = TokenizerSettings(options.casing(), options.max_chars_per_word)
            settings = settings.write(path, vocab_source=options.vocab_file)
            written += [path / settings.vocab_file, path / CONFIG_FILE]
        return written
