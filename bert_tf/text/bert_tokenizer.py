"""BertTokenizer: BERT's WordPiece tokenization, in-graph, on tensorflow-text.

Normalization follows BERT exactly (see `normalization.py`): strings of printable ASCII take
a fast path (ASCII lowercasing), all others go through per-codepoint tables in TensorFlow
and, uncased, Unicode's Final_Sigma rule of Python's `str.lower` (`final_sigma.py`);
tensorflow-text's `FastBertTokenizer` then splits on whitespace, punctuation and CJK and runs
WordPiece. Everything is TensorFlow ops, so the tokenizer works in `tf.data.map` and is saved
inside a SavedModel (load it with `tensorflow_text` imported).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
import tensorflow_text as tf_text

from bert_tf.text import normalization
from bert_tf.text.final_sigma import mark_final_sigmas
from bert_tf.text.special_tokens import SPECIAL_TOKEN_ROLES

DEFAULT_MAX_CHARS_PER_WORD = 100  # HF's WordPiece limit
GOOGLE_MAX_CHARS_PER_WORD = 200  # google-research's WordpieceTokenizer max_input_chars_per_word
_LONG_WORD_CHAR = 0x1D400  # a 4-byte letter: words made of it exceed max_bytes_per_word
_ASCII_TEXT = r"[\t\n\r\x20-\x7e]*"


def _lookup(index: np.ndarray, pages: np.ndarray, cp: tf.Tensor) -> tf.Tensor:
    """Two-level table lookup `table[cp]` for int32 codepoints `cp`."""
    page = tf.gather(tf.constant(index), cp // normalization.PAGE_SIZE)
    return tf.gather(tf.constant(pages), page * normalization.PAGE_SIZE + cp % 256)


def _utf8_length(cp: tf.Tensor) -> tf.Tensor:
    return (
        1
        + tf.cast(cp >= 0x80, tf.int64)
        + tf.cast(cp >= 0x800, tf.int64)
        + tf.cast(cp >= 0x10000, tf.int64)
    )


class BertTokenizer(tf.Module):
    """WordPiece tokenizer with BERT's basic tokenization, as TensorFlow ops.

    Offsets from `tokenize_with_offsets` are UTF-8 *byte* offsets into the input strings;
    `bert_tf.text.byte_to_char_offsets` converts them to Python string indices.

    Args:
        vocab_file: WordPiece vocabulary, one token per line; must hold [PAD], [UNK], [CLS],
            [SEP] and [MASK].
        lower_case: True for uncased vocabularies (lowercase + strip accents).
        max_chars_per_word: words with more characters (after normalization) become [UNK]:
            100 as in HF `tokenizers`, 200 for google-research checkpoints (its default).

    Example:
        >>> tokenizer = BertTokenizer("vocab.txt", lower_case=True)
        >>> tokenizer.tokenize(["Hello, world!"])
        <tf.RaggedTensor [[7592, 1010, 2088, 999]]>
    """

    def __init__(
        self,
        vocab_file: str | Path,
        lower_case: bool = True,
        max_chars_per_word: int = DEFAULT_MAX_CHARS_PER_WORD,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        path = Path(vocab_file)
        if not path.is_file():
            raise FileNotFoundError(f"vocabulary file not found: {path}")
        if not 1 <= max_chars_per_word <= 999:
            raise ValueError(f"max_chars_per_word must be in [1, 999], got {max_chars_per_word}")
        data = path.read_bytes()
        try:
            tokens = [line.strip() for line in data.decode("utf-8").splitlines()]
        except UnicodeDecodeError as error:
            raise ValueError(f"vocabulary file {path} is not UTF-8: {error}") from None
        ids = {}
        for i, token in enumerate(tokens):
            if token in ids:
                raise ValueError(f"vocabulary file {path} repeats the token {token!r}")
            ids[token] = i
        for token in SPECIAL_TOKEN_ROLES.values():
            if token not in ids:
                raise ValueError(f"vocabulary file {path} has no {token} token")
        self.vocab_file = str(path.resolve())
        self.vocab_sha256 = hashlib.sha256(data).hexdigest()
        self.lower_case = bool(lower_case)
        self.max_chars_per_word = int(max_chars_per_word)
        self._tokens = tokens
        self._ids = ids
        self._tables = normalization.tf_tables(self.lower_case)
        self._wordpiece = tf_text.FastBertTokenizer(
            vocab=tokens,
            token_out_type=tf.int32,
            max_bytes_per_word=4 * self.max_chars_per_word,
            unknown_token=SPECIAL_TOKEN_ROLES["unk"],
            lower_case_nfd_strip_accents=False,
        )
        self._long_ascii_word = f"(?s).*[0-9A-Za-z]{{{self.max_chars_per_word + 1}}}.*"

    # --- vocabulary -------------------------------------------------------------------
    @property
    def vocab(self) -> list[str]:
        return list(self._tokens)

    @property
    def vocab_size(self) -> int:
        return len(self._tokens)

    def token_to_id(self, token: str) -> int:
        if token not in self._ids:
            raise KeyError(f"token {token!r} is not in the vocabulary {self.vocab_file}")
        return self._ids[token]

    def id_to_token(self, token_id: int) -> str:
        if not 0 <= int(token_id) < len(self._tokens):
            raise IndexError(f"token id {token_id} is outside [0, {len(self._tokens)})")
        return self._tokens[int(token_id)]

    @property
    def pad_id(self) -> int:
        return self._ids[SPECIAL_TOKEN_ROLES["pad"]]

    @property
    def unk_id(self) -> int:
        return self._ids[SPECIAL_TOKEN_ROLES["unk"]]

    @property
    def cls_id(self) -> int:
        return self._ids[SPECIAL_TOKEN_ROLES["cls"]]

    @property
    def sep_id(self) -> int:
        return self._ids[SPECIAL_TOKEN_ROLES["sep"]]

    @property
    def mask_id(self) -> int:
        return self._ids[SPECIAL_TOKEN_ROLES["mask"]]

    # --- tokenization -----------------------------------------------------------------
    def tokenize(self, strings: Any) -> tf.RaggedTensor:
        """Word-piece ids (int32), no special tokens: `[B] strings -> [B, (T)]`."""
        strings, scalar = _as_strings(strings)
        ids = self._wordpiece.tokenize(self._normalize(strings))  # [B, (T)]
        return ids[0] if scalar else ids

    def tokenize_with_offsets(
        self, strings: Any
    ) -> tuple[tf.RaggedTensor, tf.RaggedTensor, tf.RaggedTensor]:
        """(ids, starts, ends), each `[B, (T)]`; offsets are int64 UTF-8 byte offsets."""
        strings, scalar = _as_strings(strings)
        normalized, out_cp, source, char_starts = self._normalize_exact(strings)
        lengths = tf.cast(tf.strings.length(strings), tf.int64)  # [B]
        src_start = tf.gather(char_starts.flat_values, source)  # [C_out]
        src_end = tf.gather(_char_ends(char_starts, lengths), source)  # [C_out]
        ids, starts, ends = self._wordpiece.tokenize_with_offsets(normalized)  # [B, (T)]
        # Byte position of every normalized character, counted across the whole batch.
        char_bytes = _utf8_length(out_cp.flat_values)  # [N]
        position = tf.cumsum(char_bytes, exclusive=True)  # [N]
        row_base = tf.gather(
            tf.concat([position, tf.reduce_sum(char_bytes, keepdims=True)], 0),
            out_cp.row_splits[:-1],
        )  # [B]
        token_base = tf.gather(row_base, starts.value_rowids())  # [T_total]
        first = tf.searchsorted(position[None], (token_base + starts.flat_values)[None])[0]
        last = tf.searchsorted(position[None], (token_base + ends.flat_values)[None])[0] - 1
        starts = starts.with_flat_values(tf.gather(src_start, first))
        ends = ends.with_flat_values(tf.gather(src_end, last))
        if scalar:
            return ids[0], starts[0], ends[0]
        return ids, starts, ends

    def detokenize(self, ids: Any) -> tf.Tensor:
        """Space-joined words for `[B, (T)]` ids (ragged, or dense with trailing [PAD])."""
        if not isinstance(ids, tf.RaggedTensor):
            ids = tf.RaggedTensor.from_tensor(tf.convert_to_tensor(ids), padding=self.pad_id)
        pieces = tf.gather(tf.constant(self._tokens), ids)  # [B, (T)]
        text = tf.strings.reduce_join(pieces, axis=-1, separator=" ")
        return tf.strings.regex_replace(text, " ##", "")

    # --- normalization ----------------------------------------------------------------
    def _normalize(self, strings: tf.Tensor) -> tf.Tensor:
        """Normalized strings [B]: ASCII rows by `tf.strings.lower`, the rest by the tables."""
        fast = tf.strings.regex_full_match(strings, _ASCII_TEXT) & ~tf.strings.regex_full_match(
            strings, self._long_ascii_word
        )  # [B]
        part = tf.cast(fast, tf.int32)
        slow_text, fast_text = tf.dynamic_partition(strings, part, 2)
        slow_rows, fast_rows = tf.dynamic_partition(tf.range(tf.shape(strings)[0]), part, 2)
        if self.lower_case:
            fast_text = tf.strings.lower(fast_text)
        slow_text = self._normalize_exact(slow_text)[0]
        return tf.dynamic_stitch([slow_rows, fast_rows], [slow_text, fast_text])

    def _normalize_exact(self, strings: tf.Tensor):
        """Per-codepoint normalization of [B] strings.

        Returns (normalized [B], normalized codepoints [B, (C_out)], the input character
        of each normalized codepoint [C_out], input character byte offsets [B, (C)]).
        """
        t = self._tables
        cps, starts = tf.strings.unicode_decode_with_offsets(
            strings, "UTF-8", errors="replace", replacement_char=0xFFFD
        )  # [B, (C)]
        flat = cps.flat_values  # [C]
        if self.lower_case:  # Final_Sigma: word-final Σ lowercases to ς, as str.lower does
            flat = mark_final_sigmas(flat, cps.row_splits)
        action = _lookup(t.action_index, t.action_pages, flat)  # [C]
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
        t = self._tables
        is_word = _lookup(t.word_index, t.word_pages, cp)  # [C_out]
        rows = tf.ragged.row_splits_to_segment_ids(row_splits)  # [C_out]
        row_start = tf.not_equal(rows, tf.roll(rows, 1, 0)) | tf.equal(tf.range(tf.size(rows)), 0)
        segment = tf.cumsum(tf.cast((is_word == 0) | row_start, tf.int32)) - 1  # [C_out]
        length = tf.gather(tf.math.segment_sum(is_word, segment), segment)
        too_long = (is_word == 1) & (length > self.max_chars_per_word)
        return tf.where(too_long, _LONG_WORD_CHAR, cp)

    # --- config -----------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The contract stored with every model: vocabulary path + sha256, casing, limits."""
        return {
            "vocab_file": self.vocab_file,
            "vocab_sha256": self.vocab_sha256,
            "lower_case": self.lower_case,
            "max_chars_per_word": self.max_chars_per_word,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], vocab_file: str | Path | None = None
    ) -> BertTokenizer:
        """Rebuild from `get_config()`; `vocab_file` relocates the vocabulary (same sha256)."""
        config = dict(config)
        expected = config.pop("vocab_sha256", None)
        path = vocab_file if vocab_file is not None else config.pop("vocab_file")
        config.pop("vocab_file", None)
        tokenizer = cls(path, **config)
        if expected is not None and tokenizer.vocab_sha256 != expected:
            raise ValueError(
                f"vocabulary {path} has sha256 {tokenizer.vocab_sha256}, but the model was "
                f"built with {expected}: this is a different vocabulary"
            )
        return tokenizer


def _as_strings(strings: Any) -> tuple[tf.Tensor, bool]:
    """A [B] tf.string tensor and whether the input was one string; TypeError otherwise."""
    scalar = isinstance(strings, str | bytes)
    if scalar:
        strings = [strings]
    if isinstance(strings, list | tuple):
        if not all(isinstance(s, str | bytes) for s in strings):
            raise TypeError("BertTokenizer expects strings; got a list with non-string items")
        strings = tf.constant(list(strings), dtype=tf.string, shape=[len(strings)])
    elif isinstance(strings, np.ndarray):
        if strings.dtype.kind not in "USO":
            raise TypeError(f"BertTokenizer expects strings, got a numpy array of {strings.dtype}")
        strings = tf.constant(strings.astype(object), dtype=tf.string)
    if not tf.is_tensor(strings) or isinstance(strings, tf.RaggedTensor):
        raise TypeError(f"BertTokenizer expects a tf.string tensor of shape [B], got {strings!r}")
    if strings.dtype != tf.string:
        raise TypeError(f"BertTokenizer expects tf.string input, got dtype {strings.dtype.name}")
    rank = strings.shape.rank
    if rank == 0:
        return strings[None], True
    if rank is not None and rank != 1:
        raise ValueError(f"BertTokenizer expects strings of shape [B], got {strings.shape}")
    return strings, scalar


def _char_ends(starts: tf.RaggedTensor, lengths: tf.Tensor) -> tf.Tensor:
    """End byte offset of every decoded character: the next start, or the string length."""
    flat = starts.flat_values  # [C]
    following = tf.concat([flat[1:], tf.zeros([1], tf.int64)], 0)[: tf.size(flat)]
    row_lengths = starts.row_lengths()
    last = starts.row_splits[1:] - 1  # [B]
    nonempty = row_lengths > 0
    return tf.tensor_scatter_nd_update(
        following, tf.boolean_mask(last, nonempty)[:, None], tf.boolean_mask(lengths, nonempty)
    )
