"""Ragged-tensor helpers of the tokenizer: make chosen rows one value, shift offsets.

Example:
    >>> rows = tf.ragged.constant([[1, 2], [], [3]])
    >>> replace_rows(rows, tf.constant([False, True, True]), tf.constant([0, 9, 8]))
    <tf.RaggedTensor [[1, 2], [9], [8]]>
"""

from __future__ import annotations

import tensorflow as tf


def replace_rows(rows: tf.RaggedTensor, replace: tf.Tensor, value: tf.Tensor) -> tf.RaggedTensor:
    """`rows` [P, (T)] with each row where `replace` [P] is True made `[value[p]]`."""
    old_splits = rows.row_splits
    lengths = tf.where(replace, tf.ones_like(rows.row_lengths()), rows.row_lengths())  # [P]
    splits = tf.concat([tf.zeros([1], lengths.dtype), tf.cumsum(lengths)], 0)  # [P + 1]
    kept = tf.gather(~replace, rows.value_rowids())  # [T_total]
    row = tf.boolean_mask(rows.value_rowids(), kept)
    position = tf.boolean_mask(
        tf.range(tf.size(kept, old_splits.dtype), dtype=old_splits.dtype), kept
    )
    at = tf.gather(splits, row) + position - tf.gather(old_splits, row)  # [K]
    single = tf.boolean_mask(splits[:-1], replace)  # [R]
    values = tf.concat(
        [tf.boolean_mask(rows.flat_values, kept), tf.boolean_mask(value, replace)], 0
    )
    where = tf.concat([at, single], 0)[:, None]
    flat = tf.reshape(tf.scatter_nd(where, values, splits[-1:]), [-1])  # [T_new]
    return tf.RaggedTensor.from_row_splits(flat, splits, validate=False)


def shift_rows(offsets: tf.RaggedTensor, base: tf.Tensor) -> tf.RaggedTensor:
    """Offsets [P, (T)] plus `base[p]` on every value of row p."""
    return offsets.with_flat_values(offsets.flat_values + tf.gather(base, offsets.value_rowids()))
