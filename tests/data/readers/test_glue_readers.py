"""GLUE TSV readers on small files in the real GLUE formats."""

from __future__ import annotations

import pytest

from bert_tf.data.readers import (
    GLUE_TASKS,
    MalformedInputError,
    TextExample,
    glue_split_file,
    glue_task_name,
    read_glue,
)


def test_cola_train_has_no_header_and_four_columns(task_fixtures):
    examples = read_glue("cola", task_fixtures / "glue/CoLA/train.tsv")
    assert len(examples) == 4  # the first line is data, not a header
    assert examples[0] == TextExample(
        "train-0",
        "Our friends won't buy this analysis, let alone the next one we propose.",
        None,
        "1",
    )
    assert [e.label for e in examples] == ["1", "0", "1", "0"]
    # Quotes are literal text in GLUE TSVs.
    assert examples[2].text_a == 'The "sailors" rode the breeze clear of the rocks.'
    assert examples[3].text_a == "Café the in sat we."


def test_cola_test_file_has_header_and_no_labels(task_fixtures):
    examples = read_glue("glue/CoLA", task_fixtures / "glue/CoLA/test.tsv")
    assert [(e.guid, e.text_a, e.label) for e in examples] == [
        ("test-0", "Bill whistled past the house.", None),
        ("test-1", "The car honked its way down the road.", None),
    ]


def test_mrpc_bom_crlf_and_literal_quotes(task_fixtures):
    examples = GLUE_TASKS["mrpc"].reader(task_fixtures / "glue/MRPC/dev.tsv")
    assert len(examples) == 3
    first = examples[0]
    assert first.label == "1"
    assert first.text_b.startswith('" The foodservice')  # a leading quote is text, not quoting
    assert first.text_b.endswith("strategy .")  # the \r of CRLF is not part of the field
    assert examples[1].text_b.count('"') == 2
    assert examples[2].label == "1"


def test_mrpc_test_file(task_fixtures):
    (example,) = read_glue("mrpc", task_fixtures / "glue/MRPC/test.tsv")
    assert example.label is None and example.text_b.startswith("Current Chief")


def test_malformed_row_names_file_and_line(task_fixtures):
    path = task_fixtures / "glue/MRPC/dev_malformed.tsv"
    with pytest.raises(MalformedInputError, match=r"dev_malformed\.tsv:3: expected 5") as error:
        read_glue("mrpc", path)
    assert error.value.line == 3 and error.value.path == str(path)


def test_lenient_mode_counts_and_reports_skipped_rows(task_fixtures, caplog):
    skipped: list[MalformedInputError] = []
    examples = read_glue(
        "mrpc", task_fixtures / "glue/MRPC/dev_malformed.tsv", skip_malformed=True, skipped=skipped
    )
    # Rows keep their position in the guid; the two bad rows are reported, not lost silently.
    assert [e.guid for e in examples] == ["dev_malformed-0", "dev_malformed-2"]
    assert [(e.line, e.problem.split(" ")[0]) for e in skipped] == [(3, "expected"), (5, "label")]
    assert "skipped 2 malformed rows" in caplog.text


@pytest.mark.parametrize(
    ("task", "path", "count", "first"),
    [
        (
            "sst2",
            "SST-2/dev.tsv",
            3,
            ("it 's a charming and often affecting journey . ", None, "1"),
        ),  # noqa: E501
        (
            "qqp",
            "QQP/dev.tsv",
            3,
            ("Why are African-Americans so beautiful?", "Why are hispanics so beautiful?", "0"),
        ),
        (
            "qnli",
            "QNLI/dev.tsv",
            2,
            (
                "What came into force after the new constitution was herald?",
                "As of that day, the new constitution heralding the Second Republic came into "
                "force.",
                "entailment",
            ),
        ),
        (
            "rte",
            "RTE/dev.tsv",
            2,
            (
                "Dana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at "
                "age 44, according to the Christopher Reeve Foundation.",
                "Christopher Reeve had an accident.",
                "not_entailment",
            ),
        ),
        (
            "wnli",
            "WNLI/dev.tsv",
            2,
            (
                "The drain is clogged with hair. It has to be cleaned.",
                "The hair has to be cleaned.",
                "0",
            ),
        ),
    ],
)
def test_headered_tasks(task_fixtures, task, path, count, first):
    examples = read_glue(task, task_fixtures / "glue" / path)
    assert len(examples) == count
    assert (examples[0].text_a, examples[0].text_b, examples[0].label) == first
    assert all(e.label in GLUE_TASKS[task].labels for e in examples)


def test_stsb_is_regression_with_float_labels(task_fixtures):
    examples = read_glue("sts-b", task_fixtures / "glue/STS-B/dev.tsv")
    assert [e.label for e in examples] == [5.0, 4.75, 5.0, 2.4]
    assert examples[1].text_a == "A young child is riding a horse."
    assert GLUE_TASKS["stsb"].is_regression and GLUE_TASKS["stsb"].labels == []


def test_mnli_gold_label_column_in_train_and_both_dev_files(task_fixtures):
    matched = read_glue("mnli", task_fixtures / "glue/MNLI/dev_matched.tsv")
    assert [e.label for e in matched] == ["neutral", "contradiction", "entailment"]
    assert matched[0].guid == "dev_matched-0"
    assert matched[0].text_b == "Everyone really likes the newest benefits "
    mismatched = read_glue("mnli-mm", task_fixtures / "glue/MNLI/dev_mismatched.tsv")
    assert mismatched[0].label == "contradiction"
    train = read_glue("mnli", task_fixtures / "glue/MNLI/train.tsv")  # 12 columns, not 16
    assert train[0].label == "neutral" and train[0].text_a.startswith("Conceptually")


def test_wrong_header_is_reported(task_fixtures):
    with pytest.raises(MalformedInputError, match="no column 'sentence1'"):
        read_glue("rte", task_fixtures / "glue/QNLI/dev.tsv")


def test_registry_and_names(tmp_path):
    assert set(GLUE_TASKS) == {
        "cola", "sst2", "mrpc", "qqp", "stsb", "mnli", "mnli-mm", "qnli", "rte", "wnli"
    }  # fmt: skip
    reader, labels, metrics, is_regression = GLUE_TASKS["cola"]
    assert (labels, metrics, is_regression) == (["0", "1"], ("matthews_correlation",), False)
    assert GLUE_TASKS["mnli"].labels == ["contradiction", "entailment", "neutral"]
    assert glue_task_name("glue/SST-2") == "sst2"
    assert glue_split_file("mnli-mm", tmp_path, "dev") == tmp_path / "dev_mismatched.tsv"
    assert glue_split_file("rte", tmp_path, "train") == tmp_path / "train.tsv"
    with pytest.raises(ValueError, match="unknown GLUE task 'squad'"):
        glue_task_name("squad")


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "dev.tsv"
    path.write_bytes(b"sentence\tlabel\ngood\t1\nbad \xff byte\t0\n")
    with pytest.raises(MalformedInputError, match=r"dev\.tsv:3: not UTF-8"):
        read_glue("sst2", path)
