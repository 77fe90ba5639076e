"""`ModelVersions`: the numbered versions of one model, loaded and retired as TF Serving does.

`poll()` lists the integer sub-directories of the base path, picks the versions the policy
aspires to (`latest { num_versions }`, the default of 1; `all {}`; `specific { versions }`),
loads new ones and replays their warm-up records before marking them AVAILABLE, and unloads
versions that left the policy only once the aspired ones are up (availability first). A
version that fails to load or warm up is retried `max_num_load_retries` times,
`load_retry_interval` seconds apart (TF Serving's `--max_num_load_retries`, default 5, and
`--load_retry_interval_micros`, default 60 s: a version whose `variables/` arrive after its
`saved_model.pb` loads on a retry); then it is logged, kept as END with its error (what
GetModelStatus shows), and not retried until its `saved_model.pb` changes; the policy then
falls back to the newest good version, so the last good one keeps serving.

Example:
    >>> versions = ModelVersions("bert", "models/bert")  # doctest: +SKIP
    >>> versions.poll(); versions.get().version  # doctest: +SKIP
    2
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bert_tf.serving.servable import Servable
from bert_tf.serving.serving_error import ServingError

LOG = logging.getLogger(__name__)


@dataclass
class VersionState:
    """A row of GetModelStatus: state name (START, LOADING, AVAILABLE, UNLOADING, END) + error."""

    state: str
    error_code: str = "OK"
    error_message: str = ""
    fingerprint: tuple = ()


class ModelVersions:
    """Loads, routes to and retires the versions of one model under `base_path`."""

    def __init__(
        self,
        name: str,
        base_path: str | Path,
        policy: Any = None,
        labels: dict[str, int] | None = None,
        load: Callable[[str, int, Path], Servable] = Servable,
        max_num_load_retries: int = 5,
        load_retry_interval: float = 60.0,
    ) -> None:
        self.name, self.base_path = name, Path(base_path)
        self.policy = policy  # a tensorflow.serving.FileSystemStoragePathSourceConfig policy
        self.labels = dict(labels or {})
        self._load = load
        self.max_num_load_retries, self.load_retry_interval = (
            max_num_load_retries,
            load_retry_interval,
        )
        self.stopping = threading.Event()  # set on shutdown: no more waiting between retries
        self._lock = threading.Lock()
        self._servables: dict[int, Servable] = {}
        self.states: dict[int, VersionState] = {}

    def on_disk(self) -> dict[int, Path]:
        """Integer-named sub-directories of the base path (others are ignored, as TF Serving)."""
        if not self.base_path.is_dir():
            return {}
        return {
            int(child.name): child
            for child in self.base_path.iterdir()
            if child.is_dir() and child.name.isdigit()
        }

    def _aspired(self, disk: dict[int, Path]) -> list[int]:
        usable = [
            v
            for v in sorted(disk, reverse=True)
            if not self._failed(v, disk[v]) or v in self._servables
        ]
        kind = self.policy.WhichOneof("policy_choice") if self.policy is not None else None
        if kind == "all":
            return usable
        if kind == "specific":
            wanted = set(self.policy.specific.versions)
            return [v for v in usable if v in wanted]
        count = self.policy.latest.num_versions if kind == "latest" else 0
        return usable[: max(count, 1)]

    def _failed(self, version: int, path: Path) -> bool:
        state = self.states.get(version)
        return state is not None and state.error_code != "OK" and state.fingerprint == _print(path)

    def poll(self) -> None:
        """One pass: load what the policy aspires to, then retire what it no longer does."""
        while True:  # a failed load changes the aspired set: recompute until it is stable
            disk = self.on_disk()
            aspired = self._aspired(disk)
            todo = [v for v in aspired if v not in self._servables]
            if not todo:
                break
            self._load_version(todo[0], disk[todo[0]])
        for version in sorted(set(self._servables) - set(aspired)):
            self.states[version] = VersionState("UNLOADING")
            with self._lock:
                self._servables.pop(version)
            self.states[version] = VersionState("END")
            LOG.info("model %s: version %d unloaded", self.name, version)

    def _load_version(self, version: int, path: Path) -> None:
        self.states[version] = VersionState("LOADING")
        LOG.info("model %s: loading version %d from %s", self.name, version, path)
        for attempt in range(self.max_num_load_retries + 1):
            fingerprint = _print(path)
            try:
                servable = self._load(self.name, version, path)
                warmed = servable.warm_up()
                break
            except Exception as error:
                failure = ServingError.from_exception(error)
            message = f"failed to load version {version} from {path}: {failure.message}"
            if attempt == self.max_num_load_retries or self.stopping.is_set():
                LOG.error("model %s: %s", self.name, message)
                self.states[version] = VersionState("END", failure.code, message, fingerprint)
                return
            LOG.warning(
                "model %s: %s; retry %d of %d in %g s",
                self.name,
                message,
                attempt + 1,
                self.max_num_load_retries,
                self.load_retry_interval,
            )
            self.stopping.wait(self.load_retry_interval)
        with self._lock:
            self._servables[version] = servable
        self.states[version] = VersionState("AVAILABLE", fingerprint=fingerprint)
        LOG.info("model %s: version %d AVAILABLE (%d warm-up requests)", self.name, version, warmed)

    def get(self, version: int | None = None, label: str | None = None) -> Servable:
        """The servable for a request: a version, a label, or (neither) the newest available."""
        if label:
            if label not in self.labels:
                raise ServingError(  # TF Serving's status and words (server_core.cc)
                    "INVALID_ARGUMENT",
                    f"Unrecognized servable version label: {label} (model {self.name!r} has "
                    f"no version label {label!r}; it has {sorted(self.labels)})",
                )
            version = self.labels[label]
        with self._lock:
            if version is None and self._servables:
                return self._servables[max(self._servables)]
            if version in self._servables:
                return self._servables[version]
            available = sorted(self._servables)
        if version is None:
            raise ServingError("UNAVAILABLE", f"model {self.name!r} has no version available yet")
        state = self.states.get(version)
        detail = f" ({state.state}: {state.error_message})" if state and state.error_message else ""
        raise ServingError(
            "NOT_FOUND",
            f"model {self.name!r} version {version} is not available{detail}; "
            f"available versions: {available}",
        )

    def available(self) -> list[int]:
        with self._lock:
            return sorted(self._servables)


def _print(path: Path) -> tuple:
    """What a re-pushed version changes: saved_model.pb's size and modification time."""
    try:
        stat = (path / "saved_model.pb").stat()
    except OSError:
        return ("missing",)
    return (stat.st_size, stat.st_mtime_ns)
