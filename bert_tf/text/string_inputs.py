"""What the tokenizer accepts as text: one string, a batch `[B]`, or word lists `[B, (W)]`.

Example:
    >>> as_string_batch("one string")
    (<tf.Tensor: shape=(1,), dtype=string, numpy=array([b'one string'], dtype=object)>, True)
    >>> as_word_batch([["two", "words"], ["one"]]).row_lengths().numpy().tolist()
    [2, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf


def as_string_batch(strings: Any) -> tuple[tf.Tensor, bool]:
    """A [B] tf.string tensor and whether the input was one string; TypeError otherwise."""
    scalar = isinstance(strings, str | bytes)
    if scalar:
        strings = [strings]
    if isinstance(strings, list | tuple):
        if not all(isinstance(s, str | bytes) for s in strings):
            raise TypeError("BertTokenizer expects strings; got a list with non-string items")
        strings = tf.constant(list(strings), dtype=tf.string, shape=[len(strings)])
    elif isinstance(strings, np.ndarray):
        if strings.dtype.kind not in "USO":
            raise TypeError(f"BertTokenizer expects strings, got a numpy array of {strings.dtype}")
        strings = tf.constant(strings.astype(object), dtype=tf.string)
    if not tf.is_tensor(strings) or isinstance(strings, tf.RaggedTensor):
        raise TypeError(f"BertTokenizer expects a tf.string tensor of shape [B], got {strings!r}")
    if strings.dtype != tf.string:
        raise TypeError(f"BertTokenizer expects tf.string input, got dtype {strings.dtype.name}")
    rank = strings.shape.rank
    if rank == 0:
        return strings[None], True
    if rank is not None and rank != 1:
        raise ValueError(f"BertTokenizer expects strings of shape [B], got {strings.shape}")
    return strings, scalar


def as_word_batch(words: Any) -> tf.RaggedTensor:
    """Pre-split words as a `[B, (W)]` tf.string ragged tensor; TypeError/ValueError otherwise."""
    if isinstance(words, list | tuple):
        if not all(isinstance(row, list | tuple) for row in words):
            raise TypeError("tokenize_words expects a list of word lists, one per example")
        words = tf.ragged.constant([list(row) for row in words], tf.string, ragged_rank=1)
    elif not isinstance(words, tf.RaggedTensor):
        words = tf.convert_to_tensor(words)
        if words.shape.rank != 2:
            raise ValueError(f"tokenize_words expects words of shape [B, W], got {words.shape}")
        words = tf.RaggedTensor.from_tensor(words)
    if words.dtype != tf.string or words.ragged_rank != 1:
        raise TypeError(f"tokenize_words expects [B, (W)] strings, got {words!r}")
    return words
