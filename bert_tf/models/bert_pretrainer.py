"""`BertPretrainer`: BERT pre-training, masked LM + next sentence prediction."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from bert_tf.layers import MaskedLMHead, NextSentenceHead
from bert_tf.models._losses import sparse_softmax_cross_entropy
from bert_tf.models._task import BertTask, backbone_inputs, check_backbone, default_optimizer
from bert_tf.models.bert_backbone import INPUT_NAMES, BertBackbone


@keras.saving.register_keras_serializable(package="bert_tf")
class BertPretrainer(BertTask):
    """A backbone with the masked-LM and next-sentence heads and their losses.

    Inputs: the backbone's dict plus `masked_lm_positions` (int32 `[B, P]`). Outputs:
    `{"mlm_logits": [B, P, V], "nsp_logits": [B, 2]}` (float32). Targets for `fit`:
    `{"masked_lm_ids": [B, P] int32, "masked_lm_weights": [B, P] float32,
    "next_sentence_labels": [B] or [B, 1] int32}`. The loss is the weighted MLM cross-entropy
    `sum(w * ce) / sum(w)` plus the mean NSP cross-entropy (as in google-research/bert), so
    `compile(optimizer)` is all it needs; metrics `mlm_loss`, `nsp_loss`, `mlm_accuracy`
    (weighted by `masked_lm_weights`) and `nsp_accuracy` are reported.

    Args:
        backbone: the `BertBackbone` to pre-train; the MLM output projection is tied to its
            word embeddings.
        name: model name.

    Example:
        >>> pretrainer = BertPretrainer(BertBackbone.from_preset("bert_tiny", vocab_size=100))
        >>> pretrainer.compile()  # BERT's AdamW recipe; or "lamb", or any Keras optimizer
        >>> # pretrainer.fit(dataset) with (x, y) as described above
    """

    def __init__(self, backbone: BertBackbone, name: str = "bert_pretrainer", **kwargs: Any):
        backbone = check_backbone(backbone)
        config = backbone.config
        policy = backbone.dtype_policy
        mlm_head = MaskedLMHead(
            backbone.embeddings.word_embeddings,
            hidden_act=config.hidden_act,
            layer_norm_eps=config.layer_norm_eps,
            initializer_range=config.initializer_range,
            dtype=policy,
            name="mlm_head",
        )
        nsp_head = NextSentenceHead(config.initializer_range, dtype=policy, name="nsp_head")

        inputs = backbone_inputs()
        inputs["masked_lm_positions"] = keras.Input(
            (None,), dtype="int32", name="masked_lm_positions"
        )
        features = backbone({name_: inputs[name_] for name_ in INPUT_NAMES})
        outputs = {
            "mlm_logits": mlm_head(features["sequence_output"], inputs["masked_lm_positions"]),
            "nsp_logits": nsp_head(features["pooled_output"]),  # [B, 2]
        }
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.backbone = backbone
        self.mlm_head = mlm_head
        self.nsp_head = nsp_head
        self.mlm_loss_tracker = keras.metrics.Mean(name="mlm_loss")
        self.nsp_loss_tracker = keras.metrics.Mean(name="nsp_loss")
        self.mlm_accuracy = keras.metrics.SparseCategoricalAccuracy(name="mlm_accuracy")
        self.nsp_accuracy = keras.metrics.SparseCategoricalAccuracy(name="nsp_accuracy")

    def compile(self, optimizer: Any = "adamw", loss: Any = None, metrics: Any = None, **kwargs):
        """Like `keras.Model.compile`; the losses and metrics are built in.

        `optimizer` "adamw" (default) or "lamb" is BERT's pre-training recipe from
        `bert_tf.models.optimization` (peak rate 1e-4, warm-up then linear decay, weight
        decay 0.01 except LayerNorm/bias, clipping 1.0); `num_train_steps`, `warmup_ratio`,
        `num_warmup_steps` and `learning_rate` work as in `BertTask.compile`. Any Keras
        optimizer object is used as given.
        """
        if loss is not None or metrics is not None:
            raise ValueError(
                "BertPretrainer computes its own MLM + NSP loss and metrics; "
                "call compile() without loss= and metrics="
            )
        if isinstance(optimizer, str) and optimizer.lower() in ("adamw", "lamb", "auto"):
            name = "adamw" if optimizer.lower() == "auto" else optimizer.lower()
            optimizer = default_optimizer(learning_rate=1e-4, optimizer=name)
        super().compile(optimizer=optimizer, **kwargs)

    @staticmethod
    def _targets(y: Any) -> tuple[Any, Any, Any]:
        if not isinstance(y, dict):
            raise ValueError(
                "BertPretrainer targets must be a dict with masked_lm_ids, masked_lm_weights "
                f"and next_sentence_labels, got {type(y).__name__}"
            )
        missing = {"masked_lm_ids", "masked_lm_weights", "next_sentence_labels"} - set(y)
        if missing:
            raise ValueError(f"BertPretrainer targets lack {', '.join(sorted(missing))}")
        ids = ops.cast(y["masked_lm_ids"], "int32")  # [B, P]
        weights = ops.cast(y["masked_lm_weights"], "float32")  # [B, P]
        nsp_labels = ops.reshape(ops.cast(y["next_sentence_labels"], "int32"), (-1,))  # [B]
        return ids, weights, nsp_labels

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        ids, weights, nsp_labels = self._targets(y)
        mlm_ce = sparse_softmax_cross_entropy(ids, y_pred["mlm_logits"])  # [B, P]
        mlm_loss = ops.sum(mlm_ce * weights) / (ops.sum(weights) + 1e-5)
        nsp_ce = keras.losses.sparse_categorical_crossentropy(
            nsp_labels, y_pred["nsp_logits"], from_logits=True
        )  # [B]
        nsp_loss = ops.mean(nsp_ce)
        self.mlm_loss_tracker.update_state(mlm_loss)
        self.nsp_loss_tracker.update_state(nsp_loss)
        total = mlm_loss + nsp_loss
        for extra in self.losses:  # regularizers, if any
            total = total + ops.cast(extra, "float32")
        # Under tf.distribute Keras sums gradients across replicas and expects each replica's
        # loss divided by their number (it undoes this for the reported loss). Only the TF
        # trainer has `distribute_strategy`; elsewhere there is one replica.
        strategy = getattr(self, "distribute_strategy", None)
        replicas = getattr(strategy, "num_replicas_in_sync", 1)
        return total / replicas if replicas > 1 else total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        ids, weights, nsp_labels = self._targets(y)
        self.mlm_accuracy.update_state(ids, y_pred["mlm_logits"], sample_weight=weights)
        self.nsp_accuracy.update_state(nsp_labels, y_pred["nsp_logits"])
        return self.get_metrics_result()
