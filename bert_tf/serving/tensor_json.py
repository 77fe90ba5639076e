"""TF Serving's REST encoding of tensors: JSON values <-> numpy arrays, by signature dtype.

Strings are JSON strings (UTF-8) or `{"b64": "..."}` for bytes; an output whose name ends in
`_bytes`, or that is not valid UTF-8, goes back as `{"b64": ...}`. Numbers must fit the
signature's dtype: 1.5 is no DT_INT32 and a string is no number (INVALID_ARGUMENT, named).

Example:
    >>> array_from_json("text", ["hi", {"b64": "aGk="}], 7).tolist()  # 7 = DT_STRING
    [b'hi', b'hi']
    >>> json_from_array("probabilities", np.array([[0.25, 0.75]], np.float32))
    [[0.25, 0.75]]
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import numpy as np

from bert_tf.serving.serving_error import ServingError

DT_STRING = 7
_KINDS = {"i": "iu", "u": "iu", "f": "iuf", "b": "b", "c": "iufc"}  # target kind -> JSON kinds


def _bytes(name: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_bytes(name, v) for v in value]
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict) and set(value) == {"b64"} and isinstance(value["b64"], str):
        try:
            return base64.b64decode(value["b64"], validate=True)
        except binascii.Error as error:
            raise ServingError(
                "INVALID_ARGUMENT", f"input {name!r}: bad base64 in {{'b64': ...}}: {error}"
            ) from None
    raise ServingError(
        "INVALID_ARGUMENT",
        f'input {name!r} is DT_STRING: send JSON strings or {{"b64": ...}}, got {value!r:.60}',
    )


def _rectangular(name: str, value: Any) -> None:
    """Raises unless nested lists have one length per level (numpy would make objects)."""
    level = [value]
    while level and all(isinstance(v, list) for v in level):
        lengths = {len(v) for v in level}
        if len(lengths) > 1:
            raise ServingError(
                "INVALID_ARGUMENT", f"input {name!r} is ragged (lengths {sorted(lengths)})"
            )
        level = [item for v in level for item in v]
    if any(isinstance(v, list) for v in level):
        raise ServingError("INVALID_ARGUMENT", f"input {name!r} mixes lists and scalars")


def array_from_json(name: str, value: Any, dtype_enum: int) -> np.ndarray:
    """One input's JSON value as a numpy array of the signature's dtype (enum number)."""
    import tensorflow as tf

    _rectangular(name, value)
    if dtype_enum == DT_STRING:
        converted = _bytes(name, value)
        array = np.empty(np.shape(converted) if isinstance(converted, list) else (), object)
        array[...] = converted
        return array
    dtype = tf.dtypes.as_dtype(dtype_enum)
    array = np.asarray(value)
    allowed = _KINDS.get(np.dtype(dtype.as_numpy_dtype).kind, "")
    if array.size and array.dtype.kind not in allowed:
        raise ServingError(
            "INVALID_ARGUMENT",
            f"input {name!r} must be DT_{dtype.name.upper()}, got JSON of kind "
            f"{array.dtype.name} ({value!r:.60})",
        )
    return array.astype(dtype.as_numpy_dtype)


def json_from_array(name: str, array: np.ndarray) -> Any:
    """One output as JSON: numbers as lists, strings as text or `{"b64": ...}`."""
    if array.dtype != object:
        return array.tolist()

    def encode(value: Any) -> Any:
        if isinstance(value, list):
            return [encode(v) for v in value]
        if not name.endswith("_bytes"):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                pass
        return {"b64": base64.b64encode(value).decode("ascii")}

    return encode(array.tolist())
