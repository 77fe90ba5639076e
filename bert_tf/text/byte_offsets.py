"""Token offsets back to input bytes, through normalization that changes the text.

The tokenizer runs WordPiece on normalized text (or words of it); `map_offsets` turns a
token's byte offsets in that text into UTF-8 byte offsets of the input string, through the
input character each normalized character came from (`input_spans`).

Example:
    >>> strings = tf.constant(["né"])
    >>> cps, starts = tf.strings.unicode_decode_with_offsets(strings, "UTF-8")
    >>> start, end = input_spans(strings, starts, tf.constant([0, 1]))
    >>> start.numpy().tolist(), end.numpy().tolist()
    ([0, 1], [1, 3])
"""

from __future__ import annotations

import tensorflow as tf


def utf8_length(cp: tf.Tensor) -> tf.Tensor:
    return (
        1
        + tf.cast(cp >= 0x80, tf.int64)
        + tf.cast(cp >= 0x800, tf.int64)
        + tf.cast(cp >= 0x10000, tf.int64)
    )


def input_spans(strings: tf.Tensor, char_starts: tf.RaggedTensor, source: tf.Tensor):
    """Input byte (start, end) [N] of the input character behind each normalized one."""
    lengths = tf.cast(tf.strings.length(strings), tf.int64)  # [B]
    start = tf.gather(char_starts.flat_values, source)
    end = tf.gather(_char_ends(char_starts, lengths), source)
    return start, end


def map_offsets(units: tf.RaggedTensor, char_start, char_end, starts, ends):
    """Token byte offsets inside the UTF-8 of `units` [R, (c)] (codepoints whose input spans
    are `char_start`/`char_end` [c_total]) -> input byte offsets, `starts`/`ends` [R, (T)]."""
    char_bytes = utf8_length(units.flat_values)  # [c_total]
    position = tf.cumsum(char_bytes, exclusive=True)  # byte of each char, batch-wide
    total = tf.reduce_sum(char_bytes, keepdims=True)
    row_base = tf.gather(tf.concat([position, total], 0), units.row_splits[:-1])  # [R]
    token_base = tf.gather(row_base, starts.value_rowids())  # [T_total]
    first = tf.searchsorted(position[None], (token_base + starts.flat_values)[None])[0]
    last = tf.searchsorted(position[None], (token_base + ends.flat_values)[None])[0] - 1
    return (
        starts.with_flat_values(tf.gather(char_start, first)),
        ends.with_flat_values(tf.gather(char_end, last)),
    )


def _char_ends(starts: tf.RaggedTensor, lengths: tf.Tensor) -> tf.Tensor:
    """End byte offset of every decoded character: the next start, or the string length."""
    flat = starts.flat_values  # [C]
    following = tf.concat([flat[1:], tf.zeros([1], tf.int64)], 0)[: tf.size(flat)]
    row_lengths = starts.row_lengths()
    last = starts.row_splits[1:] - 1  # [B]
    nonempty = row_lengths > 0
    return tf.tensor_scatter_nd_update(
        following, tf.boolean_mask(last, nonempty)[:, None], tf.boolean_mask(lengths, nonempty)
    )
