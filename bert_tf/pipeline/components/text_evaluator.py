"""`TextEvaluator`: TFX's Evaluator, with tensorflow-text's ops registered before TFMA loads
the model.

The exported SavedModel tokenizes inside its graph with tensorflow-text kernels, which a
process registers by importing `tensorflow_text`; TFMA loads the model with
`tf.saved_model.load` in the Evaluator's own process (and in each Beam worker it starts), where
nothing else has imported it when the Trainer ran elsewhere or was cached.

Example:
    >>> evaluator = TextEvaluator(examples=..., model=..., eval_config=...)  # doctest: +SKIP
"""

from __future__ import annotations

from tfx.components.evaluator import component as evaluator_component
from tfx.components.evaluator import executor as evaluator_executor
from tfx.dsl.components.base import executor_spec


class TextEvaluatorExecutor(evaluator_executor.Executor):
    """The Evaluator executor, after `import tensorflow_text`."""

    def Do(self, input_dict, output_dict, exec_properties) -> None:  # noqa: N802 (TFX API)
        import tensorflow_text  # noqa: F401 (registers the ops of the model's tokenizer)

        super().Do(input_dict, output_dict, exec_properties)


class TextEvaluator(evaluator_component.Evaluator):
    """Evaluator whose executor can run models that tokenize with tensorflow-text."""

    EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(TextEvaluatorExecutor)
