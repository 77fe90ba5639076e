"""`ClassificationFeatures`: single texts or pairs -> BERT inputs, optionally as sliding windows.

The rows come from `classification_windows`, the in-graph ops the serving signature runs, over
large batches of examples. Without a stride, each example is one feature packed by
`BertPreprocessor` (round-robin truncation). With a stride, a text too long for one window is
cut into several windows: the longer segment of a pair slides, the shorter one is kept whole
(truncated to half the budget at most) in every window; `example_index` says which example
each window belongs to, and prediction averages the windows' logits
(`bert_tf.tasks.window_aggregation`).

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
import tensorflow as tf

from bert_tf.data.features.classification_windows import classification_windows
from bert_tf.data.features.windows import MODEL_INPUTS
from bert_tf.text.sequence_length import check_sequence_length

BATCH = 4096  # examples tokenized and windowed together (in-graph)


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
        pairs = np.array([example.text_b is not None for example in examples])
        if self.stride is None and pairs.any() and not pairs.all():
            raise ValueError("mixed single texts and pairs in one set of examples")
        groups = [np.flatnonzero(~pairs), np.flatnonzero(pairs)]
        parts = [self._pack(examples, rows) for rows in groups if len(rows)]
        arrays = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
        order = np.argsort(arrays["example_index"], kind="stable")  # windows in example order
        arrays = {key: value[order] for key, value in arrays.items()}
        if all(example.label is not None for example in examples):
            values = np.asarray([self.label_id(example.label) for example in examples])
            dtype = np.float32 if self.is_regression else np.int32
            arrays["labels"] = values.astype(dtype)[arrays["example_index"]]
        return arrays

    def _pack(self, examples: Sequence[Any], rows: np.ndarray) -> dict[str, np.ndarray]:
        """The windows of `examples[rows]` (all single texts or all pairs), in batches."""
        chunks: dict[str, list[np.ndarray]] = {key: [] for key in (*MODEL_INPUTS, "example_index")}
        for begin in range(0, len(rows), BATCH):
            batch = rows[begin : begin + BATCH]
            text_a = tf.constant([examples[i].text_a for i in batch], tf.string)
            text_b = None
            if examples[batch[0]].text_b is not None:
                text_b = tf.constant([examples[i].text_b for i in batch], tf.string)
            inputs, row = classification_windows(
                self.tokenizer, text_a, text_b, self.seq_length, self.stride
            )
            for key in MODEL_INPUTS:
                chunks[key].append(np.asarray(inputs[key], dtype=np.int32))
            chunks["example_index"].append(batch[row.numpy()].astype(np.int64))
        return {key: np.concatenate(values) for key, values in chunks.items()}
