"""`check_sequence_length`: refuse inputs longer than the model's position table.

A BERT model has learned position embeddings for `max_position_embeddings` positions; a
longer input gathers rows past the table, which fails on CPU and is silently clamped on
GPU/XLA. Every entry point that builds model inputs (the preprocessor, the feature builders,
fine-tuning, feature extraction, export) calls this first.

Example:
    >>> check_sequence_length(128, 512)
    >>> check_sequence_length(1024, 512)
    Traceback (most recent call last):
    ...
    ValueError: seq_length 1024 exceeds the model's max_position_embeddings 512: ...
"""

from __future__ import annotations


def check_sequence_length(
    seq_length: int, max_position_embeddings: int | None, name: str = "seq_length"
) -> None:
    """Raises ValueError when `seq_length > max_position_embeddings` (None: nothing to check).

    Args:
        seq_length: tokens per model input, special tokens included.
        max_position_embeddings: the model's position-table size (`BertConfig` field).
        name: what the caller calls the length (e.g. "--max-seq-length").
    """
    if max_position_embeddings is not None and int(seq_length) > int(max_position_embeddings):
        raise ValueError(
            f"{name} {seq_length} exceeds the model's max_position_embeddings "
            f"{max_position_embeddings}: it has no position embedding past "
            f"{max_position_embeddings} tokens; use {name} <= {max_position_embeddings} "
            "(or a model with more positions)"
        )
