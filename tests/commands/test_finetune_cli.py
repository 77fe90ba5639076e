"""`bert-tf finetune` / `evaluate` / `score` / `extract-features` end to end on small files in the
public SQuAD, CoNLL and CSV formats, with a tiny model (checks the pipeline and its outputs)."""

from __future__ import annotations

import json

import pytest

from bert_tf.cli import main

TINY = ["num_layers=2", "hidden_size=64", "num_heads=2", "intermediate_size=128"]
CONTEXT = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a region in France. They were descended from Norse raiders and pirates from "
    "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to "
    "King Charles III of West Francia."
)


def _tiny_args(vocab, *more):
    args = ["--init", "bert_tiny", "--vocab", str(vocab), "--quiet", "--epochs", "1"]
    args += ["--batch-size", "4", "--learning-rate", "1e-3"]
    for item in TINY:
        args += ["--set", item]
    return args + list(more)


def _squad_file(path):
    qas = [
        ("q1", "In what country is Normandy located?", "France"),
        ("q2", "Who was the Norse leader?", "Rollo"),
        ("q3", "What king did the Normans swear fealty to?", "King Charles III"),
        ("q4", "Who did Rollo defeat in battle?", None),
    ]
    entries = []
    for qas_id, question, answer in qas:
        answers = []
        if answer is not None:
            answers = [{"text": answer, "answer_start": CONTEXT.index(answer)}]
        entries.append(
            {
                "id": qas_id,
                "question": question,
                "answers": answers,
                "is_impossible": answer is None,
            }
        )
    data = {
        "version": "v2.0",
        "data": [{"title": "Normans", "paragraphs": [{"context": CONTEXT, "qas": entries}]}],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _conll_file(path):
    sentences = [
        [("EU", "B-ORG"), ("rejects", "O"), ("German", "B-MISC"), ("call", "O")],
        [("Peter", "B-PER"), ("Blackburn", "I-PER"), ("visited", "O"), ("Brussels", "B-LOC")],
        [("Rollo", "B-PER"), ("agreed", "O"), ("to", "O"), ("swear", "O"), ("fealty", "O")],
    ]
    lines = ["-DOCSTART- -X- -X- O", ""]
    for sentence in sentences:
        lines += [f"{word} NNP B-NP {tag}" for word, tag in sentence] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.slow
def test_squad_v2_finetune_evaluate_and_score(tmp_path, minilm_vocab, capsys):
    data = _squad_file(tmp_path / "train-v2.0.json")
    out = tmp_path / "run"
    code = main(
        [
            "finetune",
            "--task",
            "squad-v2.0",
            "--train",
            str(data),
            "--eval",
            str(data),
            "--output-dir",
            str(out),
            "--max-seq-length",
            "48",
            "--doc-stride",
            "16",
            "--max-query-length",
            "16",
            *_tiny_args(minilm_vocab),
        ]
    )
    assert code == 0
    for name in (
        "model.keras",
        "vocab.txt",
        "tokenizer_config.json",
        "labels.json",
        "task_config.json",
        "metrics.json",
        "predictions.json",
        "null_odds.json",
    ):
        assert (out / name).is_file(), name
    assert list((out / "logs").rglob("events.out.tfevents.*"))
    capsys.readouterr()
    assert (
        main(
            [
                "evaluate",
                "--model-dir",
                str(out),
                "--task",
                "squad-v2.0",
                "--eval",
                str(data),
                "--output-dir",
                str(tmp_path / "eval"),
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    predictions = json.loads((tmp_path / "eval" / "predictions.json").read_text())
    assert set(predictions) == {"q1", "q2", "q3", "q4"}
    assert all(text == "" or text in CONTEXT for text in predictions.values())
    assert {"exact", "f1", "HasAns_f1", "NoAns_f1"} <= set(summary["metrics"])
    # The predictions file is what the official-metric scorer reads, and agrees with evaluate.
    assert (
        main(
            [
                "score",
                "--task",
                "squad-v2.0",
                "--gold",
                str(data),
                "--predictions",
                str(tmp_path / "eval" / "predictions.json"),
            ]
        )
        == 0
    )
    scored = json.loads(capsys.readouterr().out)
    assert scored["exact"] == pytest.approx(summary["metrics"]["exact"])


def test_conll_finetune_with_frozen_encoder_and_score(tmp_path, minilm_vocab, capsys):
    data = _conll_file(tmp_path / "train.txt")
    out = tmp_path / "run"
    code = main(
        [
            "finetune",
            "--task",
            "conll",
            "--train",
            str(data),
            "--eval",
            str(data),
            "--output-dir",
            str(out),
            "--max-seq-length",
            "8",
            "--stride",
            "3",
            "--freeze-encoder",
            "--feature-layers",
            "-1,-2",
            *_tiny_args(minilm_vocab),
        ]
    )
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    assert set(metrics) == {"precision", "recall", "f1"}
    lines = (out / "predictions.conll").read_text().split("\n")
    assert lines[0].split(" ")[:2] == ["EU", "B-ORG"] and len(lines[0].split(" ")) == 3
    assert sum(1 for line in lines if line) == 13  # every word, even across windows
    assert main(["score", "--task", "conll", "--predictions", str(out / "predictions.conll")]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["f1"] == pytest.approx(metrics["f1"])
    labels = json.loads((out / "labels.json").read_text())
    assert labels[0] == "O" and "B-PER" in labels


@pytest.mark.slow
def test_csv_windows_finetune_and_extract_features(tmp_path, minilm_vocab, capsys):
    rows = ["text,label"] + [
        f'"{text}",{label}'
        for text, label in [
            ("Return a new array of given shape and type, filled with zeros.", "numpy"),
            ("Group the DataFrame using a mapper or by a Series of columns.", "pandas"),
            ("Fit the model according to the given training data.", "sklearn"),
            ("Return a tokenized copy of the text, using the recommended tokenizer.", "nltk"),
        ]
    ]
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    assert (
        main(
            [
                "finetune",
                "--task",
                "csv",
                "--train",
                str(tmp_path / "train.csv"),
                "--eval",
                str(tmp_path / "train.csv"),
                "--output-dir",
                str(out),
                "--max-seq-length",
                "10",
                "--stride",
                "4",
                *_tiny_args(minilm_vocab),
            ]
        )
        == 0
    )
    lines = (out / "predictions.tsv").read_text().splitlines()
    assert lines[0] == "index\tprediction" and len(lines) == 5
    assert {line.split("\t")[1] for line in lines[1:]} <= {"numpy", "pandas", "sklearn", "nltk"}
    capsys.readouterr()
    (tmp_path / "lines.txt").write_text("Hello world.\nA question? ||| An answer.\n")
    assert (
        main(
            [
                "extract-features",
                "--model",
                str(out),
                "--input",
                str(tmp_path / "lines.txt"),
                "--layers",
                "-1,-2",
                "--output",
                str(tmp_path / "f.jsonl"),
                "--max-seq-length",
                "16",
            ]
        )
        == 0
    )
    records = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert [r["linex_index"] for r in records] == [0, 1]
    first = records[0]["features"]
    assert [f["token"] for f in first] == ["[CLS]", "hello", "world", ".", "[SEP]"]
    assert [len(layer["values"]) for layer in first[0]["layers"]] == [64, 64]


@pytest.mark.parametrize(
    ("task", "extra", "message"),
    [
        ("conll", ["--feature-layers", "-1,-2", "TINY"], "--feature-layers needs --freeze-encoder"),
        ("ner", ["--init", "bert_tiny"], "unknown task 'ner'"),
        ("conll", ["--init", "bert_tiny"], "needs --vocab"),
    ],
)
def test_bad_arguments_are_reported(task, extra, message, tmp_path, minilm_vocab, capsys):
    data = str(_conll_file(tmp_path / "train.txt"))
    if "TINY" in extra:  # a full tiny set-up, so only the named mistake remains
        extra = [*extra[: extra.index("TINY")], *_tiny_args(minilm_vocab)]
    common = ["--task", task, "--train", data, "--eval", data, "--output-dir", str(tmp_path / "o")]
    code = main(["finetune", *common, *extra])
    assert code == 2
    assert message in capsys.readouterr().err
