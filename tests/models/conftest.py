"""Fixtures for the model tests: a tiny config and random, padded inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keras
import numpy as np
import pytest

from bert_tf.config import BertConfig

VOCAB = 50


@pytest.fixture
def tiny_config() -> BertConfig:
    return BertConfig(
        vocab_size=VOCAB,
        hidden_size=32,
        num_layers=2,
        num_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
    )


@pytest.fixture
def make_inputs() -> Callable[..., dict[str, np.ndarray]]:
    """`make_inputs(batch, seq, seed)`: backbone inputs; row i has i % 4 padded positions."""

    def make(batch: int = 4, seq: int = 12, seed: int = 0) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(seed)
        lengths = seq - np.arange(batch) % 4
        mask = (np.arange(seq)[None, :] < lengths[:, None]).astype("int32")
        ids = rng.integers(5, VOCAB, (batch, seq)).astype("int32") * mask
        types = ((np.arange(seq)[None, :] >= lengths[:, None] // 2) * mask).astype("int32")
        return {"input_word_ids": ids, "input_mask": mask, "input_type_ids": types}

    return make


@pytest.fixture
def global_policy() -> Iterator[Callable[[str], None]]:
    """Sets the global dtype policy for one test and restores it afterwards."""
    previous = keras.config.dtype_policy()
    yield keras.config.set_dtype_policy
    keras.config.set_dtype_policy(previous)


@pytest.fixture
def make_pretraining_data(make_inputs) -> Callable[..., tuple[dict, dict]]:
    """`(x, y)` in the BertPretrainer data contract; the last masked slot of each row is
    padding (weight 0)."""

    def make(batch: int = 8, seq: int = 12, masked: int = 3, seed: int = 0) -> tuple[dict, dict]:
        rng = np.random.default_rng(seed + 100)
        x = make_inputs(batch, seq, seed)
        x["masked_lm_positions"] = rng.integers(1, seq - 3, (batch, masked)).astype("int32")
        weights = np.ones((batch, masked), "float32")
        weights[:, -1] = 0.0
        x["masked_lm_positions"][:, -1] = 0
        y = {
            "masked_lm_ids": rng.integers(5, VOCAB, (batch, masked)).astype("int32"),
            "masked_lm_weights": weights,
            "next_sentence_labels": rng.integers(0, 2, (batch,)).astype("int32"),
        }
        return x, y

    return make
