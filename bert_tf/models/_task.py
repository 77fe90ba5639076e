"""Shared plumbing of the task models: backbone inputs and (de)serialization."""

from __future__ import annotations

from typing import Any

import keras

from bert_tf.models.bert_backbone import INPUT_NAMES, BertBackbone


def backbone_inputs() -> dict[str, Any]:
    """Fresh symbolic inputs with the backbone's names: int32 `[B, T]` each."""
    return {name: keras.Input((None,), dtype="int32", name=name) for name in INPUT_NAMES}


def check_backbone(backbone: Any) -> BertBackbone:
    if not isinstance(backbone, BertBackbone):
        raise TypeError(f"backbone must be a BertBackbone, got {type(backbone).__name__}")
    return backbone


def default_optimizer() -> keras.optimizers.Optimizer:
    """Fine-tuning default: AdamW, learning rate 5e-5, weight decay 0.01 (Devlin et al.)."""
    return keras.optimizers.AdamW(learning_rate=5e-5, weight_decay=0.01)


class BertTask(keras.Model):
    """Base of the task models: keeps `backbone` and serializes it in `get_config`.

    Subclasses build their functional graph, call `super().__init__(inputs, outputs, ...)`
    and list their own constructor arguments in `_task_config()`.
    """

    def _task_config(self) -> dict[str, Any]:
        return {}

    def get_config(self) -> dict[str, Any]:
        return {
            "backbone": keras.saving.serialize_keras_object(self.backbone),
            "name": self.name,
            "trainable": self.trainable,
            **self._task_config(),
        }

    def compile_from_config(self, config: dict[str, Any]) -> None:
        """Restores `compile()` arguments when a saved `.keras` model is loaded."""
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.optimizer is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BertTask:
        config = dict(config)
        if isinstance(config.get("backbone"), dict):
            config["backbone"] = keras.saving.deserialize_keras_object(config["backbone"])
        return cls(**config)
