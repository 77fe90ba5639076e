"""`SquadFeatures` windows and labels equal google-research `run_squad.py`'s, feature by feature.

The reference (`run_squad_reference.py`) follows run_squad.py one example at a time; the
builder runs the in-graph windows over the whole batch and labels answers through the token
offsets. They must agree on the real docstring QA set and on the cases run_squad.py's
`_improve_answer_span` comment names (an answer inside punctuation, inside a longer word).
"""

from __future__ import annotations

import numpy as np
import pytest
from run_squad_reference import run_squad_features

from bert_tf.data.features import SquadFeatures
from bert_tf.data.readers import SquadAnswer, SquadExample, read_squad

KEYS = (
    "input_word_ids",
    "input_mask",
    "input_type_ids",
    "start_positions",
    "end_positions",
    "token_is_max_context",
    "example_index",
)


def _example(context: str, answer: str | None, at: int | None = None, qid: str = "q"):
    if answer is None:
        return SquadExample(qid, "What is it?", context, [], is_impossible=True)
    start = context.index(answer) if at is None else at
    return SquadExample(qid, "What is it?", context, [SquadAnswer(answer, start)])


EDGE_CASES = [
    _example("The leader was John Smith (1895-1943).", "1895"),  # improved to the year
    _example("The leader was John Smith (1895-1943).", "189"),  # no better match: whole word
    _example("The Japanese electronics industry is the largest in the world.", "Japan"),
    _example("The Japanese electronics industry is the largest.", "electronics indus"),
    _example("Der Käse kostet 5€ in Zürich.", "Zürich"),
    _example("  leading\tspaces,\u00a0no-break\u202fnarrow\nnew lines here.", "no-break"),
    _example("a b a b a b c a b", "a b", at=4),  # the second "a b", where it was annotated
    _example(" ".join(f"w{i}" for i in range(80)) + " the end.", "w41 w42 w43"),
    _example(" ".join(f"w{i}" for i in range(80)), "w70 w71 w72 w73 w74 w75 w76 w77"),
    _example("one two three four five six seven eight nine ten", None),
]


def _compare(examples, tokenizer, seq_length, doc_stride, max_query_length) -> int:
    built = SquadFeatures(tokenizer, seq_length, doc_stride, max_query_length).build(examples)
    reference, skipped = run_squad_features(
        examples, tokenizer, seq_length, doc_stride, max_query_length
    )
    keep = ~np.isin(built["example_index"], skipped)  # run_squad.py drops those examples
    assert int(keep.sum()) == len(reference)
    for key in KEYS:
        expected = np.asarray([feature[key] for feature in reference])
        np.testing.assert_array_equal(built[key][keep], expected, err_msg=key)
    return len(reference)


@pytest.mark.parametrize("seq_length,doc_stride,max_query_length", [(384, 128, 64), (24, 5, 6)])
def test_edge_cases_match_run_squad(tokenizer, seq_length, doc_stride, max_query_length):
    assert _compare(EDGE_CASES, tokenizer, seq_length, doc_stride, max_query_length) >= 10


@pytest.mark.parametrize("seq_length,doc_stride,max_query_length", [(384, 128, 64), (64, 16, 24)])
def test_docstring_qa_matches_run_squad(
    tmp_path, tokenizer, seq_length, doc_stride, max_query_length
):
    from bert_tf.datasets.docstring_qa import make_docstring_qa

    info = make_docstring_qa(tmp_path, max_train=300, max_dev=100)
    examples = read_squad(info["train"]) + read_squad(info["dev"])
    assert _compare(examples, tokenizer, seq_length, doc_stride, max_query_length) >= 400


def test_improve_answer_span_cases_label_what_run_squad_labels(tokenizer):
    features = SquadFeatures(tokenizer, 64, 16, 16).build(EDGE_CASES[:4])
    ids = features["input_word_ids"]
    spans = [
        [tokenizer.id_to_token(i) for i in ids[row, start : end + 1]]
        for row, (start, end) in enumerate(
            zip(features["start_positions"], features["end_positions"])
        )
    ]
    assert spans[0] == ["1895"]
    assert spans[1] == ["(", "1895", "-", "1943", ")", "."]
    assert spans[2] == ["japanese"]
    assert spans[3] == ["electronics", "industry"]
