"""Tiny task files of every shape in their public formats, and the shape cases built on them
(`SHAPE_CASES`: a task name, its options, a file writer and rows to ask a served model).
Shared by the shape harness (`tests/tasks/`) and the pipeline's ExampleGen tests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONTEXT = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a region in France. They were descended from Norse raiders and pirates from "
    "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to "
    "King Charles III of West Francia."
)


def _pairs_csv(path: Path) -> Path:
    rows = [("a fine, moving film", "it moved me", "pos"), ("dull and slow", "a bore", "neg")]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "text_pair", "label"])
        writer.writerows(rows * 4)
    return path


def _scores_csv(path: Path) -> Path:
    rows = [("a cat sat", "a cat sat down", "4.5"), ("a cat sat", "stocks fell", "0.5")]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "text_pair", "label"])
        writer.writerows(rows * 4)
    return path


def _squad_json(path: Path) -> Path:
    questions = [
        ("In what country is Normandy located?", "France"),
        ("Who was the Norse leader?", "Rollo"),
        ("What did the Normans eat for breakfast?", None),
    ]
    qas = []
    for number, (question, answer) in enumerate(questions * 2):
        answers = (
            [] if answer is None else [{"text": answer, "answer_start": CONTEXT.index(answer)}]
        )
        qas.append({"id": f"q{number}", "question": question, "answers": answers,
                    "is_impossible": answer is None})  # fmt: skip
    data = {"version": "v2.0", "data": [{"title": "Normans", "paragraphs": [
        {"context": CONTEXT, "qas": qas}]}]}  # fmt: skip
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _conll(path: Path) -> Path:
    sentences = [
        [("Peter", "B-PER"), ("Blackburn", "I-PER"), ("visited", "O"), ("Brussels", "B-LOC")],
        [("EU", "B-ORG"), ("rejects", "O"), ("German", "B-MISC"), ("call", "O")],
    ]
    lines = ["-DOCSTART- -X- -X- O", ""]
    for sentence in sentences * 3:
        lines += [f"{word} NNP B-NP {tag}" for word, tag in sentence] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _swag_csv(path: Path) -> Path:
    header = ["", "video-id", "fold-ind", "startphrase", "sent1", "sent2", "gold-source"]
    header += [f"ending{i}" for i in range(4)] + ["label"]
    rows = [
        (
            "She poured the tea into the cup.",
            "She",
            ["drank it slowly.", "planted the cup.", "sang to the moon.", "ate the table."],
            0,
        ),  # fmt: skip
        (
            "The team lost the final.",
            "They",
            ["won the cup.", "ate the ball.", "walked off sadly.", "flew to Mars."],
            2,
        ),  # fmt: skip
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number, (sent1, sent2, endings, label) in enumerate(rows * 4):
            start = f"{sent1} {sent2}"
            writer.writerow([number, "doc", number, start, sent1, sent2, "gold", *endings, label])
    return path


@dataclass(frozen=True)
class ShapeCase:
    """One shape (or served variant) and the inputs it is served with."""

    name: str  # case id, also the served model's name
    task: str  # command-line task name
    make_file: Any  # path -> path: writes the training file
    suffix: str  # the file's suffix
    rows: list[list[str]]  # `bert-tf predict` rows for the served model
    options: dict[str, Any] = field(default_factory=dict)


SHAPE_CASES = [
    ShapeCase("pairs", "csv", _pairs_csv, ".csv", [["a moving film", "it moved me"]]),
    ShapeCase(
        "scores", "csv", _scores_csv, ".csv", [["a cat sat", "a cat sat down"]], {"labels": ()}
    ),
    ShapeCase(
        "squad",
        "squad-v2.0",
        _squad_json,
        ".json",
        [["Who was the Norse leader?", CONTEXT]],
        {"doc_stride": 16, "max_query_length": 12},
    ),  # fmt: skip
    ShapeCase("conll", "conll", _conll, ".txt", [["Peter Blackburn visited Brussels in May."]]),
    ShapeCase(
        "swag",
        "swag",
        _swag_csv,
        ".csv",
        [
            ["The team lost the final.", "They won.", "They walked off sadly."],
            ["She poured the tea.", "She drank it.", "She ate it.", "It sang.", "It flew."],
        ],
    ),  # fmt: skip
]
