"""Where a fine-tuning run's encoder comes from: a preset (random weights) or a checkpoint in
any format the checkpoint registry reads (`bert_tf.checkpoints`), with its tokenizer.

Example:
    >>> backbone, tokenizer, vocab = load_backbone("bert_tiny", "vocab.txt")  # random weights
    >>> backbone.config.num_layers, tokenizer.vocab_size, vocab.name
    (2, 30522, 'vocab.txt')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def make_tokenizer(
    vocab_file: str | Path, lower_case: bool = True, max_chars_per_word: int | None = None
) -> Any:
    """The `BertTokenizer` of a vocabulary (tensorflow-text loads on first use)."""
    from bert_tf.text import BertTokenizer

    limit = {} if max_chars_per_word is None else {"max_chars_per_word": max_chars_per_word}
    return BertTokenizer(vocab_file, lower_case=lower_case, **limit)


def load_backbone(
    init: str,
    vocab_file: str | Path | None = None,
    lower_case: bool = True,
    **config_overrides: Any,
) -> tuple[Any, Any, Path]:
    """(backbone, tokenizer, vocab file) to start fine-tuning or feature extraction from.

    Args:
        init: a preset name ("bert_base": random weights) or a checkpoint in any format
            `bert_tf.checkpoints` reads (`bert_tf.checkpoints.FORMATS`): an HF directory
            (safetensors, sharded safetensors or pytorch_model.bin), a keras-hub preset, a
            google-research TF1 checkpoint, a `.keras` file (a backbone, pre-trainer or task
            model; its backbone is used), or a run directory with `model.keras` (fine-tuning)
            or `backbone.keras` (`bert-tf pretrain`) beside `vocab.txt`.
        vocab_file: WordPiece vocabulary; required for a preset or a checkpoint without one
            (a bare `.keras` file).
        lower_case: tokenizer casing where the checkpoint does not record it.
        config_overrides: BertConfig fields for a preset (e.g. num_layers=2 for tests).

    The tokenizer has the checkpoint's casing and word limit: 200 characters for a
    google-research checkpoint, what a run directory's tokenizer_config.json records, else
    the default (100). `init` and `vocab_file` may be URLs (`gs://...`): they are read from
    a local copy.
    """
    from bert_tf import storage

    init = storage.local_copy(init) if storage.is_url(init) else init
    vocab_file = storage.local_copy(str(vocab_file)) if vocab_file else vocab_file
    path = Path(init)
    if path.exists() or Path(f"{path}.index").exists():  # a checkpoint, whatever its format
        from bert_tf.checkpoints.any_checkpoint import CHECKPOINTS

        fmt = CHECKPOINTS.detect(path)
        vocab = Path(vocab_file) if vocab_file else fmt.vocab_file(path)
        if vocab is None:
            raise ValueError(
                f"{path}: a {fmt.name} checkpoint without a vocabulary needs --vocab for its "
                "tokenizer"
            )
        loaded = CHECKPOINTS.load(
            path, fmt.name, with_heads=False, default_lower_case=lower_case, vocab_file=vocab
        )
        loaded.backbone.trainable = True
        tokenizer = loaded.make_tokenizer(vocab)  # the checkpoint's casing and options
        return loaded.backbone, tokenizer, vocab
    from bert_tf.config import PRESETS
    from bert_tf.models import BertBackbone

    if init not in PRESETS:
        raise FileNotFoundError(
            f"--init {init!r} is neither an existing path nor a preset ({', '.join(PRESETS)})"
        )
    if vocab_file is None:
        raise ValueError(f"preset {init!r} needs --vocab (its weights start random)")
    tokenizer = make_tokenizer(vocab_file, lower_case)
    overrides = {"vocab_size": tokenizer.vocab_size, **config_overrides}
    return BertBackbone.from_preset(init, **overrides), tokenizer, Path(vocab_file)
