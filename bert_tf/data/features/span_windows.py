"""In-graph span-QA windows: `[CLS] question [SEP] context window [SEP]`, as run_squad.py cuts them.

`SquadFeatures` (training) and `SpanModule` (serving) both call `span_windows`. The question
is cut to `max_query_length` tokens; the context is tokenized with offsets (never by re-joining
word pieces) and read in windows of `seq_length - len(question) - 3` tokens every `doc_stride`
tokens, the last one ending at the context's end. Each window carries, per position, the span
of the context that its token covers (-1 outside the context) and whether this window is the
one where the token is most central (`token_is_max_context`).

Example:
    >>> tokenizer = BertTokenizer("vocab.txt")
    >>> context = tf.constant(["one two three four five six seven"])
    >>> windows = span_windows(tokenizer, tf.constant(["how many?"]), context,
    ...                        seq_length=10, doc_stride=2, max_query_length=4)
    >>> windows["start"].numpy().tolist(), windows["end"].numpy().tolist()  # 4 per window
    ([0, 2, 4], [4, 6, 7])
    >>> tokenizer.detokenize(windows["input_word_ids"][1:2]).numpy()[0]
    b'[CLS] how many ? [SEP] three four five six [SEP]'
    >>> windows["token_start"][1].numpy().tolist()  # byte offsets of the context tokens
    [-1, -1, -1, -1, -1, 8, 14, 19, 24, -1]
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from bert_tf.data.features.window_ops import (
    byte_to_char,
    flat_rows,
    gather_ranges,
    is_max_context,
    pack_segments,
    place,
    window_bounds,
)
from bert_tf.text.bert_tokenizer import BertTokenizer  # noqa: F401 (the example uses it)


def span_windows(
    tokenizer: Any,
    question: tf.Tensor,
    context: tf.Tensor,
    seq_length: int,
    doc_stride: int,
    max_query_length: int,
    context_of: tf.Tensor | None = None,
    offsets: str = "byte",
) -> dict[str, tf.Tensor]:
    """Windows of every (question, context) pair.

    Args:
        tokenizer: a `BertTokenizer` (`tokenize`, `tokenize_with_offsets`, special ids).
        question: strings `[B]`.
        context: strings `[C]`: one per question, or distinct contexts that `context_of`
            picks from (a context shared by several questions is tokenized once).
        seq_length: T, tokens per window including [CLS] and both [SEP]s.
        doc_stride: how far each window starts after the previous one.
        max_query_length: questions are cut to this many tokens.
        context_of: int `[B]`, the context of each question; None: `context[i]` for question i.
        offsets: "byte" (UTF-8 bytes, what serving cuts answers with) or "char" (code points,
            Python string indices).

    Returns:
        The model inputs (int32 `[W, T]`), `row` (the question of each window), `start`/`end`
        (the window's context tokens, half open), `offset` (where the context starts in the
        row: after [CLS] q [SEP]), each int64 `[W]`; `token_start`/`token_end` (int64 `[W, T]`,
        -1 outside the context), `token_is_max_context` (bool `[W, T]`); and the whole
        tokenized contexts per question, `context_ids`/`context_starts`/`context_ends`
        (`[B, (N)]`, for labelling answers).
    """
    if offsets not in ("byte", "char"):
        raise ValueError(f"offsets must be 'byte' or 'char', got {offsets!r}")
    question_ids = tf.cast(flat_rows(tokenizer.tokenize(question)), tf.int64)  # [B, (Q)]
    question_ids = question_ids[:, :max_query_length]
    ids, starts, ends = (flat_rows(t) for t in tokenizer.tokenize_with_offsets(context))
    ids = tf.cast(ids, tf.int64)  # [C, (N)]
    if offsets == "char":
        starts = starts.with_flat_values(byte_to_char(context, starts, is_end=False))
        ends = ends.with_flat_values(byte_to_char(context, ends, is_end=True))
    if context_of is not None:
        ids, starts, ends = (tf.gather(t, context_of) for t in (ids, starts, ends))  # [B, (N)]
    q_len = question_ids.row_lengths()  # [B]
    row, start, end = window_bounds(ids.row_lengths(), seq_length - q_len - 3, doc_stride)
    inputs = pack_segments(
        [tf.gather(question_ids, row), gather_ranges(ids, row, start, end)],
        seq_length,
        tokenizer.cls_id,
        tokenizer.sep_id,
        tokenizer.pad_id,
    )  # [W, T]
    offset = tf.gather(q_len, row) + 2  # [W] [CLS] q [SEP] come first
    central = is_max_context(row, start, end, ids.row_splits)  # [W, (L)]
    return {
        **inputs,
        "row": row,
        "start": start,
        "end": end,
        "offset": offset,
        "token_start": place(gather_ranges(starts, row, start, end), offset, seq_length, -1),
        "token_end": place(gather_ranges(ends, row, start, end), offset, seq_length, -1),
        "token_is_max_context": place(central, offset, seq_length, False),
        "context_ids": ids,
        "context_starts": starts,
        "context_ends": ends,
    }
