"""Write a state dict the way ``torch.save`` does, without torch (for the .bin reader tests).

The format, from PyTorch's serialization.py and caffe2/serialize/inline_container.cc:
a zip archive of *stored* (uncompressed) records under ``<archive>/`` (the file's base name
for a path, ``archive`` for a stream): ``data.pkl`` (the state dict pickled with protocol 2,
tensors reduced to ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict())``, storages as persistent ids ``("storage", torch.FloatStorage,
"<key>", "cpu", numel)``), then ``byteorder``, then one ``data/<key>`` record per storage in
sorted key order, each record's payload 64-byte aligned by an ``FB`` padding extra field, and
the ``version`` record. Tensors that share a storage (tied weights) share a key.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np

DTYPE_STORAGE = {
    np.dtype("float32"): "FloatStorage",
    np.dtype("float16"): "HalfStorage",
    np.dtype("int64"): "LongStorage",
    np.dtype("int32"): "IntStorage",
    np.dtype("int16"): "ShortStorage",
}


class _Global:
    """Stands for torch's ``module.name`` in the pickle (written as a GLOBAL opcode)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args):  # save_reduce requires a callable; never called here
        raise NotImplementedError


_REBUILD = _Global("torch._utils", "_rebuild_tensor_v2")


class Tensor:
    """A tensor view of a flat storage: what torch pickles for each state-dict entry."""

    def __init__(self, storage: np.ndarray, offset: int, size, stride) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    @classmethod
    def of(cls, array: np.ndarray) -> Tensor:
        array = np.array(array, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
        stride = tuple(s // array.itemsize for s in array.strides)
        return cls(array.reshape(-1), 0, array.shape, stride)


class _TorchPickler(pickle._Pickler):  # the pure-Python pickler lets save_global be replaced
    def __init__(self, file, keys: dict[int, str]) -> None:
        super().__init__(file, protocol=2)
        self.keys = keys

    def save_global(self, obj, name=None):
        if isinstance(obj, _Global):
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
            self.memoize(obj)
        else:
            super().save_global(obj, name)

    def persistent_id(self, obj):
        if isinstance(obj, np.ndarray) and id(obj) in self.keys:
            storage_type = _Global("torch", DTYPE_STORAGE[obj.dtype])
            return ("storage", storage_type, self.keys[id(obj)], "cpu", obj.size)
        return None

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, _Global):
            memoized = self.memo.get(id(obj))
            if memoized is not None:  # a repeated global is a memo get, as pickle writes it
                return self.write(self.get(memoized[0]))
            return self.save_global(obj)
        if isinstance(obj, Tensor):
            args = (obj.storage, obj.offset, tuple(obj.size), tuple(obj.stride), False)
            self.save_reduce(_REBUILD, (*args, collections.OrderedDict()), obj=obj)
            return None
        return super().save(obj, save_persistent_id)


def _aligned_info(archive: zipfile.ZipFile, name: str, fp_offset: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    start = fp_offset + 30 + len(name.encode()) + 4  # local header + name + FB field header
    padding = -start % 64
    info.extra = b"FB" + struct.pack("<H", padding) + b"Z" * padding
    return info


def write_torch_zip(
    state: dict[str, np.ndarray | Tensor], path: str | Path, archive_name: str | None = None
) -> None:
    """``torch.save(state, path)`` for float32/float16/int64/int32 tensors."""
    path = Path(path)
    prefix = (archive_name or path.stem) + "/"
    tensors = collections.OrderedDict(
        (name, value if isinstance(value, Tensor) else Tensor.of(value))
        for name, value in state.items()
    )
    tensors._metadata = collections.OrderedDict({"": {"version": 1}})  # as Module.state_dict
    keys: dict[int, str] = {}
    storages: dict[str, np.ndarray] = {}
    for tensor in tensors.values():
        if id(tensor.storage) not in keys:
            keys[id(tensor.storage)] = str(len(keys))
            storages[keys[id(tensor.storage)]] = tensor.storage
    buffer = io.BytesIO()
    _TorchPickler(buffer, keys).dump(tensors)
    records = [("data.pkl", buffer.getvalue()), ("byteorder", b"little")]
    records += [
        (f"data/{key}", storages[key].astype("<" + storages[key].dtype.str[1:]).tobytes())
        for key in sorted(storages)
    ]
    records += [("version", b"3\n")]
    with open(path, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
        for name, payload in records:
            info = _aligned_info(archive, prefix + name, handle.tell())
            archive.writestr(info, payload)
