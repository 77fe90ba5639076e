"""`MultipleChoiceTask`: pick the right continuation among K choices (SWAG, BERT paper §4.4).

Each choice is packed with its context as `[CLS] context [SEP] choice [SEP]` by
`pack_choices`, the same in-graph ops the serving signature runs; one learned vector scores
each [CLS] and a softmax over the choices picks one (`BertMultipleChoice`). Files:

* SWAG's CSV as published (`video-id, fold-ind, startphrase, sent1, sent2, gold-source,
  ending0..ending3, label`, with or without the leading index column): the context is
  `sent1`, choice N is `sent2 + " " + endingN`;
* JSONL for any number of choices: `{"context": ..., "choices": [...], "label": k}`.

A file's format comes from its suffix (`.csv` or `.jsonl`); the task names `swag` and
`multiple-choice` read both. Rows with fewer choices than the widest are padded with absent
choices (all-zero input mask; never chosen). Metric: accuracy. Predictions file:
`index<TAB>choice`. Served as "multiple_choice": a context and its choices in, the chosen
index and each choice's probability out.

Example:
    >>> _ = open("mc.jsonl", "w").write('{"context": "He opened the door", '
    ...     '"choices": ["and walked in.", "and the sky ate it."], "label": 0}\\n')
    >>> task = MultipleChoiceTask.from_options("multiple-choice", max_seq_length=32)
    >>> examples = task.read("mc.jsonl"); task.learn_from(examples)
    >>> examples[0].choices[1], task.config.num_choices
    ('and the sky ate it.', 2)
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.config import option
from bert_tf.tasks.shape_registry import register_shape
from bert_tf.tasks.task_shape import TaskConfig, TaskShape

SWAG_COLUMNS = ("sent1", "sent2", "ending0", "ending1", "ending2", "ending3")


@dataclasses.dataclass(frozen=True)
class ChoiceExample:
    """One question: a context, its candidate continuations and the gold index (or None)."""

    guid: str
    context: str
    choices: tuple[str, ...]
    label: int | None


@dataclasses.dataclass(frozen=True)
class MultipleChoiceConfig(TaskConfig):
    """Multiple-choice settings."""

    max_seq_length: int = 128  # tokens per (context, choice) pair
    num_choices: int | None = option(
        None, "choices per question (default: the training file's widest)"
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.num_choices is not None and (
            not isinstance(self.num_choices, int) or self.num_choices < 2
        ):
            raise ValueError(f"num_choices must be an integer >= 2, got {self.num_choices!r}")


def read_swag_csv(path: str | os.PathLike) -> list[ChoiceExample]:
    """SWAG's train/val/test CSV (test files have no `label`: their labels are None)."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in SWAG_COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: not a SWAG CSV, no column(s) {', '.join(missing)}")
        examples = []
        for row, record in enumerate(reader, start=2):
            if any(record[name] is None for name in SWAG_COLUMNS):
                raise ValueError(f"{path}:{row}: the row has fewer columns than the header")
            start = record["sent2"].strip()
            choices = tuple(f"{start} {record[f'ending{i}'].strip()}".strip() for i in range(4))
            label = (record.get("label") or "").strip()
            if label and label not in ("0", "1", "2", "3"):
                raise ValueError(f"{path}:{row}: label must be 0-3, got {label!r}")
            guid = record.get("fold-ind") or str(row - 2)
            examples.append(
                ChoiceExample(guid, record["sent1"], choices, int(label) if label else None)
            )
    return examples


def read_choice_jsonl(path: str | os.PathLike) -> list[ChoiceExample]:
    """JSONL rows `{"context", "choices": [...], "label"}` (label optional; `id` kept)."""
    examples = []
    with open(path, encoding="utf-8") as handle:
        for row, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{row}: not JSON ({error.msg})") from error
            choices = record.get("choices") if isinstance(record, dict) else None
            if not isinstance(record.get("context"), str) or not isinstance(choices, list):
                raise ValueError(f'{path}:{row}: needs "context" (a string) and "choices" (a list)')
            if len(choices) < 2 or not all(isinstance(c, str) and c.strip() for c in choices):
                raise ValueError(f"{path}:{row}: needs at least 2 non-empty string choices")
            label = record.get("label")
            if label is not None and not (isinstance(label, int) and 0 <= label < len(choices)):
                raise ValueError(f"{path}:{row}: label {label!r} is not a choice index")
            guid = str(record.get("id", row - 1))
            examples.append(ChoiceExample(guid, record["context"], tuple(choices), label))
    return examples


READERS = {"csv": read_swag_csv, "jsonl": read_choice_jsonl, "json": read_choice_jsonl}


def pack_choices(preprocessor: Any, contexts: Any, choices: Any) -> dict[str, Any]:
    """BERT inputs `[B, K, T]` int32 for contexts `[B]` and choices `[B, K]` (strings).

    Each (context, choice) pair is packed by the preprocessor; an empty choice is absent:
    its row's input mask is all zero, which `BertMultipleChoice` never chooses.
    """
    import tensorflow as tf

    contexts = tf.convert_to_tensor(contexts, tf.string)  # [B]
    choices = tf.convert_to_tensor(choices, tf.string)  # [B, K]
    batch, width = tf.shape(choices)[0], tf.shape(choices)[1]
    flat = tf.reshape(choices, [-1])  # [B*K]
    tokens = preprocessor((tf.repeat(contexts, width), flat))  # [B*K, T] each
    present = tf.cast(tf.strings.length(flat) > 0, tf.int32)[:, None]  # [B*K, 1]
    tokens["input_mask"] = tokens["input_mask"] * present
    shape = tf.stack([batch, width, preprocessor.seq_length])
    return {name: tf.reshape(value, shape) for name, value in tokens.items()}  # [B, K, T]


@register_shape
class MultipleChoiceTask(TaskShape):
    """Multiple choice; see the module docstring."""

    shape = "multiple_choice"
    task_names = ("swag", "multiple-choice")
    served_as = ("multiple_choice",)
    config_class = MultipleChoiceConfig
    free_text_fields = ("id", "context", "choices")
    model_class = "bert_tf.models.bert_multiple_choice:BertMultipleChoice"
    serving_module = "bert_tf.tasks.multiple_choice_module:MultipleChoiceModule"
    results = {"multiple_choice": "bert_tf.tasks.multiple_choice_result:MultipleChoiceResult"}
    sample_inputs = {
        "context": ["She poured the tea into the cup.", "The team lost the final."],
        "choices": [
            ["She drank it slowly.", "She planted the cup.", "The cup sang.", ""],
            ["They walked off sadly.", "They won it.", "The ball ate lunch.", "It rained up."],
        ],
    }

    def read_file(self, path: str | os.PathLike) -> list:
        suffix = Path(path).suffix.lower().lstrip(".")
        if suffix not in READERS:
            raise ValueError(f"{path}: multiple-choice files are SWAG .csv or .jsonl")
        return READERS[suffix](path)

    def to_record(self, example: Any) -> dict[str, Any]:
        return {
            "id": example.guid,
            "context": example.context,
            "choices": list(example.choices),
            "label": example.label,
        }

    def from_record(self, fields: Mapping[str, list[Any]]) -> Any:
        from bert_tf.tasks.task_records import first

        label = first(fields, "label")
        return ChoiceExample(
            str(first(fields, "id", "")),
            first(fields, "context", ""),
            tuple(fields.get("choices", [])),
            None if label is None else int(label),
        )

    def serving_request(self, example: Any) -> dict[str, Any]:
        return {"context": example.context, "choices": list(example.choices)}

    def learn_from(self, examples: Sequence[Any]) -> None:
        if self.config.num_choices is None:
            self.replace(num_choices=max(len(example.choices) for example in examples))

    def num_outputs(self) -> int:
        return int(self.config.num_choices or 0)

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        """Inputs `[N, K, T]` and `labels` [N] (-1 for unlabelled examples), in chunks."""
        from bert_tf.text import BertPreprocessor

        width = self.num_outputs() or max(len(example.choices) for example in examples)
        wider = [e.guid for e in examples if len(e.choices) > width]
        if wider:
            raise ValueError(f"examples {wider[:3]} have more than {width} choices (num_choices)")
        preprocessor = BertPreprocessor(tokenizer, seq_length=self.max_seq_length)
        parts: list[dict[str, np.ndarray]] = []
        for start in range(0, len(examples), 512):
            chunk = examples[start : start + 512]
            choices = [list(e.choices) + [""] * (width - len(e.choices)) for e in chunk]
            packed = pack_choices(preprocessor, [e.context for e in chunk], choices)
            parts.append({name: value.numpy() for name, value in packed.items()})
        features = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        features["labels"] = np.array([-1 if e.label is None else e.label for e in examples])
        return features

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        return self.model_type()(backbone, dropout=dropout, feature_layers=self.feature_layers)

    def predict(
        self,
        model: Any,
        examples: Sequence[Any],
        features: Mapping[str, np.ndarray],
        batch_size: int = 64,
    ) -> np.ndarray:
        """Per example, the choices' logits [E, K]."""
        return np.asarray(self.model_outputs(model, features, batch_size), dtype=np.float64)

    def metrics(self, examples: Sequence[Any], predictions: np.ndarray) -> dict[str, float]:
        return self.score_values(examples, np.argmax(predictions, axis=-1))

    def served_metrics(self, examples: Sequence[Any], results: Sequence[Any]) -> dict[str, float]:
        return self.score_values(examples, [result.choice for result in results])

    def score_values(self, examples: Sequence[Any], chosen: Sequence[Any]) -> dict[str, float]:
        """Accuracy of the chosen indices."""
        try:
            chosen = [int(value) for value in chosen]
        except (TypeError, ValueError):
            raise ValueError("multiple-choice predictions must be choice indices") from None
        gold = [example.label for example in examples]
        return {"accuracy": float(np.mean(np.array(chosen) == np.array(gold)))}

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: np.ndarray
    ) -> str:
        chosen = np.argmax(predictions, axis=-1)
        return self.write_index_predictions(
            out_dir, [(e.guid, int(i)) for e, i in zip(examples, chosen)]
        )
