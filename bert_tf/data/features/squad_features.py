"""`SquadFeatures`: SQuAD questions over long contexts -> windows `[CLS] q [SEP] ctx [SEP]`.

The windows come from `span_windows`, the in-graph ops the serving signature runs, over large
batches of questions (a context shared by several questions is tokenized once): the context is
tokenized with character offsets (never by re-joining word pieces) and cut into windows of at
most `max_seq_length - len(q) - 3` tokens every `doc_stride` tokens. The gold answer is mapped
to tokens as google-research `run_squad.py` does (`squad_answers`: whitespace words, then
`_improve_answer_span`), through those offsets. A window that holds the whole answer is
labelled with its start/end; a window that holds none or only part of it, and every window of
an unanswerable (v2.0) question, points to [CLS] (position 0). Unlike run_squad.py, an answer
whose words do not contain its text is still labelled (with those words), not dropped.

For post-processing each window also carries, per token, the character span it covers in the
context (`token_char_start`/`token_char_end`, -1 outside the context) and whether this window is
the one where the token is most central (`token_is_max_context`).

Example:
    >>> from bert_tf.data.readers import SquadAnswer, SquadExample
    >>> from bert_tf.text import BertTokenizer
    >>> context = "The leader was John Smith (1895-1943)."
    >>> example = SquadExample("q1", "When was he born?", context, [SquadAnswer("1895", 27)])
    >>> features = SquadFeatures(BertTokenizer("vocab.txt"), 32, 8, 8).build([example])
    >>> row, start, end = 0, features["start_positions"][0], features["end_positions"][0]
    >>> context[features["token_char_start"][row, start] : features["token_char_end"][row, end]]
    '1895'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import tensorflow as tf

from bert_tf.data.features.span_windows import span_windows
from bert_tf.data.features.squad_answers import answer_token_span, word_starts
from bert_tf.data.features.window_ops import flat_rows
from bert_tf.data.features.windows import MODEL_INPUTS
from bert_tf.text.sequence_length import check_sequence_length

BATCH = 4096  # questions tokenized and windowed together (in-graph)


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
        >>> from bert_tf.text import BertTokenizer
        >>> SquadFeatures(BertTokenizer("vocab.txt"), 384, 128, 64).max_query_length
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

    def build(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        """Arrays: model inputs (int32 [N, T]), `start_positions`/`end_positions` (int32 [N]),
        `token_char_start`/`token_char_end` (int32 [N, T]), `token_is_max_context`
        (bool [N, T]) and `example_index` (int64 [N])."""
        if not examples:
            raise ValueError("no examples to build features from")
        chunks: dict[str, list[np.ndarray]] = {}
        for begin in range(0, len(examples), BATCH):
            arrays = self._windows(examples[begin : begin + BATCH])
            arrays["example_index"] += begin
            for key, value in arrays.items():
                chunks.setdefault(key, []).append(value)
        return {key: np.concatenate(values) for key, values in chunks.items()}

    def _windows(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        contexts: dict[str, int] = {}  # a context shared by several questions is read once
        context_of = [contexts.setdefault(example.context, len(contexts)) for example in examples]
        windows = span_windows(
            self.tokenizer,
            tf.constant([example.question for example in examples], tf.string),
            tf.constant(list(contexts), tf.string),
            self.max_seq_length,
            self.doc_stride,
            self.max_query_length,
            context_of=tf.constant(context_of, tf.int64),
            offsets="char",
        )
        row, start, end, offset = (windows[k].numpy() for k in ("row", "start", "end", "offset"))
        spans = self._answer_spans(examples, windows, list(contexts), context_of)  # [B, 2]
        first, last = spans[row, 0], spans[row, 1]  # [W]
        inside = (first >= start) & (last < end)  # unanswerable: first = -1
        arrays = {key: windows[key].numpy() for key in MODEL_INPUTS}
        arrays["start_positions"] = np.where(inside, first - start + offset, 0).astype(np.int32)
        arrays["end_positions"] = np.where(inside, last - start + offset, 0).astype(np.int32)
        arrays["token_char_start"] = windows["token_start"].numpy().astype(np.int32)
        arrays["token_char_end"] = windows["token_end"].numpy().astype(np.int32)
        arrays["token_is_max_context"] = windows["token_is_max_context"].numpy()
        arrays["example_index"] = row.astype(np.int64)
        return arrays

    def _answer_spans(
        self, examples: Sequence[Any], windows: dict, contexts: list[str], context_of: list[int]
    ) -> np.ndarray:
        """(first, last) context token of each example's first answer; (-1, -1) for none."""
        spans = np.full((len(examples), 2), -1, dtype=np.int64)
        answered = [i for i, e in enumerate(examples) if not e.is_impossible and e.answers]
        if not answered:
            return spans
        texts = tf.constant([examples[i].answers[0].text for i in answered], tf.string)
        answer_ids = flat_rows(self.tokenizer.tokenize(texts))
        answer_ids = np.split(answer_ids.flat_values.numpy(), answer_ids.row_splits[1:-1].numpy())
        splits = windows["context_ids"].row_splits.numpy()
        ids = windows["context_ids"].flat_values.numpy()
        starts = windows["context_starts"].flat_values.numpy()
        words: dict[int, np.ndarray] = {}
        for i, answer in zip(answered, answer_ids):
            c = context_of[i]
            if c not in words:
                words[c] = word_starts(contexts[c])
            tokens = slice(splits[i], splits[i + 1])
            gold = examples[i].answers[0]
            span = answer_token_span(
                words[c], starts[tokens], ids[tokens], gold.char_start, len(gold.text), answer
            )
            if span is not None:
                spans[i] = span
        return spans
