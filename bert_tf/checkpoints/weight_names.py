"""Checkpoint names of every BERT model variable, in the HF and google-research formats.

``"hf"``: HF transformers state-dict names (PyTorch Linear weights stored [out, in]);
``"google"``: google-research/bert TF1 variable names (kernels stored [in, out] like Keras).
Backbone names get the ``bert.`` prefix inside any HF model with a head, as every
``BertFor*`` class writes them.

Example:
    >>> from bert_tf.config import BertConfig
    >>> from bert_tf.models import BertBackbone
    >>> backbone = BertBackbone(BertConfig(vocab_size=10, hidden_size=8, num_layers=1,
    ...     num_heads=2, intermediate_size=16))
    >>> [entry.name for entry in backbone_entries(backbone, "hf", "")][:2]
    ['embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, NamedTuple

from bert_tf.models import (
    BertBackbone,
    BertClassifier,
    BertPretrainer,
    BertSpanLabeler,
    BertTokenClassifier,
)

Style = Literal["hf", "google"]

# The HF class each bert_tf model is written as.
HF_ARCHITECTURES = (
    (BertPretrainer, "BertForPreTraining"),
    (BertClassifier, "BertForSequenceClassification"),
    (BertTokenClassifier, "BertForTokenClassification"),
    (BertSpanLabeler, "BertForQuestionAnswering"),
    (BertBackbone, "BertModel"),
)
POOLER_NAMES = ("pooler.dense.weight", "pooler.dense.bias")  # BertModel names


class WeightEntry(NamedTuple):
    name: str  # the weight's name in the checkpoint
    variable: Any  # the keras.Variable it fills
    transpose: bool  # stored transposed relative to the Keras variable


def hf_architecture(model: Any) -> str:
    """The HF class name a bert_tf model corresponds to; TypeError for anything else."""
    for cls, name in HF_ARCHITECTURES:
        if isinstance(model, cls):
            return name
    hint = (
        "; save its .backbone" if isinstance(getattr(model, "backbone", None), BertBackbone) else ""
    )
    raise TypeError(
        "expected a BertBackbone, BertPretrainer, BertClassifier, BertTokenClassifier or "
        f"BertSpanLabeler, got {type(model).__name__}{hint}"
    )


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


def backbone_entries(backbone: Any, style: Style, hf_prefix: str) -> Iterator[WeightEntry]:
    """The backbone's variables; HF names start with ``hf_prefix`` ("" or "bert.")."""
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
            yield from _dense(
                getattr(attention, part),
                f"{hf}.attention.self.{part}",
                f"{gl}/attention/self/{part}",
                style,
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


def pretrainer_head_entries(pretrainer: Any, style: Style) -> Iterator[WeightEntry]:
    """The MLM head (``cls.predictions.*``) and the NSP head (``cls.seq_relationship.*``)."""
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


def head_entries(model: Any, style: Style) -> list[WeightEntry]:
    """The variables of ``model``'s task head (none for a bare backbone).

    HF names: ``classifier.*`` (BertForSequenceClassification / BertForTokenClassification,
    [num_labels, H]) and ``qa_outputs.*`` (BertForQuestionAnswering, [2, H]; row 0 = start).
    google-research's TF1 release has only the pre-training heads.
    """
    if isinstance(model, BertPretrainer):
        return list(pretrainer_head_entries(model, style))
    if isinstance(model, BertBackbone):
        return []
    architecture = hf_architecture(model)
    if style != "hf":
        raise TypeError(f"the google format has no {architecture} head ({type(model).__name__})")
    prefix = "qa_outputs" if isinstance(model, BertSpanLabeler) else "classifier"
    return list(_dense(model.output_dense, prefix, prefix, style))
