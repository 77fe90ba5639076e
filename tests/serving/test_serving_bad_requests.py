"""Malformed requests get a clear status and message over gRPC and REST, and the server stays up.

One `bert-tf serve` subprocess for the module (real exports of a classifier and a pair
classifier, batching on).
"""

from __future__ import annotations

import http.client
import json

import grpc
import numpy as np
import pytest
from serving_helpers import copy_model

from bert_tf.serving.server_process import ServerProcess

TEN_MB = b"x" * (10 * 1024 * 1024)


pytestmark = pytest.mark.slow  # a `bert-tf serve` subprocess with real exports


@pytest.fixture(scope="module")
def server(model_base, real_exports, tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    copy_model(real_exports["pair"], root / "pair")
    config = root / "models.config"
    config.write_text(
        f'model_config_list {{ config {{ name: "clf" base_path: "{model_base}" }} '
        f'config {{ name: "pair" base_path: "{root / "pair"}" }} }}'
    )
    process = ServerProcess(
        ["--model-config-file", str(config), "--enable-batching"], root / "log.txt"
    )
    try:
        process.wait_ready("clf")
        process.wait_ready("pair")
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def stub(server):
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    options = [("grpc.max_send_message_length", 64 << 20)]
    channel = grpc.insecure_channel(server.target, options=options)
    yield prediction_service_pb2_grpc.PredictionServiceStub(channel)
    channel.close()


def request(model="clf", signature="serving_default", version=None, **inputs):
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    message = predict_pb2.PredictRequest()
    message.model_spec.name = model
    message.model_spec.signature_name = signature
    if version is not None:
        message.model_spec.version.value = version
    for key, value in inputs.items():
        proto = value if hasattr(value, "SerializeToString") else tf.make_tensor_proto(value)
        message.inputs[key].CopyFrom(proto)
    return message


def malformed_tensor():
    import tensorflow as tf

    proto = tf.make_tensor_proto([b"a", b"b"])
    proto.tensor_shape.dim[0].size = 1  # says 1 row, holds 2
    return proto


CASES = {
    "missing input": (lambda: request(), "INVALID_ARGUMENT", "missing input(s) ['text']"),
    "unknown input": (
        lambda: request(text=[b"a"], txt=[b"b"]),
        "INVALID_ARGUMENT",
        "unknown input(s) ['txt']",
    ),
    "wrong dtype": (
        lambda: request(text=np.array([1, 2], np.int32)),
        "INVALID_ARGUMENT",
        "input 'text' must be DT_STRING, got DT_INT32",
    ),
    "wrong rank": (
        lambda: request(text=[[b"a", b"b"]]),
        "INVALID_ARGUMENT",
        "input 'text' must have shape [-1] (-1 = any), got [1, 2]",
    ),
    "10 MB string": (
        lambda: request(text=[TEN_MB]),
        "INVALID_ARGUMENT",
        "input 'text' row 0 has 10485760 bytes",
    ),
    "invalid UTF-8": (
        lambda: request(text=[b"ok", b"ab\xff\xfe"]),
        "INVALID_ARGUMENT",
        "input 'text' row 1 is not valid UTF-8 (byte 0xff at offset 2)",
    ),
    "text_pair batch size": (
        lambda: request("pair", text=[b"a", b"b"], text_pair=[b"c"]),
        "INVALID_ARGUMENT",
        "batch sizes differ (text has 2, text_pair has 1 rows)",
    ),
    "malformed tensor": (
        lambda: request(text=malformed_tensor()),
        "INVALID_ARGUMENT",
        "input 'text' is not a valid TensorProto",
    ),
    "unknown model": (
        lambda: request("nope", text=[b"a"]),
        "NOT_FOUND",
        "model 'nope' is not served; served models: ['clf', 'pair']",
    ),
    "unknown version": (
        lambda: request(version=7, text=[b"a"]),
        "NOT_FOUND",
        "model 'clf' version 7 is not available; available versions: [1]",
    ),
    "unknown signature": (  # TF Serving's predict_util.cc status and words
        lambda: request(signature="nope", text=[b"a"]),
        "FAILED_PRECONDITION",
        'Serving signature key "nope" not found.',
    ),
}


def assert_still_serving(stub):
    answer = stub.Predict(request(text=[b"still up and serving"]), timeout=30)
    assert len(answer.outputs["label"].string_val) == 1
    assert answer.model_spec.version.value == 1


@pytest.mark.parametrize("case", list(CASES))
def test_grpc_bad_request_gets_status_and_message(stub, case):
    build, code, message = CASES[case]
    with pytest.raises(grpc.RpcError) as error:
        stub.Predict(build(), timeout=30)
    assert error.value.code() == grpc.StatusCode[code], error.value.details()
    assert message in error.value.details()
    assert_still_serving(stub)


REST_CASES = {
    "not JSON": ("/v1/models/clf:predict", b"{nope", 400, "JSON Parse error"),
    "no rows": ("/v1/models/clf:predict", b"{}", 400, "Missing 'inputs' or 'instances' key"),
    "number for text": (
        "/v1/models/clf:predict",
        b'{"instances": [5]}',
        400,
        "input 'text' is DT_STRING",
    ),
    "ragged": ("/v1/models/clf:predict", b'{"inputs": [["a"], ["b", "c"]]}', 400, "ragged"),
    "empty instances": (
        "/v1/models/clf:predict",
        b'{"instances": []}',
        400,
        "No values in 'instances' array",
    ),
    "invalid UTF-8": (
        "/v1/models/clf:predict",
        b'{"instances": [{"b64": "YWL/"}]}',
        400,
        "not valid UTF-8 (byte 0xff at offset 2)",
    ),
    "pair batch size": (
        "/v1/models/pair:predict",
        b'{"inputs": {"text": ["a", "b"], "text_pair": ["c"]}}',
        400,
        "batch sizes differ",
    ),
    "unknown model": ("/v1/models/nope:predict", b'{"instances": ["a"]}', 404, "not served"),
    "unknown version": (
        "/v1/models/clf/versions/9:predict",
        b'{"instances": ["a"]}',
        404,
        "version 9 is not available",
    ),
    "unknown signature": (
        "/v1/models/clf:predict",
        b'{"signature_name": "nope", "instances": ["a"]}',
        400,
        'Serving signature name: "nope" not found in signature def',
    ),
    "unknown path": ("/v2/whatever", b"{}", 404, "no such path"),
}


@pytest.mark.parametrize("case", list(REST_CASES))
def test_rest_bad_request_gets_status_and_message(server, stub, case):
    path, body, status, message = REST_CASES[case]
    connection = http.client.HTTPConnection(server.rest_target, timeout=30)
    connection.request("POST", path, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    assert response.status == status, answer
    assert message in answer["error"]
    assert_still_serving(stub)


def test_an_empty_batch_runs_the_graph_as_in_tf_serving(server, stub):
    """0 rows over gRPC, or as REST columns, run the model and answer 0 rows."""
    answer = stub.Predict(request(text=np.array([], object)), timeout=30)
    assert list(answer.outputs["probabilities"].tensor_shape.dim[0:1])[0].size == 0
    connection = http.client.HTTPConnection(server.rest_target, timeout=30)
    connection.request("POST", "/v1/models/clf:predict", b'{"inputs": {"text": []}}')
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["outputs"]["label"] == []


def test_metadata_and_status_of_unknown_model_are_not_found(server):
    from bert_tf.serving import BertServingClient, ServingError

    for rest, target in ((False, server.target), (True, server.rest_target)):
        client = BertServingClient(target, "nope", rest=rest)
        for call in (client.status, client.metadata):
            with pytest.raises(ServingError, match="'nope' is not served") as error:
                call()
            assert error.value.code == "NOT_FOUND"
