"""Training callbacks: step checkpoints with resume, TensorBoard logging by optimizer step."""

from bert_tf.training.callbacks.step_checkpoint import StepCheckpoint, optimizer_step
from bert_tf.training.callbacks.training_logger import TrainingLogger

__all__ = ["StepCheckpoint", "TrainingLogger", "optimizer_step"]
