"""Sliding windows over token sequences, and the "most central window" rule for each token.

A long sequence is cut into windows of `window_size` tokens, each starting `stride` tokens after
the previous one (BERT's `doc_stride`), the last one ending at the sequence's end. A token that
falls in several windows is read from the one where it has the most context on both sides
(google-research BERT's `_check_is_max_context`): score = min(left, right) + 0.01 * window size;
on a tie the earlier window wins (position 3 below has 3 tokens of context on one side in
both of its windows).

Example:
    >>> window_spans(10, window_size=4, stride=3)
    [(0, 4), (3, 7), (6, 10)]
    >>> best_window_per_position(window_spans(10, 4, 3), 10).tolist()
    [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MODEL_INPUTS = ("input_word_ids", "input_mask", "input_type_ids")


def window_spans(length: int, window_size: int, stride: int) -> list[tuple[int, int]]:
    """Half-open spans `(start, end)` of windows covering `range(length)`.

    Args:
        length: number of tokens to cover (0 gives one empty window, so every example keeps
            at least one feature).
        window_size: most tokens in one window (> 0).
        stride: how far each window starts after the previous one (> 0; BERT's doc_stride).

    Returns:
        The spans in order; the last one ends at `length`.
    """
    if window_size <= 0:
        raise ValueError(f"window_size must be positive, got {window_size}")
    if stride <= 0:
        raise ValueError(f"stride must be positive, got {stride}")
    spans = []
    start = 0
    while True:
        end = min(start + window_size, length)
        spans.append((start, end))
        if end >= length:
            return spans
        start += min(stride, end - start)


def context_score(span: tuple[int, int], position: int) -> float:
    """How central `position` is in `span`: min(left, right) context + 0.01 * span length."""
    start, end = span
    return min(position - start, end - 1 - position) + 0.01 * (end - start)


def best_window_per_position(spans: Sequence[tuple[int, int]], length: int) -> np.ndarray:
    """For each position in `range(length)`, the index of the span where it is most central.

    Ties go to the earlier span. Every position must be covered by some span.
    """
    best = np.full(length, -1, dtype=np.int64)
    scores = np.full(length, -np.inf)
    for index, (start, end) in enumerate(spans):
        for position in range(start, end):
            score = context_score((start, end), position)
            if score > scores[position]:
                scores[position], best[position] = score, index
    if length and best.min() < 0:
        raise ValueError("the spans do not cover every position")
    return best


def pack_pair(
    segment_a: Sequence[int],
    segment_b: Sequence[int] | None,
    seq_length: int,
    cls_id: int,
    sep_id: int,
    pad_id: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`[CLS] a [SEP] (b [SEP])` padded to `seq_length`: (word ids, mask, type ids), int32 [T].

    The segments must already fit (the caller windows or truncates them).
    """
    ids = [cls_id, *segment_a, sep_id]
    types = [0] * len(ids)
    if segment_b is not None:
        ids += [*segment_b, sep_id]
        types += [1] * (len(segment_b) + 1)
    if len(ids) > seq_length:
        raise ValueError(f"packed length {len(ids)} exceeds seq_length={seq_length}")
    pad = seq_length - len(ids)
    word_ids = np.array(ids + [pad_id] * pad, dtype=np.int32)
    mask = np.array([1] * len(ids) + [0] * pad, dtype=np.int32)
    type_ids = np.array(types + [0] * pad, dtype=np.int32)
    return word_ids, mask, type_ids


def token_lists(tokenizer, strings: Sequence[str], batch_size: int = 512) -> list[list[int]]:
    """Word-piece ids of each string as Python lists (a [B, words, pieces] result is merged)."""
    import tensorflow as tf

    out: list[list[int]] = []
    for begin in range(0, len(strings), batch_size):
        ids = tokenizer.tokenize(tf.constant(list(strings[begin : begin + batch_size])))
        if isinstance(ids, tf.RaggedTensor) and ids.ragged_rank > 1:
            ids = ids.merge_dims(1, -1)
        out.extend([[int(i) for i in row] for row in ids.to_list()])
    return out
