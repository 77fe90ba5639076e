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

from bert_tf.data.features.span_windows import span_windows
from bert_tf.data.features.window_ops import byte_to_char
from bert_tf.tasks.serving_module import ServingModule
from bert_tf.tasks.span_search import best_spans
from bert_tf.tasks.tensor_ops import substrings

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
        windows = span_windows(
            tokenizer,
            inputs["question"],
            context,
            T,
            settings["doc_stride"],
            settings["max_query_length"],
        )  # the `SquadFeatures` windows, [W, T]
        logits = self.run_model(windows)
        row = windows["row"]  # [W] the question of each window
        starts, ends = windows["token_start"], windows["token_end"]  # [W, T] bytes, -1 outside
        central = windows["token_is_max_context"]  # [W, T]
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
