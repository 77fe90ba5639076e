"""`FeatureBasedModel`: heads on frozen, concatenated encoder layers; config round trip."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from bert_tf.models.feature_based_model import FeatureBasedModel


def _inputs(batch=2, length=6):
    ids = np.arange(1, 1 + batch * length, dtype="int32").reshape(batch, length) + 1000
    mask = np.ones_like(ids)
    mask[:, -1] = 0
    return {"input_word_ids": ids, "input_mask": mask, "input_type_ids": np.zeros_like(ids)}


@pytest.mark.parametrize(
    "head,shape",
    [("classification", (2, 3)), ("tagging", (2, 6, 3))],
)
def test_heads_shapes_and_only_head_weights_train(tiny_backbone, head, shape):
    model = FeatureBasedModel(tiny_backbone, head, 3, [-1, -2])
    assert tuple(model(_inputs()).shape) == shape
    assert sorted(w.path for w in model.trainable_weights) == [
        "feature_head/bias",
        "feature_head/kernel",
    ]
    # The head reads the concatenation of two layers of width 64.
    assert model.get_layer("feature_head").kernel.shape == (128, 3)


def test_span_head_masks_padding(tiny_backbone):
    outputs = FeatureBasedModel(tiny_backbone, "span", feature_layers=[-1])(_inputs())
    assert set(outputs) == {"start_logits", "end_logits"}
    assert float(outputs["start_logits"][0, -1]) == pytest.approx(-1e9)


def test_config_round_trip_and_saving(tiny_backbone, tmp_path):
    model = FeatureBasedModel(tiny_backbone, "classification", 4, [-1, -2], dropout=0.2)
    config = model.get_config()
    clone = FeatureBasedModel.from_config(config)
    assert clone.get_config()["feature_layers"] == [-1, -2]
    assert clone.dropout == 0.2 and clone.num_outputs == 4
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded(_inputs()), model(_inputs()), atol=1e-6)


def test_bad_arguments_are_named(tiny_backbone):
    with pytest.raises(ValueError, match="unknown head"):
        FeatureBasedModel(tiny_backbone, "ranking")
    with pytest.raises(ValueError, match="feature_layers"):
        FeatureBasedModel(tiny_backbone, "tagging", 3, [-3])
