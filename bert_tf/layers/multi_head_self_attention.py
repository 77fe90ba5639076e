"""`MultiHeadSelfAttention`: BERT's scaled dot-product self-attention with a padding mask."""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import ops

from bert_tf.layers._utils import truncated_normal


@keras.saving.register_keras_serializable(package="bert_tf")
class MultiHeadSelfAttention(keras.layers.Layer):
    """Multi-head self-attention in which no position attends to padding.

    Query, key and value are separate `Dense(H)` layers (kernels `[H, H]`, as in BERT
    checkpoints); scores are scaled by `1/sqrt(head_size)` and padded keys are excluded,
    which equals the additive `-inf`-like mask of the reference implementations. Without
    active attention dropout the fused `keras.ops.dot_product_attention` is used; while
    training with `attention_dropout > 0` an explicit path applies dropout to the attention
    probabilities. In bfloat16 or float16 on the TensorFlow backend the explicit path runs
    both products as batch matmuls (softmax in float32): TensorFlow's half-precision `Einsum`
    kernel is 8-11x slower than its float32 one on CPU (attention was half of a bf16 forward
    pass of all-MiniLM-L6-v2), while its bf16 `BatchMatMul` keeps up with float32.

    Args:
        hidden_size: width H of the inputs and outputs.
        num_heads: number of heads; must divide `hidden_size`.
        attention_dropout: dropout rate on the attention probabilities.
        initializer_range: stddev of the truncated-normal kernel initializer.

    Example:
        >>> import numpy as np
        >>> layer = MultiHeadSelfAttention(hidden_size=16, num_heads=2)
        >>> x = np.random.rand(1, 4, 16).astype("float32")
        >>> tuple(layer(x, np.array([[1, 1, 1, 0]])).shape)
        (1, 4, 16)
    """

    def __init__(
        self,
        hidden_size: int,
        num_heads: int,
        attention_dropout: float = 0.1,
        initializer_range: float = 0.02,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if hidden_size % num_heads:
            raise ValueError(f"hidden_size={hidden_size} is not divisible by num_heads={num_heads}")
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.initializer_range = initializer_range
        self.head_size = hidden_size // num_heads

        def dense(name: str) -> keras.layers.Dense:
            return keras.layers.Dense(
                hidden_size,
                kernel_initializer=truncated_normal(initializer_range),
                dtype=self.dtype_policy,
                name=name,
            )

        self.query = dense("query")
        self.key = dense("key")
        self.value = dense("value")
        self.output_dense = dense("output_dense")
        self.dropout_layer = keras.layers.Dropout(attention_dropout, dtype=self.dtype_policy)

    def build(self, inputs_shape: tuple, padding_mask_shape: tuple | None = None) -> None:
        for layer in (self.query, self.key, self.value, self.output_dense):
            layer.build(inputs_shape)
        self.built = True

    def call(self, inputs: Any, padding_mask: Any = None, training: bool | None = None) -> Any:
        # inputs: [B, T, H]; padding_mask: [B, T], 1 = real token, 0 = padding.
        batch, length = ops.shape(inputs)[0], ops.shape(inputs)[1]
        # Projections run on [B*T, H]: one plain matmul each, whose kernel gradient is a single
        # matmul too (a [B, T, H] @ [H, H] product is a broadcast batch matmul on TensorFlow,
        # and its kernel gradient sums B partial products).
        flat = ops.reshape(inputs, (-1, self.hidden_size))  # [B*T, H]
        heads = (batch, length, self.num_heads, self.head_size)
        q = ops.reshape(self.query(flat), heads)  # [B, T, N, D]
        k = ops.reshape(self.key(flat), heads)  # [B, S, N, D] (S = T)
        v = ops.reshape(self.value(flat), heads)  # [B, S, N, D]
        mask = None
        if padding_mask is not None:
            mask = ops.cast(padding_mask, "bool")[:, None, None, :]  # [B, 1, 1, S]
        scale = 1.0 / math.sqrt(self.head_size)
        if (training and self.attention_dropout > 0) or self._half_on_tensorflow():
            context = self._attend(q, k, v, mask, scale, training)
        else:
            context = ops.dot_product_attention(q, k, v, mask=mask, scale=scale)  # [B, T, N, D]
        context = ops.reshape(context, (-1, self.hidden_size))  # [B*T, H]
        return ops.reshape(self.output_dense(context), (batch, length, self.hidden_size))

    def _half_on_tensorflow(self) -> bool:
        return keras.backend.backend() == "tensorflow" and self.compute_dtype in (
            "bfloat16",
            "float16",
        )

    def _attend(self, q, k, v, mask, scale: float, training) -> Any:
        """Attention with dropout on the probabilities (active only while training)."""
        batched = self._half_on_tensorflow()
        if batched:  # [B, N, T, D] @ [B, N, D, S]
            scores = ops.matmul(ops.transpose(q, (0, 2, 1, 3)), ops.transpose(k, (0, 2, 3, 1)))
        else:
            scores = ops.einsum("btnd,bsnd->bnts", q, k)  # [B, N, T, S]
        scores = ops.cast(scores, "float32") * scale  # softmax always in float32
        if mask is not None:
            # Padded keys get zero probability: exp(score - 1e9) underflows to exactly 0. An
            # additive [B, 1, 1, S] bias (as in BERT) rather than `where` on [B, N, T, S]: its
            # gradient passes through unchanged instead of costing another masked copy.
            scores = scores + (1.0 - ops.cast(mask, "float32")) * -1e9  # [B, N, T, S]
        probs = ops.cast(ops.softmax(scores, axis=-1), q.dtype)  # [B, N, T, S]
        probs = self.dropout_layer(probs, training=training)
        if batched:  # [B, N, T, S] @ [B, N, S, D] -> [B, N, T, D] -> [B, T, N, D]
            return ops.transpose(ops.matmul(probs, ops.transpose(v, (0, 2, 1, 3))), (0, 2, 1, 3))
        return ops.einsum("bnts,bsnd->btnd", probs, v)  # [B, T, N, D]

    def compute_output_shape(self, inputs_shape: tuple, padding_mask_shape=None) -> tuple:
        return tuple(inputs_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            hidden_size=self.hidden_size,
            num_heads=self.num_heads,
            attention_dropout=self.attention_dropout,
            initializer_range=self.initializer_range,
        )
        return config
