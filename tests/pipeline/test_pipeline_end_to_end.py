"""The whole pipeline on the default (tiny) config, one shared set of runs on one root:

1. a run killed midway through pre-training (SIGKILL from the run_fn's fault injection),
2. the rerun: finished components come from the cache, pre-training resumes from its step
   checkpoint, and the model is blessed, canaried and pushed,
3. an unchanged rerun: every component is CACHED,
4. a worse fine-tune (more than max_drop below the blessed model): not blessed, not pushed,
5. a value threshold the model cannot reach: not blessed, not pushed,
6. the pre-trained model also pushed as a fill-mask servable (the rest from the cache), and
   not pushed when it cannot reach its recall threshold,
7. the fine-tuned model compressed: int8 within the allowed drop, pushed as its own servable;
   a student that loses more than allowed (a randomly initialised one, barely trained) not.
The pushed SavedModels are served by `bert-tf serve` and answer through the client.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bert_tf.pipeline.config_sections import CompressionSection, FillMaskSection
from bert_tf.pipeline.pipeline_config import PipelineConfig
from bert_tf.pipeline.pretrain_trainer import KILL_AT_STEP_ENV, SUMMARY_FILE

pytestmark = pytest.mark.slow
KILL_AT = 20  # a checkpoint step (checkpoint_every=10) of the 40 steps
FILL_MASK = "bert_tf_fill_mask"


def _finetune(config: PipelineConfig, **changes) -> PipelineConfig:
    return config.replace(finetune=dataclasses.replace(config.finetune, **changes))


def _evaluation(config: PipelineConfig, **changes) -> PipelineConfig:
    return config.replace(evaluation=dataclasses.replace(config.evaluation, **changes))


def _versions(config: PipelineConfig, name: str = "") -> list[str]:
    base = Path(config.serving_dir) / (name or config.push.model_name)
    return sorted(p.name for p in base.iterdir()) if base.is_dir() else []


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from bert_tf.pipeline.local_run import run_local
    from bert_tf.pipeline.run_status import list_runs

    root = tmp_path_factory.mktemp("pipeline")
    config = PipelineConfig.from_dict(
        {"pipeline_root": str(root / "root"), "push": {"serving_dir": str(root / "serving")}}
    )
    config.save(root / "config.json")
    env = {**os.environ, KILL_AT_STEP_ENV: str(KILL_AT)}
    command = [sys.executable, "-m", "bert_tf.cli", "pipeline", "run"]
    killed = subprocess.run(
        [*command, "--config", str(root / "config.json")], env=env, capture_output=True, text=True
    )
    result = {"config": config, "killed_rc": killed.returncode, "killed_log": killed.stderr}
    result["killed"] = list_runs(config.metadata_file)[-1]
    result["resumed"] = run_local(config)
    result["versions_after_resume"] = _versions(config)
    result["cached"] = run_local(config)
    worse = _evaluation(_finetune(config, learning_rate=1e-9, epochs=1), lower_bound=0.0)
    result["worse"] = run_local(worse)
    result["versions_after_worse"] = _versions(config)
    result["unreachable"] = run_local(_evaluation(config, lower_bound=0.99))
    result["versions_after_unreachable"] = _versions(config)
    fill_mask = config.replace(fill_mask=FillMaskSection(model_name=FILL_MASK, top_k=3))
    result["fill_mask"] = run_local(fill_mask)
    result["fill_mask_versions"] = _versions(fill_mask, FILL_MASK)
    unreachable = dataclasses.replace(fill_mask.fill_mask, lower_bound=100.1)
    result["fill_mask_unreachable"] = run_local(fill_mask.replace(fill_mask=unreachable))
    result["fill_mask_versions_after_unreachable"] = _versions(fill_mask, FILL_MASK)
    int8 = config.replace(compression=CompressionSection(method="int8", max_drop=0.05))
    result["int8"] = run_local(int8)
    result["int8_versions"] = _versions(int8, int8.student_model_name)
    student = {"num_layers": 1, "layer_map": "none", "learning_rate": 1e-9, "epochs": 1}
    lossy = CompressionSection(method="distill", model_name="lossy", max_drop=0.05, **student)
    result["lossy"] = run_local(config.replace(compression=lossy))
    result["lossy_versions"] = _versions(config, "lossy")
    return result


def _component(run, name):
    (found,) = [c for c in run.components if c.component == name]
    return found


def test_killed_run_stopped_in_pretraining(runs):
    # -9 from the killed process itself, 128+9 where a parent process reports its child's death
    assert runs["killed_rc"] in (-signal.SIGKILL, 128 + signal.SIGKILL), runs["killed_log"][-3000:]
    assert runs["killed"].state_of("PretrainTrainer") == "RUNNING"  # never finished
    assert runs["killed"].state_of("PretrainingDataGen") == "COMPLETE"
    assert runs["killed"].state_of("FinetuneTrainer") is None


def test_rerun_reuses_finished_components_and_resumes_training(runs):
    resumed = runs["resumed"]
    for name in ("TaskExampleGen", "StatisticsGen", "CorpusGen", "VocabularyGen"):
        assert resumed.state_of(name) == "CACHED", name
    assert resumed.state_of("PretrainingDataGen") == "CACHED"
    assert resumed.state_of("PretrainTrainer") == "COMPLETE"
    model_dir = _component(resumed, "PretrainTrainer").outputs["model"][0]
    summary = json.loads((Path(model_dir) / "Format-Serving" / SUMMARY_FILE).read_text())
    assert summary["initial_step"] == KILL_AT and summary["final_step"] == 40


def test_blessed_model_is_pushed(runs):
    resumed = runs["resumed"]
    assert _component(resumed, "TaskEvaluator").properties["blessed"] == "1"
    assert _component(resumed, "ServingCanary").properties["blessed"] == "1"
    assert _component(resumed, "Pusher").properties["pushed"] == "1"
    assert len(runs["versions_after_resume"]) == 1


def test_unchanged_rerun_hits_the_cache(runs):
    states = {c.component: c.state for c in runs["cached"].components}
    resolver = states.pop("LatestBlessedModel")  # resolvers always run
    assert resolver == "COMPLETE"
    assert set(states.values()) == {"CACHED"}, states
    assert len(states) == 14


def test_worse_model_than_the_blessed_one_is_not_pushed(runs):
    worse = runs["worse"]
    assert worse.state_of("FinetuneTrainer") == "COMPLETE"  # really retrained
    assert _component(worse, "TaskEvaluator").properties["blessed"] == "0"
    assert _component(worse, "Pusher").properties["pushed"] == "0"
    assert runs["versions_after_worse"] == runs["versions_after_resume"]


def test_model_below_the_value_threshold_is_not_pushed(runs):
    unreachable = runs["unreachable"]
    assert unreachable.state_of("FinetuneTrainer") == "CACHED"
    assert _component(unreachable, "TaskEvaluator").properties["blessed"] == "0"
    assert _component(unreachable, "Pusher").properties["pushed"] == "0"
    assert runs["versions_after_unreachable"] == runs["versions_after_resume"]


def test_pushed_model_answers_through_bert_tf_serve(runs):
    from bert_tf.serving import BertServingClient, ServerProcess

    config = runs["config"]
    name = config.push.model_name
    base = Path(config.serving_dir) / name
    with ServerProcess(["--model-base-path", str(base), "--model-name", name]) as server:
        server.wait_ready(name)
        with BertServingClient(server.target, name) as client:
            answers = client.predict(["Return a new array of given shape and type."])
            labels = client.contract()["label_names"]
    assert len(answers) == 1
    assert answers[0].label in labels


def test_pretrained_model_is_pushed_as_fill_mask_and_answers_through_bert_tf_serve(runs):
    from bert_tf.serving import BertServingClient, ServerProcess

    run = runs["fill_mask"]
    for name in ("PretrainTrainer", "FinetuneTrainer", "Pusher"):
        assert run.state_of(name) == "CACHED", name  # the new branch only
    export = _component(run, "FillMaskExport")
    report = json.loads((Path(export.outputs["blessing"][0]) / "evaluation.json").read_text())
    assert report["blessed"] and report["examples"] == 200 and report["top_k"] == 3
    assert report["metric"] == "recall_at_k" and 0.0 <= report["value"] <= 100.0
    assert all(example["text"].count("[MASK]") == 1 for example in report["sample"])
    assert _component(run, "FillMaskPusher").properties["pushed"] == "1"
    assert len(runs["fill_mask_versions"]) == 1
    base = Path(runs["config"].serving_dir) / FILL_MASK
    with ServerProcess(["--model-base-path", str(base), "--model-name", FILL_MASK]) as server:
        server.wait_ready(FILL_MASK)
        with BertServingClient(server.target, FILL_MASK) as client:
            (answer,) = client.predict(["Return a new [MASK] of given shape and type."])
    (mask,) = answer.masks
    assert len(mask.candidates) == 3
    probabilities = [candidate.probability for candidate in mask.candidates]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1


def test_fill_mask_below_its_recall_threshold_is_not_pushed(runs):
    run = runs["fill_mask_unreachable"]
    export = _component(run, "FillMaskExport")
    report = json.loads((Path(export.outputs["blessing"][0]) / "evaluation.json").read_text())
    assert not report["blessed"] and "below the value threshold" in report["reasons"][0]
    assert _component(run, "FillMaskPusher").properties["pushed"] == "0"
    assert runs["fill_mask_versions_after_unreachable"] == runs["fill_mask_versions"]


def test_int8_model_within_its_drop_is_pushed_and_answers_through_bert_tf_serve(runs):
    from bert_tf.serving import BertServingClient, ServerProcess

    run = runs["int8"]
    assert run.state_of("FinetuneTrainer") == "CACHED"
    compressor = _component(run, "ModelCompressor").properties
    assert compressor["compression"] == "int8" and compressor["metric"] == "accuracy"
    assert abs(float(compressor["student_value"]) - float(compressor["teacher_value"])) <= 0.05
    assert int(compressor["student_weight_bytes"]) < int(compressor["teacher_weight_bytes"])
    evaluation = _component(run, "StudentEvaluator")
    report = json.loads((Path(evaluation.outputs["evaluation"][0]) / "evaluation.json").read_text())
    assert report["blessed"] and report["baseline"] is not None  # judged against the teacher
    assert _component(run, "StudentCanary").properties["blessed"] == "1"
    assert _component(run, "StudentPusher").properties["pushed"] == "1"
    assert len(runs["int8_versions"]) == 1
    config = runs["config"]
    name = "bert_tf_docstring_int8"
    base = Path(config.serving_dir) / name
    with ServerProcess(["--model-base-path", str(base), "--model-name", name]) as server:
        server.wait_ready(name)
        with BertServingClient(server.target, name) as client:
            (answer,) = client.predict(["Return a new array of given shape and type."])
            assert answer.label in client.contract()["label_names"]


def test_student_that_loses_more_than_allowed_is_not_pushed(runs):
    run = runs["lossy"]
    compressor = _component(run, "ModelCompressor").properties
    assert int(compressor["student_parameters"]) < int(compressor["teacher_parameters"])
    evaluation = _component(run, "StudentEvaluator")
    report = json.loads((Path(evaluation.outputs["evaluation"][0]) / "evaluation.json").read_text())
    assert not report["blessed"]
    assert any("more than 0.05 below the blessed model" in r for r in report["reasons"])
    assert _component(run, "StudentPusher").properties["pushed"] == "0"
    assert runs["lossy_versions"] == []


def test_vocabulary_is_counted_on_beam_with_the_local_counts(runs):
    """VocabularyGen counts on the pipeline's Beam runner: its word_counts.tsv equals the
    local job's counts of the same corpus files, and the vocabulary is the one they give."""
    from bert_tf.pipeline.artifacts import Corpus
    from bert_tf.pipeline.components.vocabulary_gen import corpus_files
    from bert_tf.text.vocab_learning import vocabulary_from_counts
    from bert_tf.text.word_counting import count_words

    run = runs["killed"]
    vocab = _component(run, "VocabularyGen")
    directory = Path(vocab.outputs["vocabulary"][0])
    corpus = Corpus()
    corpus.uri = _component(run, "CorpusGen").outputs["corpus"][0]
    local = count_words(corpus_files(corpus), progress=False)
    lines = (directory / "word_counts.tsv").read_text(encoding="utf-8").splitlines()
    beam = {w: int(c) for w, c in (line.rsplit("\t", 1) for line in lines)}
    assert beam == local
    tokens = (directory / "vocab.txt").read_text(encoding="utf-8").splitlines()
    assert int(vocab.properties["vocab_size"]) == len(tokens) > 100
    assert tokens == vocabulary_from_counts(local, len(tokens))
    assert json.loads((directory / "tokenizer_config.json").read_text())["lower_case"] is True
    assert 0 <= float(vocab.properties["unk_rate"]) < 0.01
    assert 1.0 <= float(vocab.properties["tokens_per_word"]) < 3.0
