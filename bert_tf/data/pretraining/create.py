"""`create_pretraining_data`: text files -> sharded TFRecords of masked LM + NSP instances.

Example:
    >>> stats = create_pretraining_data(["corpus.txt"], "vocab.txt", "out", dupe_factor=5)
    >>> stats["instances"], stats["random_next_rate"]
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Sequence

from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.documents import expand_input_files

GZIP_NOTE = (
    "Shards are GZIP-compressed TFRecord files: read them with "
    "tf.data.TFRecordDataset(files, compression_type='GZIP') "
    "(bert_tf.data.pretraining.read_pretraining_dataset detects it)."
)
FEATURES_NOTE = (
    "tf.train.Example per instance with google-research/bert feature names: input_ids, "
    "input_mask, segment_ids (int64 [max_seq_length]); masked_lm_positions, masked_lm_ids "
    "(int64 [max_predictions_per_seq], zero padded), masked_lm_weights (float); "
    "next_sentence_labels (int64 [1], 1 = B is a random segment)."
)


def create_pretraining_data(
    input_files: Sequence[str],
    vocab_file: str,
    output_dir: str,
    *,
    lower_case: bool = True,
    max_seq_length: int = 128,
    max_predictions_per_seq: int = 20,
    masked_lm_prob: float = 0.15,
    dupe_factor: int = 1,
    short_seq_prob: float = 0.1,
    whole_word_masking: bool = False,
    seed: int = 12345,
    num_shards: int = 4,
    num_workers: int | None = None,
    compression: str | None = None,
    plain_text: bool = False,
    chunk_bytes: int = 512 * 1024,
    runner: str = "local",
    beam_args: Sequence[str] | None = None,
    progress: bool = True,
) -> dict:
    """Build pre-training instances and write them with a stats JSON (`stats.json`).

    Args:
        input_files: text files or glob patterns; one sentence per line, blank line between
            documents (or running text with `plain_text=True`); `.gz` files are read too.
        vocab_file: WordPiece vocabulary with [PAD] [UNK] [CLS] [SEP] [MASK].
        output_dir: receives `pretraining-SSSSS-of-NNNNN.tfrecord[.gz]` and `stats.json`.
        lower_case .. chunk_bytes: see `PretrainingDataConfig`.
        num_workers: local builder processes (None: one per core; 0: in this process).
        runner: "local" (multi-process) or "beam" (Apache Beam; DirectRunner by default).
        beam_args: Beam pipeline options for runner="beam".
        progress: show a progress bar (local runner).

    Returns:
        The stats written to `stats.json`: counts, rates and the settings.
    """
    config = PretrainingDataConfig(
        max_seq_length=max_seq_length,
        max_predictions_per_seq=max_predictions_per_seq,
        masked_lm_prob=masked_lm_prob,
        dupe_factor=dupe_factor,
        short_seq_prob=short_seq_prob,
        whole_word_masking=whole_word_masking,
        seed=seed,
        num_shards=num_shards,
        compression=compression.upper() if compression else None,
        plain_text=plain_text,
        lower_case=lower_case,
        chunk_bytes=chunk_bytes,
    )
    files = expand_input_files(input_files)
    if not os.path.isfile(vocab_file):
        raise FileNotFoundError(f"vocab file not found: {vocab_file}")
    os.makedirs(output_dir, exist_ok=True)
    stale = glob.glob(os.path.join(output_dir, "pretraining-*-of-*.tfrecord*"))
    for path in stale:  # a rerun with other sharding must not leave old shards behind
        os.remove(path)
    start = time.perf_counter()
    if runner == "local":
        from bert_tf.data.pretraining.local_driver import run_local

        stats = run_local(files, vocab_file, output_dir, config, num_workers, progress)
    elif runner == "beam":
        from bert_tf.data.pretraining.beam_driver import run_beam

        stats = run_beam(files, vocab_file, output_dir, config, beam_args)
    else:
        raise ValueError(f"runner must be 'local' or 'beam', got {runner!r}")
    elapsed = time.perf_counter() - start
    instances = stats.counts["instances"]
    summary = stats.summary(
        runner=runner,
        elapsed_s=round(elapsed, 3),
        instances_per_s=round(instances / elapsed, 1) if elapsed else 0.0,
        input_files=list(files),
        vocab_file=vocab_file,
        output_files=sorted(glob.glob(os.path.join(output_dir, "pretraining-*-of-*.tfrecord*"))),
        config=config.to_dict(),
        features=FEATURES_NOTE,
        **({"note": GZIP_NOTE} if config.compression else {}),
    )
    stats.write(os.path.join(output_dir, "stats.json"), summary)
    return summary
