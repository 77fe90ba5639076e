"""`TaggingFeatures`: words with one label each -> word-piece windows with per-token labels.

Each word is tokenized on its own; its label goes on its first word piece and the other pieces
(and [CLS], [SEP], padding) get `IGNORE_LABEL`, so they count in neither loss nor metric. A word
that yields no piece at all becomes one [UNK], so no word is lost. A sentence longer than one
window is cut into windows every `stride` pieces; each word is predicted from the window where
its first piece is most central (`token_is_max_context`). The pieces and windows come from
`word_pieces` and `tagging_windows`, the in-graph ops the serving signature reads its windows
with, over large batches of sentences.

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
import tensorflow as tf

from bert_tf.data.features.tagging_windows import tagging_windows, word_pieces
from bert_tf.data.features.window_ops import gather_ranges, place
from bert_tf.data.features.windows import MODEL_INPUTS
from bert_tf.text.sequence_length import check_sequence_length

BATCH = 4096  # sentences tokenized and windowed together (in-graph)

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

    def build(self, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        """Arrays: model inputs (int32 [N, T]), `labels` (int32 [N, T], when labelled),
        `word_index` (int32 [N, T]: the word whose first piece sits there, else -1),
        `token_is_max_context` (bool [N, T]) and `example_index` (int64 [N])."""
        if not examples:
            raise ValueError("no examples to build features from")
        labelled = all(example.labels is not None for example in examples)
        keys = (*MODEL_INPUTS, "word_index", "token_is_max_context")
        keys += ("labels", "example_index") if labelled else ("example_index",)
        chunks: dict[str, list[np.ndarray]] = {key: [] for key in keys}
        for begin in range(0, len(examples), BATCH):
            batch = examples[begin : begin + BATCH]
            for key, value in self._windows(batch, labelled).items():
                chunks[key].append(value)
            chunks["example_index"][-1] += begin
        return {key: np.concatenate(values) for key, values in chunks.items()}

    def _word_label_ids(self, examples: Sequence[Any]) -> np.ndarray:
        """The label id of every word of `examples`, in order: int64 [N_words]."""
        ids = []
        for example in examples:
            for label in example.labels:
                if label not in self._label_ids:
                    raise ValueError(f"{example.guid}: label {label!r} is not one of {self.labels}")
                ids.append(self._label_ids[label])
        return np.asarray(ids, dtype=np.int64)

    def _windows(self, examples: Sequence[Any], labelled: bool) -> dict[str, np.ndarray]:
        T = self.seq_length
        words = tf.constant([word for example in examples for word in example.words], tf.string)
        counts = tf.constant([len(example.words) for example in examples], tf.int64)
        pieces, word = word_pieces(self.tokenizer, words, counts)  # [B, (N)]
        windows = tagging_windows(self.tokenizer, pieces, T, self.stride)
        row, start, end = windows["row"], windows["start"], windows["end"]
        one = tf.ones_like(row)  # [W] the pieces come after [CLS]
        word_index = place(gather_ranges(word, row, start, end), one, T, -1)  # [W, T]
        central = place(windows["token_is_max_context"], one, T, False)
        arrays = {key: windows[key].numpy() for key in MODEL_INPUTS}
        arrays["word_index"] = word_index.numpy().astype(np.int32)
        arrays["token_is_max_context"] = central.numpy()
        if labelled:
            labels = np.concatenate([self._word_label_ids(examples), [IGNORE_LABEL]])
            base = np.cumsum([0] + [len(example.words) for example in examples])[:-1]
            index = arrays["word_index"]
            global_word = np.where(index >= 0, index + base[row.numpy()][:, None], -1)
            arrays["labels"] = labels[global_word].astype(np.int32)  # -1 picks IGNORE_LABEL
        arrays["example_index"] = row.numpy().astype(np.int64)
        return arrays
