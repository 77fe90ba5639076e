"""Task examples as `tf.train.Example` records: the format every shape reads besides its own.

A shape turns one of its examples into named raw fields (`TaskShape.to_record`: strings,
integers, floats or lists of them; None leaves the field out) and back (`from_record`). The
pipeline's ExampleGen writes task files as such records, so TFX's statistics, schema and
validation see the task's own fields (question, context, answers; tokens and tags; context and
choices), and fine-tuning reads them straight back: a directory of TFRecord files (an
ExampleGen split such as `.../Split-train`, GZIP or not) or one `.tfrecord[.gz]` file is a task
file of every shape. Paths go through `tf.io.gfile`, so `gs://` and `ram://` work too.

Example:
    >>> example = encode_record({"text": "An array.", "label": "code", "skip": None})
    >>> decode_record(example.SerializeToString())
    {'label': ['code'], 'text': ['An array.']}
    >>> is_record_path("root/TaskExampleGen/examples/3/Split-eval/data.gz")
    True
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

RECORD_SUFFIXES = (".tfrecord", ".tfrecords", ".tfrecord.gz", ".gz")


def is_record_path(path: str | os.PathLike) -> bool:
    """Whether `path` names TFRecords of task examples (a file by suffix, or a directory)."""
    import tensorflow as tf

    name = os.fspath(path)
    return name.endswith(RECORD_SUFFIXES) or tf.io.gfile.isdir(name)


def record_files(path: str | os.PathLike) -> list[str]:
    """The TFRecord files of `path`: itself, or the files of a directory (sorted)."""
    import tensorflow as tf

    name = os.fspath(path)
    if not tf.io.gfile.isdir(name):
        if not tf.io.gfile.exists(name):
            raise FileNotFoundError(f"no such record file: {name}")
        return [name]
    files = sorted(
        os.path.join(name, child)
        for child in tf.io.gfile.listdir(name)
        if not child.endswith("/") and not child.startswith(".")
    )
    if not files:
        raise FileNotFoundError(f"{name}: the directory holds no record files")
    return files


class Int64s(tuple):
    """An integer list field: typed even when empty (an empty plain list is a bytes list),
    so every record of a split has the same feature type, as TFX's readers require."""


def _feature(value: Any) -> Any:
    import tensorflow as tf

    if isinstance(value, Int64s):
        return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(v) for v in value]))
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if all(isinstance(v, bool | int) for v in values) and values:
        return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(v) for v in values]))
    if all(isinstance(v, bool | int | float) for v in values) and values:
        return tf.train.Feature(float_list=tf.train.FloatList(value=[float(v) for v in values]))
    if all(isinstance(v, str) for v in values):  # an empty list is an empty bytes list
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[v.encode() for v in values]))
    raise TypeError(f"a record field holds strings, integers or floats, not {value!r}")


def encode_record(fields: Mapping[str, Any]) -> Any:
    """A `tf.train.Example` of named fields (a value or a list; None leaves a field out)."""
    import tensorflow as tf

    feature = {name: _feature(value) for name, value in fields.items() if value is not None}
    return tf.train.Example(features=tf.train.Features(feature=feature))


def decode_record(serialized: bytes) -> dict[str, list[Any]]:
    """Every field of a serialized `tf.train.Example`, as a list of Python values."""
    import tensorflow as tf

    example = tf.train.Example.FromString(serialized)
    fields = {}
    for name, feature in sorted(example.features.feature.items()):
        kind = feature.WhichOneof("kind")
        values = list(getattr(feature, kind).value) if kind else []
        fields[name] = [v.decode("utf-8") if isinstance(v, bytes) else v for v in values]
    return fields


def read_records(path: str | os.PathLike) -> Iterable[dict[str, list[Any]]]:
    """The decoded records of a file or directory (GZIP files by their `.gz` suffix)."""
    import tensorflow as tf

    for name in record_files(path):
        compression = "GZIP" if name.endswith(".gz") else ""
        for serialized in tf.data.TFRecordDataset(name, compression_type=compression):
            yield decode_record(serialized.numpy())


def write_records(path: str | os.PathLike, records: Sequence[Mapping[str, Any]]) -> int:
    """Writes records (GZIP when `path` ends in `.gz`); returns how many."""
    import tensorflow as tf

    name = os.fspath(path)
    options = tf.io.TFRecordOptions(compression_type="GZIP" if name.endswith(".gz") else "")
    with tf.io.TFRecordWriter(name, options) as writer:
        for fields in records:
            writer.write(encode_record(fields).SerializeToString())
    return len(records)


def first(fields: Mapping[str, list[Any]], name: str, default: Any = None) -> Any:
    """The single value of field `name` (`default` when the record lacks it)."""
    values = fields.get(name)
    return values[0] if values else default
