"""Checkpoint test helpers: tiny config, random weights, inputs, a TF1 checkpoint writer."""

from __future__ import annotations

import json

import numpy as np
import tensorflow as tf

from bert_tf.config import BertConfig

TINY = BertConfig(
    vocab_size=40,
    hidden_size=64,
    num_layers=2,
    num_heads=4,
    intermediate_size=96,
    max_position_embeddings=32,
    type_vocab_size=2,
)


def randomize(model, seed: int) -> None:
    """Give every variable distinct random values, so a swapped mapping changes the outputs."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        shape = tuple(variable.shape)
        variable.assign(rng.normal(0.0, 0.2, size=shape).astype("float32"))


def tiny_inputs(seed: int = 0, batch: int = 3, length: int = 12) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, TINY.vocab_size, size=(batch, length)).astype("int32")
    mask = np.ones_like(ids)
    mask[1, 7:] = 0  # padding in one row
    ids[mask == 0] = 0
    types = np.zeros_like(ids)
    types[:, length // 2 :] = 1
    return {
        "input_word_ids": ids,
        "input_mask": mask,
        "input_type_ids": types,
        "masked_lm_positions": np.array([[1, 4], [2, 5], [0, 9]], "int32")[:batch],
    }


def run(model, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outputs as numpy; a backbone gets only its three inputs."""
    names = (
        [name for name in model.input if name in inputs] if isinstance(model.input, dict) else None
    )
    feed = {name: inputs[name] for name in names} if names else inputs
    out = model(feed)
    return {key: np.asarray(value) for key, value in out.items() if key != "encoder_outputs"}


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
