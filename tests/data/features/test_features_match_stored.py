"""The in-graph feature builders reproduce, array for array, what the NumPy builders made.

`expected_features.npz` holds real inputs (offline-corpus sentences, docstring-QA questions,
a few Unicode and empty cases) and the features that the NumPy builders of commit 6ab9ec2
(windows in Python, before issue 20 moved them into the graph) built from them with the real
uncased vocabulary: every key, dtype, shape and value must stay the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bert_tf.data.features import ClassificationFeatures, SquadFeatures, TaggingFeatures
from bert_tf.data.readers import SquadAnswer, SquadExample, TaggingExample, TextExample

STORED = Path(__file__).with_name("expected_features.npz")
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


@pytest.fixture(scope="module")
def stored() -> dict[str, np.ndarray]:
    with np.load(STORED) as data:
        return {key: data[key] for key in data.files}


def _cases(stored: dict[str, np.ndarray], task: str) -> list[str]:
    return sorted({key.split("/")[1] for key in stored if key.count("/") == 2 and task in key})


def _expected(stored: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    keys = [key for key in stored if key.startswith(prefix) and not key.endswith("/settings")]
    return {key[len(prefix) :]: stored[key] for key in keys}


def _assert_same(built: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    assert list(built) == list(expected)  # same keys, same order
    for key, value in expected.items():
        assert built[key].dtype == value.dtype, key
        assert built[key].shape == value.shape, key
        np.testing.assert_array_equal(built[key], value, err_msg=key)


def test_classification(stored, tokenizer):
    text_a, text_b = stored["classification/text_a"], stored["classification/text_b"]
    pair, label = stored["classification/is_pair"], stored["classification/label"]
    examples = [
        TextExample(str(i), str(a), str(b) if p else None, str(y))
        for i, (a, b, p, y) in enumerate(zip(text_a, text_b, pair, label))
    ]
    cases = _cases(stored, "classification")
    assert len(cases) == 5
    for case in cases:
        begin, end, seq, stride = stored[f"classification/{case}/settings"].tolist()
        features = ClassificationFeatures(
            tokenizer, seq, ["0", "1", "2"], None if stride < 0 else stride
        )
        built = features.build(examples[begin:end])
        _assert_same(built, _expected(stored, f"classification/{case}/"))


def test_tagging(stored, tokenizer):
    words, tags = stored["tagging/words"].tolist(), stored["tagging/tags"].tolist()
    bounds = np.cumsum([0, *stored["tagging/counts"]])
    examples = [
        TaggingExample(str(i), words[a:b], tags[a:b])
        for i, (a, b) in enumerate(zip(bounds, bounds[1:]))
    ]
    for case in _cases(stored, "tagging"):
        seq, stride = stored[f"tagging/{case}/settings"].tolist()
        built = TaggingFeatures(tokenizer, seq, TAGS, None if stride < 0 else stride).build(
            examples
        )
        _assert_same(built, _expected(stored, f"tagging/{case}/"))


def test_squad(stored, tokenizer):
    examples = []
    for i, (question, context, answer, start) in enumerate(
        zip(
            stored["squad/question"],
            stored["squad/context"],
            stored["squad/answer"],
            stored["squad/answer_start"],
        )
    ):
        answers = [SquadAnswer(str(answer), int(start))] if start >= 0 else []
        examples.append(SquadExample(str(i), str(question), str(context), answers, not answers))
    for case in _cases(stored, "squad"):
        seq, stride, query = stored[f"squad/{case}/settings"].tolist()
        built = SquadFeatures(tokenizer, seq, stride, query).build(examples)
        _assert_same(built, _expected(stored, f"squad/{case}/"))
