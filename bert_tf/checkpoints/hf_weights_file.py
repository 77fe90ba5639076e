"""Find and read the weights of an HF checkpoint directory: safetensors or torch, sharded or not.

HF's ``save_pretrained`` writes ``model.safetensors`` (or, with ``safe_serialization=False``
and in older releases, ``pytorch_model.bin``); large models are split into shards listed in
``model.safetensors.index.json`` / ``pytorch_model.bin.index.json`` (``weight_map``: weight
name -> shard file).

Example:
    >>> tensors, source = read_hf_weights("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> source.name  # doctest: +SKIP
    'model.safetensors'
"""

from __future__ import annotations

import json
from pathlib import Path

import ml_dtypes  # noqa: F401  (registers bfloat16 with numpy, so BF16 safetensors load)
import numpy as np
from safetensors.numpy import load_file

from bert_tf.checkpoints.torch_bin import read_torch_bin

WEIGHTS_FILES = ("model.safetensors", "pytorch_model.bin")
_OTHER_FORMATS = ("tf_model.h5", "flax_model.msgpack")


def _read_one(path: Path) -> dict[str, np.ndarray]:
    if path.suffix == ".bin":
        return read_torch_bin(path)
    try:
        return load_file(str(path))
    except Exception as error:  # safetensors raises its own error types for corrupt files
        raise ValueError(f"{path}: not a readable safetensors file ({error})") from error


def _read_sharded(index: Path) -> dict[str, np.ndarray]:
    try:
        weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{index}: not a shard index with a weight_map ({error})") from error
    tensors: dict[str, np.ndarray] = {}
    for shard in sorted(set(weight_map.values())):
        path = index.parent / shard
        if not path.is_file():
            raise FileNotFoundError(f"{index} lists shard {shard}, which is not in {index.parent}")
        tensors.update(_read_one(path))
    missing = sorted(set(weight_map) - set(tensors))
    if missing:
        raise ValueError(f"{index}: weights listed but in no shard: {', '.join(missing[:5])}")
    return tensors


def read_hf_weights(model_dir: str | Path) -> tuple[dict[str, np.ndarray], Path]:
    """All weight arrays of an HF directory by name, and the file (or index) they came from.

    ``model.safetensors`` is preferred over ``pytorch_model.bin``; the latter is read without
    torch (see `read_torch_bin`).

    Raises:
        FileNotFoundError: no weights file in a format read here (others found are named).
        ValueError: a file is damaged or not what its name says.
    """
    model_dir = Path(model_dir)
    for name in WEIGHTS_FILES:
        if (model_dir / name).is_file():
            return _read_one(model_dir / name), model_dir / name
        index = model_dir / f"{name}.index.json"
        if index.is_file():
            return _read_sharded(index), index
    others = [name for name in _OTHER_FORMATS if (model_dir / name).is_file()]
    found = (
        f"; found only {', '.join(others)} (TF/Flax weights: re-save with PyTorch)"
        if others
        else ""
    )
    raise FileNotFoundError(f"no {' or '.join(WEIGHTS_FILES)} in {model_dir}{found}")
