"""BertPreprocessor: unbatched tf.data elements, list-of-lists refusal, pre-split words,
special-tokens mask, (0, 0) offsets for [CLS]/[SEP], config round trip."""

from __future__ import annotations

import pytest
import tensorflow as tf

from bert_tf.text import BertPreprocessor


def test_unbatched_dataset_map(tokenizer):
    pre = BertPreprocessor(tokenizer, seq_length=8)
    ds = tf.data.Dataset.from_tensor_slices(["THE QUICK BROWN FOX.", "hi"]).map(pre)
    rows = [x["input_word_ids"].numpy().tolist() for x in ds]
    assert rows == [[101, 1996, 4248, 2829, 4419, 1012, 102, 0], [101, 7632, 102] + [0] * 5]
    batched = pre(["THE QUICK BROWN FOX.", "hi"])["input_word_ids"].numpy().tolist()
    assert rows == batched
    assert pre("hi")["input_mask"].shape == (8,)
    pairs = tf.data.Dataset.from_tensor_slices((["a"], ["b"])).map(lambda a, b: pre((a, b)))
    assert next(iter(pairs))["input_type_ids"].numpy().tolist() == [0, 0, 0, 1, 1, 0, 0, 0]


def test_list_of_lists_is_refused(tokenizer):
    with pytest.raises(ValueError, match="tuple"):
        BertPreprocessor(tokenizer)([["one", "two"], ["three", "four"]])


def test_pre_split_words(tokenizer):
    pre = BertPreprocessor(tokenizer, seq_length=6, is_split_into_words=True)
    out = pre([["Hello", "world!"], ["x"]])["input_word_ids"].numpy().tolist()
    assert out == [[101, 7592, 2088, 999, 102, 0], [101, 1060, 102, 0, 0, 0]]
    one = pre(["Hello", "world!"])["input_word_ids"].numpy().tolist()
    assert one == out[0]
    pair = pre(([["Hello"]], [["world"]]))["input_word_ids"].numpy().tolist()
    assert pair == [[101, 7592, 102, 2088, 102, 0]]


def test_special_tokens_mask_and_offsets(tokenizer):
    pre = BertPreprocessor(tokenizer, seq_length=9, return_special_tokens_mask=True,
                           return_offsets=True)  # fmt: skip
    out = pre((["A, naïve"], ["x y z"]))
    assert out["input_word_ids"].numpy().tolist() == [[101, 1037, 1010, 15743, 102] + [1060, 1061,
                                                       1062, 102]]  # fmt: skip
    assert out["special_tokens_mask"].numpy().tolist() == [[1, 0, 0, 0, 1, 0, 0, 0, 1]]
    assert out["offsets_start"].numpy().tolist() == [[0, 0, 1, 3, 0, 0, 2, 4, 0]]
    assert out["offsets_end"].numpy().tolist() == [[0, 1, 2, 9, 0, 1, 3, 5, 0]]
    padded = BertPreprocessor(tokenizer, seq_length=5, return_special_tokens_mask=True)(["a"])
    assert padded["special_tokens_mask"].numpy().tolist() == [[1, 0, 1, 1, 1]]  # as HF pads


def test_options_config_round_trip(tokenizer):
    pre = BertPreprocessor(tokenizer, seq_length=16, is_split_into_words=True,
                           return_special_tokens_mask=True)  # fmt: skip
    again = BertPreprocessor.from_config(pre.get_config())
    assert again.get_config() == pre.get_config()
    with pytest.raises(ValueError, match="return_offsets"):
        BertPreprocessor(tokenizer, is_split_into_words=True, return_offsets=True)


def test_vocab_without_cls_is_refused_by_the_preprocessor(tmp_path):
    from bert_tf.text import BertTokenizer

    path = tmp_path / "vocab.txt"
    path.write_text("[PAD]\n[UNK]\n[SEP]\na\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[CLS\]"):
        BertPreprocessor(BertTokenizer(path))
