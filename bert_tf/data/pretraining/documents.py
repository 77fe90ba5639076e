"""Stream input files as chunks of whole documents (bounded memory, deterministic cuts).

Input format (google-research/bert): one sentence per line, a blank line between
documents. In plain-text mode a document's lines are running text, joined and split
into sentences with `bert_tf.text.sentence_splitting.split_sentences`. Files ending in `.gz`
are read through gzip. Chunks never span files, so a chunk is named by
`(file_index, chunk_index)` in every driver; a document longer than four chunks is cut
into pieces so memory stays bounded on any input.

Example:
    >>> for chunk in iter_chunks("corpus.txt", file_index=0, chunk_bytes=1 << 19):
    ...     print(chunk.key, len(chunk.documents))
"""

from __future__ import annotations

import glob
import gzip
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from bert_tf.text.sentence_splitting import split_sentences


@dataclass
class Chunk:
    """Documents (lists of sentences) read from one file, plus where they came from."""

    file_index: int
    chunk_index: int
    documents: list[list[str]]
    num_bytes: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.file_index, self.chunk_index)


def expand_input_files(patterns: Sequence[str]) -> list[str]:
    """Glob patterns (in order, each pattern's matches sorted) into a list of existing files."""
    files: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        for path in matches:
            if not os.path.isfile(path):
                raise FileNotFoundError(f"input file not found: {path}")
            files.append(path)
    if not files:
        raise FileNotFoundError(f"no input files match {list(patterns)}")
    return files


def _open_local(path: str) -> BinaryIO:
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def _finish(lines: list[str], plain_text: bool) -> list[str]:
    if plain_text:
        return split_sentences(" ".join(lines))
    return lines


def iter_document_lines(
    binary: BinaryIO, plain_text: bool = False, max_document_bytes: int | None = None
) -> Iterator[tuple[list[str], int]]:
    """Yield (sentences, bytes read) per document of an open binary file.

    A document longer than `max_document_bytes` is yielded in consecutive pieces.
    """
    lines: list[str] = []
    size = 0
    for raw in iter(binary.readline, b""):
        size += len(raw)
        line = raw.decode("utf-8", errors="replace").strip()
        if line:
            lines.append(line)
        if lines and (not line or (max_document_bytes and size >= max_document_bytes)):
            yield _finish(lines, plain_text), size
            lines, size = [], 0
    if lines:
        yield _finish(lines, plain_text), size


def iter_chunks(
    path: str,
    file_index: int,
    chunk_bytes: int,
    plain_text: bool = False,
    opener: Callable[[str], BinaryIO] = _open_local,
) -> Iterator[Chunk]:
    """Cut one file into chunks of whole documents of about `chunk_bytes` of text each.

    Args:
        path: the input file.
        file_index: position of the file in the job's input list (names the chunks).
        chunk_bytes: a chunk is closed after the document that reaches this size.
        plain_text: sentence-split each document's running text.
        opener: opens `path` for binary reading (the Beam driver passes its FileSystems).
    """
    documents: list[list[str]] = []
    size = 0
    index = 0
    with opener(path) as binary:
        for sentences, num_bytes in iter_document_lines(binary, plain_text, 4 * chunk_bytes):
            documents.append(sentences)
            size += num_bytes
            if size >= chunk_bytes:
                yield Chunk(file_index, index, documents, size)
                documents, size, index = [], 0, index + 1
    if documents:
        yield Chunk(file_index, index, documents, size)
