"""MultiWorkerMirroredStrategy for real: two worker processes on loopback (TF_CONFIG) pre-train
and fine-tune with the same losses (and dev metrics) as one process mirroring over two logical
CPUs, on the same data, and only the chief writes configs, checkpoints and outputs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PRELUDE = textwrap.dedent(
    """
    import json, os, sys
    import tensorflow as tf

    mode, data, out, here = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
        )
    sys.path.insert(0, here)
    import keras
    keras.config.disable_traceback_filtering()
    """
)

PRETRAIN = PRELUDE + textwrap.dedent(
    """
    from training_helpers import tiny_run_config
    from bert_tf.training.pretraining_run import run_pretraining

    config = tiny_run_config(
        data, out, strategy=mode, num_train_steps=4, steps_per_epoch=1, shuffle=False,
        checkpoint_every=2, batch_size=8,
        config_overrides=dict(hidden_size=32, num_heads=2, intermediate_size=64, num_layers=1,
                              max_position_embeddings=32, dropout=0.0, attention_dropout=0.0),
    )
    result = run_pretraining(config)
    print("RESULT", json.dumps({"loss": result.history["loss"], "step": result.final_step}))
    """
)

FINETUNE = PRELUDE + textwrap.dedent(
    """
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    config = FinetuneConfig(
        "csv", data["train"], data["dev"], "bert_tiny", out, vocab=data["vocab"],
        test_file=data["test"], strategy=mode, max_seq_length=32, epochs=3, batch_size=16,
        learning_rate=1e-3, dropout=0.0, verbose=0, seed=5,
        config_overrides=dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128,
                              max_position_embeddings=32, dropout=0.0, attention_dropout=0.0),
    )
    result = run_finetuning(config)
    print("RESULT", json.dumps({"dev": result.history, "test": result.test_metrics,
                                "best_epoch": result.best_epoch,
                                "loss": result.train_loss}))
    """
)


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("localhost", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _start(script: str, mode: str, data: dict, out: Path, tf_config: dict | None):
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="2",
               CUDA_VISIBLE_DEVICES="")  # fmt: skip
    env.pop("TF_CONFIG", None)
    if tf_config is not None:
        env["TF_CONFIG"] = json.dumps(tf_config)
    args = [mode, json.dumps(data), str(out), str(Path(__file__).parent)]
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _result(process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-12000:]
    line = [row for row in stdout.splitlines() if row.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


def _two_workers(script: str, data: dict, root: Path) -> list[dict]:
    """Runs `script` as worker 0 and 1 of one MultiWorkerMirroredStrategy cluster."""
    cluster = {"worker": [f"localhost:{port}" for port in _free_ports(2)]}
    workers = [
        _start(script, "multi_worker_mirrored", data, root / f"worker{i}",
               {"cluster": cluster, "task": {"type": "worker", "index": i}})
        for i in range(2)
    ]  # fmt: skip
    return [_result(worker) for worker in workers]


@pytest.mark.slow
def test_two_workers_match_two_mirrored_replicas(tmp_path, pretraining_records):
    records = {k: v for k, v in pretraining_records.items() if k != "stats"}
    records["pattern"] = sorted(Path(records["pattern"]).parent.glob("*.tfrecord*"))[0].as_posix()
    chief, other = _two_workers(PRETRAIN, records, tmp_path)
    mirrored = _result(_start(PRETRAIN, "mirrored", records, tmp_path / "mirrored", None))
    print("two workers", chief["loss"], "two replicas", mirrored["loss"])
    assert chief["step"] == other["step"] == mirrored["step"] == 4
    assert len(chief["loss"]) == 4
    difference = max(abs(a - b) for a, b in zip(chief["loss"], mirrored["loss"]))
    print("max |loss difference|", difference)
    assert difference < 1e-4
    assert chief["loss"] == pytest.approx(other["loss"], abs=1e-6)
    written = tmp_path / "worker0"
    assert (written / "pretraining_config.json").is_file() and (
        written / "backbone.keras"
    ).is_file()
    assert (written / "checkpoints" / "ckpt-00000004.weights.h5").is_file()
    assert not (tmp_path / "worker1").exists()  # the non-chief writes nothing


@pytest.mark.slow
def test_two_workers_finetune_like_two_mirrored_replicas(tmp_path, minilm_vocab):
    """Fine-tuning from the feature cache on the chief and in-memory features on the other
    worker: the same epoch losses as two mirrored replicas, dev metrics of the whole dev set
    on both workers (so they pick the same epoch), and the test score of that epoch. (So few
    steps leave the tiny model near chance; the parity is the point.)"""
    from bert_tf.datasets.docstring_task import make_docstring_task

    task = make_docstring_task(tmp_path / "task", train_per_class=32, dev_per_class=16,
                               test_per_class=16)  # fmt: skip
    data = {"train": task["train"], "dev": task["dev"], "test": task["test"],
            "vocab": str(minilm_vocab)}  # fmt: skip
    chief, other = _two_workers(FINETUNE, data, tmp_path)
    mirrored = _result(_start(FINETUNE, "mirrored", data, tmp_path / "mirrored", None))
    print("two workers", chief, "two replicas", mirrored)
    assert len(chief["loss"]) == len(mirrored["loss"]) == 3
    difference = max(abs(a - b) for a, b in zip(chief["loss"], mirrored["loss"]))
    print("max |epoch loss difference|", difference)
    assert difference < 1e-4
    assert chief["loss"] == pytest.approx(other["loss"], abs=1e-6)
    assert chief["dev"] == other["dev"]  # both workers score the whole dev set alike
    for ours, theirs in zip(chief["dev"], mirrored["dev"]):
        assert ours == pytest.approx(theirs, abs=1e-6)
    assert chief["best_epoch"] == other["best_epoch"] == mirrored["best_epoch"]
    assert chief["test"] == pytest.approx(mirrored["test"], abs=1e-6)
    written = tmp_path / "worker0"
    for name in ("model.keras", "metrics.json", "task_config.json", "vocab.txt"):
        assert (written / name).is_file(), name
    predicted = (written / "predictions.tsv").read_text().splitlines()[1:]
    assert len(predicted) == 4 * 16  # every dev example, not the chief's shard of them
    assert list((written / "feature_cache").iterdir())  # the chief streamed from its cache
    assert not (tmp_path / "worker1").exists()  # the non-chief writes nothing
