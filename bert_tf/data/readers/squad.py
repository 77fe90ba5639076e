"""SQuAD v1.1 and v2.0 dataset JSON -> `SquadExample`s, with every answer offset checked.

The file is `{"version": ..., "data": [{"title", "paragraphs": [{"context", "qas": [{"id",
"question", "answers": [{"text", "answer_start"}], "is_impossible"?}]}]}]}`. v2.0's
`plausible_answers` are ignored; unanswerable questions get no answers.

Example:
    >>> from pathlib import Path
    >>> qa = {"id": "q1", "question": "Where?", "answers": [{"text": "France", "answer_start": 12}]}
    >>> data = [{"title": "t", "paragraphs": [{"context": "Normandy is France.", "qas": [qa]}]}]
    >>> _ = Path("dev.json").write_text(json.dumps({"version": "v1.1", "data": data}))
    >>> examples = read_squad("dev.json")
    >>> examples[0].answers[0].text, examples[0].answers[0].char_start
    ('France', 12)
"""

from __future__ import annotations

import json
import os
from typing import Any

from bert_tf.data.readers.malformed_input_error import MalformedInputError
from bert_tf.data.readers.records import SquadAnswer, SquadExample


def load_squad_json(path: str | os.PathLike) -> dict[str, Any]:
    """Loads a SQuAD file; invalid JSON raises `MalformedInputError` with its line."""
    with open(path, encoding="utf-8-sig") as handle:
        try:
            dataset = json.load(handle)
        except json.JSONDecodeError as error:
            raise MalformedInputError(path, error.lineno, f"invalid JSON: {error.msg}") from None
    if not isinstance(dataset, dict) or not isinstance(dataset.get("data"), list):
        raise MalformedInputError(path, None, 'not a SQuAD file: no top-level "data" list')
    return dataset


def read_squad(path: str | os.PathLike, *, check_offsets: bool = True) -> list[SquadExample]:
    """Reads SQuAD v1.1 or v2.0 JSON.

    Args:
        path: the dataset JSON file.
        check_offsets: require `context[answer_start:answer_start + len(text)] == text` for
            every answer (the scorers, like the official scripts, need only the texts).

    Returns:
        One example per question, in file order.

    Raises:
        MalformedInputError: a missing field, a duplicate id, an answer offset that does not
            match the context (naming the qas id), or an answer on an impossible question.
    """
    dataset = load_squad_json(path)
    examples: list[SquadExample] = []
    seen: set[str] = set()
    for a, article in enumerate(dataset["data"]):
        for p, paragraph in enumerate(_get(path, article, "paragraphs", list, f"data[{a}]")):
            where = f"data[{a}].paragraphs[{p}]"
            context = _get(path, paragraph, "context", str, where)
            for q, qa in enumerate(_get(path, paragraph, "qas", list, where)):
                example = _example(path, qa, context, f"{where}.qas[{q}]", check_offsets)
                if example.qas_id in seen:
                    raise MalformedInputError(path, None, f"duplicate qas id {example.qas_id!r}")
                seen.add(example.qas_id)
                examples.append(example)
    return examples


def _example(path, qa: Any, context: str, where: str, check_offsets: bool) -> SquadExample:
    qas_id = str(_get(path, qa, "id", (str, int), where))
    question = _get(path, qa, "question", str, f"qas id {qas_id!r}")
    impossible = qa.get("is_impossible", False)
    if not isinstance(impossible, bool):
        raise MalformedInputError(path, None, f"qas id {qas_id!r}: is_impossible is not a bool")
    answers = []
    for answer in _get(path, qa, "answers", list, f"qas id {qas_id!r}"):
        text = _get(path, answer, "text", str, f"qas id {qas_id!r} answer")
        start = _get(path, answer, "answer_start", int, f"qas id {qas_id!r} answer")
        found = context[start : start + len(text)]
        if check_offsets and (start < 0 or found != text):
            raise MalformedInputError(
                path,
                None,
                f"qas id {qas_id!r}: answer {text!r} does not match the context at "
                f"answer_start {start} (context there: {found!r})",
            )
        answers.append(SquadAnswer(text, start))
    if impossible and answers:
        raise MalformedInputError(path, None, f"qas id {qas_id!r}: is_impossible with answers")
    if not impossible and not answers:
        raise MalformedInputError(
            path, None, f"qas id {qas_id!r}: no answers and not marked is_impossible"
        )
    return SquadExample(qas_id, question, context, answers, impossible)


def _get(path, obj: Any, key: str, kind, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise MalformedInputError(path, None, f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedInputError(path, None, f"{where}: {key!r} has type {type(value).__name__}")
    return value
