"""`ModelServicer`: TF Serving's gRPC `ModelService.GetModelStatus` over a `ModelServer`.

Each known version reports its state (START, LOADING, AVAILABLE, UNLOADING, END) and a
`StatusProto`; a version that failed to load is END with its error code and message, which is
how an operator (or a Kubernetes readiness probe) sees a rejected push. HandleReloadConfigRequest
answers UNIMPLEMENTED: restart with the new `--model-config-file` instead.

Example:
    >>> from tensorflow_serving.apis import model_service_pb2_grpc  # doctest: +SKIP
    >>> model_service_pb2_grpc.add_ModelServiceServicer_to_server(
    ...     ModelServicer(model_server), grpc_server)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import grpc
from tensorflow_serving.apis import get_model_status_pb2, model_service_pb2_grpc

from bert_tf.serving.prediction_servicer import grpc_errors, spec_of
from bert_tf.serving.serving_error import CODE_NAMES


class ModelServicer(model_service_pb2_grpc.ModelServiceServicer):
    """GetModelStatus for the models of one `ModelServer`."""

    def __init__(self, server: Any) -> None:
        self.server = server

    @grpc_errors
    def GetModelStatus(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        name, version, label = spec_of(request)
        if label:  # the status of the version the label names
            version = self.server.versions.servable(name, label=label).version
        states = self.server.versions.status(name, version)
        response = get_model_status_pb2.GetModelStatusResponse()
        for number, state in sorted(states.items(), reverse=True):
            row = response.model_version_status.add(version=number)
            row.state = get_model_status_pb2.ModelVersionStatus.State.Value(state.state)
            row.status.error_code = CODE_NAMES.index(state.error_code)
            row.status.error_message = state.error_message
        return response
