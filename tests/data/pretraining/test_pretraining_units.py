"""Pieces: Example encoding vs protobuf, pair trimming vs the reference loop, reading, config."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.documents import expand_input_files, iter_chunks
from bert_tf.data.pretraining.example_writer import frame_records, serialize_examples
from bert_tf.data.pretraining.instances import _trim
from bert_tf.data.pretraining.tokenization import VocabInfo


def test_serialization_equals_protobuf_and_frames_read_back(tmp_path):
    import tensorflow as tf

    rng = np.random.default_rng(0)
    features = {
        "input_ids": rng.integers(0, 2**40, size=(50, 7)) * (rng.random((50, 7)) < 0.7),
        "small": rng.integers(0, 100, size=(50, 3)),
        "weights": rng.random((50, 4)).astype(np.float32),
    }
    data, lengths = serialize_examples(features, float_features=("weights",))
    ends = np.cumsum(lengths)
    for row in range(50):
        example = tf.train.Example()
        for key, values in features.items():
            feature = example.features.feature[key]
            target = feature.float_list if key == "weights" else feature.int64_list
            target.value.extend(values[row].tolist())
        record = data[ends[row] - lengths[row] : ends[row]]
        assert record == example.SerializeToString(deterministic=True)
    path = tmp_path / "x.tfrecord"
    path.write_bytes(frame_records(data, lengths, np.arange(0, 50, 2)))
    read = [r.numpy() for r in tf.data.TFRecordDataset(str(path))]
    assert read == [data[ends[r] - lengths[r] : ends[r]] for r in range(0, 50, 2)]
    with pytest.raises(ValueError, match="negative"):
        serialize_examples({"ids": np.array([[-1]])})


def test_trim_matches_the_one_token_at_a_time_loop():
    for a in range(1, 40):
        for b in range(1, 40):
            la, lb, ta, tb = a, b, 0, 0
            while la + lb > 29:  # google-research: trim the longer one, B on a tie
                if la > lb:
                    la, ta = la - 1, ta + 1
                else:
                    lb, tb = lb - 1, tb + 1
            assert _trim(a, b, 29) == (ta, tb), (a, b)


def test_chunks_plain_text_and_long_documents(tmp_path):
    path = tmp_path / "c.txt.gz"
    doc = "First sentence here. Second one follows!\nStill the same paragraph? Yes.\n"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(doc + "\n\n" + doc + "A few more words.\n" * 1000)
    chunks = list(iter_chunks(str(path), 3, chunk_bytes=10**6, plain_text=True))
    assert len(chunks) == 1 and chunks[0].key == (3, 0)
    first = chunks[0].documents[0]
    assert first == [
        "First sentence here.",
        "Second one follows!",
        "Still the same paragraph?",
        "Yes.",
    ]
    line_mode = list(iter_chunks(str(path), 0, chunk_bytes=10**6))[0].documents[0]
    assert len(line_mode) == 2
    small = list(iter_chunks(str(path), 0, chunk_bytes=1000))  # a long document is cut
    assert sum(len(c.documents) for c in small) >= 6 and len(small) >= 5
    assert max(c.num_bytes for c in small) <= 4000 + 100
    with pytest.raises(FileNotFoundError, match="missing"):
        expand_input_files([str(tmp_path / "missing.txt")])


def test_config_and_vocab_errors(tmp_path):
    assert PretrainingDataConfig(max_seq_length=64).max_num_tokens == 61
    with pytest.raises(ValueError, match="masked_lm_prob"):
        PretrainingDataConfig(masked_lm_prob=1.5)
    with pytest.raises(ValueError, match="compression"):
        PretrainingDataConfig(compression="ZLIB")
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n##s\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[MASK\]"):
        VocabInfo.from_file(str(vocab))
    with pytest.raises(FileNotFoundError, match="vocab"):
        VocabInfo.from_file(str(tmp_path / "none.txt"))
