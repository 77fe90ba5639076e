"""``pytorch_model.bin`` read without torch: the zip layout torch.save writes, refused pickles."""

from __future__ import annotations

import pickle
import zipfile

import ml_dtypes
import numpy as np
import pytest
from torch_zip_writer import Tensor, write_torch_zip

from bert_tf.checkpoints import read_torch_bin


@pytest.mark.parametrize("archive_name", [None, "archive"], ids=["path-save", "stream-save"])
def test_dtypes_views_and_shared_storage(tmp_path, archive_name):
    rng = np.random.default_rng(0)
    table = rng.normal(size=(6, 4)).astype("float32")
    flat = table.reshape(-1)
    state = {
        "embeddings.weight": Tensor(flat, 0, (6, 4), (4, 1)),
        "decoder.weight": Tensor(flat, 0, (6, 4), (4, 1)),  # tied: the same storage
        "transposed": Tensor(flat, 4, (4, 5), (1, 4)),  # offset + non-contiguous stride
        "half": rng.normal(size=(3,)).astype("float16"),
        "position_ids": np.arange(8, dtype="int64")[None],
        "scalar": np.array(3, "int32"),
    }
    path = tmp_path / "pytorch_model.bin"
    write_torch_zip(state, path, archive_name=archive_name)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    prefix = archive_name or "pytorch_model"
    assert names[0] == f"{prefix}/data.pkl" and f"{prefix}/version" in names
    assert f"{prefix}/data/0" in names and f"{prefix}/data/5" not in names  # 5 storages: 0-4

    tensors = read_torch_bin(path)
    np.testing.assert_array_equal(tensors["embeddings.weight"], table)
    np.testing.assert_array_equal(tensors["decoder.weight"], table)
    np.testing.assert_array_equal(tensors["transposed"], flat[4:24].reshape(5, 4).T)
    assert tensors["half"].dtype == np.float16 and tensors["position_ids"].dtype == np.int64
    assert tensors["scalar"].shape == () and int(tensors["scalar"]) == 3
    tensors["embeddings.weight"][0, 0] = 99.0  # copies: tied entries do not alias
    assert tensors["decoder.weight"][0, 0] != 99.0


def test_bfloat16_storage(tmp_path):
    values = np.array([1.5, -2.0, 0.25], ml_dtypes.bfloat16)
    path = tmp_path / "pytorch_model.bin"
    write_torch_zip({"w": values.view(np.int16)}, path)  # written as raw 2-byte elements
    data = zipfile.ZipFile(path).read("pytorch_model/data.pkl")
    patched = data.replace(b"torch\nShortStorage", b"torch\nBFloat16Storage")
    assert patched != data
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "bf16.bin", "w") as dst:
        for info in src.infolist():
            body = patched if info.filename.endswith("data.pkl") else src.read(info)
            dst.writestr(info.filename, body)
    got = read_torch_bin(tmp_path / "bf16.bin")["w"]
    assert got.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(got.astype("float32"), [1.5, -2.0, 0.25])


def test_code_in_the_pickle_is_refused(tmp_path):
    class Exploit:
        def __reduce__(self):
            import os

            return (os.system, ("echo pwned",))

    path = tmp_path / "pytorch_model.bin"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": Exploit()}, protocol=2))
        archive.writestr("archive/version", "3\n")
    with pytest.raises(ValueError, match=r"refusing to load (posix|os)\.system"):
        read_torch_bin(path)


def test_legacy_format_names_the_way_out(tmp_path):
    path = tmp_path / "pytorch_model.bin"
    path.write_bytes(pickle.dumps({"w": 1}))  # pre-1.6 torch.save: magic number + pickles
    with pytest.raises(ValueError, match="legacy pre-1.6 format needs torch: pip install torch"):
        read_torch_bin(path)
