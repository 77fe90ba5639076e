"""Serving fixtures: real exports of tiny BERT classifiers and a `bert-tf serve` subprocess.

`real_exports` runs `bert_tf.export.export_for_serving` once per session (single-text and
pair classifiers, plus a retrained-looking second version with other weights on request);
`ServerProcess` starts `python -m bert_tf.cli serve ...` the way a user starts it, on free
ports.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LABELS = ["negative", "positive"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`python -m bert_tf.cli serve ARGS` on free gRPC/REST ports, logging to a file."""

    def __init__(self, args: list[str], log_path: Path) -> None:
        self.port, self.rest_port = free_port(), free_port()
        self.log_path = log_path
        command = [sys.executable, "-m", "bert_tf.cli", "serve", *args]
        command += ["--port", str(self.port), "--rest-port", str(self.rest_port)]
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(REPO))
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def rest_target(self) -> str:
        return f"127.0.0.1:{self.rest_port}"

    def output(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, model: str, timeout: float = 120.0) -> None:
        from bert_tf.serving import BertServingClient

        client = BertServingClient(self.target, model, timeout=2.0, retries=0)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited {self.process.returncode}:\n{self.output()}")
            try:
                if any(row["state"] == "AVAILABLE" for row in client.status()):
                    return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"server not ready in {timeout} s:\n{self.output()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


def export_classifier(tokenizer, directory: Path, seed: int, pair: bool = False) -> Path:
    """A tiny BERT classifier (2 layers, hidden 64, seq 32, MiniLM vocab), exported for serving."""
    import keras

    from bert_tf.export import export_for_serving
    from bert_tf.models import BertBackbone, BertClassifier
    from bert_tf.text import BertPreprocessor

    keras.utils.set_random_seed(seed)
    tiny = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **tiny)
    model = BertClassifier(backbone, num_classes=2)
    preprocessor = BertPreprocessor(tokenizer, seq_length=32)
    return export_for_serving(model, preprocessor, directory, "classification", LABELS, pair=pair)


@pytest.fixture(scope="session")
def real_exports(tmp_path_factory, tokenizer) -> dict[str, Path]:
    """Version directories of `export_for_serving`: "clf" (text) and "pair" (text, text_pair)."""
    root = tmp_path_factory.mktemp("exports")
    return {
        "clf": export_classifier(tokenizer, root / "clf" / "1", seed=3),
        "pair": export_classifier(tokenizer, root / "pair" / "1", seed=4, pair=True),
    }


@pytest.fixture(scope="session")
def retrained_export(tmp_path_factory, tokenizer) -> Path:
    """The "clf" classifier with other weights, as a retrained version would have."""
    return export_classifier(tokenizer, tmp_path_factory.mktemp("retrained") / "1", seed=11)


def copy_model(source: Path, base: Path, version: int = 1) -> Path:
    """Pushes a version as operators do: copied elsewhere, renamed into BASE/<version>."""
    import shutil

    base.mkdir(parents=True, exist_ok=True)
    staging = base.parent / f".staging-{base.name}-{version}"
    shutil.copytree(source, staging)
    os.rename(staging, base / str(version))
    return base / str(version)


@pytest.fixture(scope="module")
def model_base(tmp_path_factory, real_exports) -> Path:
    """BASE/NAME holding version 1 of the real tiny classifier export."""
    base = tmp_path_factory.mktemp("models") / "clf"
    copy_model(real_exports["clf"], base)
    return base
