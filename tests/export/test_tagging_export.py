"""Tagging export: served entities equal the in-process path on the same raw text (BERT's
pre-token words -> `TaggingFeatures` windows -> Keras model -> `word_logits` -> seqeval's
`get_entities`), with character offsets into the original text; and the in-graph chunk rules
equal seqeval's on random IOB/IOBES sequences."""

from __future__ import annotations

import random

import numpy as np
import tensorflow as tf
from export_helpers import SEQ, TAGS, TEXTS, words_with_spans
from seqeval.metrics.sequence_labeling import get_entities


def test_entities_match_keras_and_seqeval(loaded, tagger, tokenizer):
    from bert_tf.data.readers import TaggingExample
    from bert_tf.tasks import make_task

    texts = TEXTS + [" ".join(TEXTS)]  # the last one spans many windows
    task = make_task("conll", labels=TAGS, max_seq_length=SEQ, stride=5)
    spans = [words_with_spans(tokenizer, text) for text in texts]
    examples = [
        TaggingExample(str(i), [text[a:b] for a, b in words], None)
        for i, (text, words) in enumerate(zip(texts, spans))
    ]
    features = task.build_features(tokenizer, examples)
    assert np.bincount(features["example_index"])[-1] > 4
    predicted = task.predict(tagger, examples, features)
    served = loaded["tagging"](text=texts)
    total = 0
    for row, (text, words) in enumerate(zip(texts, spans)):
        expected = [
            (kind, words[first][0], words[last][1], text[words[first][0] : words[last][1]])
            for kind, first, last in get_entities(predicted[row])
        ]
        count = int(served["entity_count"][row])
        got = [
            (
                served["entity_label"][row][k].decode(),
                int(served["entity_start_char"][row][k]),
                int(served["entity_end_char"][row][k]),
                served["entity_text"][row][k].decode(),
            )
            for k in range(count)
        ]
        assert got == expected, row
        assert all(label == b"" for label in served["entity_label"][row][count:])
        assert all(value == -1 for value in served["entity_start_char"][row][count:])
        total += count
    assert total > 5  # the random tagger finds entities to compare
    assert served["entity_label"].shape == (len(texts), served["entity_count"].max())


def test_chunk_rules_equal_seqeval():
    from bert_tf.tasks.entity_decoding import decode_entities

    labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-LOC", "S-MISC"]
    rng = random.Random(0)
    rows = [[rng.randrange(len(labels)) for _ in range(rng.randrange(0, 9))] for _ in range(300)]
    out = decode_entities(tf.ragged.constant(rows, dtype=tf.int64, ragged_rank=1), labels)
    for row, tags in enumerate(rows):
        expected = get_entities([labels[t] for t in tags])
        got = list(
            zip(
                [kind.decode() for kind in out["type"][row].numpy()],
                out["first"][row].numpy().tolist(),
                out["last"][row].numpy().tolist(),
            )
        )
        assert got == expected, [labels[t] for t in tags]


def test_empty_batch_and_empty_texts(loaded):
    empty = loaded["tagging"](text=np.array([], object))
    assert empty["entity_label"].shape == (0, 0) and empty["entity_count"].shape == (0,)
    blank = loaded["tagging"](text=["", "   "])
    assert blank["entity_count"].tolist() == [0, 0]
