"""`CorpusGen`: ingest the pre-training corpus (text files) as a `Corpus` artifact.

Like a file-based ExampleGen, its driver fingerprints the matched files (names, sizes,
modification times) into the execution's properties, so a changed corpus is a new input and
an unchanged one hits the cache. The executor copies the files into the artifact, which is
then an immutable snapshot of what the vocabulary and the pre-training data were built from.
(Kubeflow runs no custom driver for this component: there, caching keys on the pattern only.)

Example:
    >>> corpus = CorpusGen(input_base="data/corpus", file_pattern="*.txt")  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import os
from typing import Any

from tfx import types
from tfx.components.example_gen import driver as example_gen_driver
from tfx.components.example_gen import utils as example_gen_utils
from tfx.dsl.components.base import base_component, base_executor, executor_spec
from tfx.dsl.io import fileio
from tfx.orchestration import data_types_utils
from tfx.orchestration.portable import data_types as portable_data_types
from tfx.proto import example_gen_pb2
from tfx.proto.orchestration import driver_output_pb2
from tfx.types import artifact_utils
from tfx.types.component_spec import ChannelParameter, ExecutionParameter
from tfx.utils import proto_utils

from bert_tf.pipeline.artifacts import Corpus

CORPUS_KEY = "corpus"


class CorpusGenSpec(types.ComponentSpec):
    PARAMETERS = {
        "input_base": ExecutionParameter(type=str),
        "input_config": ExecutionParameter(type=str),  # example_gen_pb2.Input as JSON
        "range_config": ExecutionParameter(type=str, optional=True),
    }
    INPUTS: dict[str, Any] = {}
    OUTPUTS = {CORPUS_KEY: ChannelParameter(type=Corpus)}


class CorpusDriver(example_gen_driver.FileBasedDriver):
    """The file-based ExampleGen driver (span, version, fingerprint) for a `corpus` output."""

    def run(
        self, execution_info: portable_data_types.ExecutionInfo
    ) -> driver_output_pb2.DriverOutput:
        exec_properties = self.resolve_exec_properties(
            dict(execution_info.exec_properties), None, None
        )
        result = driver_output_pb2.DriverOutput()
        for key, value in exec_properties.items():
            if value is not None:
                data_types_utils.set_metadata_value(result.exec_properties[key], value)
        output = copy.deepcopy(execution_info.output_dict[CORPUS_KEY][0].mlmd_artifact)
        example_gen_driver.update_output_artifact(exec_properties, output)
        result.output_artifacts[CORPUS_KEY].artifacts.append(output)
        return result


class CorpusExecutor(base_executor.BaseExecutor):
    """Copies the files matching the input pattern into the `Corpus` artifact."""

    def Do(self, input_dict, output_dict, exec_properties) -> None:  # noqa: N802 (TFX API)
        input_config = example_gen_pb2.Input()
        proto_utils.json_to_proto(exec_properties["input_config"], input_config)
        corpus = artifact_utils.get_single_instance(output_dict[CORPUS_KEY])
        files = []
        for split in input_config.splits:
            files += sorted(fileio.glob(os.path.join(exec_properties["input_base"], split.pattern)))
        if not files:
            patterns = [split.pattern for split in input_config.splits]
            raise FileNotFoundError(
                f"CorpusGen: no text files match {patterns} under {exec_properties['input_base']}"
            )
        fileio.makedirs(corpus.uri)
        for index, path in enumerate(files):
            fileio.copy(path, os.path.join(corpus.uri, f"{index:05d}-{os.path.basename(path)}"))
        corpus.set_int_custom_property("num_files", len(files))


class CorpusGen(base_component.BaseComponent):
    """Text files under `input_base` matching `file_pattern` -> a `Corpus` artifact."""

    SPEC_CLASS = CorpusGenSpec
    EXECUTOR_SPEC = executor_spec.ExecutorClassSpec(CorpusExecutor)
    DRIVER_CLASS = CorpusDriver

    def __init__(self, input_base: str, file_pattern: str = "*.txt"):
        input_config = example_gen_utils.make_default_input_config(file_pattern)
        super().__init__(
            CorpusGenSpec(
                input_base=input_base,
                input_config=proto_utils.proto_to_json(input_config),
                corpus=types.Channel(type=Corpus),
            )
        )
