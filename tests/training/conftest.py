"""Fixtures of the training tests: a tiny pre-trainer and a batch in its data contract."""

from __future__ import annotations

import numpy as np
import pytest

VOCAB_SIZE = 50
SEQ_LEN = 16
PREDICTIONS = 3


@pytest.fixture()
def tiny_pretrainer():
    import keras

    from bert_tf.models import BertBackbone, BertPretrainer

    keras.utils.set_random_seed(0)
    backbone = BertBackbone.from_preset(
        "bert_tiny",
        vocab_size=VOCAB_SIZE,
        hidden_size=64,
        num_heads=2,
        intermediate_size=128,
        max_position_embeddings=SEQ_LEN,
    )
    return BertPretrainer(backbone)


@pytest.fixture()
def tiny_batch() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """8 examples in BertPretrainer's (x, y) contract; a learnable pattern (MLM target = the
    token left of the masked position)."""
    rng = np.random.default_rng(0)
    ids = rng.integers(5, VOCAB_SIZE, size=(8, SEQ_LEN)).astype("int32")
    positions = np.tile(np.array([2, 5, 9], "int32"), (8, 1))
    labels = np.take_along_axis(ids, positions - 1, axis=1)
    x = {
        "input_word_ids": ids,
        "input_mask": np.ones_like(ids),
        "input_type_ids": np.zeros_like(ids),
        "masked_lm_positions": positions,
    }
    y = {
        "masked_lm_ids": labels.astype("int32"),
        "masked_lm_weights": np.ones((8, PREDICTIONS), "float32"),
        "next_sentence_labels": (np.arange(8) % 2).astype("int32"),
    }
    return x, y
