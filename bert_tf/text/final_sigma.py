"""Unicode's Final_Sigma rule for uncased BERT: a word-final capital sigma lowercases to ς.

google-research/bert lowercases each whitespace-separated token with Python's `str.lower`,
which applies Final_Sigma (CPython `handle_capital_sigma`): Σ (U+03A3) becomes ς (U+03C2)
when a cased letter precedes it and none follows it, skipping case-ignorable characters
(combining marks, apostrophes, periods, colons, modifier letters, ...) in both directions;
otherwise σ (U+03C3). HF `tokenizers` lowercases per character and always gives σ.

The per-codepoint tables of `normalization` cannot see context, so the tokenizer corrects
their output with `mark_final_sigmas`. Each codepoint gets one of three context classes,
derived from `str.lower` itself so that the rule is the one of the Python that runs
google-research's tokenizer. Characters BERT drops before lowercasing (controls, format
characters) are skipped like case-ignorable ones; whitespace and CJK ideographs end a word.

Example:
    >>> apply_final_sigma("ΟΔΥΣΣΕΥΣ ΣΑΣ.")
    'ΟΔΥΣΣΕΥς ΣΑς.'
"""

from __future__ import annotations

import functools
import unicodedata

import numpy as np

from bert_tf.text import normalization

CAPITAL_SIGMA = 0x03A3
FINAL_SIGMA = 0x03C2
OTHER, CASED, IGNORABLE = 0, 1, 2  # context classes
# Unassigned, private-use and surrogate codepoints have no case properties (and BERT drops
# the last two); skipping them halves the time to build the table.
_NO_CASE_DATA = frozenset(("Cn", "Co", "Cs"))


def _sigma_is_final_after(prefix: str, chars: list[str]) -> list[bool]:
    """For each x in `chars`: does str.lower make the Σ of `prefix + x + "Σ"` final?

    One `str.lower` call for all: the pieces are separated by newlines, which are neither
    cased nor case-ignorable, so each Σ sees only its own piece.
    """
    pieces = "\n".join(prefix + ch + "Σ" for ch in chars).lower().split("\n")
    assert len(pieces) == len(chars)
    return [piece[-1] == "ς" for piece in pieces]


def _derived_classes(chars: list[str]) -> list[int]:
    """CASED (cased, not case-ignorable), IGNORABLE (case-ignorable) or OTHER, per str.lower.

    "xΣ" ends in ς iff x is cased and not ignorable; "AxΣ" iff x is cased or ignorable.
    A character that is both is skipped by CPython's scan, so IGNORABLE is its class.
    """
    cased = _sigma_is_final_after("", chars)
    cased_or_ignorable = _sigma_is_final_after("A", chars)
    return [CASED if c else IGNORABLE if ci else OTHER for c, ci in zip(cased, cased_or_ignorable)]


@functools.lru_cache(maxsize=1)
def context_classes() -> np.ndarray:
    """int8 class of every codepoint [0x110000], as BERT's normalization sees it."""
    classes = np.full(normalization.MAX_CODEPOINT, OTHER, np.int8)
    cps = [  # elsewhere no codepoint is cased or case-ignorable
        cp
        for cp in normalization.computed_codepoints()
        if cp != 0x0A and unicodedata.category(chr(cp)) not in _NO_CASE_DATA
    ]
    classes[cps] = _derived_classes([chr(cp) for cp in cps])
    for cp, text in normalization.python_translate_table(True).items():
        if text == "":  # dropped before lowercasing: invisible to the rule
            classes[cp] = IGNORABLE
        elif text.isspace():  # whitespace separates words
            classes[cp] = OTHER
    return classes


@functools.lru_cache(maxsize=1)
def context_tables() -> tuple[np.ndarray, np.ndarray]:
    """`context_classes()` as a two-level page table (page index, pages) for TensorFlow."""
    return normalization.page_table(context_classes())


def apply_final_sigma(text: str) -> str:
    """`text` with every capital sigma in final position replaced by ς (Python reference)."""
    start = text.find("Σ")
    if start < 0:
        return text
    classes = context_classes()
    chars = list(text)
    while start >= 0:
        if _is_final(text, start, classes):
            chars[start] = "ς"
        start = text.find("Σ", start + 1)
    return "".join(chars)


def _is_final(text: str, i: int, classes: np.ndarray) -> bool:
    j = i - 1
    while j >= 0 and classes[ord(text[j])] == IGNORABLE:
        j -= 1
    if j < 0 or classes[ord(text[j])] != CASED:
        return False
    k = i + 1
    while k < len(text) and classes[ord(text[k])] == IGNORABLE:
        k += 1
    return k == len(text) or classes[ord(text[k])] != CASED


def mark_final_sigmas(cp, row_splits):
    """`cp` [C] (int32 codepoints in rows `row_splits` [B + 1]) with final Σ replaced by ς.

    A row boundary ends a word. A batch without a capital sigma costs one comparison over
    [C]; otherwise a table lookup and a cumsum over [C], and the two scans around each sigma.
    """
    import tensorflow as tf

    is_sigma = tf.equal(cp, CAPITAL_SIGMA)  # [C]
    return tf.cond(
        tf.reduce_any(is_sigma),
        lambda: tf.where(_final_sigma_mask(cp, row_splits, is_sigma), FINAL_SIGMA, cp),
        lambda: cp,
    )


def _final_sigma_mask(cp, row_splits, is_sigma):
    """True where a capital sigma of `cp` [C] is final (bool [C])."""
    import tensorflow as tf

    index, pages = context_tables()
    page = tf.gather(tf.constant(index), cp // normalization.PAGE_SIZE)
    klass = tf.gather(tf.constant(pages), page * normalization.PAGE_SIZE + cp % 256)  # [C]
    anchor = tf.not_equal(klass, IGNORABLE)  # [C] characters the scans stop at
    anchors = tf.cast(tf.where(anchor)[:, 0], tf.int32)  # [A]
    before = tf.cumsum(tf.cast(anchor, tf.int32), exclusive=True)  # [C] anchors before i
    sigma = tf.cast(tf.where(is_sigma)[:, 0], tf.int32)  # [S]
    rank = tf.gather(before, sigma)  # [S] a sigma is itself the anchor number `rank`
    splits = tf.cast(row_splits, tf.int32)
    row = tf.searchsorted(splits, sigma, side="right") - 1  # [S]
    last = tf.size(anchors) - 1  # >= 0: every sigma is an anchor
    prev = tf.gather(anchors, tf.maximum(rank - 1, 0))  # [S]
    nxt = tf.gather(anchors, tf.minimum(rank + 1, last))  # [S]
    cased_before = (
        (rank > 0) & (prev >= tf.gather(splits, row)) & tf.equal(tf.gather(klass, prev), CASED)
    )
    cased_after = (
        (rank + 1 <= last)
        & (nxt < tf.gather(splits, row + 1))
        & tf.equal(tf.gather(klass, nxt), CASED)
    )
    final = cased_before & ~cased_after  # [S]
    return tf.scatter_nd(sigma[:, None], final, tf.shape(cp))  # [C]
