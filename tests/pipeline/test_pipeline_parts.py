"""The pipeline's small parts on their own: record conversion, anomaly naming, the canary's
report on a broken model, the pre-training work key and the base-model resolution."""

from __future__ import annotations

import json

import pytest


def _write_examples(path, rows):
    import tensorflow as tf

    with tf.io.TFRecordWriter(str(path), options="GZIP") as writer:
        for row in rows:
            feature = {
                k: tf.train.Feature(bytes_list=tf.train.BytesList(value=[v.encode()]))
                for k, v in row.items()
            }
            example = tf.train.Example(features=tf.train.Features(feature=feature))
            writer.write(example.SerializeToString())


def test_examples_become_jsonl_rows(tmp_path):
    from bert_tf.pipeline.example_records import read_split, write_jsonl

    split = tmp_path / "Split-eval"
    split.mkdir()
    rows = [{"text": "An array.", "label": "numpy"}, {"text": "Ein Satz é.", "label": "nltk"}]
    _write_examples(split / "data_tfrecord-00000-of-00001.gz", rows)
    assert read_split(str(tmp_path), "eval") == rows
    assert read_split(str(tmp_path), "eval", limit=1) == rows[:1]
    count = write_jsonl([str(split / "*")], str(tmp_path / "eval.jsonl"))
    lines = (tmp_path / "eval.jsonl").read_text(encoding="utf-8").splitlines()
    assert count == 2 and [json.loads(line) for line in lines] == rows
    with pytest.raises(FileNotFoundError, match="split 'train'"):
        read_split(str(tmp_path), "train")


def test_anomalies_are_named(tmp_path):
    from tensorflow_metadata.proto.v0 import anomalies_pb2

    from bert_tf.pipeline.components.validation_gate import describe_anomalies

    anomalies = anomalies_pb2.Anomalies()
    info = anomalies.anomaly_info["label"]
    info.short_description = "Unexpected string values"
    info.reason.add(type=anomalies_pb2.AnomalyInfo.ENUM_TYPE_UNEXPECTED_STRING_VALUES)
    (tmp_path / "Split-eval").mkdir()
    (tmp_path / "Split-eval" / "SchemaDiff.pb").write_bytes(anomalies.SerializeToString())
    (tmp_path / "Split-train").mkdir()
    (tmp_path / "Split-train" / "SchemaDiff.pb").write_bytes(b"")
    found = describe_anomalies(str(tmp_path), ["train", "eval"])
    assert found == ["eval: label: Unexpected string values (ENUM_TYPE_UNEXPECTED_STRING_VALUES)"]


def test_canary_reports_a_model_that_does_not_load(tmp_path):
    from bert_tf.pipeline.canary_check import check_model

    report = check_model(str(tmp_path), [{"text": "x"}])
    assert not report["ok"] and "bert_tf_contract.json" in report["errors"][0]


def test_work_key_depends_on_records_and_settings():
    from bert_tf.pipeline.pretrain_trainer import work_key

    key = work_key(["a/Split-train/*"], {"batch_size": 16})
    assert key == work_key(["a/Split-train/*"], {"batch_size": 16})
    assert key != work_key(["b/Split-train/*"], {"batch_size": 16})
    assert key != work_key(["a/Split-train/*"], {"batch_size": 32})


def test_base_model_of_an_imported_checkpoint_is_its_directory(tmp_path):
    from bert_tf.pipeline.finetune_trainer import resolve_base_model

    (tmp_path / "Format-Serving").mkdir()
    assert resolve_base_model(str(tmp_path / "Format-Serving")) == str(tmp_path / "Format-Serving")
    imported = tmp_path / "checkpoint"
    imported.mkdir()
    assert resolve_base_model(str(imported / "Format-Serving")) == str(imported)
    with pytest.raises(ValueError, match="base_model"):
        resolve_base_model(None)
