"""Fixtures for bert_tf.text tests: the real MiniLM (uncased BERT) vocabulary and HF's tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tokenizer(minilm_vocab: Path):
    from bert_tf.text import BertTokenizer

    return BertTokenizer(minilm_vocab, lower_case=True)


@pytest.fixture(scope="session")
def hf_tokenizer(minilm_dir: Path):
    """HF `tokenizers` (the Rust reference) for the same vocabulary, no special tokens/padding."""
    tokenizers = pytest.importorskip("tokenizers")
    hf = tokenizers.Tokenizer.from_file(str(minilm_dir / "tokenizer.json"))
    hf.no_padding()
    hf.no_truncation()
    # Text that spells "[MASK]" is text: google-research/bert (and bert_tf) split it into
    # "[", "mask", "]" rather than matching the special token, so HF must do the same.
    hf.encode_special_tokens = True
    return hf


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 300 KB of real English from the offline corpus."""
    from bert_tf.datasets.offline_corpus import write_corpus

    path = tmp_path_factory.mktemp("text") / "small_corpus.txt"
    write_corpus(path, max_bytes=300_000)
    return path
