"""BERT's learning-rate schedule for training code (defined in `bert_tf.models`, keras only).

Example:
    >>> WarmupLinearDecay(1e-4, num_train_steps=100, num_warmup_steps=10).num_warmup_steps
    10
"""

from bert_tf.models.warmup_linear_decay import WarmupLinearDecay

__all__ = ["WarmupLinearDecay"]
