"""`GoogleFormat`: the original google-research/bert TF1 checkpoints. Read-only.

A checkpoint prefix (``bert_model.ckpt``, whose files are ``.index`` and ``.data-*``), or a
directory holding one (a ``checkpoint`` file, or a single ``*.ckpt*.index``), with
bert_config.json (and vocab.txt) beside it. Its tokenizer lower-cases unless told otherwise
(the release does not record casing: a flag decides, else the folder name of a released model,
as google-research's `validate_case_matches_checkpoint` knows them, else "uncased", the
default) and splits words of up to 200 characters (google-research's
``max_input_chars_per_word``). bert_tf does not write this format: `save` raises ValueError
(write HF instead, which every tool reads).

Example:
    >>> GoogleFormat().detect("no/such/bert_model.ckpt"), GoogleFormat().writable
    (False, False)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_format import CheckpointFormat
from bert_tf.checkpoints.google_checkpoint import load_google_checkpoint
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions

CONFIG_FILE = "bert_config.json"
# The released models google-research's tokenization.validate_case_matches_checkpoint names.
RELEASED_CASING = {
    "uncased_L-24_H-1024_A-16": True,
    "uncased_L-12_H-768_A-12": True,
    "multilingual_L-12_H-768_A-12": True,
    "chinese_L-12_H-768_A-12": True,
    "cased_L-12_H-768_A-12": False,
    "cased_L-24_H-1024_A-16": False,
    "multi_cased_L-12_H-768_A-12": False,
}


def released_casing(path: Path) -> bool | None:
    """`do_lower_case` of a released google-research model by its folder name, else None."""
    return RELEASED_CASING.get(_folder(Path(path)).name)


def google_prefix(path: Path) -> Path | None:
    """The checkpoint prefix (or directory with a ``checkpoint`` file) at ``path``, or None."""
    if Path(f"{path}.index").is_file():
        return path
    if path.is_dir():
        if (path / "checkpoint").is_file():
            return path  # load_google_checkpoint follows the checkpoint file
        indexes = sorted(path.glob("*.ckpt*.index"))
        if len(indexes) == 1:
            return indexes[0].with_suffix("")
    return None


def _folder(path: Path) -> Path:
    return path if path.is_dir() else path.parent


class GoogleFormat(CheckpointFormat):
    """A google-research TF1 checkpoint; see the module docstring."""

    name = "google"
    description = (
        "a google-research TF1 checkpoint (a bert_model.ckpt prefix with .index/.data files, "
        "or its directory, with bert_config.json)"
    )
    writable = False

    def detect(self, path: str | Path) -> bool:
        return google_prefix(Path(path)) is not None

    def vocab_file(self, path: str | Path) -> Path | None:
        vocab = _folder(Path(path)) / "vocab.txt"
        return vocab if vocab.is_file() else None

    def load(self, path: str | Path, options: LoadOptions | None = None) -> LoadedCheckpoint:
        options = options or LoadOptions()
        path = Path(path)
        config = options.bert_config or _folder(path) / CONFIG_FILE
        return load_google_checkpoint(
            google_prefix(path) or path,  # the loader names a missing prefix
            config,
            with_heads=options.with_heads,
            vocab_file=options.vocab_file,
            lower_case=options.casing(released_casing(path)),  # not recorded in the files
            load_tokenizer=False,
        )

    def save(self, model: Any, path: str | Path, options: SaveOptions | None = None) -> list[Path]:
        raise ValueError(
            f"{path}: google-research TF1 checkpoints are read, not written, by bert_tf; "
            "write one of hf, keras-hub, keras or bert-tf instead"
        )
