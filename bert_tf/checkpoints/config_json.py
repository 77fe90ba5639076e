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

# Activation names used by HF / google configs -> BertConfig.hidden_act.
_ACTIVATIONS = {
    "gelu": "gelu",  # exact erf GELU
    "gelu_new": "gelu_approximate",  # tanh approximation
    "gelu_pytorch_tanh": "gelu_approximate",
    "gelu_approximate": "gelu_approximate",
    "relu": "relu",
}


def config_from_json_dict(values: dict[str, Any], source: str = "config") -> BertConfig:
    """A `BertConfig` from the keys of an HF config.json or a google bert_config.json.

    Keys that do not change the network (``architectures``, ``pad_token_id``, ...) are ignored.
    Settings this BERT cannot represent (another ``model_type``, relative position embeddings,
    an unknown activation) raise `ValueError` naming the key.
    """
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
    fields = {field: values[key] for key, field in KEY_TO_FIELD.items() if key in values}
    if "hidden_act" in fields:
        act = fields["hidden_act"]
        if act not in _ACTIVATIONS:
            known = ", ".join(_ACTIVATIONS)
            raise ValueError(f"{source}: hidden_act {act!r} is not supported; use one of {known}")
        fields["hidden_act"] = _ACTIVATIONS[act]
    try:
        return BertConfig(**fields)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{source}: {error}") from error


def read_config_json(path: str | Path) -> BertConfig:
    """`config_from_json_dict` on a file; errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"config file not found: {path}")
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(values, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return config_from_json_dict(values, source=str(path))


def config_to_hf_dict(config: BertConfig, architecture: str = "BertModel") -> dict[str, Any]:
    """An HF config.json dict for ``config`` (``architecture``: BertModel or BertForPreTraining)."""
    values: dict[str, Any] = {"architectures": [architecture], "model_type": "bert"}
    for key, field in KEY_TO_FIELD.items():
        values[key] = getattr(config, field)
    if config.hidden_act == "gelu_approximate":
        values["hidden_act"] = "gelu_new"
    values.update(pad_token_id=0, position_embedding_type="absolute")
    return values
