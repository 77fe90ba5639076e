"""Generic CSV / JSONL readers."""

from __future__ import annotations

import pytest

from bert_tf.data.readers import (
    MalformedInputError,
    TextExample,
    read_csv,
    read_jsonl,
    read_text_examples,
)


def test_csv_quoting_newlines_and_unicode(task_fixtures):
    examples = read_csv(task_fixtures / "generic/reviews.csv")
    assert examples == [
        TextExample("reviews-0", "Great value, would buy again.", None, "positive"),
        TextExample("reviews-1", 'He said "meh" and left.', "Was it good?", "negative"),
        TextExample("reviews-2", "Two lines\nin one field; naïve café ☕", None, "positive"),
        TextExample("reviews-3", "No label here", None, None),
    ]


def test_csv_regression_errors_name_the_line(task_fixtures):
    path = task_fixtures / "generic/scores.csv"
    with pytest.raises(MalformedInputError, match=r"scores\.csv:3: label 'oops' is not a number"):
        read_csv(path, regression=True)
    skipped: list[MalformedInputError] = []
    examples = read_csv(path, regression=True, skip_malformed=True, skipped=skipped)
    assert [(e.text_a, e.label) for e in examples] == [("half", 0.5), ("two", 2.0)]
    assert [(e.line, e.problem) for e in skipped] == [
        (3, "label 'oops' is not a number"),
        (4, "expected 2 columns, got 1"),
    ]


def test_csv_needs_a_text_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("sentence,label\nhi,1\n")
    with pytest.raises(MalformedInputError, match=r'x\.csv:1: CSV header has no "text"'):
        read_csv(path)


def test_jsonl(task_fixtures):
    examples = read_text_examples(task_fixtures / "generic/reviews.jsonl")
    assert examples == [
        TextExample("reviews-0", "Great value.", None, "positive"),
        TextExample("reviews-1", "Is it red?", "It is crimson.", "1"),  # int label -> "1"
        TextExample("reviews-2", "Ünïcödé ✓\ttabbed", None, "negative"),  # blank line ignored
    ]


def test_jsonl_malformed_lines(task_fixtures):
    path = task_fixtures / "generic/broken.jsonl"
    with pytest.raises(MalformedInputError, match=r"broken\.jsonl:2: "):
        read_jsonl(path)
    skipped: list[MalformedInputError] = []
    examples = read_jsonl(path, skip_malformed=True, skipped=skipped)
    assert [e.text_a for e in examples] == ["fine", "last"]
    assert [e.line for e in skipped] == [2, 3, 4, 5]
    assert 'missing "text"' in skipped[1].problem
    assert "regression=True" in skipped[2].problem
    assert "expected a JSON object" in skipped[3].problem


def test_format_dispatch(tmp_path):
    path = tmp_path / "data.tsv"
    path.write_text('text\ttext_pair\tlabel\n"a\tb"\tc\tx\n')
    assert read_text_examples(path) == [TextExample("data-0", "a\tb", "c", "x")]
    with pytest.raises(ValueError, match="cannot tell the format"):
        read_text_examples(tmp_path / "data.txt")
