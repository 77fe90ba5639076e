"""CoNLL-2003 reader: IOB1 and IOB2 input, -DOCSTART-, malformed lines."""

from __future__ import annotations

import pytest

from bert_tf.data.readers import (
    MalformedInputError,
    detect_scheme,
    iob1_to_iob2,
    read_conll,
)

IOB2_SENTENCES = [
    ["B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O"],
    ["B-PER", "I-PER"],
    ["B-LOC", "B-LOC", "O", "O", "B-LOC", "O"],
]


def test_iob1_file_is_detected_and_converted(task_fixtures):
    examples = read_conll(task_fixtures / "conll/eng-iob1.txt")
    assert len(examples) == 3  # -DOCSTART- lines and their blank lines make no sentences
    assert examples[0].words[:3] == ["EU", "rejects", "German"]
    assert examples[2].words == ["Japan", "China", "talks", "in", "Zürich", "."]
    assert [e.labels for e in examples] == IOB2_SENTENCES
    assert examples[0].guid == "eng-iob1.txt:3"


def test_iob1_and_iob2_files_read_the_same(task_fixtures):
    iob1 = read_conll(task_fixtures / "conll/eng-iob1.txt", scheme="iob1")
    iob2 = read_conll(task_fixtures / "conll/eng-iob2.txt", scheme="iob2")
    assert [(e.words, e.labels) for e in iob1] == [(e.words, e.labels) for e in iob2]


def test_declared_iob2_rejects_iob1_input_with_the_line(task_fixtures):
    with pytest.raises(MalformedInputError, match=r"eng-iob1\.txt:3: I-ORG begins an entity"):
        read_conll(task_fixtures / "conll/eng-iob1.txt", scheme="iob2")


def test_conversion_and_detection():
    assert iob1_to_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC", "I-ORG"]) == [
        "B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "B-ORG"
    ]  # fmt: skip
    assert iob1_to_iob2(["B-PER", "I-PER"]) == ["B-PER", "I-PER"]  # IOB2 passes unchanged
    assert detect_scheme([["B-PER", "I-PER"], ["O"]]) == "iob2"
    assert detect_scheme([["O", "I-PER"]]) == "iob1"
    with pytest.raises(ValueError, match="'X-LOC' is not O"):
        iob1_to_iob2(["X-LOC"])


def test_malformed_lines(task_fixtures):
    path = task_fixtures / "conll/malformed.txt"
    with pytest.raises(MalformedInputError, match=r"malformed\.txt:4: expected 4 columns"):
        read_conll(path)
    skipped: list[MalformedInputError] = []
    examples = read_conll(path, skip_malformed=True, skipped=skipped)
    assert [e.words for e in examples] == [["EU", "rejects"]]  # whole bad sentences skipped
    assert [e.line for e in skipped] == [4, 7]
    assert "X-LOC" in skipped[1].problem


def test_single_column_line(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("EU\nrejects\n")
    with pytest.raises(MalformedInputError, match=r"words\.txt:1: expected a word and a tag"):
        read_conll(path)


def test_unknown_scheme(task_fixtures):
    with pytest.raises(ValueError, match="unknown tagging scheme 'bio'"):
        read_conll(task_fixtures / "conll/eng-iob1.txt", scheme="bio")
