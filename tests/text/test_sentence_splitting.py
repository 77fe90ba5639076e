"""The corpus sentence splitter."""

from bert_tf.text.sentence_splitting import split_sentences


def test_split_sentences_on_end_punctuation_before_a_capital():
    text = "BERT is an encoder.  It reads both directions!\nSee e.g. the paper. 2 heads."
    assert split_sentences(text) == [
        "BERT is an encoder.",
        "It reads both directions!",
        "See e.g. the paper.",
        "2 heads.",
    ]
