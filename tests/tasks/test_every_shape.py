"""Every task shape through the shared harness: build, one training step, bundle round trip,
export, and the answer `bert-tf serve` gives over gRPC (and `bert-tf predict` prints) equal
to the exported model's own in-process answer."""

from __future__ import annotations

import json

import numpy as np
import pytest
from shape_harness import SHAPE_CASES, run_shape_case

from bert_tf.cli import main
from bert_tf.serving.server_process import ServerProcess

pytestmark = pytest.mark.slow
CASES = {case.name: case for case in SHAPE_CASES}


@pytest.fixture(scope="module")
def shape_runs(tmp_path_factory, tokenizer, minilm_vocab):
    return {
        name: run_shape_case(case, tokenizer, minilm_vocab, tmp_path_factory.mktemp(name))
        for name, case in CASES.items()
    }


@pytest.fixture(scope="module")
def server(shape_runs, tmp_path_factory):
    """One `bert-tf serve` answering every shape's export (a model config file lists them)."""
    config = tmp_path_factory.mktemp("serving") / "models.config"
    entries = [
        f'config {{ name: "{name}" base_path: "{run["export"].parent}" model_platform: '
        f'"tensorflow" }}'
        for name, run in shape_runs.items()
    ]
    config.write_text("model_config_list {\n  " + "\n  ".join(entries) + "\n}\n")
    with ServerProcess(["--model-config-file", str(config)], wait_for=list(shape_runs)) as live:
        yield live


@pytest.mark.parametrize("name", list(CASES))
def test_the_shape_trains_round_trips_and_exports(shape_runs, name):
    run = shape_runs[name]
    contract = json.loads((run["export"] / "assets" / "bert_tf_contract.json").read_text())
    task = run["bundle"].task
    assert contract["task"] == task.served_task
    assert contract["label_names"] == (task.labels or [])
    assert (run["export"] / "assets.extra" / "tf_serving_warmup_requests").is_file()


@pytest.mark.parametrize("name", list(CASES))
def test_served_answers_equal_the_in_process_ones(shape_runs, server, name):
    from bert_tf.serving.bert_serving_client import BertServingClient
    from bert_tf.tasks import parse_results

    run = shape_runs[name]
    with BertServingClient(server.target, name) as client:
        served = client.predict_rows(CASES[name].rows)
        via_examples = client.predict_rows(CASES[name].rows, signature="serve_examples")
        contract = client.contract()
    expected = parse_results(contract["task"], run["answers"], contract["label_names"])
    assert [_rounded(r.to_json()) for r in served] == [_rounded(r.to_json()) for r in expected]
    assert [_rounded(r.to_json()) for r in via_examples] == [
        _rounded(r.to_json()) for r in expected
    ]


@pytest.mark.parametrize("name", list(CASES))
def test_the_served_metric_equals_the_library_metric(shape_runs, name):
    """The official metric of the export's served answers (what the pipeline's evaluator
    blesses on) equals the one fine-tuning computes in process on the same examples."""
    from bert_tf.export.served_evaluation import evaluate_export

    run = shape_runs[name]
    task, examples = run["bundle"].task, run["examples"]
    predictions = task.predict(run["bundle"].model, examples, run["features"])
    expected = task.metrics(examples, predictions)
    served = evaluate_export(run["export"], task, examples, batch_size=3)
    assert task.main_metric in served
    assert {k: round(served[k], 4) for k in served} == {k: round(expected[k], 4) for k in served}


def test_bert_tf_predict_answers_a_multiple_choice_model(shape_runs, server, capsys):
    row = CASES["swag"].rows[1]
    assert main(["predict", "--target", server.target, "--model", "swag", *row]) == 0
    answer = json.loads(capsys.readouterr().out.strip())
    expected = shape_runs["swag"]["answers"]
    assert answer["choice"] == int(expected["choice"][1])
    np.testing.assert_allclose(answer["probabilities"], expected["probabilities"][1], atol=1e-6)


def _rounded(value):
    """JSON answers with floats rounded to 5 decimals (gRPC carries float32 exactly; this
    only hides float64 -> float32 printing differences)."""
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
