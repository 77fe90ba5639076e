"""`WeightMapping`: every variable of a BERT model paired with its name in a checkpoint format.

Two formats are known: ``"hf"`` (HF transformers `BertModel` / `BertForPreTraining` state-dict
names, PyTorch Linear weights stored [out, in]) and ``"google"`` (the google-research/bert TF1
variable names, kernels stored [in, out] like Keras).

Example:
    >>> mapping = WeightMapping(backbone, "hf")  # doctest: +SKIP
    >>> mapping.names[:2]  # doctest: +SKIP
    ['embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight']
    >>> mapping.assign(tensors, source="model.safetensors")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, NamedTuple

import keras
import numpy as np

from bert_tf.checkpoints.checkpoint_error import CheckpointError

Style = Literal["hf", "google"]


class WeightEntry(NamedTuple):
    name: str  # the weight's name in the checkpoint
    variable: Any  # the keras.Variable it fills
    transpose: bool  # stored transposed relative to the Keras variable


def is_pretrainer(model: Any) -> bool:
    """True for a `BertPretrainer` (backbone + MLM and NSP heads), False for a backbone."""
    return hasattr(model, "backbone") and hasattr(model, "mlm_head")


def _dense(layer: Any, hf: str, google: str, style: Style) -> Iterator[WeightEntry]:
    if style == "hf":
        yield WeightEntry(f"{hf}.weight", layer.kernel, True)
        yield WeightEntry(f"{hf}.bias", layer.bias, False)
    else:
        yield WeightEntry(f"{google}/kernel", layer.kernel, False)
        yield WeightEntry(f"{google}/bias", layer.bias, False)


def _norm(layer: Any, hf: str, google: str, style: Style) -> Iterator[WeightEntry]:
    if style == "hf":
        yield WeightEntry(f"{hf}.weight", layer.gamma, False)
        yield WeightEntry(f"{hf}.bias", layer.beta, False)
    else:
        yield WeightEntry(f"{google}/gamma", layer.gamma, False)
        yield WeightEntry(f"{google}/beta", layer.beta, False)


def _backbone_entries(backbone: Any, style: Style, hf_prefix: str) -> Iterator[WeightEntry]:
    p, g = hf_prefix, "bert"
    emb = backbone.embeddings
    for table in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
        variable = getattr(emb, table).embeddings
        name = f"{p}embeddings.{table}.weight" if style == "hf" else f"{g}/embeddings/{table}"
        yield WeightEntry(name, variable, False)
    yield from _norm(emb.layer_norm, f"{p}embeddings.LayerNorm", f"{g}/embeddings/LayerNorm", style)
    for i, block in enumerate(backbone.encoder_layers):
        hf, gl = f"{p}encoder.layer.{i}", f"{g}/encoder/layer_{i}"
        attention = block.attention
        for part in ("query", "key", "value"):
            layer = getattr(attention, part)
            yield from _dense(
                layer, f"{hf}.attention.self.{part}", f"{gl}/attention/self/{part}", style
            )
        yield from _dense(
            attention.output_dense,
            f"{hf}.attention.output.dense",
            f"{gl}/attention/output/dense",
            style,
        )
        yield from _norm(
            block.attention_layer_norm,
            f"{hf}.attention.output.LayerNorm",
            f"{gl}/attention/output/LayerNorm",
            style,
        )
        yield from _dense(
            block.intermediate, f"{hf}.intermediate.dense", f"{gl}/intermediate/dense", style
        )
        yield from _dense(block.output_dense, f"{hf}.output.dense", f"{gl}/output/dense", style)
        yield from _norm(
            block.output_layer_norm, f"{hf}.output.LayerNorm", f"{gl}/output/LayerNorm", style
        )
    yield from _dense(backbone.pooler, f"{p}pooler.dense", f"{g}/pooler/dense", style)


def _head_entries(pretrainer: Any, style: Style) -> Iterator[WeightEntry]:
    mlm, nsp = pretrainer.mlm_head, pretrainer.nsp_head
    hf, gl = "cls.predictions", "cls/predictions"
    yield from _dense(mlm.transform, f"{hf}.transform.dense", f"{gl}/transform/dense", style)
    yield from _norm(
        mlm.layer_norm, f"{hf}.transform.LayerNorm", f"{gl}/transform/LayerNorm", style
    )
    yield WeightEntry(f"{hf}.bias" if style == "hf" else f"{gl}/output_bias", mlm.bias, False)
    # The NSP classifier is stored [2, H] in both formats (a Keras Dense kernel is [H, 2]).
    if style == "hf":
        yield WeightEntry("cls.seq_relationship.weight", nsp.dense.kernel, True)
        yield WeightEntry("cls.seq_relationship.bias", nsp.dense.bias, False)
    else:
        yield WeightEntry("cls/seq_relationship/output_weights", nsp.dense.kernel, True)
        yield WeightEntry("cls/seq_relationship/output_bias", nsp.dense.bias, False)


def _shape(entry: WeightEntry) -> tuple[int, ...]:
    shape = tuple(int(d) for d in entry.variable.shape)
    return shape[::-1] if entry.transpose else shape


class WeightMapping:
    """Every variable of a built `BertBackbone` or `BertPretrainer`, named for a checkpoint format.

    HF names of a pretrainer carry the ``bert.`` prefix on the backbone (as `BertForPreTraining`
    writes them); those of a bare backbone do not (as `BertModel` writes them). Construction
    checks that the table covers each model variable exactly once, so a load that passes
    `assign` has set the whole model.

    Args:
        model: a built `BertBackbone` or `BertPretrainer`.
        style: ``"hf"`` or ``"google"``.

    Example:
        >>> mapping = WeightMapping(pretrainer, "google")  # doctest: +SKIP
        >>> "cls/seq_relationship/output_weights" in mapping.names  # doctest: +SKIP
        True
    """

    def __init__(self, model: Any, style: Style) -> None:
        if style not in ("hf", "google"):
            raise ValueError(f"style must be 'hf' or 'google', got {style!r}")
        self.model = model
        self.style = style
        if not is_pretrainer(model) and not hasattr(model, "encoder_layers"):
            hint = "; save its .backbone" if hasattr(model, "backbone") else ""
            raise TypeError(
                f"expected a BertBackbone or BertPretrainer, got {type(model).__name__}{hint}"
            )
        if is_pretrainer(model):
            entries = [
                *_backbone_entries(model.backbone, style, "bert."),
                *_head_entries(model, style),
            ]
        else:
            entries = list(_backbone_entries(model, style, ""))
        self.entries: list[WeightEntry] = entries
        self._check_covers_model()

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def _check_covers_model(self) -> None:
        model_vars = {id(v): v for v in self.model.weights}
        seen: dict[int, str] = {}
        problems = []
        for entry in self.entries:
            key = id(entry.variable)
            if key in seen:
                problems.append(f"{entry.name!r} and {seen[key]!r} map to the same variable")
            seen[key] = entry.name
            if key not in model_vars:
                problems.append(f"{entry.name!r} maps to a variable outside the model")
        for key, variable in model_vars.items():
            if key not in seen:
                problems.append(f"model variable {variable.path!r} has no checkpoint name")
        if problems:
            raise CheckpointError(f"the {self.style} weight table", problems)

    def assign(self, tensors: Mapping[str, np.ndarray], source: str) -> None:
        """Set every model variable from ``tensors`` (checkpoint name -> array).

        All problems are collected first and raised together, before any variable changes.

        Raises:
            CheckpointError: a weight is missing, unexpected, or has the wrong shape.
        """
        expected = {entry.name for entry in self.entries}
        problems = [f"missing weight {name!r}" for name in self.names if name not in tensors]
        problems += [
            f"unexpected weight {name!r} with shape {tuple(np.shape(value))}"
            for name, value in tensors.items()
            if name not in expected
        ]
        for entry in self.entries:
            if entry.name in tensors:
                got, want = tuple(np.shape(tensors[entry.name])), _shape(entry)
                if got != want:
                    problems.append(
                        f"weight {entry.name!r} has shape {got} in the checkpoint but the model "
                        f"expects {want}"
                    )
        if problems:
            raise CheckpointError(source, problems)
        for entry in self.entries:
            value = np.asarray(tensors[entry.name])
            value = value.T if entry.transpose else value
            entry.variable.assign(
                value.astype(keras.backend.standardize_dtype(entry.variable.dtype))
            )

    def collect(self) -> dict[str, np.ndarray]:
        """The model's weights as checkpoint name -> float32 array, in checkpoint layout."""
        out = {}
        for entry in self.entries:
            value = np.asarray(keras.ops.convert_to_numpy(entry.variable), dtype=np.float32)
            out[entry.name] = np.ascontiguousarray(value.T if entry.transpose else value)
        return out
