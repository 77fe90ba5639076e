"""The stand-in answers each case with TF Serving 2.16's status, over REST and gRPC.

Expected statuses and words are TF Serving's own (`http_rest_api_handler.cc`,
`http_rest_api_util.cc`, `json_tensor.cc`, `predict_util.cc`, `server_core.cc`,
`classifier.cc`, `regressor.cc` at 2.16.1); where the stand-in adds detail, the message
still starts with TF Serving's. Deliberate differences are listed in serving/README.md.
"""

from __future__ import annotations

import contextlib
import http.client
import json

import grpc
import numpy as np
import pytest
from serving_helpers import ECHO_MAX_ROWS

pytestmark = pytest.mark.slow  # a `bert-tf serve` subprocess

ROWS = json.dumps({"instances": ["a"] * (ECHO_MAX_ROWS + 1)}).encode()
CLASSIFY = b'{"examples": [{"text": "a"}]}'
# case -> (method, path, body, HTTP status, what the answer holds)
REST_CASES = {
    "unknown signature_name": (
        "POST",
        "/v1/models/echo:predict",
        b'{"signature_name": "nope", "instances": ["a"]}',
        400,
        'Serving signature name: "nope" not found in signature def',
    ),
    "unknown version label": (
        "POST",
        "/v1/models/echo/labels/canary:predict",
        b'{"instances": ["a"]}',
        400,
        "Unrecognized servable version label: canary",
    ),
    "upper-case path": ("POST", "/V1/MODELS/echo:predict", b'{"instances": ["abcdef"]}', 200, ""),
    "upper-case status path": ("GET", "/V1/Models/echo", b"", 200, "AVAILABLE"),
    "label status path": ("GET", "/v1/models/echo/labels/stable", b"", 200, "AVAILABLE"),
    "POST metadata": (
        "POST",
        "/v1/models/echo/metadata",
        b"{}",
        400,
        "Malformed request: POST /v1/models/echo/metadata",
    ),
    "GET predict": ("GET", "/v1/models/echo:predict", b"", 400, "Malformed request"),
    "upper-case verb": ("POST", "/v1/models/echo:PREDICT", b"{}", 400, "Malformed request"),
    "no model name": ("GET", "/v1/models", b"", 400, "Missing model name in request."),
    "extra key in columnar inputs": (
        "POST",
        "/v1/models/echo:predict",
        b'{"inputs": {"text": ["abcdef"], "not_an_input": [1]}}',
        200,
        "positive",
    ),
    "empty columnar batch": ("POST", "/v1/models/echo:predict", b'{"inputs": []}', 200, "[]"),
    "empty instances": (
        "POST",
        "/v1/models/echo:predict",
        b'{"instances": []}',
        400,
        "No values in 'instances' array",
    ),
    "signature without inputs": (
        "POST",
        "/v1/models/old:predict",
        b'{"signature_name": "contract", "inputs": {}}',
        400,
        "Failed to get input map for signature: contract",
    ),
    "unknown model": ("POST", "/v1/models/nope:predict", b'{"instances": ["a"]}', 404, "nope"),
    "unknown version": (
        "POST",
        "/v1/models/echo/versions/9:predict",
        b'{"instances": ["a"]}',
        404,
        "version 9",
    ),
    "classify on a predict signature": (
        "POST",
        "/v1/models/echo:classify",
        CLASSIFY,
        400,
        "Expected classification signature method_name to be tensorflow/serving/classify. "
        "Was: tensorflow/serving/predict",
    ),
    "regress on a predict signature": (
        "POST",
        "/v1/models/echo:regress",
        CLASSIFY,
        400,
        "Expected regression signature method_name to be tensorflow/serving/regress.",
    ),
    "more rows than the limit": (
        "POST",
        "/v1/models/echo:predict",
        ROWS,
        400,
        f"at most {ECHO_MAX_ROWS} per request (--max-request-rows)",
    ),
    "outside /v1/": ("GET", "/v2/models/echo", b"", 404, "no such path"),
}


@pytest.mark.parametrize("case", list(REST_CASES))
def test_rest_status_matches_tf_serving(echo_server, case):
    method, path, body, status, holds = REST_CASES[case]
    connection = http.client.HTTPConnection(echo_server.rest_target, timeout=30)
    connection.request(method, path, body or None)
    response = connection.getresponse()
    answer = response.read().decode()
    assert response.status == status, answer
    assert response.getheader("Content-Type") == "application/json"
    if status != 200:
        assert set(json.loads(answer)) == {"error"}
        answer = json.loads(answer)["error"]
    assert holds in answer
    connection.close()


def _predict(signature="serving_default", version=None, label=None, rows=1):
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name, request.model_spec.signature_name = "echo", signature
    if version is not None:
        request.model_spec.version.value = version
    if label is not None:
        request.model_spec.version_label = label
    request.inputs["text"].CopyFrom(tf.make_tensor_proto(np.array([b"abc"] * rows, object)))
    return "Predict", request


def _inference(kind):
    from tensorflow_serving.apis import classification_pb2, inference_pb2, regression_pb2

    request = {
        "Classify": classification_pb2.ClassificationRequest,
        "Regress": regression_pb2.RegressionRequest,
        "MultiInference": inference_pb2.MultiInferenceRequest,
    }[kind]()
    spec = request.tasks.add().model_spec if kind == "MultiInference" else request.model_spec
    spec.name = "echo"
    return kind, request


# case -> (request builder, status code, what the message holds)
GRPC_CASES = {
    "unknown signature_name": (
        lambda: _predict("nope"),
        "FAILED_PRECONDITION",
        'Serving signature key "nope" not found.',
    ),
    "unknown version label": (
        lambda: _predict(label="canary"),
        "INVALID_ARGUMENT",
        "Unrecognized servable version label: canary",
    ),
    "unknown version": (lambda: _predict(version=9), "NOT_FOUND", "version 9"),
    "empty batch": (lambda: _predict(rows=0), "OK", ""),
    "more rows than the limit": (
        lambda: _predict(rows=ECHO_MAX_ROWS + 1),
        "INVALID_ARGUMENT",
        f"the request has {ECHO_MAX_ROWS + 1} rows; this server takes at most {ECHO_MAX_ROWS}",
    ),
    "Classify on a predict signature": (
        lambda: _inference("Classify"),
        "INVALID_ARGUMENT",
        "Expected classification signature method_name to be tensorflow/serving/classify. "
        "Was: tensorflow/serving/predict",
    ),
    "Regress on a predict signature": (
        lambda: _inference("Regress"),
        "INVALID_ARGUMENT",
        "Expected regression signature method_name to be tensorflow/serving/regress.",
    ),
    "MultiInference": (lambda: _inference("MultiInference"), "UNIMPLEMENTED", "MultiInference"),
}


@pytest.fixture(scope="module")
def stub(echo_server):
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    channel = grpc.insecure_channel(echo_server.target)
    yield prediction_service_pb2_grpc.PredictionServiceStub(channel)
    channel.close()


@pytest.mark.parametrize("case", list(GRPC_CASES))
def test_grpc_status_matches_tf_serving(stub, case):
    build, code, holds = GRPC_CASES[case]
    method, request = build()
    if code == "OK":
        answer = getattr(stub, method)(request, timeout=30)
        assert answer.outputs["label"].tensor_shape.dim[0].size == 0
        return
    with pytest.raises(grpc.RpcError) as error:
        getattr(stub, method)(request, timeout=30)
    assert error.value.code() == grpc.StatusCode[code], error.value.details()
    assert holds in error.value.details()


def test_refusals_log_no_error_or_traceback(echo_server, stub):
    for build, _, _ in GRPC_CASES.values():
        method, request = build()
        with contextlib.suppress(grpc.RpcError):  # the statuses are checked above
            getattr(stub, method)(request, timeout=30)
    log = echo_server.output()
    assert "Traceback" not in log and "ERROR" not in log, log[-2000:]
