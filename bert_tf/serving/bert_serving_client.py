"""`BertServingClient`: raw text in, typed task answers out, from TF Serving or the local server.

It reads the model's contract over the wire (metadata, then the `contract` signature; see
`served_contract`) to learn the task, the `serving_default` input names and the label names,
or takes it as `contract=` (a dict, a contract JSON file or an export directory); splits many
texts into requests of `batch_size` rows; gives every call a deadline; and retries with
exponential backoff only on UNAVAILABLE (a server starting, restarting or shedding load),
never on a bad request.

Example:
    >>> client = BertServingClient("localhost:8500", model="bert")  # doctest: +SKIP
    >>> client.predict(["a fine film"])  # doctest: +SKIP
    [ClassificationResult(label='pos', label_id=1, probabilities={'neg': 0.1, 'pos': 0.9})]
    >>> BertServingClient("localhost:8501", model="bert", rest=True).status()  # doctest: +SKIP
    [{'version': '1', 'state': 'AVAILABLE', 'status': {'error_code': 'OK', ...}}]
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.serving.served_contract import fetch_contract, read_contract_file
from bert_tf.serving.serving_error import ServingError
from bert_tf.tasks import parse_results

LOG = logging.getLogger(__name__)


class BertServingClient:
    """A client for one served model over gRPC (default, `HOST:PORT`) or REST (`rest=True`).

    `version` pins a version number, or names a version label ("stable", "canary"); None asks
    for the newest available version. `contract` skips reading the contract over the wire.
    """

    def __init__(
        self,
        target: str,
        model: str = "bert",
        *,
        rest: bool = False,
        version: int | str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.1,
        batch_size: int = 32,
        contract: dict[str, Any] | str | Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        rest = rest or target.startswith("http://")
        if rest:
            from bert_tf.serving.rest_transport import RestTransport

            self.transport: Any = RestTransport(target)
        else:
            from bert_tf.serving.grpc_transport import GrpcTransport

            self.transport = GrpcTransport(target)
        self.target, self.model, self.version = target, model, version
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.batch_size = batch_size
        self.rest = rest
        self.last_version: int | None = None  # the version that answered (gRPC only)
        if contract is not None and not isinstance(contract, dict):
            contract = read_contract_file(contract)
        self._contract: dict[str, Any] | None = contract

    def _retry(self, call: Any, *args: Any) -> Any:
        for attempt in range(self.retries + 1):
            try:
                return call(*args, timeout=self.timeout)
            except ServingError as error:
                if error.code != "UNAVAILABLE" or attempt == self.retries:
                    raise
                delay = self.backoff * 2**attempt * (0.5 + random.random())
                LOG.info("%s unavailable (%s); retrying in %.2f s", self.target, error, delay)
                time.sleep(delay)

    def predict_raw(
        self, inputs: dict[str, Any], signature: str = "serving_default"
    ) -> dict[str, np.ndarray]:
        """One Predict call with the given input tensors; returns the output arrays."""
        arrays = {key: _array(value) for key, value in inputs.items()}
        version, outputs = self._retry(
            self.transport.predict, self.model, self.version, signature, arrays
        )
        self.last_version = version
        return outputs

    def contract(self) -> dict[str, Any]:
        """The model's bert_tf contract JSON (task, inputs, label names, seq_length, ...)."""
        if self._contract is None:
            signatures = self.metadata()["metadata"]["signature_def"]["signature_def"]
            self._contract = fetch_contract(self.model, signatures, self.predict_raw, self.rest)
        return self._contract

    def predict_rows(
        self, rows: Sequence[Sequence[str]], signature: str = "serving_default"
    ) -> list[Any]:
        """Typed results for rows of strings (as `bert-tf predict` reads them): one string
        per input, except that a last list input (a list of strings per row) takes the rest."""
        names = self.contract()["inputs"]
        listed = bool(names) and names[-1] in (self.contract().get("list_inputs") or [])
        for number, row in enumerate(rows, start=1):
            if len(row) != len(names) and not (listed and len(row) > len(names)):
                wanted = f"{len(names) - 1} + choices" if listed else str(len(names))
                raise ValueError(
                    f"model {self.model!r} takes {wanted} column(s) {names}; row {number} "
                    f"has {len(row)}"
                )
        if listed:
            rows = [[*row[: len(names) - 1], list(row[len(names) - 1 :])] for row in rows]
        return self.predict(*zip(*rows), signature=signature)

    def predict(self, *columns: Sequence[Any], signature: str = "serving_default") -> list[Any]:
        """Typed results for many rows: `predict(texts)`, `predict(texts, text_pairs)`,
        or for QA `predict(questions, contexts)`; columns follow the contract's inputs. A
        list input's column holds a list of strings per row, padded with "" to the longest.
        `signature="serve_examples"` sends each row as a serialized tf.Example instead."""
        if signature not in ("serving_default", "serve_examples"):
            raise ValueError(
                f"predict() sends text to serving_default or serve_examples, not {signature!r}; "
                "use predict_raw() for other signatures"
            )
        contract = self.contract()
        names = contract["inputs"]
        if len(columns) != len(names):
            raise ValueError(
                f"model {self.model!r} takes {len(names)} column(s) {names}, got {len(columns)}"
            )
        lengths = {len(column) for column in columns}
        if len(lengths) != 1:
            raise ValueError(f"columns have different lengths: {[len(c) for c in columns]}")
        results: list[Any] = []
        total = lengths.pop()
        for start in range(0, total, self.batch_size):
            chunk = {
                name: _column(column[start : start + self.batch_size])
                for name, column in zip(names, columns)
            }
            if signature == "serve_examples":
                chunk = {"examples": _examples(chunk)}
            outputs = self.predict_raw(chunk, signature)
            results += parse_results(contract["task"], outputs, contract.get("label_names", []))
        return results

    def metadata(self) -> dict[str, Any]:
        """GetModelMetadata as TF Serving's REST API writes it (proto field names):
        `{"model_spec": ..., "metadata": {"signature_def": {"signature_def": {NAME: ...}}}}`."""
        return self._retry(self.transport.metadata, self.model, self.version)

    def status(self) -> list[dict[str, Any]]:
        """GetModelStatus rows: `{"version", "state", "status": {"error_code", ...}}`."""
        return self._retry(self.transport.status, self.model, self.version)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> BertServingClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _text(value: str | bytes) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise TypeError(f"texts must be str or bytes, got {type(value).__name__}")
    return value.encode("utf-8")


def _column(values: Sequence[Any]) -> list[Any]:
    """A column's rows as bytes; rows that are lists are padded with b"" to the longest."""
    if not any(isinstance(value, list | tuple) for value in values):
        return [_text(value) for value in values]
    if not all(isinstance(value, list | tuple) for value in values):
        raise TypeError("a list input's rows must all be lists of strings")
    width = max(len(value) for value in values)
    return [[_text(v) for v in value] + [b""] * (width - len(value)) for value in values]


def _examples(columns: dict[str, list[Any]]) -> list[bytes]:
    """Serialized tf.Examples with one bytes feature per column (a list input: all of its
    strings), named as the inputs."""
    from tensorflow.core.example import example_pb2

    rows = []
    for values in zip(*columns.values()):
        example = example_pb2.Example()
        for name, value in zip(columns, values):
            strings = value if isinstance(value, list) else [value]
            example.features.feature[name].bytes_list.value.extend(strings)
        rows.append(example.SerializeToString())
    return rows


def _array(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "SUO" or (isinstance(value, list) and not value):
        converted = np.empty(array.shape, object)
        converted[...] = [_text(v) for v in value] if array.ndim == 1 else value
        return converted
    return array
