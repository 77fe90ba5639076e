"""TF Serving 2.16's REST API over a `ModelServer`: paths, JSON bodies, answers and errors.

What `http_rest_api_handler.cc`, `http_rest_api_util.cc` and `json_tensor.cc` do, status for
status: paths match case-insensitively; a POST path that is not `:predict`/`:classify`/
`:regress`, or a GET path that is not a model's status or metadata, is 400 "Malformed
request"; an unknown signature or version label is 400; `{"inputs": {...}}` ignores keys the
signature does not take; `{"instances": []}` is 400 but `{"inputs": {"text": []}}` runs the
graph; a signature without inputs cannot be called. Metadata uses the proto field names.

Example:
    >>> route("POST", "/V1/Models/bert/labels/stable:predict")
    Route(method='POST', name='bert', version=None, label='stable', action='predict')
    >>> route("POST", "/v1/models/bert/metadata")
    Traceback (most recent call last):
    ...
    bert_tf.serving.serving_error.ServingError: Malformed request: POST /v1/models/bert/metadata
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from bert_tf.serving.serving_error import ServingError
from bert_tf.serving.tensor_json import array_from_json, json_from_array

API_PREFIX = re.compile(r"(?i)/v1/")  # what TF Serving's REST handler is registered for
_VERSION = r"(?:/versions/(?P<version>\d+)|/labels/(?P<label>[^/:]+))?"
_POST = re.compile(
    rf"(?i)/v1/models/(?P<name>[^/:]+){_VERSION}:(?P<action>classify|regress|predict)"
)
_GET = re.compile(rf"(?i)/v1/models(?:/(?P<name>[^/:]+))?{_VERSION}(?:/(?P<action>metadata))?")
MAX_JSON_DEPTH = 64  # nesting beyond this is refused before anything recurses over it


@dataclass(frozen=True)
class Route:
    method: str
    name: str
    version: int | None
    label: str | None
    action: str  # predict, classify, regress, status or metadata


def route(method: str, path: str) -> Route:
    """The TF Serving route of a request, or INVALID_ARGUMENT "Malformed request" as it says."""
    path = path.split("?", 1)[0]
    pattern = {"POST": _POST, "GET": _GET}.get(method)
    match = pattern.fullmatch(path) if pattern else None
    # TF Serving matches paths case-insensitively but compares the verb exactly.
    action = match["action"] if match else ""
    if method == "GET":
        action = "metadata" if action == "metadata" else "status"
    if not match or action not in ("predict", "classify", "regress", "status", "metadata"):
        raise ServingError("INVALID_ARGUMENT", f"Malformed request: {method} {path}")
    if not match["name"]:
        raise ServingError("INVALID_ARGUMENT", "Missing model name in request.")
    version = int(match["version"]) if match["version"] else None
    label = unquote(match["label"]) if match["label"] else None
    return Route(method, unquote(match["name"]), version, label, action)


def parse_body(body: bytes) -> dict[str, Any]:
    """The request object; INVALID_ARGUMENT for empty, non-JSON, too deep or non-object bodies."""
    if not body:
        raise ServingError("INVALID_ARGUMENT", "JSON Parse error: The document is empty")
    too_deep = ServingError(
        "INVALID_ARGUMENT",
        f"JSON Parse error: the body nests lists/objects deeper than {MAX_JSON_DEPTH} levels",
    )
    try:
        request = json.loads(body)
    except RecursionError:  # deeper than the interpreter's recursion limit (about 1000)
        raise too_deep from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ServingError("INVALID_ARGUMENT", f"JSON Parse error: {error}") from None
    if max_depth(request) > MAX_JSON_DEPTH:
        raise too_deep
    if not isinstance(request, dict):
        raise ServingError("INVALID_ARGUMENT", f"JSON Value: {body[:60]!r} Is not object")
    name = request.get("signature_name", "")
    if not isinstance(name, str):
        raise ServingError(
            "INVALID_ARGUMENT",
            f"JSON Value: {json.dumps(name)[:60]} not formatted correctly. "
            "'signature_name' key must be a string value.",
        )
    return request


def max_depth(value: Any) -> int:
    """The deepest nesting of lists and objects in parsed JSON, without recursion."""
    deepest, level = 0, [value]
    while True:
        containers = [node for node in level if isinstance(node, list | dict)]
        if not containers:
            return deepest
        deepest += 1
        level = [
            item
            for node in containers
            for item in (node.values() if isinstance(node, dict) else node)
        ]


def answer(model_server: Any, request_route: Route, body: bytes) -> dict[str, Any]:
    """The JSON answer of a routed request (raises `ServingError` for TF Serving's errors)."""
    versions = model_server.versions
    if request_route.action in ("status", "metadata"):
        return (status if request_route.action == "status" else metadata)(versions, request_route)
    request = parse_body(body)
    name, version, label = request_route.name, request_route.version, request_route.label
    servable = versions.servable(name, version, label)
    signature = request.get("signature_name") or "serving_default"
    if request_route.action != "predict":
        servable.check_method(signature, request_route.action)
    sig = servable.signature_defs.get(signature)
    if sig is None:
        raise ServingError(
            "INVALID_ARGUMENT",
            f'Serving signature name: "{signature}" not found in signature def '
            f"(model {name!r} version {servable.version} has {sorted(servable.signature_defs)})",
        )
    if not sig.inputs:
        raise ServingError(
            "INVALID_ARGUMENT", f"Failed to get input map for signature: {signature}"
        )
    columns = _columns(request, sorted(sig.inputs))
    inputs = {
        key: array_from_json(key, value, sig.inputs[key].dtype) for key, value in columns.items()
    }
    _, outputs = model_server.predict(name, signature, inputs, version, label)
    encoded = {key: json_from_array(key, value) for key, value in outputs.items()}
    if "inputs" in request:
        return {"outputs": next(iter(encoded.values())) if len(encoded) == 1 else encoded}
    if len(encoded) == 1:
        return {"predictions": next(iter(encoded.values()))}
    rows = len(next(iter(encoded.values())))
    return {"predictions": [{k: v[i] for k, v in encoded.items()} for i in range(rows)]}


def _is_b64(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"b64"}


def _columns(request: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """`instances` (rows) or `inputs` (columns) as {input name: column}, as json_tensor.cc."""
    if ("instances" in request) == ("inputs" in request):
        raise ServingError(
            "INVALID_ARGUMENT",
            "Missing 'inputs' or 'instances' key"
            if "inputs" not in request
            else "Not formatted correctly expecting only one of 'inputs' or 'instances' keys",
        )
    if "inputs" in request:
        value = request["inputs"]
        if isinstance(value, dict) and not _is_b64(value):
            missing = [key for key in names if key not in value]
            if missing:
                raise ServingError(
                    "INVALID_ARGUMENT", f"Missing named input: {missing[0]} in 'inputs' object."
                )
            return {key: value[key] for key in names}  # other keys are ignored
        return {_only(names, "inputs is a plain value/list"): value}
    rows = request["instances"]
    if not isinstance(rows, list):
        raise ServingError("INVALID_ARGUMENT", "Expecting 'instances' to be an list/array")
    if not rows:
        raise ServingError("INVALID_ARGUMENT", "No values in 'instances' array")
    if isinstance(rows[0], dict) and not _is_b64(rows[0]):
        for index, row in enumerate(rows):
            if not isinstance(row, dict) or _is_b64(row) or sorted(row) != names:
                raise ServingError(
                    "INVALID_ARGUMENT",
                    f"Failed to process element: {index} of 'instances' list. JSON object: "
                    f"{json.dumps(row)[:60]} keys must be equal to: {','.join(names)}",
                )
        return {key: [row[key] for row in rows] for key in names}
    name = _only(names, "instances is a plain list")
    for index, row in enumerate(rows):
        if isinstance(row, dict) and not _is_b64(row):
            raise ServingError(
                "INVALID_ARGUMENT", f"Expecting value/list but got object at item {index}"
            )
    return {name: rows}


def _only(names: list[str], what: str) -> str:
    if len(names) != 1:
        raise ServingError(
            "INVALID_ARGUMENT",
            f"{what}, but expecting an object as multiple input tensors required: {names}",
        )
    return names[0]


def status(versions: Any, request_route: Route) -> dict[str, Any]:
    """GetModelStatus as TF Serving's JSON (`model_version_status`, newest first)."""
    version = request_route.version
    if request_route.label:  # the status of the version the label names
        version = versions.servable(request_route.name, label=request_route.label).version
    rows = [
        {
            "version": str(number),
            "state": state.state,
            "status": {"error_code": state.error_code, "error_message": state.error_message},
        }
        for number, state in sorted(
            versions.status(request_route.name, version).items(), reverse=True
        )
    ]
    return {"model_version_status": rows}


def metadata(versions: Any, request_route: Route) -> dict[str, Any]:
    """GetModelMetadata as TF Serving writes it: proto field names, default values printed."""
    from google.protobuf import json_format
    from tensorflow_serving.apis import get_model_metadata_pb2

    servable = versions.servable(request_route.name, request_route.version, request_route.label)
    signatures = get_model_metadata_pb2.SignatureDefMap()
    for key, sig in servable.signature_defs.items():
        signatures.signature_def[key].CopyFrom(sig)
    as_json = json_format.MessageToDict(
        signatures, preserving_proto_field_name=True, including_default_value_fields=True
    )
    return {
        "model_spec": {
            "name": request_route.name,
            "signature_name": "",
            "version": str(servable.version),
        },
        "metadata": {"signature_def": as_json},
    }
