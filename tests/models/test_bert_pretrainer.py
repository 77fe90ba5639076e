"""BertPretrainer: tied MLM head, the google-research losses and metrics, fit, saving."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.special import log_softmax

from bert_tf.layers import MaskedLMHead, NextSentenceHead
from bert_tf.models import BertBackbone, BertPretrainer


def _np(x) -> np.ndarray:
    return keras.ops.convert_to_numpy(x)


def test_outputs_and_tied_weights(tiny_config, make_pretraining_data):
    backbone = BertBackbone(tiny_config)
    pretrainer = BertPretrainer(backbone)
    x, _ = make_pretraining_data(batch=4, masked=3)
    out = pretrainer(x)
    assert out["mlm_logits"].shape == (4, 3, tiny_config.vocab_size)
    assert out["nsp_logits"].shape == (4, 2)
    assert isinstance(pretrainer.mlm_head, MaskedLMHead)
    assert isinstance(pretrainer.nsp_head, NextSentenceHead)
    assert pretrainer.mlm_head.embedding is backbone.embeddings.word_embeddings
    # Shared table counted once: backbone + transform(2) + LayerNorm(2) + bias + NSP dense(2).
    assert len(pretrainer.trainable_weights) == len(backbone.trainable_weights) + 7
    assert pretrainer.mlm_head.bias.shape == (tiny_config.vocab_size,)


def test_loss_and_metrics_follow_google_research(tiny_config, make_pretraining_data):
    pretrainer = BertPretrainer(BertBackbone(tiny_config))
    pretrainer.compile(keras.optimizers.AdamW(1e-3))
    x, y = make_pretraining_data(batch=6, masked=3)
    y["next_sentence_labels"] = y["next_sentence_labels"][:, None]  # [B, 1] is accepted too
    y_pred = pretrainer(x)
    loss = pretrainer.compute_loss(x, y, y_pred)
    metrics = pretrainer.compute_metrics(x, y, y_pred)

    mlm_logits, nsp_logits = _np(y_pred["mlm_logits"]), _np(y_pred["nsp_logits"])
    ids, w = y["masked_lm_ids"], y["masked_lm_weights"]
    ce = -np.take_along_axis(log_softmax(mlm_logits, -1), ids[..., None], -1)[..., 0]
    mlm_loss = (ce * w).sum() / w.sum()
    labels = y["next_sentence_labels"][:, 0]
    nsp_loss = -log_softmax(nsp_logits, -1)[np.arange(6), labels].mean()
    np.testing.assert_allclose(_np(loss), mlm_loss + nsp_loss, rtol=1e-4)
    np.testing.assert_allclose(float(metrics["mlm_loss"]), mlm_loss, rtol=1e-4)
    np.testing.assert_allclose(float(metrics["nsp_loss"]), nsp_loss, rtol=1e-4)
    hits = mlm_logits.argmax(-1) == ids
    np.testing.assert_allclose(float(metrics["mlm_accuracy"]), (hits * w).sum() / w.sum())
    nsp_hits = (nsp_logits.argmax(-1) == labels).mean()
    np.testing.assert_allclose(float(metrics["nsp_accuracy"]), nsp_hits)
    with pytest.raises(ValueError, match="next_sentence_labels"):
        pretrainer.compute_loss(x, {"masked_lm_ids": ids, "masked_lm_weights": w}, y_pred)


def test_fit_on_a_dataset_learns(tiny_config, make_pretraining_data):
    keras.utils.set_random_seed(0)
    pretrainer = BertPretrainer(BertBackbone(tiny_config))
    pretrainer.compile(
        keras.optimizers.AdamW(3e-3), run_eagerly=True
    )  # eager: fast on a tiny model
    x, y = make_pretraining_data(batch=8)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4).repeat(3)
    history = pretrainer.fit(dataset, epochs=3, steps_per_epoch=4, verbose=0).history
    assert set(history) == {"loss", "mlm_loss", "nsp_loss", "mlm_accuracy", "nsp_accuracy"}
    assert history["loss"][-1] < history["loss"][0]
    results = pretrainer.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    assert results["loss"] == pytest.approx(results["mlm_loss"] + results["nsp_loss"], rel=1e-4)


def test_compile_rejects_a_loss(tiny_config):
    pretrainer = BertPretrainer(BertBackbone(tiny_config))
    with pytest.raises(ValueError, match="own MLM"):
        pretrainer.compile("adamw", loss="mse")


def test_keras_file_round_trip(tiny_config, make_pretraining_data, tmp_path):
    pretrainer = BertPretrainer(BertBackbone(tiny_config), name="pt")
    pretrainer.compile(
        keras.optimizers.AdamW(1e-3), run_eagerly=True
    )  # eager: fast on a tiny model
    x, y = make_pretraining_data(batch=4)
    pretrainer.fit(x, y, verbose=0, batch_size=4)
    assert BertPretrainer.from_config(pretrainer.get_config()).get_config() == (
        pretrainer.get_config()
    )
    pretrainer.save(tmp_path / "pt.keras")
    loaded = keras.saving.load_model(tmp_path / "pt.keras")
    assert isinstance(loaded, BertPretrainer) and loaded.name == "pt"
    assert loaded.mlm_head.embedding is loaded.backbone.embeddings.word_embeddings
    for key in ("mlm_logits", "nsp_logits"):
        np.testing.assert_array_equal(_np(loaded(x)[key]), _np(pretrainer(x)[key]))
    assert loaded.optimizer is not None  # compile state restored; training can continue
    loaded.fit(x, y, verbose=0, batch_size=4)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_fit(policy, tiny_config, make_pretraining_data):
    pretrainer = BertPretrainer(BertBackbone(tiny_config, dtype=policy))
    assert pretrainer.mlm_head.dtype_policy.name == policy
    x, y = make_pretraining_data(batch=4)
    out = pretrainer(x)
    assert {keras.backend.standardize_dtype(v.dtype) for v in out.values()} == {"float32"}
    pretrainer.compile(
        keras.optimizers.AdamW(1e-3), run_eagerly=True
    )  # eager: fast on a tiny model
    history = pretrainer.fit(x, y, batch_size=4, epochs=2, verbose=0).history
    assert np.isfinite(history["loss"]).all()


@pytest.mark.slow
def test_xla_bfloat16_fit(tiny_config, make_pretraining_data):
    """The production path: XLA-compiled train step under mixed_bfloat16."""
    keras.utils.set_random_seed(1)
    pretrainer = BertPretrainer(BertBackbone(tiny_config, dtype="mixed_bfloat16"))
    pretrainer.compile(keras.optimizers.AdamW(3e-3), jit_compile=True)
    x, y = make_pretraining_data(batch=8)
    history = pretrainer.fit(x, y, batch_size=8, epochs=4, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
