"""`Entity`: one labelled span a tagging model found, with offsets into the input text.

Example:
    >>> Entity("PER", 0, 4, "Anna").to_json()
    {'label': 'PER', 'start_char': 0, 'end_char': 4, 'text': 'Anna'}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Entity:
    """Label, character offsets (end exclusive) and the covered text."""

    label: str
    start_char: int
    end_char: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
