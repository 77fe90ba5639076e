"""The Kubeflow V2 runner is importable and compiles every component with the config's image
and Beam args."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bert_tf.pipeline.pipeline_config import PipelineConfig

IMAGE = "gcr.io/project/bert-tf-pipeline:test"
BEAM_ARGS = ["--runner=DataflowRunner", "--project=project", "--region=us-central1"]
COMPONENTS = {
    "TaskExampleGen",
    "StatisticsGen",
    "SchemaGen",
    "FreeTextSchema",
    "ExampleValidator",
    "ValidationGate",
    "CorpusGen",
    "VocabularyGen",
    "PretrainingDataGen",
    "PretrainTrainer",
    "FinetuneTrainer",
    "TaskEvaluator",
    "ServingCanary",
    "Pusher",
    "FillMaskExport",
    "FillMaskPusher",
    "ModelCompressor",
    "StudentEvaluator",
    "StudentCanary",
    "StudentPusher",
}
PRETRAINING_COMPONENTS = {"CorpusGen", "VocabularyGen", "PretrainingDataGen", "PretrainTrainer",
                          "FillMaskExport", "FillMaskPusher"}  # fmt: skip
COMPRESSION_COMPONENTS = {"ModelCompressor", "StudentEvaluator", "StudentCanary", "StudentPusher"}
CONFIGS = Path(__file__).parents[2] / "pipelines" / "configs"
BEAM_COMPONENTS = {"TaskExampleGen", "StatisticsGen", "PretrainingDataGen"}


def test_runner_is_importable():
    # tfx.v1.orchestration.experimental drops the runner silently when kfp is missing
    from tfx.v1.orchestration import experimental

    assert hasattr(experimental, "KubeflowV2DagRunner")
    from bert_tf.pipeline.kubeflow_compile import kubeflow_runner_class

    assert kubeflow_runner_class()[0] is experimental.KubeflowV2DagRunner


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    from bert_tf.pipeline.kubeflow_compile import compile_kubeflow

    config = PipelineConfig.from_dict(
        {
            "pipeline_root": "gs://bucket/root",
            "corpus": {"input_base": "gs://bucket/corpus"},
            "task_data": {"input_base": "gs://bucket/task"},
            "push": {"serving_dir": "gs://bucket/serving"},
            "fill_mask": {"model_name": "bert_fill_mask"},
            "compression": {"method": "distill+int8"},
            "kubeflow": {"image": IMAGE},
            "beam": {"args": BEAM_ARGS},
        }
    )
    path = compile_kubeflow(config, tmp_path_factory.mktemp("kfp") / "pipeline.json")
    return json.loads(path.read_text())


def test_every_component_is_in_the_spec(spec):
    tasks = set(spec["pipelineSpec"]["root"]["dag"]["tasks"])
    assert tasks >= COMPONENTS
    assert any(task.startswith("LatestBlessedModel") for task in tasks)


def test_components_run_in_the_image_with_the_beam_args(spec):
    executors = spec["pipelineSpec"]["deploymentSpec"]["executors"]
    for name in COMPONENTS:
        container = executors[f"{name}_executor"]["container"]
        assert container["image"] == IMAGE, name
        if name in BEAM_COMPONENTS:
            assert container["args"][-len(BEAM_ARGS) :] == BEAM_ARGS, name
    gate = executors["ValidationGate_executor"]["container"]["args"]
    assert "bert_tf.pipeline.components.validation_gate.ValidationGate_Executor" in gate


def test_run_fns_are_module_paths(spec):
    text = json.dumps(spec)
    assert "bert_tf.pipeline.pretrain_trainer.run_fn" in text
    assert "bert_tf.pipeline.finetune_trainer.run_fn" in text
    assert ".whl" not in text  # TFX packaged no user-module wheel


@pytest.mark.parametrize("name", ["squad", "conll"])
def test_a_qa_and_a_tagging_config_compile_to_a_valid_spec(name, tmp_path):
    """The example configs of other shapes, moved onto gs://, compile into a PipelineJob
    whose spec parses as the KFP v2 proto and runs every component in the image."""
    from google.protobuf import json_format
    from kfp.pipeline_spec import pipeline_spec_pb2

    from bert_tf.pipeline.kubeflow_compile import compile_kubeflow

    config = PipelineConfig.load(CONFIGS / f"{name}.yaml")
    config = config.replace(
        pipeline_root="gs://bucket/root",
        task_data=dataclasses.replace(config.task_data, input_base="gs://bucket/task"),
        push=dataclasses.replace(config.push, serving_dir="gs://bucket/serving"),
        kubeflow=dataclasses.replace(config.kubeflow, image=IMAGE),
        beam=dataclasses.replace(config.beam, args=BEAM_ARGS),
    )
    spec = json.loads(compile_kubeflow(config, tmp_path / "pipeline.json").read_text())
    json_format.ParseDict(spec["pipelineSpec"], pipeline_spec_pb2.PipelineSpec())
    imported = {"CheckpointImporter"} | COMPONENTS - PRETRAINING_COMPONENTS - COMPRESSION_COMPONENTS
    assert set(spec["pipelineSpec"]["root"]["dag"]["tasks"]) >= imported
    executors = spec["pipelineSpec"]["deploymentSpec"]["executors"]
    example_gen = executors["TaskExampleGen_executor"]["container"]
    assert example_gen["image"] == IMAGE and name.replace("squad", "squad-v1.1") in json.dumps(
        spec["pipelineSpec"]["root"]["dag"]["tasks"]["TaskExampleGen"]
    )
