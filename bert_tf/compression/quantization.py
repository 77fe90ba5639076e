"""`quantize_int8`: post-training int8 weights for the Dense layers of a task model's encoder.

Each plain `keras.layers.Dense` inside the backbone (query/key/value, attention output,
intermediate and output of every encoder layer, and the pooler) goes through Keras 3's own
`Dense.quantize("int8")`: the kernel becomes int8 with one abs-max scale per output unit, and
each call quantizes its inputs on the fly (one abs-max scale per row), multiplies int8 x int8
into int32 (`BatchMatMulV3`, Ta=Tb=int8, Tout=int32) and scales back to float32. Embeddings,
LayerNorms, the attention softmax and the task head stay float32 (the head's logits keep
full precision). The quantization is a pure function of the float weights, so quantizing the
same float model again gives the same int8 model bit for bit.

Serving: an int8 export adds four core TensorFlow ops to the graph, `INT8_SERVING_OPS`
(`Abs`, `Round` of the input quantizer, `BatchMatMulV3` of the int8 matmul, `IdentityN` of
Keras's custom gradient). TensorFlow 2.16 registers all four, with a CPU kernel of
`BatchMatMulV3` for int8 x int8 -> int32, so the tensorflow/serving:2.16.1 image (TF 2.16's
core kernels) can run it; `serving_ops.txt` does not list them yet, and
`check_serving_ops` names exactly these four until it does.

Cost: int8 saves weight memory (all-MiniLM-L6-v2: 90.9 MB -> 58.6 MB of variables; the
embeddings stay float32), not CPU time everywhere: on an AVX2-only CPU (AMD EPYC, no
AVX-512 VNNI or AMX) TensorFlow's int8 matmul ran about 3x slower than float32 (batch
32 x 128 tokens). Accuracy there: sequence output cosine 0.993 to the float model.

Not kept: an int8 model does not round-trip through `model.keras` (the backbone rebuilds
float Dense layers from its `BertConfig` and refuses the int8 variables), so a run directory
keeps the float model and records the quantization; `bert_tf.compression.compress_run`
quantizes again on load.

Example:
    >>> import numpy as np
    >>> from bert_tf.models import BertBackbone, BertClassifier
    >>> backbone = BertBackbone.from_preset("bert_tiny", vocab_size=100, hidden_size=32,
    ...                                     num_heads=2, intermediate_size=64)
    >>> model = BertClassifier(backbone, num_classes=2)
    >>> int8 = quantize_int8(model)
    >>> len(quantized_layers(int8)), len(quantized_layers(model))  # 2 layers x 6 + pooler
    (13, 0)
    >>> ids = np.array([[2, 7, 9, 3]], "int32")
    >>> x = {"input_word_ids": ids, "input_mask": ids > 0, "input_type_ids": 0 * ids}
    >>> bool(np.abs(np.asarray(int8(x)) - np.asarray(model(x))).max() < 0.01)
    True
"""

from __future__ import annotations

from typing import Any

import keras

INT8 = "int8"
# Core TensorFlow ops an int8 export adds to a float export's graph (see the module docstring).
INT8_SERVING_OPS = ("Abs", "BatchMatMulV3", "IdentityN", "Round")


def _backbone(model: Any) -> Any:
    return getattr(model, "backbone", model)  # a task model's, or a BertBackbone itself


def encoder_dense_layers(model: Any) -> list[keras.layers.Dense]:
    """The plain `Dense` layers inside the backbone of `model` (the ones `quantize_int8` takes)."""
    layers = _backbone(model)._flatten_layers(include_self=False, recursive=True)
    return [layer for layer in layers if type(layer) is keras.layers.Dense]


def quantized_layers(model: Any) -> list[str]:
    """Paths of the layers of `model` that hold int8 weights."""
    layers = model._flatten_layers(include_self=False, recursive=True)
    return [layer.path for layer in layers if getattr(layer, "quantization_mode", None) == INT8]


def copy_model(model: Any) -> Any:
    """A new task model (or backbone) of the same class, config and weights."""
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def quantize_int8(model: Any, in_place: bool = False) -> Any:
    """`model` with int8 encoder Dense layers (see the module docstring).

    Args:
        model: a float task model (`BertClassifier`, `BertSpanLabeler`, ...) or `BertBackbone`.
        in_place: quantize `model` itself instead of a copy (saves memory on large models).

    Returns:
        The quantized model (a copy unless `in_place`); Keras's predict/train functions are
        reset so the next call traces the int8 graph.
    """
    if quantized_layers(model):
        raise ValueError(f"{model.name} is already quantized")
    target = model if in_place else copy_model(model)
    for layer in encoder_dense_layers(target):
        layer.quantize(INT8)
    target.train_function = target.test_function = target.predict_function = None
    return target


def parameter_bytes(model: Any) -> int:
    """Bytes of the model's variables as stored (int8 kernels count one byte a weight)."""
    return int(sum(v.numpy().nbytes for v in model.variables))


__all__ = [
    "INT8_SERVING_OPS",
    "copy_model",
    "encoder_dense_layers",
    "parameter_bytes",
    "quantize_int8",
    "quantized_layers",
]
