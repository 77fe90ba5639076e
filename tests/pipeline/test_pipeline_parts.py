"""The pipeline's small parts on their own: the task ExampleGen, anomaly naming, the canary's
report on a broken model, the pre-training work key and the base-model resolution."""

from __future__ import annotations

import json

import pytest


def _run_task_example_gen(input_base, task, output_uri, splits, options=None):
    """TaskExampleGen's executor, as TFX runs it, on `splits` ({name: pattern})."""
    from tfx.proto import example_gen_pb2
    from tfx.types import standard_artifacts
    from tfx.utils import proto_utils

    from bert_tf.pipeline.components.task_example_gen import TaskFilesExecutor, task_config

    examples = standard_artifacts.Examples()
    examples.uri = str(output_uri)
    input_config = example_gen_pb2.Input(
        splits=[example_gen_pb2.Input.Split(name=n, pattern=p) for n, p in splits.items()]
    )
    properties = {
        "input_base": str(input_base),
        "input_config": proto_utils.proto_to_json(input_config),
        "output_config": proto_utils.proto_to_json(example_gen_pb2.Output()),
        "custom_config": proto_utils.proto_to_json(task_config(task, options or {})),
        "output_data_format": example_gen_pb2.FORMAT_TF_EXAMPLE,
        "output_file_format": example_gen_pb2.FORMAT_TFRECORDS_GZIP,
    }
    TaskFilesExecutor().Do({}, {"examples": [examples]}, properties)
    return examples


@pytest.mark.parametrize("name", ["squad", "conll", "swag"])
def test_task_example_gen_writes_each_shape_as_its_raw_fields(tmp_path, name):
    from task_files import SHAPE_CASES

    from bert_tf.tasks import make_task

    case = next(case for case in SHAPE_CASES if case.name == name)
    for split in ("train", "eval"):
        (tmp_path / "task" / split).mkdir(parents=True)
        case.make_file(tmp_path / "task" / split / f"{split}{case.suffix}")
    splits = {"train": f"train/*{case.suffix}", "eval": f"eval/*{case.suffix}"}
    out = _run_task_example_gen(tmp_path / "task", case.task, tmp_path / "examples", splits,
                                case.options)  # fmt: skip

    task = make_task(case.task, **case.options)
    original = task.read(tmp_path / "task" / "eval" / f"eval{case.suffix}")
    assert task.read(tmp_path / "examples" / "Split-eval") == original
    assert sorted(json.loads(out.split_names)) == ["eval", "train"]


def test_task_example_gen_names_a_split_without_files(tmp_path):
    (tmp_path / "task").mkdir()
    with pytest.raises(FileNotFoundError, match="no files match train/\\*.json"):
        _run_task_example_gen(tmp_path / "task", "squad-v1.1", tmp_path / "out",
                              {"train": "train/*.json"})  # fmt: skip


def test_anomalies_are_named(tmp_path):
    from tensorflow_metadata.proto.v0 import anomalies_pb2

    from bert_tf.pipeline.components.validation_gate import describe_anomalies

    anomalies = anomalies_pb2.Anomalies()
    info = anomalies.anomaly_info["label"]
    info.short_description = "Unexpected string values"
    info.reason.add(type=anomalies_pb2.AnomalyInfo.ENUM_TYPE_UNEXPECTED_STRING_VALUES)
    (tmp_path / "Split-eval").mkdir()
    (tmp_path / "Split-eval" / "SchemaDiff.pb").write_bytes(anomalies.SerializeToString())
    (tmp_path / "Split-train").mkdir()
    (tmp_path / "Split-train" / "SchemaDiff.pb").write_bytes(b"")
    found = describe_anomalies(str(tmp_path), ["train", "eval"])
    assert found == ["eval: label: Unexpected string values (ENUM_TYPE_UNEXPECTED_STRING_VALUES)"]


def test_canary_reports_a_model_that_does_not_load(tmp_path):
    from bert_tf.pipeline.canary_check import check_model

    report = check_model(str(tmp_path), [{"text": "x"}])
    assert not report["ok"] and "bert_tf_contract.json" in report["errors"][0]


def test_work_key_depends_on_records_and_settings():
    from bert_tf.pipeline.pretrain_trainer import work_key

    key = work_key(["a/Split-train/*"], {"batch_size": 16})
    assert key == work_key(["a/Split-train/*"], {"batch_size": 16})
    assert key != work_key(["b/Split-train/*"], {"batch_size": 16})
    assert key != work_key(["a/Split-train/*"], {"batch_size": 32})


def test_base_model_of_an_imported_checkpoint_is_its_directory(tmp_path):
    from bert_tf.pipeline.finetune_trainer import resolve_base_model

    (tmp_path / "Format-Serving").mkdir()
    assert resolve_base_model(str(tmp_path / "Format-Serving")) == str(tmp_path / "Format-Serving")
    imported = tmp_path / "checkpoint"
    imported.mkdir()
    assert resolve_base_model(str(imported / "Format-Serving")) == str(imported)
    single_file = tmp_path / "model.keras"
    single_file.write_bytes(b"")
    assert resolve_base_model(str(single_file / "Format-Serving")) == str(single_file)
    with pytest.raises(FileNotFoundError, match="base model not found"):
        resolve_base_model(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="base_model"):
        resolve_base_model(None)
