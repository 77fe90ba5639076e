"""`GraphNormalizer`: BERT's text normalization as TensorFlow ops (the tables of `normalization`).

Strings of printable ASCII take a fast path (`tf.strings.lower`); all others go through the
per-codepoint tables and, when lower-casing, Unicode's Final_Sigma rule of Python's
`str.lower` (`final_sigma.py`). Over-long words get their letters replaced by a 4-byte letter
so that WordPiece (which counts bytes) gives [UNK] exactly when a word has more than
`max_chars_per_word` characters.

Example:
    >>> normalizer = GraphNormalizer(lower_case=True, strip_accents=False)
    >>> normalizer.normalize(tf.constant(["Héllo 東京"])).numpy()[0].decode()
    'héllo  東  京 '
"""

from __future__ import annotations

import tensorflow as tf

from bert_tf.text import normalization
from bert_tf.text.final_sigma import mark_final_sigmas

_LONG_WORD_CHAR = 0x1D400  # a 4-byte letter: words made of it exceed max_bytes_per_word
_ASCII_TEXT = r"[\t\n\r\x20-\x7e]*"


def lookup(index, pages, cp: tf.Tensor) -> tf.Tensor:
    """Two-level table lookup `table[cp]` for int32 codepoints `cp`."""
    page = tf.gather(tf.constant(index), cp // normalization.PAGE_SIZE)
    return tf.gather(tf.constant(pages), page * normalization.PAGE_SIZE + cp % 256)


class GraphNormalizer:
    """In-graph normalization with HF `BertNormalizer`'s options.

    Args:
        lower_case: lower-case the text.
        strip_accents: drop combining marks after NFD; None: exactly when `lower_case`.
        split_cjk: put spaces around CJK ideographs (HF `tokenize_chinese_chars`).
        max_chars_per_word: the word limit marked for WordPiece (see module docstring).
    """

    def __init__(
        self,
        lower_case: bool = True,
        strip_accents: bool | None = None,
        split_cjk: bool = True,
        max_chars_per_word: int = 100,
    ) -> None:
        self.lower_case = lower_case
        self.max_chars_per_word = max_chars_per_word
        self.tables = normalization.tf_tables(lower_case, strip_accents, split_cjk)
        self._long_ascii_word = f"(?s).*[0-9A-Za-z]{{{max_chars_per_word + 1}}}.*"

    def normalize(self, strings: tf.Tensor) -> tf.Tensor:
        """Normalized strings [B]: ASCII rows by `tf.strings.lower`, the rest by the tables."""
        fast = tf.strings.regex_full_match(strings, _ASCII_TEXT) & ~tf.strings.regex_full_match(
            strings, self._long_ascii_word
        )  # [B]
        part = tf.cast(fast, tf.int32)
        slow_text, fast_text = tf.dynamic_partition(strings, part, 2)
        slow_rows, fast_rows = tf.dynamic_partition(tf.range(tf.shape(strings)[0]), part, 2)
        if self.lower_case:
            fast_text = tf.strings.lower(fast_text)
        slow_text = self.normalize_exact(slow_text)[0]
        return tf.dynamic_stitch([slow_rows, fast_rows], [slow_text, fast_text])

    def normalize_exact(self, strings: tf.Tensor):
        """Per-codepoint normalization of [B] strings.

        Returns (normalized [B], normalized codepoints [B, (C_out)], the input character
        of each normalized codepoint [C_out], input character byte offsets [B, (C)]).
        """
        t = self.tables
        cps, starts = tf.strings.unicode_decode_with_offsets(
            strings, "UTF-8", errors="replace", replacement_char=0xFFFD
        )  # [B, (C)]
        flat = cps.flat_values  # [C]
        if self.lower_case:  # Final_Sigma: word-final Σ lowercases to ς, as str.lower does
            flat = mark_final_sigmas(flat, cps.row_splits)
        action = lookup(t.action_index, t.action_pages, flat)  # [C]
        splits = tf.constant(t.replacement_splits)
        values = tf.concat([tf.constant(t.replacement_values), [0]], 0)
        row = tf.maximum(action, 0)
        count = tf.where(
            action >= 0,
            tf.gather(splits[1:] - splits[:-1], row),
            tf.where(action == normalization.SPACED, 3, 1),
        )  # [C]
        source = tf.repeat(tf.range(tf.size(flat)), count)  # [C_out]
        within = tf.range(tf.size(source)) - tf.gather(tf.cumsum(count, exclusive=True), source)
        src_action = tf.gather(action, source)
        src_cp = tf.gather(flat, source)
        replaced_at = tf.where(
            src_action >= 0, tf.gather(splits, tf.gather(row, source)) + within, 0
        )
        out = tf.where(
            src_action == normalization.KEEP,
            src_cp,
            tf.where(
                src_action == normalization.SPACED,
                tf.where(within == 1, src_cp, 32),
                tf.gather(values, replaced_at),
            ),
        )  # [C_out]
        out_splits = tf.gather(
            tf.concat([[0], tf.cumsum(count)], 0), tf.cast(cps.row_splits, tf.int32)
        )
        out = self._mark_long_words(out, out_splits)
        out_cp = tf.RaggedTensor.from_row_splits(out, out_splits, validate=False)  # [B, (C_out)]
        normalized = tf.strings.unicode_encode(out_cp, "UTF-8")
        return normalized, out_cp, source, starts

    def _mark_long_words(self, cp: tf.Tensor, row_splits: tf.Tensor) -> tf.Tensor:
        """Replace the letters of over-long words by a 4-byte letter, so WordPiece gives [UNK]."""
        t = self.tables
        is_word = lookup(t.word_index, t.word_pages, cp)  # [C_out]
        rows = tf.ragged.row_splits_to_segment_ids(row_splits)  # [C_out]
        row_start = tf.not_equal(rows, tf.roll(rows, 1, 0)) | tf.equal(tf.range(tf.size(rows)), 0)
        segment = tf.cumsum(tf.cast((is_word == 0) | row_start, tf.int32)) - 1  # [C_out]
        length = tf.gather(tf.math.segment_sum(is_word, segment), segment)
        too_long = (is_word == 1) & (length > self.max_chars_per_word)
        return tf.where(too_long, _LONG_WORD_CHAR, cp)
