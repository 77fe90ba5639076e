"""`bert-tf vocab`: learn a WordPiece vocabulary from text files and report its quality.

Counting streams the files in parallel processes (`--workers`), or runs as an Apache Beam
job (`--runner beam --beam-args ...`); the pieces are learned from the count table. Writes
`vocab.txt` and `tokenizer_config.json` (casing) beside it, shows progress per phase, and
prints one JSON summary line: seconds, vocab_size, unk_rate, tokens_per_word (on the corpus,
and on `--heldout` text if given), words.

Example:
    $ bert-tf vocab --input corpus.txt --vocab-size 30000 --output out/vocab.txt
    $ bert-tf vocab --input 'gs://bucket/text/*.txt' --vocab-size 30000 \\
        --output gs://bucket/vocab/vocab.txt --runner beam --beam-args --runner=DataflowRunner ...
"""

from __future__ import annotations

import argparse
import json
import os
import time

HELP = "learn a WordPiece vocabulary (vocab.txt) from raw text files"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input", nargs="+", required=True, metavar="FILE", help="text files or globs"
    )
    parser.add_argument("--vocab-size", type=int, required=True, help="vocabulary size")
    parser.add_argument("--output", required=True, help="where to write vocab.txt")
    parser.add_argument("--cased", action="store_true", help="keep case and accents")
    parser.add_argument(
        "--heldout", nargs="+", metavar="FILE", help="also report quality on this text"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="counting processes (default: one per core)"
    )
    parser.add_argument(
        "--max-unique-words",
        type=int,
        default=None,
        help="keep the N most frequent words (exact; memory holds at most 2N, the rest spills "
        "to the temporary folder; default 2,000,000)",
    )
    parser.add_argument("--runner", choices=("local", "beam"), default="local")
    parser.add_argument(
        "--beam-args",
        nargs=argparse.REMAINDER,
        default=[],
        help="the rest of the command line goes to Beam's PipelineOptions",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def run(args: argparse.Namespace) -> int:
    from bert_tf.text import vocab_learning as vl
    from bert_tf.text.word_counting import count_words

    start = time.perf_counter()
    lower_case = not args.cased
    if args.runner == "beam":
        from bert_tf.text.word_count_beam import learn_vocabulary_beam

        directory = os.path.dirname(args.output) or "."
        if os.path.basename(args.output) != "vocab.txt":
            raise ValueError("with --runner beam, --output must be DIR/vocab.txt")
        stats = learn_vocabulary_beam(
            args.input,
            args.vocab_size,
            directory,
            lower_case=lower_case,
            beam_pipeline_args=args.beam_args,
            max_unique_words=args.max_unique_words,
            progress=not args.no_progress,
        )
    else:
        received: dict = {}
        cap = args.max_unique_words or vl.DEFAULT_MAX_UNIQUE_WORDS
        vl.learn_vocabulary(
            args.input,
            args.vocab_size,
            lower_case=lower_case,
            output=args.output,
            workers=args.workers,
            max_unique_words=cap,
            progress=not args.no_progress,
            counts_out=received,
        )
        vl.write_tokenizer_config(args.output, lower_case)
        learn_seconds = time.perf_counter() - start
        stats = vl.vocabulary_summary(args.output, lower_case, received["counts"], learn_seconds)
    stats["learn_seconds"] = stats.pop("seconds")
    if args.heldout:
        from bert_tf.text.bert_tokenizer import BertTokenizer

        if "://" in args.output:
            raise ValueError("--heldout needs a local --output (BertTokenizer reads a local file)")

        counts = count_words(args.heldout, lower_case, progress=False)
        quality = vl.vocabulary_quality(BertTokenizer(args.output, lower_case), counts)
        stats["heldout_tokens_per_word"] = round(quality["tokens_per_word"], 4)
        stats["heldout_unk_rate"] = round(quality["unk_rate"], 6)
    stats = {"seconds": round(time.perf_counter() - start, 2), **stats, "output": args.output}
    print(json.dumps(stats))
    return 0
