"""Serving fixtures: small SavedModels with the contract's signatures, and a server subprocess.

`write_model` builds a real SavedModel (tf.Module + tf.function signatures with the
contract's names and dtypes: serving_default, serve_tokens, serve_examples, contract, plus
warm-up records) in well under a second, so the protocol tests do not wait on a BERT export.
Its classifier scores a text by its tensorflow-text word count, so loading it needs
`tensorflow_text` imported first, as a real export does. `ServerProcess` starts
`python -m bert_tf.cli serve ...` the way a user does, on free ports.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LABELS = ["short", "long"]


def write_model(path: Path, scale: float = 1.0, pair: bool = False) -> Path:
    """A classification SavedModel following the serving contract; `scale` tells versions apart."""
    import tensorflow as tf
    import tensorflow_text as tf_text
    from tensorflow_serving.apis import predict_pb2, prediction_log_pb2

    inputs = ["text", "text_pair"] if pair else ["text"]
    contract = json.dumps(
        {
            "format": "bert_tf.export/1",
            "task": "classification",
            "label_names": LABELS,
            "inputs": inputs,
            "outputs": ["probabilities", "label", "label_id"],
            "seq_length": 16,
            "signatures": ["serving_default", "serve_tokens", "serve_examples", "contract"],
        }
    )

    class Classifier(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = tf.Variable(scale)
            self.words = tf_text.WhitespaceTokenizer()
            self.labels = tf.constant(LABELS)

        def answer(self, texts: list[tf.Tensor]) -> dict[str, tf.Tensor]:
            count = sum(tf.cast(self.words.tokenize(t).row_lengths(), tf.float32) for t in texts)
            logits = tf.stack([tf.zeros_like(count), self.scale * (count - 3.0)], axis=1)  # [B, 2]
            label_id = tf.argmax(logits, axis=1)  # [B]
            return {
                "probabilities": tf.nn.softmax(logits),
                "label": tf.gather(self.labels, label_id),
                "label_id": label_id,
            }

    module = Classifier()
    text = tf.TensorSpec([None], tf.string)
    if pair:
        default = tf.function(lambda text, text_pair: module.answer([text, text_pair]))
        default = default.get_concrete_function(text=text, text_pair=text)
    else:
        default = tf.function(lambda text: module.answer([text])).get_concrete_function(text)

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, None], tf.int32, name=n)
            for n in ("input_word_ids", "input_mask", "input_type_ids")
        ]
    )
    def serve_tokens(input_word_ids, input_mask, input_type_ids):
        count = tf.reduce_sum(tf.cast(input_mask, tf.float32), axis=1)
        return {"logits": tf.stack([tf.zeros_like(count), module.scale * (count - 3.0)], axis=1)}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="examples")])
    def serve_examples(examples):
        spec = {name: tf.io.FixedLenFeature([], tf.string) for name in inputs}
        parsed = tf.io.parse_example(examples, spec)
        return module.answer([parsed[name] for name in inputs])

    @tf.function(input_signature=[])
    def contract_fn():
        return {"contract": tf.constant(contract)}

    signatures = {
        "serving_default": default,
        "serve_tokens": serve_tokens,
        "serve_examples": serve_examples,
        "contract": contract_fn,
    }
    tf.saved_model.save(module, str(path), signatures=signatures)
    (path / "assets").mkdir(exist_ok=True)
    (path / "assets" / "bert_tf_contract.json").write_text(contract)
    (path / "assets.extra").mkdir(exist_ok=True)
    with tf.io.TFRecordWriter(str(path / "assets.extra" / "tf_serving_warmup_requests")) as out:
        request = predict_pb2.PredictRequest()
        request.model_spec.signature_name = "serving_default"
        for name in inputs:
            request.inputs[name].CopyFrom(tf.make_tensor_proto([b"warm up the model"]))
        log = prediction_log_pb2.PredictionLog()
        log.predict_log.request.CopyFrom(request)
        out.write(log.SerializeToString())
    return path


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


@pytest.fixture(scope="module")
def model_base(tmp_path_factory) -> Path:
    """BASE/NAME with version 1 of the test classifier."""
    base = tmp_path_factory.mktemp("models") / "clf"
    write_model(base / "1")
    return base
