"""Helpers of the serving tests: tiny real classifier exports and version pushes."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABELS = ["negative", "positive"]


def export_classifier(tokenizer, directory: Path, seed: int, pair: bool = False) -> Path:
    """A tiny BERT classifier (2 layers, hidden 64, seq 32, MiniLM vocab), exported for serving."""
    import keras

    from bert_tf.export import export_for_serving
    from bert_tf.models import BertBackbone, BertClassifier
    from bert_tf.text import BertPreprocessor

    keras.utils.set_random_seed(seed)
    tiny = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **tiny)
    model = BertClassifier(backbone, num_classes=2)
    preprocessor = BertPreprocessor(tokenizer, seq_length=32)
    return export_for_serving(model, preprocessor, directory, "classification", LABELS, pair=pair)


def copy_model(source: Path, base: Path, version: int = 1) -> Path:
    """Pushes a version as operators do: copied elsewhere, renamed into BASE/<version>."""
    import shutil

    base.mkdir(parents=True, exist_ok=True)
    staging = base.parent / f".staging-{base.name}-{version}"
    shutil.copytree(source, staging)
    os.rename(staging, base / str(version))
    return base / str(version)
