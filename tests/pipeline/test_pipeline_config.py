"""PipelineConfig: typed loading from YAML/JSON, unknown keys and wrong types named, defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_tf.pipeline.pipeline_config import PipelineConfig
from bert_tf.pipeline.typed_config import ConfigError

CONFIGS = sorted((Path(__file__).parents[2] / "pipelines" / "configs").glob("*.yaml"))


def test_defaults_are_the_tiny_local_pipeline():
    config = PipelineConfig()
    assert config.pretraining_data.max_seq_length == 32
    assert config.pretrain.config_overrides == {
        "num_layers": 2,
        "hidden_size": 64,
        "num_heads": 2,
        "intermediate_size": 128,
    }
    assert config.metadata_file.endswith("root/metadata.sqlite")
    assert not config.imports_checkpoint


def test_yaml_and_json_round_trip(tmp_path):
    (tmp_path / "c.yaml").write_text("finetune:\n  epochs: 2\nbeam:\n  args: [--x=1]\n")
    config = PipelineConfig.load(tmp_path / "c.yaml")
    assert config.finetune.epochs == 2 and config.beam.args == ["--x=1"]
    assert config.finetune.batch_size == PipelineConfig().finetune.batch_size  # merged
    config.save(tmp_path / "c.json")
    assert PipelineConfig.load(tmp_path / "c.json") == config
    assert json.loads((tmp_path / "c.json").read_text())["finetune"]["epochs"] == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"finetun": {}}, "unknown key finetun"),
        ({"finetune": {"epoch": 2}}, "unknown key finetune.epoch"),
        ({"finetune": {"epochs": "2"}}, "finetune.epochs: expected int, got str '2'"),
        ({"finetune": {"epochs": True}}, "finetune.epochs: expected int, got bool"),
        ({"enable_cache": "yes"}, "enable_cache: expected bool"),
        ({"beam": {"args": "--runner=X"}}, "beam.args: expected a list"),
        ({"beam": {"args": [3]}}, "beam.args[0]: expected str"),
        ({"push": 3}, "push: expected a mapping"),
        ({"pretraining_data": {"max_seq_length": 2}}, "pretraining_data: max_seq_length"),
        ({"pretraining_data": {"compression": 5}}, "pretraining_data.compression"),
        ({"fill_mask": {"top": 5}}, "unknown key fill_mask.top"),
        (
            {"fill_mask": {"model_name": "fm"}, "finetune": {"init": "hf/bert"}},
            "fill_mask.model_name serves the pipeline's own pre-trained model",
        ),
        ({"fill_mask": {"model_name": "bert_tf_docstring"}}, "need their own names"),
    ],
)
def test_bad_values_name_the_key(values, message):
    with pytest.raises(ConfigError, match=None) as error:
        PipelineConfig.from_dict(values)
    assert message in str(error.value)


def test_int_widens_to_float_and_none_is_kept():
    config = PipelineConfig.from_dict(
        {"evaluation": {"lower_bound": 1}, "pretraining_data": {"compression": None}}
    )
    assert config.evaluation.lower_bound == 1.0 and config.pretraining_data.compression is None


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_example_configs_load(path):
    assert isinstance(PipelineConfig.load(path), PipelineConfig)


@pytest.mark.parametrize(
    "name",
    [
        "bert_tf.pipeline",
        "bert_tf.pipeline.typed_config",
        "bert_tf.pipeline.config_sections",
        "bert_tf.pipeline.pipeline_config",
    ],
)
def test_docstring_examples_run(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
