"""How well a fill-mask model recovers a hidden word: the fill-mask pipeline's quality gate.

`masked_word_examples` hides one whole word per sentence behind "[MASK]", choosing only words
that are a single vocabulary entry (so the right answer is one token the model can name);
`masked_word_scores` scores the model's top-k candidates for that mask: top-1 accuracy and
recall at k, both in percent (the scale of the SQuAD and entity metrics).

Example:
    >>> vocab = {"the", "cat", "sat", "on", "mat"}
    >>> examples = masked_word_examples(["The cat sat on the mat."], vocab, True, count=1)
    >>> examples[0].text.count("[MASK]"), examples[0].word in vocab
    (1, True)
    >>> masked_word_scores([["sat", "lay"], ["dog", "cat"]], ["sat", "cat"])
    {'accuracy': 50.0, 'recall_at_k': 100.0, 'examples': 2}
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

MASK = "[MASK]"
_WORD = re.compile(r"\b[A-Za-z]{2,}\b")  # whole plain words: no digits, _ or accents


@dataclass(frozen=True)
class MaskedWord:
    """A sentence with one word hidden (`text` holds "[MASK]") and the word hidden."""

    text: str
    word: str


def masked_word_examples(
    sentences: Iterable[str],
    vocab: Collection[str],
    lower_case: bool,
    count: int,
    seed: int = 0,
    min_words: int = 5,
) -> list[MaskedWord]:
    """Up to `count` sentences of at least `min_words` words, each with one in-vocabulary
    word masked (chosen with `seed`); a sentence without such a word is skipped."""
    rng = random.Random(seed)
    examples: list[MaskedWord] = []
    for sentence in sentences:
        if len(examples) >= count:
            break
        if len(sentence.split()) < min_words:
            continue
        candidates = [
            match
            for match in _WORD.finditer(sentence)
            if (match.group().lower() if lower_case else match.group()) in vocab
        ]
        if not candidates:
            continue
        match = rng.choice(candidates)
        text = sentence[: match.start()] + MASK + sentence[match.end() :]
        word = match.group().lower() if lower_case else match.group()
        examples.append(MaskedWord(text, word))
    return examples


def masked_word_scores(
    candidates: Sequence[Sequence[str]], words: Sequence[str]
) -> dict[str, float]:
    """Top-1 accuracy and recall at k (k = candidates per mask) in percent, and the count.

    Raises:
        ValueError: the two lists differ in length, or are empty.
    """
    if len(candidates) != len(words):
        raise ValueError(f"{len(candidates)} answers for {len(words)} masked words")
    if not words:
        raise ValueError("no masked words to score")
    top1 = sum(bool(found) and found[0] == word for found, word in zip(candidates, words))
    top_k = sum(word in found for found, word in zip(candidates, words))
    return {
        "accuracy": 100.0 * top1 / len(words),
        "recall_at_k": 100.0 * top_k / len(words),
        "examples": len(words),
    }
