"""`PredictionServicer`: TF Serving's gRPC `PredictionService` (Predict, GetModelMetadata).

Implements the generated `prediction_service_pb2_grpc.PredictionServiceServicer` from
`tensorflow-serving-api` over a `ModelServer`, so clients speak the real wire protocol. Failures
become the call's status (INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE, ...) with a message, and
calls that arrive while the server drains are UNAVAILABLE. Classify and Regress on a signature
of another method are INVALID_ARGUMENT in TF Serving's words; on a real classify/regress
signature (and MultiInference) they answer UNIMPLEMENTED.

Example:
    >>> from tensorflow_serving.apis import prediction_service_pb2_grpc  # doctest: +SKIP
    >>> prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
    ...     PredictionServicer(model_server), grpc_server)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import grpc
from tensorflow_serving.apis import (
    get_model_metadata_pb2,
    predict_pb2,
    prediction_service_pb2_grpc,
)

from bert_tf.serving.serving_error import ServingError


def grpc_errors(method: Callable) -> Callable:
    """Turns a `ServingError` (or any exception) into the call's gRPC status and message."""

    @functools.wraps(method)
    def wrapper(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            with self.server.call():
                return method(self, request, context)
        except Exception as error:
            failure = ServingError.from_exception(error)
        context.abort(grpc.StatusCode[failure.code], failure.message)

    return wrapper


def spec_of(request: Any) -> tuple[str, int | None, str | None]:
    spec = request.model_spec
    if not spec.name:
        raise ServingError("INVALID_ARGUMENT", "model_spec.name is empty; name the model")
    version = spec.version.value if spec.HasField("version") else None
    return spec.name, version, spec.version_label or None


def tensor_from_proto(name: str, proto: Any) -> Any:
    import tensorflow as tf

    try:
        return tf.make_ndarray(proto)
    except Exception as error:  # bad dtype enum, content that does not fit the shape
        raise ServingError(
            "INVALID_ARGUMENT", f"input {name!r} is not a valid TensorProto: {error}"
        ) from None


class PredictionServicer(prediction_service_pb2_grpc.PredictionServiceServicer):
    """Predict and GetModelMetadata for the models of one `ModelServer`."""

    def __init__(self, server: Any) -> None:
        self.server = server

    @grpc_errors
    def Predict(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        import tensorflow as tf

        name, version, label = spec_of(request)
        inputs = {key: tensor_from_proto(key, proto) for key, proto in request.inputs.items()}
        signature = request.model_spec.signature_name or "serving_default"
        servable, outputs = self.server.predict(
            name, signature, inputs, version, label, tuple(request.output_filter)
        )
        response = predict_pb2.PredictResponse()
        response.model_spec.name = name
        response.model_spec.version.value = servable.version
        response.model_spec.signature_name = signature
        for key, value in outputs.items():
            response.outputs[key].CopyFrom(tf.make_tensor_proto(value))
        return response

    @grpc_errors
    def GetModelMetadata(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        name, version, label = spec_of(request)
        fields = list(request.metadata_field)
        if fields != ["signature_def"]:
            raise ServingError(
                "INVALID_ARGUMENT",
                f"metadata_field must be ['signature_def'] (TF Serving's one), got {fields}",
            )
        servable = self.server.versions.servable(name, version, label)
        signatures = get_model_metadata_pb2.SignatureDefMap()
        for key, sig in servable.signature_defs.items():
            signatures.signature_def[key].CopyFrom(sig)
        response = get_model_metadata_pb2.GetModelMetadataResponse()
        response.model_spec.name = name
        response.model_spec.version.value = servable.version
        response.metadata["signature_def"].Pack(signatures)
        return response

    def _refuse(self, request: Any, api: str) -> Any:
        name, version, label = spec_of(request)
        servable = self.server.versions.servable(name, version, label)
        servable.check_method(request.model_spec.signature_name or "serving_default", api)

    @grpc_errors
    def Classify(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        return self._refuse(request, "classify")

    @grpc_errors
    def Regress(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        return self._refuse(request, "regress")

    @grpc_errors
    def MultiInference(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        raise ServingError("UNIMPLEMENTED", "this stand-in does not run MultiInference")
