"""GLUE metrics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from bert_tf.evaluation import glue_metrics

# Confusion matrix of 10 binary examples: TP=3, FN=1, FP=2, TN=4.
GOLD = ["1", "1", "1", "1", "0", "0", "0", "0", "0", "0"]
PRED = ["1", "1", "1", "0", "1", "1", "0", "0", "0", "0"]


def test_matthews_correlation_from_the_confusion_matrix():
    tp, fn, fp, tn = 3, 1, 2, 4
    expected = (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    scores = glue_metrics("cola", PRED, GOLD)
    assert scores == {"matthews_correlation": pytest.approx(expected)}
    assert expected == pytest.approx(10 / math.sqrt(600))


def test_accuracy_and_f1_of_the_positive_class():
    scores = glue_metrics("glue/MRPC", PRED, GOLD)
    assert scores == {"accuracy": pytest.approx(0.7), "f1": pytest.approx(6 / 9)}  # 2TP/(2TP+FP+FN)
    # class indices work as well as label names
    as_indices = glue_metrics("qqp", [int(p) for p in PRED], [int(g) for g in GOLD])
    assert as_indices == scores


def test_accuracy_only_tasks_with_named_labels():
    gold = ["entailment", "neutral", "contradiction", "neutral"]
    pred = ["entailment", "neutral", "neutral", "contradiction"]
    assert glue_metrics("mnli", pred, gold) == {"accuracy": 0.5}
    assert glue_metrics("mnli", [1, 2, 2, 0], gold) == {"accuracy": 0.5}  # indices in label order
    assert glue_metrics("rte", ["entailment"], ["not_entailment"]) == {"accuracy": 0.0}


def test_pearson_and_spearman():
    predicted, gold = [0.5, 3.0, 2.0, 4.5], [1.0, 2.0, 3.0, 4.0]
    mean_p, mean_g = sum(predicted) / 4, sum(gold) / 4
    cov = sum((p - mean_p) * (g - mean_g) for p, g in zip(predicted, gold))
    var_p = sum((p - mean_p) ** 2 for p in predicted)
    var_g = sum((g - mean_g) ** 2 for g in gold)
    rank_d2 = 1 + 1  # ranks of predicted: 1, 3, 2, 4 against 1, 2, 3, 4
    scores = glue_metrics("stsb", predicted, gold)
    assert scores["pearson"] == pytest.approx(cov / math.sqrt(var_p * var_g))
    assert scores["spearmanr"] == pytest.approx(1 - 6 * rank_d2 / (4 * (4**2 - 1)))


def test_bad_inputs():
    with pytest.raises(ValueError, match="'maybe' is not one of the labels"):
        glue_metrics("sst2", ["maybe"], ["1"])
    with pytest.raises(ValueError, match="class index 3 outside 0..2"):
        glue_metrics("mnli", [3], ["neutral"])
    with pytest.raises(ValueError, match="2 predictions for 1 gold"):
        glue_metrics("sst2", ["1", "0"], ["1"])
