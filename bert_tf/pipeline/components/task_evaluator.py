"""`TaskEvaluator`: bless a candidate by its task's official metric, as served.

For every task shape the candidate SavedModel answers the eval split through
`serving_default`, and the shape scores the answers with its official metric
(`bert_tf.export.served_evaluation`: GLUE's metrics or accuracy, SQuAD EM/F1, conlleval
entity F1, multiple-choice accuracy). The candidate is blessed when that metric is at least
`lower_bound` (the value threshold) and at most `max_drop` below the latest blessed model's
on the same examples (the change threshold). The outputs are what TFX's Evaluator writes for
the Pusher and the baseline resolver: a `ModelEvaluation` (`evaluation.json`) and a
`ModelBlessing` (custom properties `blessed`, `current_model_id`, `baseline_model_id`, and a
`BLESSED` or `NOT_BLESSED` marker file).

Example:
    >>> evaluator = TaskEvaluator(examples=gen.outputs["examples"], model=trainer.outputs[
    ...     "model"], baseline_model=resolver.outputs["model"], task="squad-v1.1",
    ...     metric="f1", lower_bound=50.0)  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import json
import os
from typing import Any

from tfx.dsl.component.experimental.annotations import InputArtifact, OutputArtifact, Parameter
from tfx.dsl.component.experimental.decorators import component
from tfx.types import standard_artifacts

EVALUATION_FILE = "evaluation.json"


def judge(
    metric: str, candidate: dict, baseline: dict | None, lower_bound: float, max_drop: float
) -> dict[str, Any]:
    """The blessing decision and its reasons (what `evaluation.json` records)."""
    if metric not in candidate:
        raise ValueError(f"the task has no metric {metric!r}; it reports {sorted(candidate)}")
    value = candidate[metric]
    reasons = []
    if value < lower_bound:
        reasons.append(f"{metric} {value:.4g} is below the value threshold {lower_bound:.4g}")
    if baseline is not None and value < baseline[metric] - max_drop:
        reasons.append(
            f"{metric} {value:.4g} is more than {max_drop:.4g} below the blessed model's "
            f"{baseline[metric]:.4g}"
        )
    return {
        "metric": metric,
        "value": value,
        "lower_bound": lower_bound,
        "max_drop": max_drop,
        "blessed": not reasons,
        "reasons": reasons,
        "candidate": candidate,
        "baseline": baseline,
    }


@component
def TaskEvaluator(  # noqa: N802 (a TFX component is named like a class)
    examples: InputArtifact[standard_artifacts.Examples],
    model: InputArtifact[standard_artifacts.Model],
    evaluation: OutputArtifact[standard_artifacts.ModelEvaluation],
    blessing: OutputArtifact[standard_artifacts.ModelBlessing],
    baseline_model: InputArtifact[standard_artifacts.Model] = None,
    task: Parameter[str] = "csv",
    task_options: Parameter[str] = "{}",
    metric: Parameter[str] = "",
    lower_bound: Parameter[float] = 0.0,
    max_drop: Parameter[float] = 0.0,
    split: Parameter[str] = "eval",
) -> None:
    """Scores the candidate (and the baseline) on `split`; blesses by both thresholds.
    `metric` "" is the task's main metric (the one fine-tuning picks its best epoch by)."""
    import tensorflow as tf
    from tfx.utils import path_utils

    from bert_tf.export.served_evaluation import evaluate_export
    from bert_tf.tasks import make_task

    shape = make_task(task, **json.loads(task_options))
    eval_examples = shape.read(os.path.join(examples.uri, f"Split-{split}"))
    name = metric or shape.main_metric
    candidate = evaluate_export(path_utils.serving_model_path(model.uri), shape, eval_examples)
    baseline = None
    if baseline_model is not None:
        baseline_dir = path_utils.serving_model_path(baseline_model.uri)
        baseline = evaluate_export(baseline_dir, shape, eval_examples)
        blessing.set_int_custom_property("baseline_model_id", baseline_model.id)
    report = {"task": task, "split": split, "examples": len(eval_examples)}
    report.update(judge(name, candidate, baseline, lower_bound, max_drop))
    tf.io.gfile.makedirs(evaluation.uri)
    with tf.io.gfile.GFile(os.path.join(evaluation.uri, EVALUATION_FILE), "w") as handle:
        handle.write(json.dumps(report, indent=2))
    evaluation.set_string_custom_property("metric", name)
    evaluation.set_float_custom_property("value", float(report["value"]))
    tf.io.gfile.makedirs(blessing.uri)
    marker = "BLESSED" if report["blessed"] else "NOT_BLESSED"
    with tf.io.gfile.GFile(os.path.join(blessing.uri, marker), "w") as handle:
        handle.write("; ".join(report["reasons"]))
    blessing.set_int_custom_property("blessed", int(report["blessed"]))
    blessing.set_int_custom_property("current_model_id", model.id)
    blessing.set_string_custom_property("current_model", model.uri)
