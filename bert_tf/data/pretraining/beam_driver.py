"""Apache Beam driver: the same chunk builder as the local driver, as a Beam pipeline.

Chunks (read in corpus order with their NSP donors, `iter_chunks_with_donors`) -> reshuffle
-> tokenize + build + serialize per chunk (`process_chunk`, seeded per chunk), each chunk's
records per shard written to a part file -> per shard, the parts concatenated in chunk
order into `pretraining-SSSSS-of-NNNNN.tfrecord[.gz]`. The shards are byte-for-byte the
local driver's. Every file access goes through `tf.io.gfile` (`file_io`), so inputs,
vocabulary and outputs may be on `gs://`, `hdfs://` or any other filesystem TensorFlow
reaches, on Dataflow, Flink or Spark. The reading step is one sequential pass (it keeps the
donor reservoir, cheap next to tokenizing); the building fans out over the workers.

Beam pipeline args (`--runner`, `--direct_num_workers`, Dataflow/Flink/Spark options) pass
through unchanged; the default is the DirectRunner. On Dataflow:

    bert-tf create-pretraining-data --input 'gs://BUCKET/text/*.txt' \\
        --vocab gs://BUCKET/vocab.txt --output-dir gs://BUCKET/pretraining \\
        --dupe-factor 5 --runner beam --beam-args --runner=DataflowRunner \\
        --project=PROJECT --region=us-central1 --temp_location=gs://BUCKET/tmp \\
        --requirements_file=requirements.txt  # bert_tf + its pinned dependencies

Example:
    >>> counts = run_beam(["corpus.txt"], "vocab.txt", "out", PretrainingDataConfig(),
    ...                   ["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    ... # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence

from bert_tf.data.pretraining import file_io
from bert_tf.data.pretraining.chunk_processor import process_chunk
from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.documents import Chunk
from bert_tf.data.pretraining.donor_reservoir import iter_chunks_with_donors
from bert_tf.data.pretraining.example_writer import shard_path
from bert_tf.data.pretraining.stats import COUNTS, PretrainingStats
from bert_tf.data.pretraining.tokenization import VocabInfo, load_tokenizer, tokenize_chunk

COUNTS_TAG = "counts"
PARTS_DIR = ".beam-parts"
COUNTS_FILE = "beam_counts.json"


def read_chunks(_, files: Sequence[str], config: PretrainingDataConfig) -> Iterator[Chunk]:
    yield from iter_chunks_with_donors(files, config)


def _sum_counts(dicts) -> dict[str, int]:
    total = dict.fromkeys(COUNTS, 0)
    for counts in dicts:
        for name, value in counts.items():
            total[name] += value
    return total


def write_shard(item, output_dir: str, config: PretrainingDataConfig) -> str:
    """Concatenates one shard's part files in chunk order (GZIP: one stream, as locally)."""
    shard, grouped = item
    parts = sorted(part for group in grouped["parts"] for part in group)
    path = shard_path(output_dir, shard, config.num_shards, config.file_suffix)
    with file_io.create_binary(path) as raw:
        out = raw
        if config.compression == "GZIP":
            out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        for _, part in parts:
            out.write(file_io.read_bytes(part))
        if out is not raw:
            out.close()
    for _, part in parts:
        file_io.remove(part)
    return path


def build_pipeline(
    pipeline, files: Sequence[str], vocab_file: str, output_dir: str, config: PretrainingDataConfig
):
    """Add the pre-training data steps to `pipeline` (e.g. inside a TFX component)."""
    import apache_beam as beam

    parts_dir = file_io.join(output_dir, PARTS_DIR)

    class BuildChunk(beam.DoFn):
        def setup(self) -> None:
            self.vocab = VocabInfo.from_file(vocab_file)
            self.tokenizer = load_tokenizer(vocab_file, config.lower_case)

        def process(self, chunk: Chunk):
            result = process_chunk(tokenize_chunk(self.tokenizer, chunk), self.vocab, config)
            yield beam.pvalue.TaggedOutput(COUNTS_TAG, result.counts)
            for shard, framed in result.framed_by_shard().items():
                file_index, chunk_index = result.key
                part = file_io.join(
                    parts_dir, f"{shard:05d}-{file_index:06d}-{chunk_index:09d}.part"
                )
                file_io.write_bytes(part, framed)  # a retried bundle rewrites the same bytes
                yield shard, (result.key, part)

    built = (
        pipeline
        | "Start" >> beam.Create([None])
        | "Chunks" >> beam.FlatMap(read_chunks, list(files), config)
        | "Spread" >> beam.Reshuffle()
        | "Build" >> beam.ParDo(BuildChunk()).with_outputs(COUNTS_TAG, main="parts")
    )
    shards = pipeline | "Shards" >> beam.Create([(i, None) for i in range(config.num_shards)])
    (
        {"all": shards, "parts": built.parts | "ByShard" >> beam.GroupByKey()}
        | "Join" >> beam.CoGroupByKey()
        | "Write" >> beam.Map(write_shard, output_dir, config)
    )
    counts_path = file_io.join(output_dir, COUNTS_FILE)
    (
        built[COUNTS_TAG]
        | "Sum" >> beam.CombineGlobally(_sum_counts)
        | "WriteCounts"
        >> beam.Map(lambda total: file_io.write_bytes(counts_path, json.dumps(total).encode()))
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
        output_dir: where the shards go (any `tf.io.gfile` path).
        config: the job's settings.
        beam_args: Beam pipeline options, e.g. ["--runner=DataflowRunner", ...].
    """
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    file_io.makedirs(output_dir)
    with beam.Pipeline(options=PipelineOptions(list(beam_args or []))) as pipeline:
        build_pipeline(pipeline, files, vocab_file, output_dir, config)
    counts_path = file_io.join(output_dir, COUNTS_FILE)
    counts = json.loads(file_io.read_bytes(counts_path).decode("utf-8"))
    file_io.remove(counts_path)
    file_io.remove_tree(file_io.join(output_dir, PARTS_DIR))
    stats = PretrainingStats()
    stats.add(counts)
    return stats
