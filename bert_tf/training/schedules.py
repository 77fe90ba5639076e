"""`WarmupLinearDecay`: BERT's learning-rate schedule (linear warm-up, then linear decay).

Example:
    >>> schedule = WarmupLinearDecay(1e-4, num_train_steps=100, num_warmup_steps=10)
    >>> [round(float(schedule(step)), 6) for step in (0, 5, 10, 55, 100)]
    [0.0, 5e-05, 0.0001, 5e-05, 0.0]
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="bert_tf")
class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up from 0 to the peak, then linear decay to `end_learning_rate`.

    At step `s` the rate is `peak * s / num_warmup_steps` while `s < num_warmup_steps`, then
    falls linearly from `peak` (at the end of warm-up) to `end_learning_rate` at
    `num_train_steps`, and stays there. This is the schedule of BERT's released fine-tuning
    and Model Garden code (the decay starts at the peak); google-research's original TF1 code
    decays over all `num_train_steps`, so its rate right after warm-up is slightly below peak.

    Args:
        peak_learning_rate: the rate at the end of warm-up.
        num_train_steps: optimizer steps of the whole run; the rate reaches
            `end_learning_rate` here.
        num_warmup_steps: steps of linear warm-up (0: start at the peak).
        end_learning_rate: the final rate (BERT: 0).
        batches_per_step: the optimizer's `gradient_accumulation_steps`. Keras evaluates a
            schedule at its batch counter even when gradients are accumulated; the schedule
            divides by this, so all its steps are optimizer updates.

    Example:
        >>> float(WarmupLinearDecay(2.0, num_train_steps=4, num_warmup_steps=0)(2))
        1.0
    """

    def __init__(
        self,
        peak_learning_rate: float,
        num_train_steps: int,
        num_warmup_steps: int = 0,
        end_learning_rate: float = 0.0,
        batches_per_step: int = 1,
    ) -> None:
        if num_train_steps <= 0:
            raise ValueError(f"num_train_steps must be positive, got {num_train_steps}")
        if not 0 <= num_warmup_steps <= num_train_steps:
            raise ValueError(
                f"num_warmup_steps must be in [0, num_train_steps={num_train_steps}], "
                f"got {num_warmup_steps}"
            )
        if peak_learning_rate <= 0:
            raise ValueError(f"peak_learning_rate must be positive, got {peak_learning_rate}")
        if batches_per_step < 1:
            raise ValueError(f"batches_per_step must be >= 1, got {batches_per_step}")
        self.peak_learning_rate = float(peak_learning_rate)
        self.num_train_steps = int(num_train_steps)
        self.num_warmup_steps = int(num_warmup_steps)
        self.end_learning_rate = float(end_learning_rate)
        self.batches_per_step = int(batches_per_step)

    def __call__(self, step: Any) -> Any:
        step = ops.cast(ops.floor_divide(step, self.batches_per_step), "float32")
        peak = self.peak_learning_rate
        warmup = float(self.num_warmup_steps)
        decay_steps = float(max(self.num_train_steps - self.num_warmup_steps, 1))
        warmup_rate = peak * step / max(warmup, 1.0)
        progress = ops.clip((step - warmup) / decay_steps, 0.0, 1.0)
        decay_rate = peak + (self.end_learning_rate - peak) * progress
        return ops.where(step < warmup, warmup_rate, decay_rate)

    def get_config(self) -> dict[str, Any]:
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "num_train_steps": self.num_train_steps,
            "num_warmup_steps": self.num_warmup_steps,
            "end_learning_rate": self.end_learning_rate,
            "batches_per_step": self.batches_per_step,
        }
