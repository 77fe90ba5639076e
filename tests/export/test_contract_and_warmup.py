"""The tokenizer contract travels with the model (assets + `contract` signature) and a
mismatched tokenizer is refused by name; the warm-up records are real PredictionLogs that
replay against the export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from export_helpers import SEQ


def test_contract_assets_and_signature(exports, loaded, tokenizer):
    path = exports["classification"]
    asset = json.loads((path / "assets" / "bert_tf_contract.json").read_text())
    (answer,) = loaded["classification"]("contract", request=[""])["contract"]  # one per row
    served = json.loads(answer.decode())
    assert asset == served == loaded["classification"].contract
    assert asset["format"] == "bert_tf.export/1"
    assert asset["vocab_sha256"] == tokenizer.vocab_sha256
    assert asset["vocab_size"] == tokenizer.vocab_size == 30522
    assert (asset["lower_case"], asset["seq_length"]) == (True, SEQ)
    assert asset["inputs"] == ["text", "text_pair"]
    assert asset["outputs"] == ["probabilities", "label", "label_id"]
    assert asset["label_names"] == ["neg", "neutral", "pos"]
    assert asset["task_settings"] == {"stride": 6}
    assert set(asset["signatures"]) == set(loaded["classification"].signatures)
    assert (path / "assets" / "vocab.txt").read_bytes() == Path(tokenizer.vocab_file).read_bytes()


def test_a_different_tokenizer_is_refused_by_field(exports, tokenizer, tmp_path):
    from bert_tf.export import load_exported
    from bert_tf.text import BertPreprocessor, BertTokenizer

    path = exports["classification"]
    assert load_exported(path, tokenizer).task == "classification"
    cased = BertTokenizer(tokenizer.vocab_file, lower_case=False)
    with pytest.raises(ValueError, match="lower_case is False here but True"):
        load_exported(path, cased)
    with pytest.raises(ValueError, match="max_chars_per_word"):
        load_exported(path, BertTokenizer(tokenizer.vocab_file, max_chars_per_word=50))
    other_vocab = tmp_path / "vocab.txt"
    other_vocab.write_text("\n".join(tokenizer.vocab[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="vocab_sha256"):
        load_exported(path, BertTokenizer(other_vocab))
    with pytest.raises(ValueError, match="seq_length is 64 here but 32"):
        load_exported(path, BertPreprocessor(tokenizer, seq_length=64))


@pytest.mark.parametrize("task", ["classification", "span", "tagging"])
def test_warmup_records_parse_and_replay(task, exports, loaded):
    from tensorflow_serving.apis import prediction_log_pb2

    path = exports[task] / "assets.extra" / "tf_serving_warmup_requests"
    logs = []
    for record in tf.data.TFRecordDataset(str(path)):
        log = prediction_log_pb2.PredictionLog()
        log.ParseFromString(record.numpy())
        logs.append(log)
    signatures = [log.predict_log.request.model_spec.signature_name for log in logs]
    assert set(signatures) == {"serving_default", "serve_examples", "serve_tokens"}
    assert len(logs) == 6  # batch sizes 1 and 2 per signature
    model = loaded[task]
    for log, name in zip(logs, signatures):
        request = log.predict_log.request
        inputs = {key: tf.make_ndarray(proto) for key, proto in request.inputs.items()}
        outputs = model(name, **inputs)
        batch = len(next(iter(inputs.values())))
        assert all(len(value) == batch for value in outputs.values())
    first = {k: tf.make_ndarray(v) for k, v in logs[0].predict_log.request.inputs.items()}
    assert sorted(first) == sorted(model.contract["inputs"])
    assert isinstance(first[sorted(first)[0]][0], bytes) and np.size(first[sorted(first)[0]]) == 1


def test_a_seq_length_past_the_position_table_is_refused(classifier, tokenizer, tmp_path):
    from bert_tf.export import export_for_serving
    from bert_tf.text import BertPreprocessor

    too_long = BertPreprocessor(tokenizer, seq_length=600)  # the model has 512 positions
    message = "seq_length 600 exceeds the model's max_position_embeddings 512"
    with pytest.raises(ValueError, match=message):
        export_for_serving(classifier, too_long, tmp_path / "m" / "1", "classification",
                           ["neg", "neutral", "pos"])  # fmt: skip
    assert not (tmp_path / "m").exists()  # nothing written
