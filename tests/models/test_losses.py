"""The MLM cross-entropy with its hand-written gradient equals the library loss and autodiff."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from bert_tf.models._losses import sparse_softmax_cross_entropy


def _value_and_grad(loss_fn, labels, logits, weights):
    logits = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.reduce_sum(loss_fn(labels, logits) * weights)
    return loss.numpy(), tape.gradient(loss, logits).numpy()


def _reference(labels, logits):
    return keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)


@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])  # 1e4: naive exp would overflow
def test_value_and_gradient_equal_the_reference(scale):
    rng = np.random.default_rng(0)
    logits = (rng.normal(size=(4, 5, 300)) * scale).astype("float32")  # [B, P, V]
    labels = rng.integers(0, 300, (4, 5))
    weights = rng.random((4, 5)).astype("float32")  # e.g. masked_lm_weights
    ours = _value_and_grad(sparse_softmax_cross_entropy, labels, logits, weights)
    ref = _value_and_grad(_reference, labels, logits, weights)
    assert np.isfinite(ours[0]) and np.all(np.isfinite(ours[1]))
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)
    np.testing.assert_allclose(ours[1], ref[1], atol=1e-6)


def test_rows_with_zero_weight_get_zero_gradient():
    logits = np.random.default_rng(1).normal(size=(2, 7)).astype("float32")
    _, grad = _value_and_grad(sparse_softmax_cross_entropy, [3, 4], logits, [1.0, 0.0])
    assert np.abs(grad[0]).sum() > 0 and not grad[1].any()


def test_works_inside_a_compiled_function():
    fn = tf.function(lambda z: sparse_softmax_cross_entropy([1], z))
    np.testing.assert_allclose(fn(tf.constant([[0.0, 0.0]])).numpy(), [np.log(2.0)], rtol=1e-6)
