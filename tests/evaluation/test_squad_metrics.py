"""SQuAD EM/F1 against hand-computed values and the official scripts' definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_tf.data.readers import read_squad
from bert_tf.evaluation import (
    exact_match,
    normalize_answer,
    squad_gold_answers,
    squad_v1_f1,
    squad_v1_metrics,
    squad_v2_f1,
    squad_v2_metrics,
)

FIXTURES = Path(__file__).parents[1] / "data/readers/fixtures/squad"


def test_normalisation():
    assert normalize_answer("The  Quick, brown fox!") == "quick brown fox"
    assert normalize_answer("an apple a day") == "apple day"
    assert normalize_answer("Theater anathema") == "theater anathema"  # whole words only
    assert normalize_answer("U.S. (1996)") == "us 1996"
    assert exact_match("the Denver Broncos.", "Denver  Broncos")


def test_token_f1():
    # [cat, sat, on, mat] vs [cat, on, mat]: P = 3/4, R = 1
    assert squad_v1_f1("the cat sat on the mat", "a cat on a mat") == pytest.approx(6 / 7)
    assert squad_v1_f1("cat cat", "cat") == pytest.approx(2 * 0.5 * 1 / 1.5)  # counts clipped
    assert squad_v1_f1("dog", "cat") == 0.0
    # Empty answers: v1.1 scores 0 even when both are empty; v2.0 scores 1 when both are.
    assert squad_v1_f1("", "") == 0.0
    assert squad_v2_f1("", "") == 1.0
    assert squad_v2_f1("the", "") == 1.0  # "the" normalises to nothing
    assert squad_v2_f1("France", "") == 0.0


def test_v11_dataset_scores():
    gold = squad_gold_answers(read_squad(FIXTURES / "dev-v1.1.json"))
    predictions = {
        "56be4db0acb8001400a502ec": "Broncos",  # EM 0, F1 2/3 against "Denver Broncos"
        "56be4db0acb8001400a502ed": "24–10",  # EM 1, F1 1
        "56ddde6b9a695914005b9628": "in France",  # EM 0, F1 max(2/3, 0.8) over the 3 golds
    }
    scores = squad_v1_metrics(gold, predictions)
    assert list(scores) == ["exact_match", "f1"]
    assert scores["exact_match"] == pytest.approx(100 / 3)
    assert scores["f1"] == pytest.approx(100 * (2 / 3 + 1 + 0.8) / 3)
    del predictions["56be4db0acb8001400a502ed"]  # unanswered: scores 0, still counted
    assert squad_v1_metrics(gold, predictions)["f1"] == pytest.approx(100 * (2 / 3 + 0.8) / 3)


V2_PREDICTIONS = {
    "q-answerable": "France",  # EM 1, F1 1
    "q-centuries": "11th centuries",  # EM 0, F1 2/3
    "q-impossible": "",  # correct abstention: 1, 1
    "q-impossible-2": "Normans",  # wrong: 0, 0
}
NA_PROBS = {"q-answerable": 0.1, "q-centuries": 0.6, "q-impossible": 0.9, "q-impossible-2": 0.7}


def _v2_gold():
    return squad_gold_answers(read_squad(FIXTURES / "dev-v2.0.json"))


def test_v20_scores_and_splits():
    scores = squad_v2_metrics(_v2_gold(), V2_PREDICTIONS)
    assert scores == pytest.approx(
        {
            "exact": 50.0,
            "f1": 100 * (1 + 2 / 3 + 1) / 4,
            "total": 4,
            "HasAns_exact": 50.0,
            "HasAns_f1": 100 * (1 + 2 / 3) / 2,
            "HasAns_total": 2,
            "NoAns_exact": 50.0,
            "NoAns_f1": 50.0,
            "NoAns_total": 2,
        }
    )
    assert list(scores)[:3] == ["exact", "f1", "total"]  # the official key order


def test_v20_best_threshold():
    scores = squad_v2_metrics(_v2_gold(), V2_PREDICTIONS, NA_PROBS)
    # Sweep in na_prob order from "all no-answer" (2 of 4 right): answerable +1 at 0.1 -> 3;
    # centuries +0 (EM) / +2/3 (F1) at 0.6; impossible-2 answered wrongly -1; impossible 0.
    assert scores["best_exact"] == pytest.approx(75.0)
    assert scores["best_exact_thresh"] == 0.1
    assert scores["best_f1"] == pytest.approx(100 * (3 + 2 / 3) / 4)
    assert scores["best_f1_thresh"] == 0.6
    assert list(scores)[-4:] == ["best_exact", "best_exact_thresh", "best_f1", "best_f1_thresh"]
    assert scores["exact"] == 50.0  # the default threshold 1.0 changes nothing here


def test_v20_na_prob_threshold_overrides_answers():
    scores = squad_v2_metrics(_v2_gold(), V2_PREDICTIONS, NA_PROBS, na_prob_thresh=0.5)
    # above 0.5 counts as "no answer": centuries (has one) -> 0, both impossibles -> 1
    assert scores["exact"] == 75.0 and scores["f1"] == 75.0
    assert scores["HasAns_f1"] == 50.0 and scores["NoAns_exact"] == 100.0


def test_v20_needs_every_prediction():
    predictions = dict(V2_PREDICTIONS)
    del predictions["q-centuries"]
    with pytest.raises(ValueError, match="1 questions have no prediction.*q-centuries"):
        squad_v2_metrics(_v2_gold(), predictions)
