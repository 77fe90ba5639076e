"""Every checkpoint format's tokenizer settings reach the tokenizer: HF tokenizer_config.json,
google-research released-model names, keras-hub tokenizer.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bert_tf.checkpoints.google_format import released_casing
from bert_tf.checkpoints.hf_checkpoint import read_tokenizer_options
from bert_tf.checkpoints.keras_hub_preset import keras_hub_tokenizer_options
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint
from bert_tf.config import BertConfig

HF_CONFIG = {
    "do_lower_case": True,
    "strip_accents": False,
    "tokenize_chinese_chars": False,
    "never_split": ["[E1]"],
    "do_basic_tokenize": True,
    "model_max_length": 256,
    "added_tokens_decoder": {
        "0": {"content": "[PAD]", "special": True},
        "30522": {"content": "<ent>", "special": True},
        "30523": {"content": "plain", "special": False},
    },
}


def test_real_minilm_tokenizer_config(minilm_dir):
    options = read_tokenizer_options(minilm_dir)
    assert options == {
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "never_split": (),
        "do_basic_tokenize": True,
        "model_max_length": 512,
    }


def test_hf_options_reach_the_tokenizer(tmp_path, minilm_vocab):
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(HF_CONFIG), encoding="utf-8")
    shutil.copyfile(minilm_vocab, tmp_path / "vocab.txt")
    options = read_tokenizer_options(tmp_path)
    assert options["never_split"] == ("[E1]", "<ent>")  # the five BERT tokens are not listed
    assert options["strip_accents"] is False and options["model_max_length"] == 256
    loaded = LoadedCheckpoint(None, None, BertConfig(), vocab_file=tmp_path / "vocab.txt",
                              tokenizer_options=options)  # fmt: skip
    tokenizer = loaded.make_tokenizer()
    assert (tokenizer.strip_accents, tokenizer.tokenize_chinese_chars) == (False, False)
    assert tokenizer.never_split == ("[E1]", "<ent>")
    assert tokenizer.tokenize("x [E1] y").numpy().tolist()[1] == tokenizer.unk_id  # not in vocab
    settings = loaded.tokenizer_settings()
    assert settings.model_max_length == 256 and settings.strip_accents is False


def test_hf_huge_model_max_length_means_none(tmp_path):
    config = {"do_lower_case": False, "model_max_length": 1000000000000000019884624838656}
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    assert read_tokenizer_options(tmp_path)["model_max_length"] is None
    assert read_tokenizer_options(tmp_path / "missing") == {}


def test_bad_hf_option_is_named(tmp_path):
    bad = {"do_lower_case": True, "tokenize_chinese_chars": "yes"}
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="tokenize_chinese_chars"):
        read_tokenizer_options(tmp_path)


@pytest.mark.parametrize(
    ("name", "lower_case"),
    [("uncased_L-12_H-768_A-12", True), ("cased_L-24_H-1024_A-16", False),
     ("multi_cased_L-12_H-768_A-12", False), ("chinese_L-12_H-768_A-12", True),
     ("my_model", None)],
)  # fmt: skip
def test_google_released_model_casing(name, lower_case):
    assert released_casing(Path("/nowhere") / name / "bert_model.ckpt") is lower_case


def test_keras_hub_tokenizer_options():
    config = {"lowercase": True, "strip_accents": True, "split_on_cjk": False,
              "special_tokens_in_strings": True}  # fmt: skip
    assert keras_hub_tokenizer_options(config) == {
        "strip_accents": True,
        "tokenize_chinese_chars": False,
        "special_tokens_in_strings": True,
    }
    plain = keras_hub_tokenizer_options({"lowercase": True, "strip_accents": False})
    assert "strip_accents" not in plain and plain["tokenize_chinese_chars"] is True
