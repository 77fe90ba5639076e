"""Cased vocabularies and CJK / accented text, on real text that ships with the install:
CPython's CJK sample texts (Lib/test/cjkencodings, Chinese, Japanese, Korean) and the
locale strings of `arrow` (month names, relative times in ~80 languages, with accents)."""

from __future__ import annotations

import collections
import inspect
import re
import sysconfig
from pathlib import Path

import pytest

from bert_tf.text import BertTokenizer, count_words, learn_vocabulary
from bert_tf.text.vocab_learning import vocabulary_quality


@pytest.fixture(scope="module")
def world_text(tmp_path_factory, small_corpus) -> Path:
    """Real multilingual text, with English from the offline corpus around it."""
    cjk = Path(sysconfig.get_paths()["stdlib"]) / "test" / "cjkencodings"
    samples = sorted(cjk.glob("*-utf8.txt")) if cjk.is_dir() else []
    arrow_locales = pytest.importorskip("arrow.locales")
    if not samples:
        pytest.skip("this Python has no Lib/test/cjkencodings")
    texts = dict.fromkeys(p.read_text(encoding="utf-8") for p in samples)  # some repeat
    strings = re.findall(r'"([^"\n]*[^\x00-\x7f][^"\n]*)"', inspect.getsource(arrow_locales))
    locale = "\n".join(s for s in strings if "(?P" not in s)  # no regexes
    english = small_corpus.read_text(encoding="utf-8")[:60_000]
    path = tmp_path_factory.mktemp("world") / "world.txt"
    path.write_text("\n".join([*texts, locale, english]), encoding="utf-8")
    return path


def _hf_counts(text: str, lower_case: bool) -> collections.Counter:
    """HF's BERT normalizer + pre-tokenizer (the Rust reference) on the same text."""
    from tokenizers import normalizers, pre_tokenizers

    norm = normalizers.BertNormalizer(lowercase=lower_case, strip_accents=lower_case)
    pre = pre_tokenizers.BertPreTokenizer()
    return collections.Counter(w for w, _ in pre.pre_tokenize_str(norm.normalize_str(text)))


@pytest.mark.parametrize("lower_case", [True, False])
def test_counts_match_hf_bert_normalization(world_text, lower_case):
    pytest.importorskip("tokenizers")
    # HF lowercases per character (no Final_Sigma, unlike google-research/bert): no capital
    # sigma in this text, so the two must agree exactly.
    text = world_text.read_text(encoding="utf-8").replace("Σ", "")
    path = world_text.with_name(f"nosigma_{lower_case}.txt")
    path.write_text(text, encoding="utf-8")
    assert count_words([path], lower_case, progress=False) == _hf_counts(text, lower_case)


@pytest.mark.parametrize("lower_case", [True, False])
def test_vocab_on_cjk_and_accents(world_text, tmp_path, lower_case):
    import tensorflow as tf

    out = tmp_path / "vocab.txt"
    vocab = learn_vocabulary([world_text], 6000, lower_case=lower_case, output=out,
                             progress=False)  # fmt: skip
    assert len(vocab) == 6000
    tokenizer = BertTokenizer(out, lower_case=lower_case)
    counts = count_words([world_text], lower_case, progress=False)
    quality = vocabulary_quality(tokenizer, counts)
    assert quality["unk_rate"] < 2e-4  # the rarest characters may fall outside the alphabet
    # The text itself, through the tokenizer, gives the pieces the counts predict.
    lines = world_text.read_text(encoding="utf-8").split("\n")
    pieces = int(tf.size(tokenizer.tokenize(tf.constant(lines)).flat_values))
    assert quality["tokens_per_word"] * sum(counts.values()) == pytest.approx(pieces)
    ideographs = [t for t in vocab if len(t) == 1 and "\u4e00" <= t <= "\u9fff"]
    assert len(ideographs) > 200 and "語" in vocab  # CJK characters are tokens of their own
    if lower_case:
        assert "é" not in vocab and "e" in vocab  # accents stripped
        assert not any(t != t.lower() for t in vocab[5:])
    else:
        assert "é" in vocab and "Python" in vocab  # case and accents kept
        words = tokenizer.tokenize(tf.constant(["Déjà", "déjà"])).to_list()
        assert words[0] != words[1]
