"""MultiWorkerMirroredStrategy for real: two worker processes on loopback (TF_CONFIG) pre-train
with the same per-step losses as one process mirroring over two logical CPUs, on the same
data, and only the chief writes configs, checkpoints and outputs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    import tensorflow as tf

    mode, records, out, here = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
        )
    sys.path.insert(0, here)
    import keras
    keras.config.disable_traceback_filtering()
    from conftest import tiny_run_config
    from bert_tf.training.pretraining_run import run_pretraining

    config = tiny_run_config(
        records, out, strategy=mode, num_train_steps=4, steps_per_epoch=1, shuffle=False,
        checkpoint_every=2, batch_size=8,
        config_overrides=dict(hidden_size=32, num_heads=2, intermediate_size=64, num_layers=1,
                              max_position_embeddings=32, dropout=0.0, attention_dropout=0.0),
    )
    result = run_pretraining(config)
    print("RESULT", json.dumps({"loss": result.history["loss"], "step": result.final_step}))
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


def _start(mode: str, records: dict, out: Path, tf_config: dict | None) -> subprocess.Popen:
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="2",
               CUDA_VISIBLE_DEVICES="")  # fmt: skip
    env.pop("TF_CONFIG", None)
    if tf_config is not None:
        env["TF_CONFIG"] = json.dumps(tf_config)
    args = [mode, json.dumps(records), str(out), str(Path(__file__).parent)]
    return subprocess.Popen([sys.executable, "-c", SCRIPT, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _result(process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-12000:]
    line = [row for row in stdout.splitlines() if row.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


@pytest.mark.slow
def test_two_workers_match_two_mirrored_replicas(tmp_path, pretraining_records):
    records = {k: v for k, v in pretraining_records.items() if k != "stats"}
    records["pattern"] = sorted(Path(records["pattern"]).parent.glob("*.tfrecord*"))[0].as_posix()
    cluster = {"worker": [f"localhost:{port}" for port in _free_ports(2)]}
    workers = [
        _start("multi_worker_mirrored", records, tmp_path / f"worker{i}",
               {"cluster": cluster, "task": {"type": "worker", "index": i}})
        for i in range(2)
    ]  # fmt: skip
    chief, other = (_result(worker) for worker in workers)
    mirrored = _result(_start("mirrored", records, tmp_path / "mirrored", None))
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
