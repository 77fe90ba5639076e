"""HF / google config.json <-> BertConfig."""

from __future__ import annotations

import numpy as np
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


def test_google_config_is_bert_base_with_tanh_gelu():
    # google-research's modeling.py: gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    config = config_from_json_dict(GOOGLE_BASE, flavor="google")
    assert config == config.from_preset("bert_base", hidden_act="gelu_approximate")
    # the same file read as an HF config means HF's erf gelu
    assert config_from_json_dict(GOOGLE_BASE).hidden_act == "gelu"


def test_hf_dict_round_trip_and_activation_names():
    values = config_to_hf_dict(TINY.replace(hidden_act="gelu_approximate"), "BertForPreTraining")
    assert values["hidden_act"] == "gelu_new" and values["architectures"] == ["BertForPreTraining"]
    assert values["num_attention_heads"] == 4 and values["hidden_dropout_prob"] == 0.1
    assert config_from_json_dict(values) == TINY.replace(hidden_act="gelu_new")
    for name in ("gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu"):
        config = config_from_json_dict({**values, "hidden_act": name})
        assert config.hidden_act == name and config_to_hf_dict(config)["hidden_act"] == name
    assert config_from_json_dict({**values, "hidden_act": "swish"}).hidden_act == "silu"


def test_activation_functions_are_the_published_formulas():
    from scipy.special import erf

    from bert_tf.config import HIDDEN_ACTS
    from bert_tf.layers._utils import ACTIVATIONS, activation_fn

    assert set(HIDDEN_ACTS) == set(ACTIVATIONS)
    x = np.linspace(-5, 5, 101).astype("float32")
    tanh_gelu = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    expected = {
        "gelu": 0.5 * x * (1 + erf(x / np.sqrt(2))),
        "gelu_approximate": tanh_gelu,
        "gelu_new": tanh_gelu,
        "gelu_pytorch_tanh": tanh_gelu,
        "relu": np.maximum(x, 0),
        "silu": x / (1 + np.exp(-x)),
    }
    for name, want in expected.items():
        np.testing.assert_allclose(np.asarray(activation_fn(name)(x)), want, atol=1e-6)
    assert np.abs(expected["gelu"] - tanh_gelu).max() > 1e-4  # the two GELUs differ


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"position_embedding_type": "relative_key"}, "position_embedding_type 'relative_key'"),
        ({"hidden_act": "quick_gelu"}, "hidden_act 'quick_gelu' is not supported"),
        ({"is_decoder": True}, "is_decoder"),
        ({"num_attention_heads": 7}, "not divisible by num_heads=7"),
    ],
)
def test_unsupported_settings_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        config_from_json_dict({**GOOGLE_BASE, **change}, source="bert_config.json")
