"""`EmbeddingModule`: serving signatures of a `BertBackbone` (sentence embeddings).

`serving_default` packs `text` (and `text_pair` when exported as pair) with the
`BertPreprocessor` and returns `pooled_output` [B, H] (the [CLS] pooler) and
`sequence_output` [B, H], the mean of the last layer over the real tokens ([CLS] and [SEP]
included, padding excluded). `serve_tokens` returns the backbone's raw `pooled_output` [B, H]
and `sequence_output` [B, T, H].

Example:
    >>> module = EmbeddingModule(backbone, preprocessor)  # doctest: +SKIP
"""

from __future__ import annotations

import tensorflow as tf

from bert_tf.tasks.serving_module import ServingModule


class EmbeddingModule(ServingModule):
    """Signatures of an encoder used for embeddings; see the module docstring."""

    task = "embedding"
    accepts_pair = True
    outputs = ("pooled_output", "sequence_output")
    token_outputs = ("pooled_output", "sequence_output")

    @property
    def input_names(self) -> tuple[str, ...]:
        return ("text", "text_pair") if self.pair else ("text",)

    def heads(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        outputs = self.model(tokens, training=False)
        return {key: tf.cast(outputs[key], tf.float32) for key in self.token_outputs}

    def answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        segments = (inputs["text"], inputs["text_pair"]) if self.pair else inputs["text"]
        tokens = self.preprocessor(segments)
        outputs = self.run_model(tokens)
        mask = tf.cast(tokens["input_mask"], tf.float32)[:, :, None]  # [B, T, 1]
        total = tf.reduce_sum(outputs["sequence_output"] * mask, axis=1)  # [B, H]
        mean = total / tf.maximum(tf.reduce_sum(mask, axis=1), 1.0)
        return {"pooled_output": outputs["pooled_output"], "sequence_output": mean}
