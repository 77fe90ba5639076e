"""`make bench`'s report writer on tiny settings: the table, the machine line, the plot.

The figures that are quoted come from `make bench` on full settings, never from here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_quick_report_writes_the_table_with_machine_and_ratio(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "report.py"), "--quick", "--only", "tokenize"]
        + ["--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = (tmp_path / "results.md").read_text()
    assert "| benchmark | bert_tf | peer | ratio |" in report
    assert "cores" in report and "Quick settings" in report
    row = next(line for line in report.splitlines() if line.startswith("| tokenize"))
    assert "M tokens/s" in row and "tokenizers==" in row and row.rstrip(" |").endswith("x")
    line = json.loads((tmp_path / "results.jsonl").read_text().splitlines()[0])
    assert line["bert_tf_mtok_s"] > 0 and line["machine"]["cores"] >= 1


@pytest.mark.slow
def test_learning_curve_from_a_real_tiny_pretraining_run(tmp_path):
    quality, report = _load("quality"), _load("report")
    args = argparse.Namespace(
        corpus_mb=0.2,
        vocab_size=1500,
        seq_length=32,
        steps=6,
        curve_points=3,
        preset="bert_tiny",
        preset_overrides=report.TINY,
        pretrain_lr=1e-3,
    )
    _, history, _ = quality._pretrain(tmp_path, args)
    assert history["step"] == [2, 4, 6]
    assert {"mlm_accuracy", "nsp_accuracy", "mlm_loss", "nsp_loss"} <= set(history)
    report.plot_learning_curve(history, tmp_path / "curve.png")
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_quality_rows_are_summarized_against_the_imported_checkpoint():
    report = _load("report")
    rows = [
        {"row": "scratch", "dev_accuracy_mean": 0.4, "dev_accuracy_std": 0.02,
         "test_accuracy_of_dev_choice": 0.41, "seconds": 60.0},
        {"row": "MiniLM", "dev_accuracy_mean": 0.8, "dev_accuracy_std": 0.01,
         "test_accuracy_of_dev_choice": 0.79, "seconds": 90.0},
    ]  # fmt: skip
    table = report.summarize({"benchmark": "quality", "rows": rows})
    assert table[0][1] == "dev 0.400 ± 0.020, test 0.410, 60 s" and table[0][3] == "0.5x"
    failed = report.summarize({"benchmark": "serving", "error": "exit 1: boom"})
    assert failed == [("serving", "failed: exit 1: boom", "-", "-")]


def test_the_feature_builder_row_compares_with_the_numpy_builder_it_replaced():
    report = _load("report")
    line = {"benchmark": "features", "questions": 2008, "features_per_s": 4242.0,
            "features_per_s_windowed": 16714.2, "before_features_per_s": 1506.9,
            "before_features_per_s_windowed": 4797.7, "ratio": 2.82}  # fmt: skip
    (row,) = report.summarize(line)
    assert row[1] == "4242.0 / 16714.2 features/s" and "1506.9 / 4797.7" in row[2]
    assert row[3] == report._ratio(2.82)
    assert "features" in report.RUNS


def test_a_partial_rerun_on_another_machine_says_which_rows_came_from_where(tmp_path):
    report = _load("report")
    intel = {"cpu": "Intel Xeon", "cores": 2, "python": "3.10.13", "date": "2026-12-01"}
    amd = {"cpu": "AMD EPYC", "cores": 2, "python": "3.10.13", "date": "2026-12-02"}
    rows = [
        {"benchmark": "first", "machine": intel, "ratio": 6.0},
        {"benchmark": "second", "machine": amd, "ratio": 0.5},
    ]
    report.write_markdown(rows, amd, False, tmp_path / "results.md")
    header = (tmp_path / "results.md").read_text().splitlines()[2]
    assert header.startswith("Machines: ")
    assert "Intel Xeon, 2 cores, Python 3.10.13, 2026-12-01 (first)" in header
    assert "AMD EPYC, 2 cores, Python 3.10.13, 2026-12-02 (second)" in header
    report.write_markdown(rows[1:], amd, False, tmp_path / "results.md")
    assert (tmp_path / "results.md").read_text().splitlines()[2].startswith("Machine: AMD EPYC")


def test_a_hand_run_inference_line_merges_into_one_row_per_variant(tmp_path):
    report = _load("report")
    (tmp_path / "results.jsonl").write_text(json.dumps({"benchmark": "tokenize", "ratio": 6.0}))

    def row(runtime, precision, batch, p50, speed, accuracy):
        return {"runtime": runtime, "precision": precision, "batch": batch, "p50_ms": p50,
                "best_round_seq_per_s": speed, "accuracy": accuracy}  # fmt: skip

    line = {"benchmark": "inference", "model": "m", "seq_length": 128, "threads": 2, "rows": [
        row("bert_tf", "fp32", 1, 36.0, 28.0, 0.68), row("bert_tf", "fp32", 32, 760.0, 42.0, 0.68),
        row("onnxruntime", "int8", 1, 19.0, 53.0, 0.695),
        row("onnxruntime", "int8", 32, 570.0, 56.0, 0.695),
    ]}  # fmt: skip
    qa = {"benchmark": "inference", "model": "qa", "task": "squad-v1.1", "metric": "f1",
          "seq_length": 128, "threads": 2, "rows": [
              {**r, "precision": precision, "f1": 97.5} for r in line["rows"][:2]
              for precision in ("fp32", "distilled")]}  # fmt: skip
    (tmp_path / "line.jsonl").write_text("[inference] log line\n" + json.dumps(line) + "\n")
    (tmp_path / "qa.jsonl").write_text(json.dumps(qa) + "\n")
    for name in ("line.jsonl", "qa.jsonl", "line.jsonl"):  # a rerun replaces its own task's line
        code = report.main(["--merge", str(tmp_path / name), "--output-dir", str(tmp_path)])
        assert code == 0
    kept = [json.loads(x) for x in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [r["benchmark"] for r in kept] == ["tokenize", "inference", "inference"]  # RUNS order
    assert sorted(str(r.get("task")) for r in kept) == ["None", "None", "squad-v1.1"]
    table = (tmp_path / "results.md").read_text()
    assert "bert_tf fp32: 36.0 ms, 42.0 seq/s, 0.680" in table
    assert "onnxruntime int8: 19.0 ms, 56.0 seq/s, 0.695 | 0.75x |" in table
    assert table.count("inference, m,") == 1  # one row per variant, both batches in it
    assert "best seq/s at batch 32, f1 | bert_tf fp32: 36.0 ms, 42.0 seq/s, 97.500" in table
