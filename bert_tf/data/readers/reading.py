"""Shared plumbing for the readers: exact line iteration and malformed-row bookkeeping.

Example:
    >>> rows = MalformedRows("train.tsv", skip=True)
    >>> rows.add(3, "expected 2 columns, got 1")
    >>> rows.count
    1
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from bert_tf.data.readers.malformed_input_error import MalformedInputError

logger = logging.getLogger(__name__)


def iter_lines(path: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """Yields `(line_number, text)` split on "\\n" only, "\\r\\n" endings and a UTF-8 BOM removed.

    Splitting on "\\n" alone keeps stray "\\r" or U+2028 inside a field from shifting line
    numbers; a line that is not UTF-8 raises `MalformedInputError` naming it.
    """
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.removesuffix(b"\n").removesuffix(b"\r")
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise MalformedInputError(path, number, f"not UTF-8 ({error.reason})") from None


class MalformedRows:
    """Raises on the first malformed row, or (with `skip=True`) counts and reports them all.

    Args:
        path: the file being read.
        skip: keep going past malformed rows; `finish()` logs how many were skipped and where.
        sink: optional list that receives each skipped row's `MalformedInputError`.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        skip: bool = False,
        sink: list[MalformedInputError] | None = None,
    ) -> None:
        self.path = str(path)
        self.skip = skip
        self.sink = sink
        self.errors: list[MalformedInputError] = []

    @property
    def count(self) -> int:
        return len(self.errors)

    def add(self, line: int | None, problem: str) -> None:
        error = MalformedInputError(self.path, line, problem)
        if not self.skip:
            raise error
        self.errors.append(error)
        if self.sink is not None:
            self.sink.append(error)

    def finish(self) -> None:
        """Logs a warning naming the skipped rows (the first five in full)."""
        if not self.errors:
            return
        shown = "; ".join(str(error) for error in self.errors[:5])
        more = f" (and {self.count - 5} more)" if self.count > 5 else ""
        logger.warning("skipped %d malformed rows: %s%s", self.count, shown, more)
