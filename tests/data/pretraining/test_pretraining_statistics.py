"""Statistics of >= 10,000 real instances: masking rule, 80/10/10, NSP, structure, text."""

from __future__ import annotations

import numpy as np
import pytest
from pretraining_helpers import original_ids

CLS, SEP, PAD, MASK, UNK = 101, 102, 0, 103, 100

# The shared build (>= 10,000 real instances) takes about 25 s on 2 cores.
pytestmark = pytest.mark.slow


def test_enough_instances_and_stats_match_files(built):
    _, stats, records = built
    assert stats["instances"] == len(records["input_ids"]) >= 10_000
    # 2 MB of the offline corpus: about 590 documents (stdlib docstrings) and 500k tokens.
    assert stats["documents"] > 400 and stats["corpus_tokens"] > 400_000
    assert stats["random_next"] == int(records["next_sentence_labels"].sum())
    assert stats["masked"] == int(records["masked_lm_weights"].sum())
    assert stats["instance_tokens"] == int(records["input_mask"].sum())
    assert 0 <= stats["unk_rate"] < 0.01 and 0 < stats["truncation_rate"] < 1


def test_number_of_predictions_follows_the_rule(built):
    _, stats, records = built
    lengths = records["input_mask"].sum(axis=1)
    expected = np.minimum(20, np.maximum(1, np.rint(lengths * 0.15)))
    np.testing.assert_array_equal(records["masked_lm_weights"].sum(axis=1), expected)
    assert 0.13 < stats["masked_fraction"] < 0.155


def test_eighty_ten_ten(built):
    _, stats, records = built
    weights = records["masked_lm_weights"] > 0
    rows, cols = np.nonzero(weights)
    shown = records["input_ids"][rows, records["masked_lm_positions"][rows, cols]]
    labels = records["masked_lm_ids"][rows, cols]
    mask_share = np.mean(shown == MASK) * 100
    same_share = np.mean(shown == labels) * 100  # 10% kept + random draws of the same token
    random_share = 100 - mask_share - same_share
    assert (
        abs(mask_share - 80) < 1.5 and abs(same_share - 10) < 1.5 and abs(random_share - 10) < 1.5
    )
    assert abs(stats["mask_token_rate"] - 0.8) < 0.015
    assert abs(stats["random_token_rate"] - 0.1) < 0.015
    assert abs(stats["unchanged_rate"] - 0.1) < 0.015


def test_labels_are_never_special_and_positions_are_sane(built):
    _, _, records = built
    weights = records["masked_lm_weights"]
    assert set(np.unique(weights)) <= {0.0, 1.0}
    count = weights.sum(axis=1).astype(int)
    prefix = np.arange(20)[None, :] < count[:, None]
    np.testing.assert_array_equal(weights > 0, prefix)  # real predictions first, then padding
    labels, positions = records["masked_lm_ids"], records["masked_lm_positions"]
    assert not np.isin(labels[prefix], [CLS, SEP, PAD, MASK, UNK]).any()
    assert (labels[~prefix] == 0).all() and (positions[~prefix] == 0).all()
    assert (positions[prefix] > 0).all()
    masked_positions = np.where(prefix, positions, 10_000)
    assert (np.diff(masked_positions, axis=1)[prefix[:, 1:]] > 0).all()  # ascending, unique
    lengths = records["input_mask"].sum(axis=1)
    assert (positions < lengths[:, None])[prefix].all()


def test_segments_and_masks_are_consistent(built):
    _, _, records = built
    ids, mask, segments = original_ids(records), records["input_mask"], records["segment_ids"]
    lengths = mask.sum(axis=1)
    pos = np.arange(ids.shape[1])[None, :]
    np.testing.assert_array_equal(mask, (pos < lengths[:, None]).astype(mask.dtype))
    assert (ids[:, 0] == CLS).all() and (ids[mask == 0] == PAD).all()
    assert not (ids[mask == 1] == PAD).any()
    seps = (ids == SEP) & (mask == 1)
    assert (seps.sum(axis=1) == 2).all()
    first_sep = np.argmax(seps, axis=1)
    assert (ids[np.arange(len(ids)), lengths - 1] == SEP).all()
    assert (first_sep >= 2).all() and (lengths - first_sep >= 3).all()  # A and B non-empty
    expected = ((pos > first_sep[:, None]) & (pos < lengths[:, None])).astype(segments.dtype)
    np.testing.assert_array_equal(segments, expected)
    assert (lengths <= 128).all() and (lengths == 128).mean() > 0.3


def test_random_next_rate(built):
    _, stats, records = built
    labels = records["next_sentence_labels"][:, 0]
    assert set(np.unique(labels)) == {0, 1}
    # 50% by coin, plus pairs forced random when the gathered text is one sentence.
    assert 0.5 <= labels.mean() <= 0.62
    assert abs(stats["random_next_rate"] - labels.mean()) < 1e-9


def _find_token_run(corpus: bytes, segment: np.ndarray, start: int = 0) -> int:
    """Token index of the first occurrence of `segment` in `corpus` (int32 bytes), or -1."""
    needle = segment.astype(np.int32).tobytes()
    at = corpus.find(needle, start * 4)
    while at != -1 and at % 4:
        at = corpus.find(needle, at + 1)
    return at // 4 if at != -1 else -1


def test_segments_are_real_contiguous_text(built, real_corpus, minilm_vocab):
    """A and B are contiguous runs of the corpus' tokens; an actual next B follows its A."""
    from bert_tf.data.pretraining.tokenization import load_tokenizer

    tokenizer = load_tokenizer(str(minilm_vocab))
    lines = [line for line in real_corpus.read_text(encoding="utf-8").splitlines() if line]
    corpus = tokenizer.tokenize(lines).flat_values.numpy().astype(np.int32).tobytes()
    _, _, records = built
    ids, lengths = original_ids(records), records["input_mask"].sum(axis=1)
    for row in range(0, len(ids), 97):  # about 190 instances
        sep = int(np.argmax(ids[row] == SEP))
        a, b = ids[row, 1:sep], ids[row, sep + 1 : lengths[row] - 1]
        a_at = _find_token_run(corpus, a)
        assert a_at >= 0 and _find_token_run(corpus, b) >= 0, row
        if records["next_sentence_labels"][row, 0] == 0:  # B follows A (trimming may cut between)
            gaps = []
            while a_at >= 0:  # a short A can occur more than once
                b_at = _find_token_run(corpus, b, a_at + len(a))
                gaps.append(b_at - (a_at + len(a)) if b_at >= 0 else 10**9)
                a_at = _find_token_run(corpus, a, a_at + 1)
            assert 0 <= min(gaps) < 1000, row
