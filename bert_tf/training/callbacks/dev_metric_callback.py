"""`DevMetricCallback`: score the real task metric on the dev set after every epoch, keep the
best model, and stop early when it stops improving.

The metric (e.g. `dev_f1`) is added to the epoch logs, so the progress bar's history and the
TensorBoard callback placed after this one record it.

Example:
    >>> callback = DevMetricCallback(task, dev_examples, dev_features, "run/model.keras",
    ...                              patience=2)  # doctest: +SKIP
    >>> tensorboard = keras.callbacks.TensorBoard("run/logs")  # placed after: records dev_f1
    >>> model.fit(train, epochs=3, callbacks=[callback, tensorboard])  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import keras
import numpy as np

from bert_tf import storage

logger = logging.getLogger(__name__)


class DevMetricCallback(keras.callbacks.Callback):
    """Evaluates `task.main_metric` on dev data at each epoch end; saves the best model.

    Args:
        task: a `bert_tf.tasks.FinetuneTask`.
        examples: the dev examples.
        features: their features (`task.build_features`).
        best_path: where the best model is saved (`.keras`).
        patience: stop after this many epochs without improvement (None: never stop early).
        batch_size: prediction batch size.
        save: write the best model (False on the non-chief workers of a multi-worker run).

    Example:
        >>> from bert_tf.tasks import make_task
        >>> callback = DevMetricCallback(make_task("glue/mrpc"), [], {}, "best.keras", patience=2)
        >>> callback.task.main_metric, callback.best, callback.best_epoch
        ('f1', -inf, None)
    """

    def __init__(
        self,
        task: Any,
        examples: Sequence[Any],
        features: Mapping[str, np.ndarray],
        best_path: str | os.PathLike,
        patience: int | None = None,
        batch_size: int = 64,
        save: bool = True,
    ) -> None:
        super().__init__()
        if patience is not None and patience < 1:
            raise ValueError(f"patience must be at least 1, got {patience}")
        self.task = task
        self.examples = examples
        self.features = features
        self.best_path = os.fspath(best_path)
        self.patience = patience
        self.batch_size = batch_size
        self.save = save
        self.best = -np.inf
        self.best_epoch: int | None = None
        self.best_metrics: dict[str, float] = {}
        self.best_predictions: Any = None
        self.history: list[dict[str, float]] = []
        self._waited = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        predictions = self.task.predict(self.model, self.examples, self.features, self.batch_size)
        metrics = {
            key: float(value)
            for key, value in self.task.metrics(self.examples, predictions).items()
        }
        self.history.append(metrics)
        if logs is not None:
            logs.update({f"dev_{key}": value for key, value in metrics.items()})
        value = metrics[self.task.main_metric]
        logger.info("epoch %d: dev %s = %.4f", epoch + 1, self.task.main_metric, value)
        if value > self.best or self.best_epoch is None:
            self.best, self.best_epoch, self.best_metrics = value, epoch + 1, metrics
            self.best_predictions = predictions
            self._waited = 0
            if self.save:
                storage.makedirs(storage.dirname(self.best_path) or ".")
                self.model.save(self.best_path, overwrite=True)
            return
        self._waited += 1
        if self.patience is not None and self._waited >= self.patience:
            logger.info("no dev improvement for %d epochs: stopping", self._waited)
            self.model.stop_training = True
