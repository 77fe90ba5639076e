"""Helpers of the pre-training data tests: reading written records back."""

from __future__ import annotations

import glob

import numpy as np


def read_records(pattern: str, max_seq_length: int = 128, max_predictions: int = 20) -> dict:
    """Every record of the matching shards, as numpy arrays (file order, then record order)."""
    import tensorflow as tf

    from bert_tf.data.pretraining.reader import detect_compression, pretraining_feature_spec

    files = sorted(glob.glob(pattern))
    dataset = tf.data.TFRecordDataset(files, compression_type=detect_compression(files))
    spec = pretraining_feature_spec(max_seq_length, max_predictions)
    parsed = dataset.batch(4096).map(lambda s: tf.io.parse_example(s, spec))
    parts = list(parsed.as_numpy_iterator())
    return {key: np.concatenate([p[key] for p in parts]) for key in spec}


def original_ids(records: dict) -> np.ndarray:
    """input_ids with the masked positions' labels put back: the unmasked instance."""
    ids = records["input_ids"].copy()
    rows, cols = np.nonzero(records["masked_lm_weights"])
    ids[rows, records["masked_lm_positions"][rows, cols]] = records["masked_lm_ids"][rows, cols]
    return ids
