"""`CheckpointRegistry`: the checkpoint formats, in the order they are recognised.

`detect` finds the one format a path is in (errors name the path and every format looked
for); `load` reads it into a `LoadedCheckpoint` that carries the tokenizer settings; `save`
writes a model in a named format. `bert_tf.checkpoints.any_checkpoint.CHECKPOINTS` is the
registry every entry point uses.

Example:
    >>> from bert_tf.checkpoints.any_checkpoint import CHECKPOINTS
    >>> CHECKPOINTS.names
    ('keras', 'keras-weights', 'bert-tf', 'keras-hub', 'hf', 'google')
    >>> CHECKPOINTS.get("google").writable
    False
    >>> CHECKPOINTS.detect("no/such/checkpoint")
    Traceback (most recent call last):
    ...
    FileNotFoundError: checkpoint not found: no/such/checkpoint ...
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_format import CheckpointFormat
from bert_tf.checkpoints.load_options import LoadOptions
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.checkpoints.save_options import SaveOptions


class CheckpointRegistry:
    """Checkpoint formats by name; the first whose `detect` accepts a path is its format.

    Args:
        formats: the formats, most specific first (a run directory before the generic
            directory formats, and so on).
    """

    def __init__(self, formats: Iterable[CheckpointFormat]) -> None:
        self.formats: list[CheckpointFormat] = []
        for fmt in formats:
            self.register(fmt)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(fmt.name for fmt in self.formats)

    @property
    def writable(self) -> tuple[str, ...]:
        """The names of the formats `save` writes."""
        return tuple(fmt.name for fmt in self.formats if fmt.writable)

    def register(self, fmt: CheckpointFormat) -> None:
        """Add ``fmt`` (last in detection order); ValueError when its name is taken."""
        if fmt.name in self.names:
            raise ValueError(f"a checkpoint format named {fmt.name!r} is registered already")
        self.formats.append(fmt)

    def get(self, name: str) -> CheckpointFormat:
        """The format called ``name``; ValueError listing the names when there is none."""
        for fmt in self.formats:
            if fmt.name == name:
                return fmt
        raise ValueError(f"unknown checkpoint format {name!r}: use one of {', '.join(self.names)}")

    def looked_for(self) -> str:
        """Every format's description, one per line (for error messages)."""
        return "\n".join(f"  {fmt.name}: {fmt.description}" for fmt in self.formats)

    def detect(self, path: str | Path) -> CheckpointFormat:
        """The format of the checkpoint at ``path``.

        Raises:
            FileNotFoundError: nothing at ``path`` (nor a TF checkpoint prefix).
            ValueError: ``path`` exists but is none of the formats.
        """
        path = Path(path)
        for fmt in self.formats:
            if fmt.detect(path):
                return fmt
        if not path.exists() and not Path(f"{path}.index").exists():
            raise FileNotFoundError(
                f"checkpoint not found: {path} (looked for one of:\n{self.looked_for()})"
            )
        raise ValueError(
            f"{path}: not a checkpoint bert_tf reads; looked for one of:\n{self.looked_for()}"
        )

    def load(self, path: str | Path, format: str | None = None, **options: Any) -> LoadedCheckpoint:
        """Load ``path`` in ``format`` (None: `detect` it); ``options`` are `LoadOptions`.

        With ``load_tokenizer=True`` the result's ``tokenizer`` is built from its vocabulary
        with its casing and word limit (`LoadedCheckpoint.make_tokenizer`).
        """
        settings = LoadOptions(**options)
        fmt = self.detect(path) if format is None else self.get(format)
        loaded = fmt.load(Path(path), settings)
        if settings.load_tokenizer and loaded.vocab_file is not None:
            loaded.tokenizer = loaded.make_tokenizer()
        return loaded

    def save(self, model: Any, path: str | Path, format: str, **options: Any) -> list[Path]:
        """Write ``model`` at ``path`` in ``format``; ``options`` are `SaveOptions`."""
        return self.get(format).save(model, Path(path), SaveOptions(**options))
