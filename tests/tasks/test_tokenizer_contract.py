"""The tokenizer contract of a run directory: tokenizer_config.json casing and word limit."""

from __future__ import annotations

import json

import pytest

from bert_tf.tasks import make_task
from bert_tf.tasks.model_bundle import ModelBundle
from bert_tf.tasks.model_sources import load_backbone
from bert_tf.text.tokenizer_settings import TokenizerSettings

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a"]


@pytest.fixture
def run_dir(tmp_path):
    """A pre-training-like output: backbone.keras and vocab.txt (no tokenizer_config.json)."""
    from bert_tf.config import BertConfig
    from bert_tf.models import BertBackbone

    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_layers=1,
        num_heads=2,
        intermediate_size=64,
        max_position_embeddings=16,
    )
    BertBackbone(config).save(tmp_path / "backbone.keras")
    (tmp_path / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    return tmp_path


def test_the_bundle_records_the_word_limit(tmp_path):
    vocab = tmp_path / "source.txt"
    vocab.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    task = make_task("glue/mrpc")
    settings = TokenizerSettings(lower_case=True, max_chars_per_word=200)
    ModelBundle.write_files(tmp_path, task, settings, vocab)
    saved = json.loads((tmp_path / "tokenizer_config.json").read_text())
    assert saved["lower_case"] is saved["do_lower_case"] is True
    assert saved["max_chars_per_word"] == 200 and saved["vocab_file"] == "vocab.txt"
    assert (tmp_path / "vocab.txt").read_text() == vocab.read_text()
    ModelBundle.write_files(tmp_path, task, TokenizerSettings(lower_case=False), vocab)
    assert "max_chars_per_word" not in json.loads((tmp_path / "tokenizer_config.json").read_text())
    assert TokenizerSettings.read(tmp_path).max_chars_per_word is None  # the tokenizer default


def test_load_backbone_honours_the_saved_word_limit(run_dir):
    _, tokenizer, _ = load_backbone(str(run_dir))
    assert tokenizer.max_chars_per_word == 100 and tokenizer.lower_case
    saved = {"vocab_file": "vocab.txt", "lower_case": False, "max_chars_per_word": 200}
    (run_dir / "tokenizer_config.json").write_text(json.dumps(saved))
    _, tokenizer, _ = load_backbone(str(run_dir))
    assert tokenizer.max_chars_per_word == 200 and not tokenizer.lower_case
    assert tokenizer.tokenize("a" * 150).numpy().size == 150  # 101-200 characters: pieces
    assert tokenizer.tokenize("a" * 201).numpy().tolist() == [tokenizer.unk_id]
