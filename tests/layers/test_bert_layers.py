"""Layer tests: shapes, numpy references of BERT's math, masking, get_config round trips."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from scipy.special import erf

from bert_tf.layers import (
    BertEmbeddings,
    MaskedLMHead,
    MultiHeadSelfAttention,
    NextSentenceHead,
    TransformerEncoderBlock,
)

H, N, I = 16, 2, 32  # noqa: E741 - hidden, heads, intermediate


def _np(x) -> np.ndarray:
    return keras.ops.convert_to_numpy(x)


def _dtype(x) -> str:
    return keras.backend.standardize_dtype(x.dtype)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def _layer_norm(x: np.ndarray, layer: keras.layers.LayerNormalization) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + layer.epsilon) * _np(layer.gamma) + _np(layer.beta)


def _dense(x: np.ndarray, layer: keras.layers.Dense) -> np.ndarray:
    return x @ _np(layer.kernel) + _np(layer.bias)


def _randomize(layer: keras.layers.Layer, seed: int = 0) -> None:
    """Random values for every weight (biases and LayerNorm too) so references bite."""
    rng = np.random.default_rng(seed)
    for weight in layer.weights:
        weight.assign(rng.normal(0, 0.3, weight.shape).astype("float32"))


def _reference_attention(x: np.ndarray, mask: np.ndarray, layer) -> np.ndarray:
    b, t, _ = x.shape
    d = H // N

    def heads(y):
        return y.reshape(b, t, N, d).transpose(0, 2, 1, 3)  # [B, N, T, D]

    q, k, v = (heads(_dense(x, dense)) for dense in (layer.query, layer.key, layer.value))
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)  # [B, N, T, S]
    scores = scores + (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min  # as HF
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    context = (probs @ v).transpose(0, 2, 1, 3).reshape(b, t, H)
    return _dense(context, layer.output_dense)


@pytest.fixture
def hidden_and_mask() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 6, H)).astype("float32")
    mask = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]], "float32")
    return x, mask


def test_embeddings_match_reference_and_round_trip_config():
    layer = BertEmbeddings(vocab_size=20, hidden_size=H, max_position_embeddings=8, dropout=0.5)
    ids = np.array([[2, 5, 7, 3], [2, 9, 3, 0]], "int32")
    types = np.array([[0, 0, 1, 1], [0, 0, 0, 0]], "int32")
    layer(ids, types)
    _randomize(layer)
    summed = (
        _np(layer.word_embeddings.embeddings)[ids]
        + _np(layer.position_embeddings.embeddings)[:4][None]
        + _np(layer.token_type_embeddings.embeddings)[types]
    )
    out = _np(layer(ids, types, training=False))
    np.testing.assert_allclose(out, _layer_norm(summed, layer.layer_norm), atol=1e-5)
    assert not np.allclose(_np(layer(ids, types, training=True)), out)  # dropout is active
    clone = BertEmbeddings.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert clone.max_position_embeddings == 8 and clone.layer_norm.epsilon == 1e-12


def test_attention_matches_reference_with_padding(hidden_and_mask):
    x, mask = hidden_and_mask
    layer = MultiHeadSelfAttention(H, N, attention_dropout=0.3)
    layer(x, mask)
    _randomize(layer)
    expected = _reference_attention(x, mask, layer)
    np.testing.assert_allclose(_np(layer(x, mask)), expected, atol=1e-5)
    # The explicit dropout path (identity dropout when not training) equals the fused one.
    q = keras.ops.reshape(layer.query(x), (2, 6, N, H // N))
    k = keras.ops.reshape(layer.key(x), (2, 6, N, H // N))
    v = keras.ops.reshape(layer.value(x), (2, 6, N, H // N))
    bool_mask = keras.ops.cast(mask, "bool")[:, None, None, :]
    explicit = layer._attend(q, k, v, bool_mask, 1 / math.sqrt(H // N), False)
    fused = keras.ops.dot_product_attention(q, k, v, mask=bool_mask, scale=1 / math.sqrt(H // N))
    np.testing.assert_allclose(_np(explicit), _np(fused), atol=1e-6)
    trained = _np(layer(x, mask, training=True))
    assert trained.shape == (2, 6, H) and not np.allclose(trained, expected)


def test_half_precision_attention_runs_batch_matmuls_and_matches_float32(hidden_and_mask):
    """bf16 on TensorFlow: BatchMatMul, not its slow half-precision Einsum; same answers."""
    x, mask = hidden_and_mask
    full = MultiHeadSelfAttention(H, N)
    full(x, mask)
    _randomize(full)
    half = MultiHeadSelfAttention(H, N, dtype="mixed_bfloat16")
    half(x, mask)
    half.set_weights(full.get_weights())
    expected = _np(full(x, mask))
    got = np.asarray(_np(half(x, mask)), np.float32)
    np.testing.assert_allclose(got, expected, atol=0.05, rtol=0.05)  # bf16 keeps ~3 digits
    padded = _np(half(np.where(mask[..., None] > 0, x, 7.0).astype("float32"), mask))
    np.testing.assert_array_equal(np.asarray(padded, np.float32)[0], got[0])  # row 0: no pad
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        graph = (
            tf.function(lambda a: half(a, mask))
            .get_concrete_function(tf.TensorSpec(x.shape, tf.float32))
            .graph
        )
        kinds = {op.type for op in graph.get_operations()}
        assert "Einsum" not in kinds and {"BatchMatMulV2", "BatchMatMulV3"} & kinds, kinds
        assert not full._half_on_tensorflow() and half._half_on_tensorflow()


def test_padded_keys_get_no_attention(hidden_and_mask):
    x, mask = hidden_and_mask
    layer = MultiHeadSelfAttention(H, N)
    before = _np(layer(x, mask))
    changed = x.copy()
    changed[1, 3:] = np.random.default_rng(5).normal(size=(3, H))  # only padded positions
    after = _np(layer(changed, mask))
    np.testing.assert_allclose(after[1, :3], before[1, :3], atol=1e-6)
    np.testing.assert_array_equal(after[0], before[0])


def test_attention_rejects_bad_head_count():
    with pytest.raises(ValueError, match="not divisible"):
        MultiHeadSelfAttention(hidden_size=10, num_heads=3)


def test_encoder_block_is_post_layer_norm_with_exact_gelu(hidden_and_mask):
    x, mask = hidden_and_mask
    block = TransformerEncoderBlock(H, N, I, layer_norm_eps=1e-7)
    block(x, mask)
    _randomize(block, seed=3)
    attention = _reference_attention(x, mask, block.attention)
    attended = _layer_norm(x + attention, block.attention_layer_norm)
    hidden = _gelu(_dense(attended, block.intermediate))
    expected = _layer_norm(attended + _dense(hidden, block.output_dense), block.output_layer_norm)
    np.testing.assert_allclose(_np(block(x, mask)), expected, atol=1e-4)
    assert block.attention_layer_norm.epsilon == 1e-7

    tanh_block = TransformerEncoderBlock(H, N, I, hidden_act="gelu_approximate")
    tanh_block(x, mask)
    tanh_block.set_weights(block.get_weights())
    tanh_block.output_layer_norm.epsilon = block.output_layer_norm.epsilon
    tanh_block.attention_layer_norm.epsilon = block.attention_layer_norm.epsilon
    assert not np.allclose(_np(tanh_block(x, mask)), expected, atol=1e-6)


def test_encoder_block_config_round_trip():
    block = TransformerEncoderBlock(H, N, I, hidden_act="relu", dropout=0.2, name="blk")
    clone = TransformerEncoderBlock.from_config(block.get_config())
    assert clone.get_config() == block.get_config()
    assert (clone.hidden_act, clone.dropout, clone.name) == ("relu", 0.2, "blk")
    with pytest.raises(ValueError, match="hidden_act"):
        TransformerEncoderBlock(H, N, I, hidden_act="swish")


def test_masked_lm_head_gathers_positions_and_ties_embeddings():
    embedding = keras.layers.Embedding(30, H)
    embedding.build((None,))
    head = MaskedLMHead(embedding, layer_norm_eps=1e-6)
    rng = np.random.default_rng(2)
    sequence = rng.normal(size=(2, 7, H)).astype("float32")
    positions = np.array([[0, 3, 6], [5, 5, 1]], "int32")
    logits = head(sequence, positions)
    assert logits.shape == (2, 3, 30) and _dtype(logits) == "float32"
    _randomize(head, seed=4)  # also randomizes the tied table
    gathered = np.take_along_axis(sequence, positions[:, :, None], axis=1)
    x = _layer_norm(_gelu(_dense(gathered, head.transform)), head.layer_norm)
    expected = x @ _np(embedding.embeddings).T + _np(head.bias)
    np.testing.assert_allclose(_np(head(sequence, positions)), expected, atol=1e-4)
    assert len(head.weights) == 6  # tied table + transform (2) + layer norm (2) + bias
    embedding.embeddings.assign(np.zeros((30, H), "float32"))
    np.testing.assert_allclose(
        _np(head(sequence, positions)), np.broadcast_to(_np(head.bias), (2, 3, 30)), atol=1e-6
    )
    config = head.get_config()
    clone = MaskedLMHead.from_config({**config, "embedding": embedding})
    assert clone.get_config() == config and clone.vocab_size == 30
    with pytest.raises(TypeError, match="Embedding"):
        MaskedLMHead(keras.layers.Dense(3))


def test_next_sentence_head_shape_dtype_and_config():
    head = NextSentenceHead(initializer_range=0.5, dtype="mixed_bfloat16")
    logits = head(np.ones((3, H), "float32"))
    assert logits.shape == (3, 2) and _dtype(logits) == "float32"
    assert head.dense.kernel.shape == (H, 2)
    clone = NextSentenceHead.from_config(head.get_config())
    assert clone.initializer_range == 0.5 and clone.get_config() == head.get_config()


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_layers_compute_in_low_precision_with_float32_weights(policy, hidden_and_mask):
    x, mask = hidden_and_mask
    block = TransformerEncoderBlock(H, N, I, dtype=policy)
    out = block(x, mask)
    assert _dtype(out) == policy.split("_")[1]
    assert all(_dtype(w) == "float32" for w in block.weights)
    reference = TransformerEncoderBlock(H, N, I)
    reference(x, mask)
    reference.set_weights(block.get_weights())
    low = _np(keras.ops.cast(out, "float32"))
    np.testing.assert_allclose(low, _np(reference(x, mask)), atol=0.1)
