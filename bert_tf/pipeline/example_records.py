"""Read the tf.Examples of an ExampleGen split, and write them as JSONL task rows.

The fine-tuning Trainer and the serving canary get the task data as TFX `Examples`
(gzipped TFRecords of tf.Example under `Split-<name>/`); the library's task readers take
files in public formats. This is the one conversion between the two: each example's bytes
features (`text`, `text_pair`, `label`) become one JSON object per line.

Example:
    >>> rows = read_split("root/CsvExampleGen/examples/1", "eval", limit=2)  # doctest: +SKIP
    >>> sorted(rows[0])  # doctest: +SKIP
    ['label', 'text']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

FIELDS = ("text", "text_pair", "label")


def split_files(examples_uri: str, split: str) -> list[str]:
    """The record files of one split of an `Examples` artifact."""
    import tensorflow as tf

    files = sorted(tf.io.gfile.glob(os.path.join(examples_uri, f"Split-{split}", "*")))
    if not files:
        raise FileNotFoundError(f"{examples_uri} has no records in split {split!r}")
    return files


def _value(feature: Any) -> Any:
    kind = feature.WhichOneof("kind")
    values = list(getattr(feature, kind).value) if kind else []
    if not values:
        return None
    value = values[0]
    return value.decode("utf-8") if isinstance(value, bytes) else value


def iter_rows(files: Sequence[str], fields: Sequence[str] = FIELDS) -> Iterator[dict[str, Any]]:
    """One dict per tf.Example in `files` (GZIP or plain TFRecords), `fields` that it has."""
    import tensorflow as tf

    compression = "GZIP" if files and files[0].endswith(".gz") else ""
    for record in tf.data.TFRecordDataset(list(files), compression_type=compression):
        example = tf.train.Example.FromString(record.numpy())
        features = example.features.feature
        row = {name: _value(features[name]) for name in fields if name in features}
        yield {name: value for name, value in row.items() if value is not None}


def read_split(examples_uri: str, split: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The rows of one split (the first `limit` when given)."""
    rows = []
    for row in iter_rows(split_files(examples_uri, split)):
        if limit is not None and len(rows) >= limit:
            break
        rows.append(row)
    return rows


def write_jsonl(file_patterns: Sequence[str], output: str) -> int:
    """Write the examples matching `file_patterns` as JSONL task rows; returns the count."""
    import tensorflow as tf

    files = sorted(f for pattern in file_patterns for f in tf.io.gfile.glob(pattern))
    if not files:
        raise FileNotFoundError(f"no example files match {list(file_patterns)}")
    count = 0
    with open(output, "w", encoding="utf-8") as handle:
        for row in iter_rows(files):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
