"""Vocabulary learning: bert_tf vs HF `tokenizers`' WordPiece trainer, same text, same run.

Corpus: the whole offline corpus (`bert_tf.datasets.offline_corpus`, Python docs + installed
packages' docstrings, about 60 MB), cut by document: every 10th document is held out, the
rest (about 54 MB) is the training text. Both engines learn a 30,000-token uncased vocabulary
from the training file, each in a fresh process (seconds around the training call only; peak
RSS and PSS summed over the process and its worker processes, sampled every 20 ms: RSS
counts the pages forked workers share once per process, PSS once in all). Both
vocabularies are then scored by the same tokenizer, `bert_tf.text.BertTokenizer`
(tf-text), on the held-out text: tokens per word and [UNK] rate. Last, word counting alone
on the training text and on that text
repeated 5 times (same distinct words, 5x the bytes), to show flat memory.

Prints ONE JSON line. Targets (issue 14): time_ratio <= 1, tokens_per_word_ratio <= 1,
unk no higher, count_rss_ratio_5x within 1 +- 0.1.

Run: python benchmarks/vocab.py [--vocab-size 30000] [--work-dir DIR (reuses its corpus)] [--mb 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# benchmarks/tokenize.py would shadow the standard library's `tokenize` (TensorFlow imports it).
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(RSS, PSS) summed over process `root` and all its descendants (worker processes).

    Summed RSS counts pages that forked workers share with their parent once per process;
    PSS splits each shared page among its sharers, so its sum is the memory really used.
    """
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)], rss[int(entry)] = int(stat[1]), int(stat[21])
            except (OSError, IndexError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | more, bool(more)
    pss = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            pss += int(next(x for x in rollup.splitlines() if x.startswith("Pss:")).split()[1])
        except (OSError, StopIteration):
            continue
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    return sum(rss.get(pid, 0) for pid in tree) * page_kb, pss


class _PeakSampler(threading.Thread):
    """Peaks of the summed RSS and PSS of this process and its descendants, every 20 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = self.peak_pss_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            rss, pss = _tree_memory_kb(os.getpid())
            self.peak_kb, self.peak_pss_kb = max(self.peak_kb, rss), max(self.peak_pss_kb, pss)

    def result(self) -> dict[str, float]:
        self._done.set()
        self.join()
        # VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would count the launcher.
        status = Path("/proc/self/status").read_text()
        self_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
        return {
            "peak_rss_mb": round(max(self.peak_kb, self_kb) / 1024, 1),
            "peak_pss_mb": round(self.peak_pss_kb / 1024, 1),
        }


def job(kind: str, train: str, out: str, vocab_size: int) -> dict:
    """One measured run, in this (fresh) process."""
    sampler = _PeakSampler()
    sampler.start()
    if kind == "peer":
        from tokenizers import BertWordPieceTokenizer

        start = time.perf_counter()
        peer = BertWordPieceTokenizer(lowercase=True)  # BERT normalization, peer's defaults
        peer.train([train], vocab_size=vocab_size, show_progress=False)
        seconds = time.perf_counter() - start
        os.makedirs(out, exist_ok=True)
        peer.save_model(out)
        return {"seconds": round(seconds, 2), **sampler.result()}
    if kind == "ours":
        from bert_tf.text.vocab_learning import learn_vocabulary

        start = time.perf_counter()
        learn_vocabulary([train], vocab_size, output=os.path.join(out, "vocab.txt"), progress=False)
        return {"seconds": round(time.perf_counter() - start, 2), **sampler.result()}
    from bert_tf.text.word_counting import count_words

    start = time.perf_counter()
    counts = count_words([train], progress=False)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "unique": len(counts),
        **sampler.result(),
    }


def _run_job(kind: str, train: Path, out: Path, vocab_size: int) -> dict:
    cmd = [sys.executable, __file__, "--job", kind, "--train", str(train), "--out", str(out)]
    cmd += ["--vocab-size", str(vocab_size)]
    result = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _corpus(work: Path, mb: float | None) -> tuple[Path, Path]:
    """Training and held-out text files (the training text cut at `mb` MB when given)."""
    suffix = f"_{mb:g}mb" if mb else ""
    train, heldout = work / f"train{suffix}.txt", work / f"heldout{suffix}.txt"
    if train.exists() and heldout.exists():
        return train, heldout
    from bert_tf.datasets.offline_corpus import iter_documents

    limit, written = (mb or float("inf")) * 1e6, 0
    with open(train, "w", encoding="utf-8") as t, open(heldout, "w", encoding="utf-8") as h:
        for i, sentences in enumerate(iter_documents()):
            text = "\n".join(sentences) + "\n\n"
            if i % 10 == 0:
                h.write(text)
            elif written < limit:
                written += len(text.encode("utf-8"))
                t.write(text)
            elif i > 10:  # enough training text and at least some held out
                break
    return train, heldout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab-size", type=int, default=30000)
    parser.add_argument("--work-dir", default=None)
    parser.add_argument("--mb", type=float, default=None, help="cut the training text (smoke runs)")
    parser.add_argument("--job", choices=("ours", "peer", "count"), default=None)
    parser.add_argument("--train", default=None)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(job(args.job, args.train, args.out, args.vocab_size)))
        return
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="bench_vocab_"))
    work.mkdir(parents=True, exist_ok=True)
    train, heldout = _corpus(work, args.mb)
    ours = _run_job("ours", train, work / "ours", args.vocab_size)
    peer = _run_job("peer", train, work / "peer", args.vocab_size)
    big = work / "train_x5.txt"
    if not big.exists():
        with open(big, "wb") as out:
            for _ in range(5):
                with open(train, "rb") as src:
                    while block := src.read(1 << 24):
                        out.write(block)
    count_1x = _run_job("count", train, work, args.vocab_size)
    count_5x = _run_job("count", big, work, args.vocab_size)

    from bert_tf.text import BertTokenizer
    from bert_tf.text.vocab_learning import vocabulary_quality
    from bert_tf.text.word_counting import count_words

    held_counts = count_words([heldout], progress=False)
    for name, result in (("ours", ours), ("peer", peer)):
        tokenizer = BertTokenizer(work / name / "vocab.txt", lower_case=True)
        quality = vocabulary_quality(tokenizer, held_counts)
        result["vocab_size"] = tokenizer.vocab_size
        result["heldout_tokens_per_word"] = round(quality["tokens_per_word"], 5)
        result["heldout_unk_rate"] = round(quality["unk_rate"], 7)
    line = {
        "benchmark": "vocab",
        "corpus": "offline_corpus, 9/10 of documents (train) and 1/10 (held out)",
        "train_mb": round(train.stat().st_size / 1e6, 1),
        "heldout_mb": round(heldout.stat().st_size / 1e6, 1),
        "cpus": len(os.sched_getaffinity(0)),
        "bert_tf": ours,
        "hf_tokenizers": peer,
        "time_ratio": round(ours["seconds"] / peer["seconds"], 3),
        "tokens_per_word_ratio": round(
            ours["heldout_tokens_per_word"] / peer["heldout_tokens_per_word"], 5
        ),
        "count_1x": count_1x,
        "count_5x": count_5x,
        "count_rss_ratio_5x": round(count_5x["peak_rss_mb"] / count_1x["peak_rss_mb"], 3),
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
