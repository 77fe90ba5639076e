"""Word counting as an Apache Beam job, and the vocabulary job the TFX pipeline runs.

The job cuts the files into the same byte-range splits as the local job, counts each split
with the same `word_counting.count_split`, and sums with `CombinePerKey`, so its counts
equal the local job's exactly (with `max_unique_words`, `Top.Smallest` keeps the same words
as `word_counting.top_words`). Files are listed and read through Beam's `FileSystems`
(`gs://`, `s3://`, `hdfs://` work where Beam has the filesystem). Beam pipeline args pass
through unchanged: `--runner=DataflowRunner|FlinkRunner|SparkRunner ...`; the default is
the DirectRunner. Only the count table returns to the caller, where the pieces are learned.

Example:
    >>> summary = learn_vocabulary_beam(["gs://bucket/text/*.txt"], 30000, "gs://bucket/vocab",
    ...     beam_pipeline_args=["--runner=DataflowRunner", "--project=p", "--region=r",
    ...                         "--temp_location=gs://bucket/tmp"])  # doctest: +SKIP
    >>> summary["vocab_size"]  # doctest: +SKIP
    30000
"""

from __future__ import annotations

import collections
import gzip
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from bert_tf.text.special_tokens import SPECIAL_TOKENS
from bert_tf.text.word_counting import SPLIT_BYTES, _rank, count_split, is_remote, plan_splits

COUNTS_FILE = "word_counts.tsv"


def _beam_open(path: str) -> BinaryIO:
    from apache_beam.io.filesystem import CompressionTypes
    from apache_beam.io.filesystems import FileSystems

    handle = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    return gzip.GzipFile(fileobj=handle) if path.endswith(".gz") else handle


def list_inputs_beam(inputs: Sequence[str | Path]) -> list[tuple[str, int]]:
    """(path, size) of every file matched by `inputs` (paths or globs), via `FileSystems`."""
    from apache_beam.io.filesystems import FileSystems

    files = []
    for item in [str(i) for i in ([inputs] if isinstance(inputs, (str, Path)) else inputs)]:
        try:
            found = FileSystems.match([item])[0].metadata_list
        except Exception:  # BeamIOError for a path that does not exist
            found = []
        if not found:
            raise FileNotFoundError(f"input text file not found: {item}")
        files += sorted((m.path, m.size_in_bytes) for m in found)
    return files


def _split_counts(split, lower_case: bool):
    return count_split(split, lower_case, _beam_open).items()


def add_word_count(pipeline, splits, lower_case: bool, max_unique_words: int | None = None):
    """Add the counting steps to `pipeline`; returns the PCollection of (word, count).

    For a caller that builds its own pipeline (a TFX component's executor, say).
    """
    import apache_beam as beam

    counts = (
        pipeline
        | "Splits" >> beam.Create(list(splits))
        | "Spread" >> beam.Reshuffle()
        | "Count" >> beam.FlatMap(_split_counts, lower_case)
        | "Sum" >> beam.CombinePerKey(sum)
    )
    if max_unique_words is not None:
        counts = (
            counts
            | "Top" >> beam.combiners.Top.Smallest(max_unique_words, key=_rank)
            | "Unpack" >> beam.FlatMap(lambda top: top)
        )
    return counts


def _read_counts(path: str) -> collections.Counter:
    from apache_beam.io.filesystems import FileSystems

    counts: collections.Counter = collections.Counter()
    with FileSystems.open(path) as handle:
        for line in handle.read().decode("utf-8").split("\n"):
            if line:
                word, count = line.rsplit("\t", 1)
                counts[word] = int(count)
    return counts


def count_words_beam(
    inputs: Sequence[str | Path],
    lower_case: bool = True,
    *,
    max_unique_words: int | None = None,
    beam_pipeline_args: Sequence[str] = (),
    output_dir: str | None = None,
    split_bytes: int = SPLIT_BYTES,
    pipeline: Any = None,
) -> collections.Counter:
    """Word counts of `inputs` from a Beam job (the table is written to `output_dir`).

    Args:
        inputs: UTF-8 text files or globs, on any filesystem Beam reads.
        lower_case: count for an uncased vocabulary.
        max_unique_words: keep the most frequent words only.
        beam_pipeline_args: Beam pipeline options, e.g. `["--runner=DirectRunner"]`.
        output_dir: where `word_counts.tsv` goes (a directory every worker can write; by
            default a temporary local one, removed after reading, fine for local runners).
        split_bytes: size of a unit of work (as in the local job).
        pipeline: a `beam.Pipeline` not yet run to count on (the one a TFX component is
            given, with the pipeline's Beam args) instead of one made from
            `beam_pipeline_args`; it runs here.
    """
    import apache_beam as beam
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions

    splits = plan_splits(list_inputs_beam(inputs), split_bytes)
    scratch = tempfile.mkdtemp(prefix="word_counts_") if output_dir is None else None
    directory = output_dir or scratch
    if not FileSystems.exists(directory):
        FileSystems.mkdirs(directory)
    path = FileSystems.join(directory, COUNTS_FILE)
    try:
        if pipeline is None:
            pipeline = beam.Pipeline(options=PipelineOptions(list(beam_pipeline_args)))
        with pipeline:
            (
                add_word_count(pipeline, splits, lower_case, max_unique_words)
                | "Format" >> beam.MapTuple(lambda word, count: f"{word}\t{count}")
                | "Write" >> beam.io.WriteToText(path, shard_name_template="")
            )
        return _read_counts(path)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def learn_vocabulary_beam(
    inputs: Sequence[str | Path],
    vocab_size: int,
    output_dir: str,
    *,
    lower_case: bool = True,
    beam_pipeline_args: Sequence[str] = (),
    max_unique_words: int | None = None,
    reserved_tokens: Sequence[str] = SPECIAL_TOKENS,
    progress: bool = False,
    pipeline: Any = None,
) -> dict[str, Any]:
    """Count on Beam, learn the pieces here, write the vocabulary files to `output_dir`.

    Writes `vocab.txt`, `tokenizer_config.json` (casing, vocab hash) and `word_counts.tsv`.
    `pipeline`: count on this `beam.Pipeline` (not yet run) instead of a new one made from
    `beam_pipeline_args` (the TFX `VocabularyGen` passes the one TFX builds).
    Returns the summary: seconds, vocab_size, unk_rate and tokens_per_word (on the corpus),
    words, unique_words, lower_case, vocab_file.
    """
    from bert_tf.text import vocab_learning as vl

    start = time.perf_counter()
    cap = vl.DEFAULT_MAX_UNIQUE_WORDS if max_unique_words is None else max_unique_words
    counts = count_words_beam(
        inputs, lower_case, max_unique_words=cap,
        beam_pipeline_args=beam_pipeline_args, output_dir=output_dir, pipeline=pipeline,
    )  # fmt: skip
    if not counts:
        raise ValueError(f"no words found in {[str(f) for f in inputs]} (empty corpus)")
    vocab = vl.vocabulary_from_counts(counts, vocab_size, reserved_tokens, progress)
    vocab_file = os.path.join(output_dir, "vocab.txt")
    vl.write_vocabulary(vocab, vocab_file)
    vl.write_tokenizer_config(vocab_file, lower_case)
    seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as local:  # BertTokenizer reads a local file
        local_vocab = os.path.join(local, "vocab.txt") if is_remote(vocab_file) else vocab_file
        if local_vocab != vocab_file:
            vl.write_vocabulary(vocab, local_vocab)
        summary = vl.vocabulary_summary(local_vocab, lower_case, counts, seconds)
    return {**summary, "vocab_file": vocab_file}
