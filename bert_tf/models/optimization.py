"""`create_optimizer`: BERT's AdamW (or LAMB) with warm-up/decay, clipping and accumulation.

The one source of BERT's optimizer recipe: the command line (`bert_tf.training.optimizers`
re-exports it) and every task model's `compile()` default build their optimizer here. It
imports keras only, so the models may use it.

Example:
    >>> optimizer = create_optimizer(1e-4, num_train_steps=1000, num_warmup_steps=100)
    >>> type(optimizer).__name__, optimizer.global_clipnorm
    ('AdamW', 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from bert_tf.models.warmup_linear_decay import WarmupLinearDecay

# Variables kept out of weight decay, as in BERT: LayerNorm scale/offset ("gamma"/"beta") and
# every bias (including the MLM output bias). Regular expressions searched in the variable's
# name: the Keras name ("gamma") on JAX/torch, the tf.Variable name on TensorFlow
# ("encoder_layer_0/output_layer_norm/gamma:0", ".../gamma/replica_1:0" under a strategy).
NO_DECAY_NAMES = (r"(^|/)(gamma|beta|bias)($|:|/replica_)",)

OPTIMIZERS = ("adamw", "lamb")


def create_optimizer(
    learning_rate: float,
    num_train_steps: int | None = None,
    num_warmup_steps: int | None = None,
    weight_decay: float = 0.01,
    optimizer: str = "adamw",
    clipnorm: float | None = 1.0,
    gradient_accumulation_steps: int = 1,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-6,
    end_learning_rate: float = 0.0,
    exclude_from_weight_decay: Sequence[str] = NO_DECAY_NAMES,
    warmup_ratio: float = 0.1,
) -> keras.optimizers.Optimizer:
    """The optimizer of BERT pre-training / fine-tuning on Keras 3.

    The learning rate follows `WarmupLinearDecay`; steps are optimizer updates, so with
    gradient accumulation one step is `gradient_accumulation_steps` batches (Keras divides
    `optimizer.iterations` accordingly, and so does the schedule). Weight decay is decoupled
    (`var -= lr * wd * var`, as in BERT's AdamWeightDecay) and skips variables whose name
    matches one of `exclude_from_weight_decay`. With "lamb", Keras' LAMB applies its
    layer-wise trust ratio to every variable (the reference LAMB also skips LayerNorm/bias there).

    Args:
        learning_rate: peak learning rate (after warm-up).
        num_train_steps: optimizer steps of the run; the rate decays to `end_learning_rate`.
            None: not known yet; `schedule_of(optimizer).set_num_train_steps` fixes it later
            (the task models' `fit` does), the rate is the peak until then.
        num_warmup_steps: steps of linear warm-up (None: `warmup_ratio` of the run).
        weight_decay: decoupled weight-decay rate (0 or None: none).
        optimizer: "adamw" or "lamb".
        clipnorm: clip gradients to this global norm (None or 0: no clipping).
        gradient_accumulation_steps: average the gradients of this many batches per update.
        beta_1, beta_2, epsilon: Adam/LAMB moment settings (BERT: 0.9, 0.999, 1e-6).
        end_learning_rate: the rate at `num_train_steps`.
        exclude_from_weight_decay: regular expressions on variable names excluded from decay.
        warmup_ratio: warm-up as a fraction of the run when `num_warmup_steps` is None.

    Example:
        >>> opt = create_optimizer(1e-3, 100, 10, optimizer="lamb", gradient_accumulation_steps=4)
        >>> type(opt).__name__, opt.gradient_accumulation_steps
        ('Lamb', 4)
    """
    name = optimizer.lower()
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if gradient_accumulation_steps < 1:
        raise ValueError(
            f"gradient_accumulation_steps must be >= 1, got {gradient_accumulation_steps}"
        )
    schedule = WarmupLinearDecay(
        learning_rate,
        num_train_steps=num_train_steps,
        num_warmup_steps=num_warmup_steps,
        end_learning_rate=end_learning_rate,
        batches_per_step=gradient_accumulation_steps,
        warmup_ratio=warmup_ratio,
    )
    kwargs = dict(
        learning_rate=schedule,
        beta_1=beta_1,
        beta_2=beta_2,
        epsilon=epsilon,
        weight_decay=weight_decay or None,
        global_clipnorm=clipnorm or None,
        gradient_accumulation_steps=(
            gradient_accumulation_steps if gradient_accumulation_steps > 1 else None
        ),
    )
    if name == "adamw":
        kwargs["weight_decay"] = weight_decay or 0.0  # Keras' AdamW requires a float
        result = keras.optimizers.AdamW(**kwargs)
    else:
        result = keras.optimizers.Lamb(**kwargs)
    if weight_decay and exclude_from_weight_decay:
        result.exclude_from_weight_decay(var_names=list(exclude_from_weight_decay))
    return result


def schedule_of(optimizer: keras.optimizers.Optimizer) -> WarmupLinearDecay | None:
    """The optimizer's `WarmupLinearDecay` schedule, or None when it has another rate."""
    schedule = getattr(optimizer, "_learning_rate", None)
    return schedule if isinstance(schedule, WarmupLinearDecay) else None
