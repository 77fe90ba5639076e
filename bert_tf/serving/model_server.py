"""`ModelServer`: a protocol-compatible stand-in for `tensorflow_model_server`.

For development, CI and tests where the TF Serving binary cannot be installed: it serves the
same SavedModel directories over the same gRPC services (`PredictionService`, `ModelService`
from `tensorflow-serving-api`) and REST paths, with TF Serving's version, warm-up, batching and
error semantics. It is not a replacement for TF Serving in production (see serving/README.md):
it runs the model through Python and the TensorFlow eager runtime, one process, no
Prometheus endpoint. A request may carry at most `max_request_rows` rows (0 = no limit), so
one request cannot take the server's memory. `stop` drains: new calls get UNAVAILABLE (which
clients retry), in-flight gRPC and REST calls finish within the grace period, idle keep-alive
connections are closed.

Example:
    >>> server = ModelServer(VersionManager.single("bert", "models/bert"), port=8500,
    ...                      rest_port=8501)  # doctest: +SKIP
    >>> server.start(); server.wait_for_termination()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import numpy as np

from bert_tf.serving.batcher import Batcher
from bert_tf.serving.serving_error import ServingError
from bert_tf.serving.version_manager import VersionManager

LOG = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 2**31 - 1  # TF Serving's gRPC limit (kint32max), not gRPC's 4 MB default


class ModelServer:
    """gRPC (+ optional REST) front ends, one `VersionManager`, an optional `Batcher`."""

    def __init__(
        self,
        versions: VersionManager,
        port: int = 8500,
        rest_port: int = 0,
        batcher: Batcher | None = None,
        poll_seconds: float = 1.0,
        grpc_threads: int = 32,
        host: str = "127.0.0.1",
        max_request_rows: int = 1000,
        max_request_bytes: int = 256 << 20,
    ) -> None:
        self.versions, self.batcher = versions, batcher
        self.port, self.rest_port, self.host = port, rest_port, host
        self.poll_seconds, self.grpc_threads = poll_seconds, grpc_threads
        self.max_request_rows, self.max_request_bytes = max_request_rows, max_request_bytes
        self._grpc: Any = None
        self._rest: Any = None
        self._stopped = threading.Event()
        self.draining = threading.Event()  # set by stop(): new calls are UNAVAILABLE
        self._calls = 0  # gRPC calls in flight
        self._calls_done = threading.Condition()

    @contextlib.contextmanager
    def call(self) -> Iterator[None]:
        """Wraps one gRPC call: UNAVAILABLE while draining, counted so stop() can wait."""
        with self._calls_done:
            if self.draining.is_set():
                raise ServingError("UNAVAILABLE", "the server is shutting down; retry elsewhere")
            self._calls += 1
        try:
            yield
        finally:
            with self._calls_done:
                self._calls -= 1
                self._calls_done.notify_all()

    def predict(
        self,
        name: str,
        signature: str,
        inputs: dict[str, np.ndarray],
        version: int | None = None,
        label: str | None = None,
        output_filter: tuple[str, ...] = (),
    ) -> tuple[Any, dict[str, np.ndarray]]:
        """Checks and runs one request (through the batcher when batching is on)."""
        servable = self.versions.servable(name, version, label)
        rows = servable.check(signature, inputs)
        if self.max_request_rows and rows is not None and rows > self.max_request_rows:
            raise ServingError(
                "INVALID_ARGUMENT",
                f"the request has {rows} rows; this server takes at most "
                f"{self.max_request_rows} per request (--max-request-rows): send fewer rows "
                "per request",
            )
        if self.batcher is None or not rows:  # no batch dimension, or 0 rows: run it as is
            return servable, servable.run(signature, inputs, output_filter)
        shapes = tuple((k, v.dtype.str, v.shape[1:]) for k, v in sorted(inputs.items()))
        key = (name, servable.version, id(servable), signature, output_filter, shapes)

        def run(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            return servable.run(signature, batch, output_filter)

        return servable, self.batcher.submit(key, run, inputs, rows)

    def start(self) -> None:
        """Loads the models (TF Serving also waits for them), then opens the ports."""
        import grpc
        from tensorflow_serving.apis import model_service_pb2_grpc, prediction_service_pb2_grpc

        from bert_tf.serving.model_servicer import ModelServicer
        from bert_tf.serving.prediction_servicer import PredictionServicer
        from bert_tf.serving.rest_gateway import RestGateway

        self.versions.start(self.poll_seconds)
        options = [
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ]
        self._grpc = grpc.server(
            futures.ThreadPoolExecutor(self.grpc_threads, thread_name_prefix="grpc"),
            options=options,
        )
        prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
            PredictionServicer(self), self._grpc
        )
        model_service_pb2_grpc.add_ModelServiceServicer_to_server(ModelServicer(self), self._grpc)
        self.port = self._grpc.add_insecure_port(f"{self.host}:{self.port}")
        if not self.port:
            raise ValueError(f"cannot listen for gRPC on {self.host}:{self.port}")
        self._grpc.start()
        LOG.info("Running gRPC ModelServer at %s:%d", self.host, self.port)
        if self.rest_port:
            self._rest = RestGateway(self, self.rest_port, self.host, self.max_request_bytes)
            self._rest.start()
            LOG.info("Exporting HTTP/REST API at %s:%d", self.host, self._rest.port)

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Stops taking requests, lets in-flight ones finish (up to the grace), then exits."""
        if self._stopped.is_set():
            return
        LOG.info("shutting down: finishing in-flight requests (grace %.0f s)", grace_seconds)
        deadline = time.monotonic() + grace_seconds
        self.draining.set()
        if self._rest is not None:
            self._rest.stop(deadline)
        with self._calls_done:
            self._calls_done.wait_for(lambda: self._calls == 0, max(0, deadline - time.monotonic()))
        if self._grpc is not None:
            self._grpc.stop(max(0.0, deadline - time.monotonic())).wait()
        if self.batcher is not None:
            self.batcher.close()
        self.versions.stop()
        self._stopped.set()
        LOG.info("shut down cleanly")

    def wait_for_termination(self) -> None:
        """Serves until SIGTERM or SIGINT, then shuts down gracefully."""
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: stop.set())
        while not stop.wait(0.5):
            pass
        LOG.info("received a termination signal")
        self.stop()
