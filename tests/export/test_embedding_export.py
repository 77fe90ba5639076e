"""Embedding export: `pooled_output` and the masked mean of `sequence_output` equal the
backbone's on the same preprocessed text; serve_tokens returns the raw backbone outputs."""

from __future__ import annotations

import numpy as np
from export_helpers import TEXTS


def test_embeddings_match_the_backbone(loaded, embedder, preprocessor):
    tokens = {k: np.asarray(v) for k, v in preprocessor(TEXTS).items()}
    outputs = embedder(tokens)
    mask = tokens["input_mask"][:, :, None].astype(np.float32)
    mean = (np.asarray(outputs["sequence_output"]) * mask).sum(1) / mask.sum(1)
    served = loaded["embedding"](text=TEXTS)
    np.testing.assert_allclose(served["pooled_output"], outputs["pooled_output"], atol=1e-5)
    np.testing.assert_allclose(served["sequence_output"], mean, atol=1e-5)
    raw = loaded["embedding"]("serve_tokens", **tokens)
    assert raw["sequence_output"].shape == (len(TEXTS), tokens["input_mask"].shape[1], 64)
    np.testing.assert_allclose(raw["sequence_output"], outputs["sequence_output"], atol=1e-5)
