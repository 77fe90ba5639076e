"""Dynamic masking in tf.data: the same rule and 80/10/10 split, new masks every epoch."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import original_ids

from bert_tf.data.masking import DynamicMasking

SPECIAL = [0, 100, 101, 102, 103]

# The shared build (>= 10,000 real instances) takes about 25 s on 2 cores.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def vocab(minilm_vocab) -> list[str]:
    return minilm_vocab.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def packed(built):
    """The built instances, unmasked again: packed pairs as BertPreprocessor gives them."""
    _, _, records = built
    return {
        "input_word_ids": original_ids(records).astype(np.int32),
        "input_mask": records["input_mask"].astype(np.int32),
        "input_type_ids": records["segment_ids"].astype(np.int32),
    }, records["next_sentence_labels"][:, 0].astype(np.int32)


def _mask_all(masking: DynamicMasking, features, labels, seed: int):
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((features, labels)).batch(2048)
    batches = list(masking.apply(dataset, seed=seed).as_numpy_iterator())
    return (
        {k: np.concatenate([b[0][k] for b in batches]) for k in batches[0][0]},
        {k: np.concatenate([b[1][k] for b in batches]) for k in batches[0][1]},
    )


def test_dynamic_masking_statistics(vocab, packed):
    features, labels = packed
    assert len(labels) >= 10_000
    x, y = _mask_all(DynamicMasking(vocab, 20), features, labels, seed=5)
    ids = features["input_word_ids"]
    lengths = features["input_mask"].sum(axis=1)
    weights = y["masked_lm_weights"] > 0
    np.testing.assert_array_equal(
        weights.sum(axis=1), np.minimum(20, np.maximum(1, np.rint(lengths * 0.15)))
    )
    rows, cols = np.nonzero(weights)
    positions = x["masked_lm_positions"][rows, cols]
    np.testing.assert_array_equal(y["masked_lm_ids"][rows, cols], ids[rows, positions])
    assert not np.isin(y["masked_lm_ids"][rows, cols], SPECIAL).any()
    shown = x["input_word_ids"][rows, positions]
    mask_share = np.mean(shown == 103) * 100
    same_share = np.mean(shown == ids[rows, positions]) * 100
    assert abs(mask_share - 80) < 1.5 and abs(same_share - 10) < 1.5
    assert abs(100 - mask_share - same_share - 10) < 1.5
    untouched = np.ones(ids.shape, dtype=bool)
    untouched[rows, positions] = False
    np.testing.assert_array_equal(x["input_word_ids"][untouched], ids[untouched])
    np.testing.assert_array_equal(x["input_type_ids"], features["input_type_ids"])
    np.testing.assert_array_equal(y["next_sentence_labels"], labels)


def test_new_masks_each_epoch_and_reproducible(vocab, packed):
    import tensorflow as tf

    features, labels = packed
    small = {k: v[:512] for k, v in features.items()}
    dataset = tf.data.Dataset.from_tensor_slices(small).batch(128)
    masked = DynamicMasking(vocab, 20).apply(dataset, seed=11)
    first = [b[0]["masked_lm_positions"] for b in masked.as_numpy_iterator()]
    second = [b[0]["masked_lm_positions"] for b in masked.as_numpy_iterator()]
    assert not all(np.array_equal(a, b) for a, b in zip(first, second))
    again = DynamicMasking(vocab, 20).apply(dataset, seed=11)
    third = [b[0]["masked_lm_positions"] for b in again.as_numpy_iterator()]
    assert all(np.array_equal(a, b) for a, b in zip(first, third))


def test_dynamic_whole_word_masking(vocab, packed):
    features, labels = packed
    small = {k: v[:3000] for k, v in features.items()}
    masking = DynamicMasking(vocab, 20, whole_word_masking=True)
    x, y = _mask_all(masking, small, labels[:3000], seed=2)
    ids = small["input_word_ids"]
    masked = np.zeros(ids.shape, dtype=bool)
    rows, cols = np.nonzero(y["masked_lm_weights"])
    masked[rows, x["masked_lm_positions"][rows, cols]] = True
    cont = np.array([t.startswith("##") for t in vocab])[ids]
    special = np.isin(ids, SPECIAL) | (small["input_mask"] == 0)
    joined = cont[:, 1:] & ~special[:, 1:] & ~special[:, :-1]
    np.testing.assert_array_equal(masked[:, 1:][joined], masked[:, :-1][joined])
    assert joined[masked[:, 1:]].sum() > 50
    assert masking.get_config()["whole_word_masking"] is True
    assert DynamicMasking(**masking.get_config()).get_config() == masking.get_config()


def test_bad_vocabulary_is_named():
    with pytest.raises(ValueError, match=r"\[MASK\]"):
        DynamicMasking(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"])
