"""Multiple-choice export: the served answer (raw context + choices in) equals the task's own
prediction path (`pack_choices` features -> Keras model), rows with fewer choices included,
through `serving_default` and `serve_examples` alike."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from export_helpers import SEQ, softmax

from bert_tf.tasks import make_task
from bert_tf.tasks.multiple_choice_task import ChoiceExample

CONTEXTS = ["She poured the tea into the cup.", "東京 is big!", ""]
CHOICES = [
    ["She drank it slowly.", "She planted the cup.", "The cup sang.", "It rained up."],
    ["It is a city.", "It is a fish.", "", ""],  # two real choices, padded
    ["An empty context.", "Still answered.", "", ""],
]


def test_served_choice_equals_the_task_prediction(tokenizer, chooser, loaded):
    task = make_task("multiple-choice", max_seq_length=SEQ, num_choices=4)
    examples = [
        ChoiceExample(str(i), context, tuple(c for c in choices if c), None)
        for i, (context, choices) in enumerate(zip(CONTEXTS, CHOICES))
    ]
    logits = task.predict(chooser, examples, task.build_features(tokenizer, examples))  # [3, 4]
    served = loaded["multiple_choice"](context=CONTEXTS, choices=CHOICES)
    present = np.array([[bool(c) for c in row] for row in CHOICES])
    expected = np.where(present, softmax(np.where(present, logits, -np.inf)), 0.0)
    np.testing.assert_allclose(served["probabilities"], expected, atol=1e-5)
    assert served["choice"].tolist() == np.argmax(logits, axis=-1).tolist()
    assert served["probabilities"][1, 2:].tolist() == [0.0, 0.0]  # padding is never chosen


def test_serve_examples_reads_choices_as_a_bytes_list(loaded, exports):
    model = tf.saved_model.load(str(exports["multiple_choice"]))
    rows = []
    for context, choices in zip(CONTEXTS, CHOICES):
        feature = {
            "context": tf.train.Feature(bytes_list=tf.train.BytesList(value=[context.encode()])),
            "choices": tf.train.Feature(
                bytes_list=tf.train.BytesList(value=[c.encode() for c in choices if c])
            ),
        }
        example = tf.train.Example(features=tf.train.Features(feature=feature))
        rows.append(example.SerializeToString())
    via_examples = model.signatures["serve_examples"](examples=tf.constant(rows))
    direct = loaded["multiple_choice"](context=CONTEXTS, choices=CHOICES)
    np.testing.assert_allclose(via_examples["probabilities"], direct["probabilities"], atol=1e-6)
    assert via_examples["choice"].numpy().tolist() == direct["choice"].tolist()
