"""`BertSpanLabeler`: extractive question answering (SQuAD) start/end logits."""

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

PADDING_LOGIT = -1e9  # start/end logit at padding positions: never a valid answer boundary

_TARGET_TO_OUTPUT = {"start_positions": "start_logits", "end_positions": "end_logits"}


@keras.saving.register_keras_serializable(package="bert_tf")
class BertSpanLabeler(BertTask):
    """`Dense(2)` on every token: start and end logits of the answer span.

    Outputs `{"start_logits": [B, T], "end_logits": [B, T]}` (float32), with padding
    positions set to `PADDING_LOGIT`. Targets: `{"start_positions": [B], "end_positions": [B]}`
    (int token indices). The default loss is the mean of the start and end cross-entropies,
    as in google-research/bert, with `start_logits_accuracy` / `end_logits_accuracy`.

    Args:
        backbone: a `BertBackbone`.
        feature_layers: None trains end to end; a list of encoder layers freezes the backbone
            and scores spans from their concatenation (feature-based).
        name: model name.

    Example:
        >>> qa = BertSpanLabeler(BertBackbone.from_preset("bert_tiny", vocab_size=100))
        >>> qa.compile()
        >>> # qa.fit(x, {"start_positions": starts, "end_positions": ends})
    """

    def __init__(
        self,
        backbone: BertBackbone,
        feature_layers: Sequence[int] | None = None,
        name: str = "bert_span_labeler",
        **kwargs: Any,
    ) -> None:
        backbone = check_backbone(backbone)
        backbone.pooler.trainable = False  # the head reads no pooled output: no gradient
        output_dense = keras.layers.Dense(
            2,
            kernel_initializer=truncated_normal(backbone.config.initializer_range),
            dtype="float32",
            name="span_logits",
        )
        feature_layers = check_feature_layers(feature_layers, backbone.config.num_layers)
        inputs = backbone_inputs()
        sequence, _ = encoder_features(backbone, inputs, feature_layers)  # [B, T, H]
        logits = output_dense(sequence)  # [B, T, 2] float32
        real = ops.cast(inputs["input_mask"], "bool")  # [B, T]
        outputs = {
            "start_logits": ops.where(real, logits[:, :, 0], PADDING_LOGIT),  # [B, T]
            "end_logits": ops.where(real, logits[:, :, 1], PADDING_LOGIT),  # [B, T]
        }
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        self.backbone = backbone
        self.feature_layers = feature_layers
        self.output_dense = output_dense

    def compile(
        self, optimizer: Any = "auto", loss: Any = "auto", metrics: Any = "auto", **kwargs: Any
    ) -> None:
        """`keras.Model.compile`; "auto" gives AdamW(5e-5), mean start/end sparse CE and
        start/end accuracy (reported as `start_logits_accuracy`, `end_logits_accuracy`)."""
        if optimizer == "auto":
            optimizer = default_optimizer()
        if loss == "auto":
            loss = {
                "start_logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                "end_logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            }
            kwargs.setdefault("loss_weights", {"start_logits": 0.5, "end_logits": 0.5})
        if metrics == "auto":
            metrics = {
                "start_logits": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
                "end_logits": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
            }
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    @staticmethod
    def _targets(y: Any) -> Any:
        """Renames `start_positions`/`end_positions` to the output names."""
        if isinstance(y, dict):
            return {_TARGET_TO_OUTPUT.get(key, key): value for key, value in y.items()}
        return y

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return super().compute_loss(x, self._targets(y), y_pred, sample_weight, training)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        return super().compute_metrics(x, self._targets(y), y_pred, sample_weight)

    def _task_config(self) -> dict[str, Any]:
        return {"feature_layers": self.feature_layers}
