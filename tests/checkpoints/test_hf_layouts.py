"""Every BERT layout HF writes, built from the real MiniLM weights, against external references.

Backbone outputs are compared with the HF transformers (PyTorch) outputs stored in
minilm_reference.npz; head outputs with numpy applied to those reference outputs, following
transformers' modeling_bert.py (BertPooler, BertPredictionHeadTransform + decoder,
BertOnlyNSPHead, the classifier / qa_outputs Linear layers).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hf_layouts import ARCHITECTURES, LABELS, NO_POOLER, write_layout
from scipy.special import erf

from bert_tf.checkpoints import CheckpointWarning, load_hf_checkpoint

POSITIONS = np.array([[1, 2, 3]] * 8, "int32")  # masked-LM positions (every case has 4+ tokens)


def _inputs(ref) -> dict[str, np.ndarray]:
    return {
        "input_word_ids": ref["input_ids"].astype("int32"),
        "input_mask": ref["attention_mask"].astype("int32"),
        "input_type_ids": ref["token_type_ids"].astype("int32"),
    }


def _linear(x, heads, name):  # torch.nn.Linear: x @ W.T + b
    return x @ heads[f"{name}.weight"].T + heads[f"{name}.bias"]


def _mlm_reference(sequence, heads, word_embeddings):
    picked = np.take_along_axis(sequence, POSITIONS[:, :, None], axis=1)  # [B, P, H]
    h = _linear(picked, heads, "cls.predictions.transform.dense")
    h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))  # MiniLM's hidden_act "gelu": erf
    mean, var = h.mean(-1, keepdims=True), h.var(-1, keepdims=True)
    h = (h - mean) / np.sqrt(var + 1e-12)
    h = h * heads["cls.predictions.transform.LayerNorm.weight"]
    h = h + heads["cls.predictions.transform.LayerNorm.bias"]
    return h @ word_embeddings.T + heads["cls.predictions.bias"]  # [B, P, V]


def _close(got, want, real=None, atol=1e-4, what=""):
    got, want = np.asarray(got), np.asarray(want)
    delta = np.abs(got - want) if real is None else np.abs(got - want)[real]
    assert delta.max() <= atol, f"{what}: max |delta| {delta.max():.2e} > {atol}"


def _load(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = load_hf_checkpoint(path, load_tokenizer=False)
    messages = [str(w.message) for w in caught if issubclass(w.category, CheckpointWarning)]
    return loaded, messages


def _check_layout(architecture, fmt, minilm_dir, ref, tmp_path):
    heads = write_layout(minilm_dir, tmp_path, architecture, fmt=fmt)
    loaded, messages = _load(tmp_path)
    assert loaded.architecture == architecture
    real = ref["attention_mask"] == 1
    inputs = _inputs(ref)
    out = loaded.backbone(inputs)
    _close(out["sequence_output"], ref["sequence_output"], real, what="sequence_output")
    if architecture in NO_POOLER:
        assert {"pooler.dense.weight", "pooler.dense.bias"} <= {
            name.removeprefix("bert.") for name in loaded.initialized
        }
        assert any("pooler.dense.weight" in m and "freshly initialised" in m for m in messages)
    else:
        _close(out["pooled_output"], ref["pooled_output"], what="pooled_output")
    if architecture == "BertModel":
        assert not messages and not loaded.initialized
        with pytest.raises(ValueError, match="has no head that a bert_tf task model holds"):
            loaded.task_model()
        return
    if architecture in ("BertForSequenceClassification", "BertForTokenClassification"):
        assert any("classifier.weight" in m and "task_model()" in m for m in messages)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CheckpointWarning)
        task = loaded.task_model()
    assert task.backbone is loaded.backbone
    sequence, pooled = ref["sequence_output"], ref["pooled_output"]
    if architecture == "BertForSequenceClassification":
        assert type(task).__name__ == "BertClassifier" and task.num_classes == 3
        assert loaded.id2label == dict(enumerate(LABELS[architecture]))
        _close(task(inputs), _linear(pooled, heads, "classifier"), what="class logits")
    elif architecture == "BertForTokenClassification":
        assert type(task).__name__ == "BertTokenClassifier" and task.num_classes == 5
        _close(task(inputs), _linear(sequence, heads, "classifier"), real, what="tag logits")
    elif architecture == "BertForQuestionAnswering":
        assert type(task).__name__ == "BertSpanLabeler"
        span = task(inputs)
        want = _linear(sequence, heads, "qa_outputs")  # [B, T, 2]: start, end
        _close(span["start_logits"], want[..., 0], real, what="start_logits")
        _close(span["end_logits"], want[..., 1], real, what="end_logits")
    else:  # the three pre-training layouts
        assert type(task).__name__ == "BertPretrainer"
        got = task({**inputs, "masked_lm_positions": POSITIONS})
        if "cls.predictions.bias" in heads:
            words = np.asarray(loaded.backbone.embeddings.word_embeddings.embeddings)
            want = _mlm_reference(sequence, heads, words)
            _close(got["mlm_logits"], want, atol=5e-4, what="mlm_logits")
        if "cls.seq_relationship.bias" in heads:
            want = _linear(pooled, heads, "cls.seq_relationship")
            _close(got["nsp_logits"], want, what="nsp_logits")


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_safetensors_layout_matches_reference(architecture, minilm_dir, minilm_reference, tmp_path):
    _check_layout(architecture, "safetensors", minilm_dir, minilm_reference, tmp_path)


@pytest.mark.parametrize(
    "architecture", ["BertForPreTraining", "BertForMaskedLM", "BertForTokenClassification"]
)
def test_pytorch_bin_layout_matches_reference(architecture, minilm_dir, minilm_reference, tmp_path):
    _check_layout(architecture, "bin", minilm_dir, minilm_reference, tmp_path)
    assert not (tmp_path / "model.safetensors").exists()


def test_bert_model_saved_with_prefix_loads(minilm_dir, minilm_reference, tmp_path):
    write_layout(minilm_dir, tmp_path, "BertModel", prefix="bert.")
    loaded, messages = _load(tmp_path)
    assert not messages
    out = loaded.backbone(_inputs(minilm_reference))
    _close(out["pooled_output"], minilm_reference["pooled_output"], what="pooled_output")
