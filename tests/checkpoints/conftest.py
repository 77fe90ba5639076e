"""Fixtures: tiny BERT models with every weight random (biases and LayerNorm scales too)."""

from __future__ import annotations

import pytest
from ckpt_helpers import TINY, randomize


@pytest.fixture
def tiny_backbone():
    from bert_tf.models import BertBackbone

    backbone = BertBackbone(TINY)
    randomize(backbone, seed=1)
    return backbone


@pytest.fixture
def tiny_pretrainer():
    from bert_tf.models import BertBackbone, BertPretrainer

    pretrainer = BertPretrainer(BertBackbone(TINY))
    randomize(pretrainer, seed=2)
    return pretrainer
