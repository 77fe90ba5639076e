"""Fixtures for the inference tests: the real tokenizer and a tiny backbone on its vocabulary."""

from __future__ import annotations

import pytest

TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)


@pytest.fixture(scope="session")
def tokenizer(minilm_vocab):
    from bert_tf.text import BertTokenizer

    return BertTokenizer(str(minilm_vocab), lower_case=True)


@pytest.fixture()
def tiny_backbone(tokenizer):
    import keras

    from bert_tf.models import BertBackbone

    keras.utils.set_random_seed(1)
    return BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **TINY)
