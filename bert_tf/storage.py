"""File access for every path a run reads or writes: local paths and any `tf.io.gfile` URL.

Run directories, checkpoints, feature caches, exports and pipeline artifacts go through these
functions, so `gs://` (or `hdfs://`, `s3://` with its plugin, `ram://` in one process) works
wherever a local path does. Paths stay strings: `pathlib` folds `gs://b/x` into `gs:/b/x`.
Local writes are atomic (a temporary name, then a rename); TensorFlow is imported only when
a URL is touched, so local use stays light.

Example:
    >>> write_text("ram://run/metrics.json", '{"f1": 91.0}')
    >>> read_text(join("ram://run", "metrics.json")), exists("ram://run/nothing.json")
    ('{"f1": 91.0}', False)
    >>> copy_tree("ram://run", "ram://copy"); listdir("ram://copy")
    ['metrics.json']
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any


def _gfile() -> Any:
    import tensorflow as tf

    return tf.io.gfile


def is_url(path: str | os.PathLike) -> bool:
    """Whether `path` has a scheme (`gs://...`); `file://` paths count as local."""
    text = os.fspath(path)
    return "://" in text and not text.startswith("file://")


def _local(path: str | os.PathLike) -> str:
    return os.fspath(path).removeprefix("file://")


def join(base: str | os.PathLike, *parts: str) -> str:
    """`base/part/...` for a local path or a URL (a `str`, never a `Path`)."""
    base = os.fspath(base)
    return posixpath.join(base, *parts) if is_url(base) else os.path.join(base, *parts)


def dirname(path: str | os.PathLike) -> str:
    """The directory holding `path` (a URL keeps its scheme)."""
    path = os.fspath(path).rstrip("/")
    return posixpath.dirname(path) if is_url(path) else os.path.dirname(path)


def exists(path: str | os.PathLike) -> bool:
    return _gfile().exists(os.fspath(path)) if is_url(path) else os.path.exists(_local(path))


def isdir(path: str | os.PathLike) -> bool:
    return _gfile().isdir(os.fspath(path)) if is_url(path) else os.path.isdir(_local(path))


def isfile(path: str | os.PathLike) -> bool:
    return exists(path) and not isdir(path)


def makedirs(path: str | os.PathLike) -> None:
    """Creates `path` and its parents (nothing when it exists)."""
    if is_url(path):
        _gfile().makedirs(os.fspath(path))
    else:
        os.makedirs(_local(path), exist_ok=True)


def listdir(path: str | os.PathLike) -> list[str]:
    """The sorted names (not paths) in directory `path`."""
    names = _gfile().listdir(os.fspath(path)) if is_url(path) else os.listdir(_local(path))
    return sorted(name.rstrip("/") for name in names)


def glob(pattern: str | os.PathLike) -> list[str]:
    """The sorted paths matching `pattern`."""
    import glob as local_glob

    if is_url(pattern):
        return sorted(_gfile().glob(os.fspath(pattern)))
    return sorted(local_glob.glob(_local(pattern)))


def read_bytes(path: str | os.PathLike) -> bytes:
    if is_url(path):
        with _gfile().GFile(os.fspath(path), "rb") as handle:
            return handle.read()
    with open(_local(path), "rb") as handle:
        return handle.read()


def read_text(path: str | os.PathLike) -> str:
    return read_bytes(path).decode("utf-8")


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Writes `data` (creating the directory); a reader never sees half a file."""
    makedirs(dirname(path) or ".")
    temporary = f"{os.fspath(path)}.partial"
    if is_url(path):
        with _gfile().GFile(temporary, "wb") as handle:
            handle.write(data)
        _gfile().rename(temporary, os.fspath(path), overwrite=True)
        return
    with open(_local(temporary), "wb") as handle:
        handle.write(data)
    os.replace(_local(temporary), _local(path))


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def copy_file(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Copies one file (overwriting `target`), across filesystems too."""
    if not is_url(source) and not is_url(target):
        makedirs(dirname(target) or ".")
        shutil.copyfile(_local(source), _local(target))
        return
    makedirs(dirname(target))
    _gfile().copy(os.fspath(source), os.fspath(target), overwrite=True)


def copy_tree(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Copies directory `source` into `target` (merged with what is there)."""
    if not is_url(source) and not is_url(target):
        shutil.copytree(_local(source), _local(target), dirs_exist_ok=True)
        return
    makedirs(target)
    for name in listdir(source):
        child = join(source, name)
        if not exists(child):  # ram:// lists `a.b/` under `a/` as `.b` (prefix directories)
            continue
        if isdir(child):
            copy_tree(child, join(target, name))
        else:
            copy_file(child, join(target, name))


def remove_tree(path: str | os.PathLike) -> None:
    """Deletes a directory and what it holds, or a file (nothing when `path` is absent)."""
    if not exists(path):
        return
    if not is_url(path):
        shutil.rmtree(_local(path)) if os.path.isdir(_local(path)) else os.remove(_local(path))
        return
    if not isdir(path):
        _gfile().remove(os.fspath(path))
        return
    for name in listdir(path):  # file by file: ram:// lists what rmtree then cannot find
        remove_tree(join(path, name))
    import tensorflow as tf

    with contextlib.suppress(tf.errors.NotFoundError):  # the directory marker, if one is kept
        _gfile().rmtree(os.fspath(path))


def rename(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Moves a file or directory onto `target` (a directory: `target` must not exist)."""
    if is_url(source) or is_url(target):
        if isdir(source):  # object stores have no directory rename: copy, then delete
            copy_tree(source, target)
            remove_tree(source)
        else:
            _gfile().rename(os.fspath(source), os.fspath(target), overwrite=True)
        return
    os.replace(_local(source), _local(target))


@contextlib.contextmanager
def local_directory(path: str | os.PathLike) -> Iterator[str]:
    """A local directory holding `path`'s files: `path` itself when local, else a temporary
    copy (for readers that need a local path, e.g. h5py or safetensors)."""
    if not is_url(path):
        yield _local(path)
        return
    with tempfile.TemporaryDirectory(prefix="bert-tf-") as scratch:
        local = os.path.join(scratch, posixpath.basename(os.fspath(path).rstrip("/")))
        if isdir(path):
            copy_tree(path, local)
        else:
            copy_file(path, local)
        yield local


@functools.cache
def local_copy(path: str) -> str:
    """A local path with `path`'s contents, for the process's lifetime: `path` itself when
    local, else a copy of the file or directory (a TF1 checkpoint prefix brings its directory)
    made once and deleted at exit. For readers that need local files: checkpoint formats,
    vocabularies."""
    if not is_url(path):
        return _local(path)
    scratch = tempfile.mkdtemp(prefix="bert-tf-copy-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    name = posixpath.basename(path.rstrip("/"))
    if exists(f"{path}.index") and not isfile(path):  # a TF1 prefix: its directory's files
        copy_tree(dirname(path), scratch)
        return os.path.join(scratch, name)
    if not exists(path):
        raise FileNotFoundError(f"not found: {path}")
    local = os.path.join(scratch, name)
    copy_tree(path, local) if isdir(path) else copy_file(path, local)
    return local
