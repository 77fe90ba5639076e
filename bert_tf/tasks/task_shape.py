"""`TaskShape`: everything specific to one kind of fine-tuning task, as one registered unit.

A shape (classification, span QA, tagging, embeddings, ...) owns its frozen
config (`TaskConfig` subclass, validated when built), its readers keyed by file format, its
features, its Keras head, its metrics (the official ones in `bert_tf.evaluation`), its
serving signatures (a `ServingModule` subclass) and its serving result types. Fine-tuning,
evaluation, export, serving and the pipeline look shapes up in `bert_tf.tasks` by task name
("glue/mrpc", "squad-v2.0", "conll") or by the served task of an export's contract, and never
switch on shape names themselves. Training only the head on frozen features
(`freeze_encoder`, the paper's feature-based approach) is an option of every shape.

Example:
    >>> from bert_tf.tasks import task_shape
    >>> task = task_shape("glue/mrpc").from_options("glue/mrpc", max_seq_length=64)
    >>> task.shape, task.config.max_seq_length, task.get_config()["labels"]
    ('classification', 64, ['0', '1'])
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np


@dataclasses.dataclass(frozen=True)
class TaskConfig:
    """Settings every shape has; each shape's config adds its own fields."""

    task: str  # the task name as given on the command line ("glue/mrpc", "conll")
    labels: tuple[str, ...] | None = None  # class / tag names (None: learned from train data)
    max_seq_length: int = 128  # tokens per feature (window)
    freeze_encoder: bool = False  # feature-based: train only a head on frozen features
    feature_layers: tuple[int, ...] | None = None  # with freeze_encoder: layers to concatenate

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalize lists from JSON into tuples once
        set_(self, "task", str(self.task).lower())
        if self.labels is not None:
            set_(self, "labels", tuple(str(label) for label in self.labels))
        if self.feature_layers is not None:
            set_(self, "feature_layers", tuple(int(i) for i in self.feature_layers))
        if not isinstance(self.max_seq_length, int) or self.max_seq_length < 8:
            raise ValueError(f"max_seq_length must be an integer >= 8, got {self.max_seq_length!r}")
        if self.feature_layers and self.feature_layers != (-1,) and not self.freeze_encoder:
            raise ValueError("--feature-layers needs --freeze-encoder (the feature-based head)")

    def to_json(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}

    @classmethod
    def option_names(cls) -> list[str]:
        return [field.name for field in dataclasses.fields(cls)]


def load_object(reference: str) -> Any:
    """The object named by "package.module:attribute" (imported on first use)."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


class TaskShape:
    """Base of the task shapes; a subclass fills in the shape-specific methods.

    Class attributes a shape sets: `shape` (its name), `task_names` (command-line names it
    answers; a name ending in "/" is a family such as "glue/"), `served_as` (the task names
    its exports write into their contract), `config_class`, `main_metric` (picks the best
    epoch; higher is better), `predictions_file`, `model_class`, `serving_module` and
    `results` ("module:Class" references, imported on first use), and `sample_inputs` (raw inputs
    of its serving signature, for warm-up requests and tests).

    Args:
        config: the shape's `TaskConfig`.
    """

    shape: ClassVar[str] = ""
    fine_tunes: ClassVar[bool] = True  # False: a shape served from a pre-trained encoder
    task_names: ClassVar[tuple[str, ...]] = ()
    served_as: ClassVar[tuple[str, ...]] = ()
    config_class: ClassVar[type[TaskConfig]] = TaskConfig
    main_metric: ClassVar[str] = "accuracy"
    predictions_file: ClassVar[str] = "predictions.tsv"
    model_class: ClassVar[str] = ""
    serving_module: ClassVar[str] = ""
    results: ClassVar[dict[str, str]] = {}
    sample_inputs: ClassVar[dict[str, list[str]]] = {}
    free_text_fields: ClassVar[tuple[str, ...]] = ()  # record fields of free text (no enum)

    def __init__(self, config: TaskConfig) -> None:
        if not isinstance(config, self.config_class):
            raise TypeError(f"{type(self).__name__} takes a {self.config_class.__name__}")
        self.config = config

    @classmethod
    def from_options(cls, task: str, **options: Any) -> TaskShape:
        """The shape for `task` from keyword options; unknown options are refused by name."""
        known = cls.config_class.option_names()
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)}: not options of the {cls.shape} task {task!r} "
                f"(its options: {', '.join(name for name in known if name != 'task')})"
            )
        return cls(cls.config_class(task=task, **options))

    def replace(self, **changes: Any) -> None:
        """Replaces config fields (a new frozen config, validated again)."""
        self.config = dataclasses.replace(self.config, **changes)

    # --- what every caller reads ------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.config.task

    @property
    def labels(self) -> list[str] | None:
        return None if self.config.labels is None else list(self.config.labels)

    @property
    def max_seq_length(self) -> int:
        return self.config.max_seq_length

    @property
    def freeze_encoder(self) -> bool:
        return self.config.freeze_encoder

    @property
    def feature_layers(self) -> list[int] | None:
        layers = self.config.feature_layers
        if not self.freeze_encoder:
            return None
        return list(layers) if layers else [-1]

    def get_config(self) -> dict[str, Any]:
        return self.config.to_json()

    # --- data -------------------------------------------------------------------------------
    def read(self, path: str | os.PathLike) -> list:
        """The examples of one file of this task: its own formats (`read_file`), or TFRecords
        of `tf.train.Example`s with the shape's raw fields (a `.tfrecord[.gz]` file or a
        directory of them, such as an ExampleGen split)."""
        from bert_tf import storage
        from bert_tf.tasks.task_records import is_record_path, read_records

        if is_record_path(path):
            return [self.from_record(fields) for fields in read_records(path)]
        return self.read_file(storage.local_copy(os.fspath(path)))  # readers take local files

    def read_file(self, path: str | os.PathLike) -> list:
        """The examples of one file in a format of this shape's own (CSV, SQuAD JSON, ...)."""
        raise NotImplementedError

    def to_record(self, example: Any) -> dict[str, Any]:
        """The raw fields of one example, for a `tf.train.Example` (see `task_records`)."""
        raise ValueError(f"the {self.shape} shape has no task records")

    def from_record(self, fields: Mapping[str, list[Any]]) -> Any:
        """The example back from the decoded fields of its record."""
        raise ValueError(f"the {self.shape} shape has no task records")

    def serving_request(self, example: Any) -> dict[str, Any]:
        """The raw inputs of `serving_default` that ask the model about `example`."""
        raise NotImplementedError

    @staticmethod
    def is_labelled(examples: Sequence[Any]) -> bool:
        """Whether every example has gold labels (test files do not; no metrics then)."""
        for example in examples:
            if getattr(example, "label", "") is None or getattr(example, "labels", "") is None:
                return False
            if hasattr(example, "answers") and not (example.answers or example.is_impossible):
                return False
        return True

    def learn_from(self, examples: Sequence[Any]) -> None:
        """Fills in what the training examples decide (label set, pairs, number of choices)."""
        if self.labels is None:
            raise ValueError(f"task {self.name} cannot learn its labels from data")

    def build_features(self, tokenizer: Any, examples: Sequence[Any]) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def targets(self, features: Mapping[str, np.ndarray]) -> Any:
        """The `y` of `model.fit` for these features (their `labels`, unless a shape differs)."""
        return features["labels"]

    # --- model ------------------------------------------------------------------------------
    def num_outputs(self) -> int:
        return len(self.labels or [])

    def build_model(self, backbone: Any, dropout: float = 0.1) -> Any:
        """The shape's Keras head on `backbone` (frozen, on `feature_layers`, with
        `freeze_encoder`)."""
        raise NotImplementedError

    def compile(self, model: Any, optimizer: Any) -> None:
        """Compiles `model` with its own default loss and metrics."""
        model.compile(optimizer=optimizer)

    # --- prediction and scoring -------------------------------------------------------------
    @staticmethod
    def model_outputs(model: Any, features: Mapping[str, np.ndarray], batch_size: int = 64):
        """Runs the model over the features' inputs (numpy out, dicts kept)."""
        from bert_tf.models.bert_backbone import INPUT_NAMES

        inputs = {key: features[key] for key in INPUT_NAMES}
        return model.predict(inputs, batch_size=batch_size, verbose=0)

    def predict(
        self,
        model: Any,
        examples: Sequence[Any],
        features: Mapping[str, np.ndarray],
        batch_size: int = 64,
    ) -> Any:
        """One prediction per example (aggregated over its windows)."""
        raise NotImplementedError

    def metrics(self, examples: Sequence[Any], predictions: Any) -> dict[str, float]:
        raise NotImplementedError

    def write_predictions(
        self, out_dir: str | os.PathLike, examples: Sequence[Any], predictions: Any
    ) -> str:
        """Writes the predictions file into `out_dir` (any `storage` path); returns its path."""
        raise NotImplementedError

    def write_index_predictions(self, out_dir: str | os.PathLike, rows: Sequence[tuple]) -> str:
        """`index<TAB>prediction` lines (GLUE's submission format) as `predictions_file`."""
        from bert_tf import storage
        from bert_tf.tasks.prediction_files import write_index_predictions

        return write_index_predictions(storage.join(out_dir, self.predictions_file), rows)

    def served_metrics(self, examples: Sequence[Any], results: Sequence[Any]) -> dict[str, float]:
        """The official metrics of a served model's answers: one typed result of
        `serving_default` (`result_type`) per example, asked with `serving_request`."""
        raise ValueError(f"the {self.shape} shape has no metrics of served answers")

    def score_files(self, gold: str | None, predictions: str, **options: Any) -> dict[str, float]:
        """The official metrics of a predictions file (as `write_predictions` writes it)
        against a labelled gold file of this task (`bert-tf score`)."""
        from bert_tf.tasks.prediction_files import align_to_examples, read_index_predictions

        self.refuse_options(options)
        if not gold:
            raise ValueError(f"--task {self.name} needs --gold")
        examples = self.read(gold)
        if not examples or not self.is_labelled(examples):
            raise ValueError(f"{gold}: no labels to score against; score against a dev file")
        keyed = read_index_predictions(predictions)
        return self.score_values(examples, align_to_examples(keyed, examples, predictions, gold))

    def score_values(self, examples: Sequence[Any], values: Sequence[Any]) -> dict[str, float]:
        """Metrics of one predicted value per example (a label name, score or index)."""
        raise ValueError(f"task {self.name} has no scorer for predictions files")

    def refuse_options(self, options: dict[str, Any], allowed: Sequence[str] = ()) -> None:
        """ValueError naming a scoring option this task does not take."""
        for name, value in options.items():
            if value is not None and name not in allowed:
                flag = "--" + name.replace("_", "-")
                raise ValueError(f"{flag} does not apply to --task {self.name}")

    # --- serving ----------------------------------------------------------------------------
    @property
    def served_task(self) -> str:
        """The task name this model's export writes into its contract."""
        return self.served_as[0]

    @property
    def pair(self) -> bool:
        """Whether the model reads (text, text_pair): shapes with a `pair` setting say so."""
        return bool(getattr(self.config, "pair", False))

    def serving_settings(self) -> dict[str, Any]:
        """What the serving signatures need beyond the model, preprocessor and labels."""
        return {}

    @classmethod
    def model_type(cls) -> type:
        """The shape's Keras task model class."""
        return load_object(cls.model_class)

    @classmethod
    def signatures_class(cls) -> type:
        """The `ServingModule` subclass that serves this shape."""
        return load_object(cls.serving_module)

    @classmethod
    def result_type(cls, served_task: str) -> type:
        """The typed answer of one `serving_default` row for a served task of this shape."""
        if served_task not in cls.results:
            raise ValueError(f"the {cls.shape} shape serves {cls.served_as}, not {served_task!r}")
        return load_object(cls.results[served_task])
