"""`compress_run` on a real `run_finetuning` directory (the offline docstring task): it scores
teacher and compressed model with the task's metric, writes `compression_summary.json` and a
run directory that `export_finetuned` accepts, and its int8 export answers raw text."""

from __future__ import annotations

import json

import numpy as np
import pytest

TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)


@pytest.fixture(scope="module")
def finetuned(tmp_path_factory, minilm_vocab):
    """A `bert-tf finetune` output directory of a tiny model, and its train/eval files."""
    from bert_tf.pipeline.default_inputs import write_offline_task
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    root = tmp_path_factory.mktemp("compress")
    write_offline_task("csv", str(root / "data"), train=40, evaluation=15)
    files = {"train": str(root / "data/train/train.csv"), "eval": str(root / "data/eval/eval.csv")}
    config = FinetuneConfig(
        "csv", files["train"], files["eval"], "bert_tiny", str(root / "run"),
        vocab=str(minilm_vocab), config_overrides=TINY, max_seq_length=32, epochs=2,
        batch_size=16, learning_rate=2e-3, verbose=0, seed=3,
    )  # fmt: skip
    run_finetuning(config)
    return {"run": root / "run", **files}


def _texts(path: str, count: int = 4) -> list[str]:
    import csv

    with open(path, encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)][:count]


def test_distill_and_int8_writes_an_exportable_run_and_a_summary(finetuned, tmp_path):
    from bert_tf.compression.compress_run import SUMMARY_FILE, compress_run
    from bert_tf.compression.quantization import INT8_SERVING_OPS
    from bert_tf.export import check_serving_ops, export_finetuned
    from bert_tf.export.loading import load_exported

    out = tmp_path / "small"
    result = compress_run(
        finetuned["run"], finetuned["train"], finetuned["eval"], out, "distill+int8",
        num_layers=1, layer_map="first", epochs=2, hidden_weight=1.0, learning_rate=5e-4,
        verbose=0, export_dir=tmp_path / "models" / "small" / "1",
    )  # fmt: skip
    summary = json.loads((out / SUMMARY_FILE).read_text())
    assert summary == json.loads(json.dumps(result.summary))
    assert summary["method"] == "distill+int8" and summary["main_metric"] == "accuracy"
    teacher, student = summary["teacher"], summary["student"]
    assert set(teacher["metrics"]) == set(student["metrics"]) == set(summary["drop"]) > set()
    drop = teacher["metrics"]["accuracy"] - student["metrics"]["accuracy"]
    assert summary["drop"]["accuracy"] == pytest.approx(drop)
    assert (teacher["num_layers"], student["num_layers"]) == (2, 1)
    assert student["parameters"] < teacher["parameters"]
    assert student["weight_bytes"] < teacher["weight_bytes"]
    assert (teacher["int8_layers"], student["int8_layers"]) == (0, 7)  # 6 + pooler
    assert summary["compression"]["quantization"] == "int8"
    assert summary["compression"]["distill"]["hidden_weight"] == 1.0
    assert summary["logit_gap"] > 0
    finetune_metrics = json.loads((finetuned["run"] / "metrics.json").read_text())["metrics"]
    assert teacher["metrics"]["accuracy"] == pytest.approx(finetune_metrics["accuracy"])
    for name in ("model.keras", "vocab.txt", "tokenizer_config.json", "task_config.json",
                 "labels.json", "metrics.json", "predictions.tsv"):  # fmt: skip
        assert (out / name).is_file(), name

    texts = _texts(finetuned["eval"])
    int8_export = result.export_dir
    assert set(check_serving_ops(int8_export)) <= set(INT8_SERVING_OPS)
    float_export = export_finetuned(out, tmp_path / "models" / "float" / "1", warmup=False)
    assert check_serving_ops(float_export) == []  # the float student: an ordinary run
    served = {path: load_exported(path)(text=texts) for path in (int8_export, float_export)}
    gap = np.abs(served[int8_export]["probabilities"] - served[float_export]["probabilities"])
    assert 0 < gap.max() < 0.01


def test_int8_only_needs_no_train_file(finetuned, tmp_path):
    from bert_tf.compression.compress_run import compress_run, export_compressed, load_compressed
    from bert_tf.compression.quantization import INT8_SERVING_OPS, quantized_layers
    from bert_tf.export import check_serving_ops
    from bert_tf.export.op_check import allowed_serving_ops

    out = tmp_path / "int8"
    result = compress_run(finetuned["run"], None, finetuned["eval"], out, "int8", batch_size=64)
    summary = result.summary
    extra = summary["student"]["parameters"] - summary["teacher"]["parameters"]
    assert extra == 2 * (3 * 64 + 64 + 128 + 64) + 64  # the int8 kernels' per-unit scales
    assert summary["student"]["weight_bytes"] < summary["teacher"]["weight_bytes"]
    assert abs(summary["drop"]["accuracy"]) <= 0.05  # 60 eval sentences: at most 3 flips
    assert summary["logit_gap"] < 0.01
    bundle = load_compressed(out)
    assert len(quantized_layers(bundle.model)) == 13
    for saved, quantized in zip(bundle.model.get_weights(), result.model.get_weights()):
        np.testing.assert_array_equal(saved, quantized)  # quantized again: the same int8 model
    again = export_compressed(out, tmp_path / "models" / "int8" / "1", warmup=False)
    assert set(INT8_SERVING_OPS) <= allowed_serving_ops()  # the serving image runs them
    assert check_serving_ops(again) == []
    with pytest.raises(ValueError, match="needs the train file"):
        compress_run(finetuned["run"], None, finetuned["eval"], tmp_path / "x", "distill")


def test_the_cli_compresses_exports_and_refuses_what_it_cannot_do(finetuned, tmp_path, capsys):
    from bert_tf.cli import main
    from bert_tf.export.op_check import serving_ops_used

    out, model = tmp_path / "int8", tmp_path / "models" / "docstring_int8" / "1"
    command = ["compress", "--model-dir", str(finetuned["run"]), "--eval-file", finetuned["eval"]]
    assert main([*command, "--method", "int8", "--output-dir", str(out), "--max-drop", "0.05"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["method"] == "int8" and line["metric"] == "accuracy"
    assert line["drop"] == pytest.approx(line["teacher"] - line["student"])
    assert line["student_weight_bytes"] < line["teacher_weight_bytes"]
    assert main(["export", "--model-dir", str(out), "--output", str(model), "--no-warmup"]) == 0
    assert "BatchMatMulV3" in serving_ops_used(model)  # the int8 model, not the float one
    assert main([*command, "--method", "distill", "--output-dir", str(tmp_path / "d")]) == 2
    assert "pass --train-file" in capsys.readouterr().err
