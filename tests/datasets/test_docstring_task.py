"""The docstring -> library task: balanced, disjoint splits from real installed docstrings."""

from __future__ import annotations

import csv

from bert_tf.datasets.docstring_task import make_docstring_task


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_held_out_test_split_shares_no_sentence_and_keeps_dev(tmp_path):
    plain = make_docstring_task(tmp_path / "plain", train_per_class=40, dev_per_class=10)
    task = make_docstring_task(
        tmp_path / "three", train_per_class=40, dev_per_class=10, test_per_class=10
    )
    assert "test" not in plain and set(task["counts"]) == {"train", "dev", "test"}
    assert task["counts"]["test"] == {label: 10 for label in task["labels"]}
    texts = {split: {row["text"] for row in _rows(task[split])} for split in task["counts"]}
    # dev comes from the same source files with or without a test split; test from train's
    plain_train = {row["text"] for row in _rows(plain["train"])}
    assert not texts["dev"] & plain_train
    assert not texts["test"] & texts["train"] and not texts["test"] & texts["dev"]
    assert not texts["train"] & texts["dev"]
