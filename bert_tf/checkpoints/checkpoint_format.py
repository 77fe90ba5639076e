"""`CheckpointFormat`: one kind of checkpoint on disk, recognised, read and (maybe) written.

Each format is a small subclass (`HfFormat`, `GoogleFormat`, `KerasHubFormat`,
`KerasFileFormat`, `KerasWeightsFormat`, `RunDirectoryFormat`) registered in a
`CheckpointRegistry`; callers go through the registry and never switch on format names.

Example:
    >>> from bert_tf.checkpoints.hf_format import HfFormat
    >>> fmt = HfFormat()
    >>> fmt.name, fmt.writable, fmt.detect("no/such/dir")
    ('hf', True, False)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions


class CheckpointFormat:
    """Base class of the checkpoint formats; see the module docstring.

    Attributes:
        name: the format's name in `FORMATS`, ``bert-tf convert --from/--to`` and errors.
        description: what the format looks like on disk (listed when nothing fits a path).
        writable: whether `save` writes it (False: `save` raises ValueError).
    """

    name = ""
    description = ""
    writable = True

    def detect(self, path: str | Path) -> bool:
        """Whether ``path`` is a checkpoint of this format (looks at names, loads nothing)."""
        raise NotImplementedError

    def vocab_file(self, path: str | Path) -> Path | None:
        """The vocabulary the checkpoint at ``path`` keeps, or None (loads no weights)."""
        return None

    def load(self, path: str | Path, options: LoadOptions | None = None) -> LoadedCheckpoint:
        """The model, its config and its tokenizer settings (vocab, casing, word limit)."""
        raise NotImplementedError

    def save(self, model: Any, path: str | Path, options: SaveOptions | None = None) -> list[Path]:
        """Write ``model`` (and the tokenizer settings of ``options``); the paths written."""
        raise ValueError(f"{path}: {self.name} checkpoints are read here, not written")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def backbone_of(model: Any, source: str) -> Any:
    """``model`` when it is a `BertBackbone`, else its ``.backbone``; ValueError for others."""
    from bert_tf.models import BertBackbone

    if isinstance(model, BertBackbone):
        return model
    backbone = getattr(model, "backbone", None)
    if isinstance(backbone, BertBackbone):
        return backbone
    raise ValueError(f"{source}: holds a {type(model).__name__}, which has no BertBackbone")


def files_under(path: Path) -> list[Path]:
    """Every file under a directory written by a format, sorted (or the file itself)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file())
