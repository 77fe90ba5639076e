"""`RestGateway`: TF Serving's REST API (port 8501) over a `ModelServer`.

- `POST /v1/models/NAME[/versions/N | /labels/L]:predict` with `{"signature_name": ...,
  "instances": [...]}` (rows; an object per row for several inputs) -> `{"predictions": [...]}`,
  or `{"inputs": {...}}` (columns) -> `{"outputs": {...}}`.
- `GET /v1/models/NAME[/versions/N]` -> `{"model_version_status": [...]}`;
  `GET /v1/models/NAME[/versions/N]/metadata` -> the SignatureDefMap as JSON.
Errors answer `{"error": message}` with TF Serving's HTTP status for the code.

Example:
    >>> gateway = RestGateway(model_server, port=8501)  # doctest: +SKIP
    >>> gateway.start()  # doctest: +SKIP
    $ curl -d '{"instances": ["hi"]}' localhost:8501/v1/models/bert:predict
"""

from __future__ import annotations

import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bert_tf.serving.serving_error import ServingError
from bert_tf.serving.tensor_json import array_from_json, json_from_array

LOG = logging.getLogger(__name__)
_PATH = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>\d+)|/labels/(?P<label>[^/:]+))?"
    r"(?P<rest>/metadata|:predict|:classify|:regress)?$"
)
MAX_BODY_BYTES = 1 << 30


class RestGateway:
    """An HTTP/1.1 server (one thread per connection) answering TF Serving's REST paths."""

    def __init__(self, server: Any, port: int = 8501, host: str = "0.0.0.0") -> None:
        self.server = server
        gateway = self

        class Handler(_Handler):
            model_server = gateway.server

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="rest", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive connections
    model_server: Any = None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        LOG.debug("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self) -> dict[str, Any]:
        match = _PATH.match(self.path.split("?", 1)[0])
        if not match:
            raise ServingError("NOT_FOUND", f"no such path {self.path!r}; see /v1/models/NAME")
        route = match.groupdict()
        route["version"] = int(route["version"]) if route["version"] else None
        return route

    def do_GET(self) -> None:  # noqa: N802
        try:
            route = self._route()
            if route["rest"] == "/metadata":
                self._send(200, self._metadata(route))
            elif route["rest"] is None:
                version = route["version"]
                if route["label"]:  # /labels/L: the status of the version the label names
                    version = self.model_server.versions.servable(
                        route["name"], label=route["label"]
                    ).version
                states = self.model_server.versions.status(route["name"], version)
                rows = [
                    {
                        "version": str(number),
                        "state": state.state,
                        "status": {
                            "error_code": state.error_code,
                            "error_message": state.error_message,
                        },
                    }
                    for number, state in sorted(states.items(), reverse=True)
                ]
                self._send(200, {"model_version_status": rows})
            else:
                raise ServingError(
                    "INVALID_ARGUMENT", f"GET {self.path}: use POST for {route['rest']}"
                )
        except Exception as error:
            self._fail(error)

    def _metadata(self, route: dict[str, Any]) -> dict[str, Any]:
        from google.protobuf import json_format
        from tensorflow_serving.apis import get_model_metadata_pb2

        servable = self.model_server.versions.servable(
            route["name"], route["version"], route["label"]
        )
        signatures = get_model_metadata_pb2.SignatureDefMap()
        for key, sig in servable.signature_defs.items():
            signatures.signature_def[key].CopyFrom(sig)
        return {
            "model_spec": {
                "name": route["name"],
                "signature_name": "",
                "version": str(servable.version),
            },
            "metadata": {"signature_def": json_format.MessageToDict(signatures)},
        }

    def do_POST(self) -> None:  # noqa: N802
        try:
            route = self._route()
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise ServingError(
                    "INVALID_ARGUMENT", f"request body of {length} bytes is too large"
                )
            body = self.rfile.read(length)
            if route["rest"] != ":predict":
                raise ServingError("UNIMPLEMENTED", f"{route['rest']} is not served; use :predict")
            self._send(200, self._predict(route, body))
        except Exception as error:
            self._fail(error)

    def _predict(self, route: dict[str, Any], body: bytes) -> dict[str, Any]:
        try:
            request = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ServingError("INVALID_ARGUMENT", f"request body is not JSON: {error}") from None
        if not isinstance(request, dict) or ("instances" in request) == ("inputs" in request):
            raise ServingError(
                "INVALID_ARGUMENT", 'the body needs exactly one of "instances" (rows) or "inputs"'
            )
        name, version, label = route["name"], route["version"], route["label"]
        signature = request.get("signature_name") or "serving_default"
        sig = self.model_server.versions.servable(name, version, label).signature(signature)
        columns = _columns(request, list(sig.inputs))
        inputs = {}
        for key, value in columns.items():
            dtype = sig.inputs[key].dtype if key in sig.inputs else 7
            inputs[key] = array_from_json(key, value, dtype)
        servable, outputs = self.model_server.predict(name, signature, inputs, version, label)
        encoded = {key: json_from_array(key, value) for key, value in outputs.items()}
        if "inputs" in request:
            return {"outputs": next(iter(encoded.values())) if len(encoded) == 1 else encoded}
        if len(encoded) == 1:
            return {"predictions": next(iter(encoded.values()))}
        rows = len(next(iter(encoded.values())))
        return {"predictions": [{k: v[i] for k, v in encoded.items()} for i in range(rows)]}

    def _fail(self, error: Exception) -> None:
        failure = ServingError.from_exception(error)
        if failure.code == "INTERNAL":
            LOG.exception("REST %s %s failed", self.command, self.path)
        self._send(failure.http_status, {"error": failure.message})


def _columns(request: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """`instances` (rows) or `inputs` (columns) as {input name: column}."""
    if "inputs" in request:
        value = request["inputs"]
        if isinstance(value, dict) and set(value) != {"b64"}:
            return value
        return {_only(names): value}
    rows = request["instances"]
    if not isinstance(rows, list):
        raise ServingError("INVALID_ARGUMENT", '"instances" must be a list of rows')
    named = [isinstance(r, dict) and set(r) != {"b64"} for r in rows]
    if rows and all(named):
        keys = set(rows[0])
        if any(set(r) != keys for r in rows):
            raise ServingError("INVALID_ARGUMENT", "every instance must name the same inputs")
        return {key: [r[key] for r in rows] for key in rows[0]}
    if any(named):
        raise ServingError("INVALID_ARGUMENT", "instances mix objects and bare values")
    if not rows:
        return {key: [] for key in names}
    return {_only(names): rows}


def _only(names: list[str]) -> str:
    if len(names) != 1:
        raise ServingError(
            "INVALID_ARGUMENT", f"bare values need a one-input signature; name the inputs {names}"
        )
    return names[0]
