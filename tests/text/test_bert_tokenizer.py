"""BertTokenizer: parity with HF tokenizers on hand-made lines, API, configs and bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest
import tensorflow as tf

from bert_tf.text import BertTokenizer, byte_to_char_offsets

HAND_MADE = [
    "Héllo, Wörld! Unaffable naïveté costs $3.50 (approx.)",
    "東京 is in Japan; 北京 is in China. 豈 is a compatibility ideograph.",
    "control\x00chars\x01 are\x7f dropped, zero\u200bwidth\ufeff too\u00ad.",
    "tabs\tand\nnewlines\r\n and\u00a0odd\u2028spaces\u3000here",
    "ß straße İstanbul ÅΣΣ ﬁ Ⅻ ½ ℃ ｆｕｌｌ ǅ x\u0301y",
    "emoji 😀 and private use \ue000 and ‘quotes’ — dashes…",
    "a" * 100 + " " + "b" * 101 + " " + "é" * 101 + " " + "д" * 60,
    "don't re-invent the wheel: use __init__() & co.",
    "",
    "   \t\n ",
]


def test_hand_made_lines_match_hf(tokenizer, hf_tokenizer):
    ids = tokenizer.tokenize(HAND_MADE).to_list()
    for text, got in zip(HAND_MADE, ids):
        assert got == hf_tokenizer.encode(text, add_special_tokens=False).ids, text


def test_cased_matches_hf(minilm_vocab):
    tokenizers = pytest.importorskip("tokenizers")
    hf = tokenizers.BertWordPieceTokenizer(str(minilm_vocab), lowercase=False)
    cased = BertTokenizer(minilm_vocab, lower_case=False)
    ids = cased.tokenize(HAND_MADE).to_list()
    for text, got in zip(HAND_MADE, ids):
        assert got == hf.encode(text, add_special_tokens=False).ids, text


def test_special_ids_and_vocab(tokenizer):
    assert (tokenizer.pad_id, tokenizer.unk_id, tokenizer.cls_id) == (0, 100, 101)
    assert (tokenizer.sep_id, tokenizer.mask_id, tokenizer.vocab_size) == (102, 103, 30522)
    assert tokenizer.token_to_id("hello") == 7592
    assert tokenizer.id_to_token(7592) == "hello"
    assert tokenizer.vocab[101] == "[CLS]"
    with pytest.raises(KeyError, match="not-a-token"):
        tokenizer.token_to_id("not-a-token")
    with pytest.raises(IndexError):
        tokenizer.id_to_token(30522)


def test_tokenize_types_and_shapes(tokenizer):
    ragged = tokenizer.tokenize(tf.constant(["Hello world", "x"]))
    assert isinstance(ragged, tf.RaggedTensor) and ragged.dtype == tf.int32
    assert ragged.to_list() == [[7592, 2088], [1060]]
    assert tokenizer.tokenize("Hello world").numpy().tolist() == [7592, 2088]
    assert tokenizer.tokenize(np.array(["Hello"])).to_list() == [[7592]]


def test_offsets_are_bytes_and_convert_to_chars(tokenizer, hf_tokenizer):
    texts = ["Héllo, wörld! Unaffable", "東京 x\x00y", "  naïveté  "]
    ids, starts, ends = tokenizer.tokenize_with_offsets(texts)
    assert ids.to_list() == tokenizer.tokenize(texts).to_list()
    for text, s, e in zip(texts, starts.to_list(), ends.to_list()):
        char_s, char_e = byte_to_char_offsets(text, s, e)
        reference = hf_tokenizer.encode(text, add_special_tokens=False).offsets
        assert list(zip(char_s.tolist(), char_e.tolist())) == reference
    # Byte offsets: "é" is two bytes, so "," starts at byte 6, character 5.
    assert starts.to_list()[0][1] == 6


def test_detokenize(tokenizer):
    ids = tokenizer.tokenize(["Unaffable, Hello!"])
    assert tokenizer.detokenize(ids).numpy().tolist() == [b"unaffable , hello !"]
    padded = tf.constant([[7592, 2088, 0, 0]])
    assert tokenizer.detokenize(padded).numpy().tolist() == [b"hello world"]


def test_empty_and_whitespace_give_no_ids(tokenizer):
    assert tokenizer.tokenize(["", " ", "\t\n\r\u3000", "\x00\x01"]).to_list() == [[], [], [], []]
    assert tokenizer.tokenize(tf.constant([], tf.string)).to_list() == []


def test_invalid_utf8_is_replaced_and_dropped(tokenizer):
    bad = [b"ab\xffcd \xc3", b"\xe2\x82 ok", b"\xff\xfe"]
    got = tokenizer.tokenize(bad).to_list()
    want = tokenizer.tokenize([b.decode("utf-8", "replace") for b in bad]).to_list()
    assert got == want == [[5925, 2094], [7929], []]
    ids, starts, ends = tokenizer.tokenize_with_offsets(bad)
    assert ids.to_list() == got and (starts.to_list()[1], ends.to_list()[1]) == ([3], [5])


@pytest.mark.parametrize("kind", ["ascii", "unicode", "one_word"])
def test_ten_megabyte_string_finishes(tokenizer, kind):
    unit = {"ascii": "the quick brown fox. ", "unicode": "naïve café 東京. ", "one_word": "a"}[kind]
    text = unit * (10_000_000 // len(unit.encode("utf-8")))
    start = time.perf_counter()
    ids = tokenizer.tokenize([text]).flat_values.numpy()
    assert time.perf_counter() - start < 30
    if kind == "one_word":
        assert ids.tolist() == [tokenizer.unk_id]
    else:
        assert ids.size > 1_000_000 and (ids != tokenizer.unk_id).all()


@pytest.mark.parametrize(
    "bad", [tf.constant([1, 2]), [1, 2], np.array([1.0]), tf.ragged.constant([["a"]])]
)
def test_non_strings_raise_type_error(tokenizer, bad):
    with pytest.raises(TypeError, match="string"):
        tokenizer.tokenize(bad)


def test_rank_two_raises(tokenizer):
    with pytest.raises(ValueError, match="shape"):
        tokenizer.tokenize(tf.constant([["a"]]))


@pytest.mark.parametrize(
    ("missing", "role"), [("[PAD]", "pad"), ("[CLS]", "cls"), ("[SEP]", "sep"), ("[MASK]", "mask")]
)
def test_vocab_without_special_token_is_refused_where_needed(tmp_path, missing, role):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##b"]
    path = tmp_path / "vocab.txt"
    path.write_text("\n".join(t for t in tokens if t != missing) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(path)  # tokenizing needs only [UNK]
    ids = tokenizer.token_to_id
    assert tokenizer.tokenize("ab x").numpy().tolist() == [ids("a"), ids("##b"), tokenizer.unk_id]
    pattern = missing.replace("[", r"\[").replace("]", r"\]")
    with pytest.raises(ValueError, match=pattern):
        getattr(tokenizer, f"{role}_id")


def test_vocab_without_unk_is_refused(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("[PAD]\n[CLS]\na\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[UNK\]"):
        BertTokenizer(path)


def test_missing_vocab_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        BertTokenizer(tmp_path / "nope.txt")


def test_config_round_trip_and_hash_check(tokenizer, tmp_path, minilm_vocab):
    config = tokenizer.get_config()
    assert config["lower_case"] is True and len(config["vocab_sha256"]) == 64
    again = BertTokenizer.from_config(config)
    assert again.get_config() == config
    moved = tmp_path / "vocab.txt"
    moved.write_bytes(minilm_vocab.read_bytes())
    assert (
        BertTokenizer.from_config(config, vocab_file=moved).vocab_sha256 == config["vocab_sha256"]
    )
    changed = tmp_path / "changed.txt"
    changed.write_bytes(minilm_vocab.read_bytes() + b"zzqqxx-not-a-token\n")
    with pytest.raises(ValueError, match="sha256"):
        BertTokenizer.from_config(config, vocab_file=changed)


def test_works_in_tf_data(tokenizer):
    dataset = tf.data.Dataset.from_tensor_slices(["Hello world", "Héllo 東京"]).batch(2)
    dataset = dataset.map(tokenizer.tokenize)
    assert next(iter(dataset)).to_list() == [[7592, 2088], [7592, 1879, 1755]]
    unbatched = tf.data.Dataset.from_tensor_slices(["Hello world"]).map(tokenizer.tokenize)
    assert next(iter(unbatched)).numpy().tolist() == [7592, 2088]


@pytest.fixture(scope="module")
def long_word_vocab(tmp_path_factory):
    chars = ["a", "e", "é", "д", "😀"]
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    tokens.append("##\u0301")  # a combining acute, kept by cased tokenizers
    path = tmp_path_factory.mktemp("long") / "vocab.txt"
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


# google-research `WordpieceTokenizer(max_input_chars_per_word=200)`: a word (after basic
# tokenization) of more than 200 characters is one [UNK]; up to 200 it is split into pieces.
@pytest.mark.parametrize("lower_case", [True, False])
@pytest.mark.parametrize("char", ["a", "é", "д", "😀"])  # 1, 2, 2 and 4 UTF-8 bytes
@pytest.mark.parametrize(("limit", "length", "pieces"), [
    (100, 100, 100), (100, 101, None), (100, 200, None),
    (200, 101, 101), (200, 150, 150), (200, 200, 200), (200, 201, None),
])  # fmt: skip
def test_word_length_limit(long_word_vocab, lower_case, char, limit, length, pieces):
    tokenizer = BertTokenizer(long_word_vocab, lower_case=lower_case, max_chars_per_word=limit)
    ids = tokenizer.tokenize(["x" + " " + char * length + " a"]).to_list()[0]
    assert ids[0] == tokenizer.unk_id and ids[-1] == tokenizer.token_to_id("a")  # "x": no piece
    word = ids[1:-1]
    if pieces is None:
        assert word == [tokenizer.unk_id]
    else:
        first = "e" if (char == "é" and lower_case) else char
        assert word == [tokenizer.token_to_id(first)] + [tokenizer.token_to_id(f"##{first}")] * (
            pieces - 1
        )


def test_word_length_counts_normalized_characters(long_word_vocab):
    # Uncased, "e" + combining acute is one character "e"; cased it is two (the mark stays).
    decomposed = "e\u0301" * 60
    uncased = BertTokenizer(long_word_vocab, lower_case=True, max_chars_per_word=100)
    assert uncased.tokenize(decomposed).numpy().size == 60
    cased = BertTokenizer(long_word_vocab, lower_case=False, max_chars_per_word=100)
    assert cased.tokenize(decomposed).numpy().tolist() == [cased.unk_id]
    cased = BertTokenizer(long_word_vocab, lower_case=False, max_chars_per_word=200)
    assert cased.tokenize(decomposed).numpy().size == 120


def test_word_length_limit_is_in_the_config(long_word_vocab):
    tokenizer = BertTokenizer(long_word_vocab, max_chars_per_word=200)
    assert BertTokenizer(long_word_vocab).max_chars_per_word == 100
    again = BertTokenizer.from_config(tokenizer.get_config())
    assert again.max_chars_per_word == 200
    assert again.tokenize("a" * 150).numpy().size == 150
    with pytest.raises(ValueError, match="max_chars_per_word"):
        BertTokenizer(long_word_vocab, max_chars_per_word=0)
