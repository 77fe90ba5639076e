"""A slow, one-example-at-a-time statement of google-research `run_squad.py`'s training
features: the reference `SquadFeatures` must match. Written here from the algorithm's rules,
not from its code:

1. The context is cut into whitespace-separated words; every character maps to the word it
   is in (whitespace to the word before it). A training answer whose words do not contain
   its (whitespace-normalized) text is dropped.
2. Each word is word-pieced on its own; the answer's piece span starts at its first word's
   first piece and ends at its last word's last piece, then shrinks to the narrowest piece
   span whose pieces, joined by spaces, equal the answer text's own pieces (the first such
   span from the left, widest end first).
3. Windows of `max_seq_length - len(question pieces) - 3` context pieces start every
   `doc_stride` pieces (never further than a window), the last one ending at the context's end.
4. A piece's home window maximizes min(left, right context) + 0.01 * window length, the
   earlier window winning ties. A window labels the answer only when it holds all of it
   ([CLS] = 0 otherwise, and for unanswerable questions).

Example:
    >>> features, skipped = run_squad_features(examples, tokenizer, 384, 128, 64)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

WHITESPACE = {" ", "\t", "\r", "\n", "\u202f"}


def split_words(context: str) -> tuple[list[str], list[int]]:
    """(words, word index of every character)."""
    words: list[str] = []
    owner: list[int] = []
    in_word = False
    for char in context:
        if char in WHITESPACE:
            in_word = False
        elif in_word:
            words[-1] += char
        else:
            words.append(char)
            in_word = True
        owner.append(len(words) - 1)
    return words, owner


def narrowest_match(pieces: list[str], first: int, last: int, target: str) -> tuple[int, int]:
    """The narrowest span inside [first, last] whose joined pieces equal `target`."""
    candidates = (
        (start, end)
        for start in range(first, last + 1)
        for end in range(last, start - 1, -1)
        if " ".join(pieces[start : end + 1]) == target
    )
    return next(candidates, (first, last))


def windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """(start, length) of each window over `length` pieces."""
    spans, start = [], 0
    while start < length:
        span = min(length - start, size)
        spans.append((start, span))
        if start + span == length:
            break
        start += min(span, stride)
    return spans


def home_window(spans: list[tuple[int, int]], position: int) -> int | None:
    """The window where `position` has the most context (the first on a tie)."""
    best, best_score = None, -1.0
    for index, (start, length) in enumerate(spans):
        if start <= position < start + length:
            score = min(position - start, start + length - 1 - position) + 0.01 * length
            if score > best_score:
                best, best_score = index, score
    return best


def run_squad_features(
    examples: list[Any], tokenizer: Any, max_seq_length: int, doc_stride: int, max_query_length: int
) -> tuple[list[dict], list[int]]:
    """(features, indices of the examples run_squad.py drops) for `SquadExample`s."""
    texts = {e.question for e in examples} | {a.text for e in examples for a in e.answers}
    texts |= {w for e in examples for w in split_words(e.context)[0]}
    ordered = sorted(texts)
    rows = tokenizer.tokenize(ordered).to_list() if ordered else []
    cache = {t: [tokenizer.id_to_token(i) for i in row] for t, row in zip(ordered, rows)}

    features, dropped = [], []
    for index, example in enumerate(examples):
        words, owner = split_words(example.context)
        answerable = bool(example.answers) and not example.is_impossible
        if answerable:
            answer = example.answers[0]
            first_word = owner[answer.char_start]
            last_word = owner[answer.char_start + len(answer.text) - 1]
            if " ".join(answer.text.split()) not in " ".join(words[first_word : last_word + 1]):
                dropped.append(index)
                continue
        question = cache[example.question][:max_query_length]
        pieces, word_start = [], []
        for word in words:
            word_start.append(len(pieces))
            pieces += cache[word]
        answer_span = (-1, -1)
        if answerable:
            end = word_start[last_word + 1] - 1 if last_word + 1 < len(words) else len(pieces) - 1
            target = " ".join(cache[answer.text])
            answer_span = narrowest_match(pieces, word_start[first_word], end, target)
        spans = windows(len(pieces), max_seq_length - len(question) - 3, doc_stride)
        offset = len(question) + 2  # [CLS] question [SEP]
        for number, (start, length) in enumerate(spans):
            tokens = ["[CLS]", *question, "[SEP]", *pieces[start : start + length], "[SEP]"]
            ids = [tokenizer.token_to_id(token) for token in tokens]
            padding = max_seq_length - len(ids)
            central = [False] * max_seq_length
            for position in range(start, start + length):
                central[offset + position - start] = home_window(spans, position) == number
            inside = answerable and start <= answer_span[0] and answer_span[1] < start + length
            label = (
                (answer_span[0] - start + offset, answer_span[1] - start + offset)
                if inside
                else (0, 0)
            )
            features.append(
                {
                    "example_index": index,
                    "input_word_ids": ids + [0] * padding,
                    "input_mask": [1] * len(ids) + [0] * padding,
                    "input_type_ids": [0] * offset + [1] * (length + 1) + [0] * padding,
                    "start_positions": label[0],
                    "end_positions": label[1],
                    "token_is_max_context": central,
                }
            )
    return features, dropped
