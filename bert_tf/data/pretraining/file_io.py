"""File access of the pre-training data jobs through `tf.io.gfile`: any scheme TensorFlow can
reach (local paths, `gs://`, `hdfs://`, `ram://`, ...) works for inputs, vocabulary, shards,
and stats alike, in the local driver and on every Beam worker.

TensorFlow is imported when a function first runs, so the builder processes, which only
import this module through the data classes, stay free of it.

Example:
    >>> write_bytes("ram://doc/a.txt", b"hello\\n")
    >>> expand_input_files(["ram://doc/*.txt"]), read_bytes("ram://doc/a.txt")
    (['ram://doc/a.txt'], b'hello\\n')
"""

from __future__ import annotations

import gzip
import os
import tempfile
from collections.abc import Sequence
from typing import Any, BinaryIO


def _gfile() -> Any:
    import tensorflow as tf

    return tf.io.gfile


def is_local(path: str) -> bool:
    """Whether `path` names the local filesystem (no `scheme://`)."""
    return "://" not in str(path) or str(path).startswith("file://")


def has_magic(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def expand_input_files(patterns: Sequence[str]) -> list[str]:
    """Glob patterns (in order, each pattern's matches sorted) into a list of existing files."""
    gfile = _gfile()
    files: list[str] = []
    for pattern in patterns:
        matches = sorted(gfile.glob(pattern)) if has_magic(pattern) else [pattern]
        for path in matches:
            if not gfile.exists(path) or gfile.isdir(path):
                raise FileNotFoundError(f"input file not found: {path}")
            files.append(path)
    if not files:
        raise FileNotFoundError(f"no input files match {list(patterns)}")
    return files


def open_binary(path: str) -> BinaryIO:
    """`path` opened for binary reading; `.gz` files are decompressed."""
    handle = _gfile().GFile(path, "rb")
    return gzip.GzipFile(fileobj=handle, mode="rb") if path.endswith(".gz") else handle


def create_binary(path: str) -> BinaryIO:
    return _gfile().GFile(path, "wb")


def read_bytes(path: str) -> bytes:
    with _gfile().GFile(path, "rb") as handle:
        return handle.read()


def write_bytes(path: str, data: bytes) -> None:
    parent = os.path.dirname(path)
    if parent:
        makedirs(parent)
    with _gfile().GFile(path, "wb") as handle:
        handle.write(data)


def exists(path: str) -> bool:
    return _gfile().exists(path)


def size(path: str) -> int:
    return int(_gfile().stat(path).length)


def makedirs(path: str) -> None:
    _gfile().makedirs(path)


def glob(pattern: str) -> list[str]:
    return sorted(_gfile().glob(pattern))


def remove(path: str) -> None:
    _gfile().remove(path)


def remove_tree(path: str) -> None:
    if _gfile().exists(path):
        _gfile().rmtree(path)


def join(base: str, *parts: str) -> str:
    """`os.path.join` that keeps `scheme://` prefixes (gfile paths use "/")."""
    if is_local(base):
        return os.path.join(base, *parts)
    return "/".join([base.rstrip("/"), *parts])


def local_copy(path: str, suffix: str = "") -> str:
    """A local file with the contents of `path` (`path` itself when it is local): for readers
    that take only local paths, such as the tokenizer's vocabulary."""
    if is_local(path):
        return path
    handle, local = tempfile.mkstemp(suffix=suffix or os.path.basename(path))
    with os.fdopen(handle, "wb") as out:
        out.write(read_bytes(path))
    return local
