"""Learn a WordPiece vocabulary from raw text files, and measure its [UNK] rate.

Words are counted after BERT's own normalization and pre-tokenization (the same tables the
tokenizer uses), in batches of lines; tensorflow-text's WordPiece learner then picks the
pieces by binary search over a count threshold.

Example:
    >>> vocab = learn_vocabulary(["corpus.txt"], vocab_size=8000, output="vocab.txt")
    >>> vocab[:5]
    ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
"""

from __future__ import annotations

import collections
import logging
import math
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from tqdm import tqdm

from bert_tf.text import normalization
from bert_tf.text.special_tokens import SPECIAL_TOKENS

logger = logging.getLogger(__name__)

RESERVED_TOKENS = SPECIAL_TOKENS


def _line_batches(files: Sequence[str | Path], lines_per_batch: int, progress: bool):
    """Yield lists of lines from all files, with a byte-level progress bar."""
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"input text file not found: {path}")
    total = sum(p.stat().st_size for p in paths)
    with tqdm(
        total=total, unit="B", unit_scale=True, desc="counting words", disable=not progress
    ) as bar:
        for path in paths:
            with open(path, encoding="utf-8", errors="replace") as f:
                batch: list[str] = []
                for line in f:
                    batch.append(line)
                    if len(batch) == lines_per_batch:
                        bar.update(sum(len(s.encode("utf-8")) for s in batch))
                        yield batch
                        batch = []
                if batch:
                    bar.update(sum(len(s.encode("utf-8")) for s in batch))
                    yield batch


def count_words(
    files: Sequence[str | Path], lower_case: bool = True, progress: bool = True
) -> collections.Counter:
    """Counts of BERT pre-tokens (words and single punctuation/CJK characters) in `files`."""
    table = normalization.python_translate_table(lower_case)
    ascii_table = {cp: table[cp] for cp in range(0x80) if cp in table}
    pattern = normalization.word_split_pattern()
    counts: collections.Counter = collections.Counter()
    for lines in _line_batches(files, 20_000, progress):
        text = "".join(lines)
        if text.isascii():
            text = (text.lower() if lower_case else text).translate(ascii_table)
        else:
            text = text.translate(table)
        counts.update(pattern.findall(text))
    return counts


def learn_vocabulary(
    files: Sequence[str | Path],
    vocab_size: int,
    lower_case: bool = True,
    reserved_tokens: Sequence[str] = RESERVED_TOKENS,
    output: str | Path | None = None,
    max_token_length: int = 50,
    max_unique_chars: int = 1000,
    progress: bool = True,
) -> list[str]:
    """Learn a WordPiece vocabulary of at most `vocab_size` tokens from text files.

    Args:
        files: UTF-8 text files (any line layout; invalid bytes are replaced).
        vocab_size: the largest vocabulary wanted; the result lands within 5% below it
            unless word counts are too coarse (small corpora).
        lower_case: learn an uncased vocabulary (lowercase + strip accents).
        reserved_tokens: tokens placed first, in this order.
        output: if given, the vocabulary is written there, one token per line.
        max_token_length: longest word counted.
        max_unique_chars: size cap of the alphabet (rarer characters are left out).
        progress: show tqdm progress bars.

    Returns:
        The tokens, reserved tokens first.
    """
    if vocab_size <= len(reserved_tokens):
        raise ValueError(
            f"vocab_size {vocab_size} leaves no room after {len(reserved_tokens)} reserved tokens"
        )
    counts = count_words(files, lower_case=lower_case, progress=progress)
    if not counts:
        raise ValueError(f"no words found in {[str(f) for f in files]}")
    logger.info("counted %d distinct words; learning %d pieces", len(counts), vocab_size)
    learned = _learn_pieces(
        counts.most_common(),
        vocab_size,
        list(reserved_tokens),
        max_token_length,
        max_unique_chars,
        progress,
    )
    reserved = set(reserved_tokens)
    vocab = list(reserved_tokens) + [t for t in dict.fromkeys(learned) if t not in reserved]
    vocab = vocab[:vocab_size]
    if output is not None:
        write_vocabulary(vocab, output)
    return vocab


def _learn_pieces(
    word_counts: list[tuple[str, int]],
    vocab_size: int,
    reserved_tokens: list[str],
    max_token_length: int,
    max_unique_chars: int,
    progress: bool,
    slack_ratio: float = 0.05,
    max_steps: int = 20,
) -> list[str]:
    """tensorflow-text's WordPiece learner, with the count threshold bisected in log space.

    The library's own `learn` bisects the threshold linearly between 1 and the top word
    count (about 20 full learning runs on real text); vocabulary size falls off roughly as a
    power of the threshold, so bisecting its logarithm needs about half as many runs.
    """
    from tensorflow_text.tools.wordpiece_vocab import wordpiece_tokenizer_learner_lib as lib

    params = lib.Params(
        upper_thresh=None,
        lower_thresh=1,
        num_iterations=4,
        max_input_tokens=5_000_000,
        max_token_length=max_token_length,
        max_unique_chars=max_unique_chars,
        vocab_size=vocab_size,
        slack_ratio=slack_ratio,
        include_joiner_token=True,
        joiner="##",
        reserved_tokens=reserved_tokens,
    )
    words = lib.get_input_words(word_counts, reserved_tokens, max_token_length)
    words = lib.filter_input_words(
        words, lib.get_allowed_chars(words, max_unique_chars), params.max_input_tokens
    )
    too_low, fits = 0, max(count for _, count in words) + 1  # threshold bracket
    best: list[str] | None = None
    for _ in tqdm(range(max_steps), desc="learning pieces", disable=not progress):
        thresh = round(math.sqrt(max(too_low, 1) * fits))  # bisect the logarithm
        if not too_low < thresh < fits:
            thresh = (too_low + fits) // 2  # adjacent in log space: bisect linearly
        if not too_low < thresh < fits:
            break
        vocab = lib.learn_with_thresh(words, thresh, params)
        logger.debug("threshold %d -> %d tokens", thresh, len(vocab))
        if len(vocab) <= vocab_size:
            if best is None or len(vocab) > len(best):
                best = vocab
            if vocab_size - len(vocab) <= slack_ratio * vocab_size:
                break
            fits = thresh
        else:
            too_low = thresh
    if best is None:
        raise ValueError(
            f"vocab_size {vocab_size} is too small: even the rarest-first cut needs more "
            "tokens (the alphabet alone is too large; lower max_unique_chars)"
        )
    return best


def write_vocabulary(vocab: Sequence[str], path: str | Path) -> None:
    """Write one token per line (atomically: a temporary file, then a rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(f"{token}\n" for token in vocab), encoding="utf-8")
    os.replace(tmp, path)


def _text_lines(files: Sequence[str | Path], batch: int) -> Iterator[list[str]]:
    for lines in _line_batches(files, batch, progress=False):
        yield [line.rstrip("\n") for line in lines]


def unk_rate(tokenizer, files: Sequence[str | Path], batch_size: int = 2048) -> float:
    """Fraction of word pieces of `files` that `tokenizer` maps to [UNK] (0.0 for no text)."""
    import tensorflow as tf

    unknown = total = 0
    for lines in _text_lines(files, batch_size):
        ids = tokenizer.tokenize(tf.constant(lines)).flat_values
        unknown += int(tf.reduce_sum(tf.cast(ids == tokenizer.unk_id, tf.int64)))
        total += int(tf.size(ids))
    return unknown / total if total else 0.0
