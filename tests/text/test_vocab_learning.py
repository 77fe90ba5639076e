"""Vocabulary learning on real text: reserved tokens first, low [UNK] rate, usable vocab."""

from __future__ import annotations

import pytest

from bert_tf.text import BertTokenizer, count_words, learn_vocabulary, unk_rate


def test_count_words_uses_bert_pre_tokenization(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Héllo, héllo WORLD!\n東京\x00x\n", encoding="utf-8")
    assert count_words([path], progress=False) == {
        "hello": 2,
        ",": 1,
        "world": 1,
        "!": 1,
        "東": 1,
        "京": 1,
        "x": 1,
    }
    cased = count_words([path], lower_case=False, progress=False)
    assert cased["Héllo"] == 1 and cased["WORLD"] == 1


@pytest.mark.slow
def test_learned_vocab_on_real_text(small_corpus, tmp_path):
    out = tmp_path / "vocab.txt"
    vocab = learn_vocabulary([small_corpus], vocab_size=2000, output=out, progress=False)
    assert vocab[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    # Small corpus: counts are coarse (threshold 2 gives 2315 tokens, 3 gives 1871).
    assert 1800 <= len(vocab) <= 2000 and len(set(vocab)) == len(vocab)
    assert out.read_text(encoding="utf-8").splitlines() == vocab
    tokenizer = BertTokenizer(out)
    assert unk_rate(tokenizer, [small_corpus]) < 0.001
    assert "the" in vocab and "##s" in vocab


def test_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        learn_vocabulary([tmp_path / "missing.txt"], vocab_size=100, progress=False)
    with pytest.raises(ValueError, match="vocab_size"):
        learn_vocabulary([tmp_path / "missing.txt"], vocab_size=5, progress=False)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no words"):
        learn_vocabulary([empty], vocab_size=100, progress=False)
