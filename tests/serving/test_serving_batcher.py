"""Batcher: TF Serving's batching semantics (size, timeout, queue bound, padding, errors)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from bert_tf.serving.batcher import Batcher
from bert_tf.serving.serving_error import ServingError


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.sizes: list[int] = []
        self.delay = delay
        self.started = threading.Event()

    def __call__(self, inputs):
        self.started.set()
        self.sizes.append(len(inputs["x"]))
        time.sleep(self.delay)
        return {"y": inputs["x"] * 10}


def submit_all(batcher, run, values, key="k"):
    results, errors = {}, {}

    def one(value):
        try:
            results[value] = batcher.submit(key, run, {"x": np.array([value])}, 1)["y"].tolist()
        except ServingError as error:
            errors[value] = error

    threads = [threading.Thread(target=one, args=(v,)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_requests_share_batches_and_get_their_own_rows():
    run = Recorder(delay=0.05)
    batcher = Batcher(max_batch_size=8, num_batch_threads=1)
    results, errors = submit_all(batcher, run, range(20))
    batcher.close()
    assert not errors and results == {v: [v * 10] for v in range(20)}
    assert sum(run.sizes) == 20 and len(run.sizes) < 20 and max(run.sizes) <= 8


def test_timeout_waits_to_fill_a_batch():
    run = Recorder()
    batcher = Batcher(max_batch_size=4, batch_timeout_micros=300_000, num_batch_threads=1)
    results, _ = submit_all(batcher, run, range(3))
    batcher.close()
    assert run.sizes == [3] and len(results) == 3


def test_a_full_batch_runs_before_its_timeout():
    run = Recorder()
    batcher = Batcher(max_batch_size=2, batch_timeout_micros=60_000_000, num_batch_threads=1)
    start = time.monotonic()
    submit_all(batcher, run, range(2))
    assert time.monotonic() - start < 30 and run.sizes == [2]
    batcher.close()


def test_full_queue_is_unavailable_and_oversized_task_is_invalid():
    run = Recorder(delay=0.5)
    batcher = Batcher(max_batch_size=1, max_enqueued_batches=1, num_batch_threads=1)
    first = threading.Thread(target=batcher.submit, args=("k", run, {"x": np.array([0])}, 1))
    first.start()
    run.started.wait()  # the worker holds batch 0; the queue has room for one more
    results, errors = submit_all(batcher, run, [1, 2, 3])
    first.join()
    assert len(results) == 1 and len(errors) == 2
    assert all(e.code == "UNAVAILABLE" and "queue" in e.message for e in errors.values())
    with pytest.raises(ServingError, match="Task size 2 is larger than maximum batch size 1"):
        batcher.submit("k", run, {"x": np.array([1, 2])}, 2)
    batcher.close()


def test_allowed_batch_sizes_pad_and_slice():
    run = Recorder()
    batcher = Batcher(max_batch_size=8, num_batch_threads=1, allowed_batch_sizes=(4, 8))
    out = batcher.submit("k", run, {"x": np.array([1, 2, 3])}, 3)
    batcher.close()
    assert run.sizes == [4] and out["y"].tolist() == [10, 20, 30]


def test_errors_reach_every_request_of_the_batch_and_close_refuses_new_work():
    def broken(inputs):
        raise ServingError("INVALID_ARGUMENT", "bad row")

    batcher = Batcher(max_batch_size=8, batch_timeout_micros=100_000, num_batch_threads=1)
    _, errors = submit_all(batcher, broken, range(3))
    assert {e.message for e in errors.values()} == {"bad row"}
    batcher.close()
    with pytest.raises(ServingError, match="shutting down"):
        batcher.submit("k", broken, {"x": np.array([1])}, 1)


def test_from_batching_parameters():
    from bert_tf.serving.config_files import parse_batching_parameters

    params = parse_batching_parameters(
        "max_batch_size { value: 16 } batch_timeout_micros { value: 500 } "
        "max_enqueued_batches { value: 3 } num_batch_threads { value: 2 }"
    )
    batcher = Batcher.from_parameters(params)
    assert (batcher.max_batch_size, batcher.batch_timeout, batcher.max_enqueued_batches) == (
        16,
        0.0005,
        3,
    )
    assert len(batcher._threads) == 2
    batcher.close()
