"""`RestGateway`: TF Serving's REST API (port 8501) over a `ModelServer`, with a graceful stop.

- `POST /v1/models/NAME[/versions/N | /labels/L]:predict` with `{"signature_name": ...,
  "instances": [...]}` (rows; an object per row for several inputs) -> `{"predictions": [...]}`,
  or `{"inputs": {...}}` (columns) -> `{"outputs": {...}}`.
- `GET /v1/models/NAME[/versions/N]` -> `{"model_version_status": [...]}`;
  `GET /v1/models/NAME[/versions/N]/metadata` -> the SignatureDefMap as JSON.
Errors answer `{"error": message}` with TF Serving's HTTP status for the code (`rest_api`);
HTTP framing and limits are `rest_handler`'s. `stop(deadline)` stops accepting, closes idle
keep-alive connections, lets requests in flight finish (answered with `Connection: close`),
and closes whatever is left at the deadline.

Example:
    >>> gateway = RestGateway(model_server, port=8501)  # doctest: +SKIP
    >>> gateway.start()  # doctest: +SKIP
    $ curl -d '{"instances": ["hi"]}' localhost:8501/v1/models/bert:predict
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

from bert_tf.serving.rest_handler import RestHandler


class RestGateway:
    """An HTTP/1.1 server (one thread per connection) answering TF Serving's REST paths."""

    def __init__(
        self,
        server: Any,
        port: int = 8501,
        host: str = "127.0.0.1",
        max_request_bytes: int = 256 << 20,
    ) -> None:
        self.server = server
        self.max_request_bytes = max_request_bytes
        self.draining = threading.Event()
        self._connections: dict[RestHandler, bool] = {}  # handler -> busy with a request
        self._changed = threading.Condition()
        gateway = self

        class Handler(RestHandler):
            model_server = gateway.server
            limits = gateway

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="rest", daemon=True)

    def start(self) -> None:
        self._thread.start()

    # Called by the handlers: which connections wait for a request and which serve one.
    def connection_state(self, handler: RestHandler, busy: bool | None) -> bool:
        """Records a connection as busy/idle (None: closed); False if it should close now."""
        with self._changed:
            if busy is None:
                self._connections.pop(handler, None)
            else:
                self._connections[handler] = busy
            self._changed.notify_all()
            return not (self.draining.is_set() and busy is False)

    def stop(self, deadline: float | None = None) -> None:
        """Stops accepting, drains connections until `deadline` (monotonic), then closes."""
        deadline = time.monotonic() + 10.0 if deadline is None else deadline
        self.draining.set()
        if self._thread.is_alive():  # (shutdown() waits for serve_forever to return)
            self.httpd.shutdown()
        self.httpd.server_close()
        with self._changed:
            while True:
                for handler, busy in list(self._connections.items()):
                    if not busy:  # waiting for a next request on a kept-alive connection
                        _close(handler.connection)
                left = deadline - time.monotonic()
                if not self._connections or left <= 0:
                    break
                self._changed.wait(min(left, 0.1))
            for handler in list(self._connections):  # past the grace period
                _close(handler.connection)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        connection.shutdown(socket.SHUT_RDWR)
