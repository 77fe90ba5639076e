"""Apache Beam driver: the same chunk builder as the local driver, as a Beam pipeline.

Files -> chunks (read with Beam's FileSystems, so gs:// and friends work) -> reshuffle
-> tokenize + build + serialize per chunk (`process_chunk`, seeded per chunk) ->
`WriteToTFRecord` with `num_shards` shards. Beam pipeline args (`--runner`,
`--direct_num_workers`, Dataflow/Flink/Spark options) pass through unchanged; the
default is the DirectRunner. Every chunk yields the same records as under the local
driver, but Beam decides which shard file and order each record lands in, so the two
drivers write the same multiset of records, not the same files.

Example:
    >>> counts = run_beam(["corpus.txt"], "vocab.txt", "out", PretrainingDataConfig(),
    ...                   ["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence

from bert_tf.data.pretraining.chunk_processor import process_chunk
from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.documents import Chunk, iter_chunks
from bert_tf.data.pretraining.stats import COUNTS, PretrainingStats
from bert_tf.data.pretraining.tokenization import VocabInfo, load_tokenizer, tokenize_chunk

COUNTS_TAG = "counts"


def _open_with_beam(path: str):
    from apache_beam.io.filesystems import FileSystems

    return FileSystems.open(path)  # decompresses .gz by its extension


def read_file_chunks(item: tuple[int, str], config: PretrainingDataConfig) -> Iterator[Chunk]:
    index, path = item
    yield from iter_chunks(path, index, config.chunk_bytes, config.plain_text, _open_with_beam)


def _sum_counts(dicts) -> dict[str, int]:
    total = dict.fromkeys(COUNTS, 0)
    for counts in dicts:
        for name, value in counts.items():
            total[name] += value
    return total


def build_pipeline(
    pipeline, files: Sequence[str], vocab_file: str, output_dir: str, config: PretrainingDataConfig
):
    """Add the pre-training data steps to `pipeline` (e.g. inside a TFX component)."""
    import apache_beam as beam
    from apache_beam.io.filesystem import CompressionTypes

    class BuildChunk(beam.DoFn):
        def setup(self) -> None:
            self.vocab = VocabInfo.from_file(vocab_file)
            self.tokenizer = load_tokenizer(vocab_file, config.lower_case)

        def process(self, chunk: Chunk):
            result = process_chunk(tokenize_chunk(self.tokenizer, chunk), self.vocab, config)
            yield beam.pvalue.TaggedOutput(COUNTS_TAG, result.counts)
            yield from result.records()

    built = (
        pipeline
        | "Files" >> beam.Create(list(enumerate(files)))
        | "Chunks" >> beam.FlatMap(read_file_chunks, config)
        | "Spread" >> beam.Reshuffle()
        | "Build" >> beam.ParDo(BuildChunk()).with_outputs(COUNTS_TAG, main="records")
    )
    compression = (
        CompressionTypes.GZIP if config.compression == "GZIP" else CompressionTypes.UNCOMPRESSED
    )
    built.records | "Write" >> beam.io.WriteToTFRecord(
        os.path.join(output_dir, "pretraining"),
        file_name_suffix=config.file_suffix,
        num_shards=config.num_shards,
        compression_type=compression,
    )
    (
        built[COUNTS_TAG]
        | "Sum" >> beam.CombineGlobally(_sum_counts)
        | "Json" >> beam.Map(json.dumps)
        | "WriteCounts"
        >> beam.io.WriteToText(
            os.path.join(output_dir, "beam_counts"),
            file_name_suffix=".json",
            shard_name_template="",
        )
    )
    return built


def run_beam(
    files: Sequence[str],
    vocab_file: str,
    output_dir: str,
    config: PretrainingDataConfig,
    beam_args: Sequence[str] | None = None,
) -> PretrainingStats:
    """Run the pipeline to completion; return the summed counts.

    Args:
        files: input text files (their index names their chunks, as in the local driver).
        vocab_file: WordPiece vocabulary readable by every Beam worker.
        output_dir: where the shards go (any Beam filesystem path).
        config: the job's settings.
        beam_args: Beam pipeline options, e.g. ["--runner=DataflowRunner", ...].
    """
    import apache_beam as beam
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions

    FileSystems.mkdirs(output_dir) if not FileSystems.exists(output_dir) else None
    with beam.Pipeline(options=PipelineOptions(list(beam_args or []))) as pipeline:
        build_pipeline(pipeline, files, vocab_file, output_dir, config)
    counts_path = os.path.join(output_dir, "beam_counts.json")
    with FileSystems.open(counts_path) as handle:
        counts = json.loads(handle.read().decode("utf-8"))
    FileSystems.delete([counts_path])
    stats = PretrainingStats()
    stats.add(counts)
    return stats
