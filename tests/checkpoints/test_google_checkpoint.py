"""google-research/bert TF1 checkpoints: written with the original names by a TF1 Saver."""

from __future__ import annotations

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


def test_import_gives_identical_weights_and_outputs(tiny_pretrainer, google_ckpt):
    prefix, config_json = google_ckpt
    loaded = load_google_checkpoint(prefix, config_json, load_tokenizer=False)
    assert loaded.config == TINY and loaded.has_heads
    assert (
        "global_step" in loaded.skipped and "cls/predictions/output_bias/adam_v" in loaded.skipped
    )
    for want, got in zip(tiny_pretrainer.weights, loaded.model.weights):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want), err_msg=want.path)
    inputs = tiny_inputs(seed=3)
    want, got = run(tiny_pretrainer, inputs), run(loaded.model, inputs)
    for key in ("mlm_logits", "nsp_logits"):
        np.testing.assert_array_equal(got[key], want[key])
    want, got = run(tiny_pretrainer.backbone, inputs), run(loaded.backbone, inputs)
    np.testing.assert_array_equal(got["sequence_output"], want["sequence_output"])


def test_directory_and_backbone_only(tiny_pretrainer, google_ckpt, tmp_path):
    loaded = load_google_checkpoint(tmp_path, google_ckpt[1], with_heads=False)
    assert not loaded.has_heads and "cls/predictions/output_bias" in loaded.skipped
    inputs = tiny_inputs(seed=4)
    want, got = run(tiny_pretrainer.backbone, inputs), run(loaded.model, inputs)
    np.testing.assert_array_equal(got["pooled_output"], want["pooled_output"])


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
