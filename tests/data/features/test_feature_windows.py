"""In-graph windows, the most-central-window rule, packing and byte -> character offsets."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from bert_tf.data.features.window_ops import (
    byte_to_char,
    gather_ranges,
    is_max_context,
    pack_segments,
    place,
    window_bounds,
)
from bert_tf.text import byte_to_char_offsets


def _spans(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    _, start, end = window_bounds(tf.constant([length]), tf.constant([size]), stride)
    return list(zip(start.numpy().tolist(), end.numpy().tolist()))


def _score(span: tuple[int, int], position: int) -> float:
    start, end = span
    return min(position - start, end - 1 - position) + 0.01 * (end - start)


def test_windows_cover_with_stride_and_end_at_length():
    assert _spans(10, 4, 3) == [(0, 4), (3, 7), (6, 10)]
    assert _spans(3, 4, 2) == [(0, 3)]
    assert _spans(0, 4, 2) == [(0, 0)]  # an empty row keeps one (empty) window
    # A stride longer than the window never skips tokens.
    assert _spans(9, 3, 5) == [(0, 3), (3, 6), (6, 9)]


def test_windows_of_several_rows_come_in_row_order():
    row, start, end = window_bounds(tf.constant([5, 0, 3]), tf.constant([2, 2, 4]), 2)
    assert row.numpy().tolist() == [0, 0, 0, 1, 2]
    assert start.numpy().tolist() == [0, 2, 4, 0, 0]
    assert end.numpy().tolist() == [2, 4, 5, 0, 3]
    values = tf.ragged.constant([[1, 2, 3, 4, 5], [], [6, 7, 8]], tf.int64)
    assert gather_ranges(values, row, start, end).to_list() == [[1, 2], [3, 4], [5], [], [6, 7, 8]]


@pytest.mark.parametrize("length,size,stride", [(1, 1, 1), (50, 7, 3), (64, 16, 16), (17, 5, 4)])
def test_every_position_has_one_most_central_window(length, size, stride):
    row, start, end = window_bounds(tf.constant([length]), tf.constant([size]), stride)
    central = is_max_context(row, start, end, tf.constant([0, length], tf.int64))
    spans = _spans(length, size, stride)
    chosen = {}
    for window, (flags, (first, _)) in enumerate(zip(central.to_list(), spans)):
        for offset, flag in enumerate(flags):
            if flag:
                assert first + offset not in chosen
                chosen[first + offset] = window
    assert sorted(chosen) == list(range(length))
    for position, window in chosen.items():
        others = [_score(s, position) for s in spans if s[0] <= position < s[1]]
        assert _score(spans[window], position) == max(others)
        ties = [i for i, s in enumerate(spans) if s[0] <= position < s[1]]
        assert window == min(i for i in ties if _score(spans[i], position) == max(others))


def test_the_window_with_more_context_wins():
    row, start, end = (
        tf.constant([0, 0], tf.int64),
        tf.constant([0, 2], tf.int64),
        tf.constant([4, 6], tf.int64),
    )
    central = is_max_context(row, start, end, tf.constant([0, 6], tf.int64))
    # Position 3: left/right context 3/0 in the first window, 1/2 in the second.
    assert central.to_list() == [[True, True, True, False], [False, True, True, True]]


def test_pack_segments_layout():
    inputs = pack_segments(
        [tf.ragged.constant([[7, 8]]), tf.ragged.constant([[9]])],
        8,
        cls_id=101,
        sep_id=102,
        pad_id=0,
    )
    assert inputs["input_word_ids"].numpy().tolist() == [[101, 7, 8, 102, 9, 102, 0, 0]]
    assert inputs["input_mask"].numpy().tolist() == [[1, 1, 1, 1, 1, 1, 0, 0]]
    assert inputs["input_type_ids"].numpy().tolist() == [[0, 0, 0, 0, 1, 1, 0, 0]]
    assert {value.dtype for value in inputs.values()} == {tf.int32}


def test_place_writes_window_values_after_an_offset():
    values = tf.ragged.constant([[5, 6], [7]], tf.int64)
    placed = place(values, tf.constant([1, 3]), 5, -1)
    assert placed.numpy().tolist() == [[-1, 5, 6, -1, -1], [-1, -1, -1, 7, -1]]


def test_byte_offsets_become_python_string_indices():
    texts = ["né x", "", "5€ in Zürich 😀!"]
    data = [t.encode("utf-8") for t in texts]
    starts = [[0, 4], [], [0, 1, 5, 8, 9, 16, 20]]
    ends = [[3, 5], [], [1, 4, 7, 9, 15, 20, 21]]
    got_starts = byte_to_char(tf.constant(data), tf.ragged.constant(starts, tf.int64), False)
    got_ends = byte_to_char(tf.constant(data), tf.ragged.constant(ends, tf.int64), True)
    expected = [byte_to_char_offsets(t, s, e) for t, s, e in zip(texts, starts, ends)]
    np.testing.assert_array_equal(got_starts.numpy(), np.concatenate([e[0] for e in expected]))
    np.testing.assert_array_equal(got_ends.numpy(), np.concatenate([e[1] for e in expected]))
