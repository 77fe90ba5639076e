"""`ClassificationModule`: serving signatures of `BertClassifier` (classification and regression).

`serving_default` packs `text` (and `text_pair` for pair tasks) exactly as fine-tuning did:
one `BertPreprocessor` row per example, or, when the task read long texts as windows
(`stride`), the same windows as `ClassificationFeatures` (the longer segment of a pair slides,
the shorter is kept, cut to half the budget) with the example's answer from the mean of its
windows' logits (`average_window_logits`). Classification returns `probabilities` [B, C],
`label` [B] and `label_id` [B]; a regressor (`served_task="regression"`, one output) returns
`score` [B].

Example:
    >>> module = ClassificationModule(classifier, preprocessor, ["neg", "pos"])  # doctest: +SKIP
    >>> module.answer({"text": tf.constant(["great"])})["label"]  # doctest: +SKIP
    <tf.Tensor: shape=(1,), dtype=string, numpy=array([b'pos'], dtype=object)>
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from bert_tf.data.features.classification_windows import classification_windows
from bert_tf.tasks.serving_module import ServingModule
from bert_tf.tasks.tensor_ops import first_argmax


class ClassificationModule(ServingModule):
    """Signatures of a sentence (pair) classifier or regressor; see the module docstring."""

    task = "classification"
    accepts_pair = True
    token_outputs = ("logits",)

    def __init__(
        self,
        model: Any,
        preprocessor: Any,
        label_names=None,
        settings=None,
        **kwargs: Any,
    ) -> None:
        super().__init__(model, preprocessor, label_names, settings, **kwargs)
        self.regression = self.task == "regression"
        self.outputs = ("score",) if self.regression else ("probabilities", "label", "label_id")
        stride = self._settings.get("stride")
        self.stride = None if stride is None else int(stride)
        if self.stride is not None and self.stride <= 0:
            raise ValueError(f"stride must be positive, got {stride}")
        if self.task == "classification" and not self._label_names:
            raise ValueError("a classification export needs label_names")

    @property
    def input_names(self) -> tuple[str, ...]:
        return ("text", "text_pair") if self.pair else ("text",)

    def heads(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        return {"logits": tf.cast(self.model(tokens, training=False), tf.float32)}  # [B, C]

    def example_logits(self, inputs: dict[str, tf.Tensor]) -> tf.Tensor:
        """Per example float64 logits [B, C] (the windows' mean when windowed)."""
        if self.stride is None:
            segments = (inputs["text"], inputs["text_pair"]) if self.pair else inputs["text"]
            logits = self.run_model(self.preprocessor(segments))["logits"]
            return tf.cast(logits, tf.float64)
        tokens, example = self._windows(inputs)
        logits = tf.cast(self.run_model(tokens)["logits"], tf.float64)  # [W, C]
        batch = tf.size(inputs["text"])
        total = tf.math.unsorted_segment_sum(logits, example, batch)  # [B, C]
        count = tf.math.unsorted_segment_sum(tf.ones_like(example, tf.float64), example, batch)
        return total / tf.maximum(count, 1.0)[:, None]

    def answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        logits = self.example_logits(inputs)  # [B, C]
        if self.regression:
            return {"score": tf.cast(logits[:, 0], tf.float32)}  # [B]
        label_id = first_argmax(logits)  # [B]
        return {
            "probabilities": tf.cast(tf.nn.softmax(logits, axis=-1), tf.float32),
            "label": tf.gather(tf.constant(self.label_names), label_id),
            "label_id": label_id,
        }

    def _windows(self, inputs: dict[str, tf.Tensor]):
        """The `ClassificationFeatures` windows: BERT inputs [W, T] and each one's example."""
        text_pair = inputs["text_pair"] if self.pair else None
        return classification_windows(
            self.tokenizer, inputs["text"], text_pair, self.seq_length, self.stride
        )
