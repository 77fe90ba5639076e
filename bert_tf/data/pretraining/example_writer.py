"""tf.train.Example serialization with numpy, TFRecord framing, and sharded output files.

Each Example is encoded straight into protobuf wire format for a whole batch at once
(packed varints for int64 lists, little-endian float32 for float lists, map entries in
key order): the bytes equal `tf.train.Example.SerializeToString(deterministic=True)`,
without building a proto object per instance. Records are framed as TFRecord (length,
masked CRC32C of the length, data, masked CRC32C of the data), so no TensorFlow is
needed to write them; GZIP output is one gzip stream per file, as
`tf.io.TFRecordWriter(..., "GZIP")` writes it.

Example:
    >>> features = {
    ...     "input_ids": np.array([[101, 7592, 102], [101, 300, 102]]),  # [N, L]
    ...     "masked_lm_weights": np.array([[1.0, 0.0], [1.0, 1.0]], np.float32),
    ... }
    >>> data, lengths = serialize_examples(features, float_features=("masked_lm_weights",))
    >>> import tensorflow as tf
    >>> example = tf.train.Example.FromString(data[: lengths[0]])
    >>> data[: lengths[0]] == example.SerializeToString(deterministic=True)
    True
    >>> list(example.features.feature["input_ids"].int64_list.value)
    [101, 7592, 102]
    >>> with ExampleWriter("example_shards", num_shards=2) as writer:
    ...     writer.write(0, frame_records(data, lengths))  # both records
    ...     writer.write(1, frame_records(data, lengths, rows=np.array([1])))
    >>> [len(list(tf.data.TFRecordDataset(path))) for path in writer.paths]
    [2, 1]
    >>> writer.paths[0]
    'example_shards/pretraining-00000-of-00002.tfrecord'
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Mapping

import google_crc32c
import numpy as np

from bert_tf.data.pretraining import file_io

_KEY = 0x0A  # field 1, length-delimited (Example.features, Features.feature, map key, lists)
_VALUE = 0x12  # field 2, length-delimited (map value)
_FLOAT_LIST = 0x12  # Feature.float_list
_INT64_LIST = 0x1A  # Feature.int64_list


def _varint_sizes(values: np.ndarray) -> np.ndarray:
    sizes = np.ones(values.shape, dtype=np.int64)
    for bits in (7, 14, 21, 28, 35, 42, 49, 56, 63):
        sizes += values >= (1 << bits)
    return sizes


def _varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Varint bytes of non-negative ints [N, L] as a byte matrix [N, L * W] and its mask."""
    n = values.shape[0]
    top = int(values.max()) if values.size else 0
    width = max(1, (top.bit_length() + 6) // 7)
    if width == 1:  # every value < 128: one byte each
        data = values.astype(np.uint8).reshape(n, -1)
        return data, np.ones(data.shape, dtype=bool)
    values = values.astype(np.uint32 if top < 1 << 32 else np.uint64)
    sizes = np.ones(values.shape, dtype=np.int8)  # [N, L]
    for k in range(1, width):
        sizes += values >= (1 << (7 * k))
    data = np.empty(values.shape + (width,), dtype=np.uint8)  # [N, L, W]
    valid = np.empty(values.shape + (width,), dtype=bool)
    for k in range(width):
        more = sizes > k + 1
        data[:, :, k] = ((values >> (7 * k)) & 0x7F) | (more.astype(values.dtype) << 7)
        valid[:, :, k] = sizes > k
    return data.reshape(n, -1), valid.reshape(n, -1)


class _Pieces:
    """Byte matrices with validity masks, concatenated per row: a batch of byte strings."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.data: list[np.ndarray] = []
        self.valid: list[np.ndarray] = []
        self.lengths = np.zeros(n, dtype=np.int64)

    def constant(self, raw: bytes) -> None:
        row = np.frombuffer(raw, dtype=np.uint8)
        self.data.append(np.broadcast_to(row, (self.n, len(row))))
        self.valid.append(np.ones((self.n, len(row)), dtype=bool))
        self.lengths += len(row)

    def varint(self, values: np.ndarray) -> None:  # values [N]
        data, valid = _varints(values.reshape(self.n, 1))
        self.data.append(data)
        self.valid.append(valid)
        self.lengths += valid.sum(axis=1)

    def extend(self, other: _Pieces) -> None:
        self.data += other.data
        self.valid += other.valid
        self.lengths += other.lengths

    def raw(self, data: np.ndarray, valid: np.ndarray) -> None:
        self.data.append(data)
        self.valid.append(valid)
        self.lengths += valid.sum(axis=1)

    def join(self) -> np.ndarray:
        data = np.concatenate(self.data, axis=1)
        return data[np.concatenate(self.valid, axis=1)]


def serialize_examples(
    features: Mapping[str, np.ndarray], float_features: tuple[str, ...] = ()
) -> tuple[bytes, np.ndarray]:
    """Serialize N Examples whose features are [N, L] arrays (ints >= 0, or float32).

    Returns:
        (all records' bytes back to back, [N] int64 record lengths).
    """
    n = next(iter(features.values())).shape[0]
    body = _Pieces(n)
    for name in sorted(features):  # deterministic map order: by key
        values = np.asarray(features[name])
        if name in float_features:
            payload = np.ascontiguousarray(values, dtype="<f4").view(np.uint8)
            payload_len = np.full(n, payload.shape[1], dtype=np.int64)
            list_tag = _FLOAT_LIST
            payload_valid = np.ones(payload.shape, dtype=bool)
        else:
            if values.size and values.min() < 0:
                raise ValueError(f"feature {name!r} has negative values; only ids are written")
            payload, payload_valid = _varints(values)
            payload_len = payload_valid.sum(axis=1)
            list_tag = _INT64_LIST
        list_len = 1 + _varint_sizes(payload_len) + payload_len  # XList message
        feature_len = 1 + _varint_sizes(list_len) + list_len  # Feature message
        key = name.encode("utf-8")
        entry_len = 2 + len(key) + 1 + _varint_sizes(feature_len) + feature_len
        entry = _Pieces(n)
        entry.constant(bytes([_KEY]))
        entry.varint(entry_len)
        entry.constant(bytes([_KEY, len(key)]) + key + bytes([_VALUE]))
        entry.varint(feature_len)
        entry.constant(bytes([list_tag]))
        entry.varint(list_len)
        entry.constant(bytes([_KEY]))
        entry.varint(payload_len)
        entry.raw(payload, payload_valid)
        body.extend(entry)
    record = _Pieces(n)
    record.constant(bytes([_KEY]))
    record.varint(body.lengths.copy())
    record.extend(body)
    return record.join().tobytes(), record.lengths


def _masked_crc(data) -> int:
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame_records(data: bytes, lengths: np.ndarray, rows: np.ndarray | None = None) -> bytes:
    """TFRecord framing of the records `rows` (default: all) of a `serialize_examples` result."""
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    parts = []
    for row in range(len(ends)) if rows is None else rows.tolist():
        start, end = starts[row], ends[row]
        header = struct.pack("<Q", end - start)
        record = data[start:end]
        parts += (header, struct.pack("<I", _masked_crc(header)), record)
        parts.append(struct.pack("<I", _masked_crc(record)))
    return b"".join(parts)


def shard_path(output_dir: str, shard: int, num_shards: int, suffix: str) -> str:
    """`<dir>/pretraining-00003-of-00008.tfrecord[.gz]` (the Beam driver's naming too)."""
    return file_io.join(output_dir, f"pretraining-{shard:05d}-of-{num_shards:05d}{suffix}")


class ExampleWriter:
    """Open files for `num_shards` shards; append framed records to a shard."""

    def __init__(self, output_dir: str, num_shards: int, compression: str | None = None) -> None:
        self.output_dir = output_dir
        self.num_shards = num_shards
        self.compression = compression
        suffix = ".tfrecord.gz" if compression == "GZIP" else ".tfrecord"
        file_io.makedirs(output_dir)
        self.paths = [shard_path(output_dir, i, num_shards, suffix) for i in range(num_shards)]
        self._raw = [file_io.create_binary(path) for path in self.paths]
        self._files = self._raw
        if compression == "GZIP":  # mtime 0 and no name: the same bytes on every run
            self._files = [
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) for raw in self._raw
            ]

    def write(self, shard: int, framed: bytes) -> None:
        self._files[shard].write(framed)

    def close(self) -> None:
        for handle in self._files:
            handle.close()
        for raw in self._raw:
            raw.close()

    def __enter__(self) -> ExampleWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
