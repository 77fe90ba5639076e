"""`SpanModule`: serving signatures of `BertSpanLabeler` (SQuAD-style extractive QA).

`serving_default` takes `question` and `context` and builds the same windows as
`SquadFeatures`: the question cut to `max_query_length` tokens, the context tokenized with
offsets and cut into windows of `seq_length - len(question) - 3` tokens every `doc_stride`.
The best span over all windows (`span_search.best_spans`) is cut from the original context by
its character offsets. A v2.0 model answers "" when the null score beats the best span by more
than `null_score_threshold` (stored at export). Outputs: `text`, `start_char`, `end_char`
(characters, end exclusive; -1/-1 for no answer) and `score` (the answer's start+end logit;
the null score for no answer).

Example:
    >>> module = SpanModule(qa_model, preprocessor, settings={"doc_stride": 128})  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
import tensorflow_text as tf_text

from bert_tf.export.serving_module import ServingModule
from bert_tf.export.span_search import best_spans
from bert_tf.export.tensor_ops import (
    byte_to_char,
    gather_ranges,
    is_max_context,
    substrings,
    window_bounds,
)

DEFAULTS = {
    "doc_stride": 128,
    "max_query_length": 64,
    "n_best_size": 20,
    "max_answer_length": 30,
    "version_2_with_negative": False,
    "null_score_threshold": 0.0,
}


class SpanModule(ServingModule):
    """Signatures of an extractive QA model; see the module docstring."""

    task = "span"
    text_inputs = ("question", "context")
    outputs = ("text", "start_char", "end_char", "score")
    token_outputs = ("start_logits", "end_logits")

    def __init__(self, model: Any, preprocessor: Any, label_names=None, settings=None, **kwargs):
        unknown = set(settings or {}) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown span settings {sorted(unknown)}; known: {sorted(DEFAULTS)}")
        merged = {**DEFAULTS, **(settings or {})}
        seq_length = int(preprocessor.seq_length)
        merged["max_query_length"] = min(int(merged["max_query_length"]), seq_length // 2)
        super().__init__(model, preprocessor, None, merged, **kwargs)
        if seq_length - merged["max_query_length"] - 3 <= 0 or merged["doc_stride"] <= 0:
            raise ValueError(f"seq_length={seq_length} leaves no room for context windows")

    def heads(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        outputs = self.model(tokens, training=False)
        return {key: tf.cast(outputs[key], tf.float32) for key in self.token_outputs}  # [B, T]

    def answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        settings, tokenizer, T = self._settings, self.tokenizer, self.seq_length
        context = inputs["context"]
        batch = tf.size(context, out_type=tf.int64)
        question = tf.cast(tokenizer.tokenize(inputs["question"]), tf.int64)
        question = question[:, : settings["max_query_length"]]  # [B, (Q)]
        ids, byte_starts, byte_ends = tokenizer.tokenize_with_offsets(context)  # [B, (N)]
        ids = tf.cast(ids, tf.int64)
        q_len = question.row_lengths()  # [B]
        row, start, end = window_bounds(ids.row_lengths(), T - q_len - 3, settings["doc_stride"])
        window_ids = gather_ranges(ids, row, start, end)  # [W, (L)]
        word_ids, type_ids = tf_text.combine_segments(
            [tf.gather(question, row), window_ids], tokenizer.cls_id, tokenizer.sep_id
        )
        word_ids, mask = tf_text.pad_model_inputs(word_ids, T, tokenizer.pad_id)  # [W, T]
        type_ids, _ = tf_text.pad_model_inputs(type_ids, T)
        logits = self.run_model(
            {"input_word_ids": word_ids, "input_mask": mask, "input_type_ids": type_ids}
        )
        offset = tf.gather(q_len, row) + 2  # [W] [CLS] q [SEP] come first

        def place(values: tf.RaggedTensor, fill) -> tf.Tensor:  # context tokens -> [W, T]
            pad = tf.fill([tf.reduce_sum(offset)], tf.cast(fill, values.dtype))
            before = tf.RaggedTensor.from_row_lengths(pad, offset)
            return tf.concat([before, values], axis=1).to_tensor(fill, shape=[None, T])

        starts = place(gather_ranges(byte_starts, row, start, end), -1)  # [W, T] bytes
        ends = place(gather_ranges(byte_ends, row, start, end), -1)
        central = place(is_max_context(row, start, end, ids.row_splits), False)
        best = best_spans(
            logits["start_logits"],
            logits["end_logits"],
            starts >= 0,
            central,
            row,
            batch,
            settings["n_best_size"],
            settings["max_answer_length"],
        )
        is_null = ~best["has_span"]
        if settings["version_2_with_negative"]:
            diff = best["null_score"] - best["score"]
            is_null |= diff > settings["null_score_threshold"]
        at_start = tf.stack([best["window"], best["start"]], -1)
        at_end = tf.stack([best["window"], best["end"]], -1)
        zero = tf.zeros_like(best["start"])
        byte_start = tf.where(is_null, zero, tf.gather_nd(starts, at_start))  # [B]
        byte_end = tf.where(is_null, zero, tf.gather_nd(ends, at_end))
        rows = tf.range(batch)
        one = tf.ones_like(rows)
        start_char = byte_to_char(context, tf.RaggedTensor.from_row_lengths(byte_start, one), False)
        end_char = byte_to_char(context, tf.RaggedTensor.from_row_lengths(byte_end, one), True)
        minus_one = -tf.ones_like(start_char)
        return {
            "text": substrings(context, rows, byte_start, byte_end),
            "start_char": tf.where(is_null, minus_one, start_char),
            "end_char": tf.where(is_null, minus_one, end_char),
            "score": tf.cast(tf.where(is_null, best["null_score"], best["score"]), tf.float32),
        }
