"""`RegressionResult`: one row of a regression model's `serving_default` answer.

Example:
    >>> import numpy as np
    >>> RegressionResult.from_outputs({"score": np.array([3.5], np.float32)}, [])[0].score
    3.5
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class RegressionResult:
    """The predicted score."""

    score: float

    OUTPUTS: ClassVar[tuple[str, ...]] = ("score",)  # serving_default outputs read

    @classmethod
    def from_outputs(
        cls, outputs: dict[str, np.ndarray], label_names: list[str]
    ) -> list[RegressionResult]:
        return [cls(score=float(score)) for score in outputs["score"]]

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score}
