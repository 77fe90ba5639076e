"""`bert-tf pretrain`: arguments, and an end-to-end run (LAMB, accumulation, bf16, warm start)."""

from __future__ import annotations

import json
import logging

import pytest
from test_callbacks import read_scalars

from bert_tf.cli import build_parser, main
from bert_tf.commands.pretrain import config_from_args


def test_arguments_map_to_the_config():
    args = build_parser().parse_args(
        [
            "pretrain",
            "--train-data",
            "d/*.tfrecord",
            "--output-dir",
            "out",
            "--set",
            "hidden_size=64",
            "--set",
            "hidden_act=relu",
            "--no-jit-compile",
            "--mixed-precision",
            "fp16",
        ]
    )
    assert dict(args.overrides) == {"hidden_size": 64, "hidden_act": "relu"}
    assert args.jit_compile is False and args.mixed_precision == "fp16"
    config = config_from_args(args)
    assert (config.batch_size, config.optimizer, config.strategy) == (32, "adamw", "default")
    assert config.mixed_precision == "fp16" and config.jit_compile is False
    assert config.config_overrides == {"hidden_size": 64, "hidden_act": "relu"}
    with pytest.raises(SystemExit):
        build_parser().parse_args(
            ["pretrain", "--train-data", "d", "--output-dir", "o", "--set", "x"]
        )


def tiny_args(records: dict, output_dir, *extra: str) -> list[str]:
    return [
        "pretrain",
        "--train-data",
        records["pattern"],
        "--output-dir",
        str(output_dir),
        "--vocab",
        records["vocab"],
        "--set",
        "hidden_size=64",
        "--set",
        "num_heads=2",
        "--set",
        "intermediate_size=128",
        "--set",
        "max_position_embeddings=32",
        "--max-seq-length",
        str(records["max_seq_length"]),
        "--max-predictions-per-seq",
        str(records["max_predictions_per_seq"]),
        "--batch-size",
        "8",
        "--no-jit-compile",
        "--log-every",
        "1",
        *extra,
    ]


@pytest.mark.slow
def test_pretrain_end_to_end_then_warm_start(tmp_path, pretraining_records, capsys, caplog):
    caplog.set_level(logging.INFO, logger="bert_tf")
    first = tmp_path / "first"
    code = main(
        tiny_args(
            pretraining_records,
            first,
            *("--num-train-steps", "4", "--num-warmup-steps", "1", "--steps-per-epoch", "2"),
            *("--optimizer", "lamb", "--gradient-accumulation-steps", "2"),
            *("--mixed-precision", "bf16", "--checkpoint-every", "2"),
        )
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "mlm_accuracy" in out  # the Keras progress bar
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["initial_step"] == 0 and summary["final_step"] == 4
    for name in ("backbone.keras", "pretrainer.weights.h5", "bert_config.json", "vocab.txt"):
        assert (first / name).is_file(), name
    config = json.loads((first / "pretraining_config.json").read_text())
    assert config["optimizer"] == "lamb" and config["mixed_precision"] == "bf16"
    checkpoints = json.loads((first / "checkpoints" / "checkpoint.json").read_text())
    assert checkpoints["checkpoints"] == ["ckpt-00000002.weights.h5", "ckpt-00000004.weights.h5"]
    scalars = read_scalars(first / "logs" / "train")
    expected = {"loss", "mlm_loss", "nsp_loss", "mlm_accuracy", "nsp_accuracy"}
    assert expected | {"learning_rate", "sequences_per_second"} <= set(scalars)
    assert max(step for step, _ in scalars["loss"]) == 4

    second = tmp_path / "second"
    code = main(
        tiny_args(
            pretraining_records,
            second,
            *("--init", str(first / "pretrainer.weights.h5")),
            *("--config", str(first / "bert_config.json")),
            *("--num-train-steps", "2", "--num-warmup-steps", "0"),
        )
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["final_step"] == 2
    assert "warm start from" in caplog.text and "backbone, mlm_head, nsp_head" in caplog.text

    code = main(tiny_args(pretraining_records, tmp_path / "bad", "--train-data", "nowhere/*"))
    assert code == 2
    assert "no TFRecord files match" in capsys.readouterr().err


def test_warmup_defaults_to_a_tenth_of_the_run(tmp_path, pretraining_records, capsys):
    from bert_tf.training.pretraining_config import PretrainingConfig

    assert PretrainingConfig("d", "o", num_train_steps=1000).warmup_steps == 100
    assert PretrainingConfig("d", "o", num_train_steps=2).warmup_steps == 0
    explicit = build_parser().parse_args(
        ["pretrain", "--train-data", "d", "--output-dir", "o", "--num-warmup-steps", "7"]
    )
    config = config_from_args(explicit)
    assert (config.num_warmup_steps, config.warmup_ratio, config.warmup_steps) == (7, 0.1, 7)
    with pytest.raises(ValueError, match="num_warmup_steps"):
        PretrainingConfig("d", "o", num_train_steps=2, num_warmup_steps=100)
    # The short run that used to fail on the fixed 100 warm-up steps.
    args = tiny_args(pretraining_records, tmp_path / "short", "--num-train-steps", "2")
    assert main(args) == 0
    saved = json.loads((tmp_path / "short" / "pretraining_config.json").read_text())
    assert saved["num_warmup_steps"] is None and saved["warmup_ratio"] == 0.1
