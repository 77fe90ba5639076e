"""`BertTokenClassifier`: per-token labels (NER, POS tagging)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

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

IGNORE_LABEL = -100  # label of positions left out of loss and metrics (padding, sub-words)


@keras.saving.register_keras_serializable(package="bert_tf")
class BertTokenClassifier(BertTask):
    """Dropout + `Dense(num_classes)` on every token of the sequence output.

    Outputs float32 logits `[B, T, num_classes]`. Labels are int32 `[B, T]`; positions whose
    label is `IGNORE_LABEL` (-100, e.g. padding and non-first word pieces) get weight 0 in
    the loss and in the metrics, whatever loss is compiled. The default loss is sparse
    cross-entropy averaged over the labelled tokens, with token `accuracy`.

    Args:
        backbone: a `BertBackbone`.
        num_classes: number of tags.
        dropout: dropout rate on the sequence output.
        feature_layers: None trains end to end; a list of encoder layers freezes the backbone
            and tags from their concatenation (the paper's feature-based NER: [-1, -2, -3, -4]).
        name: model name.

    Example:
        >>> tagger = BertTokenClassifier(BertBackbone.from_preset("bert_tiny"), num_classes=9)
        >>> tagger.compile()
        >>> # tagger.fit(x, labels)  # labels [B, T] with -100 where ignored
    """

    def __init__(
        self,
        backbone: BertBackbone,
        num_classes: int,
        dropout: float = 0.1,
        feature_layers: Sequence[int] | None = None,
        name: str = "bert_token_classifier",
        **kwargs: Any,
    ) -> None:
        backbone = check_backbone(backbone)
        backbone.pooler.trainable = False  # the head reads no pooled output: no gradient
        if num_classes < 2:
            raise ValueError(f"num_classes must be >= 2, got {num_classes}")
        dropout_layer = keras.layers.Dropout(dropout, name="token_dropout")
        output_dense = keras.layers.Dense(
            num_classes,
            kernel_initializer=truncated_normal(backbone.config.initializer_range),
            dtype="float32",
            name="logits",
        )
        feature_layers = check_feature_layers(feature_layers, backbone.config.num_layers)
        inputs = backbone_inputs()
        sequence, _ = encoder_features(backbone, inputs, feature_layers)  # [B, T, H]
        logits = output_dense(dropout_layer(sequence))  # [B, T, C]
        super().__init__(inputs=inputs, outputs=logits, name=name, **kwargs)
        self.backbone = backbone
        self.num_classes = num_classes
        self.dropout = dropout
        self.feature_layers = feature_layers
        self.dropout_layer = dropout_layer
        self.output_dense = output_dense

    def compile(
        self, optimizer: Any = "auto", loss: Any = "auto", metrics: Any = "auto", **kwargs: Any
    ) -> None:
        """`keras.Model.compile`; "auto" gives AdamW(5e-5), sparse CE from logits averaged
        over labelled tokens, and token accuracy. `metrics` are compiled as weighted metrics
        so that they skip `IGNORE_LABEL` positions."""
        if optimizer == "auto":
            optimizer = default_optimizer()
        if loss == "auto":
            loss = keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, reduction="mean_with_sample_weight"
            )
        if metrics == "auto":
            metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        # Metrics must see the ignore mask (a sample weight), so they are weighted metrics.
        weighted = list(kwargs.pop("weighted_metrics", None) or []) + list(metrics or [])
        super().compile(optimizer=optimizer, loss=loss, weighted_metrics=weighted, **kwargs)

    @staticmethod
    def _mask_ignored(y: Any, sample_weight: Any) -> tuple[Any, Any]:
        """Labels with `IGNORE_LABEL` replaced by 0 and a weight that is 0 there."""
        y = ops.cast(y, "int32")  # [B, T]
        labelled = ops.not_equal(y, IGNORE_LABEL)  # [B, T]
        weight = ops.cast(labelled, "float32")
        if sample_weight is not None:
            weight = weight * ops.cast(sample_weight, "float32")
        return ops.where(labelled, y, 0), weight

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if y is not None:
            y, sample_weight = self._mask_ignored(y, sample_weight)
        return super().compute_loss(x, y, y_pred, sample_weight, training)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if y is not None:
            y, sample_weight = self._mask_ignored(y, sample_weight)
        return super().compute_metrics(x, y, y_pred, sample_weight)

    def _task_config(self) -> dict[str, Any]:
        return {
            "num_classes": self.num_classes,
            "dropout": self.dropout,
            "feature_layers": self.feature_layers,
        }
