"""`StepCheckpoint`: save model + optimizer state every N optimizer steps, and resume from it.

Example:
    >>> checkpoint = StepCheckpoint("run/checkpoints", save_every=1000)  # doctest: +SKIP
    >>> step = StepCheckpoint.restore_latest(model, "run/checkpoints")  # doctest: +SKIP
    >>> model.fit(data, callbacks=[checkpoint])  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from typing import Any

import keras

from bert_tf import storage

INDEX_FILE = "checkpoint.json"


def optimizer_step(model: keras.Model) -> int:
    """The number of optimizer updates so far (`optimizer.iterations`, which Keras divides by
    the gradient accumulation steps)."""
    return int(keras.ops.convert_to_numpy(model.optimizer.iterations))


class StepCheckpoint(keras.callbacks.Callback):
    """Writes `ckpt-<step>.weights.h5` (model weights and the optimizer's variables: iteration
    count, moments, gradient accumulators) every `save_every` optimizer steps and at the end of
    training; `checkpoint.json` names the latest. Keeps the newest `keep` files.

    A killed run loses at most `save_every` steps: `restore_latest` loads the newest file into
    a compiled model, after which `optimizer.iterations` is the saved step. Nothing is written
    when training stops on an exception (what was saved is the last consistent state).

    Args:
        directory: where the checkpoint files go (created when needed; any `storage` path).
        save_every: optimizer steps between saves (0: only at the end of training).
        keep: how many checkpoint files to keep (oldest deleted first).
        write: False on the non-chief workers of a multi-worker run (they save nothing).

    Example:
        >>> callback = StepCheckpoint("/tmp/ckpt", save_every=500, keep=2)
        >>> callback.save_every, callback.keep
        (500, 2)
    """

    def __init__(
        self, directory: str | os.PathLike, save_every: int, keep: int = 3, write: bool = True
    ) -> None:
        super().__init__()
        if save_every < 0:
            raise ValueError(f"save_every must be >= 0, got {save_every}")
        if keep < 1:
            raise ValueError(f"keep must be >= 1, got {keep}")
        self.directory = os.fspath(directory)
        self.save_every = int(save_every)
        self.keep = int(keep)
        self.write = write
        self._last_saved = -1

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._last_saved = optimizer_step(self.model)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if not self.save_every:
            return
        step = optimizer_step(self.model)
        # "crossed a multiple", not "is a multiple": with steps_per_execution > 1 Keras calls
        # this every few steps only.
        if step // self.save_every > max(self._last_saved, 0) // self.save_every:
            self.save(step)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        step = optimizer_step(self.model)
        if step != self._last_saved:
            self.save(step)

    def save(self, step: int) -> str:
        """Write the checkpoint of `step` now (atomically: a crash leaves the previous one)."""
        self._last_saved = step
        name = f"ckpt-{step:08d}.weights.h5"
        path = storage.join(self.directory, name)
        if not self.write:
            return path
        storage.makedirs(self.directory)
        partial = storage.join(self.directory, f"partial-{step:08d}.weights.h5")
        self.model.save_weights(partial, overwrite=True)
        storage.rename(partial, path)
        names = [p.rsplit("/", 1)[-1] for p in self._checkpoint_files()]
        for stale in names[: -self.keep]:
            storage.remove_tree(storage.join(self.directory, stale))
        index = {"latest": name, "step": step, "checkpoints": names[-self.keep :]}
        storage.write_text(
            storage.join(self.directory, INDEX_FILE), json.dumps(index, indent=2) + "\n"
        )
        return path

    def _checkpoint_files(self) -> list[str]:
        return storage.glob(storage.join(self.directory, "ckpt-*.weights.h5"))

    @staticmethod
    def latest(directory: str | os.PathLike) -> tuple[str, int] | None:
        """(path, step) of the newest checkpoint in `directory`, or None when there is none."""
        index_path = storage.join(directory, INDEX_FILE)
        if not storage.isfile(index_path):
            return None
        try:
            index = json.loads(storage.read_text(index_path))
            path = storage.join(directory, index["latest"])
            step = int(index["step"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{index_path}: not a checkpoint index ({error})") from error
        if not storage.isfile(path):
            raise FileNotFoundError(f"{index_path} names {index['latest']}, which is missing")
        return path, step

    @staticmethod
    def restore_latest(model: keras.Model, directory: str | os.PathLike) -> int:
        """Load the newest checkpoint into a built, compiled `model`; returns its step (0: none).

        Call it under the distribution strategy's scope, before `fit`.
        """
        found = StepCheckpoint.latest(directory)
        if found is None:
            return 0
        path, step = found
        if model.optimizer is None:
            raise ValueError("compile the model before restoring a training checkpoint")
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        try:
            model.load_weights(path)
        except ValueError as error:
            raise ValueError(
                f"{path}: this training checkpoint does not fit the model being trained "
                f"({error}); use another output directory, or delete {storage.dirname(path)}"
            ) from error
        restored = optimizer_step(model)
        if restored != step:
            raise ValueError(
                f"{path}: optimizer step {restored} does not match the index step {step} "
                "(was it written with other gradient_accumulation_steps?)"
            )
        return step
