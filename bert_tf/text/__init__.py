"""Text layer: WordPiece tokenizer, vocabulary learning and BERT input packing (TF-only).

Names load on first use, so `bert_tf.text.special_tokens` or `sentence_splitting` can be
imported by data jobs without starting TensorFlow.

Example:
    >>> from bert_tf.text import BertTokenizer, BertPreprocessor
    >>> tokenizer = BertTokenizer("vocab.txt", lower_case=True)
    >>> preprocessor = BertPreprocessor(tokenizer, seq_length=128)
    >>> preprocessor(["Hello, world!"])["input_word_ids"].shape
    TensorShape([1, 128])
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BertPreprocessor": "bert_tf.text.bert_preprocessor",
    "BertTokenizer": "bert_tf.text.bert_tokenizer",
    "byte_to_char_offsets": "bert_tf.text.offsets",
    "count_words": "bert_tf.text.vocab_learning",
    "learn_vocabulary": "bert_tf.text.vocab_learning",
    "unk_rate": "bert_tf.text.vocab_learning",
    "write_vocabulary": "bert_tf.text.vocab_learning",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bert_tf.text' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
