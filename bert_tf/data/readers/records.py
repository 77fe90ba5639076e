"""Typed records that the task readers return: one dataclass per task shape.

Example:
    >>> TextExample(guid="dev-0", text_a="A man sleeps.", text_b=None, label="1").label
    '1'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class TextExample:
    """One classification or regression example (single text or a pair).

    Args:
        guid: unique id; for GLUE files `"{split}-{row}"` with `row` the 0-based data row.
        text_a: the first (or only) text.
        text_b: the second text of a pair, or None.
        label: class name (`str`), regression target (`float`), or None (test files).
    """

    guid: str
    text_a: str
    text_b: str | None
    label: str | float | None


class SquadAnswer(NamedTuple):
    """A gold answer: its text and the character offset where it starts in the context."""

    text: str
    char_start: int


@dataclass(frozen=True)
class SquadExample:
    """One SQuAD question over a context paragraph.

    Args:
        qas_id: the question id from the dataset.
        question: the question text.
        context: the paragraph, exactly as in the JSON (answer offsets index into it).
        answers: gold answers in dataset order (empty when `is_impossible`).
        is_impossible: SQuAD v2.0 unanswerable question.
    """

    qas_id: str
    question: str
    context: str
    answers: list[SquadAnswer] = field(default_factory=list)
    is_impossible: bool = False


@dataclass(frozen=True)
class TaggingExample:
    """One sentence for token tagging: words and one IOB2 label per word.

    Args:
        guid: unique id (`"{file name}:{first line}"` for CoNLL files).
        words: the words of the sentence.
        labels: one label per word (IOB2 after reading), or None when unlabeled.
    """

    guid: str
    words: list[str]
    labels: list[str] | None

    def __post_init__(self) -> None:
        if self.labels is not None and len(self.labels) != len(self.words):
            raise ValueError(
                f"TaggingExample {self.guid}: {len(self.words)} words but {len(self.labels)} labels"
            )
