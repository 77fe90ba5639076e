"""`BertBackbone.from_preset`: a size name or a checkpoint path in any format, one entry point."""

from __future__ import annotations

import numpy as np
import pytest
from ckpt_helpers import TINY, google_variables, write_bert_config, write_tf1_checkpoint

from bert_tf.checkpoints import save_hf_checkpoint
from bert_tf.models import BertBackbone


def _same_weights(a, b):
    assert len(a.weights) == len(b.weights)
    for x, y in zip(a.weights, b.weights):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=x.path)


def test_size_name_is_random_and_paths_are_checked(tmp_path):
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=50)
    assert backbone.config.num_layers == 2 and backbone.config.vocab_size == 50
    with pytest.raises(ValueError, match="unknown preset 'bert_huge'.*not a checkpoint path"):
        BertBackbone.from_preset("bert_huge")
    save_hf_checkpoint(backbone, tmp_path)
    with pytest.raises(ValueError, match="cannot override num_layers"):
        BertBackbone.from_preset(tmp_path, num_layers=4)


def test_hf_google_and_bert_tf_paths_load_their_weights(tiny_pretrainer, tmp_path):
    hf = tmp_path / "hf"
    save_hf_checkpoint(tiny_pretrainer, hf)
    _same_weights(BertBackbone.from_preset(hf), tiny_pretrainer.backbone)

    google = tmp_path / "google"
    google.mkdir()
    write_tf1_checkpoint(google_variables(tiny_pretrainer), google)
    write_bert_config(google)
    from_google = BertBackbone.from_preset(google)
    assert from_google.config.hidden_act == "gelu_approximate"  # google-research's gelu
    _same_weights(from_google, tiny_pretrainer.backbone)

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    tiny_pretrainer.backbone.save(run_dir / "backbone.keras")
    _same_weights(BertBackbone.from_preset(run_dir), tiny_pretrainer.backbone)
    restored = BertBackbone.from_preset(run_dir / "backbone.keras", dtype="bfloat16")
    assert restored.dtype_policy.name == "bfloat16" and restored.config == TINY


def test_keras_hub_path(tiny_backbone, tmp_path):
    pytest.importorskip("keras_hub")
    from bert_tf.checkpoints.keras_hub_preset import save_keras_hub_preset

    backbone = BertBackbone(TINY.replace(hidden_act="gelu_approximate"))
    backbone.set_weights(tiny_backbone.get_weights())
    save_keras_hub_preset(backbone, tmp_path / "hub")
    _same_weights(BertBackbone.from_preset(tmp_path / "hub"), backbone)
