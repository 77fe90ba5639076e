"""`BertEmbeddings`: word + learned position + segment embeddings, LayerNorm, dropout."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from bert_tf.layers._utils import truncated_normal


@keras.saving.register_keras_serializable(package="bert_tf")
class BertEmbeddings(keras.layers.Layer):
    """The input representation of BERT (Devlin et al., 2018, section 3).

    Args:
        vocab_size: rows of the word embedding table.
        hidden_size: width H of every embedding.
        max_position_embeddings: longest sequence the learned positions cover.
        type_vocab_size: number of segment ids.
        dropout: dropout rate applied after the LayerNorm.
        layer_norm_eps: epsilon of the LayerNorm.
        initializer_range: stddev of the truncated-normal initializer.

    Example:
        >>> import numpy as np
        >>> layer = BertEmbeddings(vocab_size=100, hidden_size=16)
        >>> ids = np.array([[2, 5, 7]], dtype="int32")
        >>> tuple(layer(ids, np.zeros_like(ids)).shape)
        (1, 3, 16)
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        max_position_embeddings: int = 512,
        type_vocab_size: int = 2,
        dropout: float = 0.1,
        layer_norm_eps: float = 1e-12,
        initializer_range: float = 0.02,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.dropout = dropout
        self.layer_norm_eps = layer_norm_eps
        self.initializer_range = initializer_range
        init = truncated_normal(initializer_range)
        self.word_embeddings = keras.layers.Embedding(
            vocab_size,
            hidden_size,
            embeddings_initializer=init,
            dtype=self.dtype_policy,
            name="word_embeddings",
        )
        self.position_embeddings = keras.layers.Embedding(
            max_position_embeddings,
            hidden_size,
            embeddings_initializer=init,
            dtype=self.dtype_policy,
            name="position_embeddings",
        )
        self.token_type_embeddings = keras.layers.Embedding(
            type_vocab_size,
            hidden_size,
            embeddings_initializer=init,
            dtype=self.dtype_policy,
            name="token_type_embeddings",
        )
        self.layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_eps, dtype=self.dtype_policy, name="layer_norm"
        )
        self.dropout_layer = keras.layers.Dropout(dropout, dtype=self.dtype_policy)

    def build(self, input_ids_shape: tuple, token_type_ids_shape: tuple | None = None) -> None:
        self.word_embeddings.build(input_ids_shape)
        self.position_embeddings.build(input_ids_shape)
        self.token_type_embeddings.build(input_ids_shape)
        self.layer_norm.build(tuple(input_ids_shape) + (self.hidden_size,))
        self.built = True

    def call(self, input_ids: Any, token_type_ids: Any, training: bool | None = None) -> Any:
        seq_length = ops.shape(input_ids)[1]
        positions = ops.expand_dims(ops.arange(seq_length, dtype="int32"), 0)  # [1, T]
        x = self.word_embeddings(input_ids)  # [B, T, H]
        x = x + self.position_embeddings(positions)  # + [1, T, H]
        x = x + self.token_type_embeddings(token_type_ids)  # + [B, T, H]
        x = self.layer_norm(x)
        return self.dropout_layer(x, training=training)  # [B, T, H]

    def compute_output_shape(self, input_ids_shape: tuple, token_type_ids_shape=None) -> tuple:
        return tuple(input_ids_shape) + (self.hidden_size,)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            vocab_size=self.vocab_size,
            hidden_size=self.hidden_size,
            max_position_embeddings=self.max_position_embeddings,
            type_vocab_size=self.type_vocab_size,
            dropout=self.dropout,
            layer_norm_eps=self.layer_norm_eps,
            initializer_range=self.initializer_range,
        )
        return config
