"""Small helpers shared by the layers: initializers and activations from a `BertConfig`."""

from __future__ import annotations

from collections.abc import Callable

import keras

# `BertConfig.hidden_act` names. The tanh GELU has three: ours, and the two HF config names
# (`gelu_new`, `gelu_pytorch_tanh`), kept as read so that an export writes the same name.
TANH_GELU_NAMES = ("gelu_approximate", "gelu_new", "gelu_pytorch_tanh")
ACTIVATIONS = ("gelu", *TANH_GELU_NAMES, "relu", "silu")


def truncated_normal(stddev: float) -> keras.initializers.Initializer:
    """BERT's weight initializer: truncated normal with the config's `initializer_range`."""
    return keras.initializers.TruncatedNormal(stddev=stddev)


def _exact_gelu(x):
    return keras.activations.gelu(x, approximate=False)  # x * Phi(x), Phi by erf


def _tanh_gelu(x):
    # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): google-research/bert's `gelu`.
    return keras.activations.gelu(x, approximate=True)


def activation_fn(name: str) -> Callable:
    """Maps `BertConfig.hidden_act` to a function.

    ``"gelu"`` is the exact erf form (HF's ``gelu``); ``"gelu_approximate"``, ``"gelu_new"``
    and ``"gelu_pytorch_tanh"`` are the tanh approximation (google-research/bert's ``gelu``,
    keras-hub's BERT); ``"relu"``; ``"silu"`` (x * sigmoid(x), HF's ``silu``/``swish``).

    Example:
        >>> import numpy as np
        >>> float(activation_fn("gelu_new")(np.float32(1.0)))  # doctest: +ELLIPSIS
        0.8411...
    """
    if name == "gelu":
        return _exact_gelu
    if name in TANH_GELU_NAMES:
        return _tanh_gelu
    if name == "relu":
        return keras.activations.relu
    if name == "silu":
        return keras.activations.silu
    raise ValueError(f"unknown hidden_act {name!r}; use one of {', '.join(ACTIVATIONS)}")
