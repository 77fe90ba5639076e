"""The error every task reader raises for a bad row: it names the file, the line and the problem.

Example:
    >>> str(MalformedInputError("dev.tsv", 7, "expected 4 columns, got 3"))
    'dev.tsv:7: expected 4 columns, got 3'
"""

from __future__ import annotations

import os


class MalformedInputError(ValueError):
    """A task file row (or JSON entry) that cannot be read as the format says.

    Args:
        path: the file.
        line: 1-based line number, or None where the format has no useful line (JSON).
        problem: what is wrong, in words.
    """

    def __init__(self, path: str | os.PathLike, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {problem}")
