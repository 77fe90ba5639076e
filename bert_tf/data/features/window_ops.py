"""In-graph window primitives shared by training features and the serving signatures.

Windows over ragged token rows (BERT's doc_stride: each window starts `stride` tokens after
the previous one, the last one ends at the row's end, an empty row keeps one empty window),
the "most central window" rule of google-research BERT's `_check_is_max_context` (score =
min(left, right) context + 0.01 * window length, ties to the earlier window), packing into
`[CLS] a [SEP] (b [SEP])` model inputs, and UTF-8 byte -> character offsets. Core TensorFlow
and tf-text ops only, so they run eagerly, in `tf.data` and inside exported SavedModels.

Example:
    >>> lengths, sizes = tf.constant([10], tf.int64), tf.constant([4], tf.int64)
    >>> rows, starts, ends = window_bounds(lengths, sizes, stride=3)
    >>> starts.numpy().tolist(), ends.numpy().tolist()
    ([0, 3, 6], [4, 7, 10])
    >>> ids = tf.ragged.constant([list(range(10))], tf.int64)
    >>> central = is_max_context(rows, starts, ends, ids.row_splits)
    >>> central.to_list()  # tokens 3 and 6 tie (no context on one side): the first window wins
    [[True, True, True, True], [False, True, True, True], [False, True, True, True]]
"""

from __future__ import annotations

import tensorflow as tf
import tensorflow_text as tf_text

from bert_tf.data.features.windows import MODEL_INPUTS


def window_bounds(
    lengths: tf.Tensor, sizes: tf.Tensor, stride: int | tf.Tensor
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """Windows of at most `sizes[i]` tokens every `stride` tokens over rows of `lengths[i]`.

    A stride longer than a window moves by the window (no token is skipped). Returns
    `(row, start, end)`, each int64 `[W]`, windows of one row contiguous and in order; an empty
    row still gets one empty window, so every example keeps at least one feature.
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
    base = tf.repeat(tf.gather(splits, row), positions.row_lengths())  # [N_w] row offsets
    return positions.with_flat_values(tf.gather(values.flat_values, positions.flat_values + base))


def is_max_context(
    row: tf.Tensor, start: tf.Tensor, end: tf.Tensor, row_splits: tf.Tensor
) -> tf.RaggedTensor:
    """Per window token: is this window the one where the token is most central?

    Score = min(left, right) context + 0.01 * window length; ties go to the earlier window.
    `row_splits` are those of the windowed token rows. Returns bool `[W, (L)]`.
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


def place(values: tf.RaggedTensor, offset: tf.Tensor, seq_length: int, fill) -> tf.Tensor:
    """Window values `[W, (L)]` written at `offset[w]` of rows of `seq_length`: `[W, T]`.

    The other cells hold `fill` (e.g. -1 for the positions of [CLS], the question, [SEP]).
    """
    offset = tf.cast(offset, tf.int64)  # [W]
    pad = tf.fill([tf.reduce_sum(offset)], tf.cast(fill, values.dtype))
    before = tf.RaggedTensor.from_row_lengths(pad, offset)  # [W, (offset)]
    return tf.concat([before, values], axis=1).to_tensor(fill, shape=[None, seq_length])


def pack_segments(
    segments: list[tf.RaggedTensor], seq_length: int, cls_id: int, sep_id: int, pad_id: int
) -> dict[str, tf.Tensor]:
    """`[CLS] a [SEP] (b [SEP])` padded to `seq_length`: the int32 `[W, T]` model inputs.

    The segments must already fit (the callers window or truncate them).
    """
    word_ids, type_ids = tf_text.combine_segments(segments, cls_id, sep_id)  # [W, (L)]
    word_ids, mask = tf_text.pad_model_inputs(word_ids, seq_length, pad_id)  # [W, T]
    type_ids, _ = tf_text.pad_model_inputs(type_ids, seq_length)  # [W, T]
    packed = (word_ids, mask, type_ids)
    return {key: tf.cast(value, tf.int32) for key, value in zip(MODEL_INPUTS, packed)}


def flat_rows(ids: tf.RaggedTensor) -> tf.RaggedTensor:
    """A tokenizer's `[B, (words), (pieces)]` result merged to `[B, (N)]` (rank 2 kept)."""
    if isinstance(ids, tf.RaggedTensor) and ids.ragged_rank > 1:
        return ids.merge_dims(1, -1)
    return ids


def byte_to_char(strings: tf.Tensor, byte_offsets: tf.RaggedTensor, is_end: bool) -> tf.Tensor:
    """Character (code point) offsets of UTF-8 byte offsets into `strings` ([B] string).

    `byte_offsets` is `[B, (N)]`; start offsets map to the character holding that byte, end
    offsets (exclusive, `is_end=True`) to one past the character holding the byte before
    (as `bert_tf.text.byte_to_char_offsets`). Returns the flat int64 `[N_total]` values.
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
