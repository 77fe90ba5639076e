"""Generic classification/regression data: CSV (with a header) or JSONL, fields `text`,
optional `text_pair`, optional `label`.

CSV follows RFC 4180 quoting (a quoted field may hold commas, quotes and newlines); a JSONL line
is one object. Missing or ill-typed fields raise `MalformedInputError` with file and line.

Example:
    >>> _ = Path("reviews.jsonl").write_text('{"text": "Great value.", "label": "positive"}\\n')
    >>> examples = read_text_examples("reviews.jsonl")
    >>> examples[0].text_a, examples[0].label
    ('Great value.', 'positive')
"""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Any

from bert_tf.data.readers.malformed_input_error import MalformedInputError
from bert_tf.data.readers.reading import MalformedRows, iter_lines
from bert_tf.data.readers.records import TextExample


def _label(value: Any, regression: bool) -> str | float | None:
    """Checks and converts a raw label; raises ValueError with the problem in words."""
    if value is None or value == "":
        return None
    if regression:
        if isinstance(value, bool):
            raise ValueError(f"label {value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"label {value!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"label {value!r} is not a finite number")
        return number
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"label {value!r} must be a string or an integer (or use regression=True)")


def _example(guid: str, record: dict[str, Any], regression: bool) -> TextExample:
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError('missing "text"' if text is None else '"text" is not a string')
    pair = record.get("text_pair")
    if pair == "":
        pair = None
    if pair is not None and not isinstance(pair, str):
        raise ValueError('"text_pair" is not a string')
    return TextExample(guid, text, pair, _label(record.get("label"), regression))


def read_csv(
    path: str | os.PathLike,
    *,
    regression: bool = False,
    delimiter: str = ",",
    skip_malformed: bool = False,
    skipped: list[MalformedInputError] | None = None,
) -> list[TextExample]:
    """Reads a CSV with a header naming `text`, optionally `text_pair` and `label`.

    Args:
        path: the file.
        regression: parse labels as floats; otherwise they stay strings.
        delimiter: field separator ("\\t" for TSV with the same quoting rules).
        skip_malformed: skip bad rows (counted, logged, added to `skipped`) instead of raising.
        skipped: optional list that receives the skipped rows' errors.

    Returns:
        One example per row, guid `"{file stem}-{row}"` (0-based data row); an empty label
        cell gives label None.
    """
    rows = MalformedRows(path, skip=skip_malformed, sink=skipped)
    stem = Path(path).stem
    examples = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise MalformedInputError(path, reader.line_num, f"bad CSV: {error}") from None
        if header is None or "text" not in header:
            raise MalformedInputError(path, 1, f'CSV header has no "text" column: {header}')
        row = 0
        while True:
            line = reader.line_num + 1  # first physical line of the next record
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as error:  # the rest of the file cannot be split reliably
                raise MalformedInputError(path, line, f"bad CSV: {error}") from None
            if not fields:
                continue  # csv yields [] for a blank line: no record there
            if len(fields) != len(header):
                rows.add(line, f"expected {len(header)} columns, got {len(fields)}")
            else:
                try:
                    record = dict(zip(header, fields))
                    examples.append(_example(f"{stem}-{row}", record, regression))
                except ValueError as error:
                    rows.add(line, str(error))
            row += 1
    rows.finish()
    return examples


def read_jsonl(
    path: str | os.PathLike,
    *,
    regression: bool = False,
    skip_malformed: bool = False,
    skipped: list[MalformedInputError] | None = None,
) -> list[TextExample]:
    """Reads JSON Lines: one object per line with `text`, optional `text_pair` and `label`.

    Args:
        path: the file; blank lines are allowed and ignored.
        regression: labels must be numbers (floats); otherwise strings or integers (as str).
        skip_malformed: skip bad lines (counted, logged, added to `skipped`) instead of raising.
        skipped: optional list that receives the skipped lines' errors.

    Returns:
        One example per object, guid `"{file stem}-{row}"` (0-based over non-blank lines).
    """
    rows = MalformedRows(path, skip=skip_malformed, sink=skipped)
    stem = Path(path).stem
    examples = []
    row = 0
    for number, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError(f"expected a JSON object, got {type(record).__name__}")
            examples.append(_example(f"{stem}-{row}", record, regression))
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            rows.add(number, str(error))
        row += 1
    rows.finish()
    return examples


def read_text_examples(
    path: str | os.PathLike, *, file_format: str | None = None, **kwargs: Any
) -> list[TextExample]:
    """Reads CSV, TSV or JSONL; `file_format` ("csv", "tsv", "jsonl") defaults to the suffix."""
    suffix = Path(path).suffix.lower().lstrip(".")
    kind = file_format or {"json": "jsonl", "ndjson": "jsonl"}.get(suffix, suffix)
    if kind == "csv":
        return read_csv(path, **kwargs)
    if kind == "tsv":
        return read_csv(path, delimiter="\t", **kwargs)
    if kind == "jsonl":
        return read_jsonl(path, **kwargs)
    raise ValueError(f"{path}: cannot tell the format; pass file_format='csv', 'tsv' or 'jsonl'")
