"""Build the bert_tf task model that holds an HF checkpoint's head (`LoadedCheckpoint.task_model`).

HF class -> bert_tf model: `BertForSequenceClassification` -> `BertClassifier`,
`BertForTokenClassification` -> `BertTokenClassifier`, `BertForQuestionAnswering` ->
`BertSpanLabeler`, and the pre-training classes -> `BertPretrainer`.

Example:
    >>> classifier = build_task_model(load_hf_checkpoint("sst2-bert/"))  # doctest: +SKIP
    >>> classifier.num_classes  # doctest: +SKIP
    2
"""

from __future__ import annotations

import warnings
from typing import Any

from bert_tf.checkpoints.checkpoint_error import CheckpointError
from bert_tf.checkpoints.checkpoint_warning import CheckpointWarning
from bert_tf.checkpoints.hf_layout import LAYOUTS, absent_parts
from bert_tf.checkpoints.weight_mapping import WeightMapping
from bert_tf.models import (
    BertClassifier,
    BertPretrainer,
    BertSpanLabeler,
    BertTokenClassifier,
)


def _num_labels(loaded: Any) -> int:
    weight = loaded.head_weights.get("classifier.weight")
    if weight is None:
        raise CheckpointError(loaded.source, ["missing weight 'classifier.weight'"])
    rows = int(weight.shape[0])
    if loaded.id2label is not None and len(loaded.id2label) != rows:
        raise CheckpointError(
            loaded.source,
            [f"config.json id2label has {len(loaded.id2label)} labels, 'classifier.weight' {rows}"],
        )
    return rows


def build_task_model(loaded: Any, strict: bool = False) -> Any:
    """A task model around ``loaded.backbone`` with the head weights of ``loaded``.

    Raises:
        ValueError: no head a bert_tf task model holds (the message says what the file is).
        CheckpointError: head weights missing (always for classification/QA heads; for a
            pre-training head only when ``strict``), unexpected, or of the wrong shape.
    """
    if loaded.task is not None:
        return loaded.task  # a .keras file's own task model
    if loaded.has_heads:
        return loaded.model  # already the pre-trainer with the file's heads
    layout = LAYOUTS.get(loaded.architecture or "")
    if layout is None or layout.task is None or not loaded.head_weights:
        kind = f"a {loaded.architecture} checkpoint" if loaded.architecture else "this checkpoint"
        raise ValueError(
            f"{loaded.source}: {kind} has no head that a bert_tf task model holds; "
            "use .backbone (task heads: BertForSequenceClassification, "
            "BertForTokenClassification, BertForQuestionAnswering, BertForPreTraining, "
            "BertForMaskedLM, BertForNextSentencePrediction)"
        )
    backbone = loaded.backbone
    dropout = loaded.classifier_dropout
    dropout = backbone.config.dropout if dropout is None else dropout
    if layout.task == "pretraining":
        model: Any = BertPretrainer(backbone)
    elif layout.task == "span":
        model = BertSpanLabeler(backbone)
    elif layout.task == "classification":
        model = BertClassifier(backbone, num_classes=_num_labels(loaded), dropout=dropout)
    else:
        model = BertTokenClassifier(backbone, num_classes=_num_labels(loaded), dropout=dropout)
    mapping = WeightMapping(model, "hf", heads_only=True)
    optional = [] if strict else absent_parts(mapping.names, loaded.head_weights)
    absent = mapping.assign(loaded.head_weights, loaded.source, allow_missing=optional)
    if absent:
        warnings.warn(
            f"{loaded.source}: a {layout.architecture} file has no {', '.join(absent)}; "
            f"{type(model).__name__} keeps them freshly initialised",
            CheckpointWarning,
            stacklevel=3,
        )
    return model
