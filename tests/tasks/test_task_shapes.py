"""Task shapes and model sources: the registry, task names, main metrics, configs validated
when built, what is learned from training data, init loading."""

from __future__ import annotations

import pytest

from bert_tf.data.readers import SquadAnswer, SquadExample, TaggingExample, TextExample
from bert_tf.tasks import (
    TaskShape,
    make_task,
    served_shape,
    shapes,
    task_from_config,
    task_shape,
)
from bert_tf.tasks.classification_task import ClassificationTask
from bert_tf.tasks.model_sources import load_backbone
from bert_tf.tasks.multiple_choice_task import MultipleChoiceTask
from bert_tf.tasks.span_task import SpanTask
from bert_tf.tasks.tagging_task import TaggingTask


def test_make_task_dispatch_and_main_metrics():
    assert isinstance(make_task("glue/MRPC"), ClassificationTask)
    assert make_task("glue/mrpc").main_metric == "f1"
    assert make_task("glue/cola").main_metric == "matthews_correlation"
    assert make_task("glue/sts-b").main_metric == "pearson"
    assert make_task("glue/sts-b").num_outputs() == 1
    assert make_task("glue/mnli").labels == ["contradiction", "entailment", "neutral"]
    assert isinstance(make_task("squad-v2.0", doc_stride=64), SpanTask)
    assert isinstance(make_task("conll"), TaggingTask)
    assert isinstance(make_task("swag"), MultipleChoiceTask)
    with pytest.raises(ValueError, match="unknown task 'ner'; expected one of glue/NAME, csv, tsv"):
        make_task("ner")


def test_the_registry_finds_every_shape_by_task_name_and_served_task():
    assert sorted(shape.shape for shape in shapes()) == [
        "classification",
        "embedding",
        "fill_mask",
        "multiple_choice",
        "span",
        "tagging",
    ]
    for shape in shapes():
        for served in shape.served_as:
            assert served_shape(served) is shape
            assert shape.result_type(served).OUTPUTS  # a typed answer for every served task
        assert shape.signatures_class().__name__.endswith("Module")
        assert shape.model_type().__name__.startswith("Bert")
        for name in shape.task_names:
            assert task_shape(name + ("mrpc" if name.endswith("/") else "")) is shape
    with pytest.raises(ValueError, match="unknown served task 'ranking'"):
        served_shape("ranking")


@pytest.mark.parametrize(
    "name, options, message",
    [
        ("squad-v1.1", {"stride": 3}, "stride: not options of the span task"),
        ("csv", {"doc_stride": 3}, "doc_stride: not options of the classification task"),
        ("squad-v1.1", {"doc_stride": 0}, "doc_stride must be a positive integer"),
        ("conll", {"stride": -2}, "stride must be a positive integer or None"),
        ("csv", {"max_seq_length": 4}, "max_seq_length must be an integer >= 8"),
        ("csv", {"feature_layers": [-2]}, "feature-layers needs --freeze-encoder"),
        ("swag", {"num_choices": 1}, "num_choices must be an integer >= 2"),
    ],
)
def test_configs_are_validated_when_built(name, options, message):
    with pytest.raises(ValueError, match=message):
        make_task(name, **options)


def test_configs_are_frozen_and_round_trip_through_json():
    task = make_task("squad-v2.0", max_seq_length=64, doc_stride=16, max_query_length=50)
    assert task.config.max_query_length == 32  # at most half a window, as run_squad.py
    with pytest.raises(AttributeError):
        task.config.doc_stride = 8
    for original in (task, make_task("glue/sts-b", stride=8), make_task("swag", num_choices=3)):
        rebuilt = task_from_config(original.get_config())
        assert rebuilt.config == original.config and type(rebuilt) is type(original)


def test_labels_are_learned_from_training_data_and_saved_in_the_config():
    task = make_task("csv", max_seq_length=64, stride=32)
    task.learn_from([TextExample("1", "a", "x", "spam"), TextExample("2", "b", "y", "ham")])
    assert task.labels == ["ham", "spam"] and task.pair
    config = task.get_config()
    assert config == {
        "task": "csv",
        "labels": ["ham", "spam"],
        "max_seq_length": 64,
        "freeze_encoder": False,
        "feature_layers": None,
        "stride": 32,
        "pair": True,
    }
    rebuilt = task_from_config(config)
    assert rebuilt.labels == ["ham", "spam"] and rebuilt.stride == 32 and rebuilt.pair
    tagging = make_task("conll")
    tagging.learn_from([TaggingExample("s", ["a", "b"], ["B-PER", "O"])])
    assert tagging.labels == ["O", "B-PER"]


def test_is_labelled_tells_test_files_apart():
    assert TaskShape.is_labelled([TextExample("1", "a", None, "x")])
    assert not TaskShape.is_labelled([TextExample("1", "a", None, None)])
    assert not TaskShape.is_labelled([TaggingExample("s", ["a"], None)])
    answered = SquadExample("q", "?", "ctx", [SquadAnswer("ctx", 0)])
    impossible = SquadExample("q", "?", "ctx", [], is_impossible=True)
    assert TaskShape.is_labelled([answered, impossible])
    assert not TaskShape.is_labelled([SquadExample("q", "?", "ctx", [])])


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
