"""`SquadFeatures`: SQuAD questions over long contexts -> windows `[CLS] q [SEP] ctx [SEP]`.

The context is tokenized with character offsets (never by re-joining word pieces), cut into
windows of at most `max_seq_length - len(q) - 3` tokens every `doc_stride` tokens, and the gold
answer's character span is mapped to token positions through those offsets. A window that holds
the whole answer is labelled with its start/end; a window that holds none or only part of it,
and every window of an unanswerable (v2.0) question, points to [CLS] (position 0).

For post-processing each window also carries, per token, the character span it covers in the
context (`token_char_start`/`token_char_end`, -1 outside the context) and whether this window is
the one where the token is most central (`token_is_max_context`).

Example:
    >>> features = SquadFeatures(tokenizer, max_seq_length=384, doc_stride=128)  # doctest: +SKIP
    >>> arrays = features.build(read_squad("dev-v1.1.json"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bert_tf.data.features.windows import (
    best_window_per_position,
    pack_pair,
    token_lists,
    window_spans,
)
from bert_tf.text.sequence_length import check_sequence_length


def answer_token_span(
    char_starts: np.ndarray, char_ends: np.ndarray, answer_start: int, answer_end: int
) -> tuple[int, int] | None:
    """(first, last) token index covering characters [answer_start, answer_end), or None.

    A token belongs to the answer when its character span overlaps the answer's.
    """
    inside = np.flatnonzero((char_ends > answer_start) & (char_starts < answer_end))
    if inside.size == 0:
        return None
    return int(inside[0]), int(inside[-1])


class SquadFeatures:
    """Turns `SquadExample`s into windowed features with labels and offset maps.

    Args:
        tokenizer: a `bert_tf.text.BertTokenizer` (`tokenize`, `tokenize_with_offsets`, ids).
        max_seq_length: T, tokens per window including [CLS] and both [SEP]s.
        doc_stride: how far each context window starts after the previous one.
        max_query_length: questions are truncated to this many tokens.
        max_position_embeddings: the model's position-table size; a longer sequence length
            is refused (None: not checked).

    Example:
        >>> SquadFeatures(tokenizer, 384, 128, 64).max_query_length  # doctest: +SKIP
        64
    """

    def __init__(
        self,
        tokenizer: Any,
        max_seq_length: int = 384,
        doc_stride: int = 128,
        max_query_length: int = 64,
        max_position_embeddings: int | None = None,
    ) -> None:
        check_sequence_length(max_seq_length, max_position_embeddings, "max_seq_length")
        if max_query_length <= 0 or doc_stride <= 0:
            raise ValueError("max_query_length and doc_stride must be positive")
        if max_seq_length - max_query_length - 3 <= 0:
            raise ValueError(
                f"max_seq_length={max_seq_length} leaves no room for the context after a "
                f"question of up to max_query_length={max_query_length} tokens"
            )
        self.tokenizer = tokenizer
        self.max_seq_length = max_seq_length
        self.doc_stride = doc_stride
        self.max_query_length = max_query_length

    def context_tokens(
        self, contexts: Sequence[str]
    ) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
        """Per context: (token ids, char starts, char ends) with character offsets."""
        import tensorflow as tf

        from bert_tf.text import byte_to_char_offsets

        out = []
        for begin in range(0, len(contexts), 256):
            batch = list(contexts[begin : begin + 256])
            ids, starts, ends = self.tokenizer.tokenize_with_offsets(tf.constant(batch))
            if isinstance(ids, tf.RaggedTensor) and ids.ragged_rank > 1:
                ids, starts, ends = (t.merge_dims(1, -1) for t in (ids, starts, ends))
            for text, row_ids, row_starts, row_ends in zip(
                batch, ids.to_list(), starts.to_list(), ends.to_list()
            ):
                char_starts, char_ends = byte_to_char_offsets(text, row_starts, row_ends)
                out.append(([int(i) for i in row_ids], char_starts, char_ends))
        return out

    def build(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        """Arrays: model inputs (int32 [N, T]), `start_positions`/`end_positions` (int32 [N]),
        `example_index` (int64 [N]), `token_char_start`/`token_char_end` (int32 [N, T]) and
        `token_is_max_context` (bool [N, T])."""
        if not examples:
            raise ValueError("no examples to build features from")
        questions = token_lists(self.tokenizer, [example.question for example in examples])
        contexts = self.context_tokens([example.context for example in examples])
        rows: dict[str, list] = {}
        for index, (example, question, context) in enumerate(zip(examples, questions, contexts)):
            for feature in self._windows(example, question[: self.max_query_length], *context):
                feature["example_index"] = index
                for key, value in feature.items():
                    rows.setdefault(key, []).append(value)
        arrays = {key: np.asarray(value) for key, value in rows.items()}
        for key in ("start_positions", "end_positions", "token_char_start", "token_char_end"):
            arrays[key] = arrays[key].astype(np.int32)
        arrays["example_index"] = arrays["example_index"].astype(np.int64)
        return arrays

    def _answer_span(self, example: Any, starts: np.ndarray, ends: np.ndarray):
        if example.is_impossible or not example.answers:
            return None
        answer = example.answers[0]
        begin = answer.char_start
        return answer_token_span(starts, ends, begin, begin + len(answer.text))

    def _windows(self, example: Any, question: list[int], ids, starts, ends) -> list[dict]:
        T = self.max_seq_length
        budget = T - len(question) - 3
        spans = window_spans(len(ids), budget, self.doc_stride)
        answer = self._answer_span(example, starts, ends)
        offset = len(question) + 2  # [CLS] q [SEP] come before the context
        best = best_window_per_position(spans, len(ids))
        features = []
        for window, (start, end) in enumerate(spans):
            word_ids, mask, type_ids = pack_pair(
                question,
                ids[start:end],
                T,
                self.tokenizer.cls_id,
                self.tokenizer.sep_id,
                self.tokenizer.pad_id,
            )
            char_start = np.full(T, -1, dtype=np.int64)
            char_end = np.full(T, -1, dtype=np.int64)
            char_start[offset : offset + end - start] = starts[start:end]
            char_end[offset : offset + end - start] = ends[start:end]
            max_context = np.zeros(T, dtype=bool)
            max_context[offset : offset + end - start] = best[start:end] == window
            start_position = end_position = 0
            if answer is not None and start <= answer[0] and answer[1] < end:
                start_position = offset + answer[0] - start
                end_position = offset + answer[1] - start
            features.append(
                {
                    "input_word_ids": word_ids,
                    "input_mask": mask,
                    "input_type_ids": type_ids,
                    "start_positions": start_position,
                    "end_positions": end_position,
                    "token_char_start": char_start,
                    "token_char_end": char_end,
                    "token_is_max_context": max_context,
                }
            )
        return features
