"""The sections of `PipelineConfig`, one frozen dataclass per pipeline stage.

Every default runs the tiny local pipeline; `settings` mappings pass any further field of the
library's own config (`PretrainingConfig`, `FinetuneConfig`) through unchanged.

Example:
    >>> FinetuneSection().epochs, EvaluationSection().metric
    (6, 'accuracy')
"""

from __future__ import annotations

import dataclasses
from typing import Any

TINY_ARCHITECTURE = {"num_layers": 2, "hidden_size": 64, "num_heads": 2, "intermediate_size": 128}


@dataclasses.dataclass(frozen=True)
class CorpusSection:
    """The pre-training corpus: text files, one sentence per line, blank lines between docs."""

    input_base: str = ""  # directory of text files ("": the offline corpus, see PipelineConfig)
    file_pattern: str = "*.txt"  # glob under input_base
    offline_bytes: int = 300_000  # size of the default offline corpus the runner writes


@dataclasses.dataclass(frozen=True)
class TaskDataSection:
    """The fine-tuning task files (CSV with a header: text[,text_pair],label)."""

    input_base: str = ""  # directory of CSVs ("": the docstring task, see PipelineConfig)
    train_pattern: str = "train/*.csv"  # glob under input_base for the train split
    eval_pattern: str = "eval/*.csv"  # glob for the eval split ("": hash-split train_pattern)
    hash_buckets: list[int] = dataclasses.field(default_factory=lambda: [4, 1])  # train, eval
    schema_file: str = ""  # curated schema.pbtxt (ImportSchemaGen); "": infer from train
    train_per_class: int = 200  # default docstring task: train rows per label
    eval_per_class: int = 25  # default docstring task: eval rows per label


@dataclasses.dataclass(frozen=True)
class VocabularySection:
    """WordPiece vocabulary: learned from the corpus unless `vocab_file` names one."""

    vocab_file: str = ""  # an existing vocab.txt (skips learning)
    vocab_size: int = 2000  # largest vocabulary learned
    lower_case: bool = True  # uncased vocabulary and tokenizer


@dataclasses.dataclass(frozen=True)
class PretrainSection:
    """Pre-training Trainer (`bert_tf.training.pretraining_run.run_pretraining`)."""

    preset: str = "bert_tiny"  # BertConfig preset
    config_overrides: dict[str, Any] = dataclasses.field(
        default_factory=lambda: dict(TINY_ARCHITECTURE)
    )  # BertConfig overrides of the preset
    batch_size: int = 16
    num_train_steps: int = 40
    num_warmup_steps: int = 4
    learning_rate: float = 1e-3
    checkpoint_every: int = 10  # steps between checkpoints a killed run resumes from
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)  # PretrainingConfig


@dataclasses.dataclass(frozen=True)
class FinetuneSection:
    """Fine-tuning Trainer (`bert_tf.training.finetune_run.run_finetuning`) + export."""

    init: str = ""  # "": the pre-trained model; else an HF checkpoint dir or package:NAME/PATH
    max_seq_length: int = 32
    epochs: int = 6
    batch_size: int = 32
    learning_rate: float = 1e-3
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)  # FinetuneConfig fields


@dataclasses.dataclass(frozen=True)
class EvaluationSection:
    """Evaluator (TFMA on `serve_examples`): blesses a model above both thresholds."""

    metric: str = "accuracy"  # exact match of the predicted and gold `label`
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
