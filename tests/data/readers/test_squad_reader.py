"""SQuAD v1.1 / v2.0 JSON reader."""

from __future__ import annotations

import json

import pytest

from bert_tf.data.readers import MalformedInputError, SquadAnswer, read_squad


def test_v11_answers_and_unicode_offsets(task_fixtures):
    examples = read_squad(task_fixtures / "squad/dev-v1.1.json")
    assert [e.qas_id for e in examples] == [
        "56be4db0acb8001400a502ec",
        "56be4db0acb8001400a502ed",
        "56ddde6b9a695914005b9628",
    ]
    first = examples[0]
    assert first.question == "Which NFL team won Super Bowl 50?"
    assert first.answers[0] == SquadAnswer("Denver Broncos", 177)
    assert len(first.answers) == 3 and not first.is_impossible
    score = examples[1]  # "24–10" has an en dash: offsets count characters, not bytes
    text, start = score.answers[0]
    assert score.context[start : start + len(text)] == "24–10"


def test_v20_unanswerable_and_plausible_answers_ignored(task_fixtures):
    examples = {e.qas_id: e for e in read_squad(task_fixtures / "squad/dev-v2.0.json")}
    impossible = examples["q-impossible"]
    assert impossible.is_impossible and impossible.answers == []
    # plausible_answers are not read at all (this one even has an offset past the context).
    assert examples["q-impossible-2"].answers == []
    assert examples["q-answerable"].answers[1].text == "a region in France"


def test_offset_mismatch_names_the_question(task_fixtures):
    path = task_fixtures / "squad/bad-offset-v1.1.json"
    with pytest.raises(MalformedInputError, match="qas id '56ddde6b9a695914005b9628'") as error:
        read_squad(path)
    assert "answer_start" in str(error.value) and str(path) in str(error.value)
    assert len(read_squad(path, check_offsets=False)) == 3  # scoring needs only the texts


def _write(tmp_path, qas, context="Paris is in France."):
    path = tmp_path / "squad.json"
    data = {"version": "v2.0", "data": [{"title": "t", "paragraphs": [{"context": context,
                                                                      "qas": qas}]}]}  # fmt: skip
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("qas", "message"),
    [
        ([{"id": "a", "question": "q?", "answers": []}], "no answers and not marked"),
        (
            [{"id": "a", "question": "q?", "is_impossible": True,
              "answers": [{"text": "Paris", "answer_start": 0}]}],
            "is_impossible with answers",
        ),
        ([{"id": "a", "answers": []}], "qas id 'a': missing 'question'"),
        (
            [{"id": "a", "question": "q?", "answers": [{"text": "Paris", "answer_start": "0"}]}],
            "'answer_start' has type str",
        ),
        (
            [{"id": "a", "question": "q?", "answers": [{"text": "Paris", "answer_start": 0}]}] * 2,
            "duplicate qas id 'a'",
        ),
    ],
)  # fmt: skip
def test_malformed_entries(tmp_path, qas, message):
    with pytest.raises(MalformedInputError, match=message):
        read_squad(_write(tmp_path, qas))


def test_invalid_json_reports_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"data": [\n  {"title": }\n]}')
    with pytest.raises(MalformedInputError, match=r"broken\.json:2: invalid JSON"):
        read_squad(path)
