"""Task data that breaks the schema stops the run at the validation gate, naming the anomaly,
before any training runs."""

from __future__ import annotations

import csv

import pytest

from bert_tf.pipeline.pipeline_config import PipelineConfig

pytestmark = pytest.mark.slow

TRAIN = [("An array of the given shape.", "numpy"), ("Fit the estimator to data.", "sklearn")] * 10


def _write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (["text", "label"], [("Tokenize a corpus.", "nltk")] * 5, "ENUM_TYPE_UNEXPECTED_STRING"),
        (["text"], [("Tokenize a corpus.",)] * 5, "SCHEMA_MISSING_COLUMN"),
    ],
    ids=["label-outside-schema", "missing-column"],
)
def test_anomaly_stops_the_run(tmp_path, minilm_dir, header, rows, expected):
    from bert_tf.pipeline.components.validation_gate import DataAnomaliesError
    from bert_tf.pipeline.local_run import run_local
    from bert_tf.pipeline.run_status import list_runs

    task = tmp_path / "task"
    _write(task / "train" / "train.csv", ["text", "label"], TRAIN)
    _write(task / "eval" / "eval.csv", header, rows)
    config = PipelineConfig.from_dict(
        {
            "pipeline_root": str(tmp_path / "root"),
            "task_data": {"input_base": str(task)},
            "finetune": {"init": str(minilm_dir)},
        }
    )
    with pytest.raises(DataAnomaliesError) as error:
        run_local(config, report=None)
    assert "eval: label:" in str(error.value) and expected in str(error.value)
    (run,) = list_runs(config.metadata_file)
    assert run.state_of("ValidationGate") == "FAILED"
    assert run.state_of("FinetuneTrainer") is None  # nothing trained
