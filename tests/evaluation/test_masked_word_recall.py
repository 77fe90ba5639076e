"""The fill-mask gate's masking and scoring: whole in-vocabulary words only, percent scores."""

from __future__ import annotations

import pytest

from bert_tf.evaluation.masked_word_recall import masked_word_examples, masked_word_scores

VOCAB = {"return", "a", "new", "array", "of", "given", "shape", "and", "type"}


def test_one_whole_in_vocabulary_word_is_masked_per_sentence():
    sentences = ["Return a new array of given shape and type.", "x_1 y2 zz3 array9 ok go"]
    (example,) = masked_word_examples(sentences, VOCAB, lower_case=True, count=5)
    assert example.text.count("[MASK]") == 1
    assert example.text.replace("[MASK]", example.word, 1).lower() == sentences[0].lower()
    assert example.word in VOCAB  # the second sentence has no whole in-vocabulary word


def test_casing_follows_the_vocabulary_and_the_seed_is_deterministic():
    sentence = "Return a new array of given shape"
    cased = masked_word_examples([sentence] * 20, {"Return"}, lower_case=False, count=20)
    assert {e.word for e in cased} == {"Return"}
    assert masked_word_examples([sentence], VOCAB, True, 1, seed=3) == masked_word_examples(
        [sentence], VOCAB, True, 1, seed=3
    )
    assert masked_word_examples(["too short"], VOCAB, True, 1) == []


def test_scores_are_top1_accuracy_and_recall_at_k_in_percent():
    scores = masked_word_scores([["array", "list"], ["list", "array"], ["x", "y"]], ["array"] * 3)
    assert scores == pytest.approx({"accuracy": 100 / 3, "recall_at_k": 200 / 3, "examples": 3})
    with pytest.raises(ValueError, match="2 answers for 1 masked words"):
        masked_word_scores([["a"], ["b"]], ["a"])
    with pytest.raises(ValueError, match="no masked words"):
        masked_word_scores([], [])
