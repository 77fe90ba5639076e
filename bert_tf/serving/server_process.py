"""`ServerProcess`: start `bert-tf serve` as a subprocess, wait until a model is AVAILABLE, and
stop it with SIGTERM — for notebooks, the demo and tests that need a live server.

It runs the server the way a user does (`python -m bert_tf.cli serve ...`) on free loopback
ports (or the ones given), logging to a file, and waits through `GetModelStatus`.

Example:
    >>> with ServerProcess(["--model-base-path", "models/sst2", "--model-name", "sst2"],
    ...                    wait_for="sst2") as server:  # doctest: +SKIP
    ...     print(BertServingClient(server.target, "sst2").predict(["a fine film"]))
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`bert-tf serve ARGS --port P --rest-port R` in a subprocess.

    Args:
        args: `bert-tf serve` arguments without the ports (e.g. `--model-config-file F`).
        log_path: where the server's output goes (default: a temporary file).
        port, rest_port: gRPC and REST ports (default: free ones).
        wait_for: model name(s) to wait for (AVAILABLE) on start.
        timeout: seconds to wait for them.
    """

    def __init__(
        self,
        args: Sequence[str],
        log_path: str | os.PathLike | None = None,
        *,
        port: int | None = None,
        rest_port: int | None = None,
        wait_for: str | Sequence[str] = (),
        timeout: float = 180.0,
    ) -> None:
        self.port, self.rest_port = port or free_port(), rest_port or free_port()
        self.log_path = Path(
            log_path or tempfile.mkstemp(prefix="bert-tf-serve-", suffix=".log")[1]
        )
        command = [sys.executable, "-m", "bert_tf.cli", "serve", *args]
        command += ["--port", str(self.port), "--rest-port", str(self.rest_port)]
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env
        )
        names = [wait_for] if isinstance(wait_for, str) else list(wait_for)
        try:
            for name in names:
                self.wait_ready(name, timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def target(self) -> str:
        """The gRPC target, `127.0.0.1:PORT`."""
        return f"127.0.0.1:{self.port}"

    @property
    def rest_target(self) -> str:
        """The REST target, `127.0.0.1:PORT` (a client takes it with `rest=True`)."""
        return f"127.0.0.1:{self.rest_port}"

    def output(self) -> str:
        """What the server has logged so far."""
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, model: str, timeout: float = 180.0) -> None:
        """Blocks until a version of `model` is AVAILABLE; raises with the log if not."""
        from bert_tf.serving.bert_serving_client import BertServingClient

        client = BertServingClient(self.target, model, timeout=2.0, retries=0)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"bert-tf serve exited with {self.process.returncode}:\n{self.output()}"
                    )
                try:
                    if any(row["state"] == "AVAILABLE" for row in client.status()):
                        return
                except Exception:  # not listening yet, or the model is still loading
                    pass
                time.sleep(0.3)
        finally:
            client.close()
        raise RuntimeError(f"model {model!r} not AVAILABLE after {timeout:.0f} s:\n{self.output()}")

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM (graceful shutdown), then SIGKILL after `timeout`; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
