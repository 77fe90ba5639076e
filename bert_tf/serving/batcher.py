"""`Batcher`: server-side dynamic batching with TF Serving's `BatchingParameters` semantics.

Requests for the same servable, signature and inner input shapes join an open batch until it
holds `max_batch_size` rows (a request that does not fit closes it and opens the next); a
batch runs when it is closed, full, or `batch_timeout_micros` old, on one of
`num_batch_threads` threads. More than `max_enqueued_batches` waiting batches in a queue, or
one request larger than `max_batch_size`, is refused as TF Serving refuses it. With
`allowed_batch_sizes` a batch is padded (repeating its first row) up to the next allowed size.
Every row's answer is the slice of the batch's outputs that belongs to it.

Example:
    >>> import numpy as np
    >>> batcher = Batcher(max_batch_size=8, num_batch_threads=1)
    >>> double = lambda inputs: {"y": inputs["x"] * 2}
    >>> batcher.submit("key", double, {"x": np.array([1, 2])}, rows=2)["y"].tolist()
    [2, 4]
    >>> batcher.close()
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from bert_tf.serving.serving_error import ServingError

Run = Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]


class _Task:
    def __init__(self, inputs: dict[str, np.ndarray], rows: int) -> None:
        self.inputs, self.rows = inputs, rows
        self.done = threading.Event()
        self.result: dict[str, np.ndarray] | None = None
        self.error: ServingError | None = None


class _Batch:
    def __init__(self, run: Run, deadline: float) -> None:
        self.run, self.deadline = run, deadline
        self.tasks: list[_Task] = []
        self.size = 0


class Batcher:
    """Combines concurrent requests into batches and runs them on a pool of threads."""

    def __init__(
        self,
        max_batch_size: int = 1000,
        batch_timeout_micros: int = 0,
        max_enqueued_batches: int = 10,
        num_batch_threads: int | None = None,
        allowed_batch_sizes: tuple[int, ...] = (),
    ) -> None:
        self.max_batch_size = max_batch_size
        self.batch_timeout = batch_timeout_micros / 1e6
        self.max_enqueued_batches = max_enqueued_batches
        self.allowed_batch_sizes = tuple(allowed_batch_sizes)
        self._queues: dict[Hashable, list[_Batch]] = {}
        self._cond = threading.Condition()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"batch_threads_{i}", daemon=True)
            for i in range(num_batch_threads or os.cpu_count() or 1)
        ]
        for thread in self._threads:
            thread.start()

    @classmethod
    def from_parameters(cls, params: Any) -> Batcher:
        """From a `tensorflow.serving.BatchingParameters` (TF Serving's defaults if unset)."""

        def get(field: str, default: int | None) -> int | None:
            return getattr(params, field).value if params.HasField(field) else default

        return cls(
            max_batch_size=get("max_batch_size", 1000),
            batch_timeout_micros=get("batch_timeout_micros", 0),
            max_enqueued_batches=get("max_enqueued_batches", 10),
            num_batch_threads=get("num_batch_threads", None),
            allowed_batch_sizes=tuple(params.allowed_batch_sizes),
        )

    def submit(
        self, key: Hashable, run: Run, inputs: dict[str, np.ndarray], rows: int
    ) -> dict[str, np.ndarray]:
        """Queues one request of `rows` rows and blocks until its slice of a batch is back."""
        if rows > self.max_batch_size:
            raise ServingError(
                "INVALID_ARGUMENT",
                f"Task size {rows} is larger than maximum batch size {self.max_batch_size}; "
                "send fewer rows per request",
            )
        task = _Task(inputs, rows)
        with self._cond:
            if self._closed:
                raise ServingError("UNAVAILABLE", "the server is shutting down")
            queue = self._queues.setdefault(key, [])
            if not queue or queue[-1].size + rows > self.max_batch_size:
                if len(queue) >= self.max_enqueued_batches:
                    raise ServingError(
                        "UNAVAILABLE",
                        "The batch scheduling queue to which this task was submitted is full "
                        f"({self.max_enqueued_batches} batches; max_enqueued_batches)",
                    )
                queue.append(_Batch(run, time.monotonic() + self.batch_timeout))
            queue[-1].tasks.append(task)
            queue[-1].size += rows
            self._cond.notify()
        task.done.wait()
        if task.error is not None:
            raise task.error
        return task.result

    def _next_ready(self) -> tuple[_Batch | None, float | None]:
        now, wake = time.monotonic(), None
        for key, queue in self._queues.items():
            head = queue[0]
            if len(queue) > 1 or head.size >= self.max_batch_size or head.deadline <= now:
                queue.pop(0)
                if not queue:
                    del self._queues[key]
                return head, None
            wake = head.deadline if wake is None else min(wake, head.deadline)
        return None, wake

    def _work(self) -> None:
        while True:
            with self._cond:
                while True:
                    batch, wake = self._next_ready()
                    if batch is not None:
                        break
                    if self._closed and not self._queues:
                        return
                    timeout = None if wake is None else max(wake - time.monotonic(), 0)
                    self._cond.wait(timeout)
            self._process(batch)

    def _process(self, batch: _Batch) -> None:
        names = batch.tasks[0].inputs.keys()
        inputs = {k: np.concatenate([t.inputs[k] for t in batch.tasks]) for k in names}
        padded = next((s for s in self.allowed_batch_sizes if s >= batch.size), batch.size)
        if padded > batch.size:
            inputs = {
                k: np.concatenate([v, np.repeat(v[:1], padded - batch.size, axis=0)])
                for k, v in inputs.items()
            }
        try:
            outputs = batch.run(inputs)
            for name, value in outputs.items():
                if np.ndim(value) == 0 or value.shape[0] != padded:
                    raise ServingError(
                        "INTERNAL", f"output {name!r} is not batch-major, so it cannot be batched"
                    )
        except Exception as error:
            for task in batch.tasks:
                task.error = ServingError.from_exception(error)
                task.done.set()
            return
        start = 0
        for task in batch.tasks:
            task.result = {k: v[start : start + task.rows] for k, v in outputs.items()}
            start += task.rows
            task.done.set()

    def close(self) -> None:
        """Runs what is queued, then stops the threads; later submits are UNAVAILABLE."""
        with self._cond:
            self._closed = True
            for queue in self._queues.values():  # no more joiners: run them now
                for batch in queue:
                    batch.deadline = 0.0
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()
