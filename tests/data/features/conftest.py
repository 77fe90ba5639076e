"""Fixtures for the feature tests: the real uncased WordPiece tokenizer (MiniLM's vocab)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tokenizer(minilm_vocab):
    from bert_tf.text import BertTokenizer

    return BertTokenizer(str(minilm_vocab), lower_case=True)
