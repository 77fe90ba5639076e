"""The peers' own tokenizer test cases, run against BertTokenizer / BertPreprocessor.

Cases are the inputs and expected outputs of google-research/bert `tokenization_test.py`, HF
transformers `tests/models/bert/test_tokenization_bert.py` (and common-mixin checks that apply
to BERT), keras-hub `bert_tokenizer_test.py`, `word_piece_tokenizer_test.py` and
`bert_text_classifier_preprocessor_test.py`; the harness is bert_tf's own. A peer's test of
its basic tokenizer alone (words, no WordPiece) runs with a vocabulary of exactly the expected
words, so WordPiece keeps each word whole. `DIFFERENCES` lists every case bert_tf deliberately
does not follow, with the reason.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import tensorflow as tf

from bert_tf.text import BertPreprocessor, BertTokenizer, byte_to_char_offsets, normalization

GOOGLE = "google-research/bert tokenization_test.py"
HF = "transformers test_tokenization_bert.py"
HF_COMMON = "transformers test_tokenization_common.py"
HUB_WP = "keras-hub word_piece_tokenizer_test.py"
HUB_BERT = "keras-hub bert_tokenizer_test.py"
HUB_PRE = "keras-hub bert_text_classifier_preprocessor_test.py"

GOOGLE_VOCAB = ["[UNK]", "[CLS]", "[SEP]", "want", "##want", "##ed", "wa", "un", "runn", "##ing"]
HF_VOCAB = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", "want", "##want", "##ed", "wa", "un",
            "runn", "##ing", ",", "low", "lowest"]  # fmt: skip
HUB_VOCAB = ["[UNK]", "the", "qu", "##ick", "br", "##own", "fox", "."]
HUB_BERT_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "THE", "QUICK", "BROWN", "FOX",
                  "the", "quick", "brown", "fox"]  # fmt: skip
HUB_SPECIAL = ["[UNK]", "[MASK]", "[SEP]", "[PAD]", "[CLS]", "the", "qu", "##ick", "br", "##own",
               "fox", "."]  # fmt: skip
HELLO = " \tHeLLo!how  \n Are yoU?  "
HALLO = " \tHäLLo!how  \n Are yoU?  "
MINILM = None  # the real bert-base-uncased vocabulary (all-MiniLM-L6-v2's vocab.txt)


@dataclasses.dataclass(frozen=True)
class Case:
    """`text` through a tokenizer over `vocab` with `options` gives `tokens` or `ids`.

    `vocab` None: the basic-tokenizer case, a vocabulary of [UNK] + the expected tokens.
    """

    source: str
    text: Any
    tokens: list[str] | None = None
    ids: list[int] | None = None
    vocab: list[str] | None = None
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    words: bool = False  # text is pre-split words (keras-hub split=False, HF is_split_into_words)


CASES = [
    Case(f"{GOOGLE}::test_full_tokenizer", "UNwant\u00e9d,running",
         ["un", "##want", "##ed", ",", "runn", "##ing"], [7, 4, 5, 10, 8, 9], GOOGLE_VOCAB + [","]),
    Case(f"{GOOGLE}::test_chinese", "ah\u535a\u63a8zz", ["ah", "\u535a", "\u63a8", "zz"]),
    Case(f"{GOOGLE}::test_basic_tokenizer_lower", HELLO, ["hello", "!", "how", "are", "you", "?"]),
    Case(f"{GOOGLE}::test_basic_tokenizer_lower[2]", "H\u00e9llo", ["hello"]),
    Case(f"{GOOGLE}::test_basic_tokenizer_no_lower", HELLO,
         ["HeLLo", "!", "how", "Are", "yoU", "?"], options={"lower_case": False}),
    Case(f"{GOOGLE}::test_wordpiece_tokenizer", "", [], [], GOOGLE_VOCAB, {"lower_case": False}),
    Case(f"{GOOGLE}::test_wordpiece_tokenizer[2]", "unwanted running",
         ["un", "##want", "##ed", "runn", "##ing"], [7, 4, 5, 8, 9], GOOGLE_VOCAB),
    Case(f"{GOOGLE}::test_wordpiece_tokenizer[3]", "unwantedX running",
         ["[UNK]", "runn", "##ing"], vocab=GOOGLE_VOCAB, options={"lower_case": False}),
    Case(f"{HF}::test_full_tokenizer", "UNwant\u00e9d,running",
         ["un", "##want", "##ed", ",", "runn", "##ing"], [9, 6, 7, 12, 10, 11], HF_VOCAB),
    Case(f"{HF}::test_rust_and_python_full_tokenizers", "UNwant\u00e9d,running",
         ids=[9, 6, 7, 12, 10, 11], vocab=HF_VOCAB, options={"lower_case": True}),
    Case(f"{HF}::test_chinese", "ah\u535a\u63a8zz", ["ah", "\u535a", "\u63a8", "zz"]),
    Case(f"{HF}::test_basic_tokenizer_lower", HELLO, ["hello", "!", "how", "are", "you", "?"]),
    Case(f"{HF}::test_basic_tokenizer_lower[2]", "H\u00e9llo", ["hello"]),
    Case(f"{HF}::test_basic_tokenizer_lower_strip_accents_false", HALLO,
         ["hällo", "!", "how", "are", "you", "?"], options={"strip_accents": False}),
    Case(f"{HF}::test_basic_tokenizer_lower_strip_accents_false[2]", "H\u00e9llo",
         ["h\u00e9llo"], options={"strip_accents": False}),
    Case(f"{HF}::test_basic_tokenizer_lower_strip_accents_true", HALLO,
         ["hallo", "!", "how", "are", "you", "?"], options={"strip_accents": True}),
    Case(f"{HF}::test_basic_tokenizer_lower_strip_accents_true[2]", "H\u00e9llo", ["hello"],
         options={"strip_accents": True}),
    Case(f"{HF}::test_basic_tokenizer_lower_strip_accents_default", HALLO,
         ["hallo", "!", "how", "are", "you", "?"]),
    Case(f"{HF}::test_basic_tokenizer_lower_strip_accents_default[2]", "H\u00e9llo", ["hello"]),
    Case(f"{HF}::test_basic_tokenizer_no_lower", HELLO, ["HeLLo", "!", "how", "Are", "yoU", "?"],
         options={"lower_case": False}),
    Case(f"{HF}::test_basic_tokenizer_no_lower_strip_accents_false", HALLO,
         ["HäLLo", "!", "how", "Are", "yoU", "?"],
         options={"lower_case": False, "strip_accents": False}),
    Case(f"{HF}::test_basic_tokenizer_no_lower_strip_accents_true", HALLO,
         ["HaLLo", "!", "how", "Are", "yoU", "?"],
         options={"lower_case": False, "strip_accents": True}),
    Case(f"{HF}::test_basic_tokenizer_respects_never_split_tokens", HELLO + "[UNK]",
         ["HeLLo", "!", "how", "Are", "yoU", "?", "[UNK]"],
         options={"lower_case": False, "never_split": ["[UNK]"]}),
    Case(f"{HF}::test_basic_tokenizer_splits_on_punctuation", "a\n'll !!to?'d of, can't.",
         ["a", "'", "ll", "!", "!", "to", "?", "'", "d", "of", ",", "can", "'", "t", "."]),
    Case(f"{HF}::test_basic_tokenizer_remove_control_chars_true", "\u200e\u200f", []),
    Case(f"{HF}::test_wordpiece_tokenizer", "", [], [], GOOGLE_VOCAB, {"lower_case": False}),
    Case(f"{HF}::test_wordpiece_tokenizer[2]", "unwanted running",
         ["un", "##want", "##ed", "runn", "##ing"], vocab=GOOGLE_VOCAB),
    Case(f"{HF}::test_wordpiece_tokenizer[3]", "unwantedX running", ["[UNK]", "runn", "##ing"],
         vocab=GOOGLE_VOCAB, options={"lower_case": False}),
    Case(f"{HF}::test_clean_text", "Test", ["[UNK]"], vocab=HF_VOCAB),
    Case(f"{HF}::test_clean_text[2]", "\xad", [], vocab=HF_VOCAB),
    Case(f"{HF}::test_clean_text[3]", "test", ["[UNK]"], vocab=HF_VOCAB),
    Case(f"{HF}::test_change_tokenize_chinese_chars", "的人有", ["的", "人", "有"], vocab=MINILM),
    Case(f"{HF}::test_change_tokenize_chinese_chars[2]", "的人有", ["的", "##人", "##有"],
         vocab=MINILM, options={"tokenize_chinese_chars": False}),
    Case(f"{HUB_WP}::test_tokenizer_basics", "the quick brown fox.", ids=[1, 2, 3, 4, 5, 6, 7],
         vocab=HUB_VOCAB),
    Case(f"{HUB_WP}::test_string_tokenize", "the quick brown fox",
         ["the", "qu", "##ick", "br", "##own", "fox"], vocab=HUB_VOCAB),
    Case(f"{HUB_WP}::test_special_tokens_int_dtype",
         "[UNK] [MASK] [SEP] [PAD] [CLS] the quick brown fox.", ids=list(range(12)),
         vocab=HUB_SPECIAL, options={"special_tokens_in_strings": True, "lower_case": False}),
    Case(f"{HUB_WP}::test_special_tokens_with_lowecase",
         "[UNK] [MASK] [SEP] [PAD] [CLS] THE QUICK BROWN FOX.", ids=list(range(12)),
         vocab=HUB_SPECIAL, options={"special_tokens_in_strings": True}),
    Case(f"{HUB_WP}::test_cjk_tokens", "ah半推zz", ["ah", "半", "推", "zz"],
         vocab=["[UNK]", "推", "敐", "乐", "半", "偷", "匕", "ah", "zz"]),
    Case(f"{HUB_WP}::test_lowercase", "the QUicK brOWN FOX", ids=[1, 2, 3, 4, 5, 6],
         vocab=HUB_VOCAB[:7]),
    Case(f"{HUB_WP}::test_skip_lowercase", "the QUicK brOWN FOX", ids=[1, 2, 3, 4, 5, 0],
         vocab=["[UNK]", "the", "QU", "##icK", "br", "##OWN", "fox"],
         options={"lower_case": False}),
    Case(f"{HUB_WP}::test_strip_accents", "á é í ó ú", ids=[1, 2, 3, 4, 5],
         vocab=["[UNK]", "a", "e", "i", "o", "u"], options={"lower_case": False,
                                                          "strip_accents": True}),
    Case(f"{HUB_WP}::test_skip_strip_accents", "á é í ó ú", ids=[1, 2, 3, 4, 5],
         vocab=["[UNK]", "á", "é", "í", "ó", "ú"], options={"lower_case": False,
                                                          "strip_accents": False}),
    Case(f"{HUB_WP}::test_word_piece_only", ["the", "quíck", "Brówn", "Fóx"],
         ids=[1, 2, 3, 4, 5, 6], vocab=["[UNK]", "the", "qu", "##íck", "Br", "##ówn", "Fóx"],
         options={"lower_case": False, "strip_accents": False}, words=True),
    Case(f"{HUB_WP}::test_from_file", "the quick brown fox.", ids=[1, 2, 3, 4, 5, 6, 7],
         vocab=HUB_VOCAB),
    Case(f"{HUB_BERT}::test_tokenizer_basics", "THE QUICK BROWN FOX", ids=[5, 6, 7, 8],
         vocab=HUB_BERT_VOCAB, options={"lower_case": False}),
    Case(f"{HUB_BERT}::test_tokenizer_basics[2]", "THE FOX", ids=[5, 8], vocab=HUB_BERT_VOCAB,
         options={"lower_case": False}),
    Case(f"{HUB_BERT}::test_lowercase", "THE QUICK BROWN FOX", ids=[9, 10, 11, 12],
         vocab=HUB_BERT_VOCAB),
    Case(f"{HUB_BERT}::test_lowercase[2]", "THE FOX", ids=[9, 12], vocab=HUB_BERT_VOCAB),
    Case(f"{HUB_BERT}::test_tokenizer_special_tokens", "[CLS] THE [MASK] FOX [SEP] [PAD]",
         ids=[2, 5, 4, 8, 3, 0], vocab=HUB_BERT_VOCAB,
         options={"lower_case": False, "special_tokens_in_strings": True}),
    Case(f"{HUB_BERT}::test_smallest_preset", "The quick brown fox.",
         ids=[1996, 4248, 2829, 4419, 1012], vocab=MINILM),
    Case(f"{HF_COMMON}::test_pretokenized_inputs", ["This", "is", "a", "sample", "input"],
         ids=[2023, 2003, 1037, 7099, 7953], vocab=MINILM, words=True),
]  # fmt: skip

DIFFERENCES = {
    f"{HF}::test_basic_tokenizer_remove_control_chars_false": "HF's slow-only option to keep "
    "control characters; bert_tf always cleans them, as HF's fast tokenizer and google do",
    f"{HUB_WP}::test_tokenizer_basics_with_non_default_config": "custom oov token and suffix "
    "indicator (@UNK@, @@): bert_tf reads BERT vocabularies ([UNK], ##) only",
    f"{HUB_WP}::test_special_tokens_string_dtype": "custom oov token @UNK@ (see above)",
    f"{HUB_WP}::test_error_id_out_of_vocabulary": "bert_tf raises IndexError, not ValueError, "
    "for an id outside the vocabulary (checked below)",
    f"{HUB_WP}::test_no_splitting": "keras-hub split=False treats each whole string, spaces "
    "included, as one word; bert_tf's words (tokenize_words) still get BERT's basic splitting",
    f"{HUB_WP}::test_no_splitting_with_special_tokens": "split=False, see test_no_splitting",
    f"{HUB_WP}::test_python_workflow_is_default": "keras-hub's pure-Python path; bert_tf is "
    "in-graph only",
    f"{HUB_WP}::test_python_workflow_does_not_require_tf_text": "keras-hub's pure-Python path",
    f"{HUB_WP}::test_tf_workflow_can_be_explicitly_requested": "keras-hub's workflow switch",
    f"{HUB_WP}::test_python_and_tf_workflows_match": "keras-hub's two workflows",
    f"{HUB_WP}::test_safe_mode_vocabulary_file_disallowed": "Keras safe-mode loading of a "
    "vocabulary outside a .keras archive; bert_tf checks the vocabulary's sha256 instead",
    f"{HUB_BERT}::test_all_presets": "downloads every keras-hub preset (no network here)",
    f"{HUB_PRE}::test_preprocessor_basics[labels]": "keras-hub's preprocessor passes labels "
    "and sample weights through; BertPreprocessor maps text only (map x, keep y)",
    f"{HUB_PRE}::test_grain_unpacks_tuple_elements": "grain datasets: not a bert_tf dependency",
    f"{HUB_PRE}::test_all_presets": "downloads every keras-hub preset (no network here)",
    f"{HF}::test_sequence_builders[network]": "needs bert-base-uncased from the Hub: run on "
    "the same vocabulary (MiniLM's) below",
    f"{HF_COMMON}::test_add_tokens": "bert_tf's vocabulary is fixed by its file (and its "
    "sha256 travels with the model); tokens are not added at run time",
    f"{HF_COMMON}::truncation_strategy": "HF's longest_first/only_first/only_second; bert_tf "
    "truncates round_robin (google's truncate_seq_pair) or waterfall",
}


@pytest.fixture(scope="module")
def vocab_path(tmp_path_factory, minilm_vocab):
    directory = tmp_path_factory.mktemp("peer_vocabs")
    made: dict[tuple[str, ...], Any] = {}

    def path(case: Case):
        if (
            case.vocab is MINILM
            and case.tokens is None
            or case.source.endswith(("tokenize_chinese_chars", "tokenize_chinese_chars[2]"))
        ):
            return minilm_vocab
        tokens = case.vocab or ["[UNK]"] + [t for t in dict.fromkeys(case.tokens) if t != "[UNK]"]
        key = tuple(tokens)
        if key not in made:
            made[key] = directory / f"vocab{len(made)}.txt"
            made[key].write_text("\n".join(tokens) + "\n", encoding="utf-8")
        return made[key]

    return path


@pytest.mark.parametrize("case", CASES, ids=[c.source.split("::")[1] for c in CASES])
def test_peer_case(case, vocab_path):
    tokenizer = BertTokenizer(vocab_path(case), **case.options)
    if case.words:
        ids = tokenizer.tokenize_words([case.text]).merge_dims(1, 2).to_list()[0]
    else:
        ids = tokenizer.tokenize(case.text).numpy().tolist()
    if case.ids is not None:
        assert ids == case.ids
    if case.tokens is not None:
        assert [tokenizer.id_to_token(i) for i in ids] == case.tokens


def test_cases_are_counted():
    passing = len(CASES) + sum(EXTRA_CASES.values())
    assert (passing, len(DIFFERENCES)) == (113, 18)
    assert not {c.source for c in CASES} & set(DIFFERENCES)
    assert all(callable(globals()[name]) for name in EXTRA_CASES)


# google-research and HF test their character classes: whitespace, control, punctuation.
CHAR_CASES = [(" ", "whitespace", True), ("\t", "whitespace", True), ("\r", "whitespace", True),
              ("\n", "whitespace", True), ("\u00a0", "whitespace", True),
              ("A", "whitespace", False), ("-", "whitespace", False),
              ("\u0005", "control", True), ("A", "control", False), (" ", "control", False),
              ("\t", "control", False), ("\r", "control", False),
              ("-", "punctuation", True), ("$", "punctuation", True), ("`", "punctuation", True),
              (".", "punctuation", True), ("A", "punctuation", False),
              (" ", "punctuation", False)]  # fmt: skip


@pytest.mark.parametrize("source", [GOOGLE, HF])
@pytest.mark.parametrize(("char", "kind", "expected"), CHAR_CASES)
def test_character_classes(source, char, kind, expected):
    normalized = normalization.normalize_char(ord(char), lower_case=False)
    got = {
        "whitespace": normalized == " ",
        "control": normalized == "",  # BERT drops control characters
        "punctuation": normalization.is_punctuation(ord(char)),
    }[kind]
    assert got is expected


def _vocab(tmp_path, tokens):
    path = tmp_path / "vocab.txt"
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


def test_google_convert_tokens_to_ids(tmp_path):  # GOOGLE::test_convert_tokens_to_ids
    tokenizer = BertTokenizer(_vocab(tmp_path, GOOGLE_VOCAB))
    tokens = ["un", "##want", "##ed", "runn", "##ing"]
    assert [tokenizer.token_to_id(t) for t in tokens] == [7, 4, 5, 8, 9]


def test_hf_encode_with_special_tokens_and_decode(tmp_path):
    # HF::test_rust_and_python_full_tokenizers (with special tokens) and the mixin's
    # get_input_output_texts: "UNwant\u00e9d,running" decodes to "unwanted, running".
    tokenizer = BertTokenizer(_vocab(tmp_path, HF_VOCAB))
    pre = BertPreprocessor(tokenizer, seq_length=8)
    out = pre(["UNwant\u00e9d,running"])["input_word_ids"].numpy().tolist()[0]
    assert out == [1, 9, 6, 7, 12, 10, 11, 2]
    ids = tokenizer.tokenize("UNwant\u00e9d,running")
    text = tokenizer.detokenize(ids, clean_up_tokenization_spaces=True).numpy().decode()
    assert text == "unwanted, running"


def test_hf_sequence_builders(tokenizer):  # HF::test_sequence_builders on the same vocabulary
    a = tokenizer.tokenize("sequence builders").numpy().tolist()
    b = tokenizer.tokenize("multi-sequence build").numpy().tolist()
    pre = BertPreprocessor(tokenizer, seq_length=16)
    single = pre(["sequence builders"])
    pair = pre((["sequence builders"], ["multi-sequence build"]))
    n1, n2 = len(a) + 2, len(a) + len(b) + 3
    assert single["input_word_ids"].numpy()[0][:n1].tolist() == [101] + a + [102]
    assert pair["input_word_ids"].numpy()[0][:n2].tolist() == [101] + a + [102] + b + [102]


OFFSET_TEXT = "A, naïve [MASK] AllenNLP sentence."
OFFSETS_LOWER = [((0, 0), "[CLS]"), ((0, 1), "a"), ((1, 2), ","), ((3, 8), "naive"),
                 ((9, 15), "[MASK]"), ((16, 21), "allen"), ((21, 23), "##nl"), ((23, 24), "##p"),
                 ((25, 33), "sentence"), ((33, 34), "."), ((0, 0), "[SEP]")]  # fmt: skip
OFFSETS_CASED = [((0, 0), "[CLS]"), ((0, 1), "A"), ((1, 2), ","), ((3, 5), "na"),
                 ((5, 6), "##ï"), ((6, 8), "##ve"), ((9, 15), "[MASK]"), ((16, 21), "Allen"),
                 ((21, 23), "##NL"), ((23, 24), "##P"), ((25, 33), "sentence"), ((33, 34), "."),
                 ((0, 0), "[SEP]")]  # fmt: skip


@pytest.mark.parametrize("lower_case", [True, False])
def test_hf_offsets_with_special_characters(lower_case, minilm_vocab, tmp_path):
    expected = OFFSETS_LOWER if lower_case else OFFSETS_CASED
    vocab = minilm_vocab
    if not lower_case:  # HF runs bert-base-cased; a vocabulary with its pieces stands in
        vocab = _vocab(tmp_path, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + [token for _, token in expected[1:-1] if token != "[MASK]"])  # fmt: skip
    tokenizer = BertTokenizer(vocab, lower_case=lower_case, special_tokens_in_strings=True)
    pre = BertPreprocessor(tokenizer, seq_length=len(expected), return_offsets=True)
    out = pre([OFFSET_TEXT])
    ids = out["input_word_ids"].numpy()[0].tolist()
    assert [tokenizer.id_to_token(i) for i in ids] == [token for _, token in expected]
    starts, ends = byte_to_char_offsets(
        OFFSET_TEXT, out["offsets_start"].numpy()[0], out["offsets_end"].numpy()[0]
    )
    special = [token in ("[CLS]", "[SEP]") for _, token in expected]
    got = [(0, 0) if s else (int(a), int(b)) for s, a, b in zip(special, starts, ends)]
    assert got == [span for span, _ in expected]
    assert out["offsets_start"].numpy()[0][0] == out["offsets_end"].numpy()[0][-1] == 0


@pytest.mark.parametrize("pair", [False, True])
def test_hf_special_tokens_mask_and_added_tokens(tokenizer, pair):
    # HF common: test_special_tokens_mask(_input_pairs), test_number_of_added_tokens.
    texts = (["Encode this."], ["This one too please."]) if pair else ["Encode this."]
    pre = BertPreprocessor(tokenizer, seq_length=16, return_special_tokens_mask=True)
    out = pre(texts)
    ids, mask = out["input_word_ids"].numpy()[0], out["special_tokens_mask"].numpy()[0]
    plain = [tokenizer.tokenize(t[0]).numpy().tolist() for t in (texts if pair else [texts])]
    assert [i for i, m in zip(ids, mask) if not m] == sum(plain, [])
    added = int(out["input_mask"].numpy().sum()) - sum(len(p) for p in plain)
    assert added == (3 if pair else 2)


def test_hf_padding_right(tokenizer):  # HF common: test_right_and_left_padding (right side)
    out = BertPreprocessor(tokenizer, seq_length=8)(["Sequence"])
    ids = out["input_word_ids"].numpy()[0].tolist()
    n = int(out["input_mask"].numpy().sum())
    assert ids[n:] == [tokenizer.pad_id] * (8 - n)
    assert out["input_mask"].numpy()[0].tolist() == [1] * n + [0] * (8 - n)


def test_hf_vocab_conversion_reversible(tokenizer):  # HF common: test_conversion_reversible
    for token in tokenizer.vocab[:2000]:
        assert tokenizer.id_to_token(tokenizer.token_to_id(token)) == token


def test_keras_hub_word_piece_dense_detokenize_accessors(tmp_path):
    tokenizer = BertTokenizer(_vocab(tmp_path, HUB_VOCAB), lower_case=False)
    ids = tokenizer.tokenize(["the quick brown fox."])  # test_dense_output
    assert ids.to_tensor(shape=[1, 10]).numpy().tolist() == [[1, 2, 3, 4, 5, 6, 7, 0, 0, 0]]
    assert tokenizer.detokenize(ids).numpy().tolist() == [b"the quick brown fox ."]  # basics
    assert tokenizer.detokenize([1, 2, 3, 4, 5, 6]).numpy() == b"the quick brown fox"
    two = tokenizer.detokenize([[1, 2, 3, 4, 5, 6], [1, 6]]).numpy().tolist()  # test_detokenize
    assert two == [b"the quick brown fox", b"the fox"]
    assert tokenizer.vocab_size == 8 and tokenizer.vocab == HUB_VOCAB  # test_accessors
    assert (tokenizer.id_to_token(0), tokenizer.id_to_token(6)) == ("[UNK]", "fox")
    assert (tokenizer.token_to_id("[UNK]"), tokenizer.token_to_id("fox")) == (0, 6)
    for bad in (tokenizer.vocab_size, -1):  # test_error_id_out_of_vocabulary: IndexError
        with pytest.raises(IndexError):
            tokenizer.id_to_token(bad)


@pytest.mark.parametrize(
    "tokens",
    [["qu", "@@ick", "br", "@@OWN", "fox"], ["@UNK@", "qu", "@@ick"], ["UNK", "qu", "@@ick"],
     ["a", "b", "c"]],
)  # fmt: skip
def test_keras_hub_vocab_without_unk_is_refused(tmp_path, tokens):
    # word_piece_tokenizer_test::test_no_oov_token_in_vocabulary (3 vocabularies) and
    # bert_tokenizer_test::test_errors_missing_special_tokens.
    with pytest.raises(ValueError, match=r"\[UNK\]"):
        BertTokenizer(_vocab(tmp_path, tokens))


def test_keras_hub_classifier_preprocessor(tmp_path):
    # bert_text_classifier_preprocessor_test: basics, 2-D list refused, unbatched map.
    tokenizer = BertTokenizer(_vocab(tmp_path, HUB_BERT_VOCAB), lower_case=False)
    pre = BertPreprocessor(tokenizer, seq_length=8)
    out = pre(["THE QUICK BROWN FOX."])
    assert out["input_word_ids"].numpy().tolist() == [[2, 5, 6, 7, 8, 1, 3, 0]]
    assert out["input_type_ids"].numpy().tolist() == [[0] * 8]
    assert out["input_mask"].numpy().tolist() == [[1] * 7 + [0]]
    with pytest.raises(ValueError):
        pre([["one", "two"], ["three", "four"]])
    mapped = tf.data.Dataset.from_tensor_slices(["THE QUICK BROWN FOX."]).map(pre).batch(1)
    assert next(iter(mapped))["input_word_ids"].numpy().tolist() == [[2, 5, 6, 7, 8, 1, 3, 0]]


# Each test above runs this many peer cases (asserted expectations of the peers' tests).
EXTRA_CASES = {
    "test_character_classes": 2 * len(CHAR_CASES),
    "test_google_convert_tokens_to_ids": 1,
    "test_hf_encode_with_special_tokens_and_decode": 2,
    "test_hf_sequence_builders": 2,
    "test_hf_offsets_with_special_characters": 2,
    "test_hf_special_tokens_mask_and_added_tokens": 4,
    "test_hf_padding_right": 1,
    "test_hf_vocab_conversion_reversible": 1,
    "test_keras_hub_word_piece_dense_detokenize_accessors": 6,
    "test_keras_hub_vocab_without_unk_is_refused": 4,
    "test_keras_hub_classifier_preprocessor": 3,
}
