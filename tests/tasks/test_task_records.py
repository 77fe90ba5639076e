"""Every shape's examples survive the trip through tf.Example records (the pipeline's
ExampleGen output), and the record helpers refuse what they cannot hold by name."""

from __future__ import annotations

import pytest
from task_files import SHAPE_CASES

from bert_tf.tasks import make_task
from bert_tf.tasks.task_records import (
    Int64s,
    decode_record,
    encode_record,
    is_record_path,
    read_records,
    write_records,
)


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[case.name for case in SHAPE_CASES])
def test_examples_come_back_unchanged_from_records(case, tmp_path):
    task = make_task(case.task, max_seq_length=32, **case.options)
    examples = task.read(case.make_file(tmp_path / f"train{case.suffix}"))
    split = tmp_path / "examples" / "Split-train"
    split.mkdir(parents=True)
    records = [task.to_record(example) for example in examples]
    write_records(split / "data_tfrecord-00000-of-00002.gz", records[:3])
    write_records(split / "data_tfrecord-00001-of-00002.gz", records[3:])

    assert task.read(split) == examples  # a whole split directory, in file order
    assert task.read(split / "data_tfrecord-00000-of-00002.gz") == examples[:3]
    assert all(task.serving_request(example) for example in examples)


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[case.name for case in SHAPE_CASES])
def test_a_field_has_one_feature_type_in_every_record(case, tmp_path):
    """TFX's readers (StatisticsGen, Transform) infer a field's type from the records and
    refuse a split where it changes, e.g. an unanswerable question's empty answer_start."""
    task = make_task(case.task, max_seq_length=32, **case.options)
    examples = task.read(case.make_file(tmp_path / f"train{case.suffix}"))
    kinds: dict[str, set[str]] = {}
    for example in examples:
        for name, feature in encode_record(task.to_record(example)).features.feature.items():
            kinds.setdefault(name, set()).add(feature.WhichOneof("kind"))
    assert kinds and all(len(kind) == 1 for kind in kinds.values()), kinds


def test_records_hold_strings_integers_floats_and_lists(tmp_path):
    fields = {"id": "q1", "start": [3, 9], "score": 0.5, "choices": ["a", "b"], "none": None}
    decoded = decode_record(encode_record(fields).SerializeToString())
    assert decoded == {"choices": ["a", "b"], "id": ["q1"], "score": [0.5], "start": [3, 9]}
    assert decode_record(encode_record({"empty": []}).SerializeToString()) == {"empty": []}
    typed = encode_record({"starts": Int64s()}).features.feature["starts"]
    assert typed.WhichOneof("kind") == "int64_list" and not typed.int64_list.value
    path = tmp_path / "plain.tfrecord"
    write_records(path, [fields, {"id": "q2"}])
    assert [record["id"] for record in read_records(path)] == [["q1"], ["q2"]]


def test_record_helpers_name_what_is_wrong(tmp_path):
    with pytest.raises(TypeError, match="strings, integers or floats"):
        encode_record({"answer": {"text": "x"}})
    with pytest.raises(FileNotFoundError, match="no such record file"):
        list(read_records(tmp_path / "missing.tfrecord.gz"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no record files"):
        list(read_records(tmp_path / "empty"))
    assert not is_record_path(tmp_path / "train.csv") and is_record_path(tmp_path / "empty")


def test_a_shape_without_records_says_so():
    task = make_task("embedding")
    with pytest.raises(ValueError, match="reads no task files"):
        task.read("Split-train")
