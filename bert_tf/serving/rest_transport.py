"""`RestTransport`: predict, metadata and status over TF Serving's REST API (HTTP/1.1).

Requests use the columnar `{"inputs": ...}` form (strings as JSON text, bytes that are not
UTF-8 as `{"b64": ...}`); string outputs come back as numpy object arrays of bytes, as over
gRPC. REST answers carry no model version, so `predict` returns version None.

Example:
    >>> transport = RestTransport("localhost:8501")  # doctest: +SKIP
    >>> transport.status("bert", None, timeout=5.0)  # doctest: +SKIP
    [{'version': '1', 'state': 'AVAILABLE', 'status': {'error_code': 'OK', 'error_message': ''}}]
"""

from __future__ import annotations

import base64
import http.client
import json
import threading
from typing import Any

import numpy as np

from bert_tf.serving.serving_error import HTTP_STATUS, ServingError

_CODE_OF_HTTP = {status: code for code, status in reversed(list(HTTP_STATUS.items()))}


def _encode(value: Any) -> Any:
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"b64": base64.b64encode(value).decode("ascii")}
    return value


def _decode(value: Any) -> np.ndarray:
    def strings(v: Any) -> Any:
        if isinstance(v, list):
            return [strings(x) for x in v]
        if isinstance(v, dict) and "b64" in v:
            return base64.b64decode(v["b64"])
        return v.encode("utf-8") if isinstance(v, str) else v

    converted = strings(value)
    array = np.asarray(converted)
    if array.dtype.kind in "SU":  # keep bytes as objects, as tf.make_ndarray does
        object_array = np.empty(array.shape, object)
        object_array[...] = converted
        return object_array
    return array


class RestTransport:
    """HTTP keep-alive connections (one per thread) to `host:port`."""

    def __init__(self, target: str) -> None:
        self.target = target.removeprefix("http://").rstrip("/")
        self._local = threading.local()
        self._output_names: dict[tuple, str] = {}  # (model, version, signature) -> its one output

    def _request(self, method: str, path: str, body: Any, timeout: float) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = http.client.HTTPConnection(self.target)
        connection.timeout = timeout
        data = None if body is None else json.dumps(body).encode("utf-8")
        try:
            connection.request(method, path, data, {"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            self._local.connection = None
            code = "DEADLINE_EXCEEDED" if isinstance(error, TimeoutError) else "UNAVAILABLE"
            raise ServingError(code, f"{method} {self.target}{path}: {error}") from None
        try:
            answer = json.loads(payload) if payload else {}
        except ValueError:
            answer = {}
        if response.status != 200:
            code = _CODE_OF_HTTP.get(response.status, "UNKNOWN")
            message = answer.get("error") if isinstance(answer, dict) else None
            raise ServingError(code, message or payload.decode("utf-8", "replace")[:500])
        if response.will_close:
            connection.close()
            self._local.connection = None
        return answer

    @staticmethod
    def _path(model: str, version: int | str | None) -> str:
        """A version number, a version label (str), or None for the newest."""
        if isinstance(version, str):
            return f"/v1/models/{model}/labels/{version}"
        return f"/v1/models/{model}" + (f"/versions/{version}" if version is not None else "")

    def predict(
        self,
        model: str,
        version: int | str | None,
        signature: str,
        inputs: dict[str, np.ndarray],
        timeout: float,
    ) -> tuple[None, dict[str, np.ndarray]]:
        body = {
            "signature_name": signature,
            "inputs": {key: _encode(np.asarray(v).tolist()) for key, v in inputs.items()},
        }
        answer = self._request("POST", self._path(model, version) + ":predict", body, timeout)
        outputs = answer["outputs"]
        if not isinstance(outputs, dict) or set(outputs) == {"b64"}:  # one output, bare: name it
            key = (model, version, signature)
            if key not in self._output_names:
                signatures = self.metadata(model, version, timeout)["metadata"]["signature_def"]
                (self._output_names[key],) = signatures["signature_def"][signature]["outputs"]
            outputs = {self._output_names[key]: outputs}
        return None, {key: _decode(value) for key, value in outputs.items()}

    def metadata(self, model: str, version: int | str | None, timeout: float) -> dict[str, Any]:
        """TF Serving's metadata JSON (proto field names: signature_def, tensor_shape, ...)."""
        return self._request("GET", self._path(model, version) + "/metadata", None, timeout)

    def status(self, model: str, version: int | str | None, timeout: float) -> list[dict[str, Any]]:
        return self._request("GET", self._path(model, version), None, timeout)[
            "model_version_status"
        ]

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
