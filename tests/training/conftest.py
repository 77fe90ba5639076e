"""Fixtures of the training tests: a tiny pre-trainer and pre-training TFRecords of real text."""

from __future__ import annotations

from pathlib import Path

import pytest

VOCAB_SIZE = 50
SEQ_LEN = 16
SEQ_LEN_RECORDS = 32
PREDICTIONS_RECORDS = 5


@pytest.fixture()
def tiny_pretrainer():
    import keras

    from bert_tf.models import BertBackbone, BertPretrainer

    keras.utils.set_random_seed(0)
    backbone = BertBackbone.from_preset(
        "bert_tiny",
        vocab_size=VOCAB_SIZE,
        hidden_size=64,
        num_heads=2,
        intermediate_size=128,
        max_position_embeddings=SEQ_LEN,
    )
    return BertPretrainer(backbone)


def first_documents(corpus: Path, max_bytes: int) -> str:
    """The leading whole documents (blank-line separated) of `corpus`, up to `max_bytes`."""
    text = corpus.read_text(encoding="utf-8")
    cut = text.rfind("\n\n", 0, max_bytes)
    return text[: cut if cut > 0 else max_bytes] + "\n"


@pytest.fixture(scope="session")
def pretraining_records(tmp_path_factory, real_corpus, minilm_vocab) -> dict:
    """TFRecords of real text (the head of `real_corpus`, about 400 KB) with the real uncased
    vocab, seq 32 and 5 predictions, written by the data package's creation function."""
    from bert_tf.data.pretraining import create_pretraining_data

    root = tmp_path_factory.mktemp("pretraining_records")
    corpus = root / "corpus.txt"
    corpus.write_text(first_documents(real_corpus, 400_000), encoding="utf-8")
    stats = create_pretraining_data(
        [str(corpus)],
        str(minilm_vocab),
        str(root / "data"),
        max_seq_length=SEQ_LEN_RECORDS,
        max_predictions_per_seq=PREDICTIONS_RECORDS,
        num_shards=2,
        num_workers=0,
        dupe_factor=1,
        progress=False,
    )
    return {
        "pattern": str(root / "data" / "*.tfrecord*"),
        "vocab": str(minilm_vocab),
        "stats": stats,
        "max_seq_length": SEQ_LEN_RECORDS,
        "max_predictions_per_seq": PREDICTIONS_RECORDS,
    }
