"""Word counts of text files: streamed in byte-range splits, in parallel on local cores.

Files are cut into splits of about `split_bytes`; a split owns the lines that start inside
it (the Hadoop rule), so splits can be read independently, by local processes here or by
Beam workers (`word_count_beam.py`), and their counts add up to the whole file's. Each
split is read in blocks of about 1 MB, so memory holds one block and the count tables,
never the text. Local paths are opened directly, other URLs (`gs://`, `s3://`, `hdfs://`)
through `tf.io.gfile`; `.gz` files are one split each. Invalid UTF-8 fails with the file
and byte offset. With `max_unique_words` the table itself is bounded too, and the result
stays exact: past twice the cap it spills sorted runs to disk and merges them at the end.

Example:
    >>> counts = count_words(["corpus.txt"], lower_case=True, progress=False)  # doctest: +SKIP
    >>> counts.most_common(2)  # doctest: +SKIP
    [('the', 30211), (',', 29877)]
"""

from __future__ import annotations

import collections
import contextlib
import glob
import gzip
import heapq
import itertools
import logging
import multiprocessing
import operator
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from bert_tf.text.word_counter import WordCounter

logger = logging.getLogger(__name__)

SPLIT_BYTES = 4 << 20  # smaller units keep each worker's peak (and its spread) low
BLOCK_BYTES = 1 << 20
MAX_RUNS = 32  # spilled runs of a capped table merged into one past this (open files)
Split = tuple[str, int, int]  # (path, first byte, end byte); end -1: to the end of the file


def is_remote(path: str) -> bool:
    return "://" in path


def open_binary(path: str) -> BinaryIO:
    """Open a local file or a `tf.io.gfile` URL for binary reading (`.gz` decompressed)."""
    if is_remote(path):
        import tensorflow as tf

        handle = tf.io.gfile.GFile(path, "rb")
    else:
        handle = open(path, "rb")  # noqa: SIM115 (returned to the caller)
    return gzip.GzipFile(fileobj=handle) if path.endswith(".gz") else handle


def list_inputs(inputs: Sequence[str | Path]) -> list[tuple[str, int]]:
    """(path, size in bytes) of every file named or matched by a glob in `inputs`."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    files: list[tuple[str, int]] = []
    for item in map(str, inputs):
        remote = is_remote(item)
        if remote:
            import tensorflow as tf

            gfile = tf.io.gfile
            paths = gfile.glob(item) if glob.has_magic(item) else [item] * gfile.exists(item)
            paths = [p for p in paths if not gfile.isdir(p)]
            files += [(p, gfile.stat(p).length) for p in sorted(paths)]
        else:
            paths = sorted(glob.glob(item)) if glob.has_magic(item) else [item]
            paths = [p for p in paths if os.path.isfile(p)]
            files += [(p, os.path.getsize(p)) for p in paths]
        if not paths:
            raise FileNotFoundError(f"input text file not found: {item}")
    return files


def plan_splits(files: Sequence[tuple[str, int]], split_bytes: int = SPLIT_BYTES) -> list[Split]:
    """Byte ranges of at most `split_bytes` covering every file (a `.gz` file is one)."""
    splits = []
    for path, size in files:
        if path.endswith(".gz") or size <= split_bytes:
            splits.append((path, 0, -1))
            continue
        splits += [(path, s, min(s + split_bytes, size)) for s in range(0, size, split_bytes)]
    return splits


def _decode(data: bytes, path: str, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: invalid UTF-8 at byte {offset + error.start} ({error.reason}); "
            "the corpus must be UTF-8 text"
        ) from None


def read_split(split: Split, opener: Callable[[str], BinaryIO] = open_binary) -> Iterator[str]:
    """The text of the lines starting in `split`, in blocks of about 1 MB of whole lines."""
    path, start, end = split
    with opener(path) as handle:
        if start > 0:
            handle.seek(start - 1)
            handle.readline()  # the line that began before `start` belongs to the split before
        position = handle.tell() if start > 0 else 0
        while end < 0 or position < end:
            want = BLOCK_BYTES if end < 0 else min(BLOCK_BYTES, end - position)
            data = handle.read(want)
            if not data:
                return
            if not data.endswith(b"\n"):
                data += handle.readline()  # finish the line (it starts inside the split)
            yield _decode(data, path, position)
            position += len(data)


def count_split(
    split: Split, lower_case: bool, opener: Callable[[str], BinaryIO] = open_binary
) -> collections.Counter:
    """Pre-token counts of one split (the unit of work, locally and on Beam)."""
    counter = WordCounter(lower_case)
    raw: collections.Counter = collections.Counter()
    for text in read_split(split, opener):
        counter.raw_counts(text, raw)
    return counter.normalize_counts(raw)


def _rank(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def top_words(counts: collections.Counter, n: int | None) -> collections.Counter:
    """The `n` most frequent words (ties: the smaller string), as Beam's `Top.Smallest`."""
    if n is None or len(counts) <= n:
        return counts
    return _top_of(counts.items(), n)


def _top_of(items: Iterable[tuple[str, int]], n: int) -> collections.Counter:
    """The `n` most frequent of a stream of (word, count), holding only `n` at a time."""
    return collections.Counter(dict(heapq.nsmallest(n, items, key=_rank)))


class _Table:
    """The summed count table; with a cap, exact in bounded memory by spilling to disk.

    Without a cap it is one `Counter`. With one, when the table reaches `2 * cap` words it
    is written out as a run sorted by word (a temporary file) and emptied; at the end the
    runs are merged as sorted streams, each word's count summed, and the top `cap` kept by
    a heap. So the result is the top `cap` of the exact totals (the same words and counts
    as Beam's `Top.Smallest`), while memory holds at most `2 * cap` words plus the heap.
    More than `MAX_RUNS` runs are first merged into one, to bound the open files.
    """

    def __init__(self, cap: int | None) -> None:
        if cap is not None and cap < 1:
            raise ValueError(f"max_unique_words must be positive, got {cap}")
        self.cap = cap
        self.counts: collections.Counter = collections.Counter()
        self.folder: tempfile.TemporaryDirectory | None = None
        self.runs: list[str] = []  # closed files until merged: no buffers, no descriptors
        self.written = 0

    def add(self, counts: collections.Counter) -> None:
        self.counts.update(counts)
        if self.cap is not None and len(self.counts) >= 2 * self.cap:
            self._spill_table()

    def _spill_table(self) -> None:
        self._spill(sorted(self.counts.items()))
        self.counts = collections.Counter()

    def _spill(self, items: Iterable[tuple[str, int]]) -> None:
        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(prefix="bert_tf_counts_")
        if len(self.runs) >= MAX_RUNS:
            runs, self.runs = self.runs, []
            self._spill(_merge_runs(runs))
            for run in runs:
                os.remove(run)
        self.written += 1
        path = os.path.join(self.folder.name, f"run{self.written}.tsv")
        # Pre-tokens hold no whitespace (they come from `str.split`), so "word\tcount\n"
        # lines are unambiguous; surrogatepass keeps any string a caller counted.
        with open(path, "x", encoding="utf-8", errors="surrogatepass", newline="\n") as run:
            run.writelines(f"{word}\t{count}\n" for word, count in items)
        self.runs.append(path)

    def result(self) -> collections.Counter:
        if self.folder is None:
            return top_words(self.counts, self.cap)
        try:
            self._spill_table()
            logger.info("merging %d sorted runs of word counts", len(self.runs))
            return _top_of(_merge_runs(self.runs), self.cap)
        finally:
            self.folder.cleanup()
            self.folder, self.runs = None, []


def _read_run(path: str) -> Iterator[tuple[str, int]]:
    with open(path, encoding="utf-8", errors="surrogatepass", newline="\n") as run:
        for line in run:
            word, count = line[:-1].rsplit("\t", 1)
            yield word, int(count)


def _merge_runs(runs: Sequence[str]) -> Iterator[tuple[str, int]]:
    """(word, total count) in word order, from run files sorted by word."""
    for word, group in itertools.groupby(
        heapq.merge(*map(_read_run, runs), key=operator.itemgetter(0)),
        key=operator.itemgetter(0),
    ):
        yield word, sum(count for _, count in group)


def _count_task(args: tuple[Split, bool, int]) -> tuple[collections.Counter, int]:
    split, lower_case, size = args
    return count_split(split, lower_case), size


@contextlib.contextmanager
def _workers_skip_the_main_script() -> Iterator[None]:
    """Start workers that do not re-run the caller's script.

    A forkserver/spawn worker first imports the parent's `__main__` (by file, or by module
    name under `python -m`), so a script calling `count_words` without an
    `if __name__ == "__main__":` guard would run again in every worker and, as workers
    cannot start workers, the pool would replace them forever; a script read from stdin
    could not start one at all. The workers need nothing from the script (their tasks and
    results are splits and counts), and multiprocessing skips the import when the main
    module's spec is named `__main__`, so it is named so while the pool lives.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    spec = getattr(main, "__spec__", None)
    main.__spec__ = ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = spec


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def count_words(
    inputs: Sequence[str | Path],
    lower_case: bool = True,
    *,
    workers: int | None = None,
    max_unique_words: int | None = None,
    split_bytes: int = SPLIT_BYTES,
    progress: bool = True,
) -> collections.Counter:
    """Counts of BERT pre-tokens in text files (paths, globs or `tf.io.gfile` URLs).

    Args:
        inputs: UTF-8 text files; any line layout.
        lower_case: count for an uncased vocabulary (lowercase + strip accents).
        workers: local processes (default: one per core; 1 or 0: this process).
        max_unique_words: keep the most frequent words only (ties: the smaller string);
            the table in memory never holds more than twice this many, and the result is
            exact (see `_Table`: past that, sorted runs spill to the temporary folder).
        split_bytes: size of a unit of work.
        progress: show a tqdm bar of bytes read (with bytes/s).
    """
    files = list_inputs(inputs)
    splits = plan_splits(files, split_bytes)
    sizes = dict(files)
    total = sum(sizes.values())
    workers = default_workers() if workers is None else workers
    table = _Table(max_unique_words)
    bar = tqdm(total=total, unit="B", unit_scale=True, desc="counting words", disable=not progress)
    tasks = [(s, lower_case, s[2] - s[1] if s[2] >= 0 else sizes[s[0]]) for s in splits]
    with bar, contextlib.ExitStack() as stack:
        if workers <= 1 or len(splits) == 1:
            results: Iterable = map(_count_task, tasks)
        else:
            # forkserver: workers start from a small clean process (not from a caller that
            # may hold TensorFlow's threads and a large heap), with this module preloaded.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            if "forkserver" in methods:
                context.set_forkserver_preload(["bert_tf.text.word_counting"])
            stack.enter_context(_workers_skip_the_main_script())
            # Fresh workers every few splits: a long-lived worker's heap keeps fragments of
            # earlier splits' tables, so its memory would creep with the corpus size.
            pool = context.Pool(
                min(workers, len(splits)),
                initializer=WordCounter,
                initargs=(lower_case,),
                maxtasksperchild=2,
            )
            stack.callback(pool.terminate)
            results = pool.imap_unordered(_count_task, tasks)
        for counts, size in results:
            table.add(counts)
            bar.update(size)
    return table.result()


def count_texts(
    texts: Iterable[str],
    lower_case: bool = True,
    *,
    max_unique_words: int | None = None,
    batch_chars: int = BLOCK_BYTES,
) -> collections.Counter:
    """Counts of BERT pre-tokens in a stream of strings (lines, documents), in this process.

    Strings are counted in batches of about `batch_chars`, so a generator of any length runs
    in the memory of one batch plus the table (bounded by `max_unique_words`, as above; exact).
    """
    counter, table = WordCounter(lower_case), _Table(max_unique_words)
    raw: collections.Counter = collections.Counter()
    size = 0
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"count_texts takes strings, got {type(text).__name__}")
        counter.raw_counts(text, raw)
        size += len(text)
        if size >= batch_chars:
            table.add(counter.normalize_counts(raw))
            raw, size = collections.Counter(), 0
    table.add(counter.normalize_counts(raw))
    return table.result()
