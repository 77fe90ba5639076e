"""Pre-tokenization on normalized codepoints, for the options tf-text's tokenizer cannot do.

tensorflow-text's `FastBertTokenizer` always splits CJK ideographs and punctuation apart.
With `tokenize_chinese_chars=False` (CJK runs stay words) or `do_basic_tokenize=False`
(whitespace only), the tokenizer splits the words itself with `split_words` and runs
WordPiece on each word.

Example:
    >>> cp = tf.constant([ord(c) for c in "ab, c"])
    >>> is_word = tf.constant([1, 1, 0, 0, 1])
    >>> words, rows = split_words(cp, tf.constant([0, 5]), is_word, split_punctuation=True)
    >>> words.to_list(), rows.numpy().tolist()
    ([[0, 1], [2], [4]], [0, 0, 0])
"""

from __future__ import annotations

import tensorflow as tf

SPACE = 32  # after normalization every whitespace character is a space


def split_words(
    cp: tf.Tensor, row_splits: tf.Tensor, is_word: tf.Tensor, split_punctuation: bool
) -> tuple[tf.RaggedTensor, tf.Tensor]:
    """Words of the normalized codepoints `cp` [N] (rows `row_splits` [B + 1]).

    Args:
        is_word: int [N], 0 for characters that are words on their own (punctuation,
            spaced CJK) when `split_punctuation`.

    Returns:
        (the positions in `cp` of each word's characters [W, (c)], each word's row [W]).
    """
    n = tf.size(cp)
    rows = tf.ragged.row_splits_to_segment_ids(tf.cast(row_splits, tf.int32))  # [N]
    index = tf.range(n)
    keep = tf.not_equal(cp, SPACE)  # [N]
    single = keep & tf.equal(is_word, 0) if split_punctuation else tf.zeros_like(keep)
    row_start = tf.not_equal(rows, tf.roll(rows, 1, 0)) | tf.equal(index, 0)
    previous_joins = tf.roll(keep & ~single, 1, 0)  # the previous character continues a word
    start = keep & (single | row_start | ~previous_joins)  # [N]
    word_of = tf.cumsum(tf.cast(start, tf.int32)) - 1  # [N]
    kept = tf.boolean_mask(index, keep)  # [K]
    words = tf.RaggedTensor.from_value_rowids(
        kept, tf.gather(word_of, kept), nrows=tf.reduce_sum(tf.cast(start, tf.int32))
    )  # [W, (c)]
    return words, tf.boolean_mask(rows, start)
