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
        is_split_into_words: each segment is pre-split words `[B, (W)]` (a ragged tensor
            or a list of word lists), as HF's `is_split_into_words`.
        return_special_tokens_mask: add `special_tokens_mask` (1 at [CLS], [SEP] and
            padding, as HF pads it).
        return_offsets: add `offsets_start` / `offsets_end`, int64 UTF-8 byte offsets of
            each token into its own segment's string; (0, 0) for [CLS], [SEP] and padding.

    Call args:
        inputs: strings `[B]` (single segment; a tensor or a list of str), one string
            (an unbatched `tf.data` element: outputs are then `[seq_length]`), or a tuple
            `(text_a, text_b)` of two such. Only a tuple holds segments: a list of lists is
            refused. In `tf.data`, map a pair dataset with `lambda a, b: preprocessor((a, b))`.

    Returns:
        dict of int32 `[B, seq_length]`: `input_word_ids`, `input_mask`, `input_type_ids`
        (and the optional outputs above).

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
        is_split_into_words: bool = False,
        return_special_tokens_mask: bool = False,
        return_offsets: bool = False,
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
        self.is_split_into_words = bool(is_split_into_words)
        self.return_special_tokens_mask = bool(return_special_tokens_mask)
        self.return_offsets = bool(return_offsets)
        if return_offsets and is_split_into_words:
            raise ValueError("return_offsets needs text segments, not pre-split words")
        self._special_ids = (tokenizer.cls_id, tokenizer.sep_id, tokenizer.pad_id)  # named
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True

    def call(self, inputs: Any) -> dict[str, tf.Tensor]:
        segments = _segments(inputs, self.is_split_into_words)
        if len(segments) not in (1, 2):
            raise ValueError(f"BertPreprocessor takes 1 or 2 segments, got {len(segments)}")
        if len(segments) == 2 and self.seq_length < 3:
            raise ValueError(f"seq_length must be at least 3 for pairs, got {self.seq_length}")
        segments, scalar = _batched(segments, self.is_split_into_words)
        offsets = None
        if self.is_split_into_words:
            ids = [self.tokenizer.tokenize_words(s).merge_dims(1, 2) for s in segments]
        elif self.return_offsets:
            tokenized = [self.tokenizer.tokenize_with_offsets(s) for s in segments]
            ids = [t[0] for t in tokenized]  # [B, (T)] each
            offsets = [t[1:] for t in tokenized]
        else:
            ids = [self.tokenizer.tokenize(s) for s in segments]  # [B, (T)] each
        keep = self._keep_lengths(ids)
        outputs = self._pack([self._cut(x, k) for x, k in zip(ids, keep)])
        if self.return_special_tokens_mask:
            outputs["special_tokens_mask"] = 1 - _text_positions(keep, self.seq_length)
        if offsets is not None:
            for i, name in enumerate(("offsets_start", "offsets_end")):
                rows = [self._cut(o[i], k) for o, k in zip(offsets, keep)]
                outputs[name] = self._pack_offsets(rows)
        if scalar:
            outputs = {key: value[0] for key, value in outputs.items()}  # [S]
        return outputs

    def _cut(self, rows: tf.RaggedTensor, keep: tf.Tensor) -> tf.RaggedTensor:
        """The first `keep` tokens of each row; one segment keeps its first seq_length - 2, a
        plain slice (cheaper than the pair's per-row mask)."""
        if keep.shape.rank == 0:
            return rows[:, : self.seq_length - 2]
        return _keep_first(rows, keep)

    def _keep_lengths(self, ids: list[tf.RaggedTensor]) -> list[tf.Tensor]:
        """How many tokens of each segment fit, [B] each."""
        if len(ids) == 1 and not self.return_special_tokens_mask:
            return [tf.constant(self.seq_length - 2, tf.int64)]  # a slice (`_cut`)
        if len(ids) == 1:
            return [tf.minimum(ids[0].row_lengths(), self.seq_length - 2)]
        return list(
            keep_lengths(
                ids[0].row_lengths(), ids[1].row_lengths(), self.seq_length - 3, self.truncation
            )
        )

    def _pack(self, ids: list[tf.RaggedTensor]) -> dict[str, tf.Tensor]:
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

    def _pack_offsets(self, rows: list[tf.RaggedTensor]) -> tf.Tensor:
        """[CLS] a [SEP] (b [SEP]) of int64 offsets, 0 at special tokens and padding: [B, S]."""
        zero = tf.zeros_like(rows[0].row_lengths())[:, None]  # [B, 1]
        parts = [zero]
        for row in rows:
            parts += [row, zero]
        packed = tf.concat(parts, axis=1)  # [B, (L)]
        return tf_text.pad_model_inputs(packed, self.seq_length)[0]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "tokenizer": self.tokenizer.get_config(),
                "seq_length": self.seq_length,
                "truncation": self.truncation,
                "max_position_embeddings": self.max_position_embeddings,
                "is_split_into_words": self.is_split_into_words,
                "return_special_tokens_mask": self.return_special_tokens_mask,
                "return_offsets": self.return_offsets,
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


def _segments(inputs: Any, words: bool) -> list[Any]:
    """The segments of a call's input: a tuple holds them; anything else is one segment."""
    if isinstance(inputs, tuple):
        return list(inputs)
    if not words and isinstance(inputs, list) and any(isinstance(x, list | tuple) for x in inputs):
        raise ValueError(
            "BertPreprocessor got a list of lists: pass sentence pairs as a tuple "
            "(texts_a, texts_b), or pre-split words with is_split_into_words=True"
        )
    return [inputs]


def _batched(segments: list[Any], words: bool) -> tuple[list[Any], bool]:
    """Segments with a batch axis, and whether the input was one example (unbatched)."""
    out, scalar = [], False
    for segment in segments:
        if isinstance(segment, str | bytes):
            segment = [segment]
            scalar = True
        if words and isinstance(segment, list) and all(isinstance(w, str | bytes) for w in segment):
            segment = [segment]  # one example's words
            scalar = True
        if tf.is_tensor(segment) and not isinstance(segment, tf.RaggedTensor):
            rank = segment.shape.rank
            if rank == (1 if words else 0):
                segment = segment[None]
                scalar = True
        out.append(segment)
    return out, scalar


def _text_positions(keep: list[tf.Tensor], seq_length: int) -> tf.Tensor:
    """int32 [B, S]: 1 where a packed position holds a text token (not [CLS]/[SEP]/pad)."""
    position = tf.range(seq_length, dtype=keep[0].dtype)[None]  # [1, S]
    first = position >= 1
    in_a = first & (position < 1 + keep[0][:, None])
    if len(keep) == 1:
        return tf.cast(in_a, tf.int32)
    start_b = 2 + keep[0][:, None]
    in_b = (position >= start_b) & (position < start_b + keep[1][:, None])
    return tf.cast(in_a | in_b, tf.int32)
