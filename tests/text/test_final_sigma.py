"""Final_Sigma: uncased tokenization lowercases capital sigma as google-research/bert does.

google-research's `FullTokenizer` lowercases each whitespace token with Python's `str.lower`
(after dropping control characters), so a word-final "Σ" becomes "ς". The expectations below
are written by hand from that rule; the random-string test compares with a small re-statement
of google-research's `BasicTokenizer` + `WordpieceTokenizer`.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
import tensorflow as tf

from bert_tf.text import BertTokenizer
from bert_tf.text.final_sigma import apply_final_sigma
from bert_tf.text.normalization import normalize_text

HAND_WRITTEN = [
    ("ΣΑΣ", ["σ", "##α", "##ς"]),
    ("ΟΔΥΣΣΕΥΣ", ["ο", "##δ", "##υ", "##σ", "##σ", "##ε", "##υ", "##ς"]),
    ("Σ", ["σ"]),  # nothing cased before it
    ("ΑΣ ΣΑ", ["α", "##ς", "σ", "##α"]),
    ("ΑΣ-Α", ["α", "##ς", "-", "α"]),  # "-" is neither cased nor case-ignorable
    ("ΑΣ.Α", ["α", "##σ", ".", "α"]),  # "." is case-ignorable: lower() sees "Α" next
    ("ΑΣ'Α", ["α", "##σ", "'", "α"]),  # so is the apostrophe
    ("ΑΣ\u0301", ["α", "##ς"]),  # a combining mark after it is skipped, then stripped
    ("Α\u0301Σ", ["α", "##ς"]),  # ... and before it
    ("ΑΣ\x00Α", ["α", "##σ", "##α"]),  # control characters go before lowercasing
    ("ΑΣ東", ["α", "##ς", "東"]),  # a CJK ideograph stands alone
    ("ΑΣσ", ["α", "##σ", "##σ"]),  # a small sigma is cased and stays as it is
    ("ÅΣΣ", ["a", "##σ", "##ς"]),
]


@pytest.mark.parametrize(("text", "tokens"), HAND_WRITTEN)
def test_hand_written_expectations(tokenizer, text, tokens):
    ids = tokenizer.tokenize(text).numpy().tolist()
    assert [tokenizer.id_to_token(i) for i in ids] == tokens


def test_rows_are_separate_words_and_offsets_hold(tokenizer):
    pieces = tokenizer.tokenize(["ΑΣ", "ΑΣΑ", "ΣΑ", "x", "ΣΣ"]).to_list()
    tokens = [[tokenizer.id_to_token(i) for i in row] for row in pieces]
    assert tokens == [["α", "##ς"], ["α", "##σ", "##α"], ["σ", "##α"], ["x"], ["σ", "##ς"]]
    ids, starts, ends = tokenizer.tokenize_with_offsets(["ΣΑΣ x"])  # σ and ς: 2 bytes each
    assert (starts.to_list(), ends.to_list()) == ([[0, 2, 4, 7]], [[2, 4, 6, 8]])
    assert ids.to_list() == tokenizer.tokenize(["ΣΑΣ x"]).to_list()


def test_cased_keeps_capital_sigma(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nΑ\n##Σ\n##ς\n", encoding="utf-8")
    cased = BertTokenizer(path, lower_case=False)
    assert cased.tokenize(["ΑΣ", "ΑΣ ΑΣ"]).to_list() == [[5, 6], [5, 6, 5, 6]]


def test_in_a_traced_function(tokenizer):
    fn = tf.function(tokenizer.tokenize, input_signature=[tf.TensorSpec([None], tf.string)])
    assert (
        fn(tf.constant(["ΣΑΣ", "plain"])).to_list()
        == tokenizer.tokenize(["ΣΑΣ", "plain"]).to_list()
    )
    assert fn(tf.constant(["no sigma here"])).to_list() == [[2053, 13201, 2182]]


def test_python_reference():
    assert apply_final_sigma("ΟΔΥΣΣΕΥΣ ΣΑΣ.") == "ΟΔΥΣΣΕΥς ΣΑς."
    assert apply_final_sigma("no sigma") == "no sigma"
    assert normalize_text("ΣΑΣ\x00Σ", lower_case=True) == "σασς"  # as "ΣΑΣΣ".lower()
    assert normalize_text("ΣΑΣ", lower_case=False) == "ΣΑΣ"


# --- google-research/bert semantics, re-stated (tokenization.py, FullTokenizer) -------------
def _google_basic_tokens(text: str) -> list[str]:
    cleaned = "".join(
        " "
        if c in " \t\n\r" or unicodedata.category(c) == "Zs"
        else ""
        if ord(c) in (0, 0xFFFD) or unicodedata.category(c).startswith("C")
        else f" {c} "
        if 0x4E00 <= ord(c) <= 0x9FFF
        else c
        for c in text
    )
    tokens = []
    for token in cleaned.split():
        token = unicodedata.normalize("NFD", token.lower())
        token = "".join(c for c in token if unicodedata.category(c) != "Mn")
        word = ""
        for c in token:  # split on punctuation
            if not c.isalnum() and (c.isascii() or unicodedata.category(c).startswith("P")):
                tokens += [word, c] if word else [c]
                word = ""
            else:
                word += c
        tokens += [word] if word else []
    return tokens


ALPHABET = list("ΣΑΒσςaZ .-'1:") + ["\u0301", "\u00ad", "\x00", "\u02b0", "\u0345", "東", "’"]


@pytest.fixture(scope="module")
def char_vocab(tmp_path_factory) -> BertTokenizer:
    """Every normalized character of ALPHABET, alone and as a continuation piece."""
    chars = sorted({c for t in ALPHABET for c in normalize_text(t, True) if not c.isspace()})
    chars = sorted(set(chars) | {"ς", "σ"})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    path = tmp_path_factory.mktemp("vocab") / "vocab.txt"
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return BertTokenizer(path, lower_case=True)


def test_random_strings_match_google_research(char_vocab):
    rng = random.Random(13)
    texts = ["".join(rng.choices(ALPHABET, k=rng.randint(1, 12))) for _ in range(3000)]
    got = char_vocab.tokenize(texts).to_list()
    for text, ids in zip(texts, got):
        want = [
            char_vocab.token_to_id(c if i == 0 else f"##{c}")
            for word in _google_basic_tokens(text)
            for i, c in enumerate(word)
        ]
        assert ids == want, repr(text)
        assert "".join(_google_basic_tokens(text)) == "".join(normalize_text(text, True).split()), (
            repr(text)
        )
