"""`TrainingLogger`: losses, metrics, learning rate and throughput to TensorBoard by step.

Example:
    >>> logger = TrainingLogger("run/logs/train", global_batch_size=256)
    >>> model.fit(data, callbacks=[logger])  # doctest: +SKIP
    >>> # then: tensorboard --logdir run/logs
"""

from __future__ import annotations

import os
import time
from typing import Any

import keras
import tensorflow as tf

from bert_tf.training.callbacks.step_checkpoint import optimizer_step


class TrainingLogger(keras.callbacks.Callback):
    """Every `log_every` optimizer steps, writes TensorBoard scalars at the global step: each
    training log (loss, mlm_loss, nsp_loss, mlm_accuracy, nsp_accuracy: Keras' running means
    over the epoch), `learning_rate`, `sequences_per_second` and `steps_per_second` (wall
    clock since the previous write; the first batch, which includes tracing, is not timed).
    It also puts `learning_rate` into the batch logs, so the progress bar shows it.

    Because it logs at `optimizer.iterations`, a resumed run continues the same curves.

    Args:
        log_dir: the TensorBoard event directory (created when needed).
        global_batch_size: sequences per batch over all replicas.
        log_every: optimizer steps between writes.
        write: False on the non-chief workers of a multi-worker run.

    Example:
        >>> TrainingLogger("/tmp/logs", global_batch_size=32, log_every=10).log_every
        10
    """

    def __init__(
        self,
        log_dir: str | os.PathLike,
        global_batch_size: int,
        log_every: int = 100,
        write: bool = True,
    ) -> None:
        super().__init__()
        if log_every < 1:
            raise ValueError(f"log_every must be >= 1, got {log_every}")
        self.log_dir = str(log_dir)
        self.global_batch_size = int(global_batch_size)
        self.log_every = int(log_every)
        self.write = write
        self._writer: Any = None
        self._start: float | None = None
        self._batches = 0
        self._last_step = 0
        self._pending: dict[str, float] = {}

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if self.write and self._writer is None:
            self._writer = tf.summary.create_file_writer(self.log_dir)
        self._start = None
        self._batches = 0
        self._last_step = optimizer_step(self.model)

    def _learning_rate(self) -> float:
        return float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs if logs is not None else {}
        logs["learning_rate"] = self._learning_rate()
        self._pending = {k: float(v) for k, v in logs.items() if isinstance(v, (int, float))}
        if self._start is None:  # the first batch includes tracing/compilation: do not time it
            self._start = time.perf_counter()
            return
        self._batches += 1
        step = optimizer_step(self.model)
        if step - self._last_step >= self.log_every:
            self._flush(step)

    def _flush(self, step: int) -> None:
        elapsed = time.perf_counter() - (self._start or time.perf_counter())
        values = dict(self._pending)
        if self._batches and elapsed > 0:
            values["sequences_per_second"] = self._batches * self.global_batch_size / elapsed
            values["steps_per_second"] = (step - self._last_step) / elapsed
        if self._writer is not None:
            with self._writer.as_default(step=step):
                for name, value in values.items():
                    tf.summary.scalar(name, value)
            self._writer.flush()
        self._start = time.perf_counter()
        self._batches = 0
        self._last_step = step

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        step = optimizer_step(self.model)
        if step != self._last_step and self._pending:
            self._flush(step)
        if self._writer is not None:
            self._writer.close()
            self._writer = None
