"""`PretrainingDataGen`: masked LM + NSP instances as TFRecords, through the Beam driver.

Runs `bert_tf.data.pretraining.beam_driver.build_pipeline` on the Beam pipeline TFX builds
from the pipeline's Beam args, so the step runs on the DirectRunner locally and on Dataflow,
Flink or Spark when the config says so. The output is a standard `Examples` artifact with one
split, `train`, the vocabulary its ids refer to (`vocab.txt`) and the job's counts
(`pretraining_stats.json`).

Example:
    >>> data = PretrainingDataGen(corpus=..., vocabulary=..., settings="{}")  # doctest: +SKIP
"""

# No `from __future__ import annotations`: TFX reads these signatures' annotations as types.
import json
import os

import apache_beam as beam
from tfx.components.util import examples_utils
from tfx.dsl.component.experimental.annotations import (
    BeamComponentParameter,
    InputArtifact,
    OutputArtifact,
    Parameter,
)
from tfx.dsl.component.experimental.decorators import component
from tfx.proto import example_gen_pb2
from tfx.types import artifact_utils, standard_artifacts

from bert_tf.pipeline.artifacts import Corpus, Vocabulary, vocab_path
from bert_tf.pipeline.components.vocabulary_gen import corpus_files

TRAIN_SPLIT = "train"
STATS_FILE = "pretraining_stats.json"


@component(use_beam=True)
def PretrainingDataGen(  # noqa: N802 (a TFX component is named like a class)
    corpus: InputArtifact[Corpus],
    vocabulary: InputArtifact[Vocabulary],
    examples: OutputArtifact[standard_artifacts.Examples],
    settings: Parameter[str] = "{}",
    beam_pipeline: BeamComponentParameter[beam.Pipeline] = None,
) -> None:
    """Builds the instances; `settings` is a `PretrainingDataConfig` as JSON."""
    import tensorflow as tf

    from bert_tf.data.pretraining import beam_driver
    from bert_tf.data.pretraining.config import PretrainingDataConfig
    from bert_tf.data.pretraining.stats import PretrainingStats

    config = PretrainingDataConfig(**json.loads(settings))
    vocab = vocab_path(vocabulary.uri)
    split_dir = os.path.join(examples.uri, f"Split-{TRAIN_SPLIT}")
    tf.io.gfile.makedirs(split_dir)
    with beam_pipeline as pipeline:
        beam_driver.build_pipeline(pipeline, corpus_files(corpus), vocab, split_dir, config)
    # What run_beam does after its pipeline: the split is left holding only the TFRecords.
    counts_path = os.path.join(split_dir, beam_driver.COUNTS_FILE)
    with tf.io.gfile.GFile(counts_path, "rb") as handle:
        counts = json.loads(handle.read().decode("utf-8"))
    tf.io.gfile.remove(counts_path)
    parts = os.path.join(split_dir, beam_driver.PARTS_DIR)
    if tf.io.gfile.exists(parts):
        tf.io.gfile.rmtree(parts)
    stats = PretrainingStats()
    stats.add(counts)
    summary = {**stats.summary(), "config": config.to_dict()}
    with tf.io.gfile.GFile(os.path.join(examples.uri, STATS_FILE), "w") as handle:
        handle.write(json.dumps(summary, indent=2))
    tf.io.gfile.copy(vocab, vocab_path(examples.uri), overwrite=True)
    examples.split_names = artifact_utils.encode_split_names([TRAIN_SPLIT])
    # what an ExampleGen records, so the Trainer does not warn that the payload is unknown
    examples_utils.set_payload_format(examples, example_gen_pb2.FORMAT_TF_EXAMPLE)
    examples.set_int_custom_property("instances", int(counts.get("instances", 0)))
