"""In-graph helpers of the serving signatures' post-processing: a tie-stable argmax and
substrings cut by byte offsets.

The windows, the "most central window" rule and byte -> character offsets that serving shares
with training live in `bert_tf.data.features.window_ops`. Core TensorFlow ops only.

Example:
    >>> first_argmax(tf.constant([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])).numpy().tolist()
    [1, 0]
    >>> text = tf.constant(["Zürich is big"])
    >>> substrings(text, tf.constant([0]), tf.constant([0]), tf.constant([7])).numpy()
    array([b'Z\\xc3\\xbcrich'], dtype=object)
"""

from __future__ import annotations

import tensorflow as tf


def first_argmax(values: tf.Tensor) -> tf.Tensor:
    """Index of the maximum along the last axis, the first one on ties (as `np.argmax`)."""
    best = tf.reduce_max(values, axis=-1, keepdims=True)
    index = tf.range(tf.shape(values, out_type=tf.int64)[-1])
    return tf.reduce_min(tf.where(values >= best, index, tf.int64.max), axis=-1)


def substrings(strings: tf.Tensor, rows: tf.Tensor, starts: tf.Tensor, ends: tf.Tensor):
    """`strings[rows[i]]` bytes `[starts[i], ends[i])` (end <= start gives "")."""
    length = tf.maximum(ends - starts, 0)
    return tf.strings.substr(tf.gather(strings, rows), starts, length, unit="BYTE")
