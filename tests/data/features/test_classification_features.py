"""Classification features: BertPreprocessor packing, sliding windows for long texts."""

from __future__ import annotations

import numpy as np
import pytest

from bert_tf.data.features import ClassificationFeatures
from bert_tf.data.readers import TextExample

LONG = "one two three four five six seven eight nine ten eleven twelve"


def test_windows_of_a_short_text_equal_the_preprocessor(tokenizer):
    examples = [
        TextExample("a", "A short sentence.", "And its pair!", "1"),
        TextExample("b", "Another one", "here", "0"),
    ]
    packed = ClassificationFeatures(tokenizer, 16, ["0", "1"]).build(examples)
    windowed = ClassificationFeatures(tokenizer, 16, ["0", "1"], stride=4).build(examples)
    for key in ("input_word_ids", "input_mask", "input_type_ids", "labels", "example_index"):
        np.testing.assert_array_equal(packed[key], windowed[key])
    assert packed["labels"].tolist() == [1, 0]


def test_long_single_text_slides_and_keeps_every_token(tokenizer):
    examples = [TextExample("x", LONG, None, "1"), TextExample("y", "short", None, "0")]
    features = ClassificationFeatures(tokenizer, 8, ["0", "1"], stride=4).build(examples)
    # 12 tokens, windows of 6 every 4 tokens: [0, 6), [4, 10), [8, 12).
    assert features["example_index"].tolist() == [0, 0, 0, 1]
    assert features["labels"].tolist() == [1, 1, 1, 0]
    seen = set()
    for row in range(3):
        ids = features["input_word_ids"][row][features["input_mask"][row] == 1]
        assert ids[0] == tokenizer.cls_id and ids[-1] == tokenizer.sep_id
        seen.update(tokenizer.id_to_token(i) for i in ids[1:-1])
    assert seen == set(LONG.split())


def test_pair_slides_the_longer_segment_and_keeps_the_shorter(tokenizer):
    examples = [TextExample("p", "is it ten?", LONG, "1")]
    features = ClassificationFeatures(tokenizer, 12, ["0", "1"], stride=3).build(examples)
    assert len(features["example_index"]) > 1
    question = tokenizer.tokenize(["is it ten?"]).to_list()[0]
    for row in range(len(features["example_index"])):
        ids = features["input_word_ids"][row].tolist()
        assert ids[1 : 1 + len(question)] == question
        assert features["input_type_ids"][row].max() == 1


def test_regression_and_unknown_labels(tokenizer):
    features = ClassificationFeatures(tokenizer, 8, None).build([TextExample("r", "a", "b", 3.5)])
    assert features["labels"].dtype == np.float32 and features["labels"][0] == 3.5
    with pytest.raises(ValueError, match="'2' is not one of"):
        ClassificationFeatures(tokenizer, 8, ["0", "1"]).build([TextExample("r", "a", None, "2")])
