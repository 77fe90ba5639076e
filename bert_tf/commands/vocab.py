"""`bert-tf vocab`: learn a WordPiece vocabulary from text files and report its quality."""

from __future__ import annotations

import argparse
import json
import time

HELP = "learn a WordPiece vocabulary (vocab.txt) from raw text files"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", required=True, metavar="FILE", help="text files")
    parser.add_argument("--vocab-size", type=int, required=True, help="largest vocabulary size")
    parser.add_argument("--output", required=True, help="where to write vocab.txt")
    parser.add_argument("--cased", action="store_true", help="keep case and accents")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def run(args: argparse.Namespace) -> int:
    from bert_tf.text import BertTokenizer, count_words, learn_vocabulary, unk_rate

    start = time.perf_counter()
    lower_case = not args.cased
    vocab = learn_vocabulary(
        args.input,
        args.vocab_size,
        lower_case=lower_case,
        output=args.output,
        progress=not args.no_progress,
    )
    tokenizer = BertTokenizer(args.output, lower_case=lower_case)
    stats = {
        "words": sum(count_words(args.input, lower_case, progress=False).values()),
        "vocab_size": len(vocab),
        "unk_rate": round(unk_rate(tokenizer, args.input), 6),
        "lower_case": lower_case,
        "output": args.output,
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(stats))
    return 0
