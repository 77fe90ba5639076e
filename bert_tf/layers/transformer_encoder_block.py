"""`TransformerEncoderBlock`: one post-LayerNorm BERT encoder layer."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from bert_tf.layers._utils import activation_fn, truncated_normal
from bert_tf.layers.multi_head_self_attention import MultiHeadSelfAttention


@keras.saving.register_keras_serializable(package="bert_tf")
class TransformerEncoderBlock(keras.layers.Layer):
    """Self-attention and feed-forward sub-layers, each followed by residual + LayerNorm.

    Exactly BERT's post-LN order: `x = LN(x + Drop(Attn(x)))`, then
    `x = LN(x + Drop(Dense_out(act(Dense_in(x)))))`.

    Args:
        hidden_size: width H of the inputs and outputs.
        num_heads: attention heads.
        intermediate_size: width of the feed-forward inner layer.
        hidden_act: "gelu" (exact erf), "gelu_approximate" (tanh) or "relu".
        dropout: dropout on the attention output and the feed-forward output.
        attention_dropout: dropout on the attention probabilities.
        layer_norm_eps: epsilon of both LayerNorms.
        initializer_range: stddev of the truncated-normal kernel initializer.

    Example:
        >>> import numpy as np
        >>> block = TransformerEncoderBlock(hidden_size=16, num_heads=2, intermediate_size=32)
        >>> x = np.random.rand(2, 5, 16).astype("float32")
        >>> tuple(block(x, np.ones((2, 5), "int32")).shape)
        (2, 5, 16)
    """

    def __init__(
        self,
        hidden_size: int,
        num_heads: int,
        intermediate_size: int,
        hidden_act: str = "gelu",
        dropout: float = 0.1,
        attention_dropout: float = 0.1,
        layer_norm_eps: float = 1e-12,
        initializer_range: float = 0.02,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.intermediate_size = intermediate_size
        self.hidden_act = hidden_act
        self.dropout = dropout
        self.attention_dropout = attention_dropout
        self.layer_norm_eps = layer_norm_eps
        self.initializer_range = initializer_range
        self._activation = activation_fn(hidden_act)
        init = truncated_normal(initializer_range)
        policy = self.dtype_policy
        self.attention = MultiHeadSelfAttention(
            hidden_size,
            num_heads,
            attention_dropout,
            initializer_range,
            dtype=policy,
            name="attention",
        )
        self.attention_dropout_layer = keras.layers.Dropout(dropout, dtype=policy)
        self.attention_layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_eps, dtype=policy, name="attention_layer_norm"
        )
        self.intermediate = keras.layers.Dense(
            intermediate_size, kernel_initializer=init, dtype=policy, name="intermediate"
        )
        self.output_dense = keras.layers.Dense(
            hidden_size, kernel_initializer=init, dtype=policy, name="output_dense"
        )
        self.output_dropout_layer = keras.layers.Dropout(dropout, dtype=policy)
        self.output_layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_eps, dtype=policy, name="output_layer_norm"
        )

    def build(self, inputs_shape: tuple, padding_mask_shape: tuple | None = None) -> None:
        inputs_shape = tuple(inputs_shape)
        self.attention.build(inputs_shape)
        self.attention_layer_norm.build(inputs_shape)
        self.intermediate.build(inputs_shape)
        self.output_dense.build(inputs_shape[:-1] + (self.intermediate_size,))
        self.output_layer_norm.build(inputs_shape)
        self.built = True

    def call(self, inputs: Any, padding_mask: Any = None, training: bool | None = None) -> Any:
        # inputs: [B, T, H]; padding_mask: [B, T] with 1 = real token.
        attended = self.attention(inputs, padding_mask, training=training)  # [B, T, H]
        attended = self.attention_dropout_layer(attended, training=training)
        x = self.attention_layer_norm(inputs + attended)  # [B, T, H]
        # The feed-forward part is position-wise: run it on [B*T, H] so that both dense layers
        # are plain matmuls (forward and kernel gradient), not broadcast batch matmuls.
        flat = ops.reshape(x, (-1, self.hidden_size))  # [B*T, H]
        hidden = self._activation(self.intermediate(flat))  # [B*T, I]
        hidden = self.output_dense(hidden)  # [B*T, H]
        hidden = self.output_dropout_layer(hidden, training=training)
        return self.output_layer_norm(x + ops.reshape(hidden, ops.shape(x)))  # [B, T, H]

    def compute_output_shape(self, inputs_shape: tuple, padding_mask_shape=None) -> tuple:
        return tuple(inputs_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            hidden_size=self.hidden_size,
            num_heads=self.num_heads,
            intermediate_size=self.intermediate_size,
            hidden_act=self.hidden_act,
            dropout=self.dropout,
            attention_dropout=self.attention_dropout,
            layer_norm_eps=self.layer_norm_eps,
            initializer_range=self.initializer_range,
        )
        return config
