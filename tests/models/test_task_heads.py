"""BertClassifier, BertSpanLabeler, BertTokenClassifier: outputs, defaults, fit, saving."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
from scipy.special import log_softmax

from bert_tf.models import (
    IGNORE_LABEL,
    PADDING_LOGIT,
    BertBackbone,
    BertClassifier,
    BertSpanLabeler,
    BertTokenClassifier,
)


def _np(x) -> np.ndarray:
    return keras.ops.convert_to_numpy(x)


def _round_trip(model: keras.Model, x: dict, path) -> keras.Model:
    """Config and `.keras` round trips; returns the loaded model after checking outputs."""
    clone = type(model).from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
    for want, got in zip(
        keras.tree.flatten(model.predict(x, verbose=0)),
        keras.tree.flatten(loaded.predict(x, verbose=0)),
    ):
        np.testing.assert_array_equal(got, want)
    return loaded


def test_classifier_fit_defaults_and_round_trip(tiny_config, make_inputs, tmp_path):
    keras.utils.set_random_seed(0)
    classifier = BertClassifier(BertBackbone(tiny_config), num_classes=3, dropout=0.2)
    assert (classifier.num_classes, classifier.dropout) == (3, 0.2)
    x = make_inputs(batch=8)
    assert classifier(x).shape == (8, 3)
    classifier.compile(keras.optimizers.Adam(1e-3), run_eagerly=True)
    y = np.arange(8) % 3
    history = classifier.fit(x, y, batch_size=4, epochs=3, verbose=0).history
    assert set(history) == {"loss", "accuracy"} and history["loss"][-1] < history["loss"][0]
    loaded = _round_trip(classifier, x, tmp_path / "cls.keras")
    assert loaded.optimizer is not None and loaded.num_classes == 3


def test_classifier_regression(tiny_config, make_inputs):
    regressor = BertClassifier(BertBackbone(tiny_config), num_classes=1)
    regressor.compile(run_eagerly=True)
    assert regressor.is_regression and isinstance(regressor.loss, keras.losses.MeanSquaredError)
    x = make_inputs(batch=4)
    y = np.linspace(0, 5, 4).astype("float32")
    history = regressor.fit(x, y, batch_size=4, verbose=0).history
    assert set(history) == {"loss", "mae"}
    np.testing.assert_allclose(
        regressor.evaluate(x, y, verbose=0)[0],
        ((_np(regressor(x))[:, 0] - y) ** 2).mean(),
        rtol=1e-4,
    )
    with pytest.raises(ValueError, match="num_classes"):
        BertClassifier(BertBackbone(tiny_config), num_classes=0)


def test_frozen_backbone_stays_fixed(tiny_config, make_inputs):
    backbone = BertBackbone(tiny_config)
    backbone.trainable = False
    classifier = BertClassifier(backbone, num_classes=2)
    assert len(classifier.trainable_weights) == 2  # only the output Dense
    before = [w.copy() for w in backbone.get_weights()]
    head_before = _np(classifier.output_dense.kernel).copy()
    classifier.compile(keras.optimizers.Adam(1e-2), run_eagerly=True)
    classifier.fit(make_inputs(batch=4), np.array([0, 1, 0, 1]), verbose=0)
    for old, new in zip(before, backbone.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert not np.allclose(head_before, _np(classifier.output_dense.kernel))


def test_span_labeler_masks_padding_and_trains(tiny_config, make_inputs, tmp_path):
    keras.utils.set_random_seed(0)
    qa = BertSpanLabeler(BertBackbone(tiny_config))
    x = make_inputs(batch=4, seq=12)
    out = qa(x)
    assert set(out) == {"start_logits", "end_logits"} and out["start_logits"].shape == (4, 12)
    padded = x["input_mask"] == 0
    assert padded.any()
    for key in out:
        assert (_np(out[key])[padded] == PADDING_LOGIT).all()
        assert (_np(out[key])[~padded] > PADDING_LOGIT / 2).all()
    y = {"start_positions": np.array([1, 2, 3, 4]), "end_positions": np.array([2, 2, 5, 6])}
    qa.compile(keras.optimizers.Adam(1e-3), run_eagerly=True)
    result = qa.evaluate(x, y, verbose=0, return_dict=True)
    pred = qa.predict(x, verbose=0)
    ce = [
        -log_softmax(pred[f"{side}_logits"], -1)[np.arange(4), y[f"{side}_positions"]].mean()
        for side in ("start", "end")
    ]
    np.testing.assert_allclose(result["loss"], np.mean(ce), rtol=1e-4)
    assert {"start_logits_accuracy", "end_logits_accuracy"} <= set(result)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = qa.fit(x, y, batch_size=4, epochs=3, verbose=0).history
    assert not [w for w in caught if "Gradients do not exist" in str(w.message)]  # no pooler
    assert history["loss"][-1] < history["loss"][0]
    _round_trip(qa, x, tmp_path / "qa.keras")


def test_token_classifier_ignores_label(tiny_config, make_inputs, tmp_path):
    keras.utils.set_random_seed(0)
    assert IGNORE_LABEL == -100
    tagger = BertTokenClassifier(BertBackbone(tiny_config), num_classes=5, dropout=0.0)
    x = make_inputs(batch=4, seq=12)
    logits = _np(tagger(x))
    assert logits.shape == (4, 12, 5)
    labels = np.random.default_rng(3).integers(0, 5, (4, 12)).astype("int32")
    labels[x["input_mask"] == 0] = IGNORE_LABEL
    labels[:, 0] = IGNORE_LABEL  # [CLS]
    tagger.compile(keras.optimizers.Adam(1e-3), run_eagerly=True)
    result = tagger.evaluate(x, labels, verbose=0, return_dict=True)
    kept = labels != IGNORE_LABEL
    ce = -np.take_along_axis(log_softmax(logits, -1), np.maximum(labels, 0)[..., None], -1)[..., 0]
    np.testing.assert_allclose(result["loss"], ce[kept].mean(), rtol=1e-4)
    accuracy = (logits.argmax(-1) == labels)[kept].mean()
    np.testing.assert_allclose(result["accuracy"], accuracy, rtol=1e-6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = tagger.fit(x, labels, batch_size=4, epochs=3, verbose=0).history
    assert not [w for w in caught if "Gradients do not exist" in str(w.message)]  # no pooler
    assert history["loss"][-1] < history["loss"][0]
    _round_trip(tagger, x, tmp_path / "tagger.keras")
    with pytest.raises(ValueError, match="num_classes"):
        BertTokenClassifier(BertBackbone(tiny_config), num_classes=1)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_heads_give_float32_logits_under_mixed_precision(
    policy, tiny_config, make_inputs, global_policy
):
    global_policy(policy)
    backbone = BertBackbone(tiny_config)
    x = make_inputs(batch=2)
    models = [
        BertClassifier(backbone, 3),
        BertSpanLabeler(backbone),
        BertTokenClassifier(backbone, 4),
    ]
    for model in models:
        for tensor in keras.tree.flatten(model(x)):
            assert keras.backend.standardize_dtype(tensor.dtype) == "float32"
            assert np.isfinite(_np(tensor)).all()
    models[0].compile(run_eagerly=True)
    history = models[0].fit(x, np.array([0, 2]), verbose=0).history
    assert np.isfinite(history["loss"]).all()


def test_heads_reject_a_non_backbone():
    with pytest.raises(TypeError, match="BertBackbone"):
        BertClassifier(keras.layers.Dense(3), num_classes=2)
