"""Warm start: read .keras / .weights.h5 / HF checkpoints and copy them into a pre-trainer."""

from __future__ import annotations

import numpy as np
import pytest

from bert_tf.config import BertConfig
from bert_tf.models import BertBackbone, BertPretrainer
from bert_tf.training.warm_start import (
    check_same_architecture,
    copy_initial_weights,
    load_initial_checkpoint,
)

TINY = BertConfig.from_preset(
    "bert_tiny", vocab_size=60, hidden_size=64, num_heads=2, intermediate_size=128
)


def same_weights(a, b) -> bool:
    return all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a.weights, b.weights))


def test_from_a_keras_backbone_keeps_fresh_heads(tmp_path):
    source = BertBackbone(TINY)
    source.save(tmp_path / "backbone.keras")
    initial = load_initial_checkpoint(tmp_path / "backbone.keras")
    assert initial.config == TINY and not isinstance(initial.model, BertPretrainer)
    target = BertPretrainer(BertBackbone(TINY.replace(dropout=0.0)))  # dropout may differ
    heads_before = [np.asarray(w).copy() for w in target.nsp_head.weights]
    assert copy_initial_weights(initial, target) == ["backbone"]
    assert same_weights(target.backbone, source)
    for before, after in zip(heads_before, target.nsp_head.weights):
        np.testing.assert_array_equal(before, np.asarray(after))


def test_from_pretrainer_weights_copies_the_heads(tmp_path):
    source = BertPretrainer(BertBackbone(TINY))
    source.save_weights(tmp_path / "pretrainer.weights.h5")
    with pytest.raises(ValueError, match="needs the model's bert_config"):
        load_initial_checkpoint(tmp_path / "pretrainer.weights.h5")
    initial = load_initial_checkpoint(tmp_path / "pretrainer.weights.h5", config=TINY)
    target = BertPretrainer(BertBackbone(TINY))
    assert copy_initial_weights(initial, target) == ["backbone", "mlm_head", "nsp_head"]
    assert same_weights(target, source)


def test_from_backbone_weights(tmp_path):
    source = BertBackbone(TINY)
    source.save_weights(tmp_path / "backbone.weights.h5")
    initial = load_initial_checkpoint(tmp_path / "backbone.weights.h5", config=TINY)
    target = BertPretrainer(BertBackbone(TINY))
    assert copy_initial_weights(initial, target) == ["backbone"]
    assert same_weights(target.backbone, source)


def test_architecture_mismatch_and_bad_paths(tmp_path):
    with pytest.raises(ValueError, match="num_layers=2 vs 3"):
        check_same_architecture(TINY, TINY.replace(num_layers=3), "ckpt")
    check_same_architecture(TINY, TINY.replace(dropout=0.3), "ckpt")  # not architecture
    with pytest.raises(FileNotFoundError, match="not found"):
        load_initial_checkpoint(tmp_path / "missing.keras")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="(?s)notes.txt: not a checkpoint bert_tf reads.*google"):
        load_initial_checkpoint(tmp_path / "notes.txt")


def test_from_the_real_minilm_hf_checkpoint(minilm_dir):
    initial = load_initial_checkpoint(minilm_dir)
    assert (initial.config.num_layers, initial.config.hidden_size) == (6, 384)
    target = BertPretrainer(BertBackbone(initial.config))
    assert copy_initial_weights(initial, target) == ["backbone"]  # MiniLM ships no MLM head
    assert same_weights(target.backbone, initial.backbone)
