"""Files in each layout HF transformers writes for BERT, built from the real MiniLM checkpoint.

The encoder weights are all-MiniLM-L6-v2's own; each ``BertFor*`` class's renames, drops and
heads are made as that class's state dict has them (transformers' modeling_bert.py):

| class                          | encoder  | pooler | head weights                          |
|--------------------------------|----------|--------|---------------------------------------|
| BertModel                      | bare     | yes    | -                                     |
| BertForPreTraining             | ``bert.``| yes    | cls.predictions.*, cls.seq_relationship.* |
| BertForMaskedLM                | ``bert.``| no     | cls.predictions.*                     |
| BertForNextSentencePrediction  | ``bert.``| yes    | cls.seq_relationship.*                |
| BertForSequenceClassification  | ``bert.``| yes    | classifier.weight [C, H], .bias [C]   |
| BertForTokenClassification     | ``bert.``| no     | classifier.weight [C, H], .bias [C]   |
| BertForQuestionAnswering       | ``bert.``| no     | qa_outputs.weight [2, H], .bias [2]   |

``cls.predictions.decoder.weight`` is tied to the word embeddings, so save_pretrained's
safetensors leave it out (torch.save keeps it, sharing the storage). Head weights are random.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from torch_zip_writer import Tensor, write_torch_zip

NO_POOLER = {"BertForMaskedLM", "BertForTokenClassification", "BertForQuestionAnswering"}
LABELS = {
    "BertForSequenceClassification": ["negative", "neutral", "positive"],
    "BertForTokenClassification": ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"],
}
ARCHITECTURES = [
    "BertModel",
    "BertForPreTraining",
    "BertForMaskedLM",
    "BertForNextSentencePrediction",
    "BertForSequenceClassification",
    "BertForTokenClassification",
    "BertForQuestionAnswering",
]


def _heads(architecture: str, hidden: int, vocab: int, rng) -> dict[str, np.ndarray]:
    def normal(*shape):
        return rng.normal(0.0, 0.05, size=shape).astype("float32")

    mlm = {
        "cls.predictions.transform.dense.weight": normal(hidden, hidden),
        "cls.predictions.transform.dense.bias": normal(hidden),
        "cls.predictions.transform.LayerNorm.weight": 1.0 + normal(hidden),
        "cls.predictions.transform.LayerNorm.bias": normal(hidden),
        "cls.predictions.bias": normal(vocab),
    }
    nsp = {"cls.seq_relationship.weight": normal(2, hidden), "cls.seq_relationship.bias": normal(2)}
    if architecture == "BertForPreTraining":
        return {**mlm, **nsp}
    if architecture == "BertForMaskedLM":
        return mlm
    if architecture == "BertForNextSentencePrediction":
        return nsp
    if architecture in LABELS:
        classes = len(LABELS[architecture])
        return {"classifier.weight": normal(classes, hidden), "classifier.bias": normal(classes)}
    if architecture == "BertForQuestionAnswering":
        return {"qa_outputs.weight": normal(2, hidden), "qa_outputs.bias": normal(2)}
    return {}


def write_layout(
    minilm_dir: Path, out: Path, architecture: str, fmt: str = "safetensors", prefix=None
) -> dict[str, np.ndarray]:
    """Write ``architecture``'s file into ``out``; returns its head weights."""
    encoder = load_file(str(minilm_dir / "model.safetensors"))
    if architecture in NO_POOLER:
        encoder = {k: v for k, v in encoder.items() if not k.startswith("pooler.")}
    prefix = ("" if architecture == "BertModel" else "bert.") if prefix is None else prefix
    tensors = {f"{prefix}{k}": v for k, v in encoder.items()}
    word = tensors[f"{prefix}embeddings.word_embeddings.weight"]
    rng = np.random.default_rng(len(architecture))
    heads = _heads(architecture, word.shape[1], word.shape[0], rng)
    tensors.update(heads)
    config = json.loads((minilm_dir / "config.json").read_text())
    config["architectures"] = [architecture]
    if architecture in LABELS:
        names = LABELS[architecture]
        config["id2label"] = {str(i): name for i, name in enumerate(names)}
        config["label2id"] = {name: i for i, name in enumerate(names)}
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config))
    if fmt == "safetensors":
        save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    else:  # torch.save(model.state_dict()): the tied decoder shares the embeddings' storage
        state = {name: Tensor.of(value) for name, value in tensors.items()}
        if "cls.predictions.bias" in tensors:
            embeddings = state[f"{prefix}embeddings.word_embeddings.weight"]
            state["cls.predictions.decoder.weight"] = embeddings
            state["cls.predictions.decoder.bias"] = state["cls.predictions.bias"]
        write_torch_zip(state, out / "pytorch_model.bin")
    return heads
