"""Serving fixtures: real exports of tiny BERT classifiers and a `bert-tf serve` subprocess.

`real_exports` runs `bert_tf.export.export_for_serving` once per session (single-text and
pair classifiers, plus a retrained-looking second version with other weights on request);
`ServerProcess` starts `python -m bert_tf.cli serve ...` the way a user starts it, on free
ports.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bert_tf.serving.server_process import ServerProcess, free_port  # noqa: F401 (re-exported)

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


@pytest.fixture(scope="session")
def real_exports(tmp_path_factory, tokenizer) -> dict[str, Path]:
    """Version directories of `export_for_serving`: "clf" (text) and "pair" (text, text_pair)."""
    root = tmp_path_factory.mktemp("exports")
    return {
        "clf": export_classifier(tokenizer, root / "clf" / "1", seed=3),
        "pair": export_classifier(tokenizer, root / "pair" / "1", seed=4, pair=True),
    }


@pytest.fixture(scope="session")
def retrained_export(tmp_path_factory, tokenizer) -> Path:
    """The "clf" classifier with other weights, as a retrained version would have."""
    return export_classifier(tokenizer, tmp_path_factory.mktemp("retrained") / "1", seed=11)


def copy_model(source: Path, base: Path, version: int = 1) -> Path:
    """Pushes a version as operators do: copied elsewhere, renamed into BASE/<version>."""
    import shutil

    base.mkdir(parents=True, exist_ok=True)
    staging = base.parent / f".staging-{base.name}-{version}"
    shutil.copytree(source, staging)
    os.rename(staging, base / str(version))
    return base / str(version)


@pytest.fixture(scope="module")
def model_base(tmp_path_factory, real_exports) -> Path:
    """BASE/NAME holding version 1 of the real tiny classifier export."""
    base = tmp_path_factory.mktemp("models") / "clf"
    copy_model(real_exports["clf"], base)
    return base
