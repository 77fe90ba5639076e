"""Load retries, the default bind address, and a graceful SIGTERM, on one `bert-tf serve`.

The server runs as a user runs it (a subprocess of `python -m bert_tf.cli serve`) over a tiny
model, polling every 0.2 s and retrying failed loads every 0.3 s.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import time

import grpc
import numpy as np
import pytest
from serving_helpers import save_echo_model

from bert_tf.serving.server_process import ServerProcess

pytestmark = pytest.mark.slow  # a `bert-tf serve` subprocess


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    root = tmp_path_factory.mktemp("lifecycle")
    save_echo_model(root / "echo" / "1")
    return root


@pytest.fixture(scope="module")
def server(model):
    args = ["--model-base-path", str(model / "echo"), "--model-name", "echo"]
    args += ["--file-system-poll-wait-seconds", "0.2"]
    args += ["--load-retry-interval-micros", "300000", "--max-num-load-retries", "50"]
    with ServerProcess(args, model / "server.log", wait_for="echo") as process:
        yield process


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_listens_on_loopback_by_default(server):
    assert f"Running gRPC ModelServer at 127.0.0.1:{server.port}" in server.output()


def test_a_version_whose_variables_arrive_late_loads_on_a_retry(server, model):
    from bert_tf.serving import BertServingClient

    staging = model / ".staging-2"
    shutil.copytree(model / "echo" / "1", staging)
    variables = model / ".variables-2"
    os.rename(staging / "variables", variables)
    os.rename(staging, model / "echo" / "2")  # saved_model.pb first, variables/ later
    wait_for(
        lambda: "failed to load version 2" in server.output() and "retry 1 of 50" in server.output()
    )
    client = BertServingClient(server.target, "echo")
    states = {row["version"]: row["state"] for row in client.status()}
    assert states == {"2": "LOADING", "1": "AVAILABLE"}
    os.rename(variables, model / "echo" / "2" / "variables")
    wait_for(lambda: {r["version"]: r["state"] for r in client.status()}.get("2") == "AVAILABLE")
    client.predict_raw({"text": ["abcdef"]})
    assert client.last_version == 2


def _predict_request():
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = "echo"
    request.inputs["text"].CopyFrom(tf.make_tensor_proto(np.array([b"abc"], object)))
    return request


def test_sigterm_finishes_rest_in_flight_closes_idle_and_refuses_new_calls(server):
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    host, port = "127.0.0.1", server.rest_port
    idle = http.client.HTTPConnection(host, port, timeout=30)
    idle.request("POST", "/v1/models/echo:predict", b'{"instances": ["a"]}')
    assert idle.getresponse().read()  # a kept-alive connection, now idle
    body = json.dumps({"instances": ["abcdef"] * 500}).encode()
    head = b"POST /v1/models/echo:predict HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n"
    busy = socket.create_connection((host, port), timeout=30)
    busy.sendall(head % len(body) + body[:100])  # a long request, in flight
    channel = grpc.insecure_channel(server.target)
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    stub.Predict(_predict_request(), timeout=30)

    server.process.send_signal(15)  # SIGTERM
    wait_for(lambda: "shutting down" in server.output(), timeout=10)
    assert idle.sock.recv(1) == b"", "an idle keep-alive connection is closed"
    with pytest.raises(grpc.RpcError) as refused:
        stub.Predict(_predict_request(), timeout=30)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE  # the client retries these
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=5)

    busy.sendall(body[100:])
    response = http.client.HTTPResponse(busy)
    response.begin()
    assert response.status == 200
    assert response.getheader("Connection") == "close"
    assert len(json.loads(response.read())["predictions"]) == 500
    assert server.process.wait(30) == 0
    log = server.output()
    assert "shut down cleanly" in log and "Traceback" not in log
    busy.close()
    channel.close()
