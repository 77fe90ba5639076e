"""`ServingCanary`: bless a candidate SavedModel only when it answers in a fresh process.

The check (`bert_tf.pipeline.canary_check`) runs in a new Python process, as a model server
would load the model: nothing the Trainer's process imported or cached can hide a missing op or
asset. It replays the model's own warm-up records and `golden_requests` examples of the eval
split, each asked as its task shape asks a served model (`TaskShape.serving_request`: text;
question and context; a sentence; context and choices). The output is an `InfraBlessing`
(custom property `blessed`), so the Pusher gates on it exactly as on TFX's InfraValidator,
which the config can select instead for production.

Example:
    >>> canary = ServingCanary(model=trainer.outputs["model"],
    ...                        examples=example_gen.outputs["examples"])  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import json
import subprocess
import sys

from tfx.dsl.component.experimental.annotations import InputArtifact, OutputArtifact, Parameter
from tfx.dsl.component.experimental.decorators import component
from tfx.types import standard_artifacts

from bert_tf import storage

REPORT_FILE = "canary_report.json"


@component
def ServingCanary(  # noqa: N802 (a TFX component is named like a class)
    model: InputArtifact[standard_artifacts.Model],
    examples: InputArtifact[standard_artifacts.Examples],
    blessing: OutputArtifact[standard_artifacts.InfraBlessing],
    task: Parameter[str] = "csv",
    task_options: Parameter[str] = "{}",
    golden_requests: Parameter[int] = 8,
    split: Parameter[str] = "eval",
    timeout_seconds: Parameter[int] = 300,
) -> None:
    """Writes `canary_report.json` and sets `blessed` to 1 when every request answered;
    `task` (with `task_options`, JSON) is the task whose examples `examples` holds."""
    from tfx.utils import path_utils

    from bert_tf.tasks import make_task

    storage.makedirs(blessing.uri)
    shape = make_task(task, **json.loads(task_options))
    examples = shape.read(storage.join(examples.uri, f"Split-{split}"))[:golden_requests]
    rows = [shape.serving_request(example) for example in examples]
    model_dir = path_utils.serving_model_path(model.uri)
    failure = check_in_fresh_process(model_dir, rows, blessing.uri, timeout_seconds)
    bless_infra(blessing, failure)


def check_in_fresh_process(model_dir: str, rows: list, out_dir: str, timeout_seconds: int) -> str:
    """Runs `canary_check` on `model_dir` with the golden `rows` in a new Python process,
    keeping the requests and the report in `out_dir`; returns what failed ("" if nothing)."""
    golden = storage.join(out_dir, "golden_requests.json")
    storage.write_text(golden, json.dumps(rows))
    report_path = storage.join(out_dir, REPORT_FILE)
    command = [sys.executable, "-m", "bert_tf.pipeline.canary_check", model_dir, golden]
    try:
        done = subprocess.run(
            [*command, report_path], capture_output=True, text=True, timeout=timeout_seconds
        )
        failure = "" if done.returncode == 0 else (done.stderr[-2000:] or "canary check failed")
    except subprocess.TimeoutExpired:
        failure = f"the model did not answer within {timeout_seconds} s"
    if storage.exists(report_path):
        errors = json.loads(storage.read_text(report_path))["errors"]
        failure = "; ".join(errors) if errors else failure
    return failure


def bless_infra(blessing: standard_artifacts.InfraBlessing, failure: str) -> None:
    """Sets `blessed` (1 when nothing failed) and the marker file InfraValidator writes."""
    blessing.set_int_custom_property("blessed", 0 if failure else 1)
    blessing.set_string_custom_property("canary_errors", failure)
    name = "INFRA_BLESSED" if not failure else "INFRA_NOT_BLESSED"
    storage.write_text(storage.join(blessing.uri, name), "")
