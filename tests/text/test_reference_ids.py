"""Every lower-casing x accent-stripping x CJK-splitting option set gives HF `tokenizers` ids.

The expected ids of the multilingual lines are stored test data (see its `how` field and
tests/data/tokenizer/make_reference_ids.py); the offline corpus is compared with HF
`tokenizers` (a test dependency) live. Lines avoid a word-final capital sigma: there bert_tf
follows google-research's `str.lower` (ς) and HF gives σ (tests/text/test_final_sigma.py).
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pytest

from bert_tf.text import BertTokenizer, byte_to_char_offsets

DATA = Path(__file__).parents[1] / "data" / "tokenizer"
REFERENCE = json.loads((DATA / "reference_ids.json").read_text(encoding="utf-8"))
LINES = (DATA / "multilingual_lines.txt").read_text(encoding="utf-8").splitlines()
CASES = REFERENCE["cases"]


def _name(options: dict) -> str:
    return ",".join(f"{key}={int(value)}" for key, value in options.items())


@pytest.fixture(scope="module")
def reference_vocab(minilm_vocab, tmp_path_factory) -> Path:
    tokens = minilm_vocab.read_text(encoding="utf-8").splitlines() + REFERENCE["extra_tokens"]
    path = tmp_path_factory.mktemp("reference") / "vocab.txt"
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


def test_all_eight_option_sets_are_stored():
    assert len(CASES) == 8 and len({_name(c["options"]) for c in CASES}) == 8
    assert len(LINES) > 30 and all(len(c["ids"]) == len(LINES) for c in CASES)
    assert "make_reference_ids.py" in REFERENCE["how"]


@pytest.mark.parametrize("case", CASES, ids=[_name(c["options"]) for c in CASES])
def test_ids_equal_hf_tokenizers(reference_vocab, case):
    tokenizer = BertTokenizer(reference_vocab, **case["options"])
    got = tokenizer.tokenize(LINES).to_list()
    for line, ours, theirs in zip(LINES, got, case["ids"]):
        assert ours == theirs, line
    assert len({tuple(ids) for c in CASES for ids in c["ids"][:8]}) > 30  # options matter


@pytest.mark.parametrize("lower_case", [True, False])
def test_strip_accents_none_follows_lower_case(reference_vocab, lower_case):
    default = BertTokenizer(reference_vocab, lower_case=lower_case)
    explicit = BertTokenizer(reference_vocab, lower_case=lower_case, strip_accents=lower_case)
    assert default.tokenize(LINES).to_list() == explicit.tokenize(LINES).to_list()


@pytest.fixture(scope="module")
def corpus_sample() -> list[str]:
    from bert_tf.datasets.offline_corpus import iter_documents

    sentences = list(itertools.islice(itertools.chain.from_iterable(iter_documents()), 20_000))
    unusual = [line for line in sentences if not line.isascii() and "\u03a3" not in line]
    return unusual[:400] + sentences[:600]


@pytest.mark.parametrize("options", [c["options"] for c in CASES], ids=_name)
def test_corpus_ids_equal_hf_tokenizers_live(reference_vocab, corpus_sample, options):
    pytest.importorskip("tokenizers")
    sys.path.insert(0, str(DATA))
    try:
        from make_reference_ids import hf_tokenizer
    finally:
        sys.path.remove(str(DATA))
    vocab = reference_vocab.read_text(encoding="utf-8").splitlines()
    hf = hf_tokenizer(vocab, options)
    lines = corpus_sample + LINES
    encodings = hf.encode_batch(lines, add_special_tokens=False)
    tokenizer = BertTokenizer(reference_vocab, **options)
    ids, starts, ends = tokenizer.tokenize_with_offsets(lines)
    assert ids.to_list() == tokenizer.tokenize(lines).to_list()
    for line, a, s, e, enc in zip(
        lines, ids.to_list(), starts.to_list(), ends.to_list(), encodings
    ):
        assert a == enc.ids, line
        char_s, char_e = byte_to_char_offsets(line, s, e)
        assert list(zip(char_s.tolist(), char_e.tolist())) == enc.offsets, line
