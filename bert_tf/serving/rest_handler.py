"""`RestHandler`: the HTTP/1.1 side of the REST gateway, strict about framing and limits.

A body is framed by one `Content-Length` of digits or by `Transfer-Encoding: chunked`
(decoded here); anything else (`-1`, `abc`, two lengths that differ, a POST with neither, an
unknown transfer coding, a malformed chunk) is a 4xx with a JSON `{"error": ...}` body and
`Connection: close`, because the rest of the stream can no longer be trusted. A body larger
than the gateway's `max_request_bytes` is 413 before it is read. Every answer is JSON, even
for a bad request line; paths outside `/v1/` are 404. While the gateway drains, answers carry
`Connection: close` and idle keep-alive connections are closed.

Example:
    >>> RestHandler.content_length(["42"])
    42
    >>> RestHandler.content_length(["-1"])
    Traceback (most recent call last):
    ...
    bert_tf.serving.rest_handler.Refusal: (400, "bad Content-Length '-1': not a number of bytes")
"""

from __future__ import annotations

import json
import logging
import re
from http.server import BaseHTTPRequestHandler
from typing import Any

from bert_tf.serving.rest_api import API_PREFIX, answer, route
from bert_tf.serving.serving_error import ServingError

LOG = logging.getLogger(__name__)
_DIGITS = re.compile(r"[0-9]{1,19}")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")
MAX_TRAILER_LINES = 100


class Refusal(Exception):
    """A request that cannot be framed or is too large: its HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status, self.message = status, message


class RestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive connections
    timeout = 120  # seconds a connection may sit between (or inside) requests
    model_server: Any = None
    limits: Any = None  # the RestGateway: max_request_bytes, draining, connection_state()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        LOG.debug("%s %s", self.address_string(), format % args)

    def handle(self) -> None:
        try:
            super().handle()
        finally:
            self.limits.connection_state(self, None)

    def handle_one_request(self) -> None:
        """One request: read its line (idle until then), then frame, route and answer it."""
        self.close_connection = True
        if not self.limits.connection_state(self, busy=False):
            return
        try:
            self.raw_requestline = self.rfile.readline(65537)
            self.limits.connection_state(self, busy=True)
            if not self.raw_requestline:
                return
            self.close_connection = False
            if len(self.raw_requestline) > 65536:
                self.requestline = self.request_version = self.command = ""
                self.send_error(414, "request line longer than 65536 bytes")
            elif self.parse_request():  # (else it has answered with send_error)
                self._serve()
            self.wfile.flush()
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True  # the peer went away or stalled: drop it

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors of the request line or headers, as JSON like every other answer."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # an unparsable line: still answer with headers
            self.request_version = "HTTP/1.1"
        self._send(code, {"error": message or self.responses.get(code, ("error",))[0]})

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        if self.limits.draining.is_set():
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except Refusal as refusal:
            self.close_connection = True
            self._send(refusal.status, {"error": refusal.message})
            return
        if self.command == "HEAD":
            self.close_connection = True
        if not API_PREFIX.match(self.path):
            message = f"no such path {self.path!r}: TF Serving's REST API is /v1/models/NAME..."
            self._send(404, {"error": message})
            return
        try:
            result = answer(self.model_server, route(self.command, self.path), body)
        except Exception as error:
            failure = ServingError.from_exception(error)
            if failure.code == "INTERNAL":
                LOG.exception("REST %s %s failed", self.command, self.path)
            self._send(failure.http_status, {"error": failure.message})
            return
        self._send(200, result)

    @staticmethod
    def content_length(values: list[str]) -> int:
        """The one length that `Content-Length` header(s) give, or a 400 `Refusal`."""
        if len(set(values)) != 1:
            raise Refusal(400, f"conflicting Content-Length headers {values}")
        value = values[0].strip()
        if not _DIGITS.fullmatch(value):
            raise Refusal(400, f"bad Content-Length {value[:40]!r}: not a number of bytes")
        return int(value)

    def _read_body(self) -> bytes:
        lengths = self.headers.get_all("Content-Length") or []
        coding = self.headers.get("Transfer-Encoding")
        limit = self.limits.max_request_bytes
        if coding is not None:
            if lengths or coding.strip().lower() != "chunked":
                raise Refusal(
                    400 if lengths else 501,
                    f"Transfer-Encoding {coding!r} is not served (only 'chunked', without "
                    "Content-Length)",
                )
            return self._read_chunked(limit)
        if not lengths:
            if self.command == "POST":
                raise Refusal(411, "a POST needs a Content-Length (or a chunked body)")
            return b""
        length = self.content_length(lengths)
        if length > limit:
            raise Refusal(413, f"request body of {length} bytes is over this server's {limit}")
        body = self.rfile.read(length)
        if len(body) < length:
            raise ConnectionError("the client closed the connection inside the body")
        return body

    def _read_chunked(self, limit: int) -> bytes:
        parts, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            match = _CHUNK_SIZE.fullmatch(line)
            if not match:
                raise Refusal(400, f"malformed chunk size line {line[:40].decode('latin-1')!r}")
            size = int(match[1], 16)
            total += size
            if total > limit:
                raise Refusal(413, f"chunked request body over this server's {limit} bytes")
            if size == 0:
                break
            data = self.rfile.read(size)
            if len(data) < size:
                raise ConnectionError("the client closed the connection inside a chunk")
            parts.append(data)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise Refusal(400, "a chunk is longer than its size line says")
        for _ in range(MAX_TRAILER_LINES):  # trailer fields, up to the blank line
            if self.rfile.readline(8192) in (b"\r\n", b"\n", b""):
                return b"".join(parts)
        raise Refusal(400, "too many trailer lines after the last chunk")
