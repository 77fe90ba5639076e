"""`BertClassifier`: sentence (pair) classification or regression on the [CLS] vector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from bert_tf.layers._utils import truncated_normal
from bert_tf.models._task import (
    BertTask,
    backbone_inputs,
    check_backbone,
    check_feature_layers,
    default_optimizer,
    encoder_features,
)
from bert_tf.models.bert_backbone import BertBackbone


@keras.saving.register_keras_serializable(package="bert_tf")
class BertClassifier(BertTask):
    """Dropout + `Dense(num_classes)` on the backbone's pooled [CLS] output.

    Outputs float32 logits `[B, num_classes]`. With `num_classes=1` it is a regressor
    (e.g. STS-B) whose default loss is mean squared error; otherwise `compile()` without a
    loss uses sparse categorical cross-entropy from logits and reports `accuracy`.

    Args:
        backbone: a `BertBackbone`.
        num_classes: number of labels; 1 means regression.
        dropout: dropout rate on the pooled output.
        feature_layers: None trains end to end on the pooled [CLS] vector; a list of encoder
            layers (e.g. [-1, -2, -3, -4]) freezes the backbone and reads their concatenated
            [CLS] rows (the feature-based approach).
        name: model name.

    Example:
        >>> backbone = BertBackbone.from_preset("bert_tiny", vocab_size=100)
        >>> classifier = BertClassifier(backbone, num_classes=3)
        >>> classifier.compile()  # AdamW(5e-5), sparse CE from logits, accuracy
        >>> # classifier.fit(dataset) with x = backbone inputs, y = int labels [B]
    """

    def __init__(
        self,
        backbone: BertBackbone,
        num_classes: int,
        dropout: float = 0.1,
        feature_layers: Sequence[int] | None = None,
        name: str = "bert_classifier",
        **kwargs: Any,
    ) -> None:
        backbone = check_backbone(backbone)
        if num_classes < 1:
            raise ValueError(f"num_classes must be >= 1, got {num_classes}")
        dropout_layer = keras.layers.Dropout(dropout, name="classifier_dropout")
        output_dense = keras.layers.Dense(
            num_classes,
            kernel_initializer=truncated_normal(backbone.config.initializer_range),
            dtype="float32",  # logits stay float32 under mixed precision
            name="logits",
        )
        feature_layers = check_feature_layers(feature_layers, backbone.config.num_layers)
        inputs = backbone_inputs()
        _, pooled = encoder_features(backbone, inputs, feature_layers)  # [B, H]
        logits = output_dense(dropout_layer(pooled))  # [B, C]
        super().__init__(inputs=inputs, outputs=logits, name=name, **kwargs)

        self.backbone = backbone
        self.num_classes = num_classes
        self.dropout = dropout
        self.feature_layers = feature_layers
        self.dropout_layer = dropout_layer
        self.output_dense = output_dense

    @property
    def is_regression(self) -> bool:
        return self.num_classes == 1

    def compile(
        self, optimizer: Any = "auto", loss: Any = "auto", metrics: Any = "auto", **kwargs: Any
    ) -> None:
        """`keras.Model.compile` with defaults for "auto": AdamW(5e-5); sparse CE from
        logits + accuracy, or MSE + mean absolute error for regression."""
        if optimizer == "auto":
            optimizer = default_optimizer()
        if loss == "auto":
            loss = (
                keras.losses.MeanSquaredError()
                if self.is_regression
                else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            )
        if metrics == "auto":
            metrics = (
                [keras.metrics.MeanAbsoluteError(name="mae")]
                if self.is_regression
                else [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
            )
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def _task_config(self) -> dict[str, Any]:
        return {
            "num_classes": self.num_classes,
            "dropout": self.dropout,
            "feature_layers": self.feature_layers,
        }
