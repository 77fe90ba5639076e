"""Tagging features: label on the first word piece, windows, most-central word positions."""

from __future__ import annotations

import numpy as np
import pytest

from bert_tf.data.features import IGNORE_LABEL, TaggingFeatures
from bert_tf.data.readers import TaggingExample

LABELS = ["O", "B-PER", "I-PER", "B-LOC"]


def test_label_sits_on_the_first_word_piece_only(tokenizer):
    example = TaggingExample("s", ["John", "Smithsonianization", "lives"], ["B-PER", "I-PER", "O"])
    features = TaggingFeatures(tokenizer, 10, LABELS).build([example])
    pieces = [tokenizer.id_to_token(i) for i in features["input_word_ids"][0]]
    assert pieces[:3] == ["[CLS]", "john", "smithsonian"]
    second_word_pieces = [i for i, p in enumerate(pieces) if p.startswith("##")]
    assert second_word_pieces  # the long word splits into several pieces
    labels = features["labels"][0]
    assert labels[1] == LABELS.index("B-PER") and labels[2] == LABELS.index("I-PER")
    assert all(labels[i] == IGNORE_LABEL for i in second_word_pieces)
    assert labels[0] == IGNORE_LABEL  # [CLS]
    assert labels[pieces.index("lives")] == 0
    assert features["word_index"][0, 1:3].tolist() == [0, 1]
    assert (features["word_index"][0, second_word_pieces] == -1).all()


def test_words_without_pieces_become_unk():
    class NoPieces:
        cls_id, sep_id, pad_id, unk_id = 101, 102, 0, 100

        def tokenize(self, strings):
            import tensorflow as tf

            return tf.ragged.constant(
                [[] if s == b"\x00" else [7] for s in strings.numpy()],
                dtype=tf.int32,
                ragged_rank=1,
            )

    features = TaggingFeatures(NoPieces(), 6, LABELS).build(
        [TaggingExample("z", ["a", "\x00", "b"], ["O", "B-LOC", "O"])]
    )
    assert features["input_word_ids"][0].tolist() == [101, 7, 100, 7, 102, 0]
    assert features["labels"][0, 2] == LABELS.index("B-LOC")


def test_long_sentence_windows_give_each_word_one_central_position(tokenizer):
    words = ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]
    words += ["again", "and", "again", "today"]
    example = TaggingExample("w", words, ["O"] * len(words))
    features = TaggingFeatures(tokenizer, 8, LABELS, stride=3).build([example])
    assert len(features["input_word_ids"]) > 1
    chosen = (features["word_index"] >= 0) & features["token_is_max_context"]
    words_chosen = np.sort(features["word_index"][chosen])
    assert words_chosen.tolist() == list(range(len(words)))


def test_unknown_label_is_named(tokenizer):
    with pytest.raises(ValueError, match="B-MISC"):
        TaggingFeatures(tokenizer, 8, LABELS).build([TaggingExample("x", ["a"], ["B-MISC"])])


def test_ignore_label_matches_the_token_classifier():
    from bert_tf.models.bert_token_classifier import IGNORE_LABEL as MODEL_IGNORE

    assert IGNORE_LABEL == MODEL_IGNORE
