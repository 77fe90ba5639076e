"""`BertMultipleChoice`: pick one of K candidate continuations (SWAG, BERT paper §4.4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

from bert_tf.layers._utils import truncated_normal
from bert_tf.models._task import (
    BertTask,
    check_backbone,
    check_feature_layers,
    default_optimizer,
    encoder_features,
)
from bert_tf.models.bert_backbone import INPUT_NAMES, BertBackbone

ABSENT_CHOICE_LOGIT = -1e9  # score of a padding choice (a row with fewer than K choices)


@keras.saving.register_keras_serializable(package="bert_tf")
class ChoiceRows(keras.layers.Layer):
    """`[B, K, T]` -> `[B*K, T]`: every (context, choice) pair as one backbone row."""

    def call(self, x: Any) -> Any:
        return ops.reshape(x, (-1, ops.shape(x)[-1]))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (None, input_shape[-1])


@keras.saving.register_keras_serializable(package="bert_tf")
class ChoiceScores(keras.layers.Layer):
    """Row scores `[B*K, 1]` back to `[B, K]`; a choice whose mask is all zero (padding)
    scores `ABSENT_CHOICE_LOGIT`."""

    def call(self, scores: Any, input_mask: Any) -> Any:
        shape = ops.shape(input_mask)  # (B, K, T)
        scores = ops.reshape(ops.cast(scores, "float32"), (shape[0], shape[1]))  # [B, K]
        present = ops.any(ops.not_equal(input_mask, 0), axis=-1)  # [B, K]
        return ops.where(present, scores, ABSENT_CHOICE_LOGIT)

    def compute_output_spec(self, scores: Any, input_mask: Any) -> Any:
        return keras.KerasTensor(tuple(input_mask.shape[:2]), dtype="float32")


@keras.saving.register_keras_serializable(package="bert_tf")
class BertMultipleChoice(BertTask):
    """One learned vector scores the [CLS] of every (context, choice) pair; softmax over K.

    Each choice is packed as `[CLS] context [SEP] choice [SEP]`, so the inputs are
    `[B, K, T]` int32 (the backbone's three inputs with a choice axis). The output is float32
    logits `[B, K]`; a choice whose `input_mask` is all zero (padding, for rows with fewer
    choices) scores `ABSENT_CHOICE_LOGIT`. The default loss is sparse categorical
    cross-entropy over the choices, with `accuracy`.

    Args:
        backbone: a `BertBackbone`.
        dropout: dropout rate on the [CLS] vector.
        feature_layers: None trains end to end; a list of encoder layers freezes the backbone
            and scores from their concatenated [CLS] rows (feature-based).
        name: model name.

    Example:
        >>> import numpy as np
        >>> model = BertMultipleChoice(BertBackbone.from_preset("bert_tiny", vocab_size=100))
        >>> ids = np.ones((2, 4, 8), "int32")  # 2 questions x 4 choices x 8 tokens
        >>> inputs = {"input_word_ids": ids, "input_mask": ids, "input_type_ids": 0 * ids}
        >>> tuple(model(inputs).shape)
        (2, 4)
    """

    def __init__(
        self,
        backbone: BertBackbone,
        dropout: float = 0.1,
        feature_layers: Sequence[int] | None = None,
        name: str = "bert_multiple_choice",
        **kwargs: Any,
    ) -> None:
        backbone = check_backbone(backbone)
        feature_layers = check_feature_layers(feature_layers, backbone.config.num_layers)
        dropout_layer = keras.layers.Dropout(dropout, name="choice_dropout")
        output_dense = keras.layers.Dense(
            1,
            kernel_initializer=truncated_normal(backbone.config.initializer_range),
            dtype="float32",  # scores stay float32 under mixed precision
            name="choice_score",
        )
        inputs = {name: keras.Input((None, None), dtype="int32", name=name) for name in INPUT_NAMES}
        rows = {name: ChoiceRows(name=f"{name}_rows")(inputs[name]) for name in INPUT_NAMES}
        _, cls = encoder_features(backbone, rows, feature_layers)  # [B*K, H]
        scores = output_dense(dropout_layer(cls))  # [B*K, 1]
        logits = ChoiceScores(name="choice_logits")(scores, inputs["input_mask"])  # [B, K]
        super().__init__(inputs=inputs, outputs=logits, name=name, **kwargs)
        self.backbone = backbone
        self.dropout = dropout
        self.feature_layers = feature_layers
        self.dropout_layer = dropout_layer
        self.output_dense = output_dense

    def compile(
        self, optimizer: Any = "auto", loss: Any = "auto", metrics: Any = "auto", **kwargs: Any
    ) -> None:
        """`keras.Model.compile`; "auto" gives AdamW(5e-5), sparse CE over the choices and
        `accuracy`."""
        if optimizer == "auto":
            optimizer = default_optimizer()
        if loss == "auto":
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if metrics == "auto":
            metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def _task_config(self) -> dict[str, Any]:
        return {"dropout": self.dropout, "feature_layers": self.feature_layers}
