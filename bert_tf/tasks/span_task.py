"""`SpanTask`: extractive question answering (SQuAD v1.1 / v2.0 JSON).

Features are windows over the context (`SquadFeatures`); answers come from
`bert_tf.evaluation.postprocess_squad` over all windows of a question (n-best, max answer
length, v2.0 null threshold), cut from the original context by character offsets. The
predictions file is `{qas_id: text}` JSON as `bert-tf score` and the official scripts read; for
v2.0 `null_odds.json` holds each question's null-score difference (the official `na_probs`).
Served as "span": a question and its context in, the answer text and offsets out.

Example:
    >>> task = SpanTask.from_options("squad-v2.0", max_seq_length=384, doc_stride=128)
    >>> task.main_metric, task.version_2
    ('f1', True)
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bert_tf.config import option
from bert_tf.tasks.shape_registry import register_shape
from bert_tf.tasks.task_shape import TaskConfig, TaskShape
from bert_tf.tasks.window_aggregation import squad_windows

SAMPLE_CONTEXT = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a region in France. They were descended from Norse raiders and pirates from "
    "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to King "
    "Charles III of West Francia."
)


@dataclasses.dataclass(frozen=True)
class SpanConfig(TaskConfig):
    """Span QA settings (google-research run_squad.py's defaults)."""

    max_seq_length: int = 384  # tokens per window
    doc_stride: int = option(128, "how far each context window starts after the previous")
    max_query_length: int = option(64, "question tokens kept (at most half a window)")
    n_best_size: int = option(20, "candidate starts and ends per window")
    max_answer_length: int = option(30, "longest answer in tokens")
    null_score_diff_threshold: float = option(
        0.0, "v2.0: answer nothing when the null score beats the best span by more"
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.task not in ("squad-v1.1", "squad-v2.0"):
            raise ValueError(
                f"unknown span QA task {self.task!r}; expected squad-v1.1 or squad-v2.0"
            )
        for name in ("doc_stride", "max_query_length", "n_best_size", "max_answer_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        # At most half the window for the question, as google-research's run_squad does.
        object.__setattr__(
            self, "max_query_length", min(self.max_query_length, self.max_seq_length // 2)
        )
        object.__setattr__(self, "null_score_diff_threshold", float(self.null_score_diff_threshold))


@register_shape
class SpanTask(TaskShape):
    """Extractive QA; see the module docstring.

    Example:
        >>> SpanTask(SpanConfig("squad-v1.1", max_seq_length=64, doc_stride=16)).version_2
        False
    """

    shape = "span"
    task_names = ("squad-v1.1", "squad-v2.0")
    served_as = ("span",)
    config_class = SpanConfig
    free_text_fields = ("id", "question", "context", "answer_text")
    main_metric = "f1"
    predictions_file = "predictions.json"
    model_class = "bert_tf.models.bert_span_labeler:BertSpanLabeler"
    serving_module = "bert_tf.tasks.span_module:SpanModule"
    results = {"span": "bert_tf.tasks.span_result:SpanResult"}
    sample_inputs = {
        "question": ["Who was the Norse leader?", "In what country is Normandy located?"],
        "context": [SAMPLE_CONTEXT, SAMPLE_CONTEXT],
    }

    @property
    def version_2(self) -> bool:
        return self.config.task == "squad-v2.0"

    def serving_settings(self) -> dict[str, Any]:
        config = self.config
        return {
            "doc_stride": config.doc_stride,
            "max_query_length": config.max_query_length,
            "n_best_size": config.n_best_size,
            "max_answer_length": config.max_answer_length,
            "version_2_with_negative": self.version_2,
            "null_score_threshold": config.null_score_diff_threshold,
        }

    def read_file(self, path: str | os.PathLike) -> list:
        from bert_tf.data.readers.squad import read_squad

        examples = read_squad(path)
        if not self.version_2 and any(example.is_impossible for example in examples):
            raise ValueError(f"{path}: has unanswerable questions; use --task squad-v2.0")
        return examples

    def to_record(self, example: Any) -> dict[str, Any]:
        from bert_tf.tasks.task_records import Int64s

        return {
            "id": example.qas_id,
            "question": example.question,
            "context": example.context,
            "answer_text": [answer.text for answer in example.answers],
            "answer_start": Int64s(answer.char_start for answer in example.answers),
            "is_impossible": int(example.is_impossible),
        }

    def from_record(self, fields: Mapping[str, list[Any]]) -> Any:
        from bert_tf.data.readers.records import SquadAnswer, SquadExample
        from bert_tf.tasks.task_records import first

        texts, starts = fields.get("answer_text", []), fields.get("answer_start", [])
        if len(texts) != len(starts):
            raise ValueError(f"record {first(fields, 'id')}: answer_text and answer_start differ")
        return SquadExample(
            qas_id=str(first(fields, "id", "")),
            question=first(fields, "question", ""),
            context=first(fields, "context", ""),
            answers=[SquadAnswer(text, int(start)) for text, start in zip(texts, starts)],
            is_impossible=bool(first(fields, "is_impossible", 0)),
        )

    def serving_request(self, example: Any) -> dict[str, Any]:
        return {"question": example.question, "context": example.context}

    def learn_from(self, examples: Sequence[Any]) -> None:
        return None

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        from bert_tf.data.features import SquadFeatures

        return SquadFeatures(
            tokenizer,
            self.max_seq_length,
            self.config.doc_stride,
            self.config.max_query_length,
        ).build(examples)

    def targets(self, features: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {
            "start_logits": features["start_positions"],
            "end_logits": features["end_positions"],
        }

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        return self.model_type()(backbone, feature_layers=self.feature_layers)

    def predict(
        self,
        model: Any,
        examples: Sequence[Any],
        features: Mapping[str, np.ndarray],
        batch_size: int = 64,
    ) -> dict[str, Any]:
        """qas id -> `SquadPrediction` (text, n-best, v2.0 null-score difference)."""
        from bert_tf.evaluation import postprocess_squad

        outputs = self.model_outputs(model, features, batch_size)
        windows = squad_windows(
            features,
            np.asarray(outputs["start_logits"]),
            np.asarray(outputs["end_logits"]),
            examples,
        )
        contexts = {example.qas_id: example.context for example in examples}
        return postprocess_squad(
            contexts,
            windows,
            n_best_size=self.config.n_best_size,
            max_answer_length=self.config.max_answer_length,
            version_2_with_negative=self.version_2,
            null_score_diff_threshold=self.config.null_score_diff_threshold,
        )

    def metrics(self, examples: Sequence[Any], predictions: dict[str, Any]) -> dict[str, float]:
        from bert_tf.evaluation import squad_gold_answers, squad_v1_metrics, squad_v2_metrics

        gold = squad_gold_answers(examples)
        texts = {qas_id: prediction.text for qas_id, prediction in predictions.items()}
        if not self.version_2:
            return squad_v1_metrics(gold, texts)
        null_odds = {q: p.null_score_diff for q, p in predictions.items()}
        return squad_v2_metrics(gold, texts, null_odds, self.config.null_score_diff_threshold)

    def served_metrics(self, examples: Sequence[Any], results: Sequence[Any]) -> dict[str, float]:
        """The official v1.1 / v2.0 metrics of the served answers ("" is no answer)."""
        from bert_tf.evaluation import squad_gold_answers, squad_v1_metrics, squad_v2_metrics

        gold = squad_gold_answers(examples)
        texts = {example.qas_id: result.text for example, result in zip(examples, results)}
        return squad_v2_metrics(gold, texts) if self.version_2 else squad_v1_metrics(gold, texts)

    def score_files(self, gold: str | None, predictions: str, **options: Any) -> dict[str, float]:
        """The official evaluate-v1.1 / v2.0 metrics of `{qas_id: answer text}` JSON; v2.0
        takes `na_probs` (a JSON `{qas_id: no-answer probability}` file) and
        `na_prob_thresh`."""
        from bert_tf.data.readers.squad import read_squad
        from bert_tf.evaluation import squad_gold_answers, squad_v1_metrics, squad_v2_metrics
        from bert_tf.tasks.prediction_files import load_json

        self.refuse_options(options, ("na_probs", "na_prob_thresh") if self.version_2 else ())
        if not gold:
            raise ValueError(f"--task {self.name} needs --gold")
        answers = squad_gold_answers(read_squad(gold, check_offsets=False))
        texts = load_json(predictions)
        if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
            raise ValueError(f"{predictions}: expected a JSON object {{qas_id: answer text}}")
        if not self.version_2:
            return squad_v1_metrics(answers, texts)
        na_probs = load_json(options["na_probs"]) if options.get("na_probs") else None
        if na_probs is not None and not isinstance(na_probs, dict):
            raise ValueError(
                f"{options['na_probs']}: expected a JSON object {{qas_id: probability}}"
            )
        threshold = options.get("na_prob_thresh")
        return squad_v2_metrics(answers, texts, na_probs, 1.0 if threshold is None else threshold)

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: dict[str, Any]
    ) -> str:
        from bert_tf import storage

        texts = {qas_id: prediction.text for qas_id, prediction in predictions.items()}
        path = storage.join(out_dir, self.predictions_file)
        storage.write_text(path, json.dumps(texts, indent=2, ensure_ascii=False) + "\n")
        nbest = {
            qas_id: [entry.__dict__ for entry in prediction.nbest]
            for qas_id, prediction in predictions.items()
        }
        storage.write_text(storage.join(out_dir, "nbest_predictions.json"),
                           json.dumps(nbest, indent=1) + "\n")  # fmt: skip
        if self.version_2:
            odds = {q: p.null_score_diff for q, p in predictions.items()}
            storage.write_text(storage.join(out_dir, "null_odds.json"),
                               json.dumps(odds, indent=2) + "\n")  # fmt: skip
        return path
