"""The shipped operator files parse with TF Serving's schemas and agree with each other.

models*.config parse as `tensorflow.serving.ModelServerConfig` (tensorflow-serving-api's own
`model_server_config_pb2`); batching*.config as `BatchingParameters` and monitoring.config as
`MonitoringConfig`, whose wire format is checked byte for byte against the field numbers of
tensorflow/serving 2.16.1's session_bundle_config.proto and monitoring_config.proto. The local
server reads the same files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from google.protobuf import text_format

from bert_tf.serving.batcher import Batcher
from bert_tf.serving.config_files import (
    message_class,
    parse_batching_parameters,
    read_batching_parameters,
    read_model_server_config,
    read_monitoring_config,
)

SERVING = Path(__file__).resolve().parents[2] / "serving"
CONFIG = SERVING / "config"


@pytest.mark.parametrize("name", ["models.config", "models_canary.config"])
def test_model_configs_parse_with_the_real_proto(name):
    from tensorflow_serving.config import model_server_config_pb2

    text = (CONFIG / name).read_text()
    config = text_format.Parse(text, model_server_config_pb2.ModelServerConfig())
    (model,) = config.model_config_list.config
    assert (model.name, model.base_path, model.model_platform) == (
        "bert",
        "/models/bert",
        "tensorflow",
    )
    assert read_model_server_config(CONFIG / name) == config
    if name == "models_canary.config":
        policy = model.model_version_policy.specific.versions
        assert dict(model.version_labels) == {"stable": 1, "canary": 2}
        assert set(model.version_labels.values()) <= set(policy)


@pytest.mark.parametrize("name", ["batching.config", "batching_gpu.config"])
def test_batching_configs_parse_and_configure_the_local_batcher(name):
    params = read_batching_parameters(CONFIG / name)
    batcher = Batcher.from_parameters(params)
    assert batcher.max_batch_size == params.max_batch_size.value
    assert batcher.batch_timeout == params.batch_timeout_micros.value / 1e6
    assert len(batcher._threads) == params.num_batch_threads.value
    batcher.close()


def test_batching_parameters_wire_format_matches_tf_serving():
    # session_bundle_config.proto: max_batch_size = 1, batch_timeout_micros = 2 (Int64Value),
    # num_batch_threads = 4, thread_pool_name = 5 (StringValue), allowed_batch_sizes = 6.
    params = parse_batching_parameters(
        "max_batch_size { value: 32 } batch_timeout_micros { value: 5 } "
        'num_batch_threads { value: 2 } thread_pool_name { value: "b" } '
        "allowed_batch_sizes: 32 pad_variable_length_inputs: true"
    )
    expected = (
        b"\x0a\x02\x08\x20\x12\x02\x08\x05\x22\x02\x08\x02\x2a\x03\x0a\x01b\x32\x01\x20\x38\x01"
    )
    assert params.SerializeToString() == expected
    monitoring = message_class("MonitoringConfig")()
    monitoring.prometheus_config.enable = True
    assert monitoring.SerializeToString() == b"\x0a\x02\x08\x01"


def test_bad_batching_files_are_refused_naming_the_problem():
    with pytest.raises(ValueError, match="max_batch_sise"):
        parse_batching_parameters("max_batch_sise { value: 3 }")
    with pytest.raises(ValueError, match="must increase and end at max_batch_size"):
        parse_batching_parameters("max_batch_size { value: 8 } allowed_batch_sizes: 4")


def test_monitoring_config_enables_prometheus():
    config = read_monitoring_config(CONFIG / "monitoring.config")
    assert config.prometheus_config.enable
    assert config.prometheus_config.path == "/monitoring/prometheus/metrics"


def _flags(text: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z_]+)=([^\s\",\\]+)", text))


def test_docker_and_kubernetes_files_use_the_shipped_configs():
    deployment = yaml.safe_load((SERVING / "k8s/deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    yaml.safe_load((SERVING / "k8s/service.yaml").read_text())
    compose = yaml.safe_load((SERVING / "docker/docker-compose.yml").read_text())
    assert set(compose["services"]) == {"bert-serving", "bert-serving-gpu"}
    sources = {
        "Dockerfile": (SERVING / "docker/Dockerfile").read_text(),
        "Dockerfile.gpu": (SERVING / "docker/Dockerfile.gpu").read_text(),
        "deployment.yaml": " ".join(container["args"]),
    }
    assert container["image"] == "tensorflow/serving:2.16.1"
    assert "FROM tensorflow/serving:2.16.1\n" in sources["Dockerfile"]
    assert "FROM tensorflow/serving:2.16.1-gpu\n" in sources["Dockerfile.gpu"]
    for name, text in sources.items():
        flags = _flags(text)
        assert flags["enable_batching"] == "true", name
        for flag in ("model_config_file", "batching_parameters_file", "monitoring_config_file"):
            path = flags[flag]
            assert path.startswith("/config/") and (CONFIG / path[8:]).is_file(), (name, flag)
        assert "file_system_poll_wait_seconds" in flags, name
    probe = container["readinessProbe"]["httpGet"]
    assert probe["path"] == "/v1/models/bert" and probe["port"] == "http"
