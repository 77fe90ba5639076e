"""Small helpers shared by the layers: initializers and activations from a `BertConfig`."""

from __future__ import annotations

from collections.abc import Callable

import keras


def truncated_normal(stddev: float) -> keras.initializers.Initializer:
    """BERT's weight initializer: truncated normal with the config's `initializer_range`."""
    return keras.initializers.TruncatedNormal(stddev=stddev)


def activation_fn(name: str) -> Callable:
    """Maps `BertConfig.hidden_act` to a function; "gelu" is the exact erf form, as in BERT."""
    if name == "gelu":
        return lambda x: keras.activations.gelu(x, approximate=False)
    if name == "gelu_approximate":
        return lambda x: keras.activations.gelu(x, approximate=True)
    if name == "relu":
        return keras.activations.relu
    raise ValueError(f"unknown hidden_act {name!r}; use gelu, gelu_approximate or relu")
