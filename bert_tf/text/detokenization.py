"""Ids back to text: WordPiece pieces joined, `##` continuations glued to their word.

Example:
    >>> from bert_tf.text import BertTokenizer
    >>> tokenizer = BertTokenizer("vocab.txt")
    >>> detokenize(tokenizer, [7592, 1010, 2088, 999], clean_up_tokenization_spaces=True)
    <tf.Tensor: shape=(), dtype=string, numpy=b'hello, world!'>
"""

from __future__ import annotations

import re
from typing import Any

import tensorflow as tf

from bert_tf.text.special_tokens import SPECIAL_TOKEN_ROLES

# transformers' `clean_up_tokenization`: no space before punctuation and English clitics.
_CLEAN_UPS = ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
              (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"))  # fmt: skip


def detokenize(
    tokenizer: Any,
    ids: Any,
    skip_special_tokens: bool = False,
    clean_up_tokenization_spaces: bool = False,
) -> tf.Tensor:
    """See `BertTokenizer.detokenize`; IndexError (eagerly) for an id outside the vocabulary."""
    if isinstance(ids, list) and any(isinstance(row, list | tuple) for row in ids):
        ids = tf.ragged.constant(ids, tf.int32)
    if not isinstance(ids, tf.RaggedTensor):
        ids = tf.convert_to_tensor(ids)
        if ids.shape.rank == 1:
            return detokenize(
                tokenizer, ids[None], skip_special_tokens, clean_up_tokenization_spaces
            )[0]
        padding = {}
        if SPECIAL_TOKEN_ROLES["pad"] in tokenizer.vocab:
            padding = {"padding": tokenizer.pad_id}
        ids = tf.RaggedTensor.from_tensor(ids, **padding)
    if tf.executing_eagerly() and tf.size(ids.flat_values) > 0:
        low, high = int(tf.reduce_min(ids.flat_values)), int(tf.reduce_max(ids.flat_values))
        if low < 0 or high >= tokenizer.vocab_size:
            bad = low if low < 0 else high
            raise IndexError(f"token id {bad} is outside [0, {tokenizer.vocab_size})")
    if skip_special_tokens:
        ids = tf.ragged.boolean_mask(ids, tf.equal(tokenizer.special_tokens_mask(ids), 0))
    pieces = tf.gather(tf.constant(tokenizer.vocab), ids)  # [B, (T)]
    text = tf.strings.reduce_join(pieces, axis=-1, separator=" ")  # [B]
    text = tf.strings.regex_replace(text, " ##", "")
    if clean_up_tokenization_spaces:
        for before, after in _CLEAN_UPS:
            text = tf.strings.regex_replace(text, re.escape(before), after)
    return text
