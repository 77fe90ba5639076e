"""`Entity`: one labelled span a tagging model found, with offsets into the input text.

Example:
    >>> Entity("PER", 0, 4, "Anna").to_json()
    {'label': 'PER', 'start_char': 0, 'end_char': 4, 'text': 'Anna'}
    >>> word_tags(["Anna", "Lee", "met", "EU"], [Entity("PER", 0, 8, "Anna Lee"),
    ...                                          Entity("ORG", 13, 15, "EU")])
    ['B-PER', 'I-PER', 'O', 'B-ORG']
"""

from __future__ import annotations

from collections.abc import Sequence
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


def word_tags(words: Sequence[str], entities: Sequence[Entity]) -> list[str]:
    """IOB2 tags of `words` (as joined by single spaces) from entities with character offsets
    into that text: a word whose first character an entity covers takes its type."""
    tags, start, previous = [], 0, None
    for word in words:
        entity = next((e for e in entities if e.start_char <= start < e.end_char), None)
        if entity is None:
            tags.append("O")
        else:
            tags.append(("I-" if entity is previous else "B-") + entity.label)
        previous, start = entity, start + len(word) + 1
    return tags
