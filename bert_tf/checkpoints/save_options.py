"""`SaveOptions`: the tokenizer settings and extras a checkpoint is written with.

Example:
    >>> SaveOptions(vocab_file="vocab.txt", lower_case=False).casing()
    False
    >>> SaveOptions().casing()  # nothing said: uncased, as BERT's released models
    True
"""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class SaveOptions:
    """Settings for `CheckpointFormat.save`; a format ignores those it cannot record.

    Args:
        vocab_file: the vocabulary to store with the model (None: the model alone).
        lower_case: the tokenizer casing to record (None: not recorded where the format
            allows that, else True).
        max_chars_per_word: the tokenizer's word limit (bert-tf run directories record it;
            None: the tokenizer's default, 100).
        id2label: HF: label names of a classifier's classes.
        allow_gelu_approximation: keras-hub: write an erf-GELU model, which keras-hub
            computes with the tanh form.
    """

    vocab_file: str | Path | None = None  # copied beside the weights
    lower_case: bool | None = None  # the tokenizer's casing
    max_chars_per_word: int | None = None  # None: BertTokenizer's default (100)
    id2label: dict[int, str] | None = None  # HF classifiers' label names
    allow_gelu_approximation: bool = False  # keras-hub only

    def casing(self) -> bool:
        """``lower_case``, or True when not given."""
        return True if self.lower_case is None else self.lower_case
