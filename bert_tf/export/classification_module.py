"""`ClassificationModule`: serving signatures of `BertClassifier` (classification and regression).

`serving_default` packs `text` (and `text_pair` for pair tasks) exactly as fine-tuning did:
one `BertPreprocessor` row per example, or, when the task read long texts as windows
(`stride`), the same windows as `ClassificationFeatures` (the longer segment of a pair slides,
the shorter is kept, cut to half the budget) with the example's answer from the mean of its
windows' logits (`average_window_logits`). Classification returns `probabilities` [B, C],
`label` [B] and `label_id` [B]; a regressor (`regression=True`, one output) returns `score` [B].

Example:
    >>> module = ClassificationModule(classifier, preprocessor, ["neg", "pos"])  # doctest: +SKIP
    >>> module.answer({"text": tf.constant(["great"])})["label"]  # doctest: +SKIP
    <tf.Tensor: shape=(1,), dtype=string, numpy=array([b'pos'], dtype=object)>
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
import tensorflow_text as tf_text

from bert_tf.export.serving_module import ServingModule
from bert_tf.export.tensor_ops import first_argmax, gather_ranges, window_bounds


class ClassificationModule(ServingModule):
    """Signatures of a sentence (pair) classifier or regressor; see the module docstring."""

    token_outputs = ("logits",)

    def __init__(
        self,
        model: Any,
        preprocessor: Any,
        label_names=None,
        settings=None,
        regression: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(model, preprocessor, label_names, settings, **kwargs)
        self.regression = bool(regression)
        self.task = "regression" if self.regression else "classification"
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
        tokenizer = self.tokenizer
        a = tf.cast(tokenizer.tokenize(inputs["text"]), tf.int64)  # [B, (N)]
        if not self.pair:
            size = tf.fill(tf.shape(a.row_lengths()), tf.cast(self.seq_length - 2, tf.int64))
            row, start, end = window_bounds(a.row_lengths(), size, self.stride)
            segments = [gather_ranges(a, row, start, end)]
        else:
            b = tf.cast(tokenizer.tokenize(inputs["text_pair"]), tf.int64)  # [B, (N)]
            segments, row = self._pair_windows(a, b)
        word_ids, type_ids = tf_text.combine_segments(
            segments, tokenizer.cls_id, tokenizer.sep_id
        )  # [W, (L)]
        word_ids, mask = tf_text.pad_model_inputs(word_ids, self.seq_length, tokenizer.pad_id)
        type_ids, _ = tf_text.pad_model_inputs(type_ids, self.seq_length)
        tokens = {"input_word_ids": word_ids, "input_mask": mask, "input_type_ids": type_ids}
        return tokens, row

    def _pair_windows(self, a: tf.RaggedTensor, b: tf.RaggedTensor):
        budget = self.seq_length - 3
        len_a, len_b = a.row_lengths(), b.row_lengths()  # [B]
        fits = len_a + len_b <= budget
        fixed_is_a = fits | (len_a <= len_b)  # [B]
        fixed_len = tf.where(fixed_is_a, len_a, len_b)
        fixed_len = tf.where(fits, fixed_len, tf.minimum(fixed_len, budget // 2))
        sliding_len = tf.where(fixed_is_a, len_b, len_a)
        size = budget - fixed_len  # [B]
        batch = tf.size(len_a, out_type=tf.int64)
        both = tf.concat([a, b], axis=0)  # [2B, (N)]: rows of a, then rows of b
        rows = tf.range(batch)
        fixed_src = tf.where(fixed_is_a, rows, rows + batch)
        sliding_src = tf.where(fixed_is_a, rows + batch, rows)
        row, start, end = window_bounds(sliding_len, size, self.stride)  # [W]
        sliding = gather_ranges(both, tf.gather(sliding_src, row), start, end)  # [W, (L)]
        zero = tf.zeros_like(row)
        fixed = gather_ranges(both, tf.gather(fixed_src, row), zero, tf.gather(fixed_len, row))
        windows = tf.size(row, out_type=tf.int64)
        stacked = tf.concat([fixed, sliding], axis=0)  # [2W, (L)]
        a_is_fixed = tf.gather(fixed_is_a, row)
        index = tf.range(windows)
        seg_a = tf.gather(stacked, tf.where(a_is_fixed, index, index + windows))
        seg_b = tf.gather(stacked, tf.where(a_is_fixed, index + windows, index))
        return [seg_a, seg_b], row
