"""How many tokens of each segment to keep when a pair is longer than its budget.

`round_robin` reproduces google-research/bert `truncate_seq_pair`: while too long, drop the
last token of the longer segment (of the second when both are equally long). Its result has
a closed form, computed here per row with TensorFlow ops: with budget m,
`keep_a = min(len_a, max(m - len_b, ceil(m / 2)))` and `keep_b = min(len_b, m - keep_a)`.
`waterfall` keeps the first segment whole as far as it fits and cuts the last one first.

Example:
    >>> keep_a, keep_b = keep_lengths(tf.constant([10, 2]), tf.constant([3, 9]), 8, "round_robin")
    >>> keep_a.numpy().tolist(), keep_b.numpy().tolist()
    ([5, 2], [3, 6])
"""

from __future__ import annotations

import tensorflow as tf

TRUNCATIONS = ("round_robin", "waterfall")


def keep_lengths(
    len_a: tf.Tensor, len_b: tf.Tensor, budget: int, truncation: str
) -> tuple[tf.Tensor, tf.Tensor]:
    """Kept lengths `[B]` of two segments of lengths `[B]` that share `budget` tokens."""
    if truncation == "round_robin":
        half = (budget + 1) // 2
        keep_a = tf.minimum(len_a, tf.maximum(budget - len_b, half))
    elif truncation == "waterfall":
        keep_a = tf.minimum(len_a, budget)
    else:
        raise ValueError(f"truncation must be one of {TRUNCATIONS}, got {truncation!r}")
    keep_b = tf.minimum(len_b, budget - keep_a)
    return keep_a, keep_b


def truncate_seq_pair_reference(tokens_a: list, tokens_b: list, max_length: int) -> None:
    """google-research/bert's semantics in plain Python (in place), for tests and docs."""
    while len(tokens_a) + len(tokens_b) > max_length:
        longer = tokens_a if len(tokens_a) > len(tokens_b) else tokens_b
        longer.pop()
