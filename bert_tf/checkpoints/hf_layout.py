"""`HfLayout`: the BERT layouts HF transformers writes, and a state dict split by part.

Every ``BertFor*`` class stores the encoder under ``bert.`` (`BertModel` stores it bare) and
adds its head: ``cls.predictions.*`` (masked LM), ``cls.seq_relationship.*`` (next sentence),
``classifier.*`` (sequence or token classification) or ``qa_outputs.*`` (span QA). The
classes built with ``add_pooling_layer=False`` (masked LM, token classification, QA) have no
``bert.pooler.*``. Old files spell LayerNorm weights ``gamma``/``beta``, and some store the
``position_ids`` buffer or the decoder tied to the word embeddings.

Example:
    >>> LAYOUTS["BertForMaskedLM"].has_pooler, LAYOUTS["BertForMaskedLM"].task
    (False, 'pretraining')
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from bert_tf.checkpoints.checkpoint_error import CheckpointError

HEAD_PREFIXES = ("cls.predictions.", "cls.seq_relationship.", "classifier.", "qa_outputs.")
_BUFFERS = ("embeddings.position_ids", "embeddings.token_type_ids")  # not weights
_TIED_DECODER = "cls.predictions.decoder.weight"  # = the word embeddings
_DECODER_BIAS = "cls.predictions.decoder.bias"  # = cls.predictions.bias


@dataclasses.dataclass(frozen=True)
class HfLayout:
    """One HF BERT class's file layout.

    Attributes:
        architecture: the HF class name (config.json ``architectures[0]``).
        heads: head name prefixes the class writes.
        has_pooler: whether it writes ``bert.pooler.*``.
        task: the bert_tf task model its head loads into: ``"pretraining"``
            (`BertPretrainer`), ``"classification"`` (`BertClassifier`), ``"tagging"``
            (`BertTokenClassifier`), ``"span"`` (`BertSpanLabeler`); None for none.
    """

    architecture: str
    heads: tuple[str, ...]
    has_pooler: bool
    task: str | None


_CLS_MLM, _CLS_NSP = "cls.predictions.", "cls.seq_relationship."
LAYOUTS = {
    layout.architecture: layout
    for layout in (
        HfLayout("BertModel", (), True, None),
        HfLayout("BertForPreTraining", (_CLS_MLM, _CLS_NSP), True, "pretraining"),
        HfLayout("BertForMaskedLM", (_CLS_MLM,), False, "pretraining"),
        HfLayout("BertForNextSentencePrediction", (_CLS_NSP,), True, "pretraining"),
        HfLayout("BertForSequenceClassification", ("classifier.",), True, "classification"),
        HfLayout("BertForMultipleChoice", ("classifier.",), True, None),
        HfLayout("BertForTokenClassification", ("classifier.",), False, "tagging"),
        HfLayout("BertForQuestionAnswering", ("qa_outputs.",), False, "span"),
    )
}


# Parts a layout may lack as a whole: the pooler (add_pooling_layer=False) and, in a
# pre-trainer, the MLM or the NSP head.
_OPTIONAL_PARTS = ("pooler.", "bert.pooler.", _CLS_MLM, _CLS_NSP)


def absent_parts(names: list[str], present: dict) -> list[str]:
    """The model's weight names in optional parts of which the file has no weight at all."""
    absent = []
    for part in _OPTIONAL_PARTS:
        members = [name for name in names if name.startswith(part)]
        if members and not any(name in present for name in members):
            absent += members
    return absent


@dataclasses.dataclass
class HfState:
    """A state dict split into the backbone (`BertModel` names), the heads, and the rest."""

    backbone: dict[str, np.ndarray]
    heads: dict[str, np.ndarray]
    skipped: list[str]
    layout: HfLayout


def _infer_layout(heads: Sequence[str], has_pooler: bool) -> HfLayout:
    present = {prefix for prefix in HEAD_PREFIXES if any(n.startswith(prefix) for n in heads)}
    if {_CLS_MLM, _CLS_NSP} <= present:
        return LAYOUTS["BertForPreTraining"]
    if _CLS_MLM in present:
        return LAYOUTS["BertForMaskedLM"]
    if _CLS_NSP in present:
        return LAYOUTS["BertForNextSentencePrediction"]
    if "qa_outputs." in present:
        return LAYOUTS["BertForQuestionAnswering"]
    if "classifier." in present:  # the token classifier is the one built without a pooler
        name = "BertForSequenceClassification" if has_pooler else "BertForTokenClassification"
        return LAYOUTS[name]
    return LAYOUTS["BertModel"]


def split_hf_state(
    tensors: dict[str, np.ndarray], source: str, architectures: Sequence[str] | None = None
) -> HfState:
    """Split an HF BERT state dict; ``architectures`` is config.json's list, if any.

    The layout is the config's first known architecture, else inferred from the heads
    present. Names are normalised (``bert.`` stripped from the encoder, ``gamma``/``beta`` read
    as ``weight``/``bias``); buffers and tied copies are skipped, a tied copy only when it
    equals what it duplicates.

    Raises:
        CheckpointError: two entries name the same weight, or a tied copy differs.
    """
    backbone: dict[str, np.ndarray] = {}
    heads: dict[str, np.ndarray] = {}
    origin: dict[str, str] = {}
    skipped: list[str] = []
    for name, value in tensors.items():
        new = re.sub(r"LayerNorm\.gamma$", "LayerNorm.weight", name)
        new = re.sub(r"LayerNorm\.beta$", "LayerNorm.bias", new)
        is_head = new.startswith(HEAD_PREFIXES)
        new = new if is_head else new.removeprefix("bert.")
        if new in _BUFFERS:
            skipped.append(name)
            continue
        if new in origin:
            raise CheckpointError(source, [f"{name!r} and {origin[new]!r} are the same weight"])
        origin[new] = name
        (heads if is_head else backbone)[new] = value
    problems = []
    if _TIED_DECODER in heads:
        decoder, embeddings = (
            heads.pop(_TIED_DECODER),
            backbone.get("embeddings.word_embeddings.weight"),
        )
        if embeddings is not None and not np.array_equal(decoder, embeddings):
            problems.append(
                f"{_TIED_DECODER!r} differs from the word embeddings; this model ties them"
            )
        skipped.append(origin[_TIED_DECODER])
    if _DECODER_BIAS in heads:
        bias = heads.pop(_DECODER_BIAS)
        if "cls.predictions.bias" not in heads:
            heads["cls.predictions.bias"] = bias
        elif not np.array_equal(bias, heads["cls.predictions.bias"]):
            problems.append(f"{_DECODER_BIAS!r} differs from 'cls.predictions.bias'")
        else:
            skipped.append(origin[_DECODER_BIAS])
    if problems:
        raise CheckpointError(source, problems)
    known = [LAYOUTS[name] for name in architectures or () if name in LAYOUTS]
    has_pooler = "pooler.dense.weight" in backbone
    layout = known[0] if known else _infer_layout(list(heads), has_pooler)
    return HfState(backbone=backbone, heads=heads, skipped=skipped, layout=layout)
