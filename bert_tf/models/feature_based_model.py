"""`FeatureBasedModel`: a task head on frozen BERT features (the paper's feature-based approach).

The backbone is frozen and runs in inference mode (no dropout), so its features are fixed as
ELMo-style features are; the head reads the concatenation of chosen encoder layers (the paper's
best NER ablation: the last four). Only the head's Dense layer trains.

Example:
    >>> from bert_tf.config import BertConfig
    >>> from bert_tf.models import BertBackbone
    >>> config = BertConfig(vocab_size=100, hidden_size=16, num_layers=2, num_heads=2,
    ...                     intermediate_size=32)
    >>> model = FeatureBasedModel(BertBackbone(config), "tagging", 9, feature_layers=[-1, -2])
    >>> [w.path for w in model.trainable_weights]
    ['feature_head/kernel', 'feature_head/bias']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

HEADS = ("classification", "span", "tagging")


@keras.saving.register_keras_serializable(package="bert_tf")
class FeatureBasedModel(keras.Model):
    """Dense head on the concatenated outputs of some encoder layers of a frozen backbone.

    Args:
        backbone: a `bert_tf.models.BertBackbone` (set to non-trainable here).
        head: "classification" ([CLS] features -> [B, C] logits; C=1: regression),
            "span" (-> {"start_logits", "end_logits"} [B, T]) or "tagging" (-> [B, T, C]).
        num_outputs: classes (ignored for "span").
        feature_layers: encoder layer indices to concatenate (negative from the top).
        dropout: dropout on the features before the head.
        name: model name.

    """

    def __init__(
        self,
        backbone: Any,
        head: str = "classification",
        num_outputs: int = 2,
        feature_layers: Sequence[int] = (-1, -2, -3, -4),
        dropout: float = 0.1,
        name: str = "feature_based_model",
        **kwargs: Any,
    ) -> None:
        from bert_tf.models.bert_backbone import INPUT_NAMES

        if head not in HEADS:
            raise ValueError(f"unknown head {head!r}; choose one of {', '.join(HEADS)}")
        num_layers = backbone.config.num_layers
        layers = [int(i) for i in feature_layers]
        if not layers or any(not -num_layers <= i < num_layers for i in layers):
            raise ValueError(
                f"feature_layers {layers} must index the backbone's {num_layers} encoder layers"
            )
        backbone.trainable = False
        inputs = {key: keras.Input((None,), dtype="int32", name=key) for key in INPUT_NAMES}
        encoder_outputs = backbone(inputs, training=False)["encoder_outputs"]  # L x [B, T, H]
        chosen = [encoder_outputs[i] for i in layers]
        x = keras.layers.Concatenate(axis=-1)(chosen) if len(chosen) > 1 else chosen[0]
        x = keras.layers.Dropout(dropout, name="feature_dropout")(x)  # [B, T, k*H]
        units = 2 if head == "span" else num_outputs
        if head == "classification":
            x = x[:, 0, :]  # [B, k*H]: the [CLS] position
        logits = keras.layers.Dense(units, name="feature_head")(x)  # [B, C] or [B, T, C]
        if head == "span":
            real = keras.ops.cast(inputs["input_mask"], "bool")  # [B, T]: never pick padding
            outputs = {
                "start_logits": keras.ops.where(real, logits[..., 0], -1e9),  # [B, T]
                "end_logits": keras.ops.where(real, logits[..., 1], -1e9),  # [B, T]
            }
        else:
            outputs = logits
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        self.backbone = backbone
        self.head = head
        self.num_outputs = num_outputs
        self.feature_layers = layers
        self.dropout = dropout

    def get_config(self) -> dict[str, Any]:
        return {
            "backbone": keras.saving.serialize_keras_object(self.backbone),
            "head": self.head,
            "num_outputs": self.num_outputs,
            "feature_layers": self.feature_layers,
            "dropout": self.dropout,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> FeatureBasedModel:
        config = dict(config)
        config["backbone"] = keras.saving.deserialize_keras_object(config["backbone"])
        return cls(**config)
