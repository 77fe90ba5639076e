"""The shared harness of the task shapes (in the spirit of keras-hub's `TestCase`).

`SHAPE_CASES` holds one case per shape (and per served variant): a task name, its options
and a tiny training file written in the task's public format. `run_shape_case` takes a case
through what every shape must do, on a tiny model: read and learn from the file, build
features, take one training step, save and load the trained-model bundle, and export it.
The served half (a `bert-tf serve` subprocess answering every export) is in
`test_every_shape.py`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)
CONTEXT = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a region in France. They were descended from Norse raiders and pirates from "
    "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to "
    "King Charles III of West Francia."
)


def _pairs_csv(path: Path) -> Path:
    rows = [("a fine, moving film", "it moved me", "pos"), ("dull and slow", "a bore", "neg")]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "text_pair", "label"])
        writer.writerows(rows * 4)
    return path


def _scores_csv(path: Path) -> Path:
    rows = [("a cat sat", "a cat sat down", "4.5"), ("a cat sat", "stocks fell", "0.5")]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "text_pair", "label"])
        writer.writerows(rows * 4)
    return path


def _squad_json(path: Path) -> Path:
    questions = [
        ("In what country is Normandy located?", "France"),
        ("Who was the Norse leader?", "Rollo"),
        ("What did the Normans eat for breakfast?", None),
    ]
    qas = []
    for number, (question, answer) in enumerate(questions * 2):
        answers = (
            [] if answer is None else [{"text": answer, "answer_start": CONTEXT.index(answer)}]
        )
        qas.append({"id": f"q{number}", "question": question, "answers": answers,
                    "is_impossible": answer is None})  # fmt: skip
    data = {"version": "v2.0", "data": [{"title": "Normans", "paragraphs": [
        {"context": CONTEXT, "qas": qas}]}]}  # fmt: skip
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _conll(path: Path) -> Path:
    sentences = [
        [("Peter", "B-PER"), ("Blackburn", "I-PER"), ("visited", "O"), ("Brussels", "B-LOC")],
        [("EU", "B-ORG"), ("rejects", "O"), ("German", "B-MISC"), ("call", "O")],
    ]
    lines = ["-DOCSTART- -X- -X- O", ""]
    for sentence in sentences * 3:
        lines += [f"{word} NNP B-NP {tag}" for word, tag in sentence] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _swag_csv(path: Path) -> Path:
    header = ["", "video-id", "fold-ind", "startphrase", "sent1", "sent2", "gold-source"]
    header += [f"ending{i}" for i in range(4)] + ["label"]
    rows = [
        (
            "She poured the tea into the cup.",
            "She",
            ["drank it slowly.", "planted the cup.", "sang to the moon.", "ate the table."],
            0,
        ),  # fmt: skip
        (
            "The team lost the final.",
            "They",
            ["won the cup.", "ate the ball.", "walked off sadly.", "flew to Mars."],
            2,
        ),  # fmt: skip
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number, (sent1, sent2, endings, label) in enumerate(rows * 4):
            start = f"{sent1} {sent2}"
            writer.writerow([number, "doc", number, start, sent1, sent2, "gold", *endings, label])
    return path


@dataclass(frozen=True)
class ShapeCase:
    """One shape (or served variant) and the inputs it is served with."""

    name: str  # case id, also the served model's name
    task: str  # command-line task name
    make_file: Any  # path -> path: writes the training file
    suffix: str  # the file's suffix
    rows: list[list[str]]  # `bert-tf predict` rows for the served model
    options: dict[str, Any] = field(default_factory=dict)


SHAPE_CASES = [
    ShapeCase("pairs", "csv", _pairs_csv, ".csv", [["a moving film", "it moved me"]]),
    ShapeCase(
        "scores", "csv", _scores_csv, ".csv", [["a cat sat", "a cat sat down"]], {"labels": ()}
    ),
    ShapeCase(
        "squad",
        "squad-v2.0",
        _squad_json,
        ".json",
        [["Who was the Norse leader?", CONTEXT]],
        {"doc_stride": 16, "max_query_length": 12},
    ),  # fmt: skip
    ShapeCase("conll", "conll", _conll, ".txt", [["Peter Blackburn visited Brussels in May."]]),
    ShapeCase(
        "swag",
        "swag",
        _swag_csv,
        ".csv",
        [
            ["The team lost the final.", "They won.", "They walked off sadly."],
            ["She poured the tea.", "She drank it.", "She ate it.", "It sang.", "It flew."],
        ],
    ),  # fmt: skip
]


def run_shape_case(case: ShapeCase, tokenizer: Any, vocab: Path, root: Path) -> dict[str, Any]:
    """Build, one training step, bundle round trip and export for one case; returns what the
    served checks need (the bundle, its directory, the export and in-process answers)."""
    import keras
    import tensorflow as tf

    from bert_tf.export import check_serving_ops, export_finetuned
    from bert_tf.models import BertBackbone
    from bert_tf.tasks import make_task
    from bert_tf.tasks.model_bundle import ModelBundle
    from bert_tf.text.tokenizer_settings import TokenizerSettings

    keras.utils.set_random_seed(0)
    data = case.make_file(root / f"train{case.suffix}")
    task = make_task(case.task, max_seq_length=32, **case.options)
    examples = task.read(data)
    task.learn_from(examples)
    features = task.build_features(tokenizer, examples)
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **TINY)
    model = task.build_model(backbone)
    task.compile(model, keras.optimizers.Adam(1e-3))
    inputs = {name: features[name] for name in ("input_word_ids", "input_mask", "input_type_ids")}
    history = model.fit(inputs, task.targets(features), batch_size=4, epochs=1, verbose=0)
    loss = history.history["loss"][0]
    assert np.isfinite(loss), f"{case.name}: training loss {loss}"

    run_dir = root / "run"
    bundle = ModelBundle(model, task, TokenizerSettings(lower_case=True), str(vocab.parent))
    bundle.save(run_dir)
    loaded = ModelBundle.load(run_dir)
    assert loaded.task.config == task.config and type(loaded.model) is type(model)
    before, after = model.predict(inputs, verbose=0), loaded.model.predict(inputs, verbose=0)
    for old, new in zip(keras.tree.flatten(before), keras.tree.flatten(after)):
        np.testing.assert_allclose(old, new, atol=1e-5)

    export = export_finetuned(run_dir, root / "models" / case.name / "1")
    assert check_serving_ops(export) == [], f"{case.name}: ops outside the TF Serving image"
    contract = json.loads((export / "assets" / "bert_tf_contract.json").read_text())
    served_in_process = tf.saved_model.load(str(export)).signatures["serving_default"]
    columns = _columns(case.rows, contract)
    answers = {k: v.numpy() for k, v in served_in_process(**columns).items()}
    return {"bundle": loaded, "run_dir": run_dir, "export": export, "answers": answers,
            "examples": examples, "features": features}  # fmt: skip


def _columns(rows: list[list[str]], contract: dict[str, Any]) -> dict[str, Any]:
    """Rows as the signature's input tensors (a last list input takes the rest of each row,
    padded with "")."""
    import tensorflow as tf

    names = contract["inputs"]
    if names[-1] in contract.get("list_inputs", []):
        lists = [row[len(names) - 1 :] for row in rows]
        width = max(len(values) for values in lists)
        rows = [[*row[: len(names) - 1], values + [""] * (width - len(values))]
                for row, values in zip(rows, lists)]  # fmt: skip
    return {name: tf.constant([row[i] for row in rows]) for i, name in enumerate(names)}
