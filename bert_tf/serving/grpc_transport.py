"""`GrpcTransport`: Predict, GetModelMetadata and GetModelStatus over TF Serving's gRPC API.

Example:
    >>> transport = GrpcTransport("localhost:8500")  # doctest: +SKIP
    >>> transport.predict("bert", None, "serving_default", {"text": np.array([b"hi"], object)},
    ...                   timeout=5.0)  # doctest: +SKIP
    (1, {'probabilities': array([[0.3, 0.7]], dtype=float32), ...})
"""

from __future__ import annotations

from typing import Any

import grpc
import numpy as np

from bert_tf.serving.serving_error import CODE_NAMES, ServingError

MAX_MESSAGE_BYTES = 2**31 - 1


class GrpcTransport:
    """One channel to a model server; every call raises `ServingError` with the status code."""

    def __init__(self, target: str) -> None:
        from tensorflow_serving.apis import model_service_pb2_grpc, prediction_service_pb2_grpc

        options = [
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ]
        self.channel = grpc.insecure_channel(target, options=options)
        self._predict = prediction_service_pb2_grpc.PredictionServiceStub(self.channel)
        self._models = model_service_pb2_grpc.ModelServiceStub(self.channel)

    @staticmethod
    def _spec(spec: Any, model: str, version: int | str | None) -> None:
        """A version number, a version label (str), or None for the newest."""
        spec.name = model
        if isinstance(version, str):
            spec.version_label = version
        elif version is not None:
            spec.version.value = version

    def _call(self, method: Any, request: Any, timeout: float) -> Any:
        try:
            return method(request, timeout=timeout)
        except grpc.RpcError as error:
            raise ServingError(error.code().name, error.details() or str(error)) from None

    def predict(
        self,
        model: str,
        version: int | str | None,
        signature: str,
        inputs: dict[str, np.ndarray],
        timeout: float,
    ) -> tuple[int, dict[str, np.ndarray]]:
        import tensorflow as tf
        from tensorflow_serving.apis import predict_pb2

        request = predict_pb2.PredictRequest()
        self._spec(request.model_spec, model, version)
        request.model_spec.signature_name = signature
        for key, value in inputs.items():
            request.inputs[key].CopyFrom(tf.make_tensor_proto(value))
        response = self._call(self._predict.Predict, request, timeout)
        outputs = {key: tf.make_ndarray(proto) for key, proto in response.outputs.items()}
        return response.model_spec.version.value, outputs

    def metadata(self, model: str, version: int | str | None, timeout: float) -> dict[str, Any]:
        from google.protobuf import json_format
        from tensorflow_serving.apis import get_model_metadata_pb2

        request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
        self._spec(request.model_spec, model, version)
        response = self._call(self._predict.GetModelMetadata, request, timeout)
        signatures = get_model_metadata_pb2.SignatureDefMap()
        response.metadata["signature_def"].Unpack(signatures)
        as_json = json_format.MessageToDict(  # the same JSON as TF Serving's REST metadata
            signatures, preserving_proto_field_name=True, including_default_value_fields=True
        )
        return {
            "model_spec": {
                "name": model,
                "signature_name": "",
                "version": str(response.model_spec.version.value),
            },
            "metadata": {"signature_def": as_json},
        }

    def status(self, model: str, version: int | str | None, timeout: float) -> list[dict[str, Any]]:
        from tensorflow_serving.apis import get_model_status_pb2

        request = get_model_status_pb2.GetModelStatusRequest()
        self._spec(request.model_spec, model, version)
        response = self._call(self._models.GetModelStatus, request, timeout)
        names = get_model_status_pb2.ModelVersionStatus.State
        return [
            {
                "version": str(row.version),
                "state": names.Name(row.state),
                "status": {
                    "error_code": CODE_NAMES[row.status.error_code],
                    "error_message": row.status.error_message,
                },
            }
            for row in response.model_version_status
        ]

    def close(self) -> None:
        self.channel.close()
