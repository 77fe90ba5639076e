"""`MultipleChoiceResult`: one answer of a multiple-choice model's `serving_default`.

Example:
    >>> import numpy as np
    >>> outputs = {"choice": np.array([1]), "probabilities": np.array([[0.3, 0.7, 0.0]])}
    >>> MultipleChoiceResult.from_outputs(outputs, [])[0].to_json()
    {'choice': 1, 'probabilities': [0.3, 0.7, 0.0]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class MultipleChoiceResult:
    """The chosen index and every choice's probability (0 for padding choices)."""

    choice: int
    probabilities: list[float]

    OUTPUTS: ClassVar[tuple[str, ...]] = ("choice", "probabilities")  # serving_default outputs

    @classmethod
    def from_outputs(
        cls, outputs: dict[str, np.ndarray], label_names: list[str]
    ) -> list[MultipleChoiceResult]:
        return [
            cls(int(choice), [float(p) for p in row])
            for choice, row in zip(outputs["choice"], outputs["probabilities"])
        ]

    def to_json(self) -> dict[str, Any]:
        return {"choice": self.choice, "probabilities": self.probabilities}
