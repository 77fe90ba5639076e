"""CoNLL-2003 NER files -> `TaggingExample`s with IOB2 labels.

One token per line, whitespace-separated columns (`word POS chunk NER` in the English data; the
word is the first column, the tag the last), a blank line between sentences, `-DOCSTART-` lines
between documents. The original release tags in IOB1 (an entity starts with I- unless it
directly follows one of the same type); many copies use IOB2 (every entity starts with B-).
The reader detects which and converts to IOB2.

Example:
    >>> iob1_to_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC"])
    ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bert_tf.data.readers.malformed_input_error import MalformedInputError
from bert_tf.data.readers.reading import MalformedRows, iter_lines
from bert_tf.data.readers.records import TaggingExample

SCHEMES = ("auto", "iob1", "iob2")


def _split_tag(tag: str) -> tuple[str, str]:
    if tag == "O":
        return "O", ""
    prefix, _, entity = tag.partition("-")
    if prefix not in ("B", "I") or not entity:
        raise ValueError(f"tag {tag!r} is not O, B-TYPE or I-TYPE")
    return prefix, entity


def _starts_with_inside(labels: Sequence[str]) -> int | None:
    """Index of the first I- tag that begins an entity (invalid in IOB2), or None."""
    previous = "O"
    for index, tag in enumerate(labels):
        prefix, entity = _split_tag(tag)
        if prefix == "I" and (previous == "O" or _split_tag(previous)[1] != entity):
            return index
        previous = tag
    return None


def iob1_to_iob2(labels: Sequence[str]) -> list[str]:
    """Rewrites IOB1 tags as IOB2: an I- tag that begins an entity becomes B- (IOB2 passes)."""
    converted = []
    for index, tag in enumerate(labels):
        prefix, entity = _split_tag(tag)
        previous = labels[index - 1] if index else "O"
        begins = previous == "O" or _split_tag(previous)[1] != entity
        converted.append(f"B-{entity}" if prefix == "I" and begins else tag)
    return converted


def detect_scheme(label_sequences: Sequence[Sequence[str]]) -> str:
    """ "iob1" if any entity starts with I-, else "iob2" (the two agree on such input)."""
    if any(_starts_with_inside(labels) is not None for labels in label_sequences):
        return "iob1"
    return "iob2"


def read_conll(
    path: str | os.PathLike,
    *,
    scheme: str = "auto",
    label_column: int = -1,
    skip_malformed: bool = False,
    skipped: list[MalformedInputError] | None = None,
) -> list[TaggingExample]:
    """Reads a CoNLL-2003 style file into sentences with IOB2 labels.

    Args:
        path: the file.
        scheme: the input's tagging scheme: "iob1", "iob2" (an entity starting with I- is then
            an error naming its line) or "auto" (IOB1 if any entity starts with I-).
        label_column: which column holds the tag (the last by default).
        skip_malformed: skip malformed sentences (counted, logged, added to `skipped`).
        skipped: optional list that receives the skipped sentences' errors.

    Returns:
        One example per sentence, guid `"{file name}:{line of its first token}"`.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown tagging scheme {scheme!r}; expected one of {SCHEMES}")
    rows = MalformedRows(path, skip=skip_malformed, sink=skipped)
    sentences = []  # (first line, words, tags, line numbers)
    words: list[str] = []
    tags: list[str] = []
    numbers: list[int] = []
    width = None
    bad = False  # current sentence has a malformed line (skip mode)

    def flush() -> None:
        nonlocal words, tags, numbers, bad
        if words and not bad:
            sentences.append((numbers[0], words, tags, numbers))
        words, tags, numbers, bad = [], [], [], False

    for number, line in iter_lines(path):
        fields = line.split()
        if not fields:
            flush()
            continue
        if fields[0] == "-DOCSTART-":
            flush()
            continue
        width = len(fields) if width is None else width
        problem = None
        if len(fields) < 2:
            problem = f"expected a word and a tag, got {len(fields)} column"
        elif len(fields) != width:
            problem = f"expected {width} columns like the first token line, got {len(fields)}"
        else:
            try:
                _split_tag(fields[label_column])
            except (ValueError, IndexError) as error:
                problem = str(error)
        if problem is not None:
            rows.add(number, problem)
            bad = True
        words.append(fields[0])
        tags.append(fields[label_column] if problem is None else "O")
        numbers.append(number)
    flush()

    if scheme == "auto":
        scheme = detect_scheme([sentence[2] for sentence in sentences])
    name = Path(path).name
    examples = []
    for first, words, tags, numbers in sentences:
        if scheme == "iob2":
            index = _starts_with_inside(tags)
            if index is not None:
                rows.add(numbers[index], f"{tags[index]} begins an entity, invalid in IOB2")
                continue
        examples.append(TaggingExample(f"{name}:{first}", words, iob1_to_iob2(tags)))
    rows.finish()
    return examples
