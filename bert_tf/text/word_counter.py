"""WordCounter: counts of BERT pre-tokens in text, the one counting rule of every vocabulary job.

BERT's basic tokenization normalizes per character (see `normalization.py`) and then splits
on whitespace and around punctuation and CJK ideographs. Counting does it in the other
order, which gives the same counts and is several times faster: split the raw text on
whitespace and count the raw words (C-speed `str.split` + `Counter`), then normalize and
split only each distinct raw word, adding its count to its pieces. The orders agree
because normalization maps to a space exactly the characters `str.split` splits on, except
seven control characters it drops (`\\x0b \\x0c \\x1c-\\x1f \\x85`), which are removed first.

Uncased, a word with a capital sigma goes through `normalization.normalize_text`, whose
Final_Sigma rule looks at the letters around it (never across whitespace). Other
characters are normalized through a lazy `str.translate` table built from the same
`normalization.normalize_char` as the tokenizer's tables, so a process pays only for the
characters it meets. The counter is picklable (Beam workers, local processes).

Example:
    >>> WordCounter(lower_case=True)("Héllo, héllo WORLD! 東京")
    Counter({'hello': 2, ',': 1, 'world': 1, '!': 1, '東': 1, '京': 1})
"""

from __future__ import annotations

import collections
import re

from bert_tf.text import normalization

# Characters `str.split` splits on that BERT's normalization drops (control characters).
_DROPPED_SPACES = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_DROP_TABLE = dict.fromkeys(map(ord, "\x0b\x0c\x1c\x1d\x1e\x1f\x85"))


class _LazyTable(dict):
    """`codepoint -> normalized text` for `str.translate`, filled on first use of each char."""

    def __init__(self, lower_case: bool) -> None:
        super().__init__()
        self.lower_case = lower_case

    def __missing__(self, codepoint: int) -> str:
        if codepoint >= 0xF0000 and codepoint & 0xFFFE != 0xFFFE:  # as normalization._mapping
            value = ""
        else:
            value = normalization.normalize_char(codepoint, self.lower_case)
        self[codepoint] = value
        return value

    def __reduce__(self):  # pickle the settings, not the cache
        return (_LazyTable, (self.lower_case,))


class WordCounter:
    """Counts BERT pre-tokens (normalized words and single punctuation or CJK characters).

    Args:
        lower_case: normalize for an uncased vocabulary (lowercase + strip accents).

    Calling it on a string returns a `collections.Counter` of its pre-tokens; the counts
    of a text split anywhere on whitespace add up to the counts of the whole text.
    """

    def __init__(self, lower_case: bool = True) -> None:
        self.lower_case = bool(lower_case)
        self._table = _LazyTable(self.lower_case)
        self._pattern = normalization.word_split_pattern()

    def __call__(self, text: str) -> collections.Counter:
        return self.normalize_counts(self.raw_counts(text))

    @staticmethod
    def raw_counts(text: str, counts: collections.Counter | None = None) -> collections.Counter:
        """Whitespace-separated raw words of `text`, added to `counts` (a new Counter if None)."""
        if _DROPPED_SPACES.search(text):
            text = text.translate(_DROP_TABLE)
        counts = collections.Counter() if counts is None else counts
        counts.update(text.split())
        return counts

    def normalize_counts(self, raw: collections.Counter) -> collections.Counter:
        """Pre-token counts from raw-word counts: normalize and split each distinct raw word."""
        out: dict[str, int] = {}
        get, table, findall, lower = out.get, self._table, self._pattern.findall, self.lower_case
        for word, count in raw.items():
            if not word.isascii():
                if lower and "\u03a3" in word:  # capital sigma: Final_Sigma needs context
                    pieces = findall(normalization.normalize_text(word, True))
                else:
                    pieces = findall(word.translate(table))
            elif word.isalnum():  # [A-Za-z0-9]+: one pre-token
                piece = word.lower() if lower else word
                out[piece] = get(piece, 0) + count
                continue
            elif word.isprintable():  # ASCII without control characters: no table needed
                pieces = findall(word.lower() if lower else word)
            else:
                pieces = findall(word.translate(table))
            for piece in pieces:
                out[piece] = get(piece, 0) + count
        return collections.Counter(out)

    def __reduce__(self):
        return (WordCounter, (self.lower_case,))

    def __repr__(self) -> str:
        return f"WordCounter(lower_case={self.lower_case})"
