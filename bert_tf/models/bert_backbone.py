"""`BertBackbone`: embeddings, N post-LN Transformer blocks and the [CLS] pooler."""

from __future__ import annotations

from typing import Any

import keras

from bert_tf.config import BertConfig
from bert_tf.layers import BertEmbeddings, TransformerEncoderBlock
from bert_tf.layers._utils import truncated_normal

INPUT_NAMES = ("input_word_ids", "input_mask", "input_type_ids")


def _resolve_policy(dtype: Any) -> keras.DTypePolicy:
    return keras.config.dtype_policy() if dtype is None else keras.dtype_policies.get(dtype)


@keras.saving.register_keras_serializable(package="bert_tf")
class BertBackbone(keras.Model):
    """The BERT encoder (Devlin et al., 2018) as a Keras functional model.

    Called on `{"input_word_ids", "input_mask", "input_type_ids"}` (int32 `[B, T]`; mask 1 =
    real token, 0 = padding), it returns `{"sequence_output": [B, T, H], "pooled_output":
    [B, H], "encoder_outputs": [L tensors [B, T, H]]}`. Sub-layers: `embeddings`,
    `encoder_layers` (list of `TransformerEncoderBlock`) and `pooler` (`Dense(H, tanh)` on
    the [CLS] vector). Freeze it for feature extraction with `backbone.trainable = False`.

    Args:
        config: a `BertConfig` or its dict.
        name: model name.
        dtype: dtype policy (e.g. "mixed_bfloat16"); default: the global policy.

    Example:
        >>> import numpy as np
        >>> backbone = BertBackbone.from_preset("bert_tiny", vocab_size=100)
        >>> ids = np.array([[2, 7, 9, 3, 0]], "int32")
        >>> out = backbone({"input_word_ids": ids, "input_mask": ids > 0,
        ...                 "input_type_ids": np.zeros_like(ids)})
        >>> [tuple(out[k].shape) for k in ("sequence_output", "pooled_output")]
        [(1, 5, 128), (1, 128)]
        >>> len(out["encoder_outputs"])
        2
    """

    def __init__(
        self,
        config: BertConfig | dict[str, Any],
        name: str = "bert_backbone",
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(config, dict):
            config = BertConfig.from_dict(config)
        if not isinstance(config, BertConfig):
            raise TypeError(f"config must be a BertConfig or dict, got {type(config).__name__}")
        policy = _resolve_policy(dtype)

        # === Layers ===
        embeddings = BertEmbeddings(
            vocab_size=config.vocab_size,
            hidden_size=config.hidden_size,
            max_position_embeddings=config.max_position_embeddings,
            type_vocab_size=config.type_vocab_size,
            dropout=config.dropout,
            layer_norm_eps=config.layer_norm_eps,
            initializer_range=config.initializer_range,
            dtype=policy,
            name="embeddings",
        )
        encoder_layers = [
            TransformerEncoderBlock(
                hidden_size=config.hidden_size,
                num_heads=config.num_heads,
                intermediate_size=config.intermediate_size,
                hidden_act=config.hidden_act,
                dropout=config.dropout,
                attention_dropout=config.attention_dropout,
                layer_norm_eps=config.layer_norm_eps,
                initializer_range=config.initializer_range,
                dtype=policy,
                name=f"encoder_layer_{i}",
            )
            for i in range(config.num_layers)
        ]
        pooler = keras.layers.Dense(
            config.hidden_size,
            activation="tanh",
            kernel_initializer=truncated_normal(config.initializer_range),
            dtype=policy,
            name="pooler",
        )

        # === Functional graph ===
        inputs = {name_: keras.Input((None,), dtype="int32", name=name_) for name_ in INPUT_NAMES}
        x = embeddings(inputs["input_word_ids"], inputs["input_type_ids"])  # [B, T, H]
        encoder_outputs = []
        for block in encoder_layers:
            x = block(x, inputs["input_mask"])  # [B, T, H]
            encoder_outputs.append(x)
        pooled = pooler(x[:, 0, :])  # [B, H] from the [CLS] position
        outputs = {
            "sequence_output": x,
            "pooled_output": pooled,
            "encoder_outputs": encoder_outputs,
        }
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        self.dtype_policy = policy  # functional models drop a `dtype` argument

        # === Attributes ===
        self.config = config
        self.embeddings = embeddings
        self.encoder_layers = encoder_layers
        self.pooler = pooler

    @classmethod
    def from_preset(cls, name: str, dtype: Any = None, **config_overrides: Any) -> BertBackbone:
        """A randomly initialized backbone of a named size (`bert_tiny` ... `bert_large`).

        Args:
            name: preset name from `bert_tf.config.PRESETS`.
            dtype: dtype policy; default: the global policy.
            **config_overrides: `BertConfig` fields to change, e.g. `vocab_size=8000`.
        """
        return cls(BertConfig.from_preset(name, **config_overrides), dtype=dtype)

    @property
    def hidden_size(self) -> int:
        return self.config.hidden_size

    def get_config(self) -> dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BertBackbone:
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = keras.dtype_policies.deserialize(config["dtype"])
        return cls(**config)
