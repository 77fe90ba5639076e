"""Feature extraction: google-research JSON layout, TFRecord output, pairs, truncation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bert_tf.tasks.feature_extractor import FeatureExtractor


def test_jsonl_layout_and_shapes(tiny_backbone, tokenizer, tmp_path):
    extractor = FeatureExtractor(tiny_backbone, tokenizer, seq_length=16, layers=[-1, -2])
    lines = ["Hello world.", "Is it a pair? ||| Yes it is.", " ".join(["word"] * 40)]
    assert extractor.write(lines, tmp_path / "out.jsonl") == 3
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["linex_index"] for r in records] == [0, 1, 2]
    tokens = [f["token"] for f in records[0]["features"]]
    assert tokens == ["[CLS]", "hello", "world", ".", "[SEP]"]
    pair_tokens = [f["token"] for f in records[1]["features"]]
    assert pair_tokens.count("[SEP]") == 2
    assert len(records[2]["features"]) == 16  # truncated to seq_length
    layer = records[0]["features"][1]["layers"]
    assert [entry["index"] for entry in layer] == [-1, -2]
    assert all(len(entry["values"]) == 64 for entry in layer)
    # The values are the backbone's hidden states of that token.
    item = next(extractor.extract(["Hello world."]))
    np.testing.assert_allclose(layer[0]["values"], item["layers"][-1][1], atol=1e-5)


def test_tfrecord_output(tiny_backbone, tokenizer, tmp_path):
    import tensorflow as tf

    extractor = FeatureExtractor(tiny_backbone, tokenizer, seq_length=16, layers=[-1])
    assert extractor.write(["One line.", "Two lines here."], tmp_path / "f.tfrecord") == 2
    raw = list(tf.data.TFRecordDataset(str(tmp_path / "f.tfrecord")).as_numpy_iterator())
    example = tf.train.Example.FromString(raw[1])
    features = example.features.feature
    tokens = [t.decode() for t in features["tokens"].bytes_list.value]
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    assert len(features["layer_-1"].float_list.value) == len(tokens) * 64
    assert features["linex_index"].int64_list.value == [1]


def test_bad_layers_and_output(tiny_backbone, tokenizer, tmp_path):
    with pytest.raises(ValueError, match="layers"):
        FeatureExtractor(tiny_backbone, tokenizer, layers=[-5])
    with pytest.raises(ValueError, match=".jsonl or .tfrecord"):
        FeatureExtractor(tiny_backbone, tokenizer, layers=[-1]).write(["a"], tmp_path / "x.csv")
