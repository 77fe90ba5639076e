"""Shared plumbing of the task models: backbone inputs, BERT's optimizer defaults, serialization.

`compile()` without an optimizer gets BERT's recipe from `bert_tf.models.optimization` (AdamW
beta 0.9/0.999, epsilon 1e-6, weight decay 0.01 except LayerNorm and biases, global-norm
clipping 1.0, linear warm-up then linear decay to 0). The run length comes from
`compile(num_train_steps=...)` or, when not given, from the first `fit` (epochs x batches).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import keras

from bert_tf.models.bert_backbone import INPUT_NAMES, BertBackbone
from bert_tf.models.optimization import create_optimizer, schedule_of

FINETUNE_RECIPE = {"learning_rate": 5e-5, "optimizer": "adamw"}  # Devlin et al. fine-tuning


def backbone_inputs() -> dict[str, Any]:
    """Fresh symbolic inputs with the backbone's names: int32 `[B, T]` each."""
    return {name: keras.Input((None,), dtype="int32", name=name) for name in INPUT_NAMES}


def encoder_features(
    backbone: BertBackbone, inputs: dict[str, Any], feature_layers: Any = None
) -> tuple[Any, Any]:
    """`(sequence [B, T, F], cls [B, F])` for a task head to read.

    End to end (`feature_layers=None`): the backbone's last layer and its pooled [CLS]
    vector (F = H). Feature-based (the paper's ELMo-style ablation): the backbone is frozen
    and runs in inference mode, and the head reads the concatenation of the chosen encoder
    layers (F = k x H) and its [CLS] row; only the head trains.
    """
    if feature_layers is None:
        outputs = backbone(inputs)
        return outputs["sequence_output"], outputs["pooled_output"]
    layers = check_feature_layers(feature_layers, backbone.config.num_layers)
    backbone.trainable = False
    encoder_outputs = backbone(inputs, training=False)["encoder_outputs"]  # L x [B, T, H]
    chosen = [encoder_outputs[i] for i in layers]
    sequence = keras.ops.concatenate(chosen, axis=-1) if len(chosen) > 1 else chosen[0]
    return sequence, sequence[:, 0, :]  # [B, T, kH], [B, kH]


def check_feature_layers(feature_layers: Any, num_layers: int) -> list[int] | None:
    """`feature_layers` as a list of ints, refused when one does not index an encoder layer."""
    if feature_layers is None:
        return None
    layers = [int(i) for i in feature_layers]
    if not layers or any(not -num_layers <= i < num_layers for i in layers):
        raise ValueError(
            f"feature_layers {layers} must index the backbone's {num_layers} encoder layers"
        )
    return layers


def check_backbone(backbone: Any) -> BertBackbone:
    if not isinstance(backbone, BertBackbone):
        raise TypeError(f"backbone must be a BertBackbone, got {type(backbone).__name__}")
    return backbone


def default_optimizer(**recipe: Any) -> keras.optimizers.Optimizer:
    """BERT's optimizer (`create_optimizer`); fine-tuning defaults: AdamW, peak rate 5e-5.

    The run length is left open unless `num_train_steps` is given; `BertTask.compile` and
    `BertTask.fit` fill it in. `recipe` overrides any `create_optimizer` argument.
    """
    recipe = {**FINETUNE_RECIPE, **recipe}
    optimizer = create_optimizer(**recipe)
    optimizer._bert_recipe = recipe  # lets compile() rebuild it with a run length
    return optimizer


def batches_per_epoch(x: Any, batch_size: int | None, fit_kwargs: dict[str, Any]) -> int | None:
    """Batches one `fit` epoch takes from `x` (None when it cannot be known in advance)."""
    if fit_kwargs.get("steps_per_epoch"):
        return int(fit_kwargs["steps_per_epoch"])
    if hasattr(x, "cardinality"):  # tf.data.Dataset: -1 infinite, -2 unknown
        count = int(x.cardinality())
        return count if count > 0 else None
    if hasattr(x, "num_batches"):  # keras.utils.PyDataset
        return x.num_batches or None
    leaves = [leaf for leaf in keras.tree.flatten(x) if hasattr(leaf, "shape")]
    if not leaves or not leaves[0].shape:
        return None
    samples = int(leaves[0].shape[0])
    samples = int(math.floor(samples * (1.0 - float(fit_kwargs.get("validation_split") or 0))))
    return max(math.ceil(samples / (batch_size or 32)), 1)


class BertTask(keras.Model):
    """Base of the task models: keeps `backbone` and serializes it in `get_config`.

    Subclasses build their functional graph, call `super().__init__(inputs, outputs, ...)`
    and list their own constructor arguments in `_task_config()`.
    """

    def _task_config(self) -> dict[str, Any]:
        return {}

    def compile(
        self,
        optimizer: Any = "auto",
        *,
        num_train_steps: int | None = None,
        num_warmup_steps: int | None = None,
        warmup_ratio: float | None = None,
        learning_rate: float | None = None,
        **kwargs: Any,
    ) -> None:
        """`keras.Model.compile`; "auto" (the default) is BERT's optimizer recipe.

        Args:
            optimizer: "auto" (`default_optimizer`) or any Keras optimizer.
            num_train_steps: optimizer updates of the whole run, for the warm-up/decay
                schedule (None: taken from the first `fit`, epochs x batches per epoch).
            num_warmup_steps: warm-up updates (None: `warmup_ratio` of the run).
            warmup_ratio: warm-up as a fraction of the run (default 0.1).
            learning_rate: the peak rate of the default optimizer (default 5e-5).
            **kwargs: passed to `keras.Model.compile` (loss, metrics, ...).
        """
        if isinstance(optimizer, str) and optimizer == "auto":
            optimizer = default_optimizer()
        overrides = {
            key: value
            for key, value in (
                ("num_train_steps", num_train_steps),
                ("num_warmup_steps", num_warmup_steps),
                ("warmup_ratio", warmup_ratio),
                ("learning_rate", learning_rate),
            )
            if value is not None
        }
        recipe = getattr(optimizer, "_bert_recipe", None)
        if overrides and recipe is not None:
            optimizer = default_optimizer(**{**recipe, **overrides})
        elif overrides:
            schedule = schedule_of(optimizer)
            if set(overrides) != {"num_train_steps"} or schedule is None or not schedule.is_open:
                raise ValueError(
                    f"{', '.join(sorted(overrides))} configure the default optimizer; this "
                    f"{type(optimizer).__name__} brings its own learning rate"
                )
            schedule.set_num_train_steps(num_train_steps)
        super().compile(optimizer=optimizer, **kwargs)

    def _multi_worker(self) -> bool:
        strategy = getattr(self, "_distribute_strategy", None)
        return "Collective" in type(getattr(strategy, "extended", None)).__name__

    def _maybe_symbolic_build(self, iterator: Any = None, data_batch: Any = None) -> Any:
        """TF trainer hook. Under MultiWorkerMirroredStrategy Keras 3 builds from a batch
        "reduced" across replicas, which fails for dict inputs; the batch only gives shapes,
        so take this worker's first replica's part instead."""
        if iterator is not None and self._multi_worker():
            local = self._distribute_strategy.experimental_local_results
            for _, _, batches in iterator:
                data_batch = keras.tree.map_structure(lambda v: local(v)[0], next(batches))
                break
            iterator = None
        return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def train_step(self, *args: Any) -> Any:  # TF: (data); JAX: (state, data)
        return self._worker_logs(super().train_step(*args))

    def test_step(self, *args: Any) -> Any:
        return self._worker_logs(super().test_step(*args))

    def _worker_logs(self, logs: Any) -> Any:
        """Under MultiWorkerMirroredStrategy Keras 3 reduces each log across workers with
        `reduce("MEAN", v, axis=0)`, which needs a dimension: give the scalars one ([1]);
        the reduction then averages them over the workers back to a scalar."""
        if not self._multi_worker() or not isinstance(logs, dict):
            return logs
        return {key: keras.ops.reshape(value, (1,)) for key, value in logs.items()}

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        **kwargs: Any,
    ) -> Any:
        """`keras.Model.fit`; an open warm-up/decay schedule (see `compile`) is first set to
        this call's epochs x batches per epoch (later calls continue that schedule)."""
        schedule = schedule_of(self.optimizer) if self.optimizer is not None else None
        if schedule is not None and schedule.is_open:
            batches = batches_per_epoch(x, batch_size, kwargs)
            if batches is None:
                warnings.warn(
                    "fit() cannot tell how many batches an epoch has, so the learning rate "
                    "stays at its peak; pass steps_per_epoch, or num_train_steps to compile()",
                    stacklevel=2,
                )
            else:
                epochs_left = max(epochs - int(kwargs.get("initial_epoch") or 0), 1)
                accumulate = getattr(self.optimizer, "gradient_accumulation_steps", None) or 1
                schedule.set_num_train_steps(max(epochs_left * batches // accumulate, 1))
                self.train_function = None  # trace again with the schedule's new constants
        return super().fit(x, y, batch_size=batch_size, epochs=epochs, **kwargs)

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
