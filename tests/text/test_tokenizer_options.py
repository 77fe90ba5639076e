"""BertTokenizer options: accents, CJK runs, special tokens in text, pre-split words,
whitespace-only words, special-tokens mask, detokenize forms; saved with the settings."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from bert_tf.text import BertTokenizer, byte_to_char_offsets
from bert_tf.text.tokenizer_settings import TokenizerSettings


@pytest.fixture(scope="module")
def small_vocab(tmp_path_factory):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hallo", "hällo", "HaLLo", "HäLLo",
              "hello", "héllo", "!", "how", "are", "you", "?", "的", "##人", "##有", "人", "有",
              "the", "fox", "[", "mask", "]", "don", "'", "t", "don't", "<e1>"]  # fmt: skip
    path = tmp_path_factory.mktemp("options") / "vocab.txt"
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


def pieces(tokenizer, text):
    return [tokenizer.id_to_token(i) for i in tokenizer.tokenize(text).numpy().tolist()]


@pytest.mark.parametrize(
    ("lower_case", "strip_accents", "want"),
    [(True, None, "hallo"), (True, True, "hallo"), (True, False, "hällo"),
     (False, None, "HäLLo"), (False, False, "HäLLo"), (False, True, "HaLLo")],
)  # fmt: skip
def test_strip_accents_is_its_own_option(small_vocab, lower_case, strip_accents, want):
    tokenizer = BertTokenizer(small_vocab, lower_case=lower_case, strip_accents=strip_accents)
    assert pieces(tokenizer, " \tHäLLo!how") == [want, "!", "how"]


def test_tokenize_chinese_chars(small_vocab):
    assert pieces(BertTokenizer(small_vocab), "的人有") == ["的", "人", "有"]
    unsplit = BertTokenizer(small_vocab, tokenize_chinese_chars=False)
    assert pieces(unsplit, "的人有") == ["的", "##人", "##有"]
    ids, starts, ends = unsplit.tokenize_with_offsets(["x 的人有!"])
    assert (starts.to_list(), ends.to_list()) == ([[0, 2, 5, 8, 11]], [[1, 5, 8, 11, 12]])


def test_special_tokens_in_strings(small_vocab):
    plain = BertTokenizer(small_vocab)
    assert pieces(plain, "the [MASK] fox") == ["the", "[", "mask", "]", "fox"]
    kept = BertTokenizer(small_vocab, special_tokens_in_strings=True)
    assert pieces(kept, "the [MASK] fox") == ["the", "[MASK]", "fox"]
    assert pieces(kept, "the[MASK]fox [mask]") == ["the", "[MASK]", "fox", "[", "mask", "]"]
    assert pieces(kept, "[CLS][SEP][PAD][UNK]") == ["[CLS]", "[SEP]", "[PAD]", "[UNK]"]
    text = "héllo [MASK]!"
    ids, starts, ends = kept.tokenize_with_offsets([text, ""])
    assert ids.to_list()[1] == []
    chars = byte_to_char_offsets(text, starts.to_list()[0], ends.to_list()[0])
    assert list(zip(*[c.tolist() for c in chars])) == [(0, 5), (6, 12), (12, 13)]


def test_never_split(small_vocab):
    tokenizer = BertTokenizer(small_vocab, never_split=["<e1>", "<e2>"])
    assert pieces(tokenizer, "the<e1>fox <e2>") == ["the", "<e1>", "fox", "[UNK]"]
    with pytest.raises(TypeError, match="never_split"):
        BertTokenizer(small_vocab, never_split="<e1>")


def test_whitespace_only_words(small_vocab):
    tokenizer = BertTokenizer(small_vocab, do_basic_tokenize=False)
    assert pieces(tokenizer, "don't  Hello!  ") == ["don't", "[UNK]"]
    assert pieces(BertTokenizer(small_vocab), "don't") == ["don", "'", "t"]


def test_pre_split_words(small_vocab):
    tokenizer = BertTokenizer(small_vocab)
    words = tokenizer.tokenize_words([["Hello", "don't"], ["fox"]])
    assert words.to_list() == [[[9], [26, 27, 28]], [[22]]]
    dense = tokenizer.tokenize_words(tf.constant([["the", "fox"]]))
    assert dense.merge_dims(1, 2).to_list() == [[21, 22]]
    with pytest.raises(TypeError, match="word lists"):
        tokenizer.tokenize_words(["the fox"])


def test_special_tokens_mask(small_vocab):
    tokenizer = BertTokenizer(small_vocab, never_split=["<e1>"])
    assert tokenizer.special_ids == [0, 1, 2, 3, 4, 30]
    assert tokenizer.special_tokens_mask([2, 21, 1, 3, 0]).numpy().tolist() == [1, 0, 1, 1, 1]
    assert tokenizer.special_tokens_mask([[2, 21], [22]]).to_list() == [[1, 0], [0]]


def test_detokenize_forms(small_vocab):
    tokenizer = BertTokenizer(small_vocab)
    one = tokenizer.tokenize("the fox!")
    assert tokenizer.detokenize(one).numpy() == b"the fox !"
    assert tokenizer.detokenize(one, clean_up_tokenization_spaces=True).numpy() == b"the fox!"
    assert tokenizer.detokenize([[21, 22], [22]]).numpy().tolist() == [b"the fox", b"fox"]
    assert tokenizer.detokenize(np.array([2, 21, 3]), skip_special_tokens=True).numpy() == b"the"
    with pytest.raises(IndexError, match="99"):
        tokenizer.detokenize([21, 99])


def test_vocab_with_only_unk(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("[UNK]\nthe\nfox\n", encoding="utf-8")
    tokenizer = BertTokenizer(path, special_tokens_in_strings=True)
    assert tokenizer.tokenize("the [MASK] fox").numpy().tolist() == [1, 0, 0, 0, 2]
    with pytest.raises(ValueError, match=r"\[MASK\]"):
        _ = tokenizer.mask_id
    assert tokenizer.detokenize(tf.constant([[1, 2]])).numpy().tolist() == [b"the fox"]


OPTIONS = {
    "lower_case": False,
    "strip_accents": True,
    "tokenize_chinese_chars": False,
    "special_tokens_in_strings": True,
    "never_split": ["<e1>"],
    "do_basic_tokenize": True,
    "max_chars_per_word": 200,
}


def test_options_round_trip_config_and_settings(small_vocab, tmp_path):
    tokenizer = BertTokenizer(small_vocab, **OPTIONS)
    config = tokenizer.get_config()
    assert {key: config[key] for key in OPTIONS} == OPTIONS
    assert BertTokenizer.from_config(config).get_config() == config
    settings = TokenizerSettings.from_tokenizer(tokenizer)
    settings.write(tmp_path, vocab_source=small_vocab)
    again = TokenizerSettings.read(tmp_path)
    restored = again.tokenizer(tmp_path).get_config()
    assert restored == {**config, "vocab_file": str((tmp_path / "vocab.txt").resolve())}
    with pytest.raises(TypeError, match="strip_accents"):
        TokenizerSettings(strip_accents="yes")
