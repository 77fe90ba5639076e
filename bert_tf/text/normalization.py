"""BERT's text normalization as per-codepoint tables, shared by the tokenizer and vocab learning.

BERT (google-research/bert `BasicTokenizer`, HF `BertNormalizer`) normalizes one character at
a time: drop NUL, U+FFFD and control/format/private-use characters (tab, newline and carriage
return excepted), map Unicode whitespace to a space, put spaces around CJK ideographs and, for
uncased vocabularies, decompose (NFD), drop combining marks (Mn) and lowercase. Every step
but one is per character, so the normalization is a function `codepoint -> string`, computed
here once with Python's `unicodedata` and turned into

- `TfTables`: two-level page tables (`action`, `is_word`) that TensorFlow gathers in-graph, and
- `python_translate_table`: a `str.translate` table for fast Python-side word counting.

tensorflow-text's own normalizer applies NFKC case folding (`ß -> ss`, `ﬁ -> fi`, `² -> 2`),
which BERT does not, so the tokenizer uses these tables for every non-ASCII string. The one
step with context, Unicode's Final_Sigma rule of `str.lower` (uncased), is in `final_sigma`.

Example:
    >>> normalize_text("Héllo\\x00 東京", lower_case=True)
    'hello  東  京 '
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

MAX_CODEPOINT = 0x110000
PAGE_BITS = 8
PAGE_SIZE = 1 << PAGE_BITS

# Rust's `char::is_whitespace` (the Unicode White_Space property), which HF tokenizers uses.
_WHITESPACE = frozenset(
    [0x09, 0x0A, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
    + list(range(0x2000, 0x200B))
)
# The "CJK Unified Ideographs" ranges of google-research/bert `_is_chinese_char`.
_CJK_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
_DROPPED = frozenset(("Cc", "Cf", "Co", "Cs"))


_CJK = frozenset(cp for lo, hi in _CJK_RANGES for cp in range(lo, hi + 1))


def is_cjk(cp: int) -> bool:
    return cp in _CJK


def is_punctuation(cp: int) -> bool:
    """BERT's punctuation: all non-alphanumeric printable ASCII, plus Unicode category P*."""
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(chr(cp))[0] == "P"


def normalize_char(
    cp: int, lower_case: bool, strip_accents: bool | None = None, split_cjk: bool = True
) -> str:
    """The normalized form of one codepoint (possibly empty, possibly several characters).

    Accents are stripped (NFD, then combining marks dropped) before lowercasing, as HF's
    `BertNormalizer` does; `strip_accents=None` strips them exactly when lowercasing.
    """
    ch = chr(cp)
    if cp in (0, 0xFFFD) or (cp not in (9, 10, 13) and unicodedata.category(ch) in _DROPPED):
        return ""
    if cp in _WHITESPACE:
        return " "
    out = ch
    if lower_case if strip_accents is None else strip_accents:
        out = "".join(
            c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn"
        )
    if lower_case:
        out = "".join(c.lower() for c in out)
    return f" {out} " if split_cjk and cp in _CJK else out


def normalize_text(
    text: str, lower_case: bool, strip_accents: bool | None = None, split_cjk: bool = True
) -> str:
    """Python reference of the normalization, Final_Sigma included (see `final_sigma`)."""
    if lower_case and "\u03a3" in text:
        from bert_tf.text.final_sigma import apply_final_sigma

        text = apply_final_sigma(text)
    return text.translate(python_translate_table(lower_case, strip_accents, split_cjk))


def computed_codepoints() -> list[int]:
    """Codepoints whose normalization needs `unicodedata`; the rest follow fixed rules.

    Planes 3-13 (0x30000-0xDFFFF) hold no punctuation, marks, CJK of BERT's ranges or
    characters that change case; planes 15-16 are private use (dropped), bar 4 non-characters.
    """
    return list(range(0x30000)) + list(range(0xE0000, 0xF0000))


@functools.lru_cache(maxsize=8)
def _mapping(lower_case: bool, strip_accents: bool | None, split_cjk: bool) -> dict[int, str]:
    """Every codepoint whose normalized form differs from itself."""
    mapping = {}
    for cp in computed_codepoints():
        out = normalize_char(cp, lower_case, strip_accents, split_cjk)
        if out != chr(cp):
            mapping[cp] = out
    for cp in range(0xF0000, MAX_CODEPOINT):
        if cp & 0xFFFE != 0xFFFE:  # private use; U+xFFFE/U+xFFFF are unassigned and kept
            mapping[cp] = ""
    return mapping


def python_translate_table(
    lower_case: bool, strip_accents: bool | None = None, split_cjk: bool = True
) -> dict[int, str]:
    if strip_accents == lower_case:
        strip_accents = None  # one cache entry for the default
    return _mapping(lower_case, strip_accents, split_cjk)


def page_table(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split `values[cp]` into (page_index [n_pages], pages [n_unique * PAGE_SIZE])."""
    pages = values.reshape(-1, PAGE_SIZE)
    unique, index = np.unique(pages, axis=0, return_inverse=True)
    return index.astype(np.int32).reshape(-1), unique.astype(np.int32).reshape(-1)


KEEP = -1  # action: keep the codepoint as it is
SPACED = -2  # action: keep it, with a space on each side (CJK ideographs)


@dataclass(frozen=True)
class TfTables:
    """Arrays for in-graph lookups (see `bert_tokenizer.normalize_codepoints`).

    `action[cp]` is KEEP, SPACED or a row of the ragged `replacement` table (values +
    splits); `is_word[cp]` is 1 for characters inside words (not space, punctuation or CJK).
    """

    action_index: np.ndarray
    action_pages: np.ndarray
    word_index: np.ndarray
    word_pages: np.ndarray
    replacement_values: np.ndarray
    replacement_splits: np.ndarray


@functools.lru_cache(maxsize=8)
def tf_tables(
    lower_case: bool, strip_accents: bool | None = None, split_cjk: bool = True
) -> TfTables:
    action = np.full(MAX_CODEPOINT, KEEP, np.int32)
    replacements: dict[str, int] = {}
    for cp, text in python_translate_table(lower_case, strip_accents, split_cjk).items():
        if text == f" {chr(cp)} ":
            action[cp] = SPACED
        else:
            action[cp] = replacements.setdefault(text, len(replacements))
    ordered = sorted(replacements, key=replacements.get)
    splits = np.concatenate([[0], np.cumsum([len(t) for t in ordered])]).astype(np.int32)
    values = np.array([ord(c) for text in ordered for c in text], np.int32)

    is_word = np.ones(MAX_CODEPOINT, np.int32)
    is_word[:0x20] = 0
    is_word[list(_WHITESPACE) + (list(_CJK) if split_cjk else []) + _punctuation()] = 0
    action_index, action_pages = page_table(action)
    word_index, word_pages = page_table(is_word)
    return TfTables(action_index, action_pages, word_index, word_pages, values, splits)


@functools.lru_cache(maxsize=1)
def _punctuation() -> list[int]:
    return [cp for cp in computed_codepoints() if is_punctuation(cp)]


@functools.lru_cache(maxsize=1)
def word_split_pattern() -> re.Pattern:
    """Regex that finds BERT's pre-tokens in normalized text: words or single punctuation."""
    punct = _punctuation()
    ranges, start, prev = [], punct[0], punct[0]
    for cp in punct[1:] + [-1]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    cls = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[^\\s{cls}]+|[{cls}]")
