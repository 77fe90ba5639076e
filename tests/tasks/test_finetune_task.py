"""Task adapters and model sources: task names, main metrics, learned labels, init loading."""

from __future__ import annotations

import pytest

from bert_tf.data.readers import SquadAnswer, SquadExample, TaggingExample, TextExample
from bert_tf.tasks import FinetuneTask, make_task
from bert_tf.tasks.classification_task import ClassificationTask
from bert_tf.tasks.model_sources import load_backbone
from bert_tf.tasks.squad_task import SquadTask
from bert_tf.tasks.tagging_task import TaggingTask


def test_make_task_dispatch_and_main_metrics():
    assert isinstance(make_task("glue/MRPC"), ClassificationTask)
    assert make_task("glue/mrpc").main_metric == "f1"
    assert make_task("glue/cola").main_metric == "matthews_correlation"
    assert make_task("glue/sts-b").main_metric == "pearson"
    assert make_task("glue/sts-b").num_outputs() == 1
    assert make_task("glue/mnli").labels == ["contradiction", "entailment", "neutral"]
    assert isinstance(make_task("squad-v2.0", doc_stride=64), SquadTask)
    assert isinstance(make_task("conll"), TaggingTask)
    with pytest.raises(ValueError, match="unknown task"):
        make_task("ner")


def test_labels_are_learned_from_training_data_and_saved_in_the_config():
    task = make_task("csv", max_seq_length=64, stride=32)
    task.learn_labels([TextExample("1", "a", None, "spam"), TextExample("2", "b", None, "ham")])
    assert task.labels == ["ham", "spam"]
    config = task.get_config()
    assert config == {
        "name": "csv",
        "labels": ["ham", "spam"],
        "max_seq_length": 64,
        "freeze_encoder": False,
        "feature_layers": None,
        "stride": 32,
    }
    rebuilt = make_task(config.pop("name"), **config)
    assert rebuilt.labels == ["ham", "spam"] and rebuilt.stride == 32
    tagging = make_task("conll")
    tagging.learn_labels([TaggingExample("s", ["a", "b"], ["B-PER", "O"])])
    assert tagging.labels == ["O", "B-PER"]


def test_is_labelled_tells_test_files_apart():
    assert FinetuneTask.is_labelled([TextExample("1", "a", None, "x")])
    assert not FinetuneTask.is_labelled([TextExample("1", "a", None, None)])
    assert not FinetuneTask.is_labelled([TaggingExample("s", ["a"], None)])
    answered = SquadExample("q", "?", "ctx", [SquadAnswer("ctx", 0)])
    impossible = SquadExample("q", "?", "ctx", [], is_impossible=True)
    assert FinetuneTask.is_labelled([answered, impossible])
    assert not FinetuneTask.is_labelled([SquadExample("q", "?", "ctx", [])])


def test_load_backbone_from_preset_hf_dir_and_errors(minilm_dir, tmp_path):
    backbone, tokenizer, vocab = load_backbone(
        "bert_tiny",
        minilm_dir / "vocab.txt",
        num_layers=1,
        hidden_size=64,
        num_heads=1,
        intermediate_size=64,
    )
    assert backbone.config.vocab_size == tokenizer.vocab_size == 30522
    hf_backbone, hf_tokenizer, hf_vocab = load_backbone(str(minilm_dir))
    assert hf_backbone.config.num_layers == 6 and hf_vocab.name == "vocab.txt"
    assert hf_tokenizer.lower_case
    with pytest.raises(ValueError, match="needs --vocab"):
        load_backbone("bert_tiny")
    with pytest.raises(FileNotFoundError, match="neither an existing path nor a preset"):
        load_backbone(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="needs --vocab"):
        (tmp_path / "m.keras").write_bytes(b"")
        load_backbone(str(tmp_path / "m.keras"))


def test_load_backbone_from_a_pretraining_run_directory(tiny_backbone, minilm_vocab, tmp_path):
    import json
    import shutil

    import numpy as np

    tiny_backbone.save(tmp_path / "backbone.keras")
    shutil.copyfile(minilm_vocab, tmp_path / "vocab.txt")
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"lower_case": True}))
    backbone, tokenizer, vocab = load_backbone(str(tmp_path))
    assert vocab == tmp_path / "vocab.txt" and tokenizer.lower_case
    for old, new in zip(tiny_backbone.weights, backbone.weights):
        np.testing.assert_array_equal(np.array(old), np.array(new))
