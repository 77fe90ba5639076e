"""Read a PyTorch ``pytorch_model.bin`` (``torch.save`` zip format) into numpy, without torch.

Since PyTorch 1.6, ``torch.save`` writes a zip archive (stored, not compressed)::

    <archive>/data.pkl      the pickled state dict (protocol 2)
    <archive>/data/0 ...    one raw little-endian buffer per storage
    <archive>/version       the format version; newer files add byteorder, .format_version

``<archive>`` is the file's base name (``pytorch_model``) or ``archive`` for a stream. In
``data.pkl`` each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
...)`` and each storage a persistent id ``("storage", torch.FloatStorage, key, "cpu",
numel)``. The restricted unpickler here resolves only those names (and
``collections.OrderedDict``), so a file cannot run code; anything else is refused by name.

Example:
    >>> tensors = read_torch_bin("bert-base-uncased/pytorch_model.bin")  # doctest: +SKIP
    >>> tensors["bert.embeddings.word_embeddings.weight"].shape  # doctest: +SKIP
    (30522, 768)
"""

from __future__ import annotations

import collections
import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np

# torch storage class -> numpy dtype of its elements
STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "BFloat16Storage": ml_dtypes.bfloat16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name: str) -> None:
        self.name, self.dtype = name, np.dtype(STORAGE_DTYPES[name])


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None, *_):
    """A numpy copy of the tensor ``storage[offset:]`` viewed with ``size`` and ``stride``."""
    size, stride = tuple(int(d) for d in size), tuple(int(s) for s in stride)
    if not size:
        return np.array(storage[offset])
    extent = 1 + sum((d - 1) * s for d, s in zip(size, stride)) if all(size) else 0
    if offset + extent > storage.size:
        raise ValueError(f"tensor of size {size} runs past its storage of {storage.size}")
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=size, strides=[s * storage.itemsize for s in stride]
    )
    return np.array(view)  # a contiguous copy that owns its memory


def _rebuild_parameter(data, requires_grad=False, hooks=None, *_):
    return data


_ALLOWED: dict[tuple[str, str], Any] = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): _StorageType(name) for name in STORAGE_DTYPES},
}


class _StateDictUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, archive: zipfile.ZipFile, prefix: str, order: str) -> None:
        super().__init__(io.BytesIO(data))
        self.archive, self.prefix, self.order = archive, prefix, order
        self.storages: dict[str, np.ndarray] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: a state dict holds only tensors "
                "(is this a whole pickled model rather than a state dict?)"
            )
        return _ALLOWED[(module, name)]

    def persistent_load(self, pid: Any) -> np.ndarray:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        _, storage_type, key, _location, numel = pid
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"unknown storage type {storage_type!r}")
        if key not in self.storages:
            raw = self.archive.read(f"{self.prefix}data/{key}")
            dtype = storage_type.dtype.newbyteorder("<" if self.order == "little" else ">")
            array = np.frombuffer(raw, dtype=dtype)
            if array.size != int(numel):
                raise ValueError(f"storage {key} holds {array.size} elements, expected {numel}")
            self.storages[key] = array.astype(storage_type.dtype, copy=False)
        return self.storages[key]


def read_torch_bin(path: str | Path) -> dict[str, np.ndarray]:
    """The tensors of a ``torch.save``-d state dict as numpy arrays, by name.

    Raises:
        ValueError: the file is the legacy (pre-1.6, non-zip) format, not a state dict, or
            damaged; the message names the file (and, for the legacy format, the way out).
    """
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path}: not a zip-format torch file (the legacy pre-1.6 format needs torch: "
            "pip install torch, then re-save it with safetensors or torch>=1.6)"
        )
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        prefix = names[0].split("/")[0] + "/" if names and "/" in names[0] else ""
        if f"{prefix}data.pkl" not in names:
            raise ValueError(f"{path}: a zip file without {prefix}data.pkl is not a torch file")
        order_name = f"{prefix}byteorder"
        order = archive.read(order_name).decode() if order_name in names else "little"
        unpickler = _StateDictUnpickler(archive.read(f"{prefix}data.pkl"), archive, prefix, order)
        try:
            state = unpickler.load()
        except (pickle.UnpicklingError, KeyError, ValueError) as error:
            raise ValueError(f"{path}: cannot read the state dict ({error})") from error
    if not isinstance(state, dict):
        raise ValueError(f"{path}: holds a {type(state).__name__}, not a state dict")
    bad = [name for name, value in state.items() if not isinstance(value, np.ndarray)]
    if bad:
        raise ValueError(f"{path}: entries that are not tensors: {', '.join(map(str, bad[:5]))}")
    return dict(state)
