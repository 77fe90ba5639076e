"""In-graph tagging windows: word-piece rows -> `[CLS] pieces [SEP]` windows.

`TaggingFeatures` (training, words from a CoNLL file: `word_pieces`) and `TaggingModule`
(serving, words from raw text) both read their pieces through `tagging_windows`: windows of
`seq_length - 2` pieces every `stride` pieces, the last one ending at the row's end, and for
each window piece whether this window is the one where it is most central, which is where its
word is read from.

Example:
    >>> tokenizer = BertTokenizer("vocab.txt")
    >>> words = tf.constant(["John", "Smithsonianization", "lives", "here", "now"])
    >>> pieces, word = word_pieces(tokenizer, words, tf.constant([5]))
    >>> word.to_list()  # the word whose first piece sits there, else -1
    [[0, 1, -1, 2, 3, 4]]
    >>> windows = tagging_windows(tokenizer, pieces, seq_length=6, stride=2)
    >>> windows["start"].numpy().tolist(), windows["end"].numpy().tolist()
    ([0, 2], [4, 6])
    >>> windows["token_is_max_context"].to_list()
    [[True, True, True, False], [False, True, True, True]]
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from bert_tf.data.features.window_ops import (
    flat_rows,
    gather_ranges,
    is_max_context,
    pack_segments,
    window_bounds,
)
from bert_tf.text.bert_tokenizer import BertTokenizer  # noqa: F401 (the example uses it)


def word_pieces(
    tokenizer: Any, words: tf.Tensor, words_per_row: tf.Tensor
) -> tuple[tf.RaggedTensor, tf.RaggedTensor]:
    """Each word tokenized on its own, the pieces of each row's words concatenated.

    A word that yields no piece becomes one [UNK], so no word is lost.

    Args:
        tokenizer: `tokenize` and `unk_id`.
        words: strings `[N_words]`, the words of all rows in order.
        words_per_row: int `[B]`, how many of them each row holds.

    Returns:
        (piece ids int64 `[B, (N)]`, word index int64 `[B, (N)]`: within its row, the word
        whose first piece sits there, -1 on its other pieces).
    """
    pieces = tf.cast(flat_rows(tokenizer.tokenize(words)), tf.int64)  # [N_words, (P)]
    count = pieces.row_lengths()  # [N_words]
    unk = tf.fill(tf.shape(count), tf.cast(tokenizer.unk_id, tf.int64))[:, None]
    padded = tf.concat([pieces, unk], axis=1)  # [N_words, (P + 1)]
    keep = tf.ragged.range(count + 1) < tf.maximum(count, 1)[:, None]
    pieces = tf.ragged.boolean_mask(padded, keep)  # [N_words, (max(P, 1))]
    is_first = tf.equal(tf.ragged.range(pieces.row_lengths()), 0).flat_values  # [N]
    word_rows = tf.RaggedTensor.from_row_lengths(
        tf.range(tf.size(count, out_type=tf.int64)), tf.cast(words_per_row, tf.int64)
    )  # [B, (words)] global word numbers
    first_word = tf.gather(word_rows.row_splits, word_rows.value_rowids())  # [N_words]
    within = tf.range(tf.size(count, out_type=tf.int64)) - first_word  # word index in row
    word = tf.where(is_first, tf.gather(within, pieces.value_rowids()), -1)  # [N]
    splits = tf.gather(pieces.row_splits, word_rows.row_splits)  # [B + 1] piece splits
    rows = tf.RaggedTensor.from_row_splits(pieces.flat_values, splits)  # [B, (N)]
    return rows, rows.with_flat_values(word)


def tagging_windows(
    tokenizer: Any, pieces: tf.RaggedTensor, seq_length: int, stride: int
) -> dict[str, tf.Tensor]:
    """Windows over piece rows `[B, (N)]`.

    Args:
        tokenizer: `cls_id`, `sep_id`, `pad_id`.
        pieces: word-piece ids `[B, (N)]`.
        seq_length: T, tokens per window including [CLS] and [SEP].
        stride: how far each window starts after the previous one.

    Returns:
        The model inputs (int32 `[W, T]`), `row`, `start`, `end` (int64 `[W]`: the window's
        pieces are `pieces[row, start:end]`, placed after [CLS]) and `token_is_max_context`
        (bool `[W, (L)]`, one entry per window piece).
    """
    pieces = tf.cast(pieces, tf.int64)
    lengths = pieces.row_lengths()  # [B]
    size = tf.fill(tf.shape(lengths), tf.cast(seq_length - 2, tf.int64))  # [B]
    row, start, end = window_bounds(lengths, size, stride)  # [W]
    inputs = pack_segments(
        [gather_ranges(pieces, row, start, end)],
        seq_length,
        tokenizer.cls_id,
        tokenizer.sep_id,
        tokenizer.pad_id,
    )  # [W, T]
    central = is_max_context(row, start, end, pieces.row_splits)  # [W, (L)]
    return {**inputs, "row": row, "start": start, "end": end, "token_is_max_context": central}
