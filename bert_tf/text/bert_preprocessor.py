"""BertPreprocessor: raw strings -> BERT inputs `[CLS] A [SEP] B [SEP]` + padding."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf
import tensorflow_text as tf_text

from bert_tf.text.bert_tokenizer import BertTokenizer
from bert_tf.text.sequence_length import check_sequence_length
from bert_tf.text.truncation import TRUNCATIONS, keep_lengths


class BertPreprocessor(keras.layers.Layer):
    """Tokenize, truncate and pack one or two text segments into fixed-length BERT inputs.

    Works eagerly, inside `tf.data.map` and inside exported serving graphs (TF ops only).

    Args:
        tokenizer: the `BertTokenizer` whose vocabulary the model was trained with.
        seq_length: length of every output row, special tokens included.
        truncation: "round_robin" (google-research/bert `truncate_seq_pair`) or
            "waterfall" (cut the last segment first).
        max_position_embeddings: the model's position-table size; a longer `seq_length`
            is refused (pass `backbone.config.max_position_embeddings`).

    Call args:
        inputs: strings `[B]` (single segment; a tensor or a list of str) or a tuple
            `(text_a, text_b)` of two such batches. In `tf.data`, map a pair dataset
            with `lambda a, b: preprocessor((a, b))`.

    Returns:
        dict of int32 `[B, seq_length]`: `input_word_ids`, `input_mask`, `input_type_ids`.

    Example:
        >>> pre = BertPreprocessor(BertTokenizer("vocab.txt"), seq_length=16)
        >>> pre((["What is BERT?"], ["A model."]))["input_word_ids"].shape
        TensorShape([1, 16])
    """

    def __init__(
        self,
        tokenizer: BertTokenizer,
        seq_length: int = 128,
        truncation: str = "round_robin",
        max_position_embeddings: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        if truncation not in TRUNCATIONS:
            raise ValueError(f"truncation must be one of {TRUNCATIONS}, got {truncation!r}")
        if seq_length < 2:
            raise ValueError(f"seq_length must be at least 2 ([CLS] and [SEP]), got {seq_length}")
        check_sequence_length(seq_length, max_position_embeddings)
        self.max_position_embeddings = max_position_embeddings
        self.tokenizer = tokenizer
        self.seq_length = int(seq_length)
        self.truncation = truncation
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True

    def call(self, inputs: Any) -> dict[str, tf.Tensor]:
        # A tuple (or a list of non-strings) holds segments; anything else is one segment.
        is_pair = isinstance(inputs, tuple) or (
            isinstance(inputs, list) and bool(inputs) and not isinstance(inputs[0], str | bytes)
        )
        segments = list(inputs) if is_pair else [inputs]
        segments = [[s] if isinstance(s, str | bytes) else s for s in segments]
        if len(segments) not in (1, 2):
            raise ValueError(f"BertPreprocessor takes 1 or 2 segments, got {len(segments)}")
        if len(segments) == 2 and self.seq_length < 3:
            raise ValueError(f"seq_length must be at least 3 for pairs, got {self.seq_length}")
        ids = [self.tokenizer.tokenize(segment) for segment in segments]  # [B, (T)] each
        if len(ids) == 1:
            a = ids[0]
            ids = [a[:, : self.seq_length - 2]]
        else:
            a, b = ids
            keep_a, keep_b = keep_lengths(
                a.row_lengths(), b.row_lengths(), self.seq_length - 3, self.truncation
            )
            ids = [_keep_first(a, keep_a), _keep_first(b, keep_b)]
        word_ids, type_ids = tf_text.combine_segments(
            ids, self.tokenizer.cls_id, self.tokenizer.sep_id
        )  # [B, (L)]
        word_ids, mask = tf_text.pad_model_inputs(
            word_ids, self.seq_length, pad_value=self.tokenizer.pad_id
        )  # [B, S]
        type_ids, _ = tf_text.pad_model_inputs(type_ids, self.seq_length)  # [B, S]
        return {
            "input_word_ids": tf.cast(word_ids, tf.int32),
            "input_mask": tf.cast(mask, tf.int32),
            "input_type_ids": tf.cast(type_ids, tf.int32),
        }

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "tokenizer": self.tokenizer.get_config(),
                "seq_length": self.seq_length,
                "truncation": self.truncation,
                "max_position_embeddings": self.max_position_embeddings,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BertPreprocessor:
        config = dict(config)
        tokenizer = config.pop("tokenizer")
        if isinstance(tokenizer, dict):
            tokenizer = BertTokenizer.from_config(tokenizer)
        return cls(tokenizer, **config)


def _keep_first(ids: tf.RaggedTensor, keep: tf.Tensor) -> tf.RaggedTensor:
    """The first `keep[i]` tokens of row i of a ragged `[B, (T)]` tensor."""
    positions = tf.ragged.range(ids.row_lengths())  # [B, (T)]
    return tf.ragged.boolean_mask(ids, positions < keep[:, None])
