"""NSP random-next segments always come from another document, at any corpus shape: one
3 MB document beside small ones, book-length documents that fill a chunk alone, pieces of
one long document; corpora NSP cannot use are refused, and poor ones are warned about."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from pretraining_helpers import original_ids, read_records

from bert_tf.data.pretraining import create_pretraining_data
from bert_tf.data.pretraining.documents import Chunk
from bert_tf.data.pretraining.donor_reservoir import DonorReservoir

SEP = 102  # [SEP] in the uncased vocab


def documents(max_bytes: int) -> list[list[str]]:
    from bert_tf.datasets.offline_corpus import iter_documents

    return list(iter_documents(max_bytes=max_bytes))


def write(path: Path, docs: list[list[str]]) -> Path:
    path.write_text("\n\n".join("\n".join(doc) for doc in docs) + "\n", encoding="utf-8")
    return path


def token_bytes(tokenizer, docs: list[list[str]]) -> bytes:
    lines = [line for doc in docs for line in doc]
    return tokenizer.tokenize(lines).flat_values.numpy().astype(np.int32).tobytes()


def contains(corpus: bytes, run: np.ndarray) -> bool:
    needle, at = run.astype(np.int32).tobytes(), corpus.find(run.astype(np.int32).tobytes())
    while at != -1 and at % 4:
        at = corpus.find(needle, at + 1)
    return at != -1


@pytest.mark.slow
def test_one_3mb_document_and_small_ones(tmp_path, minilm_vocab, tokenizer):
    docs = documents(3_400_000)
    big = [line for doc in docs[:-40] for line in doc]  # everything but the last 40, as one
    small = docs[-40:]
    assert sum(len(line) + 1 for line in big) > 3_000_000
    corpus = write(tmp_path / "corpus.txt", [big, *small])
    stats = create_pretraining_data(
        [str(corpus)], str(minilm_vocab), str(tmp_path / "out"), max_seq_length=64,
        max_predictions_per_seq=10, num_workers=2, progress=False,
    )  # fmt: skip
    print({k: stats[k] for k in ("documents", "document_pieces", "chunks", "instances",
                                 "random_next_rate", "coin_random_next_rate",
                                 "same_document_negatives")})  # fmt: skip
    assert stats["documents"] == 41 and stats["document_pieces"] > 41
    assert stats["same_document_negatives"] == 0
    assert abs(stats["coin_random_next_rate"] - 0.5) <= 0.02  # where documents allow
    # Independently of the counter: a random B next to an A of the big document is text
    # of one of the small documents.
    records = read_records(str(tmp_path / "out" / "pretraining-*"), 64, 10)
    big_tokens, small_tokens = token_bytes(tokenizer, [big]), token_bytes(tokenizer, small)
    ids, lengths = original_ids(records), records["input_mask"].sum(axis=1)
    random_rows = np.flatnonzero(records["next_sentence_labels"][:, 0] == 1)
    checked = 0
    for row in random_rows[::50]:
        sep = int(np.argmax(ids[row] == SEP))
        a, b = ids[row, 1:sep], ids[row, sep + 1 : lengths[row] - 1]
        if len(a) >= 8 and contains(big_tokens, a) and not contains(small_tokens, a):
            assert contains(small_tokens, b), row
            checked += 1
    assert checked >= 20


@pytest.mark.slow
def test_book_shaped_corpus_draws_negatives_from_other_books(tmp_path, minilm_vocab):
    books, book, size = [], [], 0
    for doc in documents(900_000):  # ~110 KB books, each filling a 64 KB chunk alone
        book += doc
        size += sum(len(line) + 1 for line in doc)
        if size > 110_000:
            books.append(book)
            book, size = [], 0
    corpus = write(tmp_path / "books.txt", books)
    options = dict(max_seq_length=64, max_predictions_per_seq=10, chunk_bytes=64 * 1024,
                   progress=False)  # fmt: skip
    one = create_pretraining_data(
        [str(corpus)], str(minilm_vocab), str(tmp_path / "w1"), num_workers=1, **options
    )
    two = create_pretraining_data(
        [str(corpus)], str(minilm_vocab), str(tmp_path / "w2"), num_workers=2, **options
    )
    assert one["documents"] == len(books) >= 6 and one["chunks"] == len(books)
    assert one["same_document_negatives"] == 0 and one["donors"] > 0
    assert abs(one["coin_random_next_rate"] - 0.5) <= 0.02
    shards = sorted(p.name for p in (tmp_path / "w1").glob("pretraining-*"))
    for name in shards:  # the donors do not depend on the worker count
        assert (tmp_path / "w1" / name).read_bytes() == (tmp_path / "w2" / name).read_bytes()
    assert one["instances"] == two["instances"]


def test_reservoir_caps_a_document_and_is_seeded():
    def fill(seed: int) -> DonorReservoir:
        reservoir = DonorReservoir(seed, capacity=8, per_chunk=3, per_document=2, donor_chars=5)
        for index in range(20):  # pieces of one long document 7, then small documents
            doc_ids = [7] if index < 10 else [100 + 2 * index, 101 + 2 * index]
            docs = [[f"s{index}-{i}." for i in range(6)] for _ in doc_ids]
            reservoir.offer(Chunk(0, index, docs, 60, doc_ids))
        return reservoir

    reservoir = fill(1)
    assert len(reservoir.donors) == 8 and reservoir.ids.count(7) <= 2
    donors, ids = reservoir.sample(Chunk(0, 99, [["x."]], 2, [7]))
    assert len(donors) == 3 and 7 not in ids
    assert fill(1).ids == reservoir.ids and fill(2).ids != reservoir.ids


def test_empty_and_single_document_corpora_are_refused(tmp_path, minilm_vocab):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty.*empty\.txt"):
        create_pretraining_data([str(empty)], str(minilm_vocab), str(tmp_path / "o1"))
    single = write(tmp_path / "single.txt", [[f"Sentence number {i} is here." for i in range(50)]])
    with pytest.raises(ValueError, match=r"single\.txt.*needs >= 2 documents"):
        create_pretraining_data([str(single)], str(minilm_vocab), str(tmp_path / "o2"))


def test_unknown_tokens_and_truncation_are_warned_with_figures(tmp_path, caplog):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "."]))
    docs = [[f"the word{i} a longer sentence number {j} ." for j in range(4)] for i in range(10)]
    corpus = write(tmp_path / "c.txt", docs)
    with caplog.at_level(logging.WARNING):
        stats = create_pretraining_data(
            [str(corpus)], str(vocab), str(tmp_path / "out"), max_seq_length=8,
            max_predictions_per_seq=2, num_workers=0, progress=False,
        )  # fmt: skip
    assert stats["unk_rate"] > 0.05 and stats["truncation_rate"] > 0.5
    unk = f"{stats['unk_rate']:.1%} of the corpus tokens are [UNK]"
    cut = f"{stats['truncation_rate']:.1%} of the instances are truncated"
    assert any(unk in m for m in stats["warnings"]) and any(cut in m for m in stats["warnings"])
    assert unk in caplog.text and cut in caplog.text
