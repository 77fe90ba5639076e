"""BertBackbone: outputs, padding, presets, serialization, mixed precision, freezing."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from bert_tf.config import BertConfig
from bert_tf.layers import BertEmbeddings, MultiHeadSelfAttention, TransformerEncoderBlock
from bert_tf.models import BertBackbone


def _np(x) -> np.ndarray:
    return keras.ops.convert_to_numpy(x)


def test_outputs_shapes_and_sublayers(tiny_config, make_inputs):
    backbone = BertBackbone(tiny_config)
    out = backbone(make_inputs(batch=3, seq=10))
    assert set(out) == {"sequence_output", "pooled_output", "encoder_outputs"}
    assert out["sequence_output"].shape == (3, 10, 32)
    assert out["pooled_output"].shape == (3, 32)
    assert len(out["encoder_outputs"]) == tiny_config.num_layers == len(backbone.encoder_layers)
    np.testing.assert_array_equal(_np(out["encoder_outputs"][-1]), _np(out["sequence_output"]))
    assert isinstance(backbone.embeddings, BertEmbeddings)
    assert all(isinstance(b, TransformerEncoderBlock) for b in backbone.encoder_layers)
    assert isinstance(backbone.encoder_layers[0].attention, MultiHeadSelfAttention)
    assert backbone.embeddings.word_embeddings.embeddings.shape == (50, 32)
    assert backbone.pooler.kernel.shape == (32, 32) and backbone.config == tiny_config
    # The pooler is tanh(Dense) of the [CLS] vector.
    cls = _np(out["sequence_output"])[:, 0]
    expected = np.tanh(cls @ _np(backbone.pooler.kernel) + _np(backbone.pooler.bias))
    np.testing.assert_allclose(_np(out["pooled_output"]), expected, atol=1e-5)


def test_padding_never_changes_real_positions(tiny_config, make_inputs):
    backbone = BertBackbone(tiny_config)
    inputs = make_inputs(batch=4, seq=12)
    before = backbone(inputs)
    changed = {k: v.copy() for k, v in inputs.items()}
    padded = inputs["input_mask"] == 0
    assert padded.any()
    changed["input_word_ids"][padded] = 7
    changed["input_type_ids"][padded] = 1
    after = backbone(changed)
    real = inputs["input_mask"] == 1
    for key in ("sequence_output",):
        np.testing.assert_allclose(_np(after[key])[real], _np(before[key])[real], atol=1e-6)
    np.testing.assert_allclose(_np(after["pooled_output"]), _np(before["pooled_output"]), atol=1e-6)
    # Sanity: a change at a real position does move the outputs.
    changed["input_word_ids"][0, 1] += 1
    moved = _np(backbone(changed)["pooled_output"])[0]
    assert not np.allclose(moved, _np(after["pooled_output"])[0])


def test_dict_config_and_preset(tiny_config):
    assert BertBackbone(tiny_config.to_dict()).config == tiny_config
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=64, num_layers=1)
    assert backbone.config == BertConfig.from_preset("bert_tiny", vocab_size=64, num_layers=1)
    assert len(backbone.encoder_layers) == 1 and backbone.hidden_size == 128
    with pytest.raises(ValueError, match="unknown preset"):
        BertBackbone.from_preset("bert_huge")
    with pytest.raises(TypeError, match="BertConfig"):
        BertBackbone("bert_tiny")


def test_config_and_keras_file_round_trip(tiny_config, make_inputs, tmp_path):
    backbone = BertBackbone(tiny_config, name="my_bert")
    clone = BertBackbone.from_config(backbone.get_config())
    assert clone.get_config() == backbone.get_config() and clone.name == "my_bert"
    inputs = make_inputs()
    path = tmp_path / "backbone.keras"
    backbone.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, BertBackbone) and loaded.config == tiny_config
    want, got = backbone(inputs), loaded(inputs)
    np.testing.assert_array_equal(_np(got["sequence_output"]), _np(want["sequence_output"]))
    np.testing.assert_array_equal(_np(got["pooled_output"]), _np(want["pooled_output"]))


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_forward(policy, tiny_config, make_inputs, global_policy, tmp_path):
    reference = BertBackbone(tiny_config)
    global_policy(policy)
    backbone = BertBackbone(tiny_config)
    assert backbone.dtype_policy.name == policy
    backbone.set_weights(reference.get_weights())
    inputs = make_inputs()
    out = backbone(inputs)
    compute = policy.split("_")[1]
    assert keras.backend.standardize_dtype(out["sequence_output"].dtype) == compute
    assert all(keras.backend.standardize_dtype(w.dtype) == "float32" for w in backbone.weights)
    want = _np(reference(inputs)["sequence_output"])
    got = _np(keras.ops.cast(out["sequence_output"], "float32"))
    np.testing.assert_allclose(got, want, atol=0.15)
    # The policy is part of the config: a reloaded model keeps it under another global policy.
    path = tmp_path / "mixed.keras"
    backbone.save(path)
    global_policy("float32")
    assert keras.saving.load_model(path).dtype_policy.name == policy


def test_freezing_with_trainable_false(tiny_config):
    backbone = BertBackbone(tiny_config)
    assert len(backbone.trainable_weights) == len(backbone.weights) == 5 + 16 * 2 + 2
    backbone.trainable = False
    assert backbone.trainable_weights == [] and len(backbone.non_trainable_weights) == 39
    assert BertBackbone.from_config(backbone.get_config()).trainable is False
