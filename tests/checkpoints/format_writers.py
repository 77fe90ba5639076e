"""A tiny checkpoint in every format bert_tf reads, each with the tokenizer settings it records.

`write(kind, pretrainer, vocab, directory)` returns the path an entry point is given and a
`Written` saying what loading it must give back: the format's registry name, casing, word
limit, whether it has a vocabulary and pre-training heads, and the task model it holds.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ckpt_helpers import google_variables, write_bert_config, write_tf1_checkpoint
from safetensors.numpy import load_file, save_file
from torch_zip_writer import write_torch_zip

from bert_tf.checkpoints import save_hf_checkpoint

KINDS = (
    "hf",
    "hf-sharded",
    "hf-bin",
    "google",
    "keras-hub",
    "keras",
    "keras-weights",
    "bert-tf-pretraining",
    "bert-tf-finetuning",
)
TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a", "b", "##b"]


@dataclasses.dataclass(frozen=True)
class Written:
    path: Path
    format: str  # the registry's name for it
    lower_case: bool  # the casing its loader must report
    max_chars_per_word: int | None  # None: the tokenizer default (100)
    has_vocab: bool = True
    heads: bool = False  # loads as a BertPretrainer with its MLM/NSP heads
    task: str | None = None  # the class of the task model a .keras file holds
    needs_config: bool = False  # a .weights.h5 file: the architecture is not in it


def write_vocab(path: Path, size: int) -> Path:
    tokens = TOKENS + [f"w{i}" for i in range(size - len(TOKENS))]
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


def _shard(directory: Path) -> None:
    """model.safetensors -> two shards + model.safetensors.index.json, as HF writes them."""
    tensors = load_file(str(directory / "model.safetensors"))
    names = sorted(tensors)
    weight_map = {}
    for i, part in enumerate((names[: len(names) // 2], names[len(names) // 2 :])):
        shard = f"model-0000{i + 1}-of-00002.safetensors"
        save_file({n: tensors[n] for n in part}, str(directory / shard), metadata={"format": "pt"})
        weight_map |= {n: shard for n in part}
    index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    (directory / "model.safetensors.index.json").write_text(json.dumps(index))
    (directory / "model.safetensors").unlink()


def _to_torch_bin(directory: Path) -> None:
    tensors = load_file(str(directory / "model.safetensors"))
    write_torch_zip(tensors, directory / "pytorch_model.bin")
    (directory / "model.safetensors").unlink()


def write(kind: str, pretrainer, vocab: Path, directory: Path) -> Written:
    """Write ``pretrainer`` (or its backbone, or a classifier on it) as ``kind``."""
    from bert_tf.checkpoints.run_directory_format import RunDirectoryFormat
    from bert_tf.checkpoints.save_options import SaveOptions
    from bert_tf.models import BertBackbone, BertClassifier

    directory.mkdir(parents=True)
    if kind == "hf":
        save_hf_checkpoint(pretrainer, directory, vocab_file=vocab, lower_case=False)
        return Written(directory, "hf", False, None, heads=True)
    if kind == "hf-sharded":
        save_hf_checkpoint(pretrainer.backbone, directory, vocab_file=vocab, lower_case=True)
        _shard(directory)
        return Written(directory, "hf", True, None)
    if kind == "hf-bin":
        save_hf_checkpoint(pretrainer, directory, vocab_file=vocab, lower_case=False)
        _to_torch_bin(directory)
        return Written(directory, "hf", False, None, heads=True)
    if kind == "google":  # casing is not recorded: the default (uncased) applies
        prefix = write_tf1_checkpoint(google_variables(pretrainer), directory)
        write_bert_config(directory)
        (directory / "vocab.txt").write_bytes(vocab.read_bytes())
        return Written(Path(prefix), "google", True, 200, heads=True)
    if kind == "keras-hub":
        from bert_tf.checkpoints.keras_hub_preset import save_keras_hub_preset

        config = pretrainer.backbone.config.replace(hidden_act="gelu_approximate")
        backbone = BertBackbone(config)
        backbone.set_weights(pretrainer.backbone.get_weights())
        save_keras_hub_preset(backbone, directory, vocab_file=vocab, lower_case=False)
        return Written(directory, "keras-hub", False, None)
    if kind == "keras":  # a .keras file alone: no vocabulary, no settings
        pretrainer.save(directory / "tiny.keras")
        return Written(directory / "tiny.keras", "keras", True, None, has_vocab=False, heads=True)
    if kind == "keras-weights":
        pretrainer.save_weights(directory / "tiny.weights.h5")
        path = directory / "tiny.weights.h5"
        return Written(path, "keras-weights", True, None, False, heads=True, needs_config=True)
    options = SaveOptions(vocab_file=vocab, lower_case=False, max_chars_per_word=200)
    if kind == "bert-tf-pretraining":  # backbone.keras + pretrainer.weights.h5
        RunDirectoryFormat().save(pretrainer, directory, options)
        return Written(directory, "bert-tf", False, 200, heads=True)
    if kind == "bert-tf-finetuning":  # model.keras: a classifier
        classifier = BertClassifier(pretrainer.backbone, num_classes=3)
        options = dataclasses.replace(options, lower_case=True, max_chars_per_word=150)
        RunDirectoryFormat().save(classifier, directory, options)
        return Written(directory, "bert-tf", True, 150, task="BertClassifier")
    raise ValueError(f"unknown kind {kind!r}")
