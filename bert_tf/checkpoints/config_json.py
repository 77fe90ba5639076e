"""Translate between `BertConfig` and the config.json of HF / google-research BERT checkpoints.

Both formats share the key names (``hidden_size``, ``num_hidden_layers``, ``num_attention_heads``,
``hidden_dropout_prob``, ...); HF adds ``layer_norm_eps``, ``model_type`` and a few more.

Example:
    >>> config = config_from_json_dict({"hidden_size": 64, "num_hidden_layers": 2,
    ...     "num_attention_heads": 2, "intermediate_size": 128, "vocab_size": 100})
    >>> config.num_layers, config.head_size
    (2, 32)
    >>> config_to_hf_dict(config)["num_hidden_layers"]
    2
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bert_tf.config import BertConfig

# checkpoint config key -> BertConfig field
KEY_TO_FIELD = {
    "vocab_size": "vocab_size",
    "hidden_size": "hidden_size",
    "num_hidden_layers": "num_layers",
    "num_attention_heads": "num_heads",
    "intermediate_size": "intermediate_size",
    "hidden_act": "hidden_act",
    "hidden_dropout_prob": "dropout",
    "attention_probs_dropout_prob": "attention_dropout",
    "max_position_embeddings": "max_position_embeddings",
    "type_vocab_size": "type_vocab_size",
    "initializer_range": "initializer_range",
    "layer_norm_eps": "layer_norm_eps",
}
REQUIRED_KEYS = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads")

# HF config.json ``hidden_act`` -> BertConfig.hidden_act (HF's ACT2FN meanings). The tanh
# names are kept as read, so an export writes back the name it came with.
HF_ACTIVATIONS = {
    "gelu": "gelu",  # exact erf GELU
    "gelu_new": "gelu_new",  # tanh approximation
    "gelu_pytorch_tanh": "gelu_pytorch_tanh",  # the same tanh approximation
    "gelu_approximate": "gelu_approximate",  # bert_tf's own name for it
    "relu": "relu",
    "silu": "silu",
    "swish": "silu",  # HF: ACT2FN["swish"] is SiLU
}
# google-research/bert bert_config.json ``hidden_act`` -> BertConfig.hidden_act. Its
# modeling.py `gelu` is 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the tanh form.
GOOGLE_ACTIVATIONS = {"gelu": "gelu_approximate", "relu": "relu"}


def config_from_json_dict(
    values: dict[str, Any], source: str = "config", flavor: str = "hf"
) -> BertConfig:
    """A `BertConfig` from the keys of an HF config.json or a google bert_config.json.

    ``flavor`` says whose activation names these are: ``"hf"`` (``gelu`` = erf GELU) or
    ``"google"`` (``gelu`` = the tanh approximation google-research's modeling.py computes,
    read as ``hidden_act="gelu_approximate"``). Keys that do not change the network
    (``architectures``, ``pad_token_id``, ...) are ignored. Settings this BERT cannot represent
    (another ``model_type``, relative position embeddings, a causal decoder, an unknown
    activation) raise `ValueError` naming the key.
    """
    if flavor not in ("hf", "google"):
        raise ValueError(f"flavor must be 'hf' or 'google', got {flavor!r}")
    missing = [key for key in REQUIRED_KEYS if key not in values]
    if missing:
        raise ValueError(f"{source}: missing required key(s) {', '.join(missing)}")
    model_type = values.get("model_type", "bert")
    if model_type != "bert":
        raise ValueError(f"{source}: model_type {model_type!r} is not a BERT checkpoint")
    position_type = values.get("position_embedding_type", "absolute")
    if position_type != "absolute":
        raise ValueError(
            f"{source}: position_embedding_type {position_type!r} is not supported (only absolute)"
        )
    if values.get("is_decoder") or values.get("add_cross_attention"):
        raise ValueError(
            f"{source}: is_decoder / add_cross_attention (a causal BERT) is not supported"
        )
    fields = {field: values[key] for key, field in KEY_TO_FIELD.items() if key in values}
    activations = HF_ACTIVATIONS if flavor == "hf" else GOOGLE_ACTIVATIONS
    fields["hidden_act"] = fields.get("hidden_act", "gelu")  # both formats default to gelu
    act = fields["hidden_act"]
    if act not in activations:
        known = ", ".join(activations)
        raise ValueError(
            f"{source}: hidden_act {act!r} is not supported in a {flavor} config; "
            f"use one of {known}"
        )
    fields["hidden_act"] = activations[act]
    try:
        return BertConfig(**fields)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{source}: {error}") from error


def read_json_object(path: str | Path) -> dict[str, Any]:
    """A JSON object from a file; errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"config file not found: {path}")
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(values, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return values


def read_config_json(path: str | Path, flavor: str = "hf") -> BertConfig:
    """`config_from_json_dict` on a file; errors name the file."""
    return config_from_json_dict(read_json_object(path), source=str(Path(path)), flavor=flavor)


def config_to_hf_dict(config: BertConfig, architecture: str = "BertModel") -> dict[str, Any]:
    """An HF config.json dict for ``config`` (``architecture``: the HF class, e.g. BertModel).

    ``hidden_act`` gets the HF name of the same function: ``gelu_approximate`` (the tanh form,
    e.g. from a google-research import) is written as ``gelu_new``.
    """
    values: dict[str, Any] = {"architectures": [architecture], "model_type": "bert"}
    for key, field in KEY_TO_FIELD.items():
        values[key] = getattr(config, field)
    if config.hidden_act == "gelu_approximate":
        values["hidden_act"] = "gelu_new"  # HF's ACT2FN["gelu_new"] is the tanh GELU
    values.update(pad_token_id=0, position_embedding_type="absolute")
    return values
