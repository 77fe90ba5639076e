"""Read pre-training TFRecords as batches for `BertPretrainer` (parallel, shuffled, prefetched).

Example:
    >>> dataset = read_pretraining_dataset("out/pretraining-*", batch_size=32,
    ...                                    max_seq_length=128, max_predictions_per_seq=20)
    >>> x, y = next(iter(dataset))
    >>> x["input_word_ids"].shape, y["next_sentence_labels"].shape
    (TensorShape([32, 128]), TensorShape([32]))
"""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf

_GZIP_MAGIC = b"\x1f\x8b"


def _compression_of(path: str) -> str:
    with tf.io.gfile.GFile(path, "rb") as handle:
        head = handle.read(2)
    return "GZIP" if head == _GZIP_MAGIC or (not head and path.endswith(".gz")) else ""


def detect_compression(files: Sequence[str]) -> str:
    """ "GZIP" or "" for a list of TFRecord files (by their first bytes); mixed is an error."""
    kinds = {_compression_of(path) for path in files}
    if len(kinds) > 1:
        raise ValueError(f"files mix GZIP and uncompressed TFRecords: {list(files)[:4]}...")
    return kinds.pop() if kinds else ""


def pretraining_feature_spec(max_seq_length: int, max_predictions_per_seq: int) -> dict:
    """The tf.train.Example features google-research/bert and Model Garden read."""
    seq = tf.io.FixedLenFeature([max_seq_length], tf.int64)
    pred = tf.io.FixedLenFeature([max_predictions_per_seq], tf.int64)
    return {
        "input_ids": seq,
        "input_mask": seq,
        "segment_ids": seq,
        "masked_lm_positions": pred,
        "masked_lm_ids": pred,
        "masked_lm_weights": tf.io.FixedLenFeature([max_predictions_per_seq], tf.float32),
        "next_sentence_labels": tf.io.FixedLenFeature([1], tf.int64),
    }


def read_pretraining_dataset(
    file_pattern: str | Sequence[str],
    batch_size: int,
    max_seq_length: int,
    max_predictions_per_seq: int,
    shuffle: bool = True,
    *,
    shuffle_buffer: int = 10_000,
    seed: int | None = None,
    repeat: bool = False,
    drop_remainder: bool = True,
    cycle_length: int = 8,
    compression: str = "auto",
    deterministic: bool | None = None,
) -> tf.data.Dataset:
    """Batches (x, y) of pre-training data in BertPretrainer's contract.

    Args:
        file_pattern: glob pattern(s) of TFRecord shards.
        batch_size: examples per batch.
        max_seq_length: input length the files were written with.
        max_predictions_per_seq: masked positions per instance the files were written with.
        shuffle: shuffle files and examples (reads are then non-deterministic in order).
        shuffle_buffer: examples in the shuffle buffer.
        seed: shuffle seed.
        repeat: repeat forever (for step-based training).
        drop_remainder: drop a last, smaller batch (static batch shapes).
        cycle_length: files read in parallel.
        compression: "auto" (from the files' first bytes), "GZIP" or "".
        deterministic: a fixed interleave order (default: only when not shuffling); workers
            that slice one shared stream need it.

    Returns:
        x: input_word_ids, input_mask, input_type_ids [B, S] int32, masked_lm_positions
        [B, P] int32; y: masked_lm_ids [B, P] int32, masked_lm_weights [B, P] float32,
        next_sentence_labels [B] int32.
    """
    patterns = [file_pattern] if isinstance(file_pattern, str) else list(file_pattern)
    files = sorted({path for pattern in patterns for path in tf.io.gfile.glob(pattern)})
    if not files:
        raise FileNotFoundError(f"no TFRecord files match {patterns}")
    kind = detect_compression(files) if compression == "auto" else compression
    spec = pretraining_feature_spec(max_seq_length, max_predictions_per_seq)

    def parse(serialized: tf.Tensor):
        f = tf.io.parse_example(serialized, spec)
        x = {
            "input_word_ids": tf.cast(f["input_ids"], tf.int32),  # [B, S]
            "input_mask": tf.cast(f["input_mask"], tf.int32),
            "input_type_ids": tf.cast(f["segment_ids"], tf.int32),
            "masked_lm_positions": tf.cast(f["masked_lm_positions"], tf.int32),  # [B, P]
        }
        y = {
            "masked_lm_ids": tf.cast(f["masked_lm_ids"], tf.int32),
            "masked_lm_weights": f["masked_lm_weights"],
            "next_sentence_labels": tf.cast(f["next_sentence_labels"][:, 0], tf.int32),  # [B]
        }
        return x, y

    dataset = tf.data.Dataset.from_tensor_slices(files)
    if shuffle:
        dataset = dataset.shuffle(len(files), seed=seed)
    if repeat:
        dataset = dataset.repeat()
    dataset = dataset.interleave(
        lambda path: tf.data.TFRecordDataset(path, compression_type=kind),
        cycle_length=min(cycle_length, len(files)),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=(not shuffle) if deterministic is None else deterministic,
    )
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.map(parse, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
