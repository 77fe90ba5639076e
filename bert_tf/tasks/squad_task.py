"""`SquadTask`: extractive QA on SQuAD v1.1 / v2.0 JSON.

Features are windows over the context (`SquadFeatures`); answers come from
`bert_tf.evaluation.postprocess_squad` over all windows of a question (n-best, max answer
length, v2.0 null threshold), cut from the original context by character offsets. The
predictions file is `{qas_id: text}` JSON as `bert-tf score` and the official scripts read; for
v2.0 `null_odds.json` holds each question's null-score difference (the official `na_probs`).

Example:
    >>> task = SquadTask("squad-v2.0", max_seq_length=384, doc_stride=128)
    >>> task.main_metric, task.version_2
    ('f1', True)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.tasks.finetune_task import FinetuneTask
from bert_tf.tasks.window_aggregation import squad_windows


class SquadTask(FinetuneTask):
    """SQuAD span prediction.

    Args:
        name: "squad-v1.1" or "squad-v2.0".
        labels: unused (kept for the common constructor).
        max_seq_length: tokens per window.
        doc_stride: how far each context window starts after the previous one.
        max_query_length: questions are cut to this many tokens.
        n_best_size, max_answer_length, null_score_diff_threshold: post-processing settings.

    Example:
        >>> SquadTask("squad-v1.1", max_seq_length=64, doc_stride=16).version_2
        False
    """

    head = "span"
    main_metric = "f1"
    predictions_file = "predictions.json"

    def __init__(
        self,
        name: str,
        labels: Sequence[str] | None = None,
        max_seq_length: int = 384,
        doc_stride: int = 128,
        max_query_length: int = 64,
        n_best_size: int = 20,
        max_answer_length: int = 30,
        null_score_diff_threshold: float = 0.0,
        **settings: Any,
    ) -> None:
        super().__init__(
            name,
            [],
            max_seq_length,
            doc_stride=doc_stride,
            max_query_length=min(max_query_length, max_seq_length // 2),
            n_best_size=n_best_size,
            max_answer_length=max_answer_length,
            null_score_diff_threshold=null_score_diff_threshold,
            **settings,
        )
        self.version_2 = name == "squad-v2.0"

    def read(self, path: str | os.PathLike) -> list:
        from bert_tf.data.readers.squad import read_squad

        examples = read_squad(path)
        if not self.version_2 and any(example.is_impossible for example in examples):
            raise ValueError(f"{path}: has unanswerable questions; use --task squad-v2.0")
        return examples

    def learn_labels(self, examples: Sequence[Any]) -> None:
        return None

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        from bert_tf.data.features import SquadFeatures

        return SquadFeatures(
            tokenizer,
            self.max_seq_length,
            self.settings["doc_stride"],
            self.settings["max_query_length"],
        ).build(examples)

    def targets(self, features: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {
            "start_logits": features["start_positions"],
            "end_logits": features["end_positions"],
        }

    def _task_model(self, backbone: Any, dropout: float) -> Any:
        from bert_tf.models import BertSpanLabeler

        return BertSpanLabeler(backbone)

    def loss(self) -> Any:
        import keras

        return {
            "start_logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            "end_logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        }

    def loss_weights(self) -> dict[str, float]:
        return {"start_logits": 0.5, "end_logits": 0.5}

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
            n_best_size=self.settings["n_best_size"],
            max_answer_length=self.settings["max_answer_length"],
            version_2_with_negative=self.version_2,
            null_score_diff_threshold=self.settings["null_score_diff_threshold"],
        )

    def metrics(self, examples: Sequence[Any], predictions: dict[str, Any]) -> dict[str, float]:
        from bert_tf.evaluation import squad_gold_answers, squad_v1_metrics, squad_v2_metrics

        gold = squad_gold_answers(examples)
        texts = {qas_id: prediction.text for qas_id, prediction in predictions.items()}
        if not self.version_2:
            return squad_v1_metrics(gold, texts)
        null_odds = {q: p.null_score_diff for q, p in predictions.items()}
        return squad_v2_metrics(gold, texts, null_odds, self.settings["null_score_diff_threshold"])

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: dict[str, Any]
    ) -> Path:
        out = Path(out_dir)
        texts = {qas_id: prediction.text for qas_id, prediction in predictions.items()}
        path = out / self.predictions_file
        path.write_text(json.dumps(texts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        nbest = {
            qas_id: [entry.__dict__ for entry in prediction.nbest]
            for qas_id, prediction in predictions.items()
        }
        (out / "nbest_predictions.json").write_text(json.dumps(nbest, indent=1) + "\n")
        if self.version_2:
            odds = {q: p.null_score_diff for q, p in predictions.items()}
            (out / "null_odds.json").write_text(json.dumps(odds, indent=2) + "\n")
        return path
