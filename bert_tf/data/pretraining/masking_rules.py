"""Masked-LM positions and the 80/10/10 rule, for a whole batch of instances at once (numpy).

google-research/bert semantics: candidates are the instance's tokens except special
tokens ([CLS], [SEP], [PAD], [MASK], [UNK]; google-research also skips only the first
two, and [UNK] as a label teaches nothing); with whole-word masking a candidate is a
word (a token and the "##" pieces that follow it in the same segment). Candidates are
taken in random order until `num_to_predict = min(max_predictions_per_seq, max(1,
round(num_tokens * masked_lm_prob)))` positions are chosen, skipping a word that would
overshoot. Each chosen position becomes [MASK] with probability 0.8, a random
vocabulary token with 0.1, and stays unchanged with 0.1.

Example:
    >>> from bert_tf.data.pretraining.config import PretrainingDataConfig
    >>> tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "pu", "##rred"]
    >>> vocab = VocabInfo.from_tokens(tokens)
    >>> input_ids = np.array([[2, 5, 6, 7, 3, 8, 9, 3, 0, 0]])  # [N, S]: 8 real tokens
    >>> input_mask = (input_ids != vocab.pad_id).astype(np.int32)  # [N, S]
    >>> config = PretrainingDataConfig(
    ...     max_seq_length=10, max_predictions_per_seq=4, masked_lm_prob=0.3,
    ...     whole_word_masking=True,
    ... )
    >>> masked = mask_batch(input_ids, input_mask, vocab, config, np.random.default_rng(0))
    >>> masked.masked_lm_positions.tolist(), masked.masked_lm_weights.tolist()  # [N, P]
    ([[5, 6, 0, 0]], [[1.0, 1.0, 0.0, 0.0]])
    >>> [tokens[i] for i in masked.masked_lm_ids[0, :2]]  # the word "pu ##rred", as one unit
    ['pu', '##rred']
    >>> [tokens[i] for i in masked.input_ids[0]]  # "pu" became [MASK], "##rred" stays (10%)
    ['[CLS]', 'the', 'cat', 'sat', '[SEP]', '[MASK]', '##rred', '[SEP]', '[PAD]', '[PAD]']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.tokenization import VocabInfo


@dataclass
class MaskedBatch:
    """Masked inputs and labels; counts of the three replacement kinds."""

    input_ids: np.ndarray  # [N, S] int32, with replacements
    masked_lm_positions: np.ndarray  # [N, P] int32, ascending, zero padded
    masked_lm_ids: np.ndarray  # [N, P] int32, original tokens
    masked_lm_weights: np.ndarray  # [N, P] float32, 1.0 for real predictions
    num_mask_token: int
    num_random_token: int
    num_unchanged: int


def candidate_starts(
    input_ids: np.ndarray, input_mask: np.ndarray, vocab: VocabInfo, whole_word: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(candidates, group starts), both [N, S] bool: which tokens may be masked, and which
    begin a masking unit (every candidate, or the first piece of a word)."""
    special = np.zeros(vocab.vocab_size, dtype=bool)
    special[[vocab.pad_id, vocab.unk_id, vocab.cls_id, vocab.sep_id, vocab.mask_id]] = True
    candidates = (input_mask > 0) & ~special[input_ids]
    if not whole_word:
        return candidates, candidates
    previous = np.zeros_like(candidates)
    previous[:, 1:] = candidates[:, :-1]
    continues = vocab.is_continuation[input_ids] & previous
    return candidates, candidates & ~continues


def choose_positions(
    candidates: np.ndarray, starts: np.ndarray, num_to_predict: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """[N, S] bool: the positions to predict, chosen group by group in random order."""
    n, s = candidates.shape
    group = np.cumsum(starts, axis=1) - 1  # [N, S] group index of each token
    rows = np.arange(n)[:, None]
    flat = (rows * s + np.maximum(group, 0))[candidates]
    sizes = np.bincount(flat, minlength=n * s).reshape(n, s)  # [N, G] tokens per group
    keys = rng.random((n, s))
    keys[sizes == 0] = 2.0  # absent groups sort last
    order = np.argsort(keys, axis=1)  # [N, G] groups in random order
    sorted_sizes = np.take_along_axis(sizes, order, axis=1)
    if (sizes <= 1).all():
        take = np.arange(s)[None, :] < num_to_predict[:, None]
    else:  # whole words: greedy, skipping a word that would overshoot
        take = np.zeros((n, s), dtype=bool)
        count = np.zeros(n, dtype=np.int64)
        for column in range(s):
            size = sorted_sizes[:, column]
            if not size.any() or (count >= num_to_predict).all():
                break
            fits = (size > 0) & (count + size <= num_to_predict)
            take[:, column] = fits
            count += np.where(fits, size, 0)
    take &= sorted_sizes > 0
    chosen_groups = np.zeros((n, s), dtype=bool)
    np.put_along_axis(chosen_groups, order, take, axis=1)
    return candidates & np.take_along_axis(chosen_groups, np.maximum(group, 0), axis=1)


def mask_batch(
    input_ids: np.ndarray,
    input_mask: np.ndarray,
    vocab: VocabInfo,
    config: PretrainingDataConfig,
    rng: np.random.Generator,
) -> MaskedBatch:
    """Choose positions and apply 80/10/10 to `input_ids` [N, S] (not modified in place)."""
    n, s = input_ids.shape
    max_predictions = config.max_predictions_per_seq
    lengths = input_mask.sum(axis=1)
    num_to_predict = np.minimum(
        max_predictions, np.maximum(1, np.rint(lengths * config.masked_lm_prob))
    ).astype(np.int64)
    candidates, starts = candidate_starts(input_ids, input_mask, vocab, config.whole_word_masking)
    chosen = choose_positions(candidates, starts, num_to_predict, rng)

    draw = rng.random((n, s))
    random_ids = rng.integers(0, vocab.vocab_size, size=(n, s), dtype=np.int32)
    to_mask = chosen & (draw < 0.8)
    to_random = chosen & (draw >= 0.9)
    masked_ids = np.where(to_mask, np.int32(vocab.mask_id), input_ids)
    masked_ids = np.where(to_random, random_ids, masked_ids).astype(np.int32)

    order = np.argsort(~chosen, axis=1, kind="stable")[:, :max_predictions]  # [N, P]
    weights = np.take_along_axis(chosen, order, axis=1)
    positions = np.where(weights, order, 0).astype(np.int32)
    labels = np.where(weights, np.take_along_axis(input_ids, order, axis=1), 0).astype(np.int32)
    num_mask, num_random = int(to_mask.sum()), int(to_random.sum())
    return MaskedBatch(
        input_ids=masked_ids,
        masked_lm_positions=positions,
        masked_lm_ids=labels,
        masked_lm_weights=weights.astype(np.float32),
        num_mask_token=num_mask,
        num_random_token=num_random,
        num_unchanged=int(chosen.sum()) - num_mask - num_random,
    )
