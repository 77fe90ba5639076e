"""Sliding windows, the most-central-window rule and [CLS] a [SEP] b [SEP] packing."""

from __future__ import annotations

import numpy as np
import pytest

from bert_tf.data.features.windows import (
    best_window_per_position,
    context_score,
    pack_pair,
    window_spans,
)


def test_window_spans_cover_with_stride_and_end_at_length():
    assert window_spans(10, 4, 3) == [(0, 4), (3, 7), (6, 10)]
    assert window_spans(3, 4, 2) == [(0, 3)]
    assert window_spans(0, 4, 2) == [(0, 0)]
    # A stride longer than the window never skips tokens.
    assert window_spans(9, 3, 5) == [(0, 3), (3, 6), (6, 9)]


@pytest.mark.parametrize("length,size,stride", [(1, 1, 1), (50, 7, 3), (64, 16, 16), (17, 5, 4)])
def test_every_position_is_covered_and_has_one_best_window(length, size, stride):
    spans = window_spans(length, size, stride)
    best = best_window_per_position(spans, length)
    for position, window in enumerate(best):
        start, end = spans[window]
        assert start <= position < end
        others = [context_score(s, position) for s in spans if s[0] <= position < s[1]]
        assert context_score(spans[window], position) == max(others)


def test_best_window_prefers_the_one_with_more_context():
    spans = [(0, 4), (2, 6)]
    # Position 3: left/right context 3/0 in the first window, 1/2 in the second.
    assert best_window_per_position(spans, 6).tolist() == [0, 0, 0, 1, 1, 1]


def test_bad_window_arguments_are_named():
    with pytest.raises(ValueError, match="window_size"):
        window_spans(5, 0, 1)
    with pytest.raises(ValueError, match="stride"):
        window_spans(5, 2, 0)


def test_pack_pair_layout_and_overflow():
    ids, mask, types = pack_pair([7, 8], [9], 8, cls_id=101, sep_id=102)
    assert ids.tolist() == [101, 7, 8, 102, 9, 102, 0, 0]
    assert mask.tolist() == [1, 1, 1, 1, 1, 1, 0, 0]
    assert types.tolist() == [0, 0, 0, 0, 1, 1, 0, 0]
    assert ids.dtype == np.int32
    with pytest.raises(ValueError, match="exceeds seq_length"):
        pack_pair([1, 2, 3], [4, 5], 6, 101, 102)
