"""Classification and regression exports answer as the in-process Keras path does: the same
features (`ClassificationFeatures`, windows for long pairs), the same model, the project's
window aggregation; and serve_examples / serve_tokens agree with serving_default / the model."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from export_helpers import PAIRS, SEQ, TEXTS, softmax


def _examples(texts, pairs=None):
    from bert_tf.data.readers import TextExample

    pairs = pairs or [None] * len(texts)
    return [TextExample(str(i), a, b, None) for i, (a, b) in enumerate(zip(texts, pairs))]


def _serialized(rows: dict[str, list[str]]) -> np.ndarray:
    names = list(rows)
    out = []
    for values in zip(*rows.values()):
        feature = {
            name: tf.train.Feature(bytes_list=tf.train.BytesList(value=[value.encode()]))
            for name, value in zip(names, values)
        }
        out.append(tf.train.Example(features=tf.train.Features(feature=feature)))
    return np.array([example.SerializeToString() for example in out], dtype=object)


def test_pair_classifier_with_windows_matches_keras(loaded, classifier, tokenizer):
    from bert_tf.tasks import make_task

    long_pair = TEXTS[2] + " " + TEXTS[0]  # several windows of the longer segment
    texts, pairs = TEXTS + [PAIRS[0]], PAIRS + [long_pair]
    task = make_task("csv", labels=["neg", "neutral", "pos"], max_seq_length=SEQ, stride=6)
    examples = _examples(texts, pairs)
    features = task.build_features(tokenizer, examples)
    assert len(features["input_word_ids"]) > len(examples) + 3  # windows really happen
    expected = softmax(task.predict(classifier, examples, features))  # [E, C] float64
    served = loaded["classification"](text=texts, text_pair=pairs)
    np.testing.assert_allclose(served["probabilities"], expected, atol=1e-5)
    assert served["label_id"].tolist() == expected.argmax(-1).tolist()
    assert [label.decode() for label in served["label"]] == task.decode(np.log(expected))
    assert served["probabilities"].dtype == np.float32


def test_regressor_matches_keras(loaded, regressor, tokenizer):
    from bert_tf.tasks import make_task

    task = make_task("csv", labels=[], max_seq_length=SEQ)
    examples = _examples(TEXTS)
    expected = task.predict(regressor, examples, task.build_features(tokenizer, examples))
    served = loaded["regression"](text=TEXTS)
    np.testing.assert_allclose(served["score"], expected[:, 0], atol=1e-5)
    assert loaded["regression"].contract["outputs"] == ["score"]


def test_serve_examples_equals_serving_default(loaded):
    model = loaded["classification"]
    direct = model(text=TEXTS, text_pair=PAIRS)
    parsed = model("serve_examples", examples=_serialized({"text": TEXTS, "text_pair": PAIRS}))
    assert sorted(parsed) == sorted(direct) == ["label", "label_id", "probabilities"]
    np.testing.assert_array_equal(parsed["label"], direct["label"])
    np.testing.assert_allclose(parsed["probabilities"], direct["probabilities"], atol=1e-6)


def test_serve_tokens_returns_the_model_logits(loaded, regressor, preprocessor):
    tokens = {key: np.asarray(value) for key, value in preprocessor(TEXTS).items()}
    served = loaded["regression"]("serve_tokens", **tokens)
    np.testing.assert_allclose(served["logits"], np.asarray(regressor(tokens)), atol=1e-5)


def test_bad_inputs_get_clear_answers(loaded):
    model = loaded["classification"]
    empty = model(text=np.array([], object), text_pair=np.array([], object))
    assert empty["probabilities"].shape == (0, 3) and empty["label"].shape == (0,)
    blanks = model(text=["", " "], text_pair=["", "\x00\ufffd"])
    np.testing.assert_allclose(blanks["probabilities"].sum(-1), 1.0, atol=1e-6)
    invalid = model(text=[b"caf\xc3 \xff bytes"], text_pair=["ok"])  # invalid UTF-8
    assert invalid["label"].shape == (1,)
    try:
        model(text=["a", "b"], text_pair=["only one"])
    except tf.errors.InvalidArgumentError as error:
        assert "same batch size" in error.message
    else:
        raise AssertionError("mismatched batch sizes were accepted")
    huge = "word " * 2_100_000  # 10.5 MB
    try:
        model(text=[huge], text_pair=["x"])
    except tf.errors.InvalidArgumentError as error:
        assert "max_text_bytes" in error.message and "1000000" in error.message
    else:
        raise AssertionError("a 10 MB string was accepted")
    assert model(text=["still serving"], text_pair=["yes"])["label"].shape == (1,)
