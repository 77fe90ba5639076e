"""Multiple choice (SWAG): readers of both formats, packing, scoring, and learning on real data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from bert_tf.tasks import make_task
from bert_tf.tasks.multiple_choice_task import ChoiceExample, pack_choices

SWAG_HEADER = ["video-id", "fold-ind", "startphrase", "sent1", "sent2", "gold-source"]
SWAG_HEADER += ["ending0", "ending1", "ending2", "ending3", "label"]


def _swag(path, rows, index_column=True, label=True):
    header = ([""] if index_column else []) + SWAG_HEADER[: len(SWAG_HEADER) - (not label)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number, (sent1, sent2, endings, gold) in enumerate(rows):
            row = [number] if index_column else []
            row += ["anetv_x", number, f"{sent1} {sent2}", sent1, sent2, "gold", *endings]
            writer.writerow(row + ([gold] if label else []))
    return path


ROW = ("A man sits at a piano.", "He", ["plays a song.", "eats the keys.", "flies.", "a, b"], 0)


@pytest.mark.parametrize("index_column", [True, False])
def test_swag_csv_as_published(tmp_path, index_column):
    examples = make_task("swag").read(_swag(tmp_path / "val.csv", [ROW], index_column))
    assert examples == [
        ChoiceExample(
            "0",
            "A man sits at a piano.",
            ("He plays a song.", "He eats the keys.", "He flies.", "He a, b"),
            0,
        )
    ]


def test_swag_test_files_have_no_labels_and_bad_files_are_named(tmp_path):
    task = make_task("swag")
    unlabelled = task.read(_swag(tmp_path / "test.csv", [ROW], label=False))
    assert unlabelled[0].label is None and not task.is_labelled(unlabelled)
    (tmp_path / "bad.csv").write_text("text,label\na,1\n")
    with pytest.raises(ValueError, match="bad.csv: not a SWAG CSV, no column"):
        task.read(tmp_path / "bad.csv")
    bad_label = (*ROW[:3], 7)
    with pytest.raises(ValueError, match=r"bad_label.csv:2: label must be 0-3"):
        task.read(_swag(tmp_path / "bad_label.csv", [bad_label]))
    with pytest.raises(ValueError, match="SWAG .csv or .jsonl"):
        task.read(tmp_path / "data.tsv")


def test_jsonl_takes_any_number_of_choices_and_names_bad_rows(tmp_path):
    rows = [
        {"context": "It rained.", "choices": ["We stayed in.", "We swam in lava."], "label": 0},
        {"id": "x7", "context": "Tea?", "choices": ["Yes.", "No.", "Blue.", "Ten."], "label": 1},
    ]
    path = tmp_path / "mc.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")
    task = make_task("multiple-choice")
    examples = task.read(path)
    assert [len(e.choices) for e in examples] == [2, 4] and examples[1].guid == "x7"
    task.learn_from(examples)
    assert task.config.num_choices == 4
    for line, message in [
        ('{"context": "a", "choices": ["b"], "label": 0}', "at least 2 non-empty"),
        ('{"context": "a", "choices": ["b", "c"], "label": 2}', "label 2 is not a choice index"),
        ('{"choices": ["b", "c"]}', '"context"'),
        ("{not json", "not JSON"),
    ]:
        path.write_text(line + "\n")
        with pytest.raises(ValueError, match=f"mc.jsonl:1: .*{message}"):
            task.read(path)


def test_features_pack_each_choice_as_a_pair_and_pad_absent_ones(tokenizer):
    from bert_tf.text import BertPreprocessor

    task = make_task("multiple-choice", max_seq_length=16)
    examples = [
        ChoiceExample("a", "It rained all day.", ("We stayed in.", "We swam in lava."), 1),
        ChoiceExample("b", "Tea?", ("Yes.", "No.", "Blue."), None),
    ]
    task.learn_from(examples)
    features = task.build_features(tokenizer, examples)
    assert features["input_word_ids"].shape == (2, 3, 16)
    assert features["labels"].tolist() == [1, -1]
    preprocessor = BertPreprocessor(tokenizer, seq_length=16)
    pair = preprocessor((["It rained all day."], ["We swam in lava."]))
    for name, value in pair.items():
        np.testing.assert_array_equal(features[name][0, 1], value.numpy()[0])
    assert features["input_mask"][0, 2].sum() == 0  # the padding choice is absent
    assert features["input_mask"][1].sum(axis=-1).min() > 0
    with pytest.raises(ValueError, match="more than 3 choices"):
        task.build_features(tokenizer, [ChoiceExample("c", "x", tuple("abcd"), 0)])


def test_pack_choices_is_the_serving_path(tokenizer):
    """The signature's packing and the training features are one function."""
    from bert_tf.text import BertPreprocessor

    preprocessor = BertPreprocessor(tokenizer, seq_length=12)
    packed = pack_choices(preprocessor, ["ctx one", "ctx two"], [["a", ""], ["b", "c"]])
    assert packed["input_word_ids"].shape == (2, 2, 12)
    assert packed["input_mask"].numpy().sum(axis=-1).tolist()[0][1] == 0


def test_accuracy_and_predictions_file(tmp_path):
    task = make_task("swag")
    examples = [ChoiceExample(str(i), "c", ("a", "b"), i % 2) for i in range(4)]
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [5.0, 1.0]])  # 3 of 4 right
    assert task.metrics(examples, logits) == {"accuracy": 0.75}
    path = task.write_predictions(tmp_path, examples, logits)
    lines = Path(path).read_text().splitlines()
    assert lines == ["index\tprediction", "0\t0", "1\t1", "2\t0", "3\t0"]


@pytest.mark.slow
def test_multiple_choice_learns_on_real_text(tmp_path, minilm_dir, capsys):
    """`bert-tf finetune --task swag` from the real MiniLM checkpoint on the SWAG-format
    continuation set built from the offline corpus: one epoch on 300 questions lifts dev
    accuracy above chance (0.25) and above the word-overlap baseline (0.30); measured 0.40
    here (600 questions, 2 epochs, length 64: 0.54)."""
    from bert_tf.cli import main
    from bert_tf.datasets.docstring_choice import make_docstring_choice

    data = make_docstring_choice(tmp_path / "data", train_examples=300, dev_examples=120)
    args = ["finetune", "--task", "swag", "--train", data["train"], "--eval", data["dev"]]
    args += ["--init", str(minilm_dir), "--output-dir", str(tmp_path / "run"), "--quiet"]
    args += ["--max-seq-length", "48", "--epochs", "1", "--batch-size", "16"]
    args += ["--learning-rate", "1e-4"]
    assert main([str(a) for a in args]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    print("multiple choice dev accuracy:", result["metrics"]["accuracy"])
    assert result["metrics"]["accuracy"] > 0.33
