"""BertTokenizer: BERT's WordPiece tokenization, in-graph, on tensorflow-text.

Normalization follows BERT exactly (see `graph_normalizer.py`), with HF `BertNormalizer`'s
options: lower-casing, accent stripping (None: follow lower-casing) and spaces around CJK
ideographs. tensorflow-text's `FastBertTokenizer` then splits on whitespace, punctuation and
CJK and runs WordPiece; where an option asks for other words (CJK runs kept whole,
whitespace-only splitting) `word_splitting.py` splits them and WordPiece runs per word.
Special tokens written in the text can be kept whole (`special_tokens_in_strings`,
`never_split`). Everything is TensorFlow ops, so the tokenizer works in `tf.data.map` and is
saved inside a SavedModel (load it with `tensorflow_text` imported).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import tensorflow as tf
import tensorflow_text as tf_text

from bert_tf.text.byte_offsets import input_spans, map_offsets
from bert_tf.text.graph_normalizer import GraphNormalizer, lookup
from bert_tf.text.ragged_rows import replace_rows, shift_rows
from bert_tf.text.special_token_splitting import SpecialTokenSplitter
from bert_tf.text.special_tokens import SPECIAL_TOKEN_ROLES, SPECIAL_TOKENS
from bert_tf.text.string_inputs import as_string_batch, as_word_batch
from bert_tf.text.word_splitting import split_words

DEFAULT_MAX_CHARS_PER_WORD = 100  # HF's WordPiece limit
GOOGLE_MAX_CHARS_PER_WORD = 200  # google-research's WordpieceTokenizer max_input_chars_per_word
_UNK = SPECIAL_TOKEN_ROLES["unk"]


class BertTokenizer(tf.Module):
    """WordPiece tokenizer with BERT's basic tokenization, as TensorFlow ops.

    Offsets from `tokenize_with_offsets` are UTF-8 *byte* offsets into the input strings;
    `bert_tf.text.byte_to_char_offsets` converts them to Python string indices.

    Args:
        vocab_file: WordPiece vocabulary, one token per line; must hold [UNK]. [PAD], [CLS],
            [SEP] and [MASK] are needed only where used (packing, masking), which names them.
        lower_case: lower-case the text (uncased vocabularies).
        max_chars_per_word: words with more characters (after normalization) become [UNK]:
            100 as in HF `tokenizers`, 200 for google-research checkpoints (its default).
        strip_accents: drop accents (NFD, then combining marks); None: when `lower_case`.
        tokenize_chinese_chars: split CJK ideographs into words of their own (False: a run
            of them is one word, as in some Japanese and multilingual BERTs).
        special_tokens_in_strings: [CLS], [SEP], [MASK], [PAD] and [UNK] written in the
            text become their ids ("the [MASK] fox"), as in HF and keras-hub.
        never_split: more tokens kept whole when written in the text (HF's added special
            tokens); one outside the vocabulary becomes [UNK].
        do_basic_tokenize: False splits the normalized text on whitespace only (no
            punctuation split) before WordPiece.

    Example:
        >>> tokenizer = BertTokenizer("vocab.txt", lower_case=True)
        >>> tokenizer.tokenize(["Hello, world!"])
        <tf.RaggedTensor [[7592, 1010, 2088, 999]]>
        >>> BertTokenizer("vocab.txt", special_tokens_in_strings=True).tokenize("a [MASK].")
        <tf.Tensor: shape=(3,), dtype=int32, numpy=array([1037,  103, 1012], dtype=int32)>
    """

    def __init__(
        self,
        vocab_file: str | Path,
        lower_case: bool = True,
        max_chars_per_word: int = DEFAULT_MAX_CHARS_PER_WORD,
        strip_accents: bool | None = None,
        tokenize_chinese_chars: bool = True,
        special_tokens_in_strings: bool = False,
        never_split: tuple[str, ...] | list[str] = (),
        do_basic_tokenize: bool = True,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        path = Path(vocab_file)
        if not path.is_file():
            raise FileNotFoundError(f"vocabulary file not found: {path}")
        if not 1 <= max_chars_per_word <= 999:
            raise ValueError(f"max_chars_per_word must be in [1, 999], got {max_chars_per_word}")
        if strip_accents is not None and not isinstance(strip_accents, bool):
            raise TypeError(f"strip_accents must be None, True or False, got {strip_accents!r}")
        if isinstance(never_split, str):
            raise TypeError("never_split must be a list of tokens, not one string")
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
        if _UNK not in ids:
            raise ValueError(f"vocabulary file {path} has no {_UNK} token")
        self.vocab_file = str(path.resolve())
        self.vocab_sha256 = hashlib.sha256(data).hexdigest()
        self.lower_case = bool(lower_case)
        self.max_chars_per_word = int(max_chars_per_word)
        self.strip_accents = strip_accents
        self.tokenize_chinese_chars = bool(tokenize_chinese_chars)
        self.special_tokens_in_strings = bool(special_tokens_in_strings)
        self.never_split = tuple(str(token) for token in never_split)
        self.do_basic_tokenize = bool(do_basic_tokenize)
        self._tokens = tokens
        self._ids = ids
        self._normalizer = GraphNormalizer(
            self.lower_case, strip_accents, self.tokenize_chinese_chars, self.max_chars_per_word
        )
        # tf-text needs one ordinary token to build its trie; U+FFFD never survives
        # normalization, so a vocabulary of special tokens only still tokenizes (to [UNK]).
        ordinary = any(t not in SPECIAL_TOKENS for t in tokens)
        options = dict(
            vocab=tokens if ordinary else [*tokens, "\ufffd"],
            token_out_type=tf.int32,
            max_bytes_per_word=4 * self.max_chars_per_word,
            unknown_token=_UNK,
            lower_case_nfd_strip_accents=False,
        )
        # tf-text splits CJK and punctuation itself; other word boundaries need split_words.
        self._own_words = not (self.tokenize_chinese_chars and self.do_basic_tokenize)
        self._wordpiece = tf_text.FastBertTokenizer(**options, no_pretokenization=self._own_words)
        kept = {t: ids[t] for t in SPECIAL_TOKENS if t in ids and special_tokens_in_strings}
        kept.update({t: ids.get(t, ids[_UNK]) for t in self.never_split})
        self._splitter = SpecialTokenSplitter(kept) if kept else None

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

    def special_id(self, role: str) -> int:
        """The id of a special token by role (pad, unk, cls, sep, mask); ValueError naming
        the token when the vocabulary lacks it."""
        token = SPECIAL_TOKEN_ROLES[role]
        if token not in self._ids:
            raise ValueError(
                f"the vocabulary {self.vocab_file} has no {token} token, which is needed here"
            )
        return self._ids[token]

    @property
    def pad_id(self) -> int:
        return self.special_id("pad")

    @property
    def unk_id(self) -> int:
        return self.special_id("unk")

    @property
    def cls_id(self) -> int:
        return self.special_id("cls")

    @property
    def sep_id(self) -> int:
        return self.special_id("sep")

    @property
    def mask_id(self) -> int:
        return self.special_id("mask")

    @property
    def special_ids(self) -> list[int]:
        """Ids of the special tokens the vocabulary has, never_split ones included."""
        tokens = [*SPECIAL_TOKENS, *self.never_split]
        return sorted({self._ids[t] for t in tokens if t in self._ids})

    def special_tokens_mask(self, ids: Any) -> Any:
        """int32 1 where an id (dense or ragged, any shape) is a special token, else 0."""
        special = tf.constant(self.special_ids, tf.int32)

        def mask(flat):
            flat = tf.cast(flat, tf.int32)
            return tf.cast(tf.reduce_any(tf.equal(flat[..., None], special), -1), tf.int32)

        if isinstance(ids, tf.RaggedTensor):
            return tf.ragged.map_flat_values(mask, ids)
        if isinstance(ids, list) and ids and isinstance(ids[0], list):
            return tf.ragged.map_flat_values(mask, tf.ragged.constant(ids, tf.int32))
        return mask(tf.convert_to_tensor(ids))

    # --- tokenization -----------------------------------------------------------------
    def tokenize(self, strings: Any) -> tf.RaggedTensor:
        """Word-piece ids (int32), no special tokens added: `[B] strings -> [B, (T)]`."""
        strings, scalar = as_string_batch(strings)
        ids = self._tokenize(strings, with_offsets=False)[0]  # [B, (T)]
        return ids[0] if scalar else ids

    def tokenize_with_offsets(
        self, strings: Any
    ) -> tuple[tf.RaggedTensor, tf.RaggedTensor, tf.RaggedTensor]:
        """(ids, starts, ends), each `[B, (T)]`; offsets are int64 UTF-8 byte offsets."""
        strings, scalar = as_string_batch(strings)
        ids, starts, ends = self._tokenize(strings, with_offsets=True)
        if scalar:
            return ids[0], starts[0], ends[0]
        return ids, starts, ends

    def tokenize_words(self, words: Any) -> tf.RaggedTensor:
        """Pre-split words (HF `is_split_into_words`): `[B, (W)]` strings -> `[B, (W), (T)]`
        ids; each word is tokenized on its own (`merge_dims(1, 2)` gives `[B, (T)]`)."""
        words = as_word_batch(words)  # [B, (W)]
        return words.with_values(self.tokenize(words.values))

    def _tokenize(self, strings: tf.Tensor, with_offsets: bool):
        """(ids, starts, ends) `[B, (T)]` of [B] strings; offsets None unless asked for."""
        if self._splitter is None:
            return self._tokenize_text(strings, with_offsets)
        pieces, is_special, special, p_starts, p_ends = self._splitter.split(strings)
        text = tf.where(is_special, "", pieces.flat_values)  # [P] special pieces emptied
        ids, starts, ends = self._tokenize_text(text, with_offsets)  # [P, (T)]
        ids = replace_rows(ids, is_special, special)
        if with_offsets:
            p_starts, p_ends = p_starts.flat_values, p_ends.flat_values  # [P]
            starts = replace_rows(shift_rows(starts, p_starts), is_special, p_starts)
            ends = replace_rows(shift_rows(ends, p_starts), is_special, p_ends)
        regroup = lambda rows: tf.RaggedTensor.from_row_splits(  # noqa: E731
            rows, pieces.row_splits, validate=False
        ).merge_dims(1, 2)
        if not with_offsets:
            return regroup(ids), None, None
        return regroup(ids), regroup(starts), regroup(ends)

    def _tokenize_text(self, strings: tf.Tensor, with_offsets: bool):
        if self._own_words:
            return self._tokenize_own_words(strings, with_offsets)
        if not with_offsets:
            return self._wordpiece.tokenize(self._normalizer.normalize(strings)), None, None
        normalized, out_cp, source, char_starts = self._normalizer.normalize_exact(strings)
        ids, starts, ends = self._wordpiece.tokenize_with_offsets(normalized)  # [B, (T)]
        char_start, char_end = input_spans(strings, char_starts, source)  # [N] each
        starts, ends = map_offsets(out_cp, char_start, char_end, starts, ends)
        return ids, starts, ends

    def _tokenize_own_words(self, strings: tf.Tensor, with_offsets: bool):
        """Words by `split_words`, then WordPiece on each word; [B, (T)] ids (and offsets)."""
        _, out_cp, source, char_starts = self._normalizer.normalize_exact(strings)
        flat = out_cp.flat_values  # [N]
        t = self._normalizer.tables
        is_word = lookup(t.word_index, t.word_pages, flat)  # [N]
        word_chars, word_rows = split_words(
            flat, out_cp.row_splits, is_word, split_punctuation=self.do_basic_tokenize
        )  # [W, (c)], [W]
        word_cp = tf.gather(flat, word_chars)  # [W, (c)]
        text = tf.strings.unicode_encode(word_cp, "UTF-8")  # [W]
        ids, starts, ends = self._wordpiece.tokenize_with_offsets(text)  # [W, (T)]
        too_long = word_chars.row_lengths() > self.max_chars_per_word  # [W]
        ids = replace_rows(ids, too_long, tf.fill(tf.shape(too_long), self._ids[_UNK]))
        nrows = tf.shape(strings, out_type=tf.int64)[0]

        def regroup(rows: tf.RaggedTensor) -> tf.RaggedTensor:  # [W, (T)] -> [B, (T)]
            by_row = tf.RaggedTensor.from_value_rowids(
                rows, tf.cast(word_rows, tf.int64), nrows=nrows, validate=False
            )
            return by_row.merge_dims(1, 2)

        if not with_offsets:
            return regroup(ids), None, None
        char_start, char_end = input_spans(strings, char_starts, source)  # [N] each
        char_start = tf.gather(char_start, word_chars.flat_values)  # [c_total]
        char_end = tf.gather(char_end, word_chars.flat_values)
        starts, ends = map_offsets(word_cp, char_start, char_end, starts, ends)
        first = tf.gather(char_start, word_cp.row_starts())  # [W] whole-word span
        last = tf.gather(char_end, word_cp.row_limits() - 1)
        starts = replace_rows(starts, too_long, first)
        ends = replace_rows(ends, too_long, last)
        return regroup(ids), regroup(starts), regroup(ends)

    def detokenize(
        self,
        ids: Any,
        skip_special_tokens: bool = False,
        clean_up_tokenization_spaces: bool = False,
    ) -> tf.Tensor:
        """Space-joined words: `[B, (T)]` ids (ragged, a list of lists, or dense with
        trailing [PAD]) -> `[B]` strings; 1-D ids -> one string.

        Args:
            skip_special_tokens: leave out [CLS], [SEP], [PAD], ... (HF's option).
            clean_up_tokenization_spaces: no space before `. , ! ?` and English clitics
                (`n't`, `'s`, ...), as transformers' `decode` does by default.
        """
        from bert_tf.text.detokenization import detokenize

        return detokenize(self, ids, skip_special_tokens, clean_up_tokenization_spaces)

    # --- config -----------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The contract stored with every model: vocabulary path + sha256 and the options."""
        return {
            "vocab_file": self.vocab_file,
            "vocab_sha256": self.vocab_sha256,
            "lower_case": self.lower_case,
            "max_chars_per_word": self.max_chars_per_word,
            "strip_accents": self.strip_accents,
            "tokenize_chinese_chars": self.tokenize_chinese_chars,
            "special_tokens_in_strings": self.special_tokens_in_strings,
            "never_split": list(self.never_split),
            "do_basic_tokenize": self.do_basic_tokenize,
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
