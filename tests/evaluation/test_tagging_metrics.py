"""Entity-level tagging metrics (conlleval semantics) and the conlleval file reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_tf.data.readers import MalformedInputError, iob1_to_iob2
from bert_tf.evaluation import conlleval_metrics, entity_metrics, read_conlleval

CONLL = Path(__file__).parents[1] / "data/readers/fixtures/conll"


def test_conlleval_file_by_hand():
    # Gold entities: EU/ORG, German/MISC, British/MISC, Peter Blackburn/PER, BRUSSELS/LOC (5).
    # Predicted: EU/ORG ok, German/MISC ok, British/LOC wrong type, lamb/MISC spurious,
    # Peter/PER wrong boundary, BRUSSELS/LOC ok: 3 correct of 6 predicted.
    scores = conlleval_metrics(CONLL / "conlleval.txt")
    assert scores == pytest.approx({"precision": 50.0, "recall": 60.0, "f1": 600 / 11})


def test_reader_splits_sentences_and_skips_docstart():
    tokens, gold, predicted = read_conlleval(CONLL / "conlleval.txt")
    assert [len(s) for s in tokens] == [9, 2, 2]
    assert tokens[1] == ["Peter", "Blackburn"]
    assert gold[1] == ["B-PER", "I-PER"] and predicted[1] == ["B-PER", "O"]


def test_reader_rejects_a_short_line():
    with pytest.raises(MalformedInputError, match=r"conlleval-malformed\.txt:2: expected 4"):
        read_conlleval(CONLL / "conlleval-malformed.txt")


def test_iob1_chunks_read_like_conlleval():
    gold = [["I-PER", "I-PER", "B-PER", "O", "I-LOC"]]  # IOB1: two adjacent PER entities
    assert entity_metrics(gold, [iob1_to_iob2(gold[0])]) == {
        "precision": 100.0,
        "recall": 100.0,
        "f1": 100.0,
    }
    merged = [["B-PER", "I-PER", "I-PER", "O", "B-LOC"]]  # one PER where gold has two
    scores = entity_metrics(gold, merged)
    assert scores == pytest.approx({"precision": 50.0, "recall": 100 / 3, "f1": 40.0})


def test_nothing_predicted_scores_zero():
    assert entity_metrics([["B-LOC", "O"]], [["O", "O"]]) == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
    }


def test_lengths_must_match():
    with pytest.raises(ValueError, match="sentence 0: 1 predicted tags for 2 gold"):
        entity_metrics([["O", "O"]], [["O"]])
    with pytest.raises(ValueError, match="2 predicted sentences for 1 gold"):
        entity_metrics([["O"]], [["O"], ["O"]])
