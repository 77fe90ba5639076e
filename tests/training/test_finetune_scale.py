"""Fine-tuning at scale: training features from a TFRecord cache (same metrics as the
in-memory path on the same seed, reused by a rerun), a held-out test file scored with the
dev-selected model, mixed precision, and length guards at every input-building entry."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)


@pytest.fixture(scope="module")
def task_files(tmp_path_factory):
    from bert_tf.datasets.docstring_task import make_docstring_task

    return make_docstring_task(
        tmp_path_factory.mktemp("docstring"), train_per_class=60, dev_per_class=20,
        test_per_class=20,
    )  # fmt: skip


def _config(files, out, vocab, **changes):
    from bert_tf.training.finetune_run import FinetuneConfig

    settings = dict(
        vocab=str(vocab), config_overrides=TINY, max_seq_length=32, epochs=2,
        batch_size=16, learning_rate=2e-3, verbose=0, seed=3,
    )  # fmt: skip
    settings.update(changes)
    return FinetuneConfig("csv", files["train"], files["dev"], "bert_tiny", str(out), **settings)


@pytest.mark.slow
def test_feature_cache_equals_the_in_memory_path(task_files, minilm_vocab, tmp_path, caplog):
    from bert_tf.training.finetune_run import run_finetuning

    cached = run_finetuning(_config(task_files, tmp_path / "cache", minilm_vocab))
    memory = run_finetuning(
        _config(task_files, tmp_path / "memory", minilm_vocab, cache_features=False)
    )
    assert (tmp_path / "cache" / "feature_cache" / "train.tfrecord").is_file()
    assert not (tmp_path / "memory" / "feature_cache").exists()
    assert cached.history == memory.history and cached.metrics == memory.metrics
    loss = [json.loads((tmp_path / d / "metrics.json").read_text())["train_loss"]
            for d in ("cache", "memory")]  # fmt: skip
    np.testing.assert_allclose(loss[0], loss[1], rtol=1e-6)
    written = (tmp_path / "cache" / "feature_cache" / "train.tfrecord").stat().st_mtime_ns
    with caplog.at_level(logging.INFO, logger="bert_tf.training.finetune_run"):
        again = run_finetuning(_config(task_files, tmp_path / "cache", minilm_vocab))
    assert "reusing the feature cache" in caplog.text and again.history == cached.history
    assert (tmp_path / "cache" / "feature_cache" / "train.tfrecord").stat().st_mtime_ns == written


def test_test_file_is_scored_with_the_dev_selected_model(task_files, minilm_vocab, tmp_path):
    from bert_tf.training.finetune_run import run_finetuning

    result = run_finetuning(
        _config(task_files, tmp_path, minilm_vocab, test_file=task_files["test"],
                mixed_precision="bf16", epochs=1)
    )  # fmt: skip
    summary = json.loads((tmp_path / "metrics.json").read_text())
    assert summary["selected_on"] == {"split": "dev", "file": task_files["dev"]}
    assert summary["measured_on"] == {"split": "test", "file": task_files["test"]}
    assert summary["metrics"] == result.test_metrics and summary["dev_metrics"] == result.metrics
    assert 0.0 <= result.test_metrics["accuracy"] <= 1.0
    with pytest.raises(ValueError, match="precision"):
        run_finetuning(_config(task_files, tmp_path / "x", minilm_vocab, mixed_precision="fp8"))


def test_length_guards_name_both_numbers(task_files, minilm_vocab, tokenizer, tmp_path):
    from bert_tf.data.features import ClassificationFeatures, SquadFeatures, TaggingFeatures
    from bert_tf.text import BertPreprocessor
    from bert_tf.training.finetune_run import run_finetuning

    message = r"600 exceeds the model's max_position_embeddings 512"
    with pytest.raises(ValueError, match=message):
        BertPreprocessor(tokenizer, seq_length=600, max_position_embeddings=512)
    with pytest.raises(ValueError, match=message):
        ClassificationFeatures(tokenizer, 600, ["a"], max_position_embeddings=512)
    with pytest.raises(ValueError, match=message):
        TaggingFeatures(tokenizer, 600, ["O"], max_position_embeddings=512)
    with pytest.raises(ValueError, match=message):
        SquadFeatures(tokenizer, 600, 128, 64, max_position_embeddings=512)
    assert BertPreprocessor(tokenizer, 512, max_position_embeddings=512).get_config()[
        "max_position_embeddings"
    ] == 512  # fmt: skip
    overrides = {**TINY, "max_position_embeddings": 32}
    with pytest.raises(ValueError, match=r"max_seq_length 64 exceeds .* 32"):
        run_finetuning(
            _config(task_files, tmp_path, minilm_vocab, max_seq_length=64,
                    config_overrides=overrides)
        )  # fmt: skip


def test_extract_features_refuses_a_longer_sequence(minilm_dir, tmp_path, capsys):
    from bert_tf.cli import main

    lines = tmp_path / "lines.txt"
    lines.write_text("A short line.\n")
    code = main(["extract-features", "--model", str(minilm_dir), "--input", str(lines),
                 "--output", str(tmp_path / "f.jsonl"), "--max-seq-length", "1024"])  # fmt: skip
    assert code != 0
    assert "--max-seq-length 1024 exceeds the model's max_position_embeddings 512" in (
        capsys.readouterr().err
    )
