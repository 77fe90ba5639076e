"""In-graph classification inputs: single texts or pairs -> `[CLS] a [SEP] (b [SEP])` windows.

`ClassificationFeatures` (training) and `ClassificationModule` (serving) both call
`classification_windows`, so a text is cut the same way on both sides. Without a stride each
example is one row packed by `BertPreprocessor` (round-robin truncation). With a stride, a text
too long for one row slides: a single text in windows of `seq_length - 2` tokens; for a pair
that does not fit, the longer segment slides and the shorter one is kept in every window, cut
to half the budget (`seq_length - 3`) at most. `row` says which example each window is from.

Example:
    >>> tokenizer = BertTokenizer("vocab.txt")
    >>> text = tf.constant(["one two three four five six seven eight", "short"])
    >>> inputs, row = classification_windows(tokenizer, text, None, seq_length=6, stride=2)
    >>> row.numpy().tolist()
    [0, 0, 0, 1]
    >>> tokenizer.detokenize(inputs["input_word_ids"][:3]).numpy().tolist()
    [b'[CLS] one two three four [SEP]', b'[CLS] three four five six [SEP]', \
b'[CLS] five six seven eight [SEP]']
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from bert_tf.data.features.window_ops import (
    flat_rows,
    gather_ranges,
    pack_segments,
    window_bounds,
)
from bert_tf.text.bert_tokenizer import BertTokenizer  # noqa: F401 (the example uses it)


def classification_windows(
    tokenizer: Any,
    text_a: tf.Tensor,
    text_b: tf.Tensor | None,
    seq_length: int,
    stride: int | None,
) -> tuple[dict[str, tf.Tensor], tf.Tensor]:
    """Model inputs (int32 `[W, T]`) and each window's example (int64 `[W]`).

    Args:
        tokenizer: a `BertTokenizer` (`tokenize`, `cls_id`, `sep_id`, `pad_id`).
        text_a: strings `[B]`.
        text_b: the pairs' second segments `[B]`, or None for single texts.
        seq_length: T, tokens per row including [CLS]/[SEP].
        stride: None packs each example once (truncating); an int slides windows.
    """
    if stride is None:
        from bert_tf.text.bert_preprocessor import BertPreprocessor

        preprocessor = BertPreprocessor(tokenizer, seq_length=seq_length)
        inputs = preprocessor(text_a if text_b is None else (text_a, text_b))
        return inputs, tf.range(tf.size(text_a, out_type=tf.int64))
    a = tf.cast(flat_rows(tokenizer.tokenize(text_a)), tf.int64)  # [B, (N)]
    if text_b is None:
        size = tf.fill(tf.shape(a.row_lengths()), tf.cast(seq_length - 2, tf.int64))  # [B]
        row, start, end = window_bounds(a.row_lengths(), size, stride)  # [W]
        segments = [gather_ranges(a, row, start, end)]
    else:
        b = tf.cast(flat_rows(tokenizer.tokenize(text_b)), tf.int64)  # [B, (N)]
        segments, row = pair_windows(a, b, seq_length - 3, stride)
    inputs = pack_segments(
        segments, seq_length, tokenizer.cls_id, tokenizer.sep_id, tokenizer.pad_id
    )
    return inputs, row


def pair_windows(
    a: tf.RaggedTensor, b: tf.RaggedTensor, budget: int, stride: int
) -> tuple[list[tf.RaggedTensor], tf.Tensor]:
    """Segments `[a_w, b_w]` (each `[W, (L)]`) of pair windows, and each window's row `[W]`.

    A pair within `budget` tokens is one window; otherwise the longer segment slides and the
    shorter one is kept in every window, cut to `budget // 2` tokens at most.
    """
    len_a, len_b = a.row_lengths(), b.row_lengths()  # [B]
    fits = len_a + len_b <= budget
    fixed_is_a = fits | (len_a <= len_b)  # [B]
    fixed_len = tf.where(fixed_is_a, len_a, len_b)
    fixed_len = tf.where(fits, fixed_len, tf.minimum(fixed_len, budget // 2))
    sliding_len = tf.where(fixed_is_a, len_b, len_a)
    size = budget - fixed_len  # [B]
    batch = tf.size(len_a, out_type=tf.int64)
    both = tf.concat([a, b], axis=0)  # [2B, (N)]: rows of a, then rows of b
    rows = tf.range(batch)
    fixed_src = tf.where(fixed_is_a, rows, rows + batch)
    sliding_src = tf.where(fixed_is_a, rows + batch, rows)
    row, start, end = window_bounds(sliding_len, size, stride)  # [W]
    sliding = gather_ranges(both, tf.gather(sliding_src, row), start, end)  # [W, (L)]
    zero = tf.zeros_like(row)
    fixed = gather_ranges(both, tf.gather(fixed_src, row), zero, tf.gather(fixed_len, row))
    windows = tf.size(row, out_type=tf.int64)
    stacked = tf.concat([fixed, sliding], axis=0)  # [2W, (L)]
    a_is_fixed = tf.gather(fixed_is_a, row)  # [W]
    index = tf.range(windows)
    seg_a = tf.gather(stacked, tf.where(a_is_fixed, index, index + windows))
    seg_b = tf.gather(stacked, tf.where(a_is_fixed, index + windows, index))
    return [seg_a, seg_b], row
