"""Helpers of the checkpoint tests: a tiny config, random weights, sample inputs."""

from __future__ import annotations

import numpy as np

from bert_tf.config import BertConfig

TINY = BertConfig(
    vocab_size=40,
    hidden_size=64,
    num_layers=2,
    num_heads=4,
    intermediate_size=96,
    max_position_embeddings=32,
    type_vocab_size=2,
)


def randomize(model, seed: int) -> None:
    """Give every variable distinct random values, so a swapped mapping changes the outputs."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        shape = tuple(variable.shape)
        variable.assign(rng.normal(0.0, 0.2, size=shape).astype("float32"))


def tiny_inputs(seed: int = 0, batch: int = 3, length: int = 12) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, TINY.vocab_size, size=(batch, length)).astype("int32")
    mask = np.ones_like(ids)
    mask[1, 7:] = 0  # padding in one row
    ids[mask == 0] = 0
    types = np.zeros_like(ids)
    types[:, length // 2 :] = 1
    return {
        "input_word_ids": ids,
        "input_mask": mask,
        "input_type_ids": types,
        "masked_lm_positions": np.array([[1, 4], [2, 5], [0, 9]], "int32")[:batch],
    }


def run(model, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outputs as numpy; a backbone gets only its three inputs."""
    names = (
        [name for name in model.input if name in inputs] if isinstance(model.input, dict) else None
    )
    feed = {name: inputs[name] for name in names} if names else inputs
    out = model(feed)
    return {key: np.asarray(value) for key, value in out.items() if key != "encoder_outputs"}
