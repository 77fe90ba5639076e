"""HF / google config.json <-> BertConfig."""

from __future__ import annotations

import pytest
from ckpt_helpers import TINY

from bert_tf.checkpoints import config_from_json_dict, config_to_hf_dict

GOOGLE_BASE = {  # bert_config.json of google-research's uncased_L-12_H-768_A-12
    "attention_probs_dropout_prob": 0.1,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 768,
    "initializer_range": 0.02,
    "intermediate_size": 3072,
    "max_position_embeddings": 512,
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "type_vocab_size": 2,
    "vocab_size": 30522,
}


def test_google_config_is_bert_base():
    config = config_from_json_dict(GOOGLE_BASE)
    assert config == config.from_preset("bert_base")  # layer_norm_eps defaults to 1e-12


def test_hf_dict_round_trip_and_activation_names():
    values = config_to_hf_dict(TINY.replace(hidden_act="gelu_approximate"), "BertForPreTraining")
    assert values["hidden_act"] == "gelu_new" and values["architectures"] == ["BertForPreTraining"]
    assert values["num_attention_heads"] == 4 and values["hidden_dropout_prob"] == 0.1
    assert config_from_json_dict(values) == TINY.replace(hidden_act="gelu_approximate")
    assert config_from_json_dict({**values, "hidden_act": "gelu_pytorch_tanh"}).hidden_act == (
        "gelu_approximate"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"position_embedding_type": "relative_key"}, "position_embedding_type 'relative_key'"),
        ({"hidden_act": "swish"}, "hidden_act 'swish' is not supported"),
        ({"num_attention_heads": 7}, "not divisible by num_heads=7"),
    ],
)
def test_unsupported_settings_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        config_from_json_dict({**GOOGLE_BASE, **change}, source="bert_config.json")
