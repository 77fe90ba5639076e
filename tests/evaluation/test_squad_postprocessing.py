"""SQuAD post-processing: n-best spans across windows, offsets, max length, the v2 null answer."""

from __future__ import annotations

import re

import numpy as np
import pytest

from bert_tf.evaluation import SquadWindow, postprocess_squad

# Odd spacing and a dash: detokenizing would not give these answers back; offsets do.
CONTEXT = "The Quick  brown fox—jumps over the lazy dog."
WORDS = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", CONTEXT)]
QUESTION_TOKENS = 3  # [CLS] what jumps ? -> positions 0..3, then [SEP]


def make_window(first: int, last: int, starts=None, ends=None, example_id="q1", cls=(0.0, 0.0)):
    """[CLS] 3 question tokens [SEP] context words[first:last] [SEP], logits keyed by word."""
    words = WORDS[first:last]
    length = 1 + QUESTION_TOKENS + 1 + len(words) + 1
    offset = 1 + QUESTION_TOKENS + 1  # position of the window's first context word
    start_logits, end_logits = np.full(length, -5.0), np.full(length, -5.0)
    start_logits[0], end_logits[0] = cls
    for word, value in (starts or {}).items():
        if first <= word < last:
            start_logits[offset + word - first] = value
    for word, value in (ends or {}).items():
        if first <= word < last:
            end_logits[offset + word - first] = value
    offsets = np.zeros((length, 2), dtype=np.int64)
    if words:
        offsets[offset : offset + len(words)] = words
    is_context = np.zeros(length, dtype=bool)
    is_context[offset : offset + len(words)] = True
    return SquadWindow(example_id, start_logits, end_logits, offsets, is_context)


def word_index(text: str) -> int:
    return next(i for i, (s, e) in enumerate(WORDS) if CONTEXT[s:e] == text)


def test_answer_text_is_cut_from_the_context_by_offsets():
    window = make_window(0, len(WORDS), {word_index("Quick"): 4.0}, {word_index("jumps"): 4.0})
    prediction = postprocess_squad({"q1": CONTEXT}, [window])["q1"]
    assert prediction.text == "Quick  brown fox—jumps"
    assert prediction.nbest[0].char_start == CONTEXT.index("Quick")
    assert prediction.null_score_diff is None
    assert sum(entry.probability for entry in prediction.nbest) == pytest.approx(1.0)
    assert len({entry.text for entry in prediction.nbest}) == len(prediction.nbest)  # deduped


def test_answer_at_the_very_end_of_a_window():
    last = word_index("over") + 1  # window ends right after "over"
    window = make_window(0, last, {word_index("jumps"): 3.0}, {word_index("over"): 3.0})
    assert window.is_context[-2] and not window.is_context[-1]  # "over" then the final [SEP]
    assert postprocess_squad({"q1": CONTEXT}, [window])["q1"].text == "jumps over"


def test_answer_split_across_windows_takes_the_best_complete_window():
    fox, lazy, dog = word_index("fox"), word_index("lazy"), word_index("dog")
    # Window A sees "fox" start strongly but the end "dog" lies outside it; window B holds the
    # whole answer. Spans never combine a start from one window with an end from another.
    window_a = make_window(0, lazy, {fox: 6.0}, {dog: 6.0, fox: -1.0})
    window_b = make_window(fox - 1, len(WORDS), {fox: 5.0}, {dog: 5.0})
    prediction = postprocess_squad({"q1": CONTEXT}, [window_a, window_b])["q1"]
    assert prediction.text == "fox—jumps over the lazy dog"
    assert prediction.nbest[0].start_logit == 5.0 and prediction.nbest[0].end_logit == 5.0


def test_max_answer_length_and_start_before_end():
    the, quick, lazy, dog = (word_index(w) for w in ("The", "Quick", "lazy", "dog"))
    window = make_window(0, len(WORDS), {the: 9.0, lazy: 2.0}, {dog: 9.0, quick: 8.0})
    # "The ... dog" has 11 tokens; with max 3 the best span is "lazy dog" (2 + 9), since an end
    # before its start ("lazy" .. "Quick") is never allowed and "The Quick" scores 17.
    short = postprocess_squad({"q1": CONTEXT}, [window], max_answer_length=3)["q1"]
    assert short.text == "The Quick"
    window.start_logits[1 + QUESTION_TOKENS + 1 + the] = -5.0
    short = postprocess_squad({"q1": CONTEXT}, [window], max_answer_length=3)["q1"]
    assert short.text == "lazy dog"
    assert all(len(e.text.split()) <= 3 for e in short.nbest)
    assert postprocess_squad({"q1": CONTEXT}, [window], max_answer_length=30)["q1"].text == (
        "lazy dog"
    )


def test_spans_only_inside_the_context():
    window = make_window(0, 4, {0: 1.0}, {1: 1.0})
    window.start_logits[2] = window.end_logits[2] = 50.0  # a question token
    window.start_logits[-1] = window.end_logits[-1] = 50.0  # the final [SEP]
    assert postprocess_squad({"q1": CONTEXT}, [window])["q1"].text == "The Quick"


def test_is_max_context_restricts_starts():
    window = make_window(0, len(WORDS), {0: 9.0, 2: 1.0}, {3: 1.0})
    window.is_max_context = np.asarray(window.is_context).copy()
    window.is_max_context[1 + QUESTION_TOKENS + 1] = False  # word 0 belongs to another window
    window.__post_init__()
    assert postprocess_squad({"q1": CONTEXT}, [window])["q1"].text == "brown fox"


def test_v2_null_answer_and_threshold():
    quick, fox = word_index("Quick"), word_index("fox")
    windows = [
        make_window(0, 6, {quick: 2.0}, {fox: 2.0}, cls=(3.0, 3.0)),  # span 4, null 6
        make_window(2, len(WORDS), {}, {}, cls=(4.0, 4.0)),  # null 8: not the minimum
    ]
    contexts = {"q1": CONTEXT}
    prediction = postprocess_squad(contexts, windows, version_2_with_negative=True)["q1"]
    assert prediction.text == ""
    assert prediction.null_score_diff == pytest.approx(6.0 - 4.0)  # min null over windows
    assert "" in [entry.text for entry in prediction.nbest]
    lenient = postprocess_squad(
        contexts, windows, version_2_with_negative=True, null_score_diff_threshold=2.5
    )["q1"]
    assert lenient.text == "Quick  brown fox"
    v1 = postprocess_squad(contexts, windows)["q1"]
    assert v1.text == "Quick  brown fox" and "" not in [e.text for e in v1.nbest]


def test_no_valid_span():
    window = make_window(0, 0)  # no context tokens at all
    assert postprocess_squad({"q1": CONTEXT}, [window])["q1"].text == ""
    v2 = postprocess_squad({"q1": CONTEXT}, [window], version_2_with_negative=True)["q1"]
    assert v2.text == "" and v2.null_score_diff == float("inf")


def test_several_examples_and_n_best_size():
    rising = {i: float(i) for i in range(len(WORDS))}
    one = make_window(0, len(WORDS), rising, rising)
    two = make_window(0, 3, {1: 1.0}, {2: 1.0}, example_id="q2")
    predictions = postprocess_squad({"q1": CONTEXT, "q2": CONTEXT}, [two, one], n_best_size=5)
    assert set(predictions) == {"q1", "q2"}
    assert len(predictions["q1"].nbest) == 5
    assert predictions["q2"].text == "Quick  brown"


def test_window_validation():
    with pytest.raises(ValueError, match="one entry per token"):
        SquadWindow("q1", [0.0, 1.0], [0.0], [[0, 0], [0, 1]], [False, True])
    with pytest.raises(ValueError, match="unknown example 'q9'"):
        postprocess_squad({"q1": CONTEXT}, [make_window(0, 2, example_id="q9")])
