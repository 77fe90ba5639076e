"""From window outputs back to examples: averaged logits, central-word logits, SQuAD windows."""

from __future__ import annotations

import numpy as np
import pytest

from bert_tf.tasks.window_aggregation import (
    average_window_logits,
    squad_windows,
    word_logits,
)


def test_classification_windows_average_per_example():
    logits = np.array([[1.0, 0.0], [3.0, 2.0], [0.0, 4.0], [5.0, 5.0]])
    averaged = average_window_logits(logits, np.array([0, 0, 1, 2]), num_examples=3)
    np.testing.assert_allclose(averaged, [[2.0, 1.0], [0.0, 4.0], [5.0, 5.0]])
    with pytest.raises(ValueError, match="without any window"):
        average_window_logits(logits, np.array([0, 0, 0, 2]), num_examples=3)


def test_tagging_takes_each_word_from_its_central_window():
    # Two windows of one example, 4 positions each; word 1 appears in both windows.
    logits = np.zeros((2, 4, 2))
    logits[0, 2] = [9, 0]  # word 1 in window 0 (not central there)
    logits[1, 1] = [0, 9]  # word 1 in window 1 (central)
    logits[0, 1] = [7, 1]  # word 0
    logits[1, 2] = [1, 7]  # word 2
    word_index = np.array([[-1, 0, 1, -1], [-1, 1, 2, -1]])
    central = np.array([[0, 1, 0, 0], [0, 1, 1, 0]], bool)
    (words,) = word_logits(logits, word_index, central, np.array([0, 0]), [3])
    assert np.argmax(words, axis=-1).tolist() == [0, 1, 1]


def test_missing_word_is_an_error():
    with pytest.raises(ValueError, match="no window"):
        word_logits(
            np.zeros((1, 3, 2)), np.array([[-1, 0, -1]]), np.ones((1, 3), bool), np.array([0]), [2]
        )


def test_squad_windows_feed_postprocessing_with_context_offsets(minilm_vocab):
    from bert_tf.data.features import SquadFeatures
    from bert_tf.data.readers import SquadAnswer, SquadExample
    from bert_tf.evaluation import postprocess_squad
    from bert_tf.text import BertTokenizer

    context = "Alpha beta gamma delta epsilon zeta eta theta iota kappa"
    answer = SquadAnswer("theta iota", context.index("theta"))
    example = SquadExample("q", "which?", context, [answer])
    features = SquadFeatures(BertTokenizer(str(minilm_vocab)), 12, 3, 4).build([example])
    start = np.full(features["input_word_ids"].shape, -5.0)
    end = np.full(features["input_word_ids"].shape, -5.0)
    # Logits that point at the gold span in the window that holds it whole.
    row = int(np.flatnonzero(features["start_positions"] > 0)[0])
    start[row, features["start_positions"][row]] = 5.0
    end[row, features["end_positions"][row]] = 5.0
    windows = squad_windows(features, start, end, [example])
    assert len(windows) == len(features["example_index"])
    predictions = postprocess_squad({"q": context}, windows)
    assert predictions["q"].text == "theta iota"
