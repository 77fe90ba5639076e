"""Fixtures for the pre-training data tests: one real build (>= 10,000 instances), read back."""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np
import pytest


def read_records(pattern: str, max_seq_length: int = 128, max_predictions: int = 20) -> dict:
    """Every record of the matching shards, as numpy arrays (file order, then record order)."""
    import tensorflow as tf

    from bert_tf.data.pretraining.reader import detect_compression, pretraining_feature_spec

    files = sorted(glob.glob(pattern))
    dataset = tf.data.TFRecordDataset(files, compression_type=detect_compression(files))
    spec = pretraining_feature_spec(max_seq_length, max_predictions)
    parsed = dataset.batch(4096).map(lambda s: tf.io.parse_example(s, spec))
    parts = list(parsed.as_numpy_iterator())
    return {key: np.concatenate([p[key] for p in parts]) for key in spec}


def original_ids(records: dict) -> np.ndarray:
    """input_ids with the masked positions' labels put back: the unmasked instance."""
    ids = records["input_ids"].copy()
    rows, cols = np.nonzero(records["masked_lm_weights"])
    ids[rows, records["masked_lm_positions"][rows, cols]] = records["masked_lm_ids"][rows, cols]
    return ids


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
