"""BertPreprocessor: reference inputs, truncate_seq_pair semantics, config, tf.data, SavedModel."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import tensorflow as tf

from bert_tf.text import BertPreprocessor
from bert_tf.text.truncation import keep_lengths, truncate_seq_pair_reference


def test_reproduces_minilm_reference_inputs(tokenizer, minilm_reference):
    preprocessor = BertPreprocessor(tokenizer, seq_length=48)
    cases = json.loads(str(minilm_reference["cases"]))
    for i, (text_a, text_b) in enumerate(cases):
        inputs = [text_a] if text_b is None else ([text_a], [text_b])
        out = preprocessor(inputs)
        np.testing.assert_array_equal(out["input_word_ids"][0], minilm_reference["input_ids"][i])
        np.testing.assert_array_equal(
            out["input_type_ids"][0], minilm_reference["token_type_ids"][i]
        )
        np.testing.assert_array_equal(out["input_mask"][0], minilm_reference["attention_mask"][i])
        assert all(v.dtype == tf.int32 and v.shape == (1, 48) for v in out.values())


def test_round_robin_equals_truncate_seq_pair():
    rng = random.Random(0)
    pairs = [(rng.randint(0, 60), rng.randint(0, 60), rng.randint(0, 70)) for _ in range(3000)]
    len_a, len_b, budget = (np.array(x) for x in zip(*pairs))
    for m in sorted(set(budget.tolist())):
        rows = budget == m
        keep_a, keep_b = keep_lengths(
            tf.constant(len_a[rows]), tf.constant(len_b[rows]), m, "round_robin"
        )
        for la, lb, ka, kb in zip(len_a[rows], len_b[rows], keep_a.numpy(), keep_b.numpy()):
            a, b = list(range(la)), list(range(lb))
            truncate_seq_pair_reference(a, b, m)
            assert (ka, kb) == (len(a), len(b)), (la, lb, m)


def test_waterfall_cuts_last_segment_first():
    keep_a, keep_b = keep_lengths(
        tf.constant([10, 3, 20]), tf.constant([10, 10, 1]), 8, "waterfall"
    )
    assert keep_a.numpy().tolist() == [8, 3, 8]
    assert keep_b.numpy().tolist() == [0, 5, 0]


def test_pair_truncation_end_to_end(tokenizer):
    a = " ".join(["alpha"] * 10)
    b = " ".join(["beta"] * 4)
    ids = tokenizer.token_to_id
    for truncation, (keep_a, keep_b) in {"round_robin": (5, 4), "waterfall": (9, 0)}.items():
        out = BertPreprocessor(tokenizer, seq_length=12, truncation=truncation)(([a], [b]))
        want = [101] + [ids("alpha")] * keep_a + [102] + [ids("beta")] * keep_b + [102]
        want += [0] * (12 - len(want))
        assert out["input_word_ids"].numpy()[0].tolist() == want
        assert out["input_type_ids"].numpy()[0].tolist() == [0] * (keep_a + 2) + [1] * (
            keep_b + 1
        ) + [0] * (12 - keep_a - keep_b - 3)


def test_single_segment_truncates_and_pads(tokenizer):
    out = BertPreprocessor(tokenizer, seq_length=5)(["a b c d e f", ""])
    assert out["input_word_ids"].numpy().tolist() == [
        [101, 1037, 1038, 1039, 102],
        [101, 102, 0, 0, 0],
    ]
    assert out["input_mask"].numpy().tolist() == [[1] * 5, [1, 1, 0, 0, 0]]


def test_bad_arguments(tokenizer):
    with pytest.raises(ValueError, match="seq_length"):
        BertPreprocessor(tokenizer, seq_length=1)
    with pytest.raises(ValueError, match="seq_length"):
        BertPreprocessor(tokenizer, seq_length=2)((["a"], ["b"]))
    with pytest.raises(ValueError, match="truncation"):
        BertPreprocessor(tokenizer, truncation="longest_first")
    with pytest.raises(ValueError, match="1 or 2 segments"):
        BertPreprocessor(tokenizer)((["a"], ["b"], ["c"]))
    with pytest.raises(TypeError, match="string"):
        BertPreprocessor(tokenizer)(tf.constant([1, 2]))


def test_config_round_trip(tokenizer):
    preprocessor = BertPreprocessor(tokenizer, seq_length=32, truncation="waterfall")
    config = preprocessor.get_config()
    assert config["tokenizer"] == tokenizer.get_config()
    again = BertPreprocessor.from_config(config)
    assert again.get_config() == config
    texts = (["Héllo there"], ["general kenobi"])
    for key, value in preprocessor(texts).items():
        np.testing.assert_array_equal(value, again(texts)[key])


def test_in_tf_data_map(tokenizer):
    preprocessor = BertPreprocessor(tokenizer, seq_length=8)
    dataset = tf.data.Dataset.from_tensor_slices((["a b", "c"], ["d", "e f"])).batch(2)
    batch = next(iter(dataset.map(lambda a, b: preprocessor((a, b)))))
    assert batch["input_word_ids"].numpy().tolist() == [
        [101, 1037, 1038, 102, 1040, 102, 0, 0],
        [101, 1039, 102, 1041, 1042, 102, 0, 0],
    ]


@pytest.mark.slow
def test_saved_model_round_trip(tokenizer, tmp_path):
    class Serving(tf.Module):
        def __init__(self, preprocessor):
            super().__init__()
            self.preprocessor = preprocessor

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)] * 2)
        def serve(self, text_a, text_b):
            return self.preprocessor((text_a, text_b))

    module = Serving(BertPreprocessor(tokenizer, seq_length=24))
    texts = (tf.constant(["Héllo wörld 東京", "x\x00y", ""]), tf.constant(["a b", "", "ß"]))
    expected = module.serve(*texts)
    tf.saved_model.save(module, str(tmp_path / "model"))
    restored = tf.saved_model.load(str(tmp_path / "model"))
    got = restored.serve(*texts)
    for key, value in expected.items():
        np.testing.assert_array_equal(value, got[key])
