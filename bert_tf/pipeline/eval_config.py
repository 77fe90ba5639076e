"""The Evaluator's TFMA config: the task metric on `serve_examples`, with a value threshold
and a change threshold against the latest blessed model.

TFMA 0.47 cannot `load_model` a Keras 3 SavedModel, so the model is `tf_generic` and called
through its `serve_examples` signature (serialized tf.Examples in). The task rows carry their
label as the class name (`label`); the model answers with the predicted name (`label`), so
accuracy is TFMA's `ExactMatch` of the two strings - no label vocabulary to keep in step
with the model's class order.

Example:
    >>> config = make_eval_config(EvaluationSection())
    >>> config.model_specs[0].signature_name, config.metrics_specs[0].metrics[0].class_name
    ('serve_examples', 'ExactMatch')
"""

from __future__ import annotations

import json

import tensorflow_model_analysis as tfma

from bert_tf.pipeline.config_sections import EvaluationSection

SIGNATURE = "serve_examples"
LABEL_KEY = "label"


def make_eval_config(section: EvaluationSection) -> tfma.EvalConfig:
    """An EvalConfig blessing models with `metric` >= lower_bound and at most `max_drop`
    below the baseline."""
    threshold = tfma.MetricThreshold(
        value_threshold=tfma.GenericValueThreshold(lower_bound={"value": section.lower_bound}),
        change_threshold=tfma.GenericChangeThreshold(
            direction=tfma.MetricDirection.HIGHER_IS_BETTER,
            absolute={"value": -section.max_drop},
        ),
    )
    metric = tfma.MetricConfig(
        class_name="ExactMatch",
        config=json.dumps({"name": section.metric}),
        threshold=threshold,
    )
    return tfma.EvalConfig(
        model_specs=[
            tfma.ModelSpec(
                signature_name=SIGNATURE,
                model_type="tf_generic",
                label_key=LABEL_KEY,
                prediction_key=LABEL_KEY,
            )
        ],
        slicing_specs=[tfma.SlicingSpec()],
        metrics_specs=[
            tfma.MetricsSpec(metrics=[metric, tfma.MetricConfig(class_name="ExampleCount")])
        ],
    )
