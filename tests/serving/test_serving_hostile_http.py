"""Hostile HTTP and JSON get a 4xx with a JSON `{"error": ...}` body; the server stays healthy.

Each case is sent as raw bytes on a fresh connection. A request whose framing cannot be
trusted (bad or missing Content-Length, malformed chunks, an unknown transfer coding, a body
over the limit) is answered and the connection closed; any other bad request leaves the
kept-alive connection usable for the next request. A valid request on a new connection
succeeds after every case.
"""

from __future__ import annotations

import http.client
import json
import socket

import pytest

pytestmark = pytest.mark.slow  # a `bert-tf serve` subprocess

PATH = b"/v1/models/echo:predict"
VALID = b'{"instances": ["abcdef"]}'


def post(body: bytes, headers: bytes = b"") -> bytes:
    length = b"Content-Length: %d\r\n" % len(body)
    return b"POST " + PATH + b" HTTP/1.1\r\nHost: test\r\n" + length + headers + b"\r\n" + body


def raw(head: bytes, body: bytes = VALID) -> bytes:
    return b"POST " + PATH + b" HTTP/1.1\r\nHost: test\r\n" + head + b"\r\n" + body


def chunked(*chunks: bytes) -> bytes:
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    return raw(b"Transfer-Encoding: chunked\r\n", body)


DEEP = b'{"instances": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
OVER_LIMIT = b'{"instances": ' + b"[" * 100 + b'"a"' + b"]" * 100 + b"}"
# case -> (bytes sent, HTTP status, connection closed afterwards, what the error says)
CASES = {
    "Content-Length -1": (raw(b"Content-Length: -1\r\n"), 400, True, "bad Content-Length"),
    "Content-Length abc": (raw(b"Content-Length: abc\r\n"), 400, True, "bad Content-Length"),
    "two Content-Lengths": (
        raw(b"Content-Length: 5\r\nContent-Length: 25\r\n"),
        400,
        True,
        "conflicting Content-Length",
    ),
    "body without Content-Length": (raw(b""), 411, True, "needs a Content-Length"),
    "chunked body": (chunked(VALID[:9], VALID[9:]), 200, False, ""),
    "malformed chunk size": (
        raw(b"Transfer-Encoding: chunked\r\n", b"zz\r\n" + VALID),
        400,
        True,
        "malformed chunk size line",
    ),
    "chunked over the size limit": (chunked(b" " * 300_000), 413, True, "over this server's"),
    "gzip transfer coding": (
        raw(b"Transfer-Encoding: gzip\r\n"),
        501,
        True,
        "Transfer-Encoding 'gzip' is not served",
    ),
    "Content-Length over the size limit": (
        raw(b"Content-Length: 1000000000000\r\n", b""),
        413,
        True,
        "request body of 1000000000000 bytes",
    ),
    "non-string signature_name": (
        post(b'{"signature_name": ["x"], "instances": ["a"]}'),
        400,
        False,
        "'signature_name' key must be a string value",
    ),
    "50,000-deep JSON": (post(DEEP), 400, False, "deeper than 64 levels"),
    "100-deep JSON": (post(OVER_LIMIT), 400, False, "deeper than 64 levels"),
    "invalid JSON": (post(b'{"instances": ['), 400, False, "JSON Parse error"),
    "JSON that is not an object": (post(b"[1, 2]"), 400, False, "Is not object"),
    "garbage request line": (b"\x16\x03\x01\x02 hello\r\n\r\n", 400, True, "Bad HTTP/0.9"),
    "PUT": (
        b"PUT /v1/models/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\n{}",
        400,
        False,
        "Malformed request: PUT /v1/models/echo",
    ),
}


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, dict(response.getheaders()), response.read()


def assert_valid_request_succeeds(sock: socket.socket) -> None:
    sock.sendall(post(VALID))
    status, _, body = read_response(sock)
    assert status == 200, body
    assert json.loads(body)["predictions"][0]["label"] == "positive"


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_request_is_a_client_error_and_leaves_the_server_healthy(echo_server, case):
    sent, status, closes, says = CASES[case]
    host, port = echo_server.rest_target.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(sent)
        got, headers, body = read_response(sock)
        assert got == status, body
        assert headers["Content-Type"] == "application/json"
        if status != 200:
            assert says in json.loads(body)["error"]
        if closes:
            assert headers.get("Connection") == "close"
            assert sock.recv(1) == b"", "the server must close a connection it cannot trust"
        else:
            assert_valid_request_succeeds(sock)  # the kept-alive connection is clean
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        assert_valid_request_succeeds(sock)
    assert "Traceback" not in echo_server.output()
