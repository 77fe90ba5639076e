"""Local multi-process driver: read and tokenize in this process, build in worker processes.

The parent streams chunks from the files in order (with their NSP donors from
`DonorReservoir`, which only this sequential reader updates), tokenizes each chunk in one batched
call (tf-text releases the GIL) and hands it to a pool of `spawn`ed workers, which
build, mask, serialize and frame the records with numpy only (no TensorFlow in the
workers, so they stay small). At most `2 * num_workers` chunks are in flight and
results are written in chunk order, so memory does not grow with the corpus and the
files are the same bytes for any worker count.

Example:
    >>> counts = run_local(["corpus.txt"], "vocab.txt", "out", PretrainingDataConfig(), 2)
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Sequence

from tqdm import tqdm

from bert_tf.data.pretraining import file_io
from bert_tf.data.pretraining.chunk_processor import process_chunk
from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.donor_reservoir import iter_chunks_with_donors
from bert_tf.data.pretraining.example_writer import ExampleWriter
from bert_tf.data.pretraining.stats import PretrainingStats
from bert_tf.data.pretraining.tokenization import (
    TokenizedChunk,
    VocabInfo,
    load_tokenizer,
    tokenize_chunk,
)

_WORKER: dict = {}


def _init_worker(vocab: VocabInfo, config: PretrainingDataConfig) -> None:
    _WORKER.update(vocab=vocab, config=config)


def _build(chunk: TokenizedChunk) -> tuple[dict[int, bytes], dict[str, int]]:
    result = process_chunk(chunk, _WORKER["vocab"], _WORKER["config"])
    return result.framed_by_shard(), result.counts


def run_local(
    files: Sequence[str],
    vocab_file: str,
    output_dir: str,
    config: PretrainingDataConfig,
    num_workers: int | None = None,
    progress: bool = True,
) -> PretrainingStats:
    """Write `config.num_shards` TFRecord files under `output_dir`; return the counts.

    Args:
        files: input text files, in order (their index names their chunks).
        vocab_file: WordPiece vocabulary (one token per line).
        output_dir: created if needed.
        config: the job's settings.
        num_workers: builder processes; 0 builds in this process; None: one per core.
        progress: show a tqdm bar over input bytes.
    """
    num_workers = os.cpu_count() or 1 if num_workers is None else num_workers
    vocab = VocabInfo.from_file(vocab_file)
    tokenizer = load_tokenizer(vocab_file, config.lower_case)
    stats = PretrainingStats()
    total = sum(file_io.size(path) for path in files)
    bar = tqdm(
        total=total, unit="B", unit_scale=True, disable=not progress, desc="pretraining data"
    )

    def consume(framed: dict[int, bytes], counts: dict[str, int]) -> None:
        for shard, blob in framed.items():
            writer.write(shard, blob)
        stats.add(counts)
        bar.update(counts["input_bytes"])
        bar.set_postfix(instances=stats.counts["instances"], refresh=False)

    with ExampleWriter(output_dir, config.num_shards, config.compression) as writer, bar:
        chunks = (tokenize_chunk(tokenizer, c) for c in iter_chunks_with_donors(files, config))
        if num_workers == 0:
            _init_worker(vocab, config)
            for chunk in chunks:
                consume(*_build(chunk))
            return stats
        context = multiprocessing.get_context("spawn")  # never fork a process that runs TF
        with context.Pool(num_workers, _init_worker, (vocab, config)) as pool:
            pending: deque = deque()
            for chunk in chunks:
                pending.append(pool.apply_async(_build, (chunk,)))
                while len(pending) >= 2 * num_workers:
                    consume(*pending.popleft().get())
            while pending:
                consume(*pending.popleft().get())
    return stats
