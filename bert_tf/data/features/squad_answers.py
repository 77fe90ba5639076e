"""A SQuAD answer's character span -> context token positions, by google-research's rules.

run_squad.py labels an answer in two steps, reproduced here over the in-graph token offsets:
1. Its first and last characters pick whitespace-separated words (whitespace: space, tab,
   CR, LF and U+202F; a whitespace character belongs to the word before it). The span runs
   from the first word piece of the first word to the last piece of the last word.
2. `_improve_answer_span`: if the answer text's own word pieces occur inside that span, the
   earliest such occurrence is the span instead ("(1895-1943)." -> "1895"); otherwise the
   whole words stay ("Japan" annotated inside "Japanese").
A token's words are found through its character offsets, which equals tokenizing word by word
as run_squad.py does (BERT splits on every whitespace character first).

Example:
    >>> context = "The leader was John Smith (1895-1943)."
    >>> starts = np.array([0, 4, 11, 15, 20, 26, 27, 31, 32, 36, 37])  # char start per token
    >>> doc_ids = np.array([1996, 3003, 2001, 2198, 3044, 1006, 6301, 1011, 4031, 1007, 1012])
    >>> answer_token_span(word_starts(context), starts, doc_ids, 27, 4, np.array([6301]))
    (6, 6)
    >>> answer_token_span(word_starts(context), starts, doc_ids, 27, 3, np.array([6391]))
    (5, 10)
"""

from __future__ import annotations

import numpy as np

SQUAD_WHITESPACE = np.array([0x20, 0x09, 0x0D, 0x0A, 0x202F], dtype=np.uint32)


def word_starts(context: str) -> np.ndarray:
    """Character index where each whitespace-separated word of `context` begins: int64 [Words]."""
    codepoints = np.frombuffer(context.encode("utf-32-le"), dtype=np.uint32)  # [C]
    space = np.isin(codepoints, SQUAD_WHITESPACE)
    after_space = np.concatenate([[True], space[:-1]])
    return np.flatnonzero(~space & after_space)


def answer_token_span(
    starts_of_words: np.ndarray,
    token_starts: np.ndarray,
    doc_ids: np.ndarray,
    answer_start: int,
    answer_length: int,
    answer_ids: np.ndarray,
) -> tuple[int, int] | None:
    """(first, last) context token of the answer, or None when the context has no token.

    Args:
        starts_of_words: `word_starts(context)`.
        token_starts: character start of each context token [N] (ascending).
        doc_ids: the context's word-piece ids [N].
        answer_start: the answer's first character in the context.
        answer_length: its length in characters.
        answer_ids: the word pieces of the answer text alone.
    """
    if not len(token_starts) or not len(starts_of_words):
        return None
    # run_squad.py's char_to_word_offset: the last word starting at or before the character.
    first_word = np.searchsorted(starts_of_words, answer_start, side="right") - 1
    last_char = answer_start + answer_length - 1
    last_word = np.searchsorted(starts_of_words, last_char, side="right") - 1
    start = int(np.searchsorted(token_starts, starts_of_words[first_word], side="left"))
    if last_word < len(starts_of_words) - 1:
        end = int(np.searchsorted(token_starts, starts_of_words[last_word + 1], side="left")) - 1
    else:
        end = len(token_starts) - 1
    return improve_answer_span(doc_ids, start, end, answer_ids)


def improve_answer_span(
    doc_ids: np.ndarray, start: int, end: int, answer_ids: np.ndarray
) -> tuple[int, int]:
    """The earliest occurrence of `answer_ids` within tokens [start, end], else (start, end)."""
    size = len(answer_ids)
    if size:
        for new_start in range(start, end - size + 2):
            if np.array_equal(doc_ids[new_start : new_start + size], answer_ids):
                return new_start, new_start + size - 1
    return start, end
