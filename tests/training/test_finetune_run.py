"""Fine-tuning runs on a real task derived from offline text (sentence -> library whose
docstring it comes from; 4 balanced classes, chance = 25%)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)


@pytest.fixture(scope="module")
def docstring_task(tmp_path_factory):
    from bert_tf.datasets.docstring_task import make_docstring_task

    return make_docstring_task(
        tmp_path_factory.mktemp("docstring_task"), train_per_class=200, dev_per_class=50
    )


@pytest.fixture()
def small_task(tmp_path):
    """A few labelled sentences per class in the generic CSV format."""
    rows = {
        "numpy": ["Return a new array of given shape.", "Compute the dtype of the array."],
        "pandas": ["Return a DataFrame with the index reset.", "Group the Series by key."],
        "sklearn": ["Fit the estimator to the data.", "Predict class labels for samples."],
        "nltk": ["Tokenize the corpus into words.", "Tag each word of the sentence."],
    }
    lines = ["text,label"] + [f'"{t}",{label}' for label, texts in rows.items() for t in texts]
    (tmp_path / "train.csv").write_text("\n".join(lines * 1) + "\n")
    (tmp_path / "dev.csv").write_text("\n".join(lines[:1] + lines[1::2]) + "\n")
    return {"train": str(tmp_path / "train.csv"), "dev": str(tmp_path / "dev.csv")}


def _config(task, out, init, **changes):
    from bert_tf.training.finetune_run import FinetuneConfig

    settings = dict(max_seq_length=32, epochs=1, batch_size=16, verbose=0)
    settings.update(changes)
    return FinetuneConfig("csv", task["train"], task["dev"], str(init), str(out), **settings)


def test_freeze_encoder_trains_only_the_head(small_task, minilm_vocab, tmp_path):
    import keras

    from bert_tf.models import BertBackbone, BertClassifier
    from bert_tf.training.finetune_run import run_finetuning

    keras.utils.set_random_seed(3)
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=30522, **TINY)
    backbone.save(tmp_path / "init.keras")
    before = [np.array(w) for w in backbone.weights]
    result = run_finetuning(
        _config(
            small_task,
            tmp_path / "run",
            tmp_path / "init.keras",
            vocab=str(minilm_vocab),
            freeze_encoder=True,
            feature_layers=[-1, -2],
            learning_rate=1e-2,
            epochs=2,
        )
    )
    model = keras.saving.load_model(result.best_checkpoint, compile=False)
    assert isinstance(model, BertClassifier) and model.feature_layers == [-1, -2]
    after = [np.array(w) for w in model.backbone.weights]
    assert len(before) == len(after)
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)
    head = model.get_layer("logits")
    assert head.kernel.shape == (128, 4)  # two layers of width 64 concatenated, 4 classes
    assert np.abs(np.array(head.bias)).sum() > 0  # the head did train (bias starts at zero)
    saved = json.loads((tmp_path / "run" / "task_config.json").read_text())
    assert saved["run"]["finetune"]["freeze_encoder"] is True
    assert saved["task"]["freeze_encoder"] is True and saved["task"]["feature_layers"] == [-1, -2]
    assert json.loads((tmp_path / "run" / "labels.json").read_text()) == sorted(
        ["nltk", "numpy", "pandas", "sklearn"]
    )


def test_dev_metric_callback_keeps_the_best_and_stops_early(tmp_path):
    import keras

    from bert_tf.training.callbacks.dev_metric_callback import DevMetricCallback

    class ScriptedTask:
        main_metric = "f1"
        scores = iter([0.2, 0.5, 0.4, 0.3, 0.9])

        def predict(self, model, examples, features, batch_size):
            return None

        def metrics(self, examples, predictions):
            return {"f1": next(self.scores)}

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    callback = DevMetricCallback(ScriptedTask(), [], {}, tmp_path / "best.keras", patience=2)
    callback.set_model(model)
    model.stop_training = False
    logs = {}
    for epoch in range(4):
        callback.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    assert epoch == 3 and model.stop_training
    assert callback.best == 0.5 and callback.best_epoch == 2
    assert logs["dev_f1"] == 0.3
    assert (tmp_path / "best.keras").is_file()


@pytest.mark.slow
def test_tiny_model_beats_chance(docstring_task, minilm_vocab, tmp_path):
    from bert_tf.training.finetune_run import run_finetuning

    result = run_finetuning(
        _config(
            docstring_task,
            tmp_path,
            "bert_tiny",
            vocab=str(minilm_vocab),
            config_overrides=TINY,
            max_seq_length=48,
            epochs=6,
            batch_size=32,
            learning_rate=5e-3,
        )
    )
    print("tiny model dev accuracy", result.metrics, result.history)
    # 200 balanced dev sentences: chance is 0.25 +- 0.03 (one standard deviation).
    assert result.metrics["accuracy"] > 0.35
    assert Path(result.best_checkpoint).is_file()
    assert (tmp_path / "predictions.tsv").read_text().startswith("index\tprediction\n")


@pytest.mark.slow
def test_minilm_checkpoint_beats_the_same_architecture_from_scratch(
    docstring_task, minilm_dir, tmp_path
):
    from bert_tf.checkpoints import config_from_json_dict
    from bert_tf.training.finetune_run import run_finetuning

    config = config_from_json_dict(json.loads((minilm_dir / "config.json").read_text()))
    common = dict(max_seq_length=32, epochs=1, batch_size=16, learning_rate=1e-4)
    pretrained = run_finetuning(_config(docstring_task, tmp_path / "minilm", minilm_dir, **common))
    scratch = run_finetuning(
        _config(
            docstring_task,
            tmp_path / "scratch",
            "bert_base",
            vocab=str(minilm_dir / "vocab.txt"),
            config_overrides=config.to_dict(),
            **common,
        )
    )
    print("MiniLM", pretrained.metrics, "scratch", scratch.metrics)
    assert pretrained.metrics["accuracy"] > scratch.metrics["accuracy"] + 0.1
    assert pretrained.metrics["accuracy"] > 0.4
