"""IOB/IOBES tags -> entity spans, in the graph, with conlleval's chunk rules.

seqeval (`get_entities`, its default mode, which the project's tagging metric uses) decides
from each (previous tag, tag) pair whether a chunk ends before a word and whether one starts
at it. Those rules depend on the two labels only, so they are evaluated here in Python once
per label pair (`chunk_tables`) and gathered in the graph; an entity runs from the last chunk
start up to the word before a chunk end. Entity types follow seqeval (`B-PER` -> "PER").

Example:
    >>> starts, ends, types = chunk_tables(["O", "B-PER", "I-PER"])
    >>> bool(starts[0, 1]), bool(ends[2, 0]), types
    (True, True, ['_', 'PER', 'PER'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf


def _split(label: str) -> tuple[str, str]:
    """(tag letter, type) as seqeval reads a label ("B-PER" -> ("B", "PER"), "O" -> ("O", "_"))."""
    return label[0], label[1:].split("-", maxsplit=1)[-1] or "_"


def _end_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    if prev_tag in ("E", "S"):
        return True
    if prev_tag in ("B", "I") and tag in ("B", "S", "O"):
        return True
    return prev_tag not in ("O", ".") and prev_type != type_


def _start_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    if tag in ("B", "S"):
        return True
    if prev_tag in ("E", "S", "O") and tag in ("E", "I"):
        return True
    return tag not in ("O", ".") and prev_type != type_


def chunk_tables(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """`starts[p, t]`, `ends[p, t]` (bool `[C+1, C+1]`, index C = the "O" outside the
    sentence) and each label's entity type."""
    names = [*labels, "O"]
    parts = [_split(name) for name in names]
    size = len(names)
    starts = np.zeros((size, size), bool)
    ends = np.zeros((size, size), bool)
    for p, (prev_tag, prev_type) in enumerate(parts):
        for t, (tag, type_) in enumerate(parts):
            starts[p, t] = _start_of_chunk(prev_tag, tag, prev_type, type_)
            ends[p, t] = _end_of_chunk(prev_tag, tag, prev_type, type_)
    return starts, ends, [type_ for _, type_ in parts[:-1]]


def decode_entities(tags: tf.RaggedTensor, labels: Sequence[str]) -> dict[str, tf.RaggedTensor]:
    """Entities of tag ids `[B, (W)]`: `type` (string), `first`/`last` word (int64), `[B, (E)]`."""
    starts, ends, types = chunk_tables(labels)
    outside = len(labels)
    tags = tf.cast(tags, tf.int64)
    column = tf.fill([tags.nrows(), 1], tf.constant(outside, tf.int64))
    padded = tf.concat([tags, column], axis=1)  # [B, (W+1)]: seq + ["O"]
    previous = tf.concat([column, tags], axis=1)  # [B, (W+1)]: ["O"] + seq
    cur, prev = padded.flat_values, previous.flat_values  # [N]
    pair = tf.stack([prev, cur], axis=-1)
    is_start = tf.gather_nd(tf.constant(starts), pair)  # [N]
    is_end = tf.gather_nd(tf.constant(ends), pair)
    position = tf.range(tf.size(cur, out_type=tf.int64))  # batch-global position
    row_base = tf.gather(padded.row_splits, padded.value_rowids())  # [N]
    start_at = tf.boolean_mask(position, is_start)  # positions of chunk starts, ascending
    count = tf.cumsum(tf.cast(is_start, tf.int64))  # starts at or before each position
    latest = tf.gather(tf.concat([[-1], start_at], 0), count)  # last start at or before
    begin = tf.maximum(latest, row_base)  # a start in an earlier row does not count
    at = tf.boolean_mask(position, is_end)  # chunk ends before these positions (never 0)
    rows = tf.gather(padded.value_rowids(), at)
    base = tf.gather(padded.row_splits, rows)
    first = tf.gather(begin, at - 1) - base
    last = at - 1 - base
    entity_type = tf.gather(tf.constant(types), tf.gather(prev, at))
    nrows = tags.nrows()

    def ragged(values: tf.Tensor) -> tf.RaggedTensor:
        return tf.RaggedTensor.from_value_rowids(values, rows, nrows=nrows)

    return {"type": ragged(entity_type), "first": ragged(first), "last": ragged(last)}
