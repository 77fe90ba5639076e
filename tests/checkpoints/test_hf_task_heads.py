"""HF task-head files: lenient vs strict loading, head export and re-import, shards."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from ckpt_helpers import randomize, run, tiny_inputs
from safetensors.numpy import load_file, save_file

from bert_tf.checkpoints import (
    CheckpointError,
    CheckpointWarning,
    load_hf_checkpoint,
    save_hf_checkpoint,
)
from bert_tf.models import BertClassifier, BertSpanLabeler, BertTokenClassifier


def _masked_lm_file(pretrainer, path):
    """A BertForMaskedLM file: no pooler, no cls.seq_relationship."""
    save_hf_checkpoint(pretrainer, path)
    tensors = load_file(str(path / "model.safetensors"))
    kept = {k: v for k, v in tensors.items() if not k.startswith(("bert.pooler", "cls.seq"))}
    save_file(kept, str(path / "model.safetensors"))
    config = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**config, "architectures": ["BertForMaskedLM"]}))


def test_masked_lm_file_strict_fails_lenient_warns(tiny_pretrainer, tmp_path):
    _masked_lm_file(tiny_pretrainer, tmp_path)
    with pytest.raises(CheckpointError) as caught:
        load_hf_checkpoint(tmp_path, strict=True)
    assert "missing weight 'bert.pooler.dense.weight'" in str(caught.value)
    assert "missing weight 'cls.seq_relationship.weight'" in str(caught.value)
    with pytest.warns(CheckpointWarning, match="BertForMaskedLM file has no bert.pooler.dense"):
        loaded = load_hf_checkpoint(tmp_path)
    assert loaded.architecture == "BertForMaskedLM" and loaded.has_heads
    assert "cls.seq_relationship.weight" in loaded.initialized
    inputs = tiny_inputs(seed=7)
    want, got = run(tiny_pretrainer, inputs), run(loaded.model, inputs)
    np.testing.assert_array_equal(got["mlm_logits"], want["mlm_logits"])
    want, got = run(tiny_pretrainer.backbone, inputs), run(loaded.backbone, inputs)
    np.testing.assert_array_equal(got["sequence_output"], want["sequence_output"])


def test_a_partial_part_is_an_error_even_when_lenient(tiny_backbone, tmp_path):
    save_hf_checkpoint(tiny_backbone, tmp_path)
    tensors = load_file(str(tmp_path / "model.safetensors"))
    del tensors["pooler.dense.bias"]  # half a pooler is damage, not a layout
    del tensors["encoder.layer.0.output.dense.bias"]
    save_file(tensors, str(tmp_path / "model.safetensors"))
    with pytest.raises(CheckpointError) as caught:
        load_hf_checkpoint(tmp_path)
    assert "missing weight 'pooler.dense.bias'" in str(caught.value)
    assert "missing weight 'encoder.layer.0.output.dense.bias'" in str(caught.value)


@pytest.mark.parametrize(
    ("make", "architecture", "has_pooler"),
    [
        (
            lambda b: BertClassifier(b, num_classes=3, dropout=0.2),
            "BertForSequenceClassification",
            True,
        ),
        (lambda b: BertClassifier(b, num_classes=1), "BertForSequenceClassification", True),
        (lambda b: BertTokenClassifier(b, num_classes=4), "BertForTokenClassification", False),
        (BertSpanLabeler, "BertForQuestionAnswering", False),
    ],
    ids=["classifier", "regression", "tagger", "span"],
)
def test_task_model_round_trip(tiny_backbone, tmp_path, make, architecture, has_pooler):
    model = make(tiny_backbone)
    randomize(model, seed=9)
    labels = (
        {i: f"tag{i}" for i in range(model.num_classes)} if hasattr(model, "num_classes") else None
    )
    save_hf_checkpoint(model, tmp_path, id2label=labels)
    config = json.loads((tmp_path / "config.json").read_text())
    tensors = load_file(str(tmp_path / "model.safetensors"))
    assert config["architectures"] == [architecture]
    assert ("bert.pooler.dense.weight" in tensors) is has_pooler
    if labels:
        assert config["id2label"] == {str(i): name for i, name in labels.items()}
        assert (config.get("problem_type") == "regression") is (model.num_classes == 1)
    with pytest.warns(CheckpointWarning, match="task_model"):
        loaded = load_hf_checkpoint(tmp_path)
    assert not loaded.has_heads and loaded.architecture == architecture
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the head is complete: no warning
        task = loaded.task_model()
    assert type(task) is type(model)
    assert loaded.id2label == labels
    inputs = {k: v for k, v in tiny_inputs(seed=8).items() if k != "masked_lm_positions"}
    want, got = model(inputs), task(inputs)
    for key in want if isinstance(want, dict) else [None]:
        a, b = (want, got) if key is None else (want[key], got[key])
        np.testing.assert_array_equal(np.asarray(b), np.asarray(a))
    if labels and len(labels) > 1:
        config["id2label"] = {"0": "only"}
        (tmp_path / "config.json").write_text(json.dumps(config))
        with pytest.warns(CheckpointWarning):
            relabelled = load_hf_checkpoint(tmp_path)
        with pytest.raises(CheckpointError, match="id2label has 1 labels"):
            relabelled.task_model()


def test_sharded_safetensors_are_read_through_the_index(tiny_backbone, tmp_path):
    save_hf_checkpoint(tiny_backbone, tmp_path)
    tensors = load_file(str(tmp_path / "model.safetensors"))
    (tmp_path / "model.safetensors").unlink()
    names = sorted(tensors)
    shards = {
        "model-00001-of-00002.safetensors": names[:10],
        "model-00002-of-00002.safetensors": names[10:],
    }
    weight_map = {}
    for shard, members in shards.items():
        save_file({k: tensors[k] for k in members}, str(tmp_path / shard))
        weight_map.update({k: shard for k in members})
    index = {"metadata": {}, "weight_map": weight_map}
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(index))
    loaded = load_hf_checkpoint(tmp_path)
    inputs = tiny_inputs(seed=2)
    np.testing.assert_array_equal(
        run(loaded.backbone, inputs)["pooled_output"], run(tiny_backbone, inputs)["pooled_output"]
    )
