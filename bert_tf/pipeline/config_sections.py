"""The sections of `PipelineConfig`, one frozen dataclass per pipeline stage.

Every default runs the tiny local pipeline. The two training sections are the library's own
configs: `PretrainSection` has the fields of `PretrainingConfig` and `FinetuneSection` those
of `FinetuneConfig` (same names, types and checks), less the ones the pipeline fills in from
its artifacts (data files, output directory, vocabulary, casing, sequence lengths of the
pre-training data), with defaults for the tiny pipeline.

Example:
    >>> FinetuneSection().epochs, FinetuneSection().warmup_ratio, EvaluationSection().max_drop
    (6, 0.1, 0.05)
    >>> TaskDataSection(task="squad-v1.1").task
    'squad-v1.1'
"""

from __future__ import annotations

import copy
import dataclasses
import typing
from typing import Any

from bert_tf.training.finetune_config import FinetuneConfig
from bert_tf.training.pretraining_config import PretrainingConfig

TINY_ARCHITECTURE = {"num_layers": 2, "hidden_size": 64, "num_heads": 2, "intermediate_size": 128}


def section_of(
    name: str, config_class: type, filled_in: tuple[str, ...], defaults: dict[str, Any], doc: str
) -> type:
    """A frozen dataclass with `config_class`'s fields except `filled_in`, `defaults` replacing
    the library's defaults (field help and types are kept)."""
    hints = typing.get_type_hints(config_class)
    fields = []
    for field in dataclasses.fields(config_class):
        if field.name in filled_in:
            continue
        if field.name in defaults:
            value = defaults[field.name]
        elif field.default_factory is not dataclasses.MISSING:
            value = field.default_factory()
        else:
            value = field.default
        if value is dataclasses.MISSING:
            raise TypeError(f"{config_class.__name__}.{field.name} needs a pipeline default")
        spec = dataclasses.field(
            default_factory=lambda value=value: copy.deepcopy(value), metadata=field.metadata
        )
        fields.append((field.name, hints[field.name], spec))
    section = dataclasses.make_dataclass(name, fields, frozen=True)
    section.__doc__ = doc
    section.__module__ = __name__
    return section


@dataclasses.dataclass(frozen=True)
class CorpusSection:
    """The pre-training corpus: text files, one sentence per line, blank lines between docs."""

    input_base: str = ""  # directory of text files ("": the offline corpus, see PipelineConfig)
    file_pattern: str = "*.txt"  # glob under input_base
    offline_bytes: int = 300_000  # size of the default offline corpus the runner writes


@dataclasses.dataclass(frozen=True)
class TaskDataSection:
    """The fine-tuning task: its name (any `bert-tf finetune --task`) and its files, in the
    task's own format (CSV/TSV/JSONL rows, GLUE TSV, SQuAD JSON, CoNLL, SWAG CSV, ...)."""

    task: str = "csv"  # csv: rows text[,text_pair],label with a header
    input_base: str = ""  # directory of task files ("": the task's offline set, if it has one)
    train_pattern: str = "train/*"  # glob under input_base for the train split
    eval_pattern: str = "eval/*"  # glob for the eval split ("": hash-split train_pattern)
    hash_buckets: list[int] = dataclasses.field(default_factory=lambda: [4, 1])  # train, eval
    schema_file: str = ""  # curated schema.pbtxt (ImportSchemaGen); "": infer from train
    offline_train: int = 200  # offline set's train size (csv: rows per label; else examples)
    offline_eval: int = 25  # offline set's eval size (csv: rows per label; else examples)


@dataclasses.dataclass(frozen=True)
class VocabularySection:
    """WordPiece vocabulary: learned from the corpus unless `vocab_file` names one."""

    vocab_file: str = ""  # an existing vocab.txt (skips learning)
    vocab_size: int = 2000  # largest vocabulary learned
    lower_case: bool = True  # uncased vocabulary and tokenizer


# Filled in by the pipeline: the records, work directory and vocabulary of its artifacts, and
# the sequence lengths and casing the pre-training data was written with.
PRETRAIN_FILLED_IN = (
    "train_data", "output_dir", "vocab", "lower_case", "max_seq_length", "max_predictions_per_seq",
)  # fmt: skip
PretrainSection = section_of(
    "PretrainSection",
    PretrainingConfig,
    PRETRAIN_FILLED_IN,
    {
        "config_overrides": dict(TINY_ARCHITECTURE),
        "batch_size": 16,
        "num_train_steps": 40,
        "num_warmup_steps": 4,
        "learning_rate": 1e-3,
        "checkpoint_every": 10,
        "verbose": 2,
    },
    "Pre-training Trainer: `PretrainingConfig`'s fields (`bert_tf.training.pretraining_run`).",
)

# Filled in by the pipeline: the task (task_data.task), its ExampleGen splits, the Trainer's
# run directory, and the vocabulary and casing of the base model.
FINETUNE_FILLED_IN = ("task", "train_file", "eval_file", "output_dir", "test_file", "vocab",
                      "lower_case")  # fmt: skip
FinetuneSection = section_of(
    "FinetuneSection",
    FinetuneConfig,
    FINETUNE_FILLED_IN,
    {
        "init": "",  # "": the pre-trained model; else any checkpoint bert-tf reads
        "max_seq_length": 32,
        "epochs": 6,
        "batch_size": 32,
        "learning_rate": 1e-3,
        "verbose": 2,
    },
    "Fine-tuning Trainer + export: `FinetuneConfig`'s fields (`bert_tf.training.finetune_run`);"
    " `init` is empty for the pipeline's own pre-trained model.",
)


@dataclasses.dataclass(frozen=True)
class EvaluationSection:
    """TaskEvaluator: the served model's official task metric on the eval split; a model is
    blessed at or above `lower_bound` and at most `max_drop` below the last blessed one.
    Values are on the metric's own scale (accuracy 0-1; SQuAD EM/F1 and entity F1 0-100)."""

    metric: str = ""  # "": the task's main metric (accuracy, f1, matthews_corr, pearson, ...)
    lower_bound: float = 0.3  # value threshold (4 balanced classes: chance is 0.25)
    max_drop: float = 0.05  # change threshold: at most this much below the blessed model


@dataclasses.dataclass(frozen=True)
class CanarySection:
    """Serving canary: the candidate answers its warm-up and golden requests in a fresh
    process; or, for production, TFX's InfraValidator on TF Serving (Docker/Kubernetes)."""

    golden_requests: int = 8  # eval rows replayed through serving_default
    timeout_seconds: int = 300
    use_infra_validator: bool = False
    serving_image: str = "tensorflow/serving"  # InfraValidator image name
    serving_tag: str = "2.16.1"


@dataclasses.dataclass(frozen=True)
class PushSection:
    """Pusher: `<serving_dir>/<model_name>/<version>/`, what TF Serving and `bert-tf serve` read."""

    serving_dir: str = ""  # "": serving/ beside the pipeline root
    model_name: str = "bert_tf_docstring"


@dataclasses.dataclass(frozen=True)
class FillMaskSection:
    """The pre-trained model as a fill-mask servable (`FillMaskExport` -> its own Pusher):
    pushed to `<serving_dir>/<model_name>/<version>/` when it names a masked-out corpus word
    in its top_k at least `lower_bound` percent of the time and answers the canary."""

    model_name: str = ""  # "": no fill-mask servable (needs the pipeline's own pre-training)
    top_k: int = 5  # candidates answered per [MASK]
    seq_length: int = 0  # tokens per request (0: the pre-training data's max_seq_length)
    eval_sentences: int = 200  # corpus sentences with one word masked, scored as served
    metric: str = "recall_at_k"  # or "accuracy" (top-1), both in percent
    lower_bound: float = 0.0  # value threshold on `metric`
    golden_requests: int = 8  # masked sentences replayed by the canary in a fresh process


@dataclasses.dataclass(frozen=True)
class CompressionSection:
    """The fine-tuned model compressed (`ModelCompressor`), judged against it as the teacher
    (`StudentEvaluator`: at most `max_drop` below it on the task's main metric, and at least
    `evaluation.lower_bound`), canaried and pushed as its own servable (`StudentPusher`).
    `max_drop` is on the metric's own scale: 0.005 is half a point of accuracy; SQuAD and
    entity F1 are in percent (1.0 is one point)."""

    method: str = ""  # "": no compression; "distill", "int8" or "distill+int8"
    model_name: str = ""  # the student's servable ("": <push.model_name>_<method>)
    max_drop: float = 0.005  # change threshold against the teacher
    num_layers: int = 0  # student encoder layers (0: half the teacher's)
    hidden_size: int = 0  # student width (0: the teacher's)
    layer_map: str = "every_other"  # teacher layers copied into the student (or "first", ...)
    temperature: float = 2.0  # softened distributions; the KL term is scaled by T^2
    alpha: float = 0.5  # weight of the teacher's soft targets (1 - alpha: the gold labels)
    hidden_weight: float = 0.0  # weight of the hidden-state MSE (0: logits only)
    epochs: int = 3  # distillation passes over the train split
    learning_rate: float = 1e-4  # peak rate (warm-up, then linear decay)
    batch_size: int = 32

    def __post_init__(self) -> None:
        if self.method not in ("", "distill", "int8", "distill+int8"):
            raise ValueError(
                f"method must be distill, int8 or distill+int8 (or empty), got {self.method!r}"
            )

    def compress_settings(self) -> dict[str, Any]:
        """`compress_run`'s keyword arguments (with `DistillConfig` fields) of this section."""
        settings: dict[str, Any] = {
            "layer_map": self.layer_map,
            "batch_size": self.batch_size,
            "temperature": self.temperature,
            "alpha": self.alpha,
            "hidden_weight": self.hidden_weight,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "verbose": 2,
        }
        if self.num_layers:
            settings["num_layers"] = self.num_layers
        if self.hidden_size:
            settings["hidden_size"] = self.hidden_size
        return settings


@dataclasses.dataclass(frozen=True)
class BeamSection:
    """Beam pipeline args of every Beam step (ExampleGen, StatisticsGen, pre-training data,
    Evaluator). Examples:
      Dataflow: --runner=DataflowRunner --project=P --region=R --temp_location=gs://B/tmp
      Flink:    --runner=FlinkRunner --flink_master=HOST:8081 --environment_type=LOOPBACK
      Spark:    --runner=SparkRunner --spark_master_url=spark://HOST:7077
                --environment_type=LOOPBACK
    """

    args: list[str] = dataclasses.field(
        default_factory=lambda: ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
    )


@dataclasses.dataclass(frozen=True)
class KubeflowSection:
    """Kubeflow Pipelines v2 / Vertex AI compilation."""

    image: str = "bert-tf-pipeline:0.1.0"  # built from pipelines/Dockerfile
