"""`CheckpointError`: a checkpoint does not fit the model it is loaded into."""

from __future__ import annotations


class CheckpointError(ValueError):
    """A checkpoint's weights or config do not match the model.

    The message names every offending weight (missing, unexpected, or with the wrong
    shape, giving both shapes) and the file it came from.

    Args:
        source: the checkpoint file or directory the problem was found in.
        problems: one line per problem, e.g. ``"missing weight 'pooler.dense.bias'"``.

    Example:
        >>> error = CheckpointError("model.safetensors", ["missing weight 'pooler.dense.bias'"])
        >>> print(error)
        model.safetensors does not match the model:
          missing weight 'pooler.dense.bias'
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = str(source)
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{self.source} does not match the model:\n{lines}")
