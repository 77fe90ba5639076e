"""Entity-level precision/recall/F1 for tagging, as conlleval computes them (seqeval's default
mode), and a reader for conlleval-format files (`token ... gold predicted` per line).

A predicted entity counts only if its type and both boundaries match a gold entity. Chunks are
read the conlleval way, so IOB1 and IOB2 tags both work. Scores are percentages.

Example:
    >>> entity_metrics([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "O"]])
    {'precision': 100.0, 'recall': 50.0, 'f1': 66.66666666666666}
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from bert_tf.data.readers.reading import MalformedRows, iter_lines


def entity_metrics(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> dict[str, float]:
    """Micro-averaged entity precision, recall and F1 in percent (conlleval semantics).

    Args:
        gold: per sentence, the gold tags.
        predicted: per sentence, the predicted tags (same lengths).

    Returns:
        `{"precision", "recall", "f1"}`; 0 where nothing was predicted or nothing is gold.
    """
    from seqeval.metrics import f1_score, precision_score, recall_score

    if len(gold) != len(predicted):
        raise ValueError(f"{len(predicted)} predicted sentences for {len(gold)} gold sentences")
    for index, (expected, guessed) in enumerate(zip(gold, predicted)):
        if len(expected) != len(guessed):
            raise ValueError(
                f"sentence {index}: {len(guessed)} predicted tags for {len(expected)} gold tags"
            )
    gold, predicted = [list(s) for s in gold], [list(s) for s in predicted]
    return {
        "precision": 100.0 * precision_score(gold, predicted, zero_division=0),
        "recall": 100.0 * recall_score(gold, predicted, zero_division=0),
        "f1": 100.0 * f1_score(gold, predicted, zero_division=0),
    }


def read_conlleval(
    path: str | os.PathLike,
) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Reads a conlleval input file: whitespace-separated `token [features...] gold predicted`.

    Blank lines (and `-DOCSTART-` lines, all O) separate sentences; every token line must have
    the same number of columns (at least 3), as conlleval requires.

    Returns:
        `(tokens, gold, predicted)`, each a list of sentences.

    Raises:
        MalformedInputError: a line with the wrong number of columns (file:line).
    """
    rows = MalformedRows(path)
    tokens: list[list[str]] = []
    gold: list[list[str]] = []
    predicted: list[list[str]] = []
    sentence: list[list[str]] = []
    width = None
    for number, line in [*iter_lines(path), (None, "")]:
        fields = line.split()
        if not fields or fields[0] == "-DOCSTART-":
            if sentence:
                tokens.append([f[0] for f in sentence])
                gold.append([f[-2] for f in sentence])
                predicted.append([f[-1] for f in sentence])
            sentence = []
            continue
        width = len(fields) if width is None else width
        if len(fields) != width or width < 3:
            rows.add(
                number,
                f"expected {max(width, 3)} columns (token ... gold predicted), got {len(fields)}",
            )
        sentence.append(fields)
    return tokens, gold, predicted


def conlleval_metrics(path: str | os.PathLike) -> dict[str, float]:
    """Entity precision/recall/F1 in percent of a conlleval-format file."""
    _, gold, predicted = read_conlleval(path)
    if not gold:
        raise ValueError(f"{path}: no tagged tokens")
    return entity_metrics(gold, predicted)
