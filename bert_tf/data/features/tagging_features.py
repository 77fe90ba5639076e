"""`TaggingFeatures`: words with one label each -> word-piece windows with per-token labels.

Each word is tokenized on its own; its label goes on its first word piece and the other pieces
(and [CLS], [SEP], padding) get `IGNORE_LABEL`, so they count in neither loss nor metric. A word
that yields no piece at all becomes one [UNK], so no word is lost. A sentence longer than one
window is cut into windows every `stride` pieces; each word is predicted from the window where
its first piece is most central (`token_is_max_context`).

Example:
    >>> features = TaggingFeatures(tokenizer, 128, labels=["O", "B-PER", "I-PER"])  # doctest: +SKIP
    >>> arrays = features.build(read_conll("train.txt"))  # doctest: +SKIP
    >>> arrays["labels"].shape  # doctest: +SKIP
    (N, 128)
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

IGNORE_LABEL = -100  # the ignore value of `BertTokenClassifier`'s loss and metric


class TaggingFeatures:
    """Turns `TaggingExample`s into windowed features with first-piece labels.

    Args:
        tokenizer: a `bert_tf.text.BertTokenizer` (`tokenize`, `cls_id`, `sep_id`, `pad_id`,
            `unk_id`).
        seq_length: T, tokens per window including [CLS] and [SEP].
        labels: tag names in index order (e.g. ["O", "B-PER", "I-PER", ...]).
        stride: how far each window starts after the previous one; default half a window.
        max_position_embeddings: the model's position-table size; a longer sequence length
            is refused (None: not checked).

    Example:
        >>> TaggingFeatures(tokenizer, 64, ["O", "B-LOC"]).stride  # doctest: +SKIP
        31
    """

    def __init__(
        self,
        tokenizer: Any,
        seq_length: int,
        labels: Sequence[str],
        stride: int | None = None,
        max_position_embeddings: int | None = None,
    ) -> None:
        if seq_length < 3:
            raise ValueError(f"seq_length must be at least 3, got {seq_length}")
        check_sequence_length(seq_length, max_position_embeddings)
        if not labels:
            raise ValueError("a tagging task needs a non-empty label list")
        self.tokenizer = tokenizer
        self.seq_length = seq_length
        self.labels = list(labels)
        self.stride = stride if stride is not None else max(1, (seq_length - 2) // 2)
        if self.stride <= 0:
            raise ValueError(f"stride must be positive, got {stride}")
        self._label_ids = {name: index for index, name in enumerate(self.labels)}

    def word_pieces(self, examples: Sequence[Any]) -> list[list[list[int]]]:
        """Per example, per word: its word-piece ids (at least one; [UNK] for none)."""
        flat = [word for example in examples for word in example.words]
        pieces = token_lists(self.tokenizer, flat) if flat else []
        out, position = [], 0
        for example in examples:
            words = pieces[position : position + len(example.words)]
            position += len(example.words)
            out.append([word or [self.tokenizer.unk_id] for word in words])
        return out

    def build(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        """Arrays: model inputs (int32 [N, T]), `labels` (int32 [N, T], when labelled),
        `word_index` (int32 [N, T]: the word whose first piece sits there, else -1),
        `token_is_max_context` (bool [N, T]) and `example_index` (int64 [N])."""
        if not examples:
            raise ValueError("no examples to build features from")
        labelled = all(example.labels is not None for example in examples)
        rows: dict[str, list] = {}
        for index, (example, words) in enumerate(zip(examples, self.word_pieces(examples))):
            for feature in self._windows(example, words, labelled):
                feature["example_index"] = index
                for key, value in feature.items():
                    rows.setdefault(key, []).append(value)
        arrays = {key: np.asarray(value) for key, value in rows.items()}
        arrays["example_index"] = arrays["example_index"].astype(np.int64)
        return arrays

    def _label_id(self, example: Any, label: str) -> int:
        if label not in self._label_ids:
            raise ValueError(f"{example.guid}: label {label!r} is not one of {self.labels}")
        return self._label_ids[label]

    def _windows(self, example: Any, words: list[list[int]], labelled: bool) -> list[dict]:
        T = self.seq_length
        pieces = [piece for word in words for piece in word]
        first_piece_of = np.full(len(pieces), -1, dtype=np.int64)  # piece -> word, first only
        piece_labels = np.full(len(pieces), IGNORE_LABEL, dtype=np.int64)
        position = 0
        for word_index, word in enumerate(words):
            first_piece_of[position] = word_index
            if labelled:
                piece_labels[position] = self._label_id(example, example.labels[word_index])
            position += len(word)
        spans = window_spans(len(pieces), T - 2, self.stride)
        best = best_window_per_position(spans, len(pieces))
        features = []
        for window, (start, end) in enumerate(spans):
            word_ids, mask, type_ids = pack_pair(
                pieces[start:end],
                None,
                T,
                self.tokenizer.cls_id,
                self.tokenizer.sep_id,
                self.tokenizer.pad_id,
            )
            inside = slice(1, 1 + end - start)  # after [CLS]
            labels = np.full(T, IGNORE_LABEL, dtype=np.int32)
            labels[inside] = piece_labels[start:end]
            word_index = np.full(T, -1, dtype=np.int32)
            word_index[inside] = first_piece_of[start:end]
            max_context = np.zeros(T, dtype=bool)
            max_context[inside] = best[start:end] == window
            feature = {
                "input_word_ids": word_ids,
                "input_mask": mask,
                "input_type_ids": type_ids,
                "word_index": word_index,
                "token_is_max_context": max_context,
            }
            if labelled:
                feature["labels"] = labels
            features.append(feature)
        return features
