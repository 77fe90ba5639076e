"""`ModelBundle`: a trained model as one unit: task model + tokenizer settings + task config.

The only reader and writer of a fine-tuning run directory. On disk it is `model.keras` (the
task model: backbone + head), `vocab.txt` and `tokenizer_config.json` (through
`TokenizerSettings`), `task_config.json` (the task shape's config, labels, pairs and windows
included, plus the run's own record under "run") and `labels.json` (the label names, for
people). Export needs nothing but the bundle. Paths may be `gs://` or any filesystem
`tf.io.gfile` reads.

Example:
    >>> bundle = ModelBundle.load("runs/mrpc")  # doctest: +SKIP
    >>> bundle.task.name, bundle.task.pair, bundle.tokenizer_settings.lower_case  # doctest: +SKIP
    ('glue/mrpc', True, True)
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any

from bert_tf.storage import exists, read_bytes, write_bytes
from bert_tf.text.tokenizer_settings import TokenizerSettings

MODEL_FILE = "model.keras"
TASK_CONFIG_FILE = "task_config.json"
LABELS_FILE = "labels.json"


def _join(directory: str | os.PathLike, name: str) -> str:
    return os.path.join(os.fspath(directory), name)


@dataclass
class ModelBundle:
    """A fine-tuned model with everything needed to preprocess, predict and export.

    Args:
        model: the Keras task model (`BertClassifier`, `BertSpanLabeler`, ...).
        task: its `TaskShape`, configured as in training.
        tokenizer_settings: casing, word limit and vocabulary of its tokenizer.
        directory: where the bundle lives (its vocabulary is read from there).
    """

    model: Any
    task: Any
    tokenizer_settings: TokenizerSettings
    directory: str

    @staticmethod
    def write_files(
        directory: str | os.PathLike,
        task: Any,
        tokenizer_settings: TokenizerSettings,
        vocab_source: str | os.PathLike,
        run: dict[str, Any] | None = None,
    ) -> None:
        """Writes everything but `model.keras` (which training saves as its best epoch)."""
        tokenizer_settings.write(directory, vocab_source=vocab_source)
        config = {"task": task.get_config(), "shape": task.shape, "run": run or {}}
        text = json.dumps(config, indent=2, default=str) + "\n"
        write_bytes(_join(directory, TASK_CONFIG_FILE), text.encode("utf-8"))
        labels = json.dumps(task.labels, indent=2) + "\n"
        write_bytes(_join(directory, LABELS_FILE), labels.encode("utf-8"))

    def save(self, directory: str | os.PathLike, run: dict[str, Any] | None = None) -> str:
        """Writes the whole bundle (model included) into `directory`; returns it."""
        directory = os.fspath(directory)
        vocab = _join(self.directory, self.tokenizer_settings.vocab_file)
        self.write_files(directory, self.task, self.tokenizer_settings, vocab, run)
        save_model(self.model, _join(directory, MODEL_FILE))
        return directory

    @classmethod
    def load(cls, directory: str | os.PathLike) -> ModelBundle:
        """The bundle of a `bert-tf finetune --output-dir` directory."""
        from bert_tf.tasks import task_from_config

        directory = os.fspath(directory)
        for name in (MODEL_FILE, TASK_CONFIG_FILE):
            if not exists(_join(directory, name)):
                raise FileNotFoundError(f"{directory} is not a fine-tuning output: no {name}")
        settings = TokenizerSettings.read(directory)
        if settings is None:
            raise FileNotFoundError(
                f"{directory} is not a fine-tuning output: no tokenizer_config.json"
            )
        path = _join(directory, TASK_CONFIG_FILE)
        try:
            task = task_from_config(json.loads(read_bytes(path).decode("utf-8"))["task"])
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not a bert_tf task config ({error})") from error
        return cls(load_model(_join(directory, MODEL_FILE)), task, settings, directory)

    def tokenizer(self) -> Any:
        """The model's `BertTokenizer` (over a local copy of the vocabulary of a URL bundle)."""
        from bert_tf import storage

        directory = self.directory
        if storage.is_url(directory):
            vocab = storage.join(directory, self.tokenizer_settings.vocab_file)
            directory = os.path.dirname(storage.local_copy(vocab))
        return self.tokenizer_settings.tokenizer(directory)

    def preprocessor(self) -> Any:
        """The model's `BertPreprocessor` (its tokenizer at the task's sequence length)."""
        from bert_tf.text import BertPreprocessor

        return BertPreprocessor(self.tokenizer(), seq_length=self.task.max_seq_length)


def save_model(model: Any, path: str) -> None:
    """`model.save` to a local path, or through a local file to a `tf.io.gfile` URL."""
    if "://" not in path:
        model.save(path)
        return
    with tempfile.TemporaryDirectory() as scratch:
        local = os.path.join(scratch, os.path.basename(path))
        model.save(local)
        write_bytes(path, read_bytes(local))


def load_model(path: str) -> Any:
    """A saved task model (its classes registered first), from a local path or a URL."""
    import keras

    for shape in _shapes():
        shape.model_type()  # importing a model class registers it with Keras
    if "://" not in path:
        return keras.saving.load_model(path, compile=False)
    with tempfile.TemporaryDirectory() as scratch:
        local = os.path.join(scratch, os.path.basename(path))
        write_bytes(local, read_bytes(path))
        return keras.saving.load_model(local, compile=False)


def _shapes() -> list:
    from bert_tf.tasks import shapes

    return shapes()


__all__ = ["LABELS_FILE", "MODEL_FILE", "TASK_CONFIG_FILE", "ModelBundle"]
