r"""`create_pretraining_data`: text files -> sharded TFRecords of masked LM + NSP instances.

Example:
    >>> with open("tiny_corpus.txt", "w", encoding="utf-8") as f:  # blank line: next document
    ...     _ = f.write("The cat sat.\nIt purred.\nThen it slept.\n\nDogs bark.\nThey run.\n\n"
    ...                 "Birds sing.\nThey fly south.\n")
    >>> stats = create_pretraining_data(
    ...     ["tiny_corpus.txt"], "vocab.txt", "tiny_out", dupe_factor=5, num_shards=2,
    ...     num_workers=0, progress=False,
    ... )
    >>> stats["documents"], stats["sentences"], stats["instances"]
    (3, 7, 28)
    >>> stats["random_next"], stats["forced_random_next"]  # forced: one sentence gathered
    (23, 10)
    >>> stats["output_files"]
    ['tiny_out/pretraining-00000-of-00002.tfrecord', 'tiny_out/pretraining-00001-of-00002.tfrecord']
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from bert_tf.data.pretraining import file_io
from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.donor_reservoir import prime_reservoir
from bert_tf.data.pretraining.file_io import expand_input_files

logger = logging.getLogger(__name__)
UNK_WARNING_RATE = 0.05  # more [UNK] than this: the vocabulary (or casing) does not fit
TRUNCATION_WARNING_RATE = 0.5  # more truncated instances: sequences too short for the text

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

    Every path (inputs, vocabulary, output directory) may be on any filesystem `tf.io.gfile`
    reaches (`gs://`, `hdfs://`, ...). A corpus without text, or with one document only (NSP
    needs two), is refused; more than 5% `[UNK]` tokens or more than half of the instances
    truncated is logged as a warning and listed under "warnings" in the stats.

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
    if not file_io.exists(vocab_file):
        raise FileNotFoundError(f"vocab file not found: {vocab_file}")
    prime_reservoir(files, config)  # refuses an empty or one-document corpus before any work
    file_io.makedirs(output_dir)
    shards = file_io.join(output_dir, "pretraining-*-of-*.tfrecord*")
    for path in file_io.glob(shards):  # a rerun with other sharding must not leave old ones
        file_io.remove(path)
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
        output_files=file_io.glob(shards),
        config=config.to_dict(),
        features=FEATURES_NOTE,
        **({"note": GZIP_NOTE} if config.compression else {}),
    )
    summary["warnings"] = corpus_warnings(summary)
    for message in summary["warnings"]:
        logger.warning(message)
    stats.write(file_io.join(output_dir, "stats.json"), summary)
    return summary


def corpus_warnings(summary: dict) -> list[str]:
    """Warnings about a corpus that builds but trains badly, each with its figure."""
    messages = []
    if summary["unk_rate"] > UNK_WARNING_RATE:
        messages.append(
            f"{summary['unk_rate']:.1%} of the corpus tokens are [UNK] "
            f"({summary['unk_tokens']} of {summary['corpus_tokens']}): the vocabulary does not "
            "fit this text (wrong vocab, or a cased corpus with an uncased vocab: --cased)"
        )
    if summary["truncation_rate"] > TRUNCATION_WARNING_RATE:
        messages.append(
            f"{summary['truncation_rate']:.1%} of the instances are truncated "
            f"({summary['truncated']} of {summary['instances']}): sentences are long for "
            f"max_seq_length={summary['config']['max_seq_length']} (raise it, or split "
            "running text into sentences with --plain-text)"
        )
    if summary["same_document_negatives"]:
        messages.append(
            f"{summary['same_document_negatives']} random-next segments come from their own "
            "document"
        )
    return messages
