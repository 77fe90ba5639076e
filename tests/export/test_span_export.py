"""Span QA export: the served answer equals `SpanTask.predict` (SquadFeatures windows, the
Keras model, `postprocess_squad`) on the same raw question + context, including contexts longer
than one window, v2.0 null answers and non-ASCII text; serve_examples agrees."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from export_helpers import CONTEXT, SEQ, SPAN_SETTINGS

QUESTIONS = [
    "Who was the Norse leader?",
    "In what country is Normandy located?",
    "What did their descendants merge with?",
    "",
    "Anything?",
]
CONTEXTS = [CONTEXT, CONTEXT, CONTEXT, CONTEXT[:60], ""]


def _python_answers(model, tokenizer, questions, contexts, threshold):
    from bert_tf.data.readers import SquadExample
    from bert_tf.tasks import make_task

    task = make_task(
        "squad-v2.0",
        max_seq_length=SEQ,
        doc_stride=SPAN_SETTINGS["doc_stride"],
        max_query_length=SPAN_SETTINGS["max_query_length"],
        n_best_size=SPAN_SETTINGS["n_best_size"],
        max_answer_length=SPAN_SETTINGS["max_answer_length"],
        null_score_diff_threshold=threshold,
    )
    examples = [SquadExample(str(i), q, c) for i, (q, c) in enumerate(zip(questions, contexts))]
    features = task.build_features(tokenizer, examples)
    return task.predict(model, examples, features), features


def test_answers_match_postprocess_squad(loaded, span_model, tokenizer):
    served = loaded["span"](question=QUESTIONS, context=CONTEXTS)
    threshold = SPAN_SETTINGS["null_score_threshold"]
    predictions, features = _python_answers(span_model, tokenizer, QUESTIONS, CONTEXTS, threshold)
    assert np.bincount(features["example_index"])[0] > 5  # the context spans many windows
    for row, context in enumerate(CONTEXTS):
        prediction = predictions[str(row)]
        text = served["text"][row].decode()
        assert text == prediction.text, row
        if prediction.text:
            best = next(entry for entry in prediction.nbest if entry.text == prediction.text)
            assert (served["start_char"][row], served["end_char"][row]) == (
                best.char_start,
                best.char_end,
            )
            assert context[served["start_char"][row] : served["end_char"][row]] == text
            np.testing.assert_allclose(
                served["score"][row], best.start_logit + best.end_logit, atol=1e-5
            )
        else:
            assert (served["start_char"][row], served["end_char"][row]) == (-1, -1)


def test_null_threshold_is_stored_and_applied(loaded, span_model, tokenizer):
    settings = loaded["span"].contract["task_settings"]
    threshold = SPAN_SETTINGS["null_score_threshold"]
    assert settings["null_score_threshold"] == threshold
    assert settings["version_2_with_negative"] is True
    served = loaded["span"](question=QUESTIONS, context=CONTEXTS)
    predictions, _ = _python_answers(span_model, tokenizer, QUESTIONS, CONTEXTS, threshold)
    for row in range(len(QUESTIONS)):
        is_null = predictions[str(row)].null_score_diff > threshold
        assert (served["text"][row] == b"") == (is_null or not predictions[str(row)].nbest[0].text)


def test_serve_examples_and_tokens(loaded, span_model, preprocessor):
    model = loaded["span"]
    rows = []
    for question, context in zip(QUESTIONS, CONTEXTS):
        feature = {
            "question": tf.train.Feature(bytes_list=tf.train.BytesList(value=[question.encode()])),
            "context": tf.train.Feature(bytes_list=tf.train.BytesList(value=[context.encode()])),
        }
        example = tf.train.Example(features=tf.train.Features(feature=feature))
        rows.append(example.SerializeToString())
    parsed = model("serve_examples", examples=np.array(rows, dtype=object))
    direct = model(question=QUESTIONS, context=CONTEXTS)
    for key in ("text", "start_char", "end_char"):
        np.testing.assert_array_equal(parsed[key], direct[key])
    tokens = {k: np.asarray(v) for k, v in preprocessor((QUESTIONS, CONTEXTS)).items()}
    raw = model("serve_tokens", **tokens)
    expected = span_model(tokens)
    np.testing.assert_allclose(raw["start_logits"], np.asarray(expected["start_logits"]), atol=1e-4)


def test_missing_example_feature_is_an_error(loaded):
    feature = {"question": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"Who?"]))}
    example = tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()
    try:
        loaded["span"]("serve_examples", examples=np.array([example], dtype=object))
    except tf.errors.InvalidArgumentError as error:
        assert "context" in error.message
    else:
        raise AssertionError("an example without 'context' was accepted")
