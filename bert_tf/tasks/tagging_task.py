"""`TaggingTask`: named-entity (or any IOB) tagging on CoNLL-2003 style files.

Labels sit on the first word piece of each word (`TaggingFeatures`); long sentences are read as
windows and each word takes its logits from the window where it is most central. The metric is
entity-level precision/recall/F1 (seqeval, conlleval semantics); predictions are written as a
conlleval file (`word gold predicted`) that `bert-tf score --task conll` reads. Served as
"tagging": raw text in, entities with character offsets out.

Example:
    >>> from pathlib import Path
    >>> _ = Path("train.txt").write_text("Paris NNP I-NP B-LOC\\nis VBZ I-VP O\\n\\n")
    >>> task = TaggingTask.from_options("conll", max_seq_length=128)
    >>> task.learn_from(task.read("train.txt")); task.labels
    ['O', 'B-LOC']
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bert_tf.config import option
from bert_tf.tasks.shape_registry import register_shape
from bert_tf.tasks.task_shape import TaskConfig, TaskShape
from bert_tf.tasks.window_aggregation import word_logits


@dataclasses.dataclass(frozen=True)
class TaggingConfig(TaskConfig):
    """Tagging settings."""

    stride: int | None = option(None, "read long texts as windows this far apart")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.task != "conll":
            raise ValueError(f"unknown tagging task {self.task!r}; expected conll")
        if self.stride is not None and (not isinstance(self.stride, int) or self.stride < 1):
            raise ValueError(f"stride must be a positive integer or None, got {self.stride!r}")


@register_shape
class TaggingTask(TaskShape):
    """Token tagging with IOB2 labels ("O" first when learned from data).

    Example:
        >>> TaggingTask(TaggingConfig("conll", labels=("O", "B-PER", "I-PER"))).num_outputs()
        3
    """

    shape = "tagging"
    task_names = ("conll",)
    served_as = ("tagging",)
    config_class = TaggingConfig
    free_text_fields = ("id", "tokens")
    main_metric = "f1"
    predictions_file = "predictions.conll"
    model_class = "bert_tf.models.bert_token_classifier:BertTokenClassifier"
    serving_module = "bert_tf.tasks.tagging_module:TaggingModule"
    results = {"tagging": "bert_tf.tasks.tagging_result:TaggingResult"}
    sample_inputs = {"text": ["Peter Blackburn visited Brussels in May.", "BERT reads it all."]}

    def serving_settings(self) -> dict[str, Any]:
        return {"stride": self.config.stride}

    def read_file(self, path: str | os.PathLike) -> list:
        from bert_tf.data.readers.conll import read_conll

        return read_conll(path)

    def to_record(self, example: Any) -> dict[str, Any]:
        return {"id": example.guid, "tokens": list(example.words), "tags": example.labels}

    def from_record(self, fields: Mapping[str, list[Any]]) -> Any:
        from bert_tf.data.readers.records import TaggingExample
        from bert_tf.tasks.task_records import first

        tags = fields.get("tags")
        return TaggingExample(str(first(fields, "id", "")), list(fields.get("tokens", [])), tags)

    def serving_request(self, example: Any) -> dict[str, Any]:
        return {"text": " ".join(example.words)}

    def learn_from(self, examples: Sequence[Any]) -> None:
        if self.labels is None:
            tags = {tag for example in examples for tag in example.labels or []}
            if not tags:
                raise ValueError("the training file has no tags")
            self.replace(labels=("O", *sorted(tags - {"O"})))

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        from bert_tf.data.features import TaggingFeatures

        return TaggingFeatures(
            tokenizer, self.max_seq_length, self.labels, stride=self.config.stride
        ).build(examples)

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        return self.model_type()(
            backbone, self.num_outputs(), dropout=dropout, feature_layers=self.feature_layers
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

    def served_metrics(self, examples: Sequence[Any], results: Sequence[Any]) -> dict[str, float]:
        """conlleval's entity metrics of the served entities, asked about each sentence's
        words joined by spaces (each word takes the entity that covers its first character)."""
        from bert_tf.tasks.entity import word_tags

        predicted = [word_tags(e.words, r.entities) for e, r in zip(examples, results)]
        return self.metrics(examples, predicted)

    def score_files(self, gold: str | None, predictions: str, **options: Any) -> dict[str, float]:
        """conlleval's entity metrics of a conlleval file (`word gold predicted`; `gold`
        unused: the file carries it)."""
        from bert_tf.evaluation.tagging_metrics import conlleval_metrics

        self.refuse_options(options)
        return conlleval_metrics(predictions)

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: list[list[str]]
    ) -> str:
        from bert_tf import storage

        lines = []
        for example, tags in zip(examples, predictions):
            gold = example.labels or ["O"] * len(example.words)
            lines += [f"{w} {e} {p}\n" for w, e, p in zip(example.words, gold, tags)] + ["\n"]
        path = storage.join(out_dir, self.predictions_file)
        storage.write_text(path, "".join(lines))
        return path
