"""BertServingClient and `bert-tf predict` over real gRPC and HTTP against `bert-tf serve`.

One server subprocess for the module, started as a user starts it: a model config file with
two real exports (a classifier and a pair classifier), dynamic batching from the shipped
serving/config/batching.config. Served answers must equal the same export run in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from serving_helpers import LABELS, REPO, copy_model

from bert_tf.serving.server_process import ServerProcess

TEXTS = [
    "The film was a delight from start to finish.",
    "hi",
    "Return the number of items in a container.",
    "Ünïcödé text, emoji 🎉 and\ttabs",
]


pytestmark = pytest.mark.slow  # a `bert-tf serve` subprocess with real exports


@pytest.fixture(scope="module")
def server(model_base, real_exports, tmp_path_factory):
    root = tmp_path_factory.mktemp("server")
    copy_model(real_exports["pair"], root / "pair")
    config = root / "models.config"
    config.write_text(
        f'model_config_list {{ config {{ name: "clf" base_path: "{model_base}" '
        'model_platform: "tensorflow" version_labels { key: "stable" value: 1 } } '
        f'config {{ name: "pair" base_path: "{root / "pair"}" model_platform: "tensorflow" }} }}'
    )
    process = ServerProcess(
        [
            "--model-config-file",
            str(config),
            "--enable-batching",
            "--batching-parameters-file",
            str(REPO / "serving/config/batching.config"),
        ],
        root / "server.log",
    )
    try:
        process.wait_ready("clf")
        process.wait_ready("pair")
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def in_process(real_exports):
    """The same exports loaded in this process: the answers the server must give."""
    from bert_tf.export import load_exported

    models = {name: load_exported(path) for name, path in real_exports.items()}

    def answer(name, *columns):
        names = models[name].contract["inputs"]
        return models[name](**{n: np.array(c, object) for n, c in zip(names, columns)})

    return answer


def assert_same(results, expected):
    assert [r.label for r in results] == [b.decode() for b in expected["label"]]
    assert [r.label_id for r in results] == expected["label_id"].tolist()
    served = [[r.probabilities[n] for n in LABELS] for r in results]
    np.testing.assert_allclose(served, expected["probabilities"], atol=1e-5)


@pytest.mark.parametrize("rest", [False, True], ids=["grpc", "rest"])
def test_predict_returns_typed_results(server, in_process, real_exports, rest):
    from bert_tf.serving import BertServingClient
    from bert_tf.tasks.classification_result import ClassificationResult

    target = server.rest_target if rest else server.target
    # No contract file: the export's `contract` signature takes a `request` row, so REST can
    # call it (test_serving_rest_client.py covers older exports without inputs).
    with BertServingClient(target, "clf", rest=rest) as client:
        assert client.contract()["task"] == "classification"
        results = client.predict(TEXTS)
        assert client.last_version == (None if rest else 1)
    assert all(isinstance(r, ClassificationResult) for r in results)
    assert_same(results, in_process("clf", [t.encode() for t in TEXTS]))


def test_grpc_and_rest_agree_and_many_texts_are_split_into_requests(
    server, in_process, real_exports
):
    from bert_tf.serving import BertServingClient

    texts = [f"sentence number {i} " * (i % 5 + 1) for i in range(70)]
    calls = []
    grpc_client = BertServingClient(server.target, "clf", batch_size=32)
    send = grpc_client.transport.predict
    grpc_client.contract()
    grpc_client.transport.predict = lambda *a, **k: calls.append(len(a[3]["text"])) or send(*a, **k)
    served = grpc_client.predict(texts)
    assert calls == [32, 32, 6]
    rest = BertServingClient(server.rest_target, "clf", rest=True, batch_size=16).predict(texts)
    assert_same(served, in_process("clf", [t.encode() for t in texts]))
    probabilities = [[r.probabilities[n] for n in LABELS] for r in served]
    np.testing.assert_allclose(probabilities, [[r.probabilities[n] for n in LABELS] for r in rest])


def test_pair_model_and_serve_examples(server, in_process):
    from bert_tf.serving import BertServingClient

    client = BertServingClient(server.target, "pair")
    assert client.contract()["inputs"] == ["text", "text_pair"]
    texts, pairs = ["Is it raining?", "A cat sat."], ["The sky is clear today.", "On the mat."]
    default = client.predict(texts, pairs)
    examples = client.predict(texts, pairs, signature="serve_examples")
    assert_same(
        default, in_process("pair", [t.encode() for t in texts], [p.encode() for p in pairs])
    )
    assert_same(
        examples, in_process("pair", [t.encode() for t in texts], [p.encode() for p in pairs])
    )
    with pytest.raises(ValueError, match=r"takes 2 column\(s\)"):
        client.predict(["only one column"])


@pytest.mark.parametrize("rest", [False, True], ids=["grpc", "rest"])
def test_metadata_and_status(server, rest):
    from bert_tf.serving import BertServingClient

    client = BertServingClient(server.rest_target if rest else server.target, "clf", rest=rest)
    metadata = client.metadata()  # TF Serving's JSON: proto field names, defaults printed
    assert metadata["model_spec"] == {"name": "clf", "signature_name": "", "version": "1"}
    signatures = metadata["metadata"]["signature_def"]["signature_def"]
    assert set(signatures) == {"serving_default", "serve_tokens", "serve_examples", "contract"}
    text = signatures["serving_default"]["inputs"]["text"]
    assert text["dtype"] == "DT_STRING"
    assert text["tensor_shape"] == {"dim": [{"size": "-1", "name": ""}], "unknown_rank": False}
    assert signatures["serving_default"]["method_name"] == "tensorflow/serving/predict"
    assert client.status() == [
        {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
    ]


def test_rest_instances_format_as_tf_serving_documents_it(server, in_process):
    import http.client

    connection = http.client.HTTPConnection(server.rest_target)
    body = json.dumps({"instances": [TEXTS[0], {"b64": "aGk="}]})  # b64 of "hi"
    connection.request("POST", "/v1/models/clf/versions/1:predict", body)
    answer = json.loads(connection.getresponse().read())
    expected = in_process("clf", [TEXTS[0].encode(), b"hi"])
    assert [row["label"] for row in answer["predictions"]] == [
        b.decode() for b in expected["label"]
    ]
    assert set(answer["predictions"][0]) == {"probabilities", "label", "label_id"}
    np.testing.assert_allclose(
        [row["probabilities"] for row in answer["predictions"]],
        expected["probabilities"],
        atol=1e-5,
    )


def test_retries_only_unavailable_with_backoff(server):
    from bert_tf.serving import BertServingClient, ServingError
    from bert_tf.serving.server_process import free_port

    nobody = BertServingClient(f"127.0.0.1:{free_port()}", "clf", retries=2, backoff=0.01)
    calls = []
    send = nobody.transport.status
    nobody.transport.status = lambda *a, **k: calls.append(1) or send(*a, **k)
    with pytest.raises(ServingError) as error:
        nobody.status()
    assert error.value.code == "UNAVAILABLE" and len(calls) == 3

    client = BertServingClient(server.target, "clf", retries=3)
    calls.clear()
    send_predict = client.transport.predict
    client.transport.predict = lambda *a, **k: calls.append(1) or send_predict(*a, **k)
    with pytest.raises(ServingError) as error:
        client.predict_raw({"txt": ["misspelt input"]})
    assert error.value.code == "INVALID_ARGUMENT" and len(calls) == 1


def test_predict_cli_prints_json_lines(server, in_process, real_exports, tmp_path):
    rows = tmp_path / "rows.txt"
    rows.write_text(f"{TEXTS[0]}\n{TEXTS[1]}\n\n{TEXTS[2]}\n")

    def predict(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "bert_tf.cli", "predict", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=REPO)

    many = predict("--target", server.target, "--model", "clf", "--input", str(rows))
    assert many.returncode == 0, many.stderr
    lines = [json.loads(line) for line in many.stdout.splitlines()]
    expected = in_process("clf", [TEXTS[0].encode(), TEXTS[1].encode(), TEXTS[2].encode()])
    assert [line["label"] for line in lines] == [b.decode() for b in expected["label"]]
    pair = predict(
        "--target", server.rest_target, "--rest", "--model", "pair", "Why?", "Because.",
    )  # fmt: skip
    assert pair.returncode == 0, pair.stderr
    expected = in_process("pair", [b"Why?"], [b"Because."])
    assert json.loads(pair.stdout)["probabilities"]["positive"] == pytest.approx(
        float(expected["probabilities"][0, 1]), abs=1e-5
    )
    missing = predict("--target", server.target, "--model", "nope", "text")
    assert missing.returncode == 1
    assert "NOT_FOUND" in missing.stderr and "'nope' is not served" in missing.stderr


@pytest.mark.parametrize("rest", [False, True], ids=["grpc", "rest"])
def test_version_labels_route_like_versions(server, in_process, real_exports, rest):
    from bert_tf.serving import BertServingClient, ServingError

    target = server.rest_target if rest else server.target
    client = BertServingClient(target, "clf", rest=rest, version="stable")
    assert_same(client.predict(TEXTS[:2]), in_process("clf", [t.encode() for t in TEXTS[:2]]))
    assert [row["version"] for row in client.status()] == ["1"]
    assert client.metadata()["model_spec"]["version"] == "1"
    with pytest.raises(ServingError, match="Unrecognized servable version label: canary") as error:
        BertServingClient(target, "clf", rest=rest, version="canary").status()
    assert error.value.code == "INVALID_ARGUMENT"  # as TF Serving's server_core.cc
