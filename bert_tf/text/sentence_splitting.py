"""Sentence splitting for pre-training corpora: a light end-of-sentence rule.

google-research/bert expects one sentence per line; raw paragraphs are split where a `.`, `!`
or `?` and whitespace come before a capital letter or digit (optionally behind a quote or an
opening bracket), as the paper's Wikipedia and BooksCorpus preprocessing did.

Example:
    >>> split_sentences("BERT reads both ways. It was trained on books!  And on 2.5B words.")
    ['BERT reads both ways.', 'It was trained on books!', 'And on 2.5B words.']
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph of prose into sentences (a light rule, like the paper's corpora)."""
    text = " ".join(paragraph.split())
    return [s for s in _SENTENCE_END.split(text) if s]
