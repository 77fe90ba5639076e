"""WordPiece vocabulary from a word-count table: byte-pair merges with a `##` continuation prefix.

This is the algorithm of HF `tokenizers`' `WordPieceTrainer` (a BPE trainer whose non-initial
symbols carry `##`): start from the characters, repeatedly merge the adjacent pair with the
highest count (weighted by word counts), and keep every merged symbol as a vocabulary token.
It runs on the count table alone, so counting can stream, run in parallel or on Beam and
this step never sees the text. Its cost grows with the number of distinct words, not with
the corpus: every merge rewrites only the words that hold the pair (an index pair -> words),
and a heap with lazy deletion finds the best pair.

Differences from the HF trainer, each so the vocabulary fits the tokenizer and the size:
- merging continues at count 1, so the requested size is reached whenever the words allow;
- words longer than `max_word_chars` (which BertTokenizer maps to [UNK]) are left out;
- the alphabet keeps at least the `min_alphabet` most frequent characters (HF's
  `limit_alphabet` default is 1000) and more where needed to cover `char_coverage` of all
  character occurrences (CJK text needs thousands), never more than half the vocabulary;
- ties go to the pair of lower token ids, and token ids follow a sorted word order, so the
  same counts always give the same vocabulary.

Example:
    >>> train_wordpiece({"hello": 5, "help": 3, "world": 2}, 15, ["[UNK]"])[:6]
    ['[UNK]', 'd', 'e', 'h', 'l', 'o']
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from tqdm import tqdm

logger = logging.getLogger(__name__)

PREFIX = "##"
_MAX_TOKENS = 0x110000 - 0x800  # one symbol character per token id
_CODE_MASK = (1 << 42) - 1


def _sym(token_id: int) -> str:
    """The one-character symbol of a token id (skipping the surrogate codepoints)."""
    return chr(token_id if token_id < 0xD800 else token_id + 0x800)


def _code(pair: str) -> int:
    return ord(pair[0]) << 21 | ord(pair[1])


def _id(symbol: str) -> int:
    point = ord(symbol)
    return point if point < 0xD800 else point - 0x800


def _alphabet(
    chars: np.ndarray, weights: np.ndarray, room: int, min_alphabet: int, char_coverage: float
) -> list[str]:
    """The characters kept: the most frequent (by weighted count), as many as the rules allow."""
    points, inverse = np.unique(chars, return_inverse=True)
    totals = np.bincount(inverse, weights=weights)
    order = np.lexsort((points, -totals))  # by count, then codepoint
    covered = np.cumsum(totals[order])
    keep = int(np.searchsorted(covered, char_coverage * covered[-1])) + 1
    keep = min(max(keep, min_alphabet), len(points), max(room // 2, 1))
    return sorted(chr(int(point)) for point in points[order[:keep]])


def train_wordpiece(
    word_counts: Mapping[str, int] | Iterable[tuple[str, int]],
    vocab_size: int,
    reserved_tokens: Sequence[str],
    *,
    min_alphabet: int = 1000,
    char_coverage: float = 0.99995,
    max_word_chars: int = 100,
    progress: bool = False,
) -> list[str]:
    """The vocabulary (reserved tokens first) of `vocab_size` tokens, or fewer if the words
    run out of pairs (every word already one token).

    Args:
        word_counts: pre-token -> count (BERT-normalized words and punctuation).
        vocab_size: size of the result, reserved tokens included.
        reserved_tokens: tokens placed first, in this order.
        min_alphabet: characters always kept (the most frequent), if the corpus has them.
        char_coverage: keep more characters until they cover this share of occurrences.
        max_word_chars: longer words are left out.
        progress: show a tqdm bar over the merges.
    """
    items = word_counts.items() if isinstance(word_counts, Mapping) else word_counts
    words = sorted(
        ((w, int(c)) for w, c in items if c > 0 and 0 < len(w) <= max_word_chars),
        key=lambda item: (-item[1], item[0]),
    )
    vocab = list(dict.fromkeys(reserved_tokens))
    ids = {token: i for i, token in enumerate(vocab)}

    def token_id(token: str) -> int:
        if token not in ids:
            if len(vocab) >= _MAX_TOKENS:
                raise ValueError(f"vocabularies above {_MAX_TOKENS} tokens are not supported")
            ids[token] = len(vocab)
            vocab.append(token)
        return ids[token]

    if not words:
        raise ValueError("no words to learn a vocabulary from")
    # Every character occurrence as (codepoint, word count, starts a word).
    text = "".join(w for w, _ in words)
    lengths = np.array([len(w) for w, _ in words])
    chars = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    weights = np.repeat(np.array([c for _, c in words], np.float64), lengths)
    initial = np.zeros(len(chars), bool)
    initial[np.cumsum(lengths) - lengths] = True
    alphabet = _alphabet(chars, weights, vocab_size - len(vocab), min_alphabet, char_coverage)
    inner = {chr(int(p)) for p in np.unique(chars[~initial])}
    first_map = {ord(c): None for c in map(chr, np.unique(chars).tolist())}
    inner_map = dict(first_map)
    for char in alphabet:
        first_map[ord(char)] = _sym(token_id(char))
    for char in alphabet:
        if char in inner:
            inner_map[ord(char)] = _sym(token_id(PREFIX + char))
    if len(vocab) > vocab_size:
        raise ValueError(
            f"vocab_size {vocab_size} is too small: the reserved tokens and the alphabet "
            f"({len(alphabet)} characters, with and without {PREFIX}) need {len(vocab)}"
        )
    # Each word as a string of one-character symbols (token ids); characters left out of
    # the alphabet are dropped, as in HF. Merging a pair is then `str.replace`.
    symbols = [w[:1].translate(first_map) + w[1:].translate(inner_map) for w, _ in words]
    counts = [c for _, c in words]
    pair_counts, where = _count_pairs(symbols, counts)
    # Heap entries are ints: -count << 42 | pair code, so the smallest is the most frequent
    # pair, ties going to the lower code (lower token ids).
    heap = [-count << 42 | _code(key) for key, count in pair_counts.items()]
    heapq.heapify(heap)
    bar = tqdm(total=vocab_size, initial=len(vocab), desc="learning pieces", disable=not progress)
    while len(vocab) < vocab_size and heap:
        entry = heapq.heappop(heap)
        code = entry & _CODE_MASK
        key = chr(code >> 21) + chr(code & 0x1FFFFF)
        count = pair_counts.get(key, 0)
        if count != -(entry >> 42) or count <= 0:  # stale: the count fell since the push
            if count > 0:
                heapq.heappush(heap, -count << 42 | code)
            continue
        before = len(vocab)
        merged = vocab[_id(key[0])] + vocab[_id(key[1])].removeprefix(PREFIX)
        new = _sym(token_id(merged))
        bar.update(len(vocab) - before)
        grown = _merge_pair(key, new, where.pop(key), symbols, counts, pair_counts, where)
        del pair_counts[key]
        for changed in grown:
            if pair_counts[changed] > 0:
                heapq.heappush(heap, -pair_counts[changed] << 42 | _code(changed))
    bar.close()
    if len(vocab) < vocab_size:
        logger.warning(
            "the corpus supports only %d tokens (every word is one token); asked for %d",
            len(vocab),
            vocab_size,
        )
    return vocab


def _count_pairs(symbols: list[str], counts: list[int]):
    """Weighted counts of adjacent symbol pairs, and the words that hold each pair."""
    lengths = np.array([len(s) for s in symbols])
    points = np.frombuffer("".join(symbols).encode("utf-32-le"), np.uint32).astype(np.int64)
    word = np.repeat(np.arange(len(symbols)), lengths)
    inside = word[1:] == word[:-1]  # pairs that do not straddle two words
    codes = (points[:-1] << 21 | points[1:])[inside]
    word = word[1:][inside]
    unique, inverse = np.unique(codes, return_inverse=True)
    totals = np.bincount(inverse, weights=np.array(counts, np.float64)[word])
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse))[:-1]
    keys = [chr(code >> 21) + chr(code & 0x1FFFFF) for code in unique.tolist()]
    pair_counts = dict(zip(keys, (round(t) for t in totals.tolist())))
    where = {k: set(ws) for k, ws in zip(keys, np.split(word[order], bounds))}
    return pair_counts, where


def _merge_pair(
    pair: str,
    new: str,
    indices: set[int],
    symbols: list[str],
    counts: list[int],
    pair_counts: dict[str, int],
    where: dict[str, set[int]],
) -> set[str]:
    """Merge `pair` -> `new` in the words at `indices`; return the pairs that grew."""
    grown: set[str] = set()
    left, right = pair
    for index in indices:
        word = symbols[index]
        i = word.find(pair)
        if i < 0:  # the word lost this pair to an earlier merge
            continue
        count = counts[index]
        if word.find(pair, i + 2) < 0:  # one occurrence (the common case): fix its neighbours
            if i:
                pair_counts[word[i - 1] + left] -= count
                grown.add(key := word[i - 1] + new)
                pair_counts[key] = pair_counts.get(key, 0) + count
                if key in where:
                    where[key].add(index)
                else:
                    where[key] = {index}
            if i + 2 < len(word):
                pair_counts[right + word[i + 2]] -= count
                grown.add(key := new + word[i + 2])
                pair_counts[key] = pair_counts.get(key, 0) + count
                if key in where:
                    where[key].add(index)
                else:
                    where[key] = {index}
            symbols[index] = word[:i] + new + word[i + 2 :]
            continue
        merged = word.replace(pair, new)  # left to right, as BPE merges
        for key in map(str.__add__, word, word[1:]):
            pair_counts[key] -= count
        for key in map(str.__add__, merged, merged[1:]):
            pair_counts[key] = pair_counts.get(key, 0) + count
            where.setdefault(key, set()).add(index)
            grown.add(key)
        symbols[index] = merged
    return grown
