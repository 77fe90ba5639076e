"""`EmbeddingResult`: one text's vectors from an embedding model's `serving_default`.

Example:
    >>> import numpy as np
    >>> outputs = {"pooled_output": np.ones((1, 2), np.float32),
    ...            "sequence_output": np.zeros((1, 2), np.float32)}
    >>> EmbeddingResult.from_outputs(outputs, [])[0].to_json()
    {'pooled_output': [1.0, 1.0], 'sequence_output': [0.0, 0.0]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True, eq=False)
class EmbeddingResult:
    """The pooled ([CLS]) vector and the mean of the real tokens' vectors, each [H]."""

    pooled_output: np.ndarray
    sequence_output: np.ndarray

    OUTPUTS: ClassVar[tuple[str, ...]] = (
        "pooled_output",
        "sequence_output",
    )  # serving_default outputs read

    @classmethod
    def from_outputs(
        cls, outputs: dict[str, np.ndarray], label_names: list[str]
    ) -> list[EmbeddingResult]:
        return [cls(p, s) for p, s in zip(outputs["pooled_output"], outputs["sequence_output"])]

    def to_json(self) -> dict[str, Any]:
        return {
            "pooled_output": self.pooled_output.tolist(),
            "sequence_output": self.sequence_output.tolist(),
        }
