"""`TaggingResult`: the entities of one text from a tagging model's `serving_default`.

The signature pads entities to the batch's largest count; `entity_count` says how many of
each row are real.

Example:
    >>> import numpy as np
    >>> outputs = {"entity_label": np.array([[b"PER", b""]], object),
    ...            "entity_start_char": np.array([[0, -1]]), "entity_end_char": np.array([[4, -1]]),
    ...            "entity_text": np.array([[b"Anna", b""]], object), "entity_count": np.array([1])}
    >>> TaggingResult.from_outputs(outputs, [])[0].entities
    [Entity(label='PER', start_char=0, end_char=4, text='Anna')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from bert_tf.tasks.entity import Entity


@dataclass(frozen=True)
class TaggingResult:
    """The entities found in one text, in order."""

    entities: list[Entity]

    OUTPUTS: ClassVar[tuple[str, ...]] = (
        "entity_label",
        "entity_start_char",
        "entity_end_char",
        "entity_text",
        "entity_count",
    )  # serving_default outputs read

    @classmethod
    def from_outputs(
        cls, outputs: dict[str, np.ndarray], label_names: list[str]
    ) -> list[TaggingResult]:
        rows = []
        for i, count in enumerate(outputs["entity_count"]):
            rows.append(
                cls(
                    [
                        Entity(
                            outputs["entity_label"][i, j].decode("utf-8"),
                            int(outputs["entity_start_char"][i, j]),
                            int(outputs["entity_end_char"][i, j]),
                            outputs["entity_text"][i, j].decode("utf-8"),
                        )
                        for j in range(int(count))
                    ]
                )
            )
        return rows

    def to_json(self) -> dict[str, Any]:
        return {"entities": [entity.to_json() for entity in self.entities]}
