"""In-graph helpers shared by the serving signatures: windows over token rows, the "most
central window" rule, byte -> character offsets and a tie-stable argmax.

Each mirrors a Python function of the training path exactly (same window starts as
`bert_tf.data.features.windows.window_spans`, same tie rule as `best_window_per_position`,
same offsets as `bert_tf.text.byte_to_char_offsets`), using core TensorFlow ops only.

Example:
    >>> lengths, sizes = tf.constant([10], tf.int64), tf.constant([4], tf.int64)
    >>> rows, starts, ends = window_bounds(lengths, sizes, stride=3)
    >>> starts.numpy().tolist(), ends.numpy().tolist()
    ([0, 3, 6], [4, 7, 10])
"""

from __future__ import annotations

import tensorflow as tf


def window_bounds(
    lengths: tf.Tensor, sizes: tf.Tensor, stride: int | tf.Tensor
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """Windows of at most `sizes[i]` tokens every `stride` tokens over rows of `lengths[i]`.

    Returns `(row, start, end)`, each int64 `[W]`, windows of one row contiguous and in order;
    an empty row still gets one empty window (as `window_spans`).
    """
    lengths = tf.cast(lengths, tf.int64)  # [B]
    sizes = tf.cast(sizes, tf.int64)  # [B]
    step = tf.maximum(tf.minimum(tf.cast(stride, tf.int64), sizes), 1)  # [B]
    extra = (lengths - sizes + step - 1) // step  # [B] windows after the first
    count = tf.where(lengths <= sizes, tf.ones_like(lengths), extra + 1)  # [B]
    row = tf.repeat(tf.range(tf.size(lengths, out_type=tf.int64)), count)  # [W]
    k = tf.ragged.range(count).flat_values  # [W] window number within its row
    start = k * tf.gather(step, row)
    end = tf.minimum(start + tf.gather(sizes, row), tf.gather(lengths, row))
    return row, start, end


def gather_ranges(
    values: tf.RaggedTensor, row: tf.Tensor, start: tf.Tensor, end: tf.Tensor
) -> tf.RaggedTensor:
    """`values[row[w], start[w]:end[w]]` for every w: a ragged `[W, (L)]`."""
    row = tf.cast(row, tf.int64)
    splits = tf.cast(values.row_splits, tf.int64)
    positions = tf.ragged.range(tf.cast(start, tf.int64), tf.cast(end, tf.int64))  # [W, (L)]
    flat = positions + tf.gather(splits, row)[:, None]  # global indices
    return flat.with_flat_values(tf.gather(values.flat_values, flat.flat_values))


def is_max_context(
    row: tf.Tensor, start: tf.Tensor, end: tf.Tensor, row_splits: tf.Tensor
) -> tf.RaggedTensor:
    """Per window token: is this window the one where the token is most central?

    Score = min(left, right) context + 0.01 * window length (google-research BERT's
    `_check_is_max_context`); ties go to the earlier window. Returns bool `[W, (L)]`.
    """
    splits = tf.cast(row_splits, tf.int64)
    positions = tf.ragged.range(start, end)  # [W, (L)]
    window = tf.cast(positions.value_rowids(), tf.int64)  # [N_w] window of each entry
    p = positions.flat_values
    w_start, w_end = tf.gather(start, window), tf.gather(end, window)
    left, right = tf.cast(p - w_start, tf.float64), tf.cast(w_end - 1 - p, tf.float64)
    score = tf.minimum(left, right) + 0.01 * tf.cast(w_end - w_start, tf.float64)  # [N_w]
    key = p + tf.gather(splits, tf.gather(row, window))  # [N_w] global token index
    total = splits[-1]
    best_score = tf.math.unsorted_segment_max(score, key, total)  # [N]
    is_best = tf.equal(score, tf.gather(best_score, key))
    big = tf.int64.max
    first = tf.math.unsorted_segment_min(tf.where(is_best, window, big), key, total)  # [N]
    return positions.with_flat_values(tf.equal(window, tf.gather(first, key)))


def byte_to_char(strings: tf.Tensor, byte_offsets: tf.RaggedTensor, is_end: bool) -> tf.Tensor:
    """Character (code point) offsets of UTF-8 byte offsets into `strings` ([B] string).

    `byte_offsets` is `[B, (N)]`; start offsets map to the character holding that byte, end
    offsets (exclusive, `is_end=True`) to one past the character holding the byte before.
    Returns the flat int64 `[N_total]` values.
    """
    _, char_bytes = tf.strings.unicode_decode_with_offsets(
        strings, "UTF-8", errors="replace", replacement_char=0xFFFD
    )  # [B, (C)] byte start of every character
    lengths = tf.cast(tf.strings.length(strings), tf.int64)  # [B]
    row_bytes = tf.cumsum(lengths, exclusive=True)  # [B] batch-global byte base
    rows = char_bytes.value_rowids()
    flat_chars = char_bytes.flat_values + tf.gather(row_bytes, rows)  # sorted [C]
    query_rows = byte_offsets.value_rowids()
    query = tf.cast(byte_offsets.flat_values, tf.int64) - (1 if is_end else 0)
    global_query = query + tf.gather(row_bytes, query_rows)
    index = tf.searchsorted(flat_chars, global_query, side="right") - 1  # [N] global char
    chars = tf.cast(index, tf.int64) - tf.gather(char_bytes.row_splits, query_rows)
    if is_end:
        chars = tf.where(query >= 0, chars + 1, tf.zeros_like(chars))
    return chars


def first_argmax(values: tf.Tensor) -> tf.Tensor:
    """Index of the maximum along the last axis, the first one on ties (as `np.argmax`)."""
    best = tf.reduce_max(values, axis=-1, keepdims=True)
    index = tf.range(tf.shape(values, out_type=tf.int64)[-1])
    return tf.reduce_min(tf.where(values >= best, index, tf.int64.max), axis=-1)


def substrings(strings: tf.Tensor, rows: tf.Tensor, starts: tf.Tensor, ends: tf.Tensor):
    """`strings[rows[i]]` bytes `[starts[i], ends[i])` (end <= start gives "")."""
    length = tf.maximum(ends - starts, 0)
    return tf.strings.substr(tf.gather(strings, rows), starts, length, unit="BYTE")
