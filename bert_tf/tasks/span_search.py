"""The best answer span of each question across its windows, in the graph.

Mirrors `bert_tf.evaluation.postprocess_squad` for the top answer: per window, the
`n_best_size` highest start and end logits (ties to the lower position), spans that start on a
context token whose window is its most central one and end on a context token, start <= end,
at most `max_answer_length` tokens; across an example's windows the highest start+end logit
wins, the first one (window, start rank, end rank) on ties, as the stable sort does. The null
score is the smallest [CLS] start+end logit over the example's windows. Scores are float64.

Example:
    >>> start, end = tf.constant([[0.0, 5.0, 1.0]]), tf.constant([[0.0, 1.0, 6.0]])
    >>> is_context = tf.constant([[False, True, True]])
    >>> best = best_spans(start, end, is_context, is_context, tf.constant([0], tf.int64), 1)
    >>> best["start"].numpy().tolist(), best["end"].numpy().tolist()
    ([1], [2])
"""

from __future__ import annotations

import tensorflow as tf


def best_spans(
    start_logits: tf.Tensor,
    end_logits: tf.Tensor,
    is_context: tf.Tensor,
    is_max_context: tf.Tensor,
    example: tf.Tensor,
    num_examples: tf.Tensor | int,
    n_best_size: int = 20,
    max_answer_length: int = 30,
) -> dict[str, tf.Tensor]:
    """Best span per example from window logits `[W, T]`.

    Args:
        start_logits, end_logits: `[W, T]` logits of every window.
        is_context: `[W, T]` true on context tokens.
        is_max_context: `[W, T]` true where this window is the token's most central one.
        example: `[W]` example of each window (windows of one example contiguous, in order).
        num_examples: B.
        n_best_size, max_answer_length: as in `postprocess_squad`.

    Returns:
        `[B]` tensors: `has_span` (bool), `window`, `start`, `end` (token positions in that
        window), `score` (best start+end logit) and `null_score`.
    """
    start = tf.cast(start_logits, tf.float64)  # [W, T]
    end = tf.cast(end_logits, tf.float64)
    k = tf.minimum(n_best_size, tf.shape(start)[1])
    start_top, start_at = tf.math.top_k(start, k)  # [W, k]
    end_top, end_at = tf.math.top_k(end, k)
    start_ok = tf.gather(is_context & is_max_context, start_at, batch_dims=1)  # [W, k]
    end_ok = tf.gather(is_context, end_at, batch_dims=1)  # [W, k]
    length = end_at[:, None, :] - start_at[:, :, None] + 1  # [W, k, k]
    valid = start_ok[:, :, None] & end_ok[:, None, :] & (length >= 1)
    valid &= length <= max_answer_length
    score = start_top[:, :, None] + end_top[:, None, :]  # [W, k, k]
    pairs = k * k
    valid = tf.reshape(valid, [-1])  # [W * k * k] in (window, start rank, end rank) order
    score = tf.reshape(score, [-1])
    owner = tf.repeat(tf.cast(example, tf.int64), pairs)
    masked = tf.where(valid, score, tf.constant(-float("inf"), tf.float64))
    best = tf.math.unsorted_segment_max(masked, owner, num_examples)  # [B]
    count = tf.math.unsorted_segment_sum(tf.cast(valid, tf.int64), owner, num_examples)
    has_span = count > 0
    index = tf.range(tf.size(valid, out_type=tf.int64))
    winner = valid & tf.equal(masked, tf.gather(best, owner))
    first = tf.math.unsorted_segment_min(tf.where(winner, index, tf.int64.max), owner, num_examples)
    first = tf.where(has_span, first, tf.zeros_like(first))  # [B]
    pairs64 = tf.cast(pairs, tf.int64)
    window = first // pairs64
    rank = first % pairs64
    k64 = tf.cast(k, tf.int64)
    span_start = tf.gather_nd(start_at, tf.stack([window, rank // k64], -1))
    span_end = tf.gather_nd(end_at, tf.stack([window, rank % k64], -1))
    null = tf.math.unsorted_segment_min(start[:, 0] + end[:, 0], example, num_examples)  # [B]
    return {
        "has_span": has_span,
        "window": window,
        "start": tf.cast(span_start, tf.int64),
        "end": tf.cast(span_end, tf.int64),
        "score": tf.where(has_span, best, null),
        "null_score": null,
    }
