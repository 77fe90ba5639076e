"""Read the text-proto config files TF Serving reads, with TF Serving's own message schemas.

- `--model_config_file`: `tensorflow.serving.ModelServerConfig` from
  `tensorflow_serving.config.model_server_config_pb2` (shipped by `tensorflow-serving-api`).
- `--batching_parameters_file`: `tensorflow.serving.BatchingParameters`, and
- `--monitoring_config_file`: `tensorflow.serving.MonitoringConfig`.
  `tensorflow-serving-api` does not ship these two (`session_bundle_config.proto`,
  `monitoring_config.proto`), so they are declared here with the same package, message names,
  field names, numbers and types as tensorflow/serving 2.16.1's `.proto` files (BatchingParameters
  fields 1-7; MonitoringConfig/PrometheusConfig in full). A file TF Serving accepts parses here,
  and a misspelt field fails here as it fails there.

Example:
    >>> params = parse_batching_parameters("max_batch_size { value: 32 }")
    >>> params.max_batch_size.value, params.HasField("batch_timeout_micros")
    (32, False)
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, text_format, wrappers_pb2

_PACKAGE = "tensorflow.serving"
_T = descriptor_pb2.FieldDescriptorProto
# (message, [(field, number, type, type_name, repeated)]) as in tensorflow/serving 2.16.1.
_SCHEMAS = {
    "session_bundle_config.proto": [
        (
            "BatchingParameters",
            [
                ("max_batch_size", 1, _T.TYPE_MESSAGE, ".google.protobuf.Int64Value", False),
                ("batch_timeout_micros", 2, _T.TYPE_MESSAGE, ".google.protobuf.Int64Value", False),
                ("max_enqueued_batches", 3, _T.TYPE_MESSAGE, ".google.protobuf.Int64Value", False),
                ("num_batch_threads", 4, _T.TYPE_MESSAGE, ".google.protobuf.Int64Value", False),
                ("thread_pool_name", 5, _T.TYPE_MESSAGE, ".google.protobuf.StringValue", False),
                ("allowed_batch_sizes", 6, _T.TYPE_INT64, None, True),
                ("pad_variable_length_inputs", 7, _T.TYPE_BOOL, None, False),
            ],
        )
    ],
    "monitoring_config.proto": [
        (
            "PrometheusConfig",
            [
                ("enable", 1, _T.TYPE_BOOL, None, False),
                ("path", 2, _T.TYPE_STRING, None, False),
            ],
        ),
        (
            "MonitoringConfig",
            [
                (
                    "prometheus_config",
                    1,
                    _T.TYPE_MESSAGE,
                    ".tensorflow.serving.PrometheusConfig",
                    False,
                )
            ],
        ),
    ],
}


@functools.cache
def message_class(name: str) -> type:
    """The generated message class for `BatchingParameters`, `MonitoringConfig`, ..."""
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(wrappers_pb2.DESCRIPTOR.serialized_pb)
    for file_name, messages in _SCHEMAS.items():
        file_proto = descriptor_pb2.FileDescriptorProto(
            name=f"tensorflow_serving/bert_tf/{file_name}",
            package=_PACKAGE,
            syntax="proto3",
            dependency=["google/protobuf/wrappers.proto"],
        )
        for message_name, fields in messages:
            message = file_proto.message_type.add(name=message_name)
            for field, number, kind, type_name, repeated in fields:
                label = _T.LABEL_REPEATED if repeated else _T.LABEL_OPTIONAL
                entry = message.field.add(name=field, number=number, type=kind, label=label)
                if type_name:
                    entry.type_name = type_name
        pool.Add(file_proto)
    descriptor = pool.FindMessageTypeByName(f"{_PACKAGE}.{name}")
    try:
        from google.protobuf.message_factory import GetMessageClass  # protobuf >= 4.21

        return GetMessageClass(descriptor)
    except ImportError:
        from google.protobuf.message_factory import MessageFactory

        return MessageFactory(pool).GetPrototype(descriptor)


def _parse(text: str, message: Any, source: str) -> Any:
    try:
        return text_format.Parse(text, message)
    except text_format.ParseError as error:
        raise ValueError(
            f"{source}: not a valid {message.DESCRIPTOR.name} text proto: {error}"
        ) from None


def parse_batching_parameters(text: str, source: str = "<string>") -> Any:
    """`BatchingParameters` from text; checks the values TF Serving's batcher would refuse."""
    params = _parse(text, message_class("BatchingParameters")(), source)
    for field in ("max_batch_size", "num_batch_threads"):
        if params.HasField(field) and getattr(params, field).value < 1:
            raise ValueError(f"{source}: {field} must be >= 1")
    sizes = list(params.allowed_batch_sizes)
    if sizes and (sizes != sorted(set(sizes)) or sizes[-1] != params.max_batch_size.value):
        raise ValueError(
            f"{source}: allowed_batch_sizes {sizes} must increase and end at max_batch_size"
        )
    return params


def read_batching_parameters(path: str | Path) -> Any:
    """The `--batching_parameters_file` TF Serving reads (text `BatchingParameters`)."""
    return parse_batching_parameters(Path(path).read_text(encoding="utf-8"), str(path))


def read_monitoring_config(path: str | Path) -> Any:
    """The `--monitoring_config_file` TF Serving reads (text `MonitoringConfig`)."""
    text = Path(path).read_text(encoding="utf-8")
    return _parse(text, message_class("MonitoringConfig")(), str(path))


def read_model_server_config(path: str | Path) -> Any:
    """The `--model_config_file` (text `ModelServerConfig` with a `model_config_list`)."""
    from tensorflow_serving.config import model_server_config_pb2

    text = Path(path).read_text(encoding="utf-8")
    config = _parse(text, model_server_config_pb2.ModelServerConfig(), str(path))
    if config.WhichOneof("config") != "model_config_list":
        raise ValueError(f"{path}: needs a model_config_list (custom_model_config is not served)")
    names = [model.name for model in config.model_config_list.config]
    for model in config.model_config_list.config:
        if not model.name or not model.base_path:
            raise ValueError(f"{path}: every config needs a name and a base_path")
        if model.model_platform not in ("", "tensorflow"):
            raise ValueError(f"{path}: model {model.name!r}: model_platform must be 'tensorflow'")
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: model names repeat: {names}")
    return config
