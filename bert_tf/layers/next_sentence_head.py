"""`NextSentenceHead`: the binary IsNext / NotNext classifier on the pooled output."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from bert_tf.layers._utils import truncated_normal


@keras.saving.register_keras_serializable(package="bert_tf")
class NextSentenceHead(keras.layers.Layer):
    """`Dense(2)` on the pooled [CLS] vector; label 0 = B follows A, 1 = B is random.

    Args:
        initializer_range: stddev of the truncated-normal kernel initializer.

    Example:
        >>> import numpy as np
        >>> head = NextSentenceHead()
        >>> tuple(head(np.random.rand(3, 16).astype("float32")).shape)
        (3, 2)
    """

    def __init__(self, initializer_range: float = 0.02, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.initializer_range = initializer_range
        self.dense = keras.layers.Dense(
            2,
            kernel_initializer=truncated_normal(initializer_range),
            dtype=self.dtype_policy,
            name="dense",
        )

    def build(self, pooled_shape: tuple) -> None:
        self.dense.build(pooled_shape)
        self.built = True

    def call(self, pooled_output: Any) -> Any:
        return ops.cast(self.dense(pooled_output), "float32")  # [B, H] -> [B, 2] float32

    def compute_output_shape(self, pooled_shape: tuple) -> tuple:
        return tuple(pooled_shape[:-1]) + (2,)

    def compute_output_spec(self, pooled_output: Any) -> Any:
        return keras.KerasTensor(self.compute_output_shape(pooled_output.shape), dtype="float32")

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(initializer_range=self.initializer_range)
        return config
