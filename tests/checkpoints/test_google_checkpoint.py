"""google-research/bert TF1 checkpoints: written with the original names by a TF1 Saver."""

from __future__ import annotations

import json
from pathlib import Path

import google_reference
import numpy as np
import pytest
import tensorflow as tf
from ckpt_helpers import (
    TINY,
    google_variables,
    run,
    tiny_inputs,
    write_bert_config,
    write_tf1_checkpoint,
)
from scipy import special

from bert_tf.checkpoints import CheckpointError, load_google_checkpoint


@pytest.fixture
def google_ckpt(tiny_pretrainer, tmp_path):
    prefix = write_tf1_checkpoint(google_variables(tiny_pretrainer), tmp_path)
    return prefix, write_bert_config(tmp_path)


def test_names_written_are_the_original_ones(google_ckpt):
    names = set(tf.train.load_checkpoint(google_ckpt[0]).get_variable_to_shape_map())
    assert "bert/encoder/layer_1/attention/self/query/kernel" in names
    assert "cls/seq_relationship/output_weights" in names and "global_step" in names
    assert "bert/pooler/dense/kernel/adam_m" in names


@pytest.fixture
def reference_ckpt(tmp_path):
    """A TF1 checkpoint of independent random variables, and the numpy forward pass on it."""
    config_path = write_bert_config(tmp_path)
    config = json.loads(Path(config_path).read_text())
    variables = google_reference.random_variables(config, seed=11)
    return write_tf1_checkpoint(variables, tmp_path), config_path, config, variables


def _reference(config, variables, inputs, **kwargs):
    args = [inputs[k] for k in ("input_word_ids", "input_mask", "input_type_ids")]
    return google_reference.forward(
        variables, config, *args, inputs["masked_lm_positions"], **kwargs
    )


def test_import_computes_what_google_research_computes(reference_ckpt):
    prefix, config_json, config, variables = reference_ckpt
    loaded = load_google_checkpoint(prefix, config_json, load_tokenizer=False)
    assert loaded.config == TINY.replace(hidden_act="gelu_approximate") and loaded.has_heads
    assert (
        "global_step" in loaded.skipped and "cls/predictions/output_bias/adam_v" in loaded.skipped
    )
    inputs = tiny_inputs(seed=3)
    real = inputs["input_mask"] == 1
    want = _reference(config, variables, inputs)
    got = run(loaded.model, inputs)
    for key in ("mlm_logits", "nsp_logits"):
        np.testing.assert_allclose(got[key], want[key], atol=2e-5, err_msg=key)
    backbone = run(loaded.backbone, inputs)
    np.testing.assert_allclose(
        backbone["sequence_output"][real], want["sequence_output"][real], atol=2e-5
    )
    np.testing.assert_allclose(backbone["pooled_output"], want["pooled_output"], atol=2e-5)
    # The check can tell the GELUs apart: the erf form moves the outputs well past the tolerance.
    erf = _reference(
        config, variables, inputs, gelu=lambda x: 0.5 * x * (1 + special.erf(x / 2**0.5))
    )
    ours = np.abs(got["mlm_logits"] - want["mlm_logits"]).max()
    erf_shift = np.abs(erf["mlm_logits"] - want["mlm_logits"]).max()
    print(f"max |delta| tanh reference {ours:.2e}, erf vs tanh {erf_shift:.2e}")
    assert erf_shift > 100 * ours


def test_directory_and_backbone_only(reference_ckpt, tmp_path):
    _, config_json, config, variables = reference_ckpt
    loaded = load_google_checkpoint(tmp_path, config_json, with_heads=False)
    assert not loaded.has_heads and "cls/predictions/output_bias" in loaded.skipped
    inputs = tiny_inputs(seed=4)
    want = _reference(config, variables, inputs)
    np.testing.assert_allclose(
        run(loaded.model, inputs)["pooled_output"], want["pooled_output"], atol=2e-5
    )


def test_google_to_hf_writes_the_tanh_gelu_name(reference_ckpt, tmp_path):
    from bert_tf.checkpoints import load_hf_checkpoint, save_hf_checkpoint

    prefix, config_json, config, variables = reference_ckpt
    loaded = load_google_checkpoint(prefix, config_json, load_tokenizer=False)
    save_hf_checkpoint(loaded.model, tmp_path / "hf")
    assert json.loads((tmp_path / "hf" / "config.json").read_text())["hidden_act"] == "gelu_new"
    again = load_hf_checkpoint(tmp_path / "hf")
    inputs = tiny_inputs(seed=5)
    want = _reference(config, variables, inputs)
    np.testing.assert_allclose(
        run(again.model, inputs)["nsp_logits"], want["nsp_logits"], atol=2e-5
    )


def test_mismatches_name_the_variable(tiny_pretrainer, tmp_path):
    variables = google_variables(tiny_pretrainer)
    variables["cls/seq_relationship/output_weights"] = variables[
        "cls/seq_relationship/output_weights"
    ].T  # [H, 2] as a careless exporter would write it
    variables["bert/encoder/layer_9/output/dense/bias"] = np.zeros(64, "float32")
    del variables["bert/embeddings/LayerNorm/beta"]
    prefix = write_tf1_checkpoint(variables, tmp_path)
    with pytest.raises(CheckpointError) as caught:
        load_google_checkpoint(prefix, write_bert_config(tmp_path))
    message = str(caught.value)
    assert "missing weight 'bert/embeddings/LayerNorm/beta'" in message
    assert "unexpected weight 'bert/encoder/layer_9/output/dense/bias' with shape (64,)" in message
    assert (
        "weight 'cls/seq_relationship/output_weights' has shape (64, 2) in the checkpoint "
        "but the model expects (2, 64)" in message
    )


def test_missing_checkpoint_is_named(tmp_path):
    config_json = write_bert_config(tmp_path)
    with pytest.raises(FileNotFoundError, match="nothing.ckpt"):
        load_google_checkpoint(tmp_path / "nothing.ckpt", config_json)


def test_vocab_beside_the_config_gives_a_tokenizer(google_ckpt, minilm_vocab, tmp_path):
    prefix, config_json = google_ckpt
    (tmp_path / "vocab.txt").write_bytes(minilm_vocab.read_bytes())
    loaded = load_google_checkpoint(prefix, config_json, with_heads=False, lower_case=False)
    assert loaded.vocab_file == tmp_path / "vocab.txt"
    assert loaded.tokenizer is not None and not loaded.tokenizer.lower_case
    with pytest.raises(FileNotFoundError, match="vocab file not found"):
        load_google_checkpoint(prefix, config_json, vocab_file=tmp_path / "missing.txt")
