"""`TaskExampleGen`: a task's files, in the task's own format, as `tf.train.Example`s.

TFX's file-based ExampleGen (splits, hash buckets, spans, input fingerprints for the cache)
with an executor that reads each matched file through the task shape's reader
(`bert_tf.tasks`: GLUE TSV, CSV/JSONL rows, SQuAD JSON, CoNLL, SWAG CSV, ...) and writes one
record per example with the shape's raw fields (`TaskShape.to_record`: text and label;
question, context and answers; tokens and tags; context, choices and label). StatisticsGen,
SchemaGen and ExampleValidator then check those fields, and the fine-tuning Trainer reads the
splits back through the same shape (`TaskShape.read` takes a split directory).

Example:
    >>> gen = TaskExampleGen("data/squad", "squad-v1.1", {},
    ...                      input_config=example_gen_utils.make_default_input_config("*.json"),
    ...                      output_config=None)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from typing import Any

import apache_beam as beam
from google.protobuf import struct_pb2
from tfx.components.example_gen.base_example_gen_executor import BaseExampleGenExecutor
from tfx.components.example_gen.component import FileBasedExampleGen
from tfx.dsl.components.base import executor_spec
from tfx.dsl.io import fileio
from tfx.proto import example_gen_pb2
from tfx.types import standard_component_specs
from tfx.utils import proto_utils

COMPONENT_ID = "TaskExampleGen"


def task_settings(exec_properties: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(task name, task options) from the executor's `custom_config` property."""
    custom = example_gen_pb2.CustomConfig()
    value = exec_properties.get(standard_component_specs.CUSTOM_CONFIG_KEY)
    if isinstance(value, str):
        proto_utils.json_to_proto(value, custom)
    elif value is not None:
        custom.CopyFrom(value)
    settings = struct_pb2.Struct()
    if not custom.custom_config.Unpack(settings) or "settings" not in settings:
        raise ValueError("TaskExampleGen needs its task in custom_config (see task_config)")
    values = json.loads(settings["settings"])
    return values["task"], values["options"]


def task_config(task: str, options: dict[str, Any]) -> example_gen_pb2.CustomConfig:
    """The `custom_config` that names the task (JSON inside a Struct, so integers stay ints)."""
    settings = struct_pb2.Struct()
    settings.update({"settings": json.dumps({"task": task, "options": options}, sort_keys=True)})
    custom = example_gen_pb2.CustomConfig()
    custom.custom_config.Pack(settings)
    return custom


class _FileToRecords(beam.DoFn):
    """One task file -> its examples' serialized records (the shape is built per worker)."""

    def __init__(self, task: str, options: dict[str, Any]) -> None:
        self._settings = (task, options)
        self._task = None

    def setup(self) -> None:
        from bert_tf.tasks import make_task

        self._task = make_task(self._settings[0], **self._settings[1])

    def process(self, path: str):
        from bert_tf.tasks.task_records import encode_record

        examples = self._task.read_file(path)
        if not examples:
            raise ValueError(f"{path}: no {self._settings[0]} examples in the file")
        beam.metrics.Metrics.counter(COMPONENT_ID, "examples").inc(len(examples))
        for example in examples:
            yield encode_record(self._task.to_record(example))


@beam.ptransform_fn
@beam.typehints.with_input_types(beam.Pipeline)
def _TaskFilesToExample(  # noqa: N802 (TFX names its transforms like classes)
    pipeline: beam.Pipeline, exec_properties: dict[str, Any], split_pattern: str
) -> beam.pvalue.PCollection:
    task, options = task_settings(exec_properties)
    input_base = exec_properties[standard_component_specs.INPUT_BASE_KEY]
    files = sorted(fileio.glob(os.path.join(input_base, split_pattern)))
    if not files:
        raise FileNotFoundError(f"TaskExampleGen: no files match {split_pattern} in {input_base}")
    return (
        pipeline
        | "TaskFiles" >> beam.Create(files)
        | "ReadTaskFiles" >> beam.ParDo(_FileToRecords(task, options))
    )


class TaskFilesExecutor(BaseExampleGenExecutor):
    """ExampleGen executor: task files -> the shape's `tf.train.Example` records."""

    def GetInputSourceToExamplePTransform(self) -> beam.PTransform:  # noqa: N802 (TFX API)
        return _TaskFilesToExample


def TaskExampleGen(  # noqa: N802 (a TFX component is named like a class)
    input_base: str,
    task: str,
    options: dict[str, Any],
    input_config: example_gen_pb2.Input,
    output_config: example_gen_pb2.Output | None,
) -> FileBasedExampleGen:
    """The ExampleGen of task `task` (read with `options`, the shape's own) over `input_base`."""
    return FileBasedExampleGen(
        input_base=input_base,
        input_config=input_config,
        output_config=output_config,
        custom_config=task_config(task, options),
        custom_executor_spec=executor_spec.BeamExecutorSpec(TaskFilesExecutor),
    ).with_id(COMPONENT_ID)
