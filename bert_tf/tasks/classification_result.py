"""`ClassificationResult`: one row of a classification model's `serving_default` answer.

Example:
    >>> import numpy as np
    >>> outputs = {"probabilities": np.array([[0.2, 0.8]], np.float32),
    ...            "label": np.array([b"pos"], object), "label_id": np.array([1])}
    >>> ClassificationResult.from_outputs(outputs, ["neg", "pos"])[0].label
    'pos'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class ClassificationResult:
    """The predicted label, its index and every label's probability."""

    label: str
    label_id: int
    probabilities: dict[str, float]

    OUTPUTS: ClassVar[tuple[str, ...]] = (
        "probabilities",
        "label",
        "label_id",
    )  # serving_default outputs read

    @classmethod
    def from_outputs(
        cls, outputs: dict[str, np.ndarray], label_names: list[str]
    ) -> list[ClassificationResult]:
        names = label_names or [str(i) for i in range(outputs["probabilities"].shape[-1])]
        return [
            cls(
                label=label.decode("utf-8"),
                label_id=int(label_id),
                probabilities={n: float(p) for n, p in zip(names, row)},
            )
            for label, label_id, row in zip(
                outputs["label"], outputs["label_id"], outputs["probabilities"]
            )
        ]

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "label_id": self.label_id, "probabilities": self.probabilities}
