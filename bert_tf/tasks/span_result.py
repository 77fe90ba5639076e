"""`SpanResult`: one answer of a span (SQuAD-style QA) model's `serving_default`.

`start_char`/`end_char` index the original context (end exclusive); the null answer (SQuAD
v2.0 models when the null score wins) is `text == ""` with offsets -1.

Example:
    >>> import numpy as np
    >>> outputs = {"text": np.array([b"Paris"], object), "start_char": np.array([10]),
    ...            "end_char": np.array([15]), "score": np.array([7.5], np.float32)}
    >>> SpanResult.from_outputs(outputs, [])[0]
    SpanResult(text='Paris', start_char=10, end_char=15, score=7.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class SpanResult:
    """The answer text, its character offsets in the context and its score."""

    text: str
    start_char: int
    end_char: int
    score: float

    @property
    def is_null(self) -> bool:
        return self.start_char < 0

    OUTPUTS: ClassVar[tuple[str, ...]] = (
        "text",
        "start_char",
        "end_char",
        "score",
    )  # serving_default outputs read

    @classmethod
    def from_outputs(
        cls, outputs: dict[str, np.ndarray], label_names: list[str]
    ) -> list[SpanResult]:
        return [
            cls(text.decode("utf-8"), int(start), int(end), float(score))
            for text, start, end, score in zip(
                outputs["text"], outputs["start_char"], outputs["end_char"], outputs["score"]
            )
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "score": self.score,
        }
