"""`bert-tf tokenize`: text lines (a tab separates a pair) -> JSON lines of BERT inputs.

Example:
    $ printf 'What is BERT?\tA bidirectional encoder.\n' | \\
        bert-tf tokenize --vocab vocab.txt --pair --seq-length 16
    {"input_word_ids": [101, 2054, 2003, ...], "input_type_ids": [0, ...], "input_mask": [1, ...]}
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

HELP = "tokenize and pack text lines into BERT inputs (JSON lines of ids, segments, mask)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vocab", required=True, help="WordPiece vocab.txt")
    parser.add_argument("--cased", action="store_true", help="the vocabulary is cased")
    parser.add_argument("--seq-length", type=int, default=128, help="packed length (128)")
    parser.add_argument("--pair", action="store_true", help="lines are 'text_a<TAB>text_b'")
    parser.add_argument("--input", help="input file (default: stdin)")
    parser.add_argument("--output", help="output file (default: stdout)")
    parser.add_argument("--batch-size", type=int, default=256, help="lines per batch")


def _batches(lines, size: int):
    batch = []
    for line in lines:
        batch.append(line.rstrip("\n").rstrip("\r"))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(args: argparse.Namespace) -> int:
    from bert_tf.text import BertPreprocessor, BertTokenizer

    tokenizer = BertTokenizer(args.vocab, lower_case=not args.cased)
    preprocessor = BertPreprocessor(tokenizer, seq_length=args.seq_length)
    with contextlib.ExitStack() as stack:
        source = (
            stack.enter_context(open(args.input, encoding="utf-8")) if args.input else sys.stdin
        )
        sink = (
            stack.enter_context(open(args.output, "w", encoding="utf-8"))
            if args.output
            else sys.stdout
        )
        for number, batch in enumerate(_batches(source, args.batch_size)):
            if args.pair:
                split = [line.split("\t", 1) for line in batch]
                bad = [i for i, parts in enumerate(split) if len(parts) != 2]
                if bad:
                    line = number * args.batch_size + bad[0] + 1
                    raise ValueError(f"line {line} has no tab separating text_a and text_b")
                inputs = ([p[0] for p in split], [p[1] for p in split])
            else:
                inputs = batch
            features = {k: v.numpy().tolist() for k, v in preprocessor(inputs).items()}
            for i in range(len(batch)):
                row = {
                    k: features[k][i] for k in ("input_word_ids", "input_type_ids", "input_mask")
                }
                sink.write(json.dumps(row) + "\n")
    return 0
