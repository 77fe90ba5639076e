"""Version pushes under load, a corrupt push, and SIGTERM, against one `bert-tf serve` process.

Versions are real exports, pushed as operators (and the TFX Pusher) push them: written
elsewhere, then renamed into BASE/NAME/<version> in one step. Version 2 has other weights, so
its answers differ from version 1's.
"""

from __future__ import annotations

import threading
import time

import pytest
from serving_helpers import copy_model

from bert_tf.serving.server_process import ServerProcess

TEXT = "Return the number of items in a container."


pytestmark = pytest.mark.slow  # a `bert-tf serve` subprocess; 20 s of load


@pytest.fixture(scope="module")
def server(model_base, tmp_path_factory):
    process = ServerProcess(
        [
            "--model-base-path", str(model_base),
            "--model-name", "clf",
            "--enable-batching",
            "--file-system-poll-wait-seconds", "0.5",
            "--load-retry-interval-micros", "100000",
        ],
        tmp_path_factory.mktemp("reload") / "log.txt",
    )  # fmt: skip
    try:
        process.wait_ready("clf")
        yield process
    finally:
        process.stop()


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_push_under_load_switches_versions_without_failed_requests(
    server, model_base, real_exports, retrained_export
):
    from bert_tf.export import load_exported
    from bert_tf.serving import BertServingClient

    expected = {
        version: float(load_exported(path)(text=[TEXT])["probabilities"][0, 1])
        for version, path in ((1, real_exports["clf"]), (2, retrained_export))
    }
    assert abs(expected[1] - expected[2]) > 1e-4, "versions must answer differently"

    stop = threading.Event()
    answers: list[list[tuple[int, float]]] = [[] for _ in range(8)]
    failures: list[BaseException] = []

    def send(seen):
        client = BertServingClient(server.target, "clf", retries=0)
        while not stop.is_set():
            try:
                outputs = client.predict_raw({"text": [TEXT]})
                seen.append((client.last_version, float(outputs["probabilities"][0, 1])))
            except BaseException as error:  # every failure counts
                failures.append(error)

    threads = [threading.Thread(target=send, args=(seen,)) for seen in answers]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(3)
    copy_model(retrained_export, model_base, 2)
    time.sleep(max(0.0, 20 - (time.monotonic() - start)))
    stop.set()
    for thread in threads:
        thread.join()

    assert not failures, failures[:3]
    for seen in answers:
        versions = [version for version, _ in seen]
        assert versions[0] == 1 and versions[-1] == 2, "answers must switch to version 2"
        switch = versions.index(2)
        assert set(versions[switch:]) == {2}, "once on version 2, never back to 1"
        for version, probability in seen:
            assert probability == pytest.approx(expected[version], abs=1e-5)
    total = sum(len(seen) for seen in answers)
    print(f"{total} requests in 20 s by 8 threads, 0 failed")


def test_corrupt_push_is_rejected_and_the_last_good_version_keeps_serving(server, model_base):
    from bert_tf.serving import BertServingClient

    client = BertServingClient(server.target, "clf")
    serving = client.predict_raw({"text": [TEXT]}) and client.last_version
    bad = max(int(p.name) for p in model_base.iterdir() if p.name.isdigit()) + 1
    version_dir = copy_model(model_base / "1", model_base, bad)
    pb = version_dir / "saved_model.pb"
    pb.write_bytes(pb.read_bytes()[: pb.stat().st_size // 2])  # truncated

    def failed():  # after its load retries (0.1 s apart here)
        return any(row["version"] == str(bad) and row["state"] == "END" for row in client.status())

    wait_for(failed)
    rows = {row["version"]: row for row in client.status()}
    assert rows[str(bad)]["state"] == "END"
    assert rows[str(bad)]["status"]["error_code"] == "DATA_LOSS"
    assert f"failed to load version {bad}" in rows[str(bad)]["status"]["error_message"]
    assert "cannot parse" in rows[str(bad)]["status"]["error_message"]
    assert rows[str(serving)]["state"] == "AVAILABLE"
    client.predict_raw({"text": [TEXT]})
    assert client.last_version == serving
    assert f"failed to load version {bad}" in server.output()
    rest = BertServingClient(server.rest_target, "clf", rest=True).status()
    assert {row["version"]: row["state"] for row in rest}[str(bad)] == "END"


def test_sigterm_finishes_in_flight_requests_and_exits_cleanly(server):
    from bert_tf.serving import BertServingClient, ServingError

    outcomes = []

    def send():
        client = BertServingClient(server.target, "clf", retries=0)
        for _ in range(200):
            try:
                client.predict_raw({"text": [TEXT] * 4})
                outcomes.append("ok")
            except ServingError as error:
                outcomes.append(error.code)
                return

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(1.0)
    assert server.stop() == 0
    thread.join()
    assert "ok" in outcomes and set(outcomes) <= {"ok", "UNAVAILABLE"}
    log = server.output()
    assert "received a termination signal" in log and "shut down cleanly" in log
    assert "Traceback" not in log
