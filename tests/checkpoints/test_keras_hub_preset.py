"""keras-hub presets both ways, checked against keras-hub's own BertBackbone on the same inputs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from ckpt_helpers import TINY, randomize, tiny_inputs

from bert_tf.checkpoints.any_checkpoint import checkpoint_format
from bert_tf.checkpoints.keras_hub_preset import load_keras_hub_preset, save_keras_hub_preset

keras_hub = pytest.importorskip("keras_hub", reason="keras-hub is installed by make setup")


def _hub_outputs(model, inputs):
    feed = {
        "token_ids": inputs["input_word_ids"],
        "segment_ids": inputs["input_type_ids"],
        "padding_mask": inputs["input_mask"],
    }
    return {k: np.asarray(v) for k, v in model(feed).items()}


def _ours(backbone, inputs):
    feed = {k: inputs[k] for k in ("input_word_ids", "input_mask", "input_type_ids")}
    return {k: np.asarray(backbone(feed)[k]) for k in ("sequence_output", "pooled_output")}


def _assert_same(ours, theirs, mask):
    real = mask == 1
    delta = np.abs(ours["sequence_output"] - theirs["sequence_output"])[real].max()
    assert delta <= 1e-5, f"sequence_output max |delta| {delta}"
    assert np.abs(ours["pooled_output"] - theirs["pooled_output"]).max() <= 1e-5


@pytest.fixture
def hub_preset(tmp_path, minilm_vocab):
    hub = keras_hub.models.BertBackbone(
        vocabulary_size=TINY.vocab_size,
        num_layers=TINY.num_layers,
        num_heads=TINY.num_heads,
        hidden_dim=TINY.hidden_size,
        intermediate_dim=TINY.intermediate_size,
        max_sequence_length=TINY.max_position_embeddings,
    )
    randomize(hub, seed=4)
    path = tmp_path / "hub"
    hub.save_to_preset(str(path))
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=str(minilm_vocab), lowercase=True)
    tokenizer.save_to_preset(str(path))
    return hub, path


def test_preset_loads_with_keras_hub_outputs(hub_preset, minilm_vocab):
    hub, path = hub_preset
    assert checkpoint_format(path) == "keras-hub"
    loaded = load_keras_hub_preset(path)
    assert loaded.config == TINY.replace(hidden_act="gelu_approximate")  # keras-hub: tanh GELU
    assert loaded.lower_case and loaded.vocab_file.read_bytes() == minilm_vocab.read_bytes()
    inputs = tiny_inputs(seed=6)
    _assert_same(_ours(loaded.backbone, inputs), _hub_outputs(hub, inputs), inputs["input_mask"])


def test_written_preset_loads_in_keras_hub(tiny_backbone, tmp_path, minilm_vocab):
    with pytest.raises(ValueError, match="computes the tanh GELU.*allow_gelu_approximation"):
        save_keras_hub_preset(tiny_backbone, tmp_path / "refused")
    from bert_tf.models import BertBackbone

    backbone = BertBackbone(TINY.replace(hidden_act="gelu_new"))
    backbone.set_weights(tiny_backbone.get_weights())
    save_keras_hub_preset(backbone, tmp_path / "out", vocab_file=minilm_vocab, lower_case=False)
    hub = keras_hub.models.BertBackbone.from_preset(str(tmp_path / "out"))
    inputs = tiny_inputs(seed=7)
    _assert_same(_ours(backbone, inputs), _hub_outputs(hub, inputs), inputs["input_mask"])
    tokenizer = json.loads((tmp_path / "out" / "tokenizer.json").read_text())
    assert tokenizer["config"]["lowercase"] is False
    with pytest.raises(ValueError, match="epsilon 1e-12"):
        save_keras_hub_preset(
            BertBackbone(TINY.replace(hidden_act="gelu_new", layer_norm_eps=1e-6)), tmp_path / "eps"
        )
