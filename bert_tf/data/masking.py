"""Dynamic masking: google-research/bert's masked-LM rule applied in `tf.data`, per epoch.

Takes packed, unmasked pairs (`input_word_ids`, `input_mask`, `input_type_ids` from
`bert_tf.text.BertPreprocessor`) and returns the (x, y) contract `BertPretrainer` trains
on, with fresh masks every time the data is iterated (RoBERTa-style). The rule is the
one of `bert_tf.data.pretraining.masking_rules`: special tokens are never chosen,
`num_to_predict = min(max_predictions_per_seq, max(1, round(num_tokens *
masked_lm_prob)))`, whole words optional (greedy, skipping a word that would
overshoot), then 80% [MASK] / 10% random token / 10% unchanged.

Example:
    >>> masking = DynamicMasking(tokenizer.vocab, max_predictions_per_seq=20)
    >>> dataset = masking.apply(packed_batches, seed=7)  # elements: features or (features, nsp)
    >>> x, y = next(iter(dataset))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from bert_tf.text.special_tokens import SPECIAL_TOKENS, missing_special_tokens


class DynamicMasking:
    """Masks batches of packed pairs with stateless random ops (seeded per batch).

    Args:
        vocab: the WordPiece vocabulary (list of tokens), with the five special tokens.
        max_predictions_per_seq: masked positions per sequence (P).
        masked_lm_prob: share of each sequence's tokens to mask (before the cap).
        whole_word_masking: mask every "##" piece of a word with its first piece.
    """

    def __init__(
        self,
        vocab: Sequence[str],
        max_predictions_per_seq: int = 20,
        masked_lm_prob: float = 0.15,
        whole_word_masking: bool = False,
    ) -> None:
        ids = {token: i for i, token in enumerate(vocab)}
        missing = missing_special_tokens(ids)
        if missing:
            raise ValueError(f"vocabulary lacks the special token(s) {missing}")
        if not 0.0 < masked_lm_prob < 1.0:
            raise ValueError(f"masked_lm_prob must be in (0, 1), got {masked_lm_prob}")
        self.vocab = list(vocab)
        self.max_predictions_per_seq = max_predictions_per_seq
        self.masked_lm_prob = masked_lm_prob
        self.whole_word_masking = whole_word_masking
        self.vocab_size = len(self.vocab)
        self.mask_id = ids["[MASK]"]
        self._special = tf.constant(
            np.isin(np.arange(len(vocab)), [ids[t] for t in SPECIAL_TOKENS])
        )
        self._continuation = tf.constant(np.array([t.startswith("##") for t in self.vocab]))

    def get_config(self) -> dict:
        return {
            "vocab": self.vocab,
            "max_predictions_per_seq": self.max_predictions_per_seq,
            "masked_lm_prob": self.masked_lm_prob,
            "whole_word_masking": self.whole_word_masking,
        }

    def __call__(self, features: dict, next_sentence_labels=None, *, seed: tf.Tensor):
        """Mask one batch. `seed` is a [2] int tensor; labels default to features' or 0."""
        ids = tf.cast(features["input_word_ids"], tf.int32)  # [B, S]
        input_mask = tf.cast(features["input_mask"], tf.int32)
        shape = tf.shape(ids)
        b, s = shape[0], shape[1]
        seeds = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), 4)
        lengths = tf.cast(tf.reduce_sum(input_mask, axis=1), tf.float32)  # [B]
        k = tf.minimum(
            self.max_predictions_per_seq,
            tf.maximum(1, tf.cast(tf.math.round(lengths * self.masked_lm_prob), tf.int32)),
        )  # [B] round half to even, like Python's round
        candidates = (input_mask > 0) & ~tf.gather(self._special, ids)  # [B, S]
        starts = candidates
        if self.whole_word_masking:
            previous = tf.pad(candidates[:, :-1], [[0, 0], [1, 0]])
            starts = candidates & ~(tf.gather(self._continuation, ids) & previous)
        group = tf.cumsum(tf.cast(starts, tf.int32), axis=1) - 1  # [B, S]
        group = tf.maximum(group, 0)
        rows = tf.range(b)[:, None] * s
        sizes = tf.math.unsorted_segment_sum(
            tf.cast(candidates, tf.int32), rows + group, b * s
        )  # [B*G]
        sizes = tf.reshape(sizes, [b, s])  # [B, G]
        keys = tf.random.stateless_uniform([b, s], seeds[0])
        keys = tf.where(sizes > 0, keys, 2.0)
        order = tf.argsort(keys, axis=1, stable=True)  # [B, G] groups in random order
        sorted_sizes = tf.gather(sizes, order, batch_dims=1)

        def step(count, size):  # greedy over groups, skipping one that would overshoot
            fits = (size > 0) & (count + size <= k)
            return count + tf.where(fits, size, 0), fits

        _, take = tf.scan(
            lambda state, size: step(state[0], size),
            tf.transpose(sorted_sizes),
            initializer=(tf.zeros([b], tf.int32), tf.zeros([b], tf.bool)),
        )  # take: [G, B]
        take = tf.transpose(take)  # [B, G] in random order
        chosen_groups = tf.scatter_nd(
            tf.stack([tf.broadcast_to(tf.range(b)[:, None], [b, s]), order], axis=-1),
            tf.cast(take, tf.int32),
            [b, s],
        )
        chosen = candidates & (tf.gather(chosen_groups, group, batch_dims=1) > 0)  # [B, S]

        draw = tf.random.stateless_uniform([b, s], seeds[1])
        random_ids = tf.random.stateless_uniform(
            [b, s], seeds[2], minval=0, maxval=self.vocab_size, dtype=tf.int32
        )
        masked = tf.where(chosen & (draw < 0.8), self.mask_id, ids)
        masked = tf.where(chosen & (draw >= 0.9), random_ids, masked)

        p = self.max_predictions_per_seq
        order = tf.argsort(tf.cast(~chosen, tf.int32), axis=1, stable=True)[:, :p]  # [B, P]
        weights = tf.gather(chosen, order, batch_dims=1)
        positions = tf.where(weights, order, 0)
        labels = tf.where(weights, tf.gather(ids, positions, batch_dims=1), 0)
        if next_sentence_labels is None:
            next_sentence_labels = features.get("next_sentence_labels", tf.zeros([b], tf.int32))
        x = {
            "input_word_ids": masked,
            "input_mask": input_mask,
            "input_type_ids": tf.cast(features["input_type_ids"], tf.int32),
            "masked_lm_positions": positions,
        }
        y = {
            "masked_lm_ids": labels,
            "masked_lm_weights": tf.cast(weights, tf.float32),
            "next_sentence_labels": tf.reshape(tf.cast(next_sentence_labels, tf.int32), [b]),
        }
        return x, y

    def apply(self, dataset: tf.data.Dataset, seed: int | None = None) -> tf.data.Dataset:
        """Mask every batch of `dataset` (elements: features dict, or (features, nsp labels)).

        Masks differ per batch and per epoch (each new iterator draws new seeds) and are
        reproducible for a given `seed`.
        """
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        zipped = tf.data.Dataset.zip((dataset, seeds))

        def mask(element, pair_seed):
            if isinstance(element, tuple):
                return self(element[0], element[1], seed=pair_seed)
            return self(element, seed=pair_seed)

        return zipped.map(mask, num_parallel_calls=tf.data.AUTOTUNE)
