"""`PipelineConfig`: every setting of the TFX pipeline, typed, with defaults that run the tiny
local pipeline on the embedded offline data.

With the defaults, the local runner (`bert_tf.pipeline.local_run`) first writes the offline
corpus (`bert_tf.datasets.offline_corpus`) and the docstring task
(`bert_tf.datasets.docstring_task`) under `<pipeline_root>/inputs/` (once; later runs find them
and so hit the cache), then runs: corpus -> WordPiece vocabulary -> pre-training data ->
pre-train (2 layers, hidden 64, seq 32) -> fine-tune -> evaluate -> canary -> push.

Example:
    >>> config = PipelineConfig.from_dict({"finetune": {"epochs": 2}})
    >>> config.finetune.epochs, config.pretrain.num_train_steps
    (2, 40)
    >>> PipelineConfig.from_dict({"finetune": {"epoch": 2}})
    Traceback (most recent call last):
    ...
    bert_tf.pipeline.typed_config.ConfigError: unknown key finetune.epoch (known keys of ...)
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import TYPE_CHECKING, Any

from bert_tf import storage
from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.pipeline.config_sections import (
    BeamSection,
    CanarySection,
    CompressionSection,
    CorpusSection,
    EvaluationSection,
    FillMaskSection,
    FinetuneSection,
    KubeflowSection,
    PretrainSection,
    PushSection,
    TaskDataSection,
    VocabularySection,
)
from bert_tf.pipeline.typed_config import ConfigError, from_mapping, to_mapping

if TYPE_CHECKING:
    from bert_tf.training.finetune_config import FinetuneConfig
    from bert_tf.training.pretraining_config import PretrainingConfig

TINY_DATA = PretrainingDataConfig(
    max_seq_length=32, max_predictions_per_seq=5, dupe_factor=2, num_shards=2, seed=1
)


@dataclasses.dataclass(frozen=True)
class PipelineConfig:
    """The whole pipeline: where it runs and what each component does.

    Relative paths are taken from the current directory when the pipeline is built.
    """

    name: str = "bert-tf"  # pipeline name in ML Metadata (and the Kubeflow job)
    pipeline_root: str = "pipeline_output/root"  # artifacts, MLMD and work dirs go here
    metadata_path: str = ""  # MLMD SQLite file ("": <pipeline_root>/metadata.sqlite, or
    # metadata/<name>.sqlite under the current directory when the root is a URL)
    enable_cache: bool = True  # reuse outputs of executions with unchanged inputs
    corpus: CorpusSection = CorpusSection()
    task_data: TaskDataSection = TaskDataSection()
    vocabulary: VocabularySection = VocabularySection()
    pretraining_data: PretrainingDataConfig = TINY_DATA
    pretrain: PretrainSection = PretrainSection()
    finetune: FinetuneSection = FinetuneSection()
    evaluation: EvaluationSection = EvaluationSection()
    canary: CanarySection = CanarySection()
    push: PushSection = PushSection()
    fill_mask: FillMaskSection = FillMaskSection()
    compression: CompressionSection = CompressionSection()
    beam: BeamSection = BeamSection()
    kubeflow: KubeflowSection = KubeflowSection()

    # Paths derived from the root (pure: nothing is created here).
    @property
    def metadata_file(self) -> str:
        if self.metadata_path:
            return self.metadata_path
        if storage.is_url(self.pipeline_root):  # SQLite needs a local file
            return os.path.join("metadata", f"{self.name}.sqlite")
        return os.path.join(self.pipeline_root, "metadata.sqlite")

    @property
    def corpus_dir(self) -> str:
        return self.corpus.input_base or storage.join(self.pipeline_root, "inputs", "corpus")

    @property
    def task_dir(self) -> str:
        return self.task_data.input_base or storage.join(self.pipeline_root, "inputs", "task")

    @property
    def serving_dir(self) -> str:
        if self.push.serving_dir:
            return self.push.serving_dir
        root = self.pipeline_root
        parent = (
            storage.dirname(root)
            if storage.is_url(root)
            else os.path.dirname(os.path.abspath(root))
        )
        return storage.join(parent, "serving")

    @property
    def student_model_name(self) -> str:
        """The compressed model's servable name."""
        method = self.compression.method.replace("+", "_")
        return self.compression.model_name or f"{self.push.model_name}_{method}"

    @property
    def imports_checkpoint(self) -> bool:
        """Fine-tuning starts from a named checkpoint: no vocabulary or pre-training steps."""
        return bool(self.finetune.init)

    def __post_init__(self) -> None:
        """The training sections are checked as the library configs they become."""
        if self.fill_mask.model_name and self.imports_checkpoint:
            raise ConfigError(
                "fill_mask.model_name serves the pipeline's own pre-trained model, but "
                "finetune.init imports a checkpoint (no pre-training runs); export an imported "
                "checkpoint with `bert-tf export --task fill_mask` instead"
            )
        if self.compression.method and self.student_model_name == self.push.model_name:
            raise ConfigError(
                f"compression.model_name and push.model_name are both {self.push.model_name!r};"
                " the student is pushed as its own servable"
            )
        if self.fill_mask.model_name and self.fill_mask.model_name == self.push.model_name:
            raise ConfigError(
                f"fill_mask.model_name and push.model_name are both {self.push.model_name!r}; "
                "the two servables need their own names"
            )
        self.pretraining_config(train_data="records", output_dir="work", vocab=None)
        self.finetune_config(train_file="train", eval_file="eval", output_dir="run", init="init")

    def pretraining_config(self, **filled_in: Any) -> PretrainingConfig:
        """The pre-training Trainer's `PretrainingConfig`: the `pretrain` section, the casing
        and the sequence lengths of the pre-training data, and `filled_in` (`train_data`,
        `output_dir`, `vocab`)."""
        from bert_tf.training.pretraining_config import PretrainingConfig

        return PretrainingConfig(
            **to_mapping(self.pretrain),
            lower_case=self.vocabulary.lower_case,
            max_seq_length=self.pretraining_data.max_seq_length,
            max_predictions_per_seq=self.pretraining_data.max_predictions_per_seq,
            **filled_in,
        )

    def finetune_config(self, **filled_in: Any) -> FinetuneConfig:
        """The fine-tuning Trainer's `FinetuneConfig`: `task_data.task`, the `finetune`
        section, the vocabulary's casing, and `filled_in` (`train_file`, `eval_file`,
        `output_dir`, `init`)."""
        from bert_tf.training.finetune_config import FinetuneConfig

        values = {**to_mapping(self.finetune), **filled_in}
        return FinetuneConfig(
            task=self.task_data.task, lower_case=self.vocabulary.lower_case, **values
        )

    def replace(self, **changes: Any) -> PipelineConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return to_mapping(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> PipelineConfig:
        return from_mapping(cls, values)

    @classmethod
    def load(cls, path: str | os.PathLike) -> PipelineConfig:
        """Read a YAML (.yaml/.yml) or JSON file; an empty file gives the defaults."""
        text = storage.read_text(path)
        if str(path).endswith((".yaml", ".yml")):
            import yaml

            values = yaml.safe_load(text)
        else:
            values = json.loads(text) if text.strip() else None
        return cls.from_dict(values or {})

    def save(self, path: str | os.PathLike) -> None:
        storage.write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")
