"""benchmarks/inference.py on its --quick settings (bert_tiny, seq 32), and its row math.

The figures that are quoted come from a full run, never from here. Without the peers'
directory (.venv-peers, see benchmarks/inference-peers.txt) the peer rows are reported as
skipped and only bert_tf's rows are checked.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load():
    spec = importlib.util.spec_from_file_location("bench_inference", BENCHMARKS / "inference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_row_has_percentiles_and_throughput_of_its_calls():
    inference = _load()
    rounds = [[0.010, 0.010], [0.020, 0.040]]  # two rounds of two calls
    row = inference.row("onnxruntime", "fp32", 4, rounds, accuracy=0.5)
    assert row["p50_ms"] == 15.0 and 38.0 < row["p99_ms"] <= 40.0
    assert row["seq_per_s"] == 200.0  # 16 sequences in 0.08 s
    assert row["best_round_seq_per_s"] == 400.0  # 8 sequences in 0.02 s
    assert row["calls"] == 4 and row["accuracy"] == 0.5


def test_goals_hold_each_target_against_its_measured_value():
    def r(runtime, precision, batch, p50, speed):
        return {"runtime": runtime, "precision": precision, "batch": batch, "p50_ms": p50,
                "best_round_seq_per_s": speed}  # fmt: skip

    rows = [r("bert_tf", "fp32", 1, 30.0, 33.0), r("bert_tf", "fp32", 32, 800.0, 40.0),
            r("bert_tf", "distilled", 32, 390.0, 82.0), r("bert_tf", "int8", 32, 900.0, 35.0),
            r("onnxruntime", "fp32", 1, 24.0, 41.0),
            r("bert_tf_served", "fp32", 1, 32.5, 30.0)]  # fmt: skip
    accuracies = {"bert_tf/fp32": 0.70, "bert_tf/distilled": 0.696, "bert_tf/int8": 0.69}
    goals = _load().goals(rows, accuracies)
    distilled = goals["distilled_b32_speedup_over_fp32"]
    assert distilled["value"] == 2.05 and distilled["accuracy_drop_points"] == 0.4
    assert distilled["met"] is True
    assert goals["int8_b32_speedup_over_fp32"]["met"] is False  # slower and 1 point lower
    assert goals["fp32_b1_p50_over_ort_fp32"] == {"value": 1.25, "target": "<= 1.2", "met": False}
    assert goals["served_b1_p50_minus_in_process_ms"]["value"] == 2.5
    assert goals["served_b1_p50_minus_in_process_ms"]["met"] is False


def test_missing_peers_directory_is_a_reason_not_a_crash(tmp_path):
    reason = _load().add_peers_path(tmp_path / "absent")
    assert "inference-peers.txt" in reason


@pytest.mark.slow
def test_quick_run_prints_one_json_line_with_every_row(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "inference.py"), "--quick", "--work-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, done.stdout[-2000:]
    result = json.loads(lines[0])
    assert result["benchmark"] == "inference" and result["threads"] == 2
    assert result["seq_length"] == 32 and isinstance(result["cpu_features"], list)
    rows = {(r["runtime"], r["precision"], r["batch"]): r for r in result["rows"]}
    for batch in (1, 32):
        ours = rows[("bert_tf", "fp32", batch)]
        assert 0 < ours["p50_ms"] <= ours["p99_ms"] and ours["seq_per_s"] > 0
        assert 0.0 <= ours["accuracy"] <= 1.0
    variants = {f"{r['runtime']}/{r['precision']}" for r in result["rows"]}
    expected = {"bert_tf/bf16", "bert_tf/int8", "bert_tf/distilled", "bert_tf/fp32_xla",
                "bert_tf/distilled_xla", "onnxruntime/fp32", "onnxruntime/int8", "openvino/fp32",
                "openvino/int8"}  # fmt: skip
    assert expected <= variants | set(result["skipped"])  # each is timed or says why not
    # every bert_tf export also went through a real `bert-tf serve` subprocess, same answers
    served = {name for name in variants if name.startswith("bert_tf_served/")}
    assert "bert_tf_served/fp32" in served, result["skipped"]
    for name in served:
        precision = name.split("/")[1]
        assert (
            result["rows"]
            and rows[("bert_tf_served", precision, 1)]["accuracy"]
            == (rows[("bert_tf", precision, 1)]["accuracy"])
        )
    goals = result["goals"]
    assert goals["served_b1_p50_minus_in_process_ms"]["value"] == pytest.approx(
        rows[("bert_tf_served", "fp32", 1)]["p50_ms"] - rows[("bert_tf", "fp32", 1)]["p50_ms"],
        abs=0.02,
    )
    assert {"int8_b32_speedup_over_fp32", "distilled_b32_speedup_over_fp32",
            "distilled_xla_b32_speedup_over_fp32"} <= set(goals)  # fmt: skip
    # XLA changes the kernels, not the model: same predictions as the plain export
    assert rows[("bert_tf", "fp32_xla", 1)]["accuracy"] == rows[("bert_tf", "fp32", 1)]["accuracy"]
    assert all(isinstance(goal["met"], bool) for goal in goals.values())
    if "onnxruntime/fp32" in variants:
        assert result["onnx_max_abs_diff"] <= 1e-4
        assert result["ratios"]["bert_tf_fp32_vs_ort_fp32_b1"] > 0


@pytest.mark.slow
def test_quick_qa_run_scores_every_runtime_with_squad_f1(tmp_path):
    """The QA model: start/end logits through every runtime, post-processed into SQuAD F1."""
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "inference.py"),
            "--quick",
            "--task",
            "squad-v1.1",
            "--work-dir",
            str(tmp_path),
            "--skip",
            "bert_tf/bf16",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads([x for x in done.stdout.splitlines() if x.startswith("{")][-1])
    assert result["task"] == "squad-v1.1" and result["metric"] == "f1"
    assert "BertSpanLabeler" in result["model"] and result["seq_length"] == 64
    rows = {(r["runtime"], r["precision"], r["batch"]): r for r in result["rows"]}
    for name in ("bert_tf/fp32", "bert_tf/int8", "bert_tf/distilled", "bert_tf_served/fp32"):
        for batch in (1, 32):
            row = rows[(*name.split("/"), batch)]
            assert 0.0 <= row["f1"] <= 100.0 and "accuracy" not in row and row["p50_ms"] > 0
    assert rows[("bert_tf_served", "fp32", 1)]["f1"] == rows[("bert_tf", "fp32", 1)]["f1"]
    assert "f1_drop_points" in result["goals"]["distilled_b32_speedup_over_fp32"]
    if ("onnxruntime", "fp32", 1) in rows:  # both start and end logits matched
        assert result["onnx_max_abs_diff"] <= 1e-4
