"""Serving fixtures: real exports of tiny BERT classifiers and a `bert-tf serve` subprocess.

`real_exports` runs `bert_tf.export.export_for_serving` once per session (single-text and
pair classifiers, plus a retrained-looking second version with other weights on request);
`ServerProcess` starts `python -m bert_tf.cli serve ...` the way a user starts it, on free
ports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from serving_helpers import copy_model, export_classifier


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


@pytest.fixture(scope="module")
def model_base(tmp_path_factory, real_exports) -> Path:
    """BASE/NAME holding version 1 of the real tiny classifier export."""
    base = tmp_path_factory.mktemp("models") / "clf"
    copy_model(real_exports["clf"], base)
    return base
