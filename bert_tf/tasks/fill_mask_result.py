"""`FillMaskResult`: the answers for the [MASK]s of one text from a fill-mask `serving_default`.

Example:
    >>> import numpy as np
    >>> outputs = {"tokens": np.array([[[b"capital", b"city"], [b"", b""]]], object),
    ...            "token_ids": np.array([[[3007, 2103], [-1, -1]]]),
    ...            "probabilities": np.array([[[0.75, 0.25], [0.0, 0.0]]], np.float32),
    ...            "mask_positions": np.array([[4, -1]])}
    >>> FillMaskResult.from_outputs(outputs, [])[0].to_json()
    {'masks': [{'position': 4, 'candidates': [{'token': 'capital', 'token_id': 3007, \
'probability': 0.75}, {'token': 'city', 'token_id': 2103, 'probability': 0.25}]}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class MaskCandidate:
    """One vocabulary entry proposed for a [MASK], with its softmax probability."""

    token: str
    token_id: int
    probability: float


@dataclass(frozen=True)
class MaskAnswer:
    """The top-k candidates for one [MASK] at token `position` of the packed row."""

    position: int
    candidates: tuple[MaskCandidate, ...]


@dataclass(frozen=True)
class FillMaskResult:
    """One text's [MASK]s in text order (padding rows of the batch left out)."""

    masks: tuple[MaskAnswer, ...]

    OUTPUTS: ClassVar[tuple[str, ...]] = (
        "tokens",
        "token_ids",
        "probabilities",
        "mask_positions",
    )  # serving_default outputs read

    @classmethod
    def from_outputs(
        cls, outputs: dict[str, np.ndarray], label_names: list[str]
    ) -> list[FillMaskResult]:
        rows = zip(
            outputs["tokens"],
            outputs["token_ids"],
            outputs["probabilities"],
            outputs["mask_positions"],
        )
        return [cls(_masks(*row)) for row in rows]

    def to_json(self) -> dict[str, Any]:
        return {
            "masks": [
                {
                    "position": mask.position,
                    "candidates": [vars(candidate) for candidate in mask.candidates],
                }
                for mask in self.masks
            ]
        }


def _masks(tokens: Any, ids: Any, probabilities: Any, positions: Any) -> tuple[MaskAnswer, ...]:
    """The real masks of one row ([M, k] arrays; position -1 is padding)."""
    answers = []
    for row_tokens, row_ids, row_probabilities, position in zip(
        tokens, ids, probabilities, positions
    ):
        if int(position) < 0:
            continue
        candidates = tuple(
            MaskCandidate(_text(token), int(token_id), float(probability))
            for token, token_id, probability in zip(row_tokens, row_ids, row_probabilities)
        )
        answers.append(MaskAnswer(int(position), candidates))
    return tuple(answers)


def _text(token: Any) -> str:
    return token.decode("utf-8") if isinstance(token, bytes) else str(token)
