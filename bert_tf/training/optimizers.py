"""BERT's optimizer factory for training code: `bert_tf.models.optimization` is its one source.

The recipe (AdamW or LAMB, warm-up + linear decay, LayerNorm/bias excluded from weight decay,
global-norm clipping, gradient accumulation) lives beside the models because their `compile()`
defaults build it too and `bert_tf.models` imports keras only.

Example:
    >>> optimizer = create_optimizer(1e-4, num_train_steps=1000, num_warmup_steps=100)
    >>> type(optimizer).__name__, optimizer.global_clipnorm
    ('AdamW', 1.0)
"""

from bert_tf.models.optimization import NO_DECAY_NAMES, OPTIMIZERS, create_optimizer, schedule_of

__all__ = ["NO_DECAY_NAMES", "OPTIMIZERS", "create_optimizer", "schedule_of"]
