"""Fixtures for the pre-training data tests: one real build (>= 10,000 instances), read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pretraining_helpers import read_records


@pytest.fixture(scope="session")
def vocab_info(minilm_vocab: Path):
    from bert_tf.data.pretraining.tokenization import VocabInfo

    return VocabInfo.from_file(str(minilm_vocab))


@pytest.fixture(scope="session")
def small_corpus(real_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first ~400 kB of the real corpus (whole documents)."""
    text = real_corpus.read_text(encoding="utf-8")
    cut = text.index("\n\n", 400_000) + 2
    path = tmp_path_factory.mktemp("small") / "small.txt"
    path.write_text(text[:cut], encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built(real_corpus: Path, minilm_vocab: Path, tmp_path_factory: pytest.TempPathFactory):
    """(output dir, stats, records) of a 2-worker build of the 2 MB corpus, dupe_factor 3."""
    from bert_tf.data.pretraining import create_pretraining_data

    out = tmp_path_factory.mktemp("built")
    stats = create_pretraining_data(
        [str(real_corpus)],
        str(minilm_vocab),
        str(out),
        dupe_factor=3,
        num_shards=4,
        num_workers=2,
        progress=False,
    )
    return out, stats, read_records(str(out / "pretraining-*"))
