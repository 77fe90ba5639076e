"""Predictions files: the `index<TAB>prediction` format (GLUE's submission format) and JSON.

Task shapes write their predictions with `write_index_predictions` (or their own format) and
`bert-tf score` reads them back through the shape: `read_index_predictions` takes the TSV or a
JSON list (file order) or object (`{index: prediction}`), and `align_to_examples` puts them in
the gold file's order, by 0-based row or by the example's guid.

Example:
    >>> _ = write_index_predictions("preds.tsv", [(0, "pos"), (1, "neg")])
    >>> read_index_predictions("preds.tsv")
    {'0': 'pos', '1': 'neg'}
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import Any


def write_index_predictions(path: str | os.PathLike, rows: Iterable[tuple]) -> str:
    """Writes `index<TAB>prediction` lines under that header (any `storage` path); returns
    the path."""
    from bert_tf import storage

    lines = ["index\tprediction"] + [f"{index}\t{value}" for index, value in rows]
    storage.write_text(path, "\n".join(lines) + "\n")
    return os.fspath(path)


def load_json(path: str | os.PathLike) -> Any:
    """A JSON file's value; a clear error naming the file and line when it is not JSON."""
    from bert_tf.data.readers.malformed_input_error import MalformedInputError

    with open(path, encoding="utf-8-sig") as handle:
        try:
            return json.load(handle)
        except json.JSONDecodeError as error:
            raise MalformedInputError(path, error.lineno, f"invalid JSON: {error.msg}") from None


def read_index_predictions(path: str | os.PathLike) -> dict[str, Any]:
    """`{index: prediction}` from the TSV, or from a JSON list (file order) or object."""
    from bert_tf.data.readers.malformed_input_error import MalformedInputError
    from bert_tf.data.readers.reading import iter_lines

    if os.path.splitext(str(path))[1].lower() == ".json":
        data = load_json(path)
        if isinstance(data, list):
            return {str(index): value for index, value in enumerate(data)}
        if isinstance(data, dict):
            return {str(key): value for key, value in data.items()}
        raise ValueError(f"{path}: expected a JSON list or object of predictions")
    lines = iter_lines(path)
    header = next(lines, (1, ""))[1].split("\t")
    if header != ["index", "prediction"]:
        raise MalformedInputError(path, 1, f"expected header 'index<TAB>prediction', got {header}")
    predictions: dict[str, Any] = {}
    for number, line in lines:
        fields = line.split("\t")
        if len(fields) != 2:
            raise MalformedInputError(path, number, f"expected 2 columns, got {len(fields)}")
        if fields[0] in predictions:
            raise MalformedInputError(path, number, f"index {fields[0]!r} repeated")
        predictions[fields[0]] = fields[1]
    return predictions


def align_to_examples(
    keyed: dict[str, Any], examples: Sequence[Any], source: str, gold: str
) -> list[Any]:
    """The predictions in the examples' order; every example needs exactly one."""
    position = {str(example.guid): index for index, example in enumerate(examples)}
    aligned: list[Any] = [None] * len(examples)
    for key, value in keyed.items():
        index = position.get(key, int(key) if key.isdigit() else None)
        if index is None or not 0 <= index < len(examples):
            raise ValueError(f"{source}: index {key!r} is not a row of {gold}")
        if aligned[index] is not None:
            raise ValueError(f"{source}: row {index} predicted twice")
        aligned[index] = value
    missing = [str(i) for i, value in enumerate(aligned) if value is None]
    if missing:
        raise ValueError(f"{source}: no prediction for rows {', '.join(missing[:5])}")
    return aligned
