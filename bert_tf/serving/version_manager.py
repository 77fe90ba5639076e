"""`VersionManager`: every configured model's versions, polled for changes on a thread.

It is built from a `tensorflow.serving.ModelServerConfig` (`model_config_list`, as in a
`--model_config_file`), or from one `--model_name`/`--model_base_path` pair, and re-scans each
base path every `poll_seconds` (TF Serving's `--file_system_poll_wait_seconds`; 0 = load once).

Example:
    >>> manager = VersionManager.single("bert", "models/bert")  # doctest: +SKIP
    >>> manager.start(poll_seconds=1); manager.servable("bert").version  # doctest: +SKIP
    1
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from bert_tf.serving.model_versions import ModelVersions, VersionState
from bert_tf.serving.serving_error import ServingError

LOG = logging.getLogger(__name__)


class VersionManager:
    """Routes (model, version | label) to a loaded servable and reports version states."""

    def __init__(
        self,
        config: Any,
        max_text_bytes: int = 1 << 20,
        max_num_load_retries: int = 5,
        load_retry_interval: float = 60.0,
        xla_cpu_compilation_enabled: bool = False,
    ) -> None:
        from bert_tf.serving.servable import Servable

        def load(name: str, version: int, path: Path) -> Servable:
            return Servable(name, version, path, max_text_bytes=max_text_bytes,
                            xla_cpu_compilation_enabled=xla_cpu_compilation_enabled)  # fmt: skip

        self.models: dict[str, ModelVersions] = {}
        for model in config.model_config_list.config:
            policy = model.model_version_policy if model.HasField("model_version_policy") else None
            self.models[model.name] = ModelVersions(
                model.name,
                model.base_path,
                policy,
                dict(model.version_labels),
                load=load,
                max_num_load_retries=max_num_load_retries,
                load_retry_interval=load_retry_interval,
            )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def single(cls, name: str, base_path: str | Path, **kwargs: Any) -> VersionManager:
        """One model, latest-version policy: `--model_name NAME --model_base_path BASE`."""
        from tensorflow_serving.config import model_server_config_pb2

        config = model_server_config_pb2.ModelServerConfig()
        config.model_config_list.config.add(
            name=name, base_path=str(base_path), model_platform="tensorflow"
        )
        return cls(config, **kwargs)

    def start(self, poll_seconds: float = 1.0) -> None:
        """Loads what is on disk now (raising if a model has none that loads), then polls."""
        for versions in self.models.values():
            if not versions.base_path.is_dir():
                raise FileNotFoundError(
                    f"model {versions.name!r}: base path {versions.base_path} does not exist"
                )
            versions.poll()
            if not versions.available():
                failed = [s.error_message for s in versions.states.values() if s.error_message]
                if failed:
                    raise ValueError(f"model {versions.name!r}: no version loads: {failed}")
                LOG.warning(
                    "model %s: no version under %s yet; waiting for one",
                    versions.name,
                    versions.base_path,
                )
        if poll_seconds > 0:
            self._thread = threading.Thread(
                target=self._poll, args=(poll_seconds,), name="version_poller", daemon=True
            )
            self._thread.start()

    def _poll(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            for versions in self.models.values():
                try:
                    versions.poll()
                except Exception:  # a scan error must not stop the poller
                    LOG.exception("model %s: polling %s failed", versions.name, versions.base_path)

    def stop(self) -> None:
        self._stop.set()
        for versions in self.models.values():
            versions.stopping.set()
        if self._thread is not None:
            self._thread.join()

    def model(self, name: str) -> ModelVersions:
        if name not in self.models:
            raise ServingError(
                "NOT_FOUND", f"model {name!r} is not served; served models: {sorted(self.models)}"
            )
        return self.models[name]

    def servable(self, name: str, version: int | None = None, label: str | None = None) -> Any:
        return self.model(name).get(version, label)

    def status(self, name: str, version: int | None = None) -> dict[int, VersionState]:
        """Version -> state for GetModelStatus (all known versions, or the one asked for)."""
        states = dict(self.model(name).states)
        if version is None:
            return states
        if version not in states:
            raise ServingError(
                "NOT_FOUND", f"model {name!r} has no version {version}; known: {sorted(states)}"
            )
        return {version: states[version]}
