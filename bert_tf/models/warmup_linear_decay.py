"""`WarmupLinearDecay`: BERT's learning-rate schedule (linear warm-up, then linear decay).

Example:
    >>> schedule = WarmupLinearDecay(1e-4, num_train_steps=100, num_warmup_steps=10)
    >>> [round(float(schedule(step)), 6) for step in (0, 5, 10, 55, 100)]
    [0.0, 5e-05, 9e-05, 4.5e-05, 0.0]
"""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="bert_tf")
class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up from 0 to the peak, and linear decay to `end_learning_rate` from step 0.

    google-research BERT's `optimization.py`: a linear (power 1) polynomial decay runs over
    all `num_train_steps` from step 0, `end + (peak - end) * (1 - s / num_train_steps)`, and
    while `s < num_warmup_steps` warm-up replaces it with `peak * s / num_warmup_steps`. So
    the rate right after warm-up is `peak * (1 - warmup / num_train_steps)` (90% of peak at
    the default 10% warm-up), not the peak itself as in the HF/Model Garden variant that
    starts the decay at the end of warm-up. It stays at `end_learning_rate` after the run.

    The run length may be left open (`num_train_steps=None`) and set later with
    `set_num_train_steps` (the task models' `fit` does this from epochs x batches); until
    then the rate is the peak. Warm-up is then `warmup_ratio` of the run unless
    `num_warmup_steps` is given.

    Args:
        peak_learning_rate: the rate at the end of warm-up.
        num_train_steps: optimizer steps of the whole run (None: not known yet); the rate
            reaches `end_learning_rate` here.
        num_warmup_steps: steps of linear warm-up (0: start at the peak; None: use
            `warmup_ratio`).
        end_learning_rate: the final rate (BERT: 0).
        batches_per_step: the optimizer's `gradient_accumulation_steps`. Keras evaluates a
            schedule at its batch counter even when gradients are accumulated; the schedule
            divides by this, so all its steps are optimizer updates.
        warmup_ratio: warm-up as a fraction of the run when `num_warmup_steps` is None.

    Example:
        >>> float(WarmupLinearDecay(2.0, num_train_steps=4, num_warmup_steps=0)(2))
        1.0
        >>> later = WarmupLinearDecay(1.0, num_train_steps=None, num_warmup_steps=None)
        >>> later.is_open, float(later(5))  # the peak until the run length is known
        (True, 1.0)
        >>> later.set_num_train_steps(20); later.num_warmup_steps  # warmup_ratio 0.1 of 20
        2
    """

    def __init__(
        self,
        peak_learning_rate: float,
        num_train_steps: int | None,
        num_warmup_steps: int | None = 0,
        end_learning_rate: float = 0.0,
        batches_per_step: int = 1,
        warmup_ratio: float = 0.1,
    ) -> None:
        if peak_learning_rate <= 0:
            raise ValueError(f"peak_learning_rate must be positive, got {peak_learning_rate}")
        if batches_per_step < 1:
            raise ValueError(f"batches_per_step must be >= 1, got {batches_per_step}")
        if not 0.0 <= warmup_ratio < 1.0:
            raise ValueError(f"warmup_ratio must be in [0, 1), got {warmup_ratio}")
        self.peak_learning_rate = float(peak_learning_rate)
        self.end_learning_rate = float(end_learning_rate)
        self.batches_per_step = int(batches_per_step)
        self.warmup_ratio = float(warmup_ratio)
        self._warmup_given = None if num_warmup_steps is None else int(num_warmup_steps)
        self.num_train_steps: int | None = None
        self.num_warmup_steps: int | None = self._warmup_given
        if num_train_steps is not None:
            self.set_num_train_steps(num_train_steps)

    @property
    def is_open(self) -> bool:
        """Whether the run length is still unknown (`set_num_train_steps` not called)."""
        return self.num_train_steps is None

    def set_num_train_steps(self, num_train_steps: int) -> None:
        """Fixes the run length (and warm-up, from `warmup_ratio` unless it was given)."""
        if num_train_steps <= 0:
            raise ValueError(f"num_train_steps must be positive, got {num_train_steps}")
        warmup = self._warmup_given
        if warmup is None:
            warmup = int(math.floor(self.warmup_ratio * num_train_steps))
        if not 0 <= warmup <= num_train_steps:
            raise ValueError(
                f"num_warmup_steps must be in [0, num_train_steps={num_train_steps}], got {warmup}"
            )
        self.num_train_steps = int(num_train_steps)
        self.num_warmup_steps = int(warmup)

    def __call__(self, step: Any) -> Any:
        peak = self.peak_learning_rate
        if self.num_train_steps is None:
            return ops.convert_to_tensor(peak, "float32")
        step = ops.cast(ops.floor_divide(step, self.batches_per_step), "float32")
        warmup = float(self.num_warmup_steps)
        warmup_rate = peak * step / max(warmup, 1.0)
        progress = ops.clip(step / float(self.num_train_steps), 0.0, 1.0)  # from step 0
        decay_rate = peak + (self.end_learning_rate - peak) * progress
        return ops.where(step < warmup, warmup_rate, decay_rate)

    def get_config(self) -> dict[str, Any]:
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "num_train_steps": self.num_train_steps,
            "num_warmup_steps": self.num_warmup_steps
            if self.num_train_steps is not None
            else self._warmup_given,
            "end_learning_rate": self.end_learning_rate,
            "batches_per_step": self.batches_per_step,
            "warmup_ratio": self.warmup_ratio,
        }
