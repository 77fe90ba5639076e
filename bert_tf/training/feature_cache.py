"""`FeatureCache`: fine-tuning features written once as TFRecords, then streamed.

Each feature row (model inputs and targets, every array flattened; float32 values kept bit
for bit) is one record holding a serialized int64 tensor; a JSON sidecar records the layout,
the number of rows and a fingerprint of what produced them (train file, task settings,
tokenizer). A later run with the same fingerprint reads the cache instead of tokenizing
again, and training reads it through a shuffle buffer, so the training set is never one
in-memory constant of the input graph.

Example:
    >>> cache = FeatureCache("run/feature_cache", "train", fingerprint="abc")  # doctest: +SKIP
    >>> cache.write({"input_word_ids": ids, "input_mask": mask, "input_type_ids": types},
    ...             labels)  # doctest: +SKIP
    >>> dataset = cache.dataset(batch_size=32, shuffle_buffer=10_000, seed=0)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import tensorflow as tf

from bert_tf import storage

TARGET = "__target__"  # the key of a single (non-dict) target array


def fingerprint(files: Iterable[str | os.PathLike], settings: Mapping[str, Any]) -> str:
    """sha256 over the files' bytes and the JSON of `settings` (a directory of task records,
    such as an ExampleGen split, counts as its files; any `tf.io.gfile` path)."""
    from bert_tf.tasks.task_records import record_files

    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for path in files:
        names = record_files(path) if tf.io.gfile.isdir(str(path)) else [str(path)]
        for name in names:
            with tf.io.gfile.GFile(name, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


class FeatureCache:
    """One split's features as `<directory>/<split>.tfrecord` + `<split>.json`.

    Args:
        directory: where the cache files go (created on write).
        split: the file stem ("train").
        fingerprint: identifies the inputs; a cache with another one is rewritten.
    """

    def __init__(self, directory: str | os.PathLike, split: str, fingerprint: str) -> None:
        self.directory = os.fspath(directory)
        self.records = storage.join(self.directory, f"{split}.tfrecord")
        self.meta_path = storage.join(self.directory, f"{split}.json")
        self.fingerprint = fingerprint

    @property
    def meta(self) -> dict[str, Any] | None:
        """The sidecar when the cache is complete and has this fingerprint, else None."""
        if not (storage.isfile(self.meta_path) and storage.isfile(self.records)):
            return None
        meta = json.loads(storage.read_text(self.meta_path))
        return meta if meta.get("fingerprint") == self.fingerprint else None

    @property
    def count(self) -> int:
        meta = self.meta
        if meta is None:
            raise FileNotFoundError(f"no feature cache with this fingerprint in {self.directory}")
        return int(meta["count"])

    def write(self, inputs: Mapping[str, np.ndarray], targets: Any) -> int:
        """Writes the rows; returns their number. `targets`: an array or a dict of arrays."""
        arrays = dict(inputs)
        if isinstance(targets, Mapping):
            arrays.update({f"y/{key}": value for key, value in targets.items()})
        else:
            arrays[TARGET] = targets
        count = len(next(iter(arrays.values())))
        layout, columns = [], []
        for key in sorted(arrays):
            value = np.asarray(arrays[key])
            if len(value) != count:
                raise ValueError(f"feature {key!r} has {len(value)} rows, expected {count}")
            flat = value.reshape(count, -1)
            if value.dtype.kind == "f":
                flat = flat.astype(np.float32).view(np.int32)
            columns.append(flat.astype(np.int64))
            layout.append([key, str(value.dtype), list(value.shape[1:])])
        matrix = np.concatenate(columns, axis=1)  # [N, W] int64
        storage.makedirs(self.directory)
        rows = tf.data.Dataset.from_tensor_slices(matrix).map(tf.io.serialize_tensor)
        with tf.io.TFRecordWriter(self.records) as writer:
            for record in rows.batch(1024).as_numpy_iterator():
                for one in record:
                    writer.write(one)
        meta = {"fingerprint": self.fingerprint, "count": count, "layout": layout}
        storage.write_text(self.meta_path, json.dumps(meta, indent=2) + "\n")
        return count

    def _parse(self, layout: list) -> Any:
        sizes = [int(np.prod(shape, dtype=np.int64)) for _, _, shape in layout]

        def parse(record: tf.Tensor) -> tuple[dict[str, tf.Tensor], Any]:
            flat = tf.io.parse_tensor(record, tf.int64)  # [W]
            parts = tf.split(flat, sizes)
            values = {}
            for (key, dtype, shape), part in zip(layout, parts):
                if np.dtype(dtype).kind == "f":
                    part = tf.bitcast(tf.cast(part, tf.int32), tf.float32)
                values[key] = tf.reshape(tf.cast(part, dtype), shape)
            targets = {k[2:]: v for k, v in values.items() if k.startswith("y/")}
            x = {k: v for k, v in values.items() if not k.startswith("y/") and k != TARGET}
            return x, values.get(TARGET, targets)

        return parse

    def dataset(self, batch_size: int, shuffle_buffer: int, seed: int) -> tf.data.Dataset:
        """Batches `(x, y)` read from the cache through a `shuffle_buffer` (0: in order)."""
        meta = self.meta
        if meta is None:
            raise FileNotFoundError(f"no feature cache with this fingerprint in {self.directory}")
        data = tf.data.TFRecordDataset(self.records)
        data = data.apply(tf.data.experimental.assert_cardinality(int(meta["count"])))
        if shuffle_buffer:
            data = data.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
        data = data.map(self._parse(meta["layout"]), num_parallel_calls=tf.data.AUTOTUNE)
        return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)
