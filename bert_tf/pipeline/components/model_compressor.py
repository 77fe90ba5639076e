"""`ModelCompressor`: the fine-tuned model distilled and/or quantized, as a pipeline step.

It runs `bert_tf.compression.compress_run` on the fine-tuning Trainer's run directory (the
teacher, `<model_run>/finetune`) with the task's ExampleGen splits: the student learns on
`train`, and teacher and student are scored on `eval` with the task's official metric. The
compressed model is exported with the teacher's raw-text signatures into `model`
(`Format-Serving`, what the evaluator, the canary and the Pusher take); its run directory and
`compression_summary.json` lie beside it in `compressed_run/`. The method, and the teacher's
and the student's main metric, parameter counts and weight bytes are custom properties, so
`bert-tf pipeline status` shows them side by side.

The pipeline then judges the student like any candidate, with the teacher as the baseline:
`StudentEvaluator` blesses it at most `compression.max_drop` below the teacher, and only a
blessed, canaried student is pushed (`StudentPusher`).

Example:
    >>> compressor = ModelCompressor(model_run=trainer.outputs["model_run"],
    ...     examples=example_gen.outputs["examples"], method="int8")  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import json

from tfx.dsl.component.experimental.annotations import InputArtifact, OutputArtifact, Parameter
from tfx.dsl.component.experimental.decorators import component
from tfx.types import standard_artifacts

from bert_tf import storage

TEACHER_RUN = "finetune"  # the fine-tuning Trainer's run directory under its model_run
COMPRESSED_RUN = "compressed_run"


@component
def ModelCompressor(  # noqa: N802 (a TFX component is named like a class)
    model_run: InputArtifact[standard_artifacts.ModelRun],
    examples: InputArtifact[standard_artifacts.Examples],
    model: OutputArtifact[standard_artifacts.Model],
    method: Parameter[str] = "distill",
    settings: Parameter[str] = "{}",
) -> None:
    """Compresses the teacher by `method` ("distill", "int8", "distill+int8") with
    `settings` (JSON: `compress_run`'s keyword arguments and `DistillConfig` fields)."""
    from tfx.utils import path_utils

    from bert_tf.compression.compress_run import compress_run

    result = compress_run(
        storage.join(model_run.uri, TEACHER_RUN),
        storage.join(examples.uri, "Split-train"),
        storage.join(examples.uri, "Split-eval"),
        storage.join(model.uri, COMPRESSED_RUN),
        method,
        export_dir=path_utils.serving_model_path(model.uri),
        **json.loads(settings),
    )
    summary = result.summary
    main = summary["main_metric"]
    model.set_string_custom_property("compression", method)
    model.set_string_custom_property("metric", main)
    for role in ("teacher", "student"):
        value = summary[role]["metrics"].get(main)
        if value is not None:
            model.set_float_custom_property(f"{role}_value", float(value))
        model.set_int_custom_property(f"{role}_parameters", int(summary[role]["parameters"]))
        model.set_int_custom_property(f"{role}_weight_bytes", int(summary[role]["weight_bytes"]))
