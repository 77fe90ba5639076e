"""`MaskedLMHead`: BERT's masked-LM output layer, tied to the word embeddings."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from bert_tf.layers._utils import activation_fn, truncated_normal


@keras.saving.register_keras_serializable(package="bert_tf")
class MaskedLMHead(keras.layers.Layer):
    """Predicts the vocabulary distribution at the masked positions only.

    `Dense(H) -> activation -> LayerNorm`, then a projection onto the vocabulary whose
    weight is the (transposed) word-embedding table of the backbone plus an own bias `[V]`.
    Gathering the `P` masked positions first keeps the `[., V]` projection small.
    Logits are float32 under any dtype policy.

    Args:
        embedding: the backbone's word `keras.layers.Embedding` (`[V, H]`) to tie to. Not
            part of `get_config`; pass it again when rebuilding from a config.
        hidden_act: "gelu" (exact erf), "gelu_approximate" or "relu".
        layer_norm_eps: epsilon of the LayerNorm.
        initializer_range: stddev of the truncated-normal kernel initializer.

    Example:
        >>> import numpy as np
        >>> embedding = keras.layers.Embedding(100, 16)
        >>> embedding.build((None,))
        >>> head = MaskedLMHead(embedding)
        >>> x = np.random.rand(2, 8, 16).astype("float32")
        >>> tuple(head(x, np.array([[1, 3], [0, 7]], "int32")).shape)
        (2, 2, 100)
    """

    def __init__(
        self,
        embedding: keras.layers.Embedding,
        hidden_act: str = "gelu",
        layer_norm_eps: float = 1e-12,
        initializer_range: float = 0.02,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(embedding, keras.layers.Embedding):
            raise TypeError(
                "MaskedLMHead needs the backbone's word keras.layers.Embedding to tie its "
                f"output projection to, got {type(embedding).__name__}"
            )
        self.embedding = embedding
        self.hidden_act = hidden_act
        self.layer_norm_eps = layer_norm_eps
        self.initializer_range = initializer_range
        self.vocab_size = embedding.input_dim
        self.hidden_size = embedding.output_dim
        self._activation = activation_fn(hidden_act)
        self.transform = keras.layers.Dense(
            self.hidden_size,
            kernel_initializer=truncated_normal(initializer_range),
            dtype=self.dtype_policy,
            name="transform",
        )
        self.layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_eps, dtype=self.dtype_policy, name="layer_norm"
        )

    def build(self, sequence_output_shape: tuple, masked_positions_shape: tuple | None = None):
        self.transform.build((None, None, self.hidden_size))
        self.layer_norm.build((None, None, self.hidden_size))
        self.bias = self.add_weight(name="bias", shape=(self.vocab_size,), initializer="zeros")
        self.built = True

    def call(self, sequence_output: Any, masked_positions: Any) -> Any:
        # sequence_output: [B, T, H]; masked_positions: [B, P] int indices into T.
        positions = ops.cast(masked_positions, "int32")[:, :, None]  # [B, P, 1]
        x = ops.take_along_axis(sequence_output, positions, axis=1)  # [B, P, H]
        batch, predictions = ops.shape(x)[0], ops.shape(x)[1]
        x = ops.reshape(x, (-1, self.hidden_size))  # [B*P, H]
        x = self.layer_norm(self._activation(self.transform(x)))  # [B*P, H]
        table = ops.cast(self.embedding.embeddings, self.compute_dtype)  # [V, H]
        # A 2-D product: its table gradient is one [V, B*P] @ [B*P, H] matmul. The same product
        # on [B, P, H] is a broadcast batch matmul whose table gradient materialises B partial
        # [V, H] tables and sums them (1 GB per step for bert_mini at batch 32).
        logits = ops.matmul(x, ops.transpose(table))  # [B*P, V]
        logits = ops.cast(logits, "float32") + ops.cast(self.bias, "float32")
        return ops.reshape(logits, (batch, predictions, self.vocab_size))  # [B, P, V] float32

    def compute_output_shape(self, sequence_output_shape: tuple, masked_positions_shape: tuple):
        return tuple(masked_positions_shape) + (self.vocab_size,)

    def compute_output_spec(self, sequence_output: Any, masked_positions: Any) -> Any:
        shape = tuple(masked_positions.shape) + (self.vocab_size,)
        return keras.KerasTensor(shape, dtype="float32")

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            hidden_act=self.hidden_act,
            layer_norm_eps=self.layer_norm_eps,
            initializer_range=self.initializer_range,
        )
        return config
