"""`distill`: train a smaller student task model on a fine-tuned teacher's soft predictions.

Knowledge distillation (Hinton et al., 2015) for every task shape: the student (fewer
layers and/or a narrower hidden size, same head) learns from

    loss = alpha * soft + (1 - alpha) * hard [+ hidden_weight * hidden]

- soft: KL(softmax(teacher / T) || softmax(student / T)) x T^2 over the last axis of every
  output (classes, span start/end positions, tags, choices), or MSE of the logits with
  `soft_loss="mse"`; a one-output regressor always uses MSE. Tagging averages over real
  tokens only (`input_mask`); span and choice padding (-1e9 logits) gets probability 0.
- hard: the student's own compiled task loss on the gold labels (`compile()` defaults:
  span targets renamed, ignored tag positions masked), so labels come as fine-tuning makes
  them (`task.targets(features)`).
- hidden (optional, `hidden_weight > 0`): MSE between student encoder layer i and teacher
  layer `hidden_layer_map` (evenly spaced, last on last), through a learned `Dense` projection
  when the widths differ (TinyBERT); masked to real tokens.

`Distiller` is a `keras.Model` whose `train_step` does this, so `fit` progress bars and
callbacks work; the teacher runs in inference mode and never trains. `make_student` builds
the student from a `BertConfig` of the teacher's class and copies the teacher's embeddings,
chosen encoder layers (`layer_map`), pooler and head when the widths match.

Example:
    >>> import numpy as np, tensorflow as tf
    >>> from bert_tf.models import BertBackbone, BertClassifier
    >>> teacher = BertClassifier(BertBackbone.from_preset(
    ...     "bert_tiny", vocab_size=100, hidden_size=32, num_heads=2, intermediate_size=64), 2)
    >>> student = make_student(teacher, num_layers=1)
    >>> student.backbone.config.num_layers, len(student.output_dense.get_weights())
    (1, 2)
    >>> ids = np.random.default_rng(0).integers(4, 100, (8, 6)).astype("int32")
    >>> x = {"input_word_ids": ids, "input_mask": 1 + 0 * ids, "input_type_ids": 0 * ids}
    >>> data = tf.data.Dataset.from_tensor_slices((x, np.arange(8) % 2)).batch(4)
    >>> student = distill(teacher, student, data, temperature=2.0, alpha=0.9, epochs=1,
    ...                   verbose=0)
    >>> tuple(student(x).shape)
    (8, 2)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf
from keras import ops

SOFT_LOSSES = ("kl", "mse")
LAYER_MAPS = ("every_other", "first", "last", "none")


@dataclasses.dataclass(frozen=True)
class DistillConfig:
    """Settings of one distillation (defaults: common logit-distillation values)."""

    temperature: float = 2.0  # softens both distributions; the KL term is scaled by T^2
    alpha: float = 0.5  # weight of the soft (teacher) loss; 1 - alpha weighs the gold labels
    soft_loss: str = "kl"  # "kl" on softened distributions, or "mse" on the raw logits
    hidden_weight: float = 0.0  # weight of the hidden-state MSE (0: logits only)
    epochs: int = 3  # passes over the training data
    learning_rate: float = 1e-4  # peak rate of BERT's AdamW (warm-up then linear decay)
    warmup_ratio: float = 0.1  # fraction of the steps with linear warm-up
    weight_decay: float = 0.01  # decoupled AdamW weight decay (not LayerNorm or biases)
    verbose: int = 1  # Keras progress bars: 0 none, 1 bar, 2 one line per epoch

    def __post_init__(self) -> None:
        if self.temperature <= 0:
            raise ValueError(f"temperature must be positive, got {self.temperature}")
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1], got {self.alpha}")
        if self.soft_loss not in SOFT_LOSSES:
            raise ValueError(f"soft_loss must be one of {SOFT_LOSSES}, got {self.soft_loss!r}")
        if self.hidden_weight < 0:
            raise ValueError(f"hidden_weight must be >= 0, got {self.hidden_weight}")
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")


# --- the student --------------------------------------------------------------------------


def teacher_layers(teacher_layers: int, student_layers: int, layer_map: str) -> list[int]:
    """Which teacher encoder layer initialises (or teaches) each student layer.

    "every_other": evenly spaced, ending on the teacher's last layer ([1, 3, 5] of 6 for 3);
    "first": the bottom ones ([0, 1, 2]); "last": the top ones ([3, 4, 5]).
    """
    if not 1 <= student_layers <= teacher_layers:
        raise ValueError(
            f"a student of {student_layers} layers for {teacher_layers} teacher layers"
        )
    if layer_map == "first":
        return list(range(student_layers))
    if layer_map == "last":
        return list(range(teacher_layers - student_layers, teacher_layers))
    if layer_map in ("every_other", "none"):
        return [(i + 1) * teacher_layers // student_layers - 1 for i in range(student_layers)]
    raise ValueError(f"layer_map must be one of {LAYER_MAPS}, got {layer_map!r}")


def make_student(
    teacher: Any,
    num_layers: int | None = None,
    hidden_size: int | None = None,
    layer_map: str = "every_other",
    **config_changes: Any,
) -> Any:
    """A task model of the teacher's class on a smaller `BertBackbone`.

    Args:
        teacher: the fine-tuned task model (`BertClassifier`, `BertSpanLabeler`, ...).
        num_layers: student encoder layers (default: the teacher's).
        hidden_size: student width (default: the teacher's); a new width also needs
            `num_heads` and `intermediate_size` in `config_changes` when they do not divide.
        layer_map: which teacher layers initialise the student's ("every_other", "first",
            "last"), or "none" for random weights. Only with the teacher's width; a narrower
            student starts from random weights.
        config_changes: other `BertConfig` fields of the student (num_heads, ...).
    """
    from bert_tf.models import BertBackbone

    config = teacher.backbone.config
    changes = {"num_layers": num_layers or config.num_layers, **config_changes}
    if hidden_size is not None:
        changes["hidden_size"] = hidden_size
    student_config = dataclasses.replace(config, **changes)
    backbone = BertBackbone(student_config, dtype=teacher.backbone.dtype_policy)
    student = type(teacher).from_config({**teacher.get_config(), "backbone": backbone})
    if layer_map != "none" and student_config.hidden_size == config.hidden_size:
        _copy_teacher_weights(teacher, student, layer_map)
    return student


def _copy_teacher_weights(teacher: Any, student: Any, layer_map: str) -> None:
    source, target = teacher.backbone, student.backbone
    chosen = teacher_layers(source.config.num_layers, target.config.num_layers, layer_map)
    if target.config.intermediate_size != source.config.intermediate_size:
        chosen = []  # the feed-forward shapes differ: only embeddings, pooler and head
    target.embeddings.set_weights(source.embeddings.get_weights())
    for student_layer, index in zip(target.encoder_layers, chosen):
        student_layer.set_weights(source.encoder_layers[index].get_weights())
    target.pooler.set_weights(source.pooler.get_weights())
    student.output_dense.set_weights(teacher.output_dense.get_weights())


def parameter_count(model: Any) -> int:
    """Number of weights of `model` (trainable or not; optimizer state excluded)."""
    return int(sum(math.prod(v.shape) for v in model.weights))


# --- the losses ---------------------------------------------------------------------------


def soft_loss(
    teacher_logits: Any,
    student_logits: Any,
    temperature: float,
    kind: str = "kl",
    mask: Any = None,
) -> Any:
    """Mean distillation loss of one output: logits `[..., C]`, optional mask `[...]`.

    KL(teacher || student) of the temperature-softened softmax over the last axis, scaled
    by T^2 (so gradients keep their size as T changes); MSE of the logits for `kind="mse"`
    or a single output column (regression). Rows where `mask` is 0 count for nothing.
    """
    teacher_logits = ops.cast(ops.stop_gradient(teacher_logits), "float32")
    student_logits = ops.cast(student_logits, "float32")
    if kind == "mse" or student_logits.shape[-1] == 1:
        per_row = ops.mean(ops.square(student_logits - teacher_logits), axis=-1)  # [...]
    else:
        teacher_log_p = ops.log_softmax(teacher_logits / temperature, axis=-1)  # [..., C]
        student_log_p = ops.log_softmax(student_logits / temperature, axis=-1)  # [..., C]
        per_class = ops.exp(teacher_log_p) * (teacher_log_p - student_log_p)  # [..., C]
        per_row = ops.sum(per_class, axis=-1) * temperature**2  # [...]
    if mask is None:
        return ops.mean(per_row)
    weight = ops.cast(mask, "float32")  # [...]
    return ops.sum(per_row * weight) / ops.maximum(ops.sum(weight), 1.0)


def _row_mask(logits: Any, input_mask: Any) -> Any:
    """The input mask when an output has one row per token (tagging `[B, T, C]`), else None."""
    if len(logits.shape) == len(input_mask.shape) + 1 and len(input_mask.shape) == 2:
        return input_mask  # [B, T]
    return None


def hidden_layer_map(teacher_layers_count: int, student_layers_count: int) -> list[int]:
    """The teacher layer each student layer imitates in the hidden-state loss."""
    return teacher_layers(teacher_layers_count, student_layers_count, "every_other")


def _with_hidden(model: Any) -> keras.Model:
    """`model`'s graph with its backbone's encoder outputs (L x `[rows, T, H]`) as well."""
    node = model.backbone._inbound_nodes[-1]  # the backbone's call inside the task graph
    outputs = keras.tree.pack_sequence_as(model.backbone.output, node.output_tensors)
    return keras.Model(model.inputs, [model._outputs_struct, outputs["encoder_outputs"]])


# --- the trainer --------------------------------------------------------------------------


class Distiller(keras.Model):
    """Trains `student` on `alpha * soft + (1 - alpha) * hard [+ hidden]` (module docstring).

    Called, it is the student. `student` must be compiled (its loss is the hard loss);
    `distill` does that. Logs `loss`, `hard_loss`, `soft_loss` (and `hidden_loss`).

    Args:
        teacher: the fine-tuned task model (frozen here).
        student: a task model of the same outputs.
        config: the `DistillConfig`.
    """

    def __init__(self, teacher: Any, student: Any, config: DistillConfig, **kwargs: Any):
        super().__init__(**kwargs)
        teacher.trainable = False
        self.teacher = teacher
        self.student = student
        self.config = config
        self.projections: list[keras.layers.Dense] = []
        self.layer_pairs: list[tuple[int, int]] = []
        if config.hidden_weight > 0:
            t_config, s_config = teacher.backbone.config, student.backbone.config
            chosen = hidden_layer_map(t_config.num_layers, s_config.num_layers)
            self.layer_pairs = list(enumerate(chosen))
            self.teacher_hidden = _with_hidden(teacher)
            self.student_hidden = _with_hidden(student)
            if s_config.hidden_size != t_config.hidden_size:  # learned student -> teacher map
                self.projections = [
                    keras.layers.Dense(t_config.hidden_size, name=f"hidden_projection_{i}")
                    for i in range(s_config.num_layers)
                ]
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("loss", "hard_loss", "soft_loss", "hidden_loss")
            if name != "hidden_loss" or config.hidden_weight > 0
        }

    @property
    def metrics(self) -> list[Any]:
        return list(self.trackers.values())

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        return self.student(inputs, training=training)

    def _forward(self, x: Any) -> tuple[Any, Any, list, list]:
        """(teacher outputs, student outputs, teacher hidden, student hidden) of a batch."""
        if not self.layer_pairs:
            return self.teacher(x, training=False), self.student(x, training=True), [], []
        teacher_out, teacher_hidden = self.teacher_hidden(x, training=False)
        student_out, student_hidden = self.student_hidden(x, training=True)
        return teacher_out, student_out, teacher_hidden, student_hidden

    def _soft(self, teacher_out: Any, student_out: Any, input_mask: Any) -> Any:
        pairs = zip(keras.tree.flatten(teacher_out), keras.tree.flatten(student_out))
        losses = [
            soft_loss(
                t, s, self.config.temperature, self.config.soft_loss, _row_mask(s, input_mask)
            )
            for t, s in pairs
        ]
        return ops.mean(ops.stack(losses))

    def _hidden(self, teacher_hidden: list, student_hidden: list, input_mask: Any) -> Any:
        width = ops.shape(input_mask)[-1]
        mask = ops.cast(ops.reshape(input_mask, (-1, width)), "float32")  # [rows, T]
        losses = []
        for student_index, teacher_index in self.layer_pairs:
            student_state = student_hidden[student_index]  # [rows, T, Hs]
            if self.projections:
                student_state = self.projections[student_index](student_state)  # [rows, T, Ht]
            target = ops.stop_gradient(teacher_hidden[teacher_index])  # [rows, T, Ht]
            per_token = ops.mean(ops.square(student_state - target), axis=-1)  # [rows, T]
            losses.append(ops.sum(per_token * mask) / ops.maximum(ops.sum(mask), 1.0))
        return ops.mean(ops.stack(losses))

    def train_step(self, data: Any) -> dict[str, Any]:
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        alpha = self.config.alpha
        with tf.GradientTape() as tape:
            teacher_out, student_out, teacher_hidden, student_hidden = self._forward(x)
            hard = self.student.compute_loss(x, y, student_out, sample_weight, training=True)
            soft = self._soft(teacher_out, student_out, x["input_mask"])
            loss = alpha * soft + (1.0 - alpha) * hard
            logs = {"hard_loss": hard, "soft_loss": soft}
            if self.layer_pairs:
                hidden = self._hidden(teacher_hidden, student_hidden, x["input_mask"])
                loss = loss + self.config.hidden_weight * hidden
                logs["hidden_loss"] = hidden
            scaled = self.optimizer.scale_loss(loss)
        variables = self.student.trainable_variables + [
            v for layer in self.projections for v in layer.trainable_variables
        ]
        gradients = tape.gradient(scaled, variables)
        self.optimizer.apply_gradients(zip(gradients, variables))
        logs["loss"] = loss
        for name, value in logs.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def _cardinality(dataset: Any) -> int | None:
    count = int(dataset.cardinality()) if hasattr(dataset, "cardinality") else -1
    return count if count > 0 else None


def distill(
    teacher_model: Any,
    student_model_or_config: Any,
    train_dataset: Any,
    config: DistillConfig | None = None,
    *,
    callbacks: Sequence[Any] | None = None,
    layer_map: str = "every_other",
    **settings: Any,
) -> Any:
    """Distils `teacher_model` into a student; returns the trained student task model.

    Args:
        teacher_model: the fine-tuned task model (any shape; it is not changed).
        student_model_or_config: a task model of the teacher's class, or a `BertConfig` /
            dict of `BertConfig` fields (e.g. `{"num_layers": 2}`) for `make_student`.
        train_dataset: a `tf.data.Dataset` of `(x, y)` batches as fine-tuning feeds them
            (backbone inputs, `task.targets(features)`).
        config: a `DistillConfig` (default: its defaults).
        callbacks: Keras callbacks for `fit`.
        layer_map: how `make_student` initialises a student built from a config.
        settings: `DistillConfig` fields overriding `config` (temperature=, alpha=, ...);
            None values are left out (the config's value stays).
    """
    from bert_tf.training.optimizers import create_optimizer

    settings = {key: value for key, value in settings.items() if value is not None}
    config = dataclasses.replace(config or DistillConfig(), **settings)
    student = student_model_or_config
    if not isinstance(student, keras.Model):
        fields = student if isinstance(student, dict) else dataclasses.asdict(student)
        current = dataclasses.asdict(teacher_model.backbone.config)
        changes = {k: v for k, v in fields.items() if current.get(k) != v}
        student = make_student(teacher_model, layer_map=layer_map, **changes)
    if type(student).__name__ != type(teacher_model).__name__:
        raise TypeError(
            f"the student is a {type(student).__name__}, the teacher a "
            f"{type(teacher_model).__name__}: distillation needs the same head"
        )
    student.compile()  # the shape's own loss: the hard-label part
    batches = _cardinality(train_dataset)
    steps = batches * config.epochs if batches else None
    optimizer = create_optimizer(
        config.learning_rate,
        num_train_steps=steps,
        num_warmup_steps=int(config.warmup_ratio * steps) if steps else None,
        weight_decay=config.weight_decay,
    )
    was_trainable = teacher_model.trainable
    distiller = Distiller(teacher_model, student, config)
    distiller.compile(optimizer=optimizer)
    try:
        distiller.fit(
            train_dataset,
            epochs=config.epochs,
            callbacks=list(callbacks or []),
            verbose=config.verbose,
        )
    finally:
        teacher_model.trainable = was_trainable
    return student


def logit_gap(teacher: Any, student: Any, inputs: Any, batch_size: int = 64) -> float:
    """Mean absolute difference of the two models' logits on `inputs` (padding excluded):
    how closely the student reproduces the teacher."""
    teacher_out = keras.tree.flatten(teacher.predict(inputs, batch_size=batch_size, verbose=0))
    student_out = keras.tree.flatten(student.predict(inputs, batch_size=batch_size, verbose=0))
    gaps = []
    for t, s in zip(teacher_out, student_out):
        real = t > -1e8  # span/choice padding scores (-1e9) are not predictions
        gaps.append(float(abs(t - s)[real].mean()))
    return sum(gaps) / len(gaps)


__all__ = [
    "DistillConfig",
    "Distiller",
    "distill",
    "hidden_layer_map",
    "logit_gap",
    "make_student",
    "parameter_count",
    "soft_loss",
    "teacher_layers",
]
