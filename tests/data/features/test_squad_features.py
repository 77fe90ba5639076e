"""SQuAD windows: answers mapped through character offsets, split answers, unanswerable."""

from __future__ import annotations

import numpy as np
import pytest

from bert_tf.data.features import SquadFeatures, answer_token_span
from bert_tf.data.features.squad_answers import word_starts
from bert_tf.data.readers import SquadAnswer, SquadExample

# Ten words, one word piece each in the uncased vocabulary.
CONTEXT = "one two three four five six seven eight nine ten"
QUESTION = "what number?"  # 3 pieces: what, number, ?


def _example(answer: str | None, qas_id: str = "q") -> SquadExample:
    if answer is None:
        return SquadExample(qas_id, QUESTION, CONTEXT, [], is_impossible=True)
    return SquadExample(qas_id, QUESTION, CONTEXT, [SquadAnswer(answer, CONTEXT.index(answer))])


def _build(tokenizer, example, max_seq_length=12, doc_stride=3):
    # Context budget: 12 - 3 question pieces - 3 specials = 6 tokens per window.
    return SquadFeatures(tokenizer, max_seq_length, doc_stride, max_query_length=8).build([example])


def _span_text(features, row):
    start, end = features["start_positions"][row], features["end_positions"][row]
    return CONTEXT[features["token_char_start"][row, start] : features["token_char_end"][row, end]]


def test_windows_layout_and_offsets_point_into_the_context(tokenizer):
    features = _build(tokenizer, _example("two"))
    # Windows over the 10 context tokens: [0, 6), [3, 9), [6, 10).
    assert features["input_word_ids"].shape == (3, 12)
    assert features["example_index"].tolist() == [0, 0, 0]
    for row in range(3):
        context = features["token_char_start"][row] >= 0
        assert features["input_type_ids"][row][context].tolist() == [1] * int(context.sum())
        starts = features["token_char_start"][row][context]
        ends = features["token_char_end"][row][context]
        words = [CONTEXT[s:e] for s, e in zip(starts, ends)]
        pieces = [tokenizer.id_to_token(i) for i in features["input_word_ids"][row][context]]
        assert words == pieces
    # Each context token is "most central" in exactly one window.
    assert int(features["token_is_max_context"].sum()) == 10


def test_answer_at_the_very_end_of_a_window_is_labelled(tokenizer):
    features = _build(tokenizer, _example("six"))  # token 5: last of window [0, 6)
    assert features["start_positions"][0] == features["end_positions"][0] == 5 + 5
    assert features["input_word_ids"][0, 11] == tokenizer.sep_id  # right before the last [SEP]
    assert _span_text(features, 0) == "six"
    assert _span_text(features, 1) == "six"  # window [3, 9) holds it too


def test_answer_split_across_windows_is_labelled_only_where_whole(tokenizer):
    features = _build(tokenizer, _example("nine ten"))  # tokens 8-9
    # Window [3, 9) holds "nine" but not "ten": it points to [CLS].
    assert features["start_positions"].tolist()[:2] == [0, 0]
    assert features["end_positions"].tolist()[:2] == [0, 0]
    assert features["start_positions"][2] == 5 + 2 and features["end_positions"][2] == 5 + 3
    assert _span_text(features, 2) == "nine ten"


def test_unanswerable_question_points_every_window_to_cls(tokenizer):
    features = _build(tokenizer, _example(None))
    assert features["start_positions"].tolist() == [0, 0, 0]
    assert features["end_positions"].tolist() == [0, 0, 0]


def test_unicode_context_offsets_are_characters(tokenizer):
    context = "Der Käse kostet 5€ in Zürich."
    answer = "Zürich"
    example = SquadExample("u", "wo?", context, [SquadAnswer(answer, context.index(answer))])
    features = SquadFeatures(tokenizer, 32, 16, 8).build([example])
    start, end = features["start_positions"][0], features["end_positions"][0]
    text = context[features["token_char_start"][0, start] : features["token_char_end"][0, end]]
    assert text == "Zürich"


def test_answer_token_span_follows_run_squad_words_then_improves():
    context = "The leader was John Smith (1895-1943)."
    words = word_starts(context)
    assert words.tolist() == [0, 4, 11, 15, 20, 26]
    # Tokens: the leader was john smith ( 1895 - 1943 ) . (ids stand in for the pieces).
    starts = np.array([0, 4, 11, 15, 20, 26, 27, 31, 32, 36, 37])
    ids = np.arange(11)
    assert answer_token_span(words, starts, ids, 27, 4, np.array([6])) == (6, 6)
    assert answer_token_span(words, starts, ids, 27, 3, np.array([99])) == (5, 10)
    assert answer_token_span(words, starts, ids, 15, 10, np.array([3, 4])) == (3, 4)
    assert answer_token_span(words, starts[:0], ids[:0], 0, 3, np.array([0])) is None


def test_word_starts_split_on_run_squad_whitespace_only():
    # U+202F splits (run_squad.py's list); U+00A0 does not (BERT still splits there).
    assert word_starts(" a\u202fb\u00a0c\td").tolist() == [1, 3, 7]


def test_room_for_the_context_is_checked(tokenizer):
    with pytest.raises(ValueError, match="no room for the context"):
        SquadFeatures(tokenizer, max_seq_length=16, doc_stride=4, max_query_length=16)
