"""From per-window model outputs back to one answer per example.

* classification: the mean of an example's window logits;
* tagging: each word's logits from the window where its first piece is most central;
* QA: `SquadWindow`s for `bert_tf.evaluation.postprocess_squad`, which picks spans across
  windows and cuts the answer text out of the original context.

Example:
    >>> average_window_logits(np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0]]),
    ...                       np.array([0, 0, 1]), num_examples=2).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def average_window_logits(
    logits: np.ndarray, example_index: np.ndarray, num_examples: int
) -> np.ndarray:
    """Mean of the rows of `logits` ([N, C] or [N]) per example: [E, C] (or [E])."""
    logits = np.asarray(logits, dtype=np.float64)
    example_index = np.asarray(example_index, dtype=np.int64)
    if logits.shape[0] != example_index.shape[0]:
        raise ValueError(f"{logits.shape[0]} logit rows for {example_index.shape[0]} windows")
    counts = np.bincount(example_index, minlength=num_examples)
    if (counts == 0).any():
        missing = np.flatnonzero(counts == 0)[:3].tolist()
        raise ValueError(f"examples without any window, e.g. {missing}")
    sums = np.zeros((num_examples,) + logits.shape[1:])
    np.add.at(sums, example_index, logits)
    return sums / counts.reshape((-1,) + (1,) * (logits.ndim - 1))


def word_logits(
    logits: np.ndarray,
    word_index: np.ndarray,
    is_max_context: np.ndarray,
    example_index: np.ndarray,
    words_per_example: Sequence[int],
) -> list[np.ndarray]:
    """Per example, a [W, C] array: each word's logits at its first piece, taken from the
    window where that piece is most central.

    Args:
        logits: [N, T, C] token logits of every window.
        word_index: [N, T] word of the first piece at each position, -1 elsewhere.
        is_max_context: [N, T] true where this window is the token's most central one.
        example_index: [N] example of each window.
        words_per_example: number of words of each example.
    """
    logits = np.asarray(logits)
    out = [np.full((n, logits.shape[-1]), np.nan) for n in words_per_example]
    rows, positions = np.nonzero((np.asarray(word_index) >= 0) & np.asarray(is_max_context))
    for row, position in zip(rows, positions):
        out[example_index[row]][word_index[row, position]] = logits[row, position]
    for index, values in enumerate(out):
        if np.isnan(values).any():
            raise ValueError(f"example {index}: some words have no window holding them")
    return out


def squad_windows(
    features: Mapping[str, np.ndarray],
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    examples: Sequence[Any],
) -> list:
    """`SquadWindow`s (one per feature) from `SquadFeatures` arrays and the span logits."""
    from bert_tf.evaluation import SquadWindow

    offsets = np.stack([features["token_char_start"], features["token_char_end"]], axis=-1)
    return [
        SquadWindow(
            example_id=examples[int(example)].qas_id,
            start_logits=start_logits[row],
            end_logits=end_logits[row],
            offsets=np.maximum(offsets[row], 0),
            is_context=features["token_char_start"][row] >= 0,
            is_max_context=features["token_is_max_context"][row],
        )
        for row, example in enumerate(features["example_index"])
    ]
