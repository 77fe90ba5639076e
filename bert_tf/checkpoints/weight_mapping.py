"""`WeightMapping`: every variable of a BERT model paired with its name in a checkpoint format.

Two formats are known (see `weight_names`): ``"hf"`` (HF transformers state-dict names,
PyTorch Linear weights stored [out, in]) and ``"google"`` (the google-research/bert TF1
variable names, kernels stored [in, out] like Keras).

Example:
    >>> mapping = WeightMapping(backbone, "hf")  # doctest: +SKIP
    >>> mapping.names[:2]  # doctest: +SKIP
    ['embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight']
    >>> mapping.assign(tensors, source="model.safetensors")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import keras
import numpy as np

from bert_tf.checkpoints.checkpoint_error import CheckpointError
from bert_tf.checkpoints.weight_names import (
    Style,
    WeightEntry,
    backbone_entries,
    head_entries,
    hf_architecture,
)
from bert_tf.models import BertBackbone, BertPretrainer


def is_pretrainer(model: Any) -> bool:
    """True for a `BertPretrainer` (backbone + MLM and NSP heads)."""
    return isinstance(model, BertPretrainer)


def _shape(entry: WeightEntry) -> tuple[int, ...]:
    shape = tuple(int(d) for d in entry.variable.shape)
    return shape[::-1] if entry.transpose else shape


class WeightMapping:
    """Every variable of a built BERT model, named for a checkpoint format.

    Models: `BertBackbone` and `BertPretrainer` (both formats), `BertClassifier`,
    `BertTokenClassifier` and `BertSpanLabeler` (HF only). HF names of a model with a head
    carry the ``bert.`` prefix on the backbone; those of a bare backbone do not (as `BertModel`
    writes them). Construction checks that the table covers each variable exactly once, so a
    load that passes `assign` has set the whole model (or the head, with ``heads_only``).

    Args:
        model: a built bert_tf model.
        style: ``"hf"`` or ``"google"``.
        heads_only: name only the head's variables (to load a head onto a loaded backbone).

    Example:
        >>> mapping = WeightMapping(pretrainer, "google")  # doctest: +SKIP
        >>> "cls/seq_relationship/output_weights" in mapping.names  # doctest: +SKIP
        True
    """

    def __init__(self, model: Any, style: Style, heads_only: bool = False) -> None:
        if style not in ("hf", "google"):
            raise ValueError(f"style must be 'hf' or 'google', got {style!r}")
        hf_architecture(model)  # TypeError for a model that is not a bert_tf BERT model
        self.model = model
        self.style = style
        heads = head_entries(model, style)
        bare = isinstance(model, BertBackbone)
        backbone = model if bare else model.backbone
        backbone_part = (
            [] if heads_only else list(backbone_entries(backbone, style, "" if bare else "bert."))
        )
        self.entries: list[WeightEntry] = backbone_part + heads
        covered = model.weights
        if heads_only and not bare:
            inside = {id(v) for v in model.backbone.weights}
            covered = [v for v in model.weights if id(v) not in inside]
        self._check_covers(covered)

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def _check_covers(self, variables: list[Any]) -> None:
        model_vars = {id(v): v for v in variables}
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

    def assign(
        self,
        tensors: Mapping[str, np.ndarray],
        source: str,
        allow_missing: Collection[str] = (),
    ) -> list[str]:
        """Set the model's variables from ``tensors`` (checkpoint name -> array).

        All problems are collected first and raised together, before any variable changes.

        Args:
            tensors: the checkpoint's arrays by name.
            source: the file named in errors.
            allow_missing: names that may be absent; their variables keep their fresh
                initialisation (e.g. the pooler of a `BertForMaskedLM` file).

        Returns:
            The names in ``allow_missing`` that were absent (left initialised).

        Raises:
            CheckpointError: a weight is missing, unexpected, or has the wrong shape.
        """
        expected = set(self.names)
        allowed = set(allow_missing)
        absent = [name for name in self.names if name not in tensors]
        problems = [f"missing weight {name!r}" for name in absent if name not in allowed]
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
            if entry.name not in tensors:
                continue
            value = np.asarray(tensors[entry.name])
            value = value.T if entry.transpose else value
            entry.variable.assign(
                value.astype(keras.backend.standardize_dtype(entry.variable.dtype))
            )
        return absent

    def collect(self) -> dict[str, np.ndarray]:
        """The model's weights as checkpoint name -> float32 array, in checkpoint layout."""
        out = {}
        for entry in self.entries:
            value = np.asarray(keras.ops.convert_to_numpy(entry.variable), dtype=np.float32)
            out[entry.name] = np.ascontiguousarray(value.T if entry.transpose else value)
        return out
