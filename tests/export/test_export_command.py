"""`bert-tf export` on a real (tiny) `bert-tf finetune` output directory: a TF Serving version
directory whose answers equal the trained-model bundle + the task's own prediction path."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bert_tf.cli import main

TINY = ["num_layers=2", "hidden_size=64", "num_heads=2", "intermediate_size=128"]
ROWS = [
    ("Return a new array of given shape and type, filled with zeros.", "An array.", "numpy"),
    ("Group the DataFrame using a mapper or by a Series of columns.", "A frame.", "pandas"),
    ("Fit the model according to the given training data.", "A model.", "sklearn"),
    ("Return a tokenized copy of the text, using the recommended tokenizer.", "Text.", "nltk"),
]


@pytest.mark.slow
def test_finetune_then_export(tmp_path, minilm_vocab, capsys):
    lines = ["text,text_pair,label"] + [f'"{a}","{b}",{label}' for a, b, label in ROWS]
    (tmp_path / "train.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = tmp_path / "run"
    args = ["finetune", "--task", "csv", "--train", str(tmp_path / "train.csv")]
    args += ["--eval", str(tmp_path / "train.csv"), "--output-dir", str(run)]
    args += ["--max-seq-length", "12", "--stride", "4", "--init", "bert_tiny"]
    args += ["--vocab", str(minilm_vocab), "--quiet", "--epochs", "1", "--batch-size", "4"]
    for item in TINY:
        args += ["--set", item]
    assert main(args) == 0
    capsys.readouterr()
    version = tmp_path / "models" / "docs" / "1"
    assert main(["export", "--model-dir", str(run), "--output", str(version)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["task"] == "classification" and summary["inputs"] == ["text", "text_pair"]
    for name in ("saved_model.pb", "variables", "assets/vocab.txt", "assets/bert_tf_contract.json",
                 "assets.extra/tf_serving_warmup_requests"):  # fmt: skip
        assert (version / name).exists(), name
    assert [p.name for p in version.parent.iterdir()] == ["1"]  # no staging directory left

    from bert_tf.data.readers import TextExample
    from bert_tf.export import load_exported
    from bert_tf.tasks.model_bundle import ModelBundle

    bundle = ModelBundle.load(run)
    model, tokenizer, task = bundle.model, bundle.tokenizer(), bundle.task
    assert task.pair  # recorded at training time: the export needs no training file
    served = load_exported(version, tokenizer)
    assert served.contract["task_settings"] == {"stride": 4}
    texts, pairs = [r[0] for r in ROWS], [r[1] for r in ROWS]
    examples = [TextExample(str(i), a, b, None) for i, (a, b) in enumerate(zip(texts, pairs))]
    logits = task.predict(model, examples, task.build_features(tokenizer, examples))
    answers = served(text=texts, text_pair=pairs)
    assert [label.decode() for label in answers["label"]] == task.decode(logits)
    expected = np.exp(logits - logits.max(-1, keepdims=True))
    np.testing.assert_allclose(answers["probabilities"], expected / expected.sum(-1, keepdims=True),
                               atol=1e-5)  # fmt: skip
    assert main(["export", "--model-dir", str(run), "--output", str(version)]) == 2
    assert "exists and is not empty" in capsys.readouterr().err


def test_output_must_be_a_numbered_version(tmp_path, capsys):
    code = main(["export", "--model-dir", str(tmp_path), "--output", str(tmp_path / "m" / "v1")])
    assert code == 2
    assert "numeric version directory" in capsys.readouterr().err
