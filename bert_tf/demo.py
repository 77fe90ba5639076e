"""`make demo`: the main job end to end on real offline text, small enough for a laptop.

Stages (each prints what it did; outputs go to `demo_output/`):
  1. corpus      real English from the Python docs and installed packages' docstrings
  2. vocabulary  learn a WordPiece vocabulary on it and report the [UNK] rate
  3. tokenize    pack a few sentence pairs as BERT inputs ([CLS] A [SEP] B [SEP])

Run: python -m bert_tf.demo [--output-dir demo_output] [--corpus-mb 5]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def _banner(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def stage_corpus(out: Path, corpus_mb: float) -> Path:
    from bert_tf.data.offline_corpus import write_corpus

    _banner("1. corpus: Python docs + package docstrings (offline)")
    path = out / "corpus.txt"
    stats = write_corpus(path, max_bytes=int(corpus_mb * 1e6))
    print(json.dumps({"corpus": str(path), **stats}))
    return path


def stage_vocabulary(out: Path, corpus: Path, vocab_size: int) -> Path:
    from bert_tf.text import BertTokenizer, learn_vocabulary, unk_rate, write_vocabulary

    _banner(f"2. vocabulary: WordPiece, {vocab_size} tokens, uncased")
    start = time.perf_counter()
    vocab = learn_vocabulary([str(corpus)], vocab_size=vocab_size, lower_case=True)
    path = out / "vocab.txt"
    write_vocabulary(vocab, path)
    rate = unk_rate(BertTokenizer(str(path), lower_case=True), [str(corpus)])
    print(
        json.dumps(
            {
                "vocab": str(path),
                "size": len(vocab),
                "unk_rate": round(rate, 5),
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
    )
    return path


def stage_tokenize(vocab: Path, corpus: Path) -> None:
    import tensorflow as tf

    from bert_tf.text import BertPreprocessor, BertTokenizer

    _banner("3. tokenize: sentence pairs packed as BERT inputs (seq_length 24)")
    lines = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line][:6]
    tokenizer = BertTokenizer(str(vocab), lower_case=True)
    preprocessor = BertPreprocessor(tokenizer, seq_length=24)
    pairs = (tf.constant(lines[0::2]), tf.constant(lines[1::2]))
    packed = preprocessor(pairs)
    for row, (a, b) in enumerate(zip(*pairs)):
        ids = packed["input_word_ids"][row].numpy().tolist()
        print(f"A: {a.numpy().decode()[:70]}")
        print(f"B: {b.numpy().decode()[:70]}")
        print("   tokens  ", " ".join(tokenizer.id_to_token(i) for i in ids if i))
        print("   segments", "".join(str(s) for s in packed["input_type_ids"][row].numpy()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bert_tf.demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--output-dir", default="demo_output", help="where outputs go")
    parser.add_argument("--corpus-mb", type=float, default=5.0, help="size of the real corpus")
    parser.add_argument("--vocab-size", type=int, default=8000, help="WordPiece vocabulary size")
    args = parser.parse_args(argv)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = stage_corpus(out, args.corpus_mb)
    vocab = stage_vocabulary(out, corpus, args.vocab_size)
    stage_tokenize(vocab, corpus)
    print(f"\nDone. Outputs in {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
