"""`ClassificationFeatures`: single texts or pairs -> BERT inputs, optionally as sliding windows.

Without a stride, each example is one feature packed by `BertPreprocessor` (round-robin
truncation). With a stride, a text too long for one window is cut into several windows: the
longer segment of a pair slides, the shorter one is kept whole (truncated to half the budget
at most) in every window; `example_index` says which example each window belongs to, and
prediction averages the windows' logits (`bert_tf.tasks.window_aggregation`).

Example:
    >>> features = ClassificationFeatures(tokenizer, seq_length=128, labels=["neg", "pos"],
    ...                                   stride=64)  # doctest: +SKIP
    >>> arrays = features.build(examples)  # doctest: +SKIP
    >>> arrays["input_word_ids"].shape, arrays["labels"].shape  # doctest: +SKIP
    ((N, 128), (N,))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bert_tf.data.features.windows import pack_pair, token_lists, window_spans
from bert_tf.text.sequence_length import check_sequence_length


class ClassificationFeatures:
    """Turns `TextExample`s into model inputs, labels and each feature's example index.

    Args:
        tokenizer: a `bert_tf.text.BertTokenizer` (`tokenize`, `cls_id`, `sep_id`, `pad_id`).
        seq_length: T, tokens per feature including [CLS]/[SEP].
        labels: class names in index order; empty or None for regression.
        stride: None packs each example once (truncating); an int slides windows over long
            texts, each starting `stride` tokens after the previous one.
        max_position_embeddings: the model's position-table size; a longer sequence length
            is refused (None: not checked).

    Example:
        >>> ClassificationFeatures(tokenizer, 32, ["a", "b"]).label_id("b")  # doctest: +SKIP
        1
    """

    def __init__(
        self,
        tokenizer: Any,
        seq_length: int,
        labels: Sequence[str] | None = None,
        stride: int | None = None,
        max_position_embeddings: int | None = None,
    ) -> None:
        if seq_length < 4:
            raise ValueError(f"seq_length must be at least 4, got {seq_length}")
        check_sequence_length(seq_length, max_position_embeddings)
        if stride is not None and stride <= 0:
            raise ValueError(f"stride must be positive, got {stride}")
        self.tokenizer = tokenizer
        self.seq_length = seq_length
        self.labels = list(labels or [])
        self.stride = stride
        self._label_ids = {name: index for index, name in enumerate(self.labels)}

    @property
    def is_regression(self) -> bool:
        return not self.labels

    def label_id(self, label: Any) -> int | float:
        if self.is_regression:
            return float(label)
        if str(label) not in self._label_ids:
            raise ValueError(f"label {label!r} is not one of {self.labels}")
        return self._label_ids[str(label)]

    def build(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        """Arrays `input_word_ids`/`input_mask`/`input_type_ids` (int32 [N, T]),
        `example_index` (int64 [N]) and, when every example has a label, `labels` ([N])."""
        if not examples:
            raise ValueError("no examples to build features from")
        if self.stride is None:
            arrays = self._pack_with_preprocessor(examples)
            arrays["example_index"] = np.arange(len(examples), dtype=np.int64)
        else:
            arrays = self._pack_windows(examples)
        if all(example.label is not None for example in examples):
            values = [self.label_id(examples[i].label) for i in arrays["example_index"]]
            dtype = np.float32 if self.is_regression else np.int32
            arrays["labels"] = np.asarray(values, dtype=dtype)
        return arrays

    def _pack_with_preprocessor(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        import tensorflow as tf

        from bert_tf.text.bert_preprocessor import BertPreprocessor

        preprocessor = BertPreprocessor(self.tokenizer, seq_length=self.seq_length)
        pairs = [example.text_b is not None for example in examples]
        if any(pairs) and not all(pairs):
            raise ValueError("mixed single texts and pairs in one set of examples")
        chunks: dict[str, list[np.ndarray]] = {}
        for begin in range(0, len(examples), 512):
            batch = examples[begin : begin + 512]
            text_a = tf.constant([example.text_a for example in batch])
            if pairs[0]:
                inputs = (text_a, tf.constant([example.text_b for example in batch]))
            else:
                inputs = text_a
            for key, value in preprocessor(inputs).items():
                chunks.setdefault(key, []).append(np.asarray(value, dtype=np.int32))
        return {key: np.concatenate(values) for key, values in chunks.items()}

    def _pack_windows(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        tokens_a = token_lists(self.tokenizer, [example.text_a for example in examples])
        pair_rows = [i for i, example in enumerate(examples) if example.text_b is not None]
        tokens_b: list[list[int] | None] = [None] * len(examples)
        if pair_rows:
            pair_tokens = token_lists(self.tokenizer, [examples[i].text_b for i in pair_rows])
            for row, tokens in zip(pair_rows, pair_tokens):
                tokens_b[row] = tokens
        rows: dict[str, list] = {"input_word_ids": [], "input_mask": [], "input_type_ids": []}
        rows["example_index"] = []
        for index, (a, b) in enumerate(zip(tokens_a, tokens_b)):
            for segment_a, segment_b in self._windows(a, b):
                packed = pack_pair(
                    segment_a,
                    segment_b,
                    self.seq_length,
                    self.tokenizer.cls_id,
                    self.tokenizer.sep_id,
                    self.tokenizer.pad_id,
                )
                for key, value in zip(("input_word_ids", "input_mask", "input_type_ids"), packed):
                    rows[key].append(value)
                rows["example_index"].append(index)
        arrays = {key: np.stack(value) for key, value in rows.items() if key != "example_index"}
        arrays["example_index"] = np.asarray(rows["example_index"], dtype=np.int64)
        return arrays

    def _windows(self, a: list[int], b: list[int] | None) -> list[tuple[list[int], list[int]]]:
        """(segment a, segment b) per window; the longer segment of a pair slides."""
        if b is None:
            budget = self.seq_length - 2
            return [(a[s:e], None) for s, e in window_spans(len(a), budget, self.stride)]
        budget = self.seq_length - 3
        if len(a) + len(b) <= budget:
            return [(a, b)]
        a_is_fixed = len(a) <= len(b)
        fixed, sliding = (a, b) if a_is_fixed else (b, a)
        fixed = fixed[: min(len(fixed), budget // 2)]
        size = budget - len(fixed)
        windows = []
        for start, end in window_spans(len(sliding), size, min(self.stride, size)):
            part = sliding[start:end]
            windows.append((fixed, part) if a_is_fixed else (part, fixed))
        return windows
