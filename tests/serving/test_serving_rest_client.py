"""The client speaks TF Serving's documented REST API: metadata in proto field names, and no
request that TF Serving refuses (such as calling a signature without inputs).

The stand-in answers these requests as TF Serving does (test_serving_tf_serving_parity.py), so
a client that works here sends only what TF Serving accepts.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from serving_helpers import LABELS, REPO

from bert_tf.serving import BertServingClient, ServingError

pytestmark = pytest.mark.slow  # a `bert-tf serve` subprocess


def recording(client: BertServingClient) -> list[tuple[str, str, object]]:
    """Records every REST request the client sends; each one must succeed."""
    sent = []
    send = client.transport._request

    def request(method, path, body, timeout):
        sent.append((method, path, body))
        return send(method, path, body, timeout)

    client.transport._request = request
    return sent


def test_client_reads_metadata_and_contract_in_requests_tf_serving_accepts(echo_server):
    rest = BertServingClient(echo_server.rest_target, "echo", rest=True)
    sent = recording(rest)
    results = rest.predict(["abcdef", "a"])
    assert [r.label for r in results] == ["positive", "negative"]
    assert set(results[0].probabilities) == set(LABELS)
    assert rest.contract()["task"] == "classification"
    assert [(m, p) for m, p, _ in sent] == [
        ("GET", "/v1/models/echo/metadata"),
        ("POST", "/v1/models/echo:predict"),  # contract, with one placeholder row
        ("GET", "/v1/models/echo/metadata"),  # the name of its one output (answered bare)
        ("POST", "/v1/models/echo:predict"),  # the texts
    ]
    assert sent[1][2] == {"signature_name": "contract", "inputs": {"request": [""]}}
    rest.predict(["again"])
    assert len(sent) == 5  # metadata is not read again
    metadata = rest.metadata()
    signature = metadata["metadata"]["signature_def"]["signature_def"]["contract"]
    assert signature["method_name"] == "tensorflow/serving/predict"
    assert signature["inputs"]["request"]["tensor_shape"]["dim"] == [{"size": "-1", "name": ""}]
    grpc_client = BertServingClient(echo_server.target, "echo")
    assert grpc_client.metadata() == metadata  # one JSON shape for both transports
    assert grpc_client.predict(["abcdef"])[0] == results[0]


def test_a_contract_signature_without_inputs_is_not_called_over_rest(echo_server, tmp_path):
    rest = BertServingClient(echo_server.rest_target, "old", rest=True)
    sent = recording(rest)
    with pytest.raises(ServingError) as error:
        rest.predict(["abcdef"])
    assert error.value.code == "FAILED_PRECONDITION"
    assert "TF Serving's REST API cannot call" in error.value.message
    assert "bert-tf predict --contract" in error.value.message
    assert [(m, p) for m, p, _ in sent] == [("GET", "/v1/models/old/metadata")]

    contract = BertServingClient(echo_server.target, "old").contract()  # gRPC can call it
    path = tmp_path / "bert_tf_contract.json"
    path.write_text(json.dumps(contract))
    given = BertServingClient(echo_server.rest_target, "old", rest=True, contract=path)
    assert given.predict(["abcdef"])[0].label == "positive"


def test_predict_cli_over_rest(echo_server, tmp_path):
    def predict(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "bert_tf.cli", "predict", "--rest", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=REPO)

    target = ["--target", echo_server.rest_target]
    ok = predict(*target, "--model", "echo", "abcdef")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["label"] == "positive"
    refused = predict(*target, "--model", "old", "abcdef")
    assert refused.returncode == 1
    assert "FAILED_PRECONDITION" in refused.stderr and "--contract" in refused.stderr
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps(BertServingClient(echo_server.target, "old").contract()))
    given = predict(*target, "--model", "old", "--contract", str(contract), "a")
    assert given.returncode == 0, given.stderr
    assert json.loads(given.stdout)["label"] == "negative"
