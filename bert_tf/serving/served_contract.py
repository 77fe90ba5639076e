"""How a client learns a served model's bert_tf contract, in requests TF Serving accepts.

The contract travels in the export's `contract` signature (and `assets/bert_tf_contract.json`).
The client reads the model's metadata (`GetModelMetadata`, TF Serving's proto field names),
then calls `contract` with one placeholder row per input it declares (exports take one string
`request` and answer the JSON per row). Exports written before that have a `contract` without
inputs: it runs over gRPC, but TF Serving's REST API refuses to call any signature without
inputs (400 "Failed to get input map for signature"); there the client says so and takes the
contract file instead (`BertServingClient(contract=...)`, `bert-tf predict --contract`).

Example:
    >>> probe = placeholder_inputs({"request": {"dtype": "DT_STRING",
    ...     "tensor_shape": {"dim": [{"size": "-1"}], "unknown_rank": False}}})
    >>> probe["request"].tolist()
    [b'']
    >>> contract_from_outputs({"contract": np.array([b'{"task": "classification"}'], object)})
    {'task': 'classification'}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.serving.serving_error import ServingError

CONTRACT_SIGNATURE = "contract"
CONTRACT_FILE = Path("assets") / "bert_tf_contract.json"
_NUMPY = {"DT_STRING": object, "DT_BOOL": bool, "DT_FLOAT": np.float32, "DT_DOUBLE": np.float64}


def read_contract_file(path: str | Path) -> dict[str, Any]:
    """A contract JSON file, or the one inside an export (version) directory."""
    path = Path(path)
    if path.is_dir():
        path = path / CONTRACT_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read a bert_tf contract from {path}: {error}") from None


def placeholder_inputs(inputs: dict[str, Any]) -> dict[str, np.ndarray]:
    """One row of "" (or 0) per input, shaped as the signature's TensorInfo (snake_case)."""
    arrays = {}
    for name, info in inputs.items():
        shape = info.get("tensor_shape") or {}
        dims = [] if shape.get("unknown_rank") else shape.get("dim") or []
        sizes = [max(int(d.get("size", -1)), 1) for d in dims] or [1]
        dtype = _NUMPY.get(info.get("dtype"), np.int32 if "INT" in str(info.get("dtype")) else None)
        if dtype is None:
            raise ServingError(
                "FAILED_PRECONDITION", f"contract input {name!r} has dtype {info.get('dtype')}"
            )
        array = np.zeros(sizes, dtype)
        if dtype is object:
            array[...] = b""
        arrays[name] = array
    return arrays


def contract_from_outputs(outputs: dict[str, np.ndarray]) -> dict[str, Any]:
    """The contract JSON out of the `contract` output (a scalar or one string per row)."""
    value = np.asarray(outputs[CONTRACT_SIGNATURE], dtype=object).reshape(-1)[0]
    return json.loads(value.decode("utf-8") if isinstance(value, bytes) else value)


def fetch_contract(
    model: str,
    signatures: dict[str, Any],
    predict: Callable[[dict[str, np.ndarray], str], dict[str, np.ndarray]],
    rest: bool,
) -> dict[str, Any]:
    """Calls the `contract` signature found in `signatures` (metadata's `signature_def` map)."""
    signature = signatures.get(CONTRACT_SIGNATURE)
    if signature is None:
        raise ServingError(
            "FAILED_PRECONDITION",
            f"model {model!r} has no {CONTRACT_SIGNATURE!r} signature (signatures: "
            f"{sorted(signatures)}): is it a bert_tf export? Give the client its contract "
            "file (contract=..., bert-tf predict --contract FILE)",
        )
    inputs = signature.get("inputs") or {}
    if rest and not inputs:
        raise ServingError(
            "FAILED_PRECONDITION",
            f"model {model!r} has a {CONTRACT_SIGNATURE!r} signature without inputs, which TF "
            "Serving's REST API cannot call (400 'Failed to get input map for signature'); "
            "use gRPC, or give the client the export's assets/bert_tf_contract.json "
            "(BertServingClient(contract=PATH), bert-tf predict --contract PATH)",
        )
    return contract_from_outputs(predict(placeholder_inputs(inputs), CONTRACT_SIGNATURE))
