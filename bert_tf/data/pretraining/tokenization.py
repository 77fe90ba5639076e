"""The vocabulary facts instance building needs, and batched tokenization of a chunk.

`VocabInfo` is read from vocab.txt without TensorFlow, so worker processes stay small;
only the process that tokenizes loads `bert_tf.text.BertTokenizer` (tf-text
FastBertTokenizer), and it tokenizes a whole chunk's lines in one call.

Example:
    >>> info = VocabInfo.from_file("vocab.txt")
    >>> info.vocab_size, info.pad_id, info.cls_id, info.sep_id, info.mask_id
    (30522, 0, 101, 102, 103)
    >>> from bert_tf.data.pretraining.documents import Chunk
    >>> chunk = Chunk(0, 0, [["The cat sat.", "It purred."], ["Dogs bark loudly."]], num_bytes=39)
    >>> tokenizer = load_tokenizer("vocab.txt")
    >>> tokenized = tokenize_chunk(tokenizer, chunk)
    >>> tokenized.sentence_splits.tolist(), tokenized.doc_splits.tolist()
    ([0, 4, 8, 12], [0, 2, 3])
    >>> [tokenizer.id_to_token(i) for i in tokenized.ids[4:8]]
    ['it', 'pu', '##rred', '.']
    >>> info.is_continuation[tokenized.ids[4:8]].tolist()
    [False, False, True, False]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bert_tf.data.pretraining import file_io
from bert_tf.data.pretraining.documents import Chunk
from bert_tf.text.special_tokens import missing_special_tokens


@dataclass(frozen=True)
class VocabInfo:
    """Special-token ids, vocabulary size and which tokens continue a word ("##")."""

    vocab_size: int
    pad_id: int
    unk_id: int
    cls_id: int
    sep_id: int
    mask_id: int
    is_continuation: np.ndarray  # [vocab_size] bool

    @classmethod
    def from_tokens(cls, tokens: list[str], source: str = "vocabulary") -> VocabInfo:
        ids = {token: i for i, token in enumerate(tokens)}
        missing = missing_special_tokens(ids)
        if missing:
            raise ValueError(f"{source} lacks the special token(s) {missing}")
        return cls(
            vocab_size=len(tokens),
            pad_id=ids["[PAD]"],
            unk_id=ids["[UNK]"],
            cls_id=ids["[CLS]"],
            sep_id=ids["[SEP]"],
            mask_id=ids["[MASK]"],
            is_continuation=np.array([t.startswith("##") for t in tokens], dtype=bool),
        )

    @classmethod
    def from_file(cls, vocab_file: str) -> VocabInfo:
        try:
            text = file_io.read_bytes(vocab_file).decode("utf-8")
            tokens = [line.strip() for line in text.split("\n")]
        except Exception as error:  # OSError locally, tf.errors.NotFoundError elsewhere
            raise FileNotFoundError(f"cannot read vocab file {vocab_file}: {error}") from error
        while tokens and not tokens[-1]:
            tokens.pop()
        if not tokens:
            raise ValueError(f"vocab file {vocab_file} is empty")
        return cls.from_tokens(tokens, source=f"vocab file {vocab_file}")


@dataclass
class TokenizedChunk:
    """A chunk as token ids: sentence i is ids[sentence_splits[i]:sentence_splits[i + 1]];
    document d is sentences doc_splits[d]:doc_splits[d + 1]. The first `num_documents`
    documents are the chunk's own; the rest are its donors (random-next material only).
    `doc_ids[d]` identifies each document across the corpus."""

    file_index: int
    chunk_index: int
    ids: np.ndarray  # [num_tokens] int32
    sentence_splits: np.ndarray  # [num_sentences + 1] int64
    doc_splits: np.ndarray  # [num_documents + num_donors + 1] int64
    num_bytes: int
    doc_ids: np.ndarray  # [num_documents + num_donors] int64
    num_documents: int
    continues: bool = False  # the first document began in an earlier chunk

    @property
    def key(self) -> tuple[int, int]:
        return (self.file_index, self.chunk_index)


def load_tokenizer(vocab_file: str, lower_case: bool = True):
    """The project tokenizer (`bert_tf.text.BertTokenizer`), imported lazily (TensorFlow)."""
    from bert_tf.text import BertTokenizer

    return BertTokenizer(file_io.local_copy(vocab_file, ".txt"), lower_case=lower_case)


def tokenize_chunk(tokenizer, chunk: Chunk) -> TokenizedChunk:
    """Tokenize every sentence of a chunk (and of its donors) in one batched call."""
    documents = [*chunk.documents, *chunk.donors]
    sentences = [s for document in documents for s in document]
    doc_splits = np.zeros(len(documents) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in documents], out=doc_splits[1:])
    ragged = tokenizer.tokenize(sentences)
    if ragged.ragged_rank > 1:  # [sentences, words, pieces] -> [sentences, pieces]
        ragged = ragged.merge_dims(1, -1)
    ids = np.asarray(ragged.flat_values.numpy(), dtype=np.int32)
    splits = np.asarray(ragged.row_splits.numpy(), dtype=np.int64)
    doc_ids = np.asarray([*chunk.doc_ids, *chunk.donor_ids], dtype=np.int64)
    if len(doc_ids) != len(documents):  # a chunk built by hand: every document its own
        doc_ids = np.arange(len(documents), dtype=np.int64)
    return TokenizedChunk(
        chunk.file_index,
        chunk.chunk_index,
        ids,
        splits,
        doc_splits,
        chunk.num_bytes,
        doc_ids,
        len(chunk.documents),
        chunk.continues,
    )
