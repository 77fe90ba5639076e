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
    # google-research/bert (and bert_tf) lowercase with Python's str.lower, whose Final_Sigma
    # rule makes a word-final "Σ" "ς"; HF lowercases per character ("σ"). So between HF's
    # cleaning and its lowercasing, final capital sigmas become "ς" exactly as str.lower does.
    from tokenizers import normalizers

    hf.normalizer = normalizers.Sequence(
        [
            normalizers.BertNormalizer(strip_accents=False, lowercase=False),  # clean, CJK
            normalizers.Normalizer.custom(_PythonFinalSigma()),
            normalizers.BertNormalizer(
                clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=True
            ),
        ]
    )
    return hf


class _PythonFinalSigma:
    """An HF custom normalizer: each capital sigma becomes what `str.lower` makes of it."""

    def normalize(self, normalized) -> None:
        text = normalized.normalized
        if "\u03a3" not in text:
            return
        lowered = text.lower()  # sigma maps to one character; others may not (İ -> i̇)
        sigmas = [i for i, c in enumerate(text) if c == "\u03a3"]
        final = iter([lowered[len(text[:i].lower())] == "\u03c2" for i in sigmas])
        normalized.map(lambda c: ("\u03c2" if next(final) else c) if c == "\u03a3" else c)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 300 KB of real English from the offline corpus."""
    from bert_tf.datasets.offline_corpus import write_corpus

    path = tmp_path_factory.mktemp("text") / "small_corpus.txt"
    write_corpus(path, max_bytes=300_000)
    return path
