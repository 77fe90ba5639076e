"""Learn a WordPiece vocabulary at corpus scale: count words (streamed, parallel or on Beam),
learn pieces from the count table, write a plain `vocab.txt` + `tokenizer_config.json`.

Engine, chosen on measurements (issue 14; `benchmarks/vocab.py` gives the figures): the
pieces come from `vocab_trainer.train_wordpiece`, the algorithm of HF `tokenizers`'
WordPiece trainer (BPE merges with `##`) re-implemented over a word-count table, because
the Rust trainer only takes text: it cannot be fed counts made elsewhere (Beam, parallel
processes, a capped table), and feeding it counts as repeated words costs as much as the
corpus. Counting (`word_counting.py`) splits raw words first and normalizes each distinct
word once, in parallel processes, which is faster than the peer's Rust counting; the merge
loop costs per distinct word, not per corpus byte. tensorflow-text's learner, the engine
before, was 28x slower than the peer and missed the size; this one hits it whenever the
words allow, with the same normalization tables as `BertTokenizer`.

Public API:
- `learn_vocabulary(inputs, vocab_size, ...) -> list[str]`: local job (`workers`
  processes), or a Beam job when `beam_pipeline_args` is given;
- `bert_tf.text.word_count_beam.learn_vocabulary_beam(inputs, vocab_size, output_dir, *,
  lower_case, beam_pipeline_args, ...) -> dict`, what the TFX vocabulary component calls:
  Beam counting, then learning in the caller; writes `vocab.txt`, `tokenizer_config.json`
  and `word_counts.tsv` to `output_dir` (any `tf.io.gfile` path) and returns the summary;
- `vocabulary_from_counts`, `count_words`, `vocabulary_quality`, `vocabulary_summary`,
  `unk_rate`, `write_vocabulary`, `write_tokenizer_config`.

Example:
    >>> vocab = learn_vocabulary(["corpus.txt"], vocab_size=8000, output="vocab.txt")
    >>> vocab[:5]
    ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
"""

from __future__ import annotations

import collections
import logging
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bert_tf.text.special_tokens import SPECIAL_TOKENS
from bert_tf.text.vocab_trainer import train_wordpiece
from bert_tf.text.word_counting import count_words, is_remote

__all__ = [
    "RESERVED_TOKENS",
    "count_words",
    "learn_vocabulary",
    "unk_rate",
    "vocabulary_from_counts",
    "vocabulary_quality",
    "vocabulary_summary",
    "write_tokenizer_config",
    "write_vocabulary",
]

logger = logging.getLogger(__name__)

RESERVED_TOKENS = SPECIAL_TOKENS
DEFAULT_MAX_UNIQUE_WORDS = 2_000_000


def vocabulary_from_counts(
    counts: Mapping[str, int],
    vocab_size: int,
    reserved_tokens: Sequence[str] = RESERVED_TOKENS,
    progress: bool = True,
) -> list[str]:
    """The vocabulary learned from a word-count table (reserved tokens first)."""
    if vocab_size <= len(reserved_tokens):
        raise ValueError(
            f"vocab_size {vocab_size} leaves no room after {len(reserved_tokens)} reserved tokens"
        )
    if not counts:
        raise ValueError("no words to learn a vocabulary from (the corpus is empty)")
    return train_wordpiece(counts, vocab_size, list(reserved_tokens), progress=progress)


def learn_vocabulary(
    inputs: Sequence[str | Path],
    vocab_size: int,
    lower_case: bool = True,
    reserved_tokens: Sequence[str] = RESERVED_TOKENS,
    output: str | Path | None = None,
    *,
    workers: int | None = None,
    max_unique_words: int | None = DEFAULT_MAX_UNIQUE_WORDS,
    beam_pipeline_args: Sequence[str] | None = None,
    progress: bool = True,
    counts_out: dict | None = None,
) -> list[str]:
    """Learn a WordPiece vocabulary of exactly `vocab_size` tokens from text files.

    Args:
        inputs: UTF-8 text files, globs or `tf.io.gfile` URLs (any line layout).
        vocab_size: size of the vocabulary, reserved tokens included (fewer only when every
            word of the corpus is already a token).
        lower_case: learn an uncased vocabulary (lowercase + strip accents).
        reserved_tokens: tokens placed first, in this order.
        output: if given, the vocabulary is written there, one token per line.
        workers: local counting processes (default: one per core).
        max_unique_words: the count table keeps this many of the most frequent words
            (exactly; memory holds at most twice this many while counting).
        beam_pipeline_args: count on Apache Beam with these pipeline options instead
            (e.g. `["--runner=DirectRunner"]`); the counts equal the local job's.
        progress: show progress bars (counting with bytes/s, learning).
        counts_out: if given, receives the word counts under "counts".
    """
    if vocab_size <= len(reserved_tokens):
        raise ValueError(
            f"vocab_size {vocab_size} leaves no room after {len(reserved_tokens)} reserved tokens"
        )
    start = time.perf_counter()
    if beam_pipeline_args is not None:
        from bert_tf.text.word_count_beam import count_words_beam

        counts = count_words_beam(
            inputs, lower_case, max_unique_words=max_unique_words,
            beam_pipeline_args=beam_pipeline_args,
        )  # fmt: skip
    else:
        counts = count_words(
            inputs, lower_case, workers=workers, max_unique_words=max_unique_words,
            progress=progress,
        )  # fmt: skip
    if not counts:
        raise ValueError(f"no words found in {[str(f) for f in inputs]} (empty corpus)")
    logger.info(
        "counted %d words (%d distinct) in %.1f s",
        sum(counts.values()),
        len(counts),
        time.perf_counter() - start,
    )
    vocab = vocabulary_from_counts(counts, vocab_size, reserved_tokens, progress)
    if output is not None:
        write_vocabulary(vocab, output)
    if counts_out is not None:
        counts_out["counts"] = counts
    return vocab


def write_vocabulary(vocab: Sequence[str], path: str | Path) -> None:
    """Write one token per line (locally atomic: a temporary file, then a rename)."""
    text = "".join(f"{token}\n" for token in vocab)
    path = str(path)
    if is_remote(path):
        import tensorflow as tf

        with tf.io.gfile.GFile(path, "w") as handle:
            handle.write(text)
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(path).with_name(Path(path).name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_tokenizer_config(vocab_file: str | Path, lower_case: bool) -> str:
    """Record casing and the vocabulary's hash beside it (`tokenizer_config.json`, through
    `TokenizerSettings`, as every run directory does); returns the config's path."""
    from bert_tf.text.tokenizer_settings import CONFIG_FILE, TokenizerSettings

    directory, name = os.path.split(str(vocab_file))
    TokenizerSettings(lower_case=bool(lower_case), vocab_file=name).write(directory)
    return os.path.join(directory, CONFIG_FILE)


def vocabulary_quality(
    tokenizer: Any, counts: Mapping[str, int], batch_size: int = 65536
) -> dict[str, float]:
    """Tokens per word and [UNK] rate of `tokenizer` on text with these pre-token counts.

    BERT tokenizes each pre-token on its own, so tokenizing every distinct word once through
    the project's tokenizer (tf-text), weighted by its count, gives exactly the figures of
    tokenizing the whole text.
    """
    import numpy as np
    import tensorflow as tf

    words = list(counts)
    weights = np.array([counts[w] for w in words], np.float64)
    pieces = unknown = 0.0
    for i in range(0, len(words), batch_size):
        ids = tokenizer.tokenize(tf.constant(words[i : i + batch_size]))  # [B, (T)]
        w = weights[i : i + batch_size]
        pieces += float(np.dot(ids.row_lengths().numpy(), w))
        unk = tf.reduce_sum(tf.cast(ids == tokenizer.unk_id, tf.int64), axis=1).numpy()
        unknown += float(np.dot(unk, w))
    total = float(weights.sum())
    return {
        "tokens_per_word": pieces / total if total else 0.0,
        "unk_rate": unknown / pieces if pieces else 0.0,
    }


def unk_rate(tokenizer: Any, files: Sequence[str | Path], batch_size: int = 2048) -> float:
    """Fraction of the word pieces of `files` that `tokenizer` maps to [UNK] (0.0: no text).

    The text itself goes through the tokenizer, line by line (see `vocabulary_quality` for
    the same figure from word counts).
    """
    import tensorflow as tf

    from bert_tf.text.word_counting import list_inputs, plan_splits, read_split

    unknown = total = 0
    for split in plan_splits(list_inputs(files)):
        for text in read_split(split):
            lines = text.rstrip("\n").split("\n")
            for i in range(0, len(lines), batch_size):
                ids = tokenizer.tokenize(tf.constant(lines[i : i + batch_size])).flat_values
                unknown += int(tf.reduce_sum(tf.cast(ids == tokenizer.unk_id, tf.int64)))
                total += int(tf.size(ids))
    return unknown / total if total else 0.0


def vocabulary_summary(
    vocab_file: str, lower_case: bool, counts: collections.Counter, seconds: float
) -> dict[str, Any]:
    """The summary line's figures for a written vocabulary (a local file) and its counts."""
    from bert_tf.text.bert_tokenizer import BertTokenizer

    tokenizer = BertTokenizer(vocab_file, lower_case=lower_case)
    quality = vocabulary_quality(tokenizer, counts)
    return {
        "seconds": round(seconds, 2),
        "vocab_size": tokenizer.vocab_size,
        "unk_rate": round(quality["unk_rate"], 6),
        "tokens_per_word": round(quality["tokens_per_word"], 4),
        "words": sum(counts.values()),
        "unique_words": len(counts),
        "lower_case": lower_case,
    }
