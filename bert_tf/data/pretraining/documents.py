"""Stream input files as chunks of whole documents (bounded memory, deterministic cuts).

Input format (google-research/bert): one sentence per line, a blank line between
documents. In plain-text mode a document's lines are running text, joined and split
into sentences with `bert_tf.text.sentence_splitting.split_sentences`. Files ending in `.gz`
are read through gzip; any path `tf.io.gfile` reaches works (`file_io`). Chunks never span
files, so a chunk is named by `(file_index, chunk_index)` in every driver; a document
longer than four chunks is cut into pieces so memory stays bounded on any input, and every
piece keeps its document's id (`document_id(file_index, ordinal)`), so NSP never takes a
piece of the same document for a "random next" segment.

Example:
    >>> for chunk in iter_chunks("corpus.txt", file_index=0, chunk_bytes=1 << 19):
    ...     print(chunk.key, len(chunk.documents))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from bert_tf.data.pretraining import file_io
from bert_tf.data.pretraining.file_io import expand_input_files
from bert_tf.text.sentence_splitting import split_sentences

__all__ = ["Chunk", "document_id", "expand_input_files", "iter_chunks", "iter_document_lines"]


def document_id(file_index: int, ordinal: int) -> int:
    """One int64 per document of the job: the file's index and the document's place in it."""
    return (file_index << 40) | ordinal


@dataclass
class Chunk:
    """Documents (lists of sentences) read from one file, plus where they came from.

    `doc_ids[d]` identifies document d across chunks (pieces of a long document share it);
    `continues` says the first document began in an earlier chunk. `donors` are runs of
    sentences of other documents (ids in `donor_ids`) that random-next segments may use;
    the drivers attach them from `DonorReservoir`.
    """

    file_index: int
    chunk_index: int
    documents: list[list[str]]
    num_bytes: int
    doc_ids: list[int] = field(default_factory=list)
    continues: bool = False
    donors: list[list[str]] = field(default_factory=list)
    donor_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return (self.file_index, self.chunk_index)


def _finish(lines: list[str], plain_text: bool) -> list[str]:
    if plain_text:
        return split_sentences(" ".join(lines))
    return lines


def iter_document_lines(
    binary: BinaryIO, plain_text: bool = False, max_document_bytes: int | None = None
) -> Iterator[tuple[list[str], int, bool]]:
    """Yield (sentences, bytes read, cut) per document of an open binary file.

    A document longer than `max_document_bytes` is yielded in consecutive pieces; `cut` is
    True when the next piece continues this document.
    """
    lines: list[str] = []
    size = 0
    for raw in iter(binary.readline, b""):
        size += len(raw)
        line = raw.decode("utf-8", errors="replace").strip()
        if line:
            lines.append(line)
        if lines and (not line or (max_document_bytes and size >= max_document_bytes)):
            yield _finish(lines, plain_text), size, bool(line)
            lines, size = [], 0
    if lines:
        yield _finish(lines, plain_text), size, False


def iter_chunks(
    path: str,
    file_index: int,
    chunk_bytes: int,
    plain_text: bool = False,
    opener: Callable[[str], BinaryIO] = file_io.open_binary,
) -> Iterator[Chunk]:
    """Cut one file into chunks of whole documents of about `chunk_bytes` of text each.

    Args:
        path: the input file.
        file_index: position of the file in the job's input list (names the chunks).
        chunk_bytes: a chunk is closed after the document that reaches this size.
        plain_text: sentence-split each document's running text.
        opener: opens `path` for binary reading (default: `tf.io.gfile`, `.gz` decompressed).
    """
    documents: list[list[str]] = []
    doc_ids: list[int] = []
    size = index = ordinal = 0
    continues = was_cut = False
    with opener(path) as binary:
        for sentences, num_bytes, cut in iter_document_lines(binary, plain_text, 4 * chunk_bytes):
            if not documents:
                continues = was_cut
            documents.append(sentences)
            doc_ids.append(document_id(file_index, ordinal))
            ordinal += 0 if cut else 1
            was_cut = cut
            size += num_bytes
            if size >= chunk_bytes:
                yield Chunk(file_index, index, documents, size, doc_ids, continues)
                documents, doc_ids, size, index = [], [], 0, index + 1
    if documents:
        yield Chunk(file_index, index, documents, size, doc_ids, continues)
