"""The pipeline's Beam steps on separate SDK worker processes: the DirectRunner's
`multi_processing` mode with two workers (the Fn API worker harness Dataflow and Flink run)
writes what the default in-memory mode writes, byte for byte.

Covered: word counting for the vocabulary and the pre-training data job (against the local
job, itself equal to the in-memory mode), and the TFX executors that take the pipeline's
`beam.args` (TaskExampleGen, then StatisticsGen over its output) in both modes: the same
records and statistics, though the runner writes one file per worker and the features come
in another order.
"""

from __future__ import annotations

import glob
import json
from pathlib import Path

import pytest

from bert_tf.pipeline.config_sections import BeamSection

IN_MEMORY = list(BeamSection().args)
WORKERS = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
MODES = {"in_memory": IN_MEMORY, "multi_processing": WORKERS}


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(Path(path).relative_to(directory)): Path(path).read_bytes()
        for path in sorted(glob.glob(str(directory / "**" / "*"), recursive=True))
        if Path(path).is_file()
    }


@pytest.fixture(scope="module")
def corpus(real_corpus, tmp_path_factory) -> Path:
    """Two files of real text, so the jobs have several units of work."""
    text = real_corpus.read_text(encoding="utf-8")
    directory = tmp_path_factory.mktemp("beam_corpus")
    (directory / "a.txt").write_text(text[:60_000], encoding="utf-8")
    (directory / "b.txt").write_text(text[60_000:120_000], encoding="utf-8")
    return directory


def test_word_counts_are_the_same_on_worker_processes(corpus):
    """Against the local job (which tests/text shows equal to Beam's in-memory mode)."""
    from bert_tf.text.word_count_beam import count_words_beam
    from bert_tf.text.word_counting import count_words

    pattern = str(corpus / "*.txt")
    local = count_words([pattern], True, split_bytes=20_000, workers=0, progress=False)
    workers = count_words_beam([pattern], True, beam_pipeline_args=WORKERS, split_bytes=20_000)
    assert workers == local and sum(local.values()) > 15_000


def test_pretraining_data_is_the_same_on_worker_processes(corpus, minilm_vocab, tmp_path):
    """Against the local job (which tests/data shows byte-identical to Beam's in-memory
    mode)."""
    from bert_tf.data.pretraining import create_pretraining_data

    options = dict(max_seq_length=64, max_predictions_per_seq=10, num_shards=3,
                   chunk_bytes=16 * 1024, progress=False)  # fmt: skip
    local = create_pretraining_data([str(corpus / "*.txt")], str(minilm_vocab),
                                    str(tmp_path / "local"), num_workers=0, **options)  # fmt: skip
    beam = create_pretraining_data([str(corpus / "*.txt")], str(minilm_vocab),
                                   str(tmp_path / "workers"), runner="beam", beam_args=WORKERS,
                                   **options)  # fmt: skip
    shards = {k: v for k, v in _files(tmp_path / "local").items() if k != "stats.json"}
    assert len(shards) == 3 and local["instances"] > 100
    workers = _files(tmp_path / "workers")
    assert {name: workers[name] for name in shards} == shards
    for key in ("instances", "documents", "masked", "random_next"):
        assert beam[key] == local[key], key


def test_tfx_beam_executors_are_the_same_on_worker_processes(tmp_path):
    from task_files import SHAPE_CASES
    from tfx.components.statistics_gen import executor as statistics_executor
    from tfx.dsl.components.base import base_beam_executor
    from tfx.proto import example_gen_pb2
    from tfx.types import standard_artifacts
    from tfx.utils import proto_utils

    from bert_tf.pipeline.components.task_example_gen import TaskFilesExecutor, task_config

    case = next(case for case in SHAPE_CASES if case.name == "squad")
    for split in ("train", "eval"):
        (tmp_path / "task" / split).mkdir(parents=True)
        case.make_file(tmp_path / "task" / split / f"{split}{case.suffix}")
    splits = [example_gen_pb2.Input.Split(name=s, pattern=f"{s}/*{case.suffix}")
              for s in ("train", "eval")]  # fmt: skip
    properties = {
        "input_base": str(tmp_path / "task"),
        "input_config": proto_utils.proto_to_json(example_gen_pb2.Input(splits=splits)),
        "output_config": proto_utils.proto_to_json(example_gen_pb2.Output()),
        "custom_config": proto_utils.proto_to_json(task_config(case.task, case.options)),
        "output_data_format": example_gen_pb2.FORMAT_TF_EXAMPLE,
        "output_file_format": example_gen_pb2.FORMAT_TFRECORDS_GZIP,
    }
    for mode, args in MODES.items():
        context = base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=args)
        examples = standard_artifacts.Examples()
        examples.uri = str(tmp_path / mode / "examples")
        TaskFilesExecutor(context).Do({}, {"examples": [examples]}, properties)
        statistics = standard_artifacts.ExampleStatistics()
        statistics.uri = str(tmp_path / mode / "statistics")
        statistics_executor.Executor(context).Do(
            {"examples": [examples]}, {"statistics": [statistics]}, {}
        )
    for split in ("train", "eval"):
        records = {mode: _records(tmp_path / mode / "examples" / f"Split-{split}")
                   for mode in MODES}  # fmt: skip
        assert records["in_memory"] and records["multi_processing"] == records["in_memory"]
        statistics = {mode: _statistics(tmp_path / mode / "statistics" / f"Split-{split}")
                      for mode in MODES}  # fmt: skip
        assert statistics["multi_processing"] == statistics["in_memory"], split


def _records(split_dir: Path) -> list[str]:
    """The records of a split, decoded and sorted: the runner picks how many files to write
    (one in memory, one per worker here), and a process orders a record's map of features
    as it likes when serializing."""
    from bert_tf.tasks.task_records import read_records

    return sorted(json.dumps(fields, sort_keys=True) for fields in read_records(split_dir))


def _statistics(split_dir: Path) -> list:
    """The statistics of a split, feature by feature (the workers list them in another
    order)."""
    from tensorflow_metadata.proto.v0 import statistics_pb2

    stats = statistics_pb2.DatasetFeatureStatisticsList.FromString(
        (split_dir / "FeatureStats.pb").read_bytes()
    )
    (dataset,) = stats.datasets
    assert dataset.num_examples > 0
    return sorted((str(f.path), f.SerializeToString(deterministic=True)) for f in dataset.features)
