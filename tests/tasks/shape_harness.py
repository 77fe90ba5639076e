"""The shared harness of the task shapes (in the spirit of keras-hub's `TestCase`).

`SHAPE_CASES` (from `tests/task_files.py`) holds one case per shape (and per served variant): a
task name, its options and a tiny training file in the task's public format. `run_shape_case`
takes a case through what every shape must do, on a tiny model: read and learn from the file,
build features, take one training step, save and load the trained-model bundle, and export it.
The served half (a `bert-tf serve` subprocess answering every export) is in
`test_every_shape.py`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from task_files import SHAPE_CASES, ShapeCase

__all__ = ["SHAPE_CASES", "TINY", "ShapeCase", "run_shape_case"]

TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)


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
