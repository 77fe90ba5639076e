"""`TaggingTask`: named-entity (or any IOB) tagging on CoNLL-2003 style files.

Labels sit on the first word piece of each word (`TaggingFeatures`); long sentences are read as
windows and each word takes its logits from the window where it is most central. The metric is
entity-level precision/recall/F1 (seqeval, conlleval semantics); predictions are written as a
conlleval file (`word gold predicted`) that `bert-tf score --task conll` reads.

Example:
    >>> from pathlib import Path
    >>> _ = Path("train.txt").write_text("Paris NNP I-NP B-LOC\\nis VBZ I-VP O\\n\\n")
    >>> task = TaggingTask("conll", max_seq_length=128)
    >>> task.learn_labels(task.read("train.txt")); task.labels
    ['O', 'B-LOC']
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.tasks.finetune_task import FinetuneTask
from bert_tf.tasks.window_aggregation import word_logits


class TaggingTask(FinetuneTask):
    """Token tagging with IOB2 labels.

    Args:
        name: "conll".
        labels: tag names ("O" first when learned from data).
        max_seq_length: tokens per window.
        stride: how far each window starts after the previous one (default: half a window).

    Example:
        >>> TaggingTask("conll", ["O", "B-PER", "I-PER"], 32).num_outputs()
        3
    """

    head = "tagging"
    main_metric = "f1"
    predictions_file = "predictions.conll"

    def __init__(
        self,
        name: str,
        labels: Sequence[str] | None = None,
        max_seq_length: int = 128,
        stride: int | None = None,
        **settings: Any,
    ) -> None:
        super().__init__(name, labels, max_seq_length, stride=stride, **settings)

    def read(self, path: str | os.PathLike) -> list:
        from bert_tf.data.readers.conll import read_conll

        return read_conll(path)

    def learn_labels(self, examples: Sequence[Any]) -> None:
        if self.labels is None:
            tags = {tag for example in examples for tag in example.labels or []}
            if not tags:
                raise ValueError("the training file has no tags")
            self.labels = ["O"] + sorted(tags - {"O"})

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        from bert_tf.data.features import TaggingFeatures

        return TaggingFeatures(
            tokenizer, self.max_seq_length, self.labels, stride=self.settings.get("stride")
        ).build(examples)

    def _task_model(self, backbone: Any, dropout: float) -> Any:
        from bert_tf.models import BertTokenClassifier

        return BertTokenClassifier(backbone, num_classes=self.num_outputs(), dropout=dropout)

    def loss(self) -> Any:
        import keras

        from bert_tf.data.features import IGNORE_LABEL

        return keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=IGNORE_LABEL
        )

    def predict(
        self,
        model: Any,
        examples: Sequence[Any],
        features: Mapping[str, np.ndarray],
        batch_size: int = 64,
    ) -> list[list[str]]:
        """Per example, one predicted tag per word."""
        logits = np.asarray(self.model_outputs(model, features, batch_size))  # [N, T, C]
        per_word = word_logits(
            logits,
            features["word_index"],
            features["token_is_max_context"],
            features["example_index"],
            [len(example.words) for example in examples],
        )
        return [[self.labels[int(i)] for i in np.argmax(w, axis=-1)] for w in per_word]

    def metrics(self, examples: Sequence[Any], predictions: list[list[str]]) -> dict[str, float]:
        from bert_tf.evaluation import entity_metrics

        return entity_metrics([example.labels for example in examples], predictions)

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: list[list[str]]
    ) -> Path:
        path = Path(out_dir) / self.predictions_file
        with open(path, "w", encoding="utf-8") as handle:
            for example, tags in zip(examples, predictions):
                gold = example.labels or ["O"] * len(example.words)
                for word, expected, predicted in zip(example.words, gold, tags):
                    handle.write(f"{word} {expected} {predicted}\n")
                handle.write("\n")
        return path
