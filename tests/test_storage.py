"""`bert_tf.storage` behaves the same on a local directory and on a URL filesystem (`ram://`,
through `tf.io.gfile` as `gs://` is)."""

from __future__ import annotations

import itertools

import pytest

from bert_tf import storage

_unique = itertools.count()


@pytest.fixture(params=["local", "ram"])
def root(request, tmp_path) -> str:
    return str(tmp_path) if request.param == "local" else f"ram://storage-test/{next(_unique)}"


def test_paths_stay_strings_and_keep_their_scheme():
    assert storage.join("gs://bucket/run", "model", "saved_model.pb") == (
        "gs://bucket/run/model/saved_model.pb"
    )
    assert storage.dirname("gs://bucket/run/model/") == "gs://bucket/run"
    assert storage.is_url("gs://b/x") and not storage.is_url("file:///tmp/x")
    assert not storage.is_url("runs/mrpc")


def test_write_read_list_and_glob(root):
    storage.write_text(storage.join(root, "a", "one.json"), "{}")
    storage.write_bytes(storage.join(root, "a", "two.bin"), b"\x00\xff")
    assert storage.read_text(storage.join(root, "a", "one.json")) == "{}"
    assert storage.read_bytes(storage.join(root, "a", "two.bin")) == b"\x00\xff"
    assert storage.listdir(storage.join(root, "a")) == ["one.json", "two.bin"]
    assert storage.glob(storage.join(root, "a", "*.json")) == [storage.join(root, "a", "one.json")]
    assert storage.isdir(storage.join(root, "a")) and storage.isfile(
        storage.join(root, "a", "one.json")
    )
    assert not storage.exists(storage.join(root, "a", "one.json.partial"))  # renamed into place


def test_copy_rename_and_remove_trees(root):
    source = storage.join(root, "export")
    storage.write_text(storage.join(source, "assets", "vocab.txt"), "[PAD]\n")
    storage.write_text(storage.join(source, "assets.extra", "warmup"), "w")
    storage.write_text(storage.join(source, "saved_model.pb"), "pb")
    storage.copy_tree(source, storage.join(root, "copy"))
    assert storage.listdir(storage.join(root, "copy")) == [
        "assets",
        "assets.extra",
        "saved_model.pb",
    ]
    assert storage.read_text(storage.join(root, "copy", "assets.extra", "warmup")) == "w"
    storage.rename(storage.join(root, "copy"), storage.join(root, "moved"))
    assert not storage.exists(storage.join(root, "copy"))
    assert storage.read_text(storage.join(root, "moved", "assets", "vocab.txt")) == "[PAD]\n"
    storage.remove_tree(storage.join(root, "moved"))
    storage.remove_tree(storage.join(root, "never-there"))  # nothing to do
    assert not storage.exists(storage.join(root, "moved"))


def test_local_copy_of_a_url_file_directory_and_checkpoint_prefix(root):
    storage.write_text(storage.join(root, "ckpt", "bert_model.ckpt.index"), "index")
    storage.write_text(storage.join(root, "ckpt", "vocab.txt"), "[UNK]\n")
    prefix = storage.local_copy(storage.join(root, "ckpt", "bert_model.ckpt"))
    assert not storage.is_url(prefix)
    with open(f"{prefix}.index", encoding="utf-8") as handle:  # the prefix's directory came too
        assert handle.read() == "index"
    directory = storage.local_copy(storage.join(root, "ckpt"))
    with open(f"{directory}/vocab.txt", encoding="utf-8") as handle:
        assert handle.read() == "[UNK]\n"
    if storage.is_url(root):  # a local path is its own copy, missing or not
        with pytest.raises(FileNotFoundError, match="not found"):
            storage.local_copy(storage.join(root, "missing"))
