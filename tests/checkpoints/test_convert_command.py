"""`bert-tf convert` through `bert_tf.cli.main`."""

from __future__ import annotations

import json

import keras
import numpy as np
from ckpt_helpers import (
    google_variables,
    run,
    tiny_inputs,
    write_bert_config,
    write_tf1_checkpoint,
)
from safetensors.numpy import load_file

from bert_tf.checkpoints import save_hf_checkpoint
from bert_tf.cli import main


def test_hf_to_hf_and_keras(tiny_pretrainer, minilm_vocab, tmp_path, capsys):
    source = tmp_path / "source"
    save_hf_checkpoint(tiny_pretrainer, source, vocab_file=minilm_vocab, lower_case=True)
    out = tmp_path / "copy"
    assert main(["convert", "--from", "hf", "--input", str(source), "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "BertPretrainer: 2 layers, hidden 64" in printed and "model.safetensors" in printed
    want, got = (
        load_file(str(source / "model.safetensors")),
        load_file(str(out / "model.safetensors")),
    )
    assert sorted(want) == sorted(got)
    for name in want:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)
    assert (out / "vocab.txt").read_bytes() == minilm_vocab.read_bytes()
    assert json.loads((out / "tokenizer_config.json").read_text())["do_lower_case"] is True
    assert (
        main(["convert", "--from", "hf", "--input", str(source), "--output", str(out), "--cased"])
        == 0
    )
    assert json.loads((out / "tokenizer_config.json").read_text())["do_lower_case"] is False

    keras_file = tmp_path / "model.keras"
    argv = ["convert", "--from", "hf", "--input", str(source), "--output", str(keras_file)]
    assert main([*argv, "--to", "keras", "--backbone-only"]) == 0
    assert f"wrote {keras_file}" in capsys.readouterr().out
    restored = keras.saving.load_model(keras_file)
    assert type(restored).__name__ == "BertBackbone"
    inputs = tiny_inputs(seed=5)
    np.testing.assert_array_equal(
        run(restored, inputs)["sequence_output"],
        run(tiny_pretrainer.backbone, inputs)["sequence_output"],
    )


def test_google_to_hf(tiny_pretrainer, tmp_path, capsys):
    prefix = write_tf1_checkpoint(google_variables(tiny_pretrainer), tmp_path)
    write_bert_config(tmp_path)  # beside the checkpoint: found without --config
    out = tmp_path / "hf"
    assert main(["convert", "--from", "google", "--input", prefix, "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"read google checkpoint {prefix}" in printed
    assert "skipped (not model weights, or heads not asked for): " in printed  # Adam slots
    assert "google-research's gelu is the tanh approximation" in printed
    tensors = load_file(str(out / "model.safetensors"))
    np.testing.assert_array_equal(
        tensors["cls.seq_relationship.weight"],
        np.asarray(tiny_pretrainer.nsp_head.dense.kernel).T,
    )
    assert len(tensors) == len(tiny_pretrainer.weights)


def test_bad_arguments_fail_with_a_message(tmp_path, capsys):
    argv = [
        "convert",
        "--from",
        "hf",
        "--input",
        str(tmp_path),
        "--output",
        "x.h5",
        "--to",
        "keras",
    ]
    assert main(argv) == 2
    assert "--to keras writes a .keras file" in capsys.readouterr().err
    argv = ["convert", "--from", "hf", "--input", str(tmp_path / "none"), "--output", "out"]
    assert main(argv) == 2
    assert "HF checkpoint directory not found" in capsys.readouterr().err


def test_with_head_converts_the_task_model(tiny_backbone, tmp_path, capsys):
    from bert_tf.models import BertClassifier

    classifier = BertClassifier(tiny_backbone, num_classes=3)
    labels = {0: "neg", 1: "neu", 2: "pos"}
    save_hf_checkpoint(classifier, tmp_path / "src", id2label=labels)
    argv = ["convert", "--from", "hf", "--input", str(tmp_path / "src")]
    assert main([*argv, "--output", str(tmp_path / "bare")]) == 0
    tensors = load_file(str(tmp_path / "bare" / "model.safetensors"))
    assert "classifier.weight" not in tensors and "pooler.dense.weight" in tensors
    assert main([*argv, "--with-head", "--output", str(tmp_path / "out")]) == 0
    assert "task model: BertClassifier (BertForSequenceClassification head)" in (
        capsys.readouterr().out
    )
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert config["architectures"] == ["BertForSequenceClassification"]
    assert config["id2label"] == {"0": "neg", "1": "neu", "2": "pos"}
    keras_file = tmp_path / "clf.keras"
    assert main([*argv, "--with-head", "--to", "keras", "--output", str(keras_file)]) == 0
    restored = keras.saving.load_model(keras_file)
    inputs = {k: v for k, v in tiny_inputs(seed=2).items() if k != "masked_lm_positions"}
    np.testing.assert_array_equal(np.asarray(restored(inputs)), np.asarray(classifier(inputs)))


def test_keras_hub_both_ways(tiny_pretrainer, tmp_path, capsys):
    import pytest

    pytest.importorskip("keras_hub")
    save_hf_checkpoint(tiny_pretrainer, tmp_path / "hf")
    argv = ["convert", "--from", "hf", "--input", str(tmp_path / "hf"), "--to", "keras-hub"]
    assert main([*argv, "--output", str(tmp_path / "hub")]) == 2
    assert "--allow-gelu-approximation" in capsys.readouterr().err
    assert main([*argv, "--output", str(tmp_path / "hub"), "--allow-gelu-approximation"]) == 0
    assert "pre-training heads" in capsys.readouterr().out
    back = ["convert", "--from", "keras-hub", "--input", str(tmp_path / "hub")]
    assert main([*back, "--output", str(tmp_path / "again")]) == 0
    config = json.loads((tmp_path / "again" / "config.json").read_text())
    assert config["hidden_act"] == "gelu_new" and config["architectures"] == ["BertModel"]
    again = load_file(str(tmp_path / "again" / "model.safetensors"))
    want = load_file(str(tmp_path / "hf" / "model.safetensors"))
    np.testing.assert_array_equal(
        again["encoder.layer.1.attention.self.key.weight"],
        want["bert.encoder.layer.1.attention.self.key.weight"],
    )
