"""Parity with HF `tokenizers` on >= 50,000 lines of real offline text (ids and offsets)."""

from __future__ import annotations

import itertools

import pytest

from bert_tf.text import byte_to_char_offsets


@pytest.fixture(scope="module")
def corpus_lines() -> list[str]:
    from bert_tf.datasets.offline_corpus import iter_documents

    sentences = itertools.chain.from_iterable(iter_documents())
    return list(itertools.islice(sentences, 52_000))


@pytest.mark.slow
def test_ids_match_hf_on_50k_real_lines(tokenizer, hf_tokenizer, corpus_lines):
    assert len(corpus_lines) >= 50_000
    assert sum(not line.isascii() for line in corpus_lines) > 50  # accents, quotes, CJK, ...
    for i in range(0, len(corpus_lines), 4096):
        batch = corpus_lines[i : i + 4096]
        ours = tokenizer.tokenize(batch).to_list()
        theirs = [e.ids for e in hf_tokenizer.encode_batch(batch, add_special_tokens=False)]
        for line, a, b in zip(batch, ours, theirs):
            assert a == b, line


@pytest.mark.slow
def test_offsets_match_hf_on_real_lines(tokenizer, hf_tokenizer, corpus_lines):
    batch = corpus_lines[:2000] + [line for line in corpus_lines if not line.isascii()][:500]
    ids, starts, ends = tokenizer.tokenize_with_offsets(batch)
    assert ids.to_list() == tokenizer.tokenize(batch).to_list()
    encodings = hf_tokenizer.encode_batch(batch, add_special_tokens=False)
    for line, s, e, enc in zip(batch, starts.to_list(), ends.to_list(), encodings):
        char_s, char_e = byte_to_char_offsets(line, s, e)
        assert list(zip(char_s.tolist(), char_e.tolist())) == enc.offsets, line
