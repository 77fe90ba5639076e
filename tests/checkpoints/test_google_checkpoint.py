"""google-research/bert TF1 checkpoints: written with the original names by a TF1 Saver."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf
from ckpt_helpers import TINY, run, tiny_inputs

from bert_tf.checkpoints import CheckpointError, load_google_checkpoint


def _np(variable) -> np.ndarray:
    return np.asarray(variable, dtype=np.float32)


def google_variables(pretrainer) -> dict[str, np.ndarray]:
    """The model's weights under the names google-research/bert's modeling.py gives them."""
    bb, out = pretrainer.backbone, {}
    emb = bb.embeddings
    out["bert/embeddings/word_embeddings"] = _np(emb.word_embeddings.embeddings)
    out["bert/embeddings/token_type_embeddings"] = _np(emb.token_type_embeddings.embeddings)
    out["bert/embeddings/position_embeddings"] = _np(emb.position_embeddings.embeddings)
    out["bert/embeddings/LayerNorm/gamma"] = _np(emb.layer_norm.gamma)
    out["bert/embeddings/LayerNorm/beta"] = _np(emb.layer_norm.beta)

    def dense(prefix, layer):
        out[f"{prefix}/kernel"], out[f"{prefix}/bias"] = _np(layer.kernel), _np(layer.bias)

    def norm(prefix, layer):
        out[f"{prefix}/gamma"], out[f"{prefix}/beta"] = _np(layer.gamma), _np(layer.beta)

    for i, block in enumerate(bb.encoder_layers):
        p = f"bert/encoder/layer_{i}"
        dense(f"{p}/attention/self/query", block.attention.query)
        dense(f"{p}/attention/self/key", block.attention.key)
        dense(f"{p}/attention/self/value", block.attention.value)
        dense(f"{p}/attention/output/dense", block.attention.output_dense)
        norm(f"{p}/attention/output/LayerNorm", block.attention_layer_norm)
        dense(f"{p}/intermediate/dense", block.intermediate)
        dense(f"{p}/output/dense", block.output_dense)
        norm(f"{p}/output/LayerNorm", block.output_layer_norm)
    dense("bert/pooler/dense", bb.pooler)
    dense("cls/predictions/transform/dense", pretrainer.mlm_head.transform)
    norm("cls/predictions/transform/LayerNorm", pretrainer.mlm_head.layer_norm)
    out["cls/predictions/output_bias"] = _np(pretrainer.mlm_head.bias)
    out["cls/seq_relationship/output_weights"] = _np(pretrainer.nsp_head.dense.kernel).T  # [2, H]
    out["cls/seq_relationship/output_bias"] = _np(pretrainer.nsp_head.dense.bias)
    return out


def write_tf1_checkpoint(variables: dict[str, np.ndarray], directory) -> str:
    """Save as google's run_pretraining.py did: graph variables, Adam slots, a v1 Saver."""
    with tf.Graph().as_default():
        rng = np.random.default_rng(0)
        for name, value in variables.items():
            tf.compat.v1.get_variable(name, initializer=tf.constant(value))
            for slot in ("adam_m", "adam_v"):
                noise = rng.normal(size=value.shape).astype("float32")
                tf.compat.v1.get_variable(f"{name}/{slot}", initializer=tf.constant(noise))
        tf.compat.v1.train.create_global_step()
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            return saver.save(session, str(directory / "bert_model.ckpt"))


def write_bert_config(directory) -> str:
    config = {
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": TINY.hidden_size,
        "initializer_range": 0.02,
        "intermediate_size": TINY.intermediate_size,
        "max_position_embeddings": TINY.max_position_embeddings,
        "num_attention_heads": TINY.num_heads,
        "num_hidden_layers": TINY.num_layers,
        "type_vocab_size": TINY.type_vocab_size,
        "vocab_size": TINY.vocab_size,
    }
    path = directory / "bert_config.json"
    path.write_text(json.dumps(config))
    return str(path)


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
