"""`bert-tf score` through the CLI entry point: one JSON line with the official metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_tf.cli import main

FIXTURES = Path(__file__).parents[1] / "data/readers/fixtures"


def score(capsys, *argv: str) -> dict:
    assert main(["score", *argv]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one line
    return json.loads(out)


def write_json(path: Path, value) -> str:
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


def test_squad_v11(capsys, tmp_path):
    predictions = write_json(
        tmp_path / "predictions.json",
        {
            "56be4db0acb8001400a502ec": "Denver Broncos",
            "56be4db0acb8001400a502ed": "24 – 10",
            "56ddde6b9a695914005b9628": "France.",
        },
    )
    gold = str(FIXTURES / "squad/dev-v1.1.json")
    result = score(capsys, "--task", "squad-v1.1", "--gold", gold, "--predictions", predictions)
    assert list(result) == ["exact_match", "f1"]
    # "24 – 10" normalises to "24 – 10" (the en dash is not ASCII punctuation): EM 0, F1 0
    assert result == pytest.approx({"exact_match": 200 / 3, "f1": 200 / 3})


def test_squad_v20_with_na_probs(capsys, tmp_path):
    predictions = write_json(
        tmp_path / "pred.json",
        {"q-answerable": "France", "q-centuries": "11th centuries", "q-impossible": "",
         "q-impossible-2": "Normans"},
    )  # fmt: skip
    na_probs = write_json(
        tmp_path / "na.json",
        {"q-answerable": 0.1, "q-centuries": 0.6, "q-impossible": 0.9, "q-impossible-2": 0.7},
    )
    gold = str(FIXTURES / "squad/dev-v2.0.json")
    argv = ["--task", "squad-v2.0", "--gold", gold, "--predictions", predictions]
    result = score(capsys, *argv, "--na-probs", na_probs)
    assert list(result) == [
        "exact", "f1", "total", "HasAns_exact", "HasAns_f1", "HasAns_total", "NoAns_exact",
        "NoAns_f1", "NoAns_total", "best_exact", "best_exact_thresh", "best_f1", "best_f1_thresh",
    ]  # fmt: skip
    assert result["exact"] == 50.0 and result["total"] == 4
    assert result["best_exact"] == 75.0 and result["best_f1_thresh"] == 0.6
    thresholded = score(capsys, *argv, "--na-probs", na_probs, "--na-prob-thresh", "0.5")
    assert thresholded["exact"] == 75.0
    assert "best_f1" not in score(capsys, *argv)


def test_conll_takes_predictions_alone(capsys):
    path = str(FIXTURES / "conll/conlleval.txt")
    result = score(capsys, "--task", "conll", "--predictions", path)
    assert result == pytest.approx({"precision": 50.0, "recall": 60.0, "f1": 600 / 11})


def test_glue_tsv_and_json_predictions(capsys, tmp_path):
    gold = str(FIXTURES / "glue/MRPC/dev.tsv")  # labels 1, 0, 1
    tsv = tmp_path / "MRPC.tsv"
    tsv.write_text("index\tprediction\n0\t1\n1\t1\n2\t1\n")
    result = score(capsys, "--task", "glue/mrpc", "--gold", gold, "--predictions", str(tsv))
    assert result == pytest.approx({"accuracy": 2 / 3, "f1": 0.8})
    as_list = write_json(tmp_path / "list.json", [1, 0, 1])  # class indices in file order
    result = score(capsys, "--task", "glue/MRPC", "--gold", gold, "--predictions", as_list)
    assert result == {"accuracy": 1.0, "f1": 1.0}
    by_guid = write_json(tmp_path / "guid.json", {"dev-2": "0", "dev-0": "1", "1": "0"})
    result = score(capsys, "--task", "glue/mrpc", "--gold", gold, "--predictions", by_guid)
    assert result == pytest.approx({"accuracy": 2 / 3, "f1": 2 / 3})


def test_glue_regression(capsys, tmp_path):
    gold = str(FIXTURES / "glue/STS-B/dev.tsv")  # 5.0, 4.75, 5.0, 2.4
    predictions = write_json(tmp_path / "stsb.json", [4.0, 3.5, 4.5, 1.0])
    result = score(capsys, "--task", "glue/sts-b", "--gold", gold, "--predictions", predictions)
    assert set(result) == {"pearson", "spearmanr"} and result["pearson"] > 0.9


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--task", "squad-v3", "--predictions", "x"], "unknown task 'squad-v3'"),
        (["--task", "squad-v1.1", "--predictions", "x"], "needs --gold"),
        (
            ["--task", "conll", "--predictions", "x", "--na-probs", "y"],
            "--na-probs does not apply to --task conll",
        ),
        (
            ["--task", "squad-v1.1", "--gold", "g", "--predictions", "x", "--na-probs", "y"],
            "does not apply",
        ),
    ],
)
def test_usage_errors(capsys, argv, message):
    assert main(["score", *argv]) == 2
    assert message in capsys.readouterr().err


def test_missing_glue_prediction_is_an_error(capsys, tmp_path):
    tsv = tmp_path / "MRPC.tsv"
    tsv.write_text("index\tprediction\n0\t1\n2\t1\n")
    gold = str(FIXTURES / "glue/MRPC/dev.tsv")
    assert main(["score", "--task", "glue/mrpc", "--gold", gold, "--predictions", str(tsv)]) == 2
    assert "no prediction for rows 1" in capsys.readouterr().err


def test_every_shape_scores_what_its_evaluate_wrote(capsys, tmp_path):
    """Generic CSV classification and multiple choice score through their task shapes."""
    gold = tmp_path / "dev.csv"
    gold.write_text("text,label\na fine film,pos\na dull film,neg\nso-so,neg\n")
    predictions = tmp_path / "predictions.tsv"
    predictions.write_text("index\tprediction\n0\tpos\n1\tpos\n2\tneg\n")
    result = score(capsys, "--task", "csv", "--gold", str(gold), "--predictions", str(predictions))
    assert result == pytest.approx({"accuracy": 2 / 3})
    choices = tmp_path / "val.jsonl"
    rows = [{"id": "a", "context": "c", "choices": ["x", "y"], "label": 1},
            {"id": "b", "context": "c", "choices": ["x", "y", "z"], "label": 2}]  # fmt: skip
    choices.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    chosen = write_json(tmp_path / "chosen.json", {"b": 2, "a": 0})  # by id, any order
    result = score(capsys, "--task", "swag", "--gold", str(choices), "--predictions", chosen)
    assert result == {"accuracy": 0.5}
